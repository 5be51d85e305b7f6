"""Measure newsread on large synthetic folders: scan time, pages/s, time to clean everything, peak RSS.

    python bench/scale.py [--sizes 1000 10000] [--with-100k] [--workdir /tmp/nr-scale]

Each run of `newsread clean` is a fresh process (so its peak RSS is measured
alone, with resource.getrusage(RUSAGE_CHILDREN) deltas — the max over the child
and its workers), with its own cache folder: "cold" starts from an empty
cache, "cached" re-runs over the same folder. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from make_folder import build  # noqa: E402

NEWSREAD = [sys.executable, "-m", "newsread.tui.cli"]


def run_clean(folder: Path, jobs: int, cache: Path) -> tuple[float, float]:
    """Seconds and peak RSS (MB) of one `newsread clean --jobs N` run, output discarded."""
    env = dict(os.environ, NEWSREAD_CACHE_DIR=str(cache))
    t0 = time.perf_counter()
    # A fresh interpreter per run: ru_maxrss of children is a high-water mark, so measure in a wrapper.
    cmd = [*NEWSREAD, "clean", str(folder), "--jobs", str(jobs)]
    code = (
        "import resource,subprocess,sys;"
        f"subprocess.run({cmd!r},stdout=subprocess.DEVNULL,check=True);"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    secs = time.perf_counter() - t0
    return secs, int(out.stdout.strip()) / 1024


def scan_time(folder: Path) -> tuple[float, int]:
    from newsread.cleaners import iter_sources

    t0 = time.perf_counter()
    n = sum(1 for _ in iter_sources([folder]))
    return time.perf_counter() - t0, n


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--with-100k", action="store_true", help="also 100,000 pages (takes a long time)")
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/nr-scale"))
    args = ap.parse_args()
    sizes = args.sizes + ([100000] if args.with_100k else [])
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs; peak RSS is the largest single process")
    print()
    print(
        "| pages | MB on disk | scan s | j1 cold s | j1 cold p/s | j1 cached s | j1 cached p/s | j2 cold s | "
        "j2 cold p/s | j2 cached s | j2 cached p/s | peak RSS MB (j1 / j2) | cache MB | first screen s | "
        "keypress p95 ms |"
    )
    print("|" + "---|" * 15)
    for n in sizes:
        folder = args.workdir / f"pages-{n}"
        if not folder.exists():
            build(n, folder)
        size_mb = sum(f.stat().st_size for f in folder.rglob("*.txt")) / 1e6
        scan, found = scan_time(folder)
        assert found == n, (found, n)
        row = [str(n), f"{size_mb:.1f}", f"{scan:.2f}"]
        rss = []
        cache_mb = 0.0
        for jobs in (1, 2):
            cache = args.workdir / f"cache-{n}-j{jobs}"
            shutil.rmtree(cache, ignore_errors=True)
            cold, rss_cold = run_clean(folder, jobs, cache)
            warm, rss_warm = run_clean(folder, jobs, cache)
            rss.append(max(rss_cold, rss_warm))
            row += [f"{cold:.2f}", f"{n / cold:.0f}", f"{warm:.2f}", f"{n / warm:.0f}"]
            cache_mb = sum(f.stat().st_size for f in cache.iterdir()) / 1e6
        row += [f"{rss[0]:.0f} / {rss[1]:.0f}", f"{cache_mb:.1f}", "TODO (reader)", "TODO (reader)"]
        print("| " + " | ".join(row) + " |", flush=True)


if __name__ == "__main__":
    main()
