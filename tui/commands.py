"""The command line's command names: the entry point tells them from paths without loading the command line."""

from __future__ import annotations

# ``newsread clean`` is the command even beside a folder named "clean".
COMMANDS = frozenset({"open", "clean", "diff", "cleaners", "export", "cache"})
