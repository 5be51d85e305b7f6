"""--jobs 2 writes what --jobs 1 writes, byte for byte, on a folder holding the hostile corpus too."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.corpus import build
from tests import hostile

pytestmark = [pytest.mark.functional, pytest.mark.slow]


def clean(folder: Path, cache: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, NEWSREAD_CACHE_DIR=str(cache))
    cmd = [sys.executable, "-m", "newsread.tui.cli", "clean", str(folder), "--format", "jsonl", *args]
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL)


def test_jobs_2_equals_jobs_1_with_the_hostile_corpus_in_the_folder(tmp_path: Path) -> None:
    folder = tmp_path / "pages"
    build(300, folder / "generated", seed=11)
    (folder / "hostile").mkdir()
    broken = hostile.build(folder / "hostile")
    one = clean(folder, tmp_path / "c1", "--jobs", "1", "--no-cache")
    assert "Traceback" not in one.stderr
    lines = one.stdout.splitlines()
    assert len(lines) >= 300 + len(broken)
    assert all(any(f'"id": "hostile/{name}' in line for line in lines) for name in broken)  # an entry each
    two_cold = clean(folder, tmp_path / "c2", "--jobs", "2")
    two_warm = clean(folder, tmp_path / "c2", "--jobs", "2")
    assert two_cold.stdout == one.stdout and two_warm.stdout == one.stdout
    assert two_cold.returncode == one.returncode == two_warm.returncode
