"""python -m bench jobs-equal [--pages N]: `newsread clean --jobs 2` writes what `--jobs 1` writes, byte for byte,
on a generated folder of N pages (default 5,000) holding the hostile corpus of tests/hostile.py too.

Runs `--jobs 1 --no-cache`, then `--jobs 2` with a cold and a warm result cache, and compares the JSON lines.
CI checks the same on 300 pages (tests/functional/test_jobs_hostile.py); this is the full-size check.
Exits 1 when the outputs differ (or a run printed a traceback).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.corpus import build


def _clean(folder: Path, cache: Path, *args: str) -> tuple[subprocess.CompletedProcess[bytes], float]:
    env = dict(os.environ, NEWSREAD_CACHE_DIR=str(cache))
    cmd = [sys.executable, "-m", "newsread.tui.cli", "clean", str(folder), "--format", "jsonl", *args]
    start = time.monotonic()
    done = subprocess.run(cmd, env=env, capture_output=True, timeout=3600, stdin=subprocess.DEVNULL)
    return done, time.monotonic() - start


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench jobs-equal", description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=5000, help="generated pages (default 5000)")
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # (tests.hostile: the hostile corpus)
    from tests import hostile

    with tempfile.TemporaryDirectory(prefix="newsread-jobs-equal-") as tmp:
        root = Path(tmp)
        folder = root / "pages"
        build(args.pages, folder / "generated", seed=args.seed)
        (folder / "hostile").mkdir()
        broken = hostile.build(folder / "hostile")
        one, t1 = _clean(folder, root / "c1", "--jobs", "1", "--no-cache")
        cold, t2 = _clean(folder, root / "c2", "--jobs", "2")
        warm, t3 = _clean(folder, root / "c2", "--jobs", "2")
        lines = one.stdout.count(b"\n")
        hostile_entries = sum(1 for line in one.stdout.splitlines() if line.startswith(b'{"id": "hostile/'))
        tracebacks = sum(b"Traceback" in r.stderr for r in (one, cold, warm))
        same = one.stdout == cold.stdout == warm.stdout and one.returncode == cold.returncode == warm.returncode
        print(f"pages: {args.pages} generated + {len(broken)} hostile files ({hostile_entries} hostile entries)")
        print(f"records: {lines}; exit status {one.returncode}/{cold.returncode}/{warm.returncode}")
        print(f"--jobs 1 --no-cache {t1:.1f} s, --jobs 2 cold {t2:.1f} s, --jobs 2 warm {t3:.1f} s")
        print(f"tracebacks: {tracebacks}; byte-identical: {'yes' if same else 'NO'}")
        return 0 if same and not tracebacks else 1
