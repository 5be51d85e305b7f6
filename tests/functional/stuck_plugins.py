"""Plugins that get stuck or misbehave on the process, for the tests of ``test_stuck.py`` (cleaning a page) and
``test_stuck_learning.py`` (learning from the folder), and how to run ``newsread`` with them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

PLUGINS = """
import os, signal, sys
from newsread.cleaners import BaseCleaner, Mark

print("a plugin file that prints when it is loaded")


class StuckInC(BaseCleaner):
    name = "stuck_in_c"
    description = "a loop in C code, out of reach of any signal handler, on page 3"

    def annotate(self, page, context):
        if page.id == "p3.txt":
            sum(range(10**13))
        return []


class Deaf(BaseCleaner):
    name = "deaf"
    description = "ignores SIGALRM, then loops, on page 3"

    def annotate(self, page, context):
        if page.id == "p3.txt":
            signal.signal(signal.SIGALRM, signal.SIG_IGN)
            while True:
                pass
        return []


class Chatty(BaseCleaner):
    name = "chatty"
    description = "prints on every page, and writes to file descriptor 1"

    def annotate(self, page, context):
        print("{\\"injected\\": true}")
        os.write(1, b"raw bytes on fd 1\\n")
        return []


class Learner(BaseCleaner):
    name = "learner"
    description = "prints while it learns from the folder"

    def fit(self, pages):
        print("learning from", len(list(pages)), "pages")
        return {}

    def annotate(self, page, context):
        return []


class Quitter(BaseCleaner):
    name = "quitter"
    description = "sys.exit(3) on page 2"

    def annotate(self, page, context):
        if page.id == "p2.txt":
            sys.exit(3)
        return []


class Exiter(BaseCleaner):
    name = "exiter"
    description = "os._exit(0) on page 4"

    def annotate(self, page, context):
        if page.id == "p4.txt":
            os._exit(0)
        return []


class StuckLearner(BaseCleaner):
    name = "stuck_learner"
    description = "learns forever, in C code, out of reach of any signal handler"

    def fit(self, pages):
        list(pages)
        sum(range(10**13))
        return {}

    def annotate(self, page, context):
        return []


class StuckInParts(StuckLearner):
    name = "stuck_in_parts"
    description = "learns from the folder in parts, forever"

    def fit_chunk(self, pages):
        sum(range(10**13))
        return {}

    def fit_merge(self, parts):
        return {}


class ExitingLearner(BaseCleaner):
    name = "exiting_learner"
    description = "ends its process while it learns"

    def fit(self, pages):
        os._exit(7)

    def annotate(self, page, context):
        return []


class Counter(BaseCleaner):
    name = "counter"
    description = "learns how many pages the folder has, and says so on each page"

    def fit(self, pages):
        return {"pages": len(list(pages))}

    def annotate(self, page, context):
        context.note(f"counter learned {context.folder.get('counter', {}).get('pages')} pages")
        return []
"""
ALL = (
    "stuck_in_c",
    "deaf",
    "chatty",
    "learner",
    "quitter",
    "exiter",
    "stuck_learner",
    "stuck_in_parts",
    "exiting_learner",
    "counter",
)

# ``newsread`` as on a system without fork (Windows): every child process is spawned.
NO_FORK = (
    "import multiprocessing, sys\n"
    "methods = [m for m in multiprocessing.get_all_start_methods() if m != 'fork']\n"
    "multiprocessing.get_all_start_methods = lambda: methods\n"
    "multiprocessing.set_start_method('spawn', force=True)\n"
    "from newsread.tui.cli import main\n"
    "main()\n"
)


def make_folder(tmp_path: Path, pages: int = 6) -> Path:
    """``pages`` short pages of one story, ``p1.txt`` …"""
    folder = tmp_path / "pages"
    folder.mkdir()
    for i in range(1, pages + 1):
        (folder / f"p{i}.txt").write_text(
            f"Harbour story number {i}\nThe council voted on Tuesday to expand the harbour, page {i} says.\n"
            "Supporters said the project would bring jobs and trade to the region.\n"
        )
    return folder


def write_config(tmp_path: Path, enabled: tuple[str, ...], *, clean: float = 0, learn: float = 0) -> Path:
    """A config with the plugins, ``enabled`` of them on; ``clean``, ``learn``: the limits (0: the default)."""
    plugin = tmp_path / "plugins.py"
    plugin.write_text(PLUGINS)
    config = tmp_path / "config.toml"
    lines = [f"cleaner_files = [{json.dumps(str(plugin))}]"]
    for name in ALL:
        lines.append(f"[cleaners.{name}]\nenabled = {'true' if name in enabled else 'false'}")
    limits = [f"max_clean_seconds = {clean}"] * bool(clean) + [f"max_learn_seconds = {learn}"] * bool(learn)
    if limits:
        lines.append("[limits]\n" + "\n".join(limits))
    config.write_text("\n".join(lines) + "\n")
    return config


def run(
    tmp_path: Path,
    enabled: tuple[str, ...],
    *args: str,
    clean: float = 0,
    learn: float = 0,
    no_fork: bool = False,
) -> subprocess.CompletedProcess[str]:
    """``newsread ARGS --config C`` with the plugins; ``no_fork``: as where there is no fork."""
    config = write_config(tmp_path, enabled, clean=clean, learn=learn)
    start = ["-c", NO_FORK] if no_fork else ["-m", "newsread.tui.cli"]
    cmd = [sys.executable, *start, *args, "--config", str(config)]
    env = dict(os.environ, NEWSREAD_CACHE_DIR=str(tmp_path / "cache"), XDG_STATE_HOME=str(tmp_path / "state"))
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, env=env)


def records(stdout: str) -> dict[str, dict[str, object]]:
    return {r["id"]: r for r in map(json.loads, stdout.splitlines())}  # every line is JSON, or this fails
