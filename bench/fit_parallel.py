"""Learning a folder (the fit step of folder-level cleaners) as the reader does it: time and CPU.

    python bench/fit_parallel.py FOLDER [--jobs 2] [--rounds 3]

Each round opens the folder in a ``Library`` with an empty result cache (so nothing learned before is
reused), lists it, then times ``ensure_fitted()`` alone: wall seconds, and CPU seconds of this process and
of the worker processes it started (``RUSAGE_CHILDREN`` once they have exited, so process start-up and
imports count too), and of each worker when the folder was learned by the reader's pool of workers. Then,
for scale, ``Pipeline.fit`` in this process (one core, no workers). The machine's load average is printed
with each round: it may be shared.
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import tempfile
import time
from pathlib import Path

from newsread.cleaners import Pipeline, iter_sources, load_page
from newsread.tui.library import Library


def children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def process_cpu(pid: int) -> float:
    """User + system CPU seconds of a live process (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def reader_round(folder: Path, jobs: int) -> tuple[float, float, float]:
    """(wall s, this process's CPU s, workers' CPU s) of learning ``folder`` in a fresh Library."""
    with tempfile.TemporaryDirectory() as cache:
        lib = Library([str(folder)], Pipeline.default(), jobs=jobs, cache_dir=Path(cache))
        lib.discover()
        gc.collect()
        kids, own, wall = children_cpu(), time.process_time(), time.perf_counter()
        lib.ensure_fitted()
        wall = time.perf_counter() - wall
        own = time.process_time() - own
        pool = lib._pool  # the workers that learned the folder (when it was learned in parts), idle now
        if pool is not None:
            each = [process_cpu(pid) for pid in pool.pids()]
            print("  CPU s of each worker (start-up included): " + ", ".join(f"{c:.2f}" for c in each))
        lib.close()
        time.sleep(1.5)  # the workers exit and are waited for: their CPU is then counted
        return wall, own, children_cpu() - kids


def in_process(folder: Path) -> tuple[float, float]:
    pipeline = Pipeline.default()
    sources = list(iter_sources([folder]))
    cpu, wall = time.process_time(), time.perf_counter()
    pipeline.fit(load_page(s) for s in sources)
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("folder", type=Path)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    pages = sum(1 for _ in iter_sources([args.folder]))
    print(f"{pages} pages, jobs={args.jobs}")
    for r in range(args.rounds):
        wall, own, kids = reader_round(args.folder, args.jobs)
        print(
            f"reader round {r + 1}: fit {wall:.2f} s wall, CPU {own + kids:.2f} s "
            f"(reader {own:.2f} + workers {kids:.2f}); load {os.getloadavg()[0]:.2f}"
        )
    for r in range(args.rounds):
        wall, cpu = in_process(args.folder)
        print(f"in-process Pipeline.fit {r + 1}: {wall:.2f} s wall, {cpu:.2f} s CPU; load {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
