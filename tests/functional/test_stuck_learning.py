"""A folder-level cleaner whose ``fit`` is stuck (in C code, out of reach of any signal) or ends its process: learning
is stopped at ``max_learn_seconds``, that cleaner learns nothing (with a warning saying so), the other cleaners
learn, and the run (``newsread clean``, ``newsread export``, the reader) goes on and ends."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from newsread.cleaners import Config, Pipeline
from newsread.cleaners.learning import fit_watched
from newsread.cleaners.loading import iter_sources, load_page
from newsread.tui.library import Library

pytestmark = [pytest.mark.functional, pytest.mark.slow]

PLUGINS = """
import os
from newsread.cleaners import BaseCleaner


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
ALL = ("stuck_learner", "stuck_in_parts", "exiting_learner", "counter")


def make_folder(tmp_path: Path, pages: int = 6) -> Path:
    folder = tmp_path / "pages"
    folder.mkdir()
    for i in range(1, pages + 1):
        (folder / f"p{i:04d}.txt").write_text(
            f"Harbour story number {i}\nThe council voted on Tuesday to expand the harbour, page {i} says.\n"
            "Supporters said the project would bring jobs and trade to the region.\n"
        )
    return folder


def write_config(tmp_path: Path, enabled: tuple[str, ...], learn: float = 2) -> Path:
    plugin = tmp_path / "plugins.py"
    plugin.write_text(PLUGINS)
    config = tmp_path / "config.toml"
    lines = [f"cleaner_files = [{json.dumps(str(plugin))}]"]
    for name in ALL:
        lines.append(f"[cleaners.{name}]\nenabled = {'true' if name in enabled else 'false'}")
    lines.append(f"[limits]\nmax_learn_seconds = {learn}")
    config.write_text("\n".join(lines) + "\n")
    return config


def run(tmp_path: Path, enabled: tuple[str, ...], *args: str) -> tuple[subprocess.CompletedProcess[str], float]:
    config = write_config(tmp_path, enabled)
    cmd = [sys.executable, "-m", "newsread.tui.cli", *args, "--config", str(config)]
    env = dict(os.environ, NEWSREAD_CACHE_DIR=str(tmp_path / "cache"), XDG_STATE_HOME=str(tmp_path / "state"))
    start = time.monotonic()
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=120, env=env)
    return result, time.monotonic() - start


def records(stdout: str) -> dict[str, dict[str, object]]:
    return {r["id"]: r for r in map(json.loads, stdout.splitlines())}


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_stuck_learner_is_stopped_and_the_run_ends(tmp_path: Path, jobs: str) -> None:
    folder = make_folder(tmp_path)
    result, took = run(tmp_path, ("stuck_learner", "counter"), "clean", str(folder), "--jobs", jobs, "--no-cache")
    assert result.returncode == 0, result.stderr
    assert took < 60  # stopped at the 2 s limit; it used to run for days
    assert "'stuck_learner' did not finish learning from the folder within 2 s" in result.stderr
    found = records(result.stdout)
    assert len(found) == 6 and all(r["error"] is None and r["body"] for r in found.values())
    # The cleaner after the stuck one still learned from every page.
    assert all("counter learned 6 pages" in r["notes"] for r in found.values())  # type: ignore[operator]


def test_a_learner_that_ends_its_process_costs_only_what_it_learns(tmp_path: Path) -> None:
    folder = make_folder(tmp_path)
    result, _ = run(tmp_path, ("exiting_learner", "counter"), "clean", str(folder), "--no-cache")
    assert result.returncode == 0, result.stderr
    assert "'exiting_learner' ended its process while learning from the folder (exit status 7)" in result.stderr
    found = records(result.stdout)
    assert len(found) == 6 and all("counter learned 6 pages" in r["notes"] for r in found.values())  # type: ignore[operator]


def test_a_learner_stuck_on_a_part_of_a_big_folder_is_stopped(tmp_path: Path) -> None:
    # 500 pages and two jobs: the folder is learned in parts by the workers, which are stopped at the limit.
    folder = make_folder(tmp_path, 520)
    result, took = run(tmp_path, ("stuck_in_parts",), "clean", str(folder), "--jobs", "2", "--no-cache")
    assert result.returncode == 0, result.stderr
    assert took < 90
    assert "learning from the folder in parts did not finish within 4 s: stopped" in result.stderr
    assert "'stuck_in_parts'" in result.stderr and "'site_template'" in result.stderr  # both learned nothing
    found = records(result.stdout)
    assert len(found) == 520 and all(r["error"] is None for r in found.values())


def test_export_with_a_stuck_learner_ends(tmp_path: Path) -> None:
    folder = make_folder(tmp_path)
    out = tmp_path / "out"
    args = ("export", str(folder), "--out", str(out), "--status", "unread", "--format", "jsonl")
    result, took = run(tmp_path, ("stuck_learner",), *args, "--state", str(tmp_path / "state.sqlite3"))
    assert result.returncode == 0, result.stderr
    assert took < 60
    assert "did not finish learning" in result.stderr
    assert len((out / "newsread.jsonl").read_text().splitlines()) == 6


def test_fit_watched_keeps_what_the_other_cleaners_learned(tmp_path: Path) -> None:
    folder = make_folder(tmp_path)
    config = write_config(tmp_path, ("stuck_learner", "counter"), learn=1)
    from newsread.cleaners.config import load_config

    pipeline = Pipeline.default(load_config(config))
    pages = [load_page(s) for s in iter_sources([folder])]
    start = time.monotonic()
    fit_watched(pipeline, pages, 1)
    assert time.monotonic() - start < 30
    assert pipeline.folder_state["counter"] == {"pages": 6}
    assert "stuck_learner" not in pipeline.folder_state
    assert any("'stuck_learner' did not finish" in p for p in pipeline.problems)


def test_the_reader_learns_past_a_stuck_learner(tmp_path: Path) -> None:
    folder = make_folder(tmp_path)
    config = write_config(tmp_path, ("stuck_learner", "counter"), learn=1)
    from newsread.cleaners.config import load_config

    pipeline = Pipeline.default(load_config(config))
    assert isinstance(pipeline, Pipeline) and isinstance(load_config(config), Config)
    library = Library([str(folder)], pipeline, use_cache=False, jobs=1)
    warnings: list[str] = []
    library.session.subscribe(lambda e: warnings.append(getattr(e, "message", "")))
    try:
        work = threading.Thread(target=library.ensure_fitted, daemon=True)
        work.start()
        work.join(60)
        assert not work.is_alive(), "the reader is still learning"
        assert any("'stuck_learner' did not finish" in w for w in warnings)
        cleaned = library.clean(0)
        assert "counter learned 6 pages" in cleaned.notes
    finally:
        library.close()
