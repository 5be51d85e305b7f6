"""`newsread clean --jobs N` gives exactly what --jobs 1 gives, in the same order; background cleaning."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bench.corpus import build
from newsread.cleaners import Pipeline, iter_sources
from newsread.cleaners import batch as batch_module
from newsread.cleaners import session as session_module
from newsread.cleaners.batch import BackgroundCleaner, Job, PipelineSpec, make_pool
from newsread.tui import cli as cli_module
from newsread.tui.library import summary_record

from ..conftest import spy_calls


def clean(folder: Path, cache: Path, *args: str) -> str:
    env = dict(os.environ, NEWSREAD_CACHE_DIR=str(cache))
    cmd = [sys.executable, "-m", "newsread.tui.cli", "clean", str(folder), *args]
    result = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_jobs_2_output_is_identical_to_jobs_1(tmp_path: Path) -> None:
    folder = tmp_path / "pages"
    build(50, folder, seed=7)
    (folder / "site0000" / "broken.txt").write_bytes(b"%PDF-1.7 \x00\x01 binary")
    one = clean(folder, tmp_path / "c1", "--jobs", "1", "--no-cache")
    assert one.count("\n") == 51 and '"error": null' in one
    assert clean(folder, tmp_path / "c2", "--jobs", "2") == one  # cold cache
    assert clean(folder, tmp_path / "c2", "--jobs", "2") == one  # warm cache
    assert clean(folder, tmp_path / "c2", "--jobs", "1") == one  # cache written by workers, read in-process


def test_background_cleaner_yields_every_page_once_and_honours_priority(tmp_path: Path) -> None:
    folder = tmp_path / "pages"
    build(40, folder, seed=5)
    sources = list(iter_sources([folder]))
    pipeline = Pipeline.default()
    with make_pool(1, tmp_path / "c", True) as pool:
        bg = BackgroundCleaner(pool, Job.of(PipelineSpec.of(pipeline), summary_record), sources, range(40))
        bg.prioritize(37)
        with bg:
            order = list(bg)
    assert sorted(i for i, _ in order) == list(range(40))
    assert order[0][0] == 37
    assert all(record["words_kept"] > 0 and record["error"] is None for _, record in order)


def test_clean_jobs_2_learns_a_big_folder_with_both_workers_and_writes_what_jobs_1_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "pages"
    build(60, folder, seed=9)
    (folder / "site0000" / "broken.txt").write_bytes(b"%PDF-1.7 \x00\x01 binary")
    calls = spy_calls(monkeypatch, session_module, "fit_folder")
    monkeypatch.setattr(session_module, "FIT_IN_PARTS", 10)  # as if the folder were big
    monkeypatch.setattr(batch_module, "FIT_PART_PAGES", (4, 9))  # several parts a worker
    runner = CliRunner()
    args = ["clean", str(folder), "--no-cache"]
    one = runner.invoke(cli_module.app, [*args, "--jobs", "1"])
    assert one.exit_code == 0 and not calls
    two = runner.invoke(cli_module.app, [*args, "--jobs", "2"])
    assert two.exit_code == 0 and [c["jobs"] for c in calls] == [2]
    assert two.stdout == one.stdout and one.stdout.count("\n") == 61
    assert '"site_template"' in one.stdout  # the folder's template was learned, and removed
