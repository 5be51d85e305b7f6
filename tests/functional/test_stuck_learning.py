"""A folder-level cleaner whose ``fit`` is stuck (in C code, out of reach of any signal) or ends its process: learning
is stopped at ``max_learn_seconds``, that cleaner learns nothing (with a warning saying so), the other cleaners
learn, and the run (``newsread clean``, ``newsread export``, the reader) goes on and ends."""

from __future__ import annotations

import multiprocessing
import re
import threading
import time
from pathlib import Path
from subprocess import CompletedProcess
from typing import Any

import pytest

from newsread.cleaners import Config, Pipeline
from newsread.cleaners.learning import Recipe, fit_watched
from newsread.cleaners.loading import iter_sources, load_page
from newsread.tui.library import Library

from .stuck_plugins import make_folder, records, run, write_config

pytestmark = [pytest.mark.functional, pytest.mark.slow]


def timed(tmp_path: Path, enabled: tuple[str, ...], *args: str, **how: Any) -> tuple[CompletedProcess[str], float]:
    """``newsread ARGS`` with the plugins, learning limited to 2 s; and how long it took."""
    start = time.monotonic()
    result = run(tmp_path, enabled, *args, learn=how.pop("learn", 2), **how)
    return result, time.monotonic() - start


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_stuck_learner_is_stopped_and_the_run_ends(tmp_path: Path, jobs: str) -> None:
    folder = make_folder(tmp_path)
    result, took = timed(tmp_path, ("stuck_learner", "counter"), "clean", str(folder), "--jobs", jobs, "--no-cache")
    assert result.returncode == 0, result.stderr
    assert took < 60  # stopped at the 2 s limit; it used to run for days
    assert "'stuck_learner' did not finish learning from the folder within 2 s" in result.stderr
    found = records(result.stdout)
    assert len(found) == 6 and all(r["error"] is None and r["body"] for r in found.values())
    # The cleaner after the stuck one still learned from every page.
    assert all("counter learned 6 pages" in r["notes"] for r in found.values())  # type: ignore[operator]


@pytest.mark.parametrize("command", ["clean", "export"])
def test_the_learning_limit_is_given_on_the_command_line(tmp_path: Path, command: str) -> None:
    folder = make_folder(tmp_path)
    if command == "clean":
        args: tuple[str, ...] = ("clean", str(folder), "--no-cache")
    else:
        args = ("export", str(folder), "--out", str(tmp_path / "out"), "--status", "unread")
    start = time.monotonic()
    result = run(tmp_path, ("stuck_learner",), *args, "--max-learn-seconds", "1.5")  # (none in the config)
    assert result.returncode == 0, result.stderr
    assert time.monotonic() - start < 60  # (the config's limit: the default 600 s)
    assert "'stuck_learner' did not finish learning from the folder within 1.5 s" in result.stderr


def test_a_learner_that_ends_its_process_costs_only_what_it_learns(tmp_path: Path) -> None:
    folder = make_folder(tmp_path)
    result, _ = timed(tmp_path, ("exiting_learner", "counter"), "clean", str(folder), "--no-cache")
    assert result.returncode == 0, result.stderr
    assert "'exiting_learner' ended its process while learning from the folder (exit status 7)" in result.stderr
    found = records(result.stdout)
    assert len(found) == 6 and all("counter learned 6 pages" in r["notes"] for r in found.values())  # type: ignore[operator]


def test_a_learner_stuck_on_a_part_of_a_big_folder_is_stopped(tmp_path: Path) -> None:
    # 500 pages and two jobs: the folder is learned in parts by the workers, which are stopped at the limit.
    folder = make_folder(tmp_path, 520)
    result, took = timed(tmp_path, ("stuck_in_parts",), "clean", str(folder), "--jobs", "2", "--no-cache")
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
    result, took = timed(tmp_path, ("stuck_learner",), *args, "--state", str(tmp_path / "state.sqlite3"))
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


# Where there is no fork (Windows), the learning child is spawned: it builds the pipeline and reads the pages.
@pytest.mark.parametrize("command", ["clean", "export"])
def test_without_fork_a_stuck_learner_is_stopped_and_the_run_ends(tmp_path: Path, command: str) -> None:
    folder = make_folder(tmp_path)
    out = tmp_path / "out"
    if command == "clean":
        args: tuple[str, ...] = ("clean", str(folder), "--no-cache")
    else:
        args = ("export", str(folder), "--out", str(out), "--status", "unread", "--format", "jsonl")
        args += ("--state", str(tmp_path / "s.sqlite3"))
    result, took = timed(tmp_path, ("stuck_learner", "counter"), *args, no_fork=True)
    assert result.returncode == 0, result.stderr
    assert took < 90  # it used to learn for days where there is no fork
    assert "'stuck_learner' did not finish learning from the folder within 2 s" in result.stderr
    assert "Traceback" not in result.stderr
    found = records(result.stdout if command == "clean" else (out / "newsread.jsonl").read_text())
    assert len(found) == 6 and all(r["error"] is None and r["body"] for r in found.values())
    assert all("counter learned 6 pages" in r["notes"] for r in found.values())  # type: ignore[operator]


