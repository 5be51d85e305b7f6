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


def run_clean(folder: Path, jobs: int, cache: Path, *extra: str) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (all processes) and peak RSS (MB) of one `newsread clean --jobs N` run."""
    env = dict(os.environ, NEWSREAD_CACHE_DIR=str(cache))
    t0 = time.perf_counter()
    # A fresh interpreter per run: ru_maxrss of children is a high-water mark, so measure in a wrapper.
    cmd = [*NEWSREAD, "clean", str(folder), "--jobs", str(jobs), *extra]
    code = (
        "import resource,subprocess,sys;"
        f"subprocess.run({cmd!r},stdout=subprocess.DEVNULL,check=True);"
        "r=resource.getrusage(resource.RUSAGE_CHILDREN);print(r.ru_maxrss,r.ru_utime+r.ru_stime)"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    secs = time.perf_counter() - t0
    rss, cpu = out.stdout.split()
    return secs, float(cpu), int(rss) / 1024


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
        "| pages | MB on disk | scan s | j1 no-cache s (cpu s) | j1 cold s (cpu s) | j1 cached s (cpu s) | "
        "j2 cold s (cpu s) | j2 cached s (cpu s) | j1 / j2 cold p/s | j1 / j2 cached p/s | "
        "peak RSS MB (j1 / j2) | cache MB | first screen s | keypress p95 ms |"
    )
    print("|" + "---|" * 14)
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
        nocache, nocache_cpu, _ = run_clean(folder, 1, args.workdir / "unused-cache", "--no-cache")
        row.append(f"{nocache:.2f} ({nocache_cpu:.1f})")
        rates: dict[str, list[str]] = {"cold": [], "cached": []}
        for jobs in (1, 2):
            cache = args.workdir / f"cache-{n}-j{jobs}"
            shutil.rmtree(cache, ignore_errors=True)
            for kind in ("cold", "cached"):
                secs, cpu, peak = run_clean(folder, jobs, cache)
                rss.append(peak)
                row.append(f"{secs:.2f} ({cpu:.1f})")
                rates[kind].append(f"{n / secs:.0f}")
            cache_mb = sum(f.stat().st_size for f in cache.iterdir()) / 1e6
        row += [" / ".join(rates["cold"]), " / ".join(rates["cached"])]
        row += [f"{max(rss[:2]):.0f} / {max(rss[2:]):.0f}", f"{cache_mb:.1f}", "TODO (reader)", "TODO (reader)"]
        print("| " + " | ".join(row) + " |", flush=True)


if __name__ == "__main__":
    main()
