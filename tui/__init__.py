"""newsread's terminal front end: the Textual reader and the typer command line.

It presents what the engine (:mod:`newsread.cleaners`) decided; it decides nothing itself.
"""

import os

# Textual draws what changed at most TEXTUAL_FPS times a second (its default: 60), so a key's page waits for the
# next such moment: at 120 it is on screen ~8 ms sooner (bench/README.md). Read when Textual is first imported;
# the user's own TEXTUAL_FPS wins.
os.environ.setdefault("TEXTUAL_FPS", "120")
