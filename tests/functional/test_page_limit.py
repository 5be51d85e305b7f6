"""The config's page limit (``max_page_mb``) holds whoever reads the folder: `newsread clean`, `newsread export` and
the reader all refuse a page over it, say why, and lose nothing (the file is untouched, the page still listed)."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from newsread.cleaners import load_config
from newsread.cleaners.pipeline import Pipeline
from newsread.tui.library import Library
from newsread.tui.triage import open_store, track_paths

pytestmark = pytest.mark.functional

NEWSREAD = [sys.executable, "-m", "newsread.tui.cli"]
LIMIT = "page limit (max_page_mb)"


@pytest.fixture
def small_limit(tmp_path: Path, seeds: Path) -> tuple[Path, Path, str]:
    """A folder with one 4 KB seed page, a config with a 0.001 MB page limit, and the file's digest."""
    folder = tmp_path / "input"
    folder.mkdir()
    page = seeds / "000_ef5eb7ee0bf81d53.txt"
    assert 3000 < page.stat().st_size < 6000  # (4 KB)
    shutil.copy(page, folder / page.name)
    config = tmp_path / "config.toml"
    config.write_text("[limits]\nmax_page_mb = 0.001\n")
    return folder, config, hashlib.sha256((folder / page.name).read_bytes()).hexdigest()


def untouched(folder: Path, digest: str) -> bool:
    files = list(folder.iterdir())
    return len(files) == 1 and hashlib.sha256(files[0].read_bytes()).hexdigest() == digest


def test_clean_refuses_a_page_over_the_configured_limit(small_limit: tuple[Path, Path, str], tmp_path: Path) -> None:
    folder, config, digest = small_limit
    run = subprocess.run(
        [*NEWSREAD, "clean", "--no-cache", "--config", str(config), str(folder)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    (record,) = [json.loads(line) for line in run.stdout.splitlines()]
    assert record["body"] == "" and "larger than the 0.001 MB " + LIMIT in record["error"]
    assert untouched(folder, digest)


def test_export_refuses_a_page_over_the_configured_limit(small_limit: tuple[Path, Path, str], tmp_path: Path) -> None:
    folder, config, digest = small_limit
    state = tmp_path / "state" / "triage.sqlite3"
    store, _ = open_store(state)
    tracked = track_paths([folder])
    store.attach(ref for _, ref in tracked)
    store.keep([s.id for s, _ in tracked])
    store.close()
    out = tmp_path / "out"
    run = subprocess.run(
        [*NEWSREAD, "export", str(folder), "--out", str(out), "--state", str(state), "--config", str(config)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "larger than the 0.001 MB " + LIMIT in run.stderr and "exported 0 page(s)" in run.stderr
    assert not out.exists() or not any(out.iterdir())
    assert untouched(folder, digest)


@pytest.mark.parametrize("jobs", [0, 1], ids=["in-threads", "in-a-worker"])
def test_the_reader_refuses_a_page_over_the_configured_limit(small_limit: tuple[Path, Path, str], jobs: int) -> None:
    folder, config, digest = small_limit
    library = Library([str(folder)], Pipeline.default(load_config(config)), jobs=jobs, use_cache=False)
    try:
        library.clean_all()
        (summary,) = library.summaries
        assert summary.error is not None and "larger than the 0.001 MB " + LIMIT in summary.error
        shown = library.clean(0)
        assert shown.page.error == summary.error and shown.body == ""
    finally:
        library.close()
    assert untouched(folder, digest)
