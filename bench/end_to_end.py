#!/usr/bin/env python3
"""`newsread clean` end to end against the pipeline alone, on the same pages, interleaved, on one core.

usage: python bench/end_to_end.py FOLDER [--rounds N] [--jobs N]

Each round runs, one after the other in a fresh process pinned to one core:
  pipeline  every page loaded once, the folder learned, every page cleaned (Pipeline.fit, Pipeline.clean), no output
  command   newsread clean --no-cache --jobs N FOLDER > /dev/null
and prints the median wall time of each and their ratio (command / pipeline). Only the ratio is meant to be
compared between machines; make a folder with bench/make_folder.py.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

PIPELINE = """
import sys
from newsread.cleaners import Config, Pipeline, iter_sources, load_page
pipeline = Pipeline.default(Config())
pages = [load_page(s) for s in iter_sources([sys.argv[1]])]
pipeline.fit(pages)
for page in pages:
    pipeline.clean(page)
"""


def timed(cmd: list[str], core: str) -> float:
    start = time.perf_counter()
    subprocess.run(["taskset", "-c", core, *cmd], check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folder", type=Path)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--jobs", type=int, default=1)
    a = ap.parse_args(argv)
    core = str(min(os.sched_getaffinity(0)))
    newsread = str(Path(sys.executable).with_name("newsread"))
    runs: dict[str, list[float]] = {"pipeline": [], "command": []}
    for _ in range(a.rounds):
        runs["pipeline"].append(timed([sys.executable, "-c", PIPELINE, str(a.folder)], core))
        runs["command"].append(timed([newsread, "clean", "--no-cache", "--jobs", str(a.jobs), str(a.folder)], core))
    pipe, cmd = statistics.median(runs["pipeline"]), statistics.median(runs["command"])
    print(f"pipeline alone: {pipe:.2f} s  newsread clean: {cmd:.2f} s  ratio {cmd / pipe:.2f}x ({a.rounds} rounds)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