def test_without_fork_a_learner_that_ends_its_process_costs_only_what_it_learns(tmp_path: Path) -> None:
    folder = make_folder(tmp_path)
    result, _ = timed(tmp_path, ("exiting_learner", "counter"), "clean", str(folder), "--no-cache", no_fork=True)
    assert result.returncode == 0, result.stderr
    assert "'exiting_learner' ended its process while learning from the folder (exit status 7)" in result.stderr
    assert all("counter learned 6 pages" in r["notes"] for r in records(result.stdout).values())  # type: ignore[operator]


def test_a_spawned_learner_learns_what_a_forked_one_does_and_is_stopped(tmp_path: Path) -> None:
    folder = make_folder(tmp_path)
    config = write_config(tmp_path, ("stuck_learner", "counter"), learn=1)
    from newsread.cleaners.batch import PipelineSpec
    from newsread.cleaners.config import load_config

    pipeline = Pipeline.default(load_config(config))
    sources = list(iter_sources([folder]))
    recipe = Recipe(PipelineSpec.of(pipeline).build, sources)
    start = time.monotonic()
    fit_watched(pipeline, recipe.pages(), 1, recipe=recipe, start="spawn")
    assert time.monotonic() - start < 90
    assert pipeline.folder_state["counter"] == {"pages": 6}
    assert "stuck_learner" not in pipeline.folder_state
    assert any("'stuck_learner' did not finish" in p for p in pipeline.problems)


@pytest.mark.parametrize("where", ["big folder", "no fork"])
def test_the_reader_learns_past_a_stuck_learner_everywhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    folder = make_folder(tmp_path)
    config = write_config(tmp_path, ("stuck_learner", "counter"), learn=1)
    from newsread.cleaners.config import load_config
    from newsread.tui import library as library_module

    if where == "big folder":  # learned in a process of its own (a worker could not start it: it was lost)
        monkeypatch.setattr(library_module, "FIT_IN_WORKER", 2)
    else:
        methods = [m for m in multiprocessing.get_all_start_methods() if m != "fork"]
        monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: methods)
    library = Library([str(folder)], Pipeline.default(load_config(config)), use_cache=False, jobs=1)
    try:
        work = threading.Thread(target=library.ensure_fitted, daemon=True)
        work.start()
        work.join(90)
        assert not work.is_alive(), "the reader is still learning"
        assert any("'stuck_learner' did not finish" in w for w in library.warnings)
        assert not any("failed" in w for w in library.warnings)
        assert "counter learned 6 pages" in library.clean(0).notes
    finally:
        library.close()


@pytest.mark.parametrize("enabled", [("stuck_learner", "counter"), ("exiting_learner",)])
def test_on_dask_a_learner_stuck_or_ending_its_process_is_stopped_and_the_run_ends(
    tmp_path: Path, enabled: tuple[str, ...]
) -> None:
    pytest.importorskip("distributed")
    folder = make_folder(tmp_path)
    result, took = timed(tmp_path, enabled, "clean", str(folder), "--cluster", "local:2")
    assert result.returncode == 0, result.stderr
    assert took < 150  # the fit task was waited for without end
    (said,) = [line for line in result.stderr.splitlines() if "learning from the folder on the cluster" in line]
    assert re.search(r"did not finish within \d+ s|failed \(KilledWorker", said)  # (2 s for each learner)
    assert all(repr(name) in said for name in enabled) and "learned anything" in said
    assert "Traceback" not in result.stderr
    found = records(result.stdout)  # only JSONL: not what the plugin file printed as the workers loaded it
    assert len(found) == 6 and all(r["error"] is None and r["body"] for r in found.values())


def test_a_recipe_that_cannot_be_sent_to_a_child_learns_here(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    folder = make_folder(tmp_path)
    config = write_config(tmp_path, ("counter",), learn=1)
    from newsread.cleaners.config import load_config

    pipeline = Pipeline.default(load_config(config))
    recipe = Recipe(lambda: Pipeline.default(load_config(config)), list(iter_sources([folder])))  # (a lambda)
    fit_watched(pipeline, recipe.pages(), 1, recipe=recipe, start="spawn")
    assert pipeline.folder_state["counter"] == {"pages": 6} and not pipeline.problems
    assert "Error" not in capfd.readouterr().err  # no child started half-way ("EOFError: Ran out of input")
