"""The ``newsread`` command's entry point: ``newsread PATH…`` opens the reader without loading the command line.

Building the typer command line (typer, click and their help machinery) takes ~0.1 s, a tenth of a reopened
folder's time to its first screen, and opening the reader on paths, the commonest use, needs none of it. Anything
else (a command, an option, a path that is not there, a config file with a mistake) goes to the full command
line (:mod:`newsread.tui.cli`), which reports it as it always has.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from .commands import COMMANDS
from .process import hold_collections, resume_collections, tune_frame_rate


def reader_paths(args: list[str]) -> list[str] | None:
    """``args`` when they only name existing files or folders for the reader, else None."""
    if not args or args[0] in COMMANDS:
        return None
    if any(a.startswith("-") or not os.path.lexists(a) for a in args):
        return None
    return args


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    tune_frame_rate()
    paths = reader_paths(args)
    if paths is not None:
        hold_collections()
        try:
            if open_reader(paths):
                return
        finally:
            resume_collections()
    from .cli import main as cli_main

    cli_main(args)


def open_reader(paths: list[str]) -> bool:
    """Open the reader on ``paths`` with the user's configuration; False (nothing shown) when the
    configuration cannot be read, for the command line to report."""
    from newsread.cleaners import ConfigError, Pipeline, inert, load_config

    try:
        config = load_config(None)
    except ConfigError:
        return False
    pipeline = Pipeline.default(config)
    for problem in pipeline.problems:
        print(f"newsread: warning: {inert(problem)}", file=sys.stderr)
    from .app import run_app

    run_app([str(Path(p)) for p in paths], pipeline)  # as the command line passes them ("seeds/" -> "seeds")
    return True


if __name__ == "__main__":
    main()
