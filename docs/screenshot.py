"""Save the README's screenshot: the reader on seeds/, as Textual draws it, as SVG.

    .venv/bin/python docs/screenshot.py      # writes docs/reader.svg

Runs the reader headless (Textual's Pilot) at 112×30 with the built-in cleaners, an empty result cache,
triage in memory and default settings (nothing of the user's is read or written), moves to the second page
and shows its diff, then saves the screen with ``App.save_screenshot``.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from pathlib import Path

DOCS = Path(__file__).resolve().parent


async def shoot(keys: list[str], name: str) -> Path:
    from newsread.cleaners import Config, Pipeline
    from newsread.tui.app import NewsreadApp

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["NEWSREAD_CACHE_DIR"] = tmp
        app = NewsreadApp(
            [str(DOCS.parent / "seeds")], Pipeline.default(Config()), None, settings=Path(tmp) / "reader.toml"
        )
        async with app.run_test(size=(112, 30)) as pilot:
            await pilot.pause(3.0)  # five pages: cleaned, their stories found
            for key in keys:
                await pilot.press(key)
                await pilot.pause(0.3)
            await pilot.pause(1.0)
            app.save_screenshot(name, str(DOCS))
    return DOCS / name


def main(argv: list[str]) -> int:
    keys = argv or ["j", "3"]
    print(asyncio.run(shoot(keys, "reader.svg")))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
