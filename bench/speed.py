#!/usr/bin/env python3
"""Pages per second of the cleaning pipeline on one core (loading and start-up excluded).

usage: python bench/speed.py [FOLDER] [--repeat N] [--html]

Default FOLDER: the 181 whole-page text dumps of the ScrapingHub benchmark
(~8 KB, ~160 lines each). Pages are loaded once, then Pipeline.clean runs over
all of them N times; the best run is reported, with per-cleaner time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from newsread.cleaners import Config, Context, Pipeline, load_pages

REPO = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folder", nargs="?", type=Path, default=REPO.parent / "shared/bench/scrapinghub/text")
    ap.add_argument("--repeat", type=int, default=5)
    a = ap.parse_args(argv)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core, as the target says
    pages = [p for p in load_pages([a.folder]) if p.error is None]
    size = statistics.mean(len(p.text.encode()) for p in pages)
    lines = statistics.mean(len(p.blocks) for p in pages)
    pipeline = Pipeline.default(Config())
    runs = []
    for _ in range(a.repeat):
        start = time.perf_counter()
        for page in pages:
            pipeline.clean(page)
        runs.append(time.perf_counter() - start)
    best = min(runs)
    print(f"{len(pages)} pages, mean {size / 1024:.1f} KB and {lines:.0f} blocks each")
    per_page = best / len(pages) * 1000
    print(f"pipeline: {len(pages) / best:,.0f} pages/s on one core (best of {a.repeat}; {per_page:.2f} ms/page)")
    # The cleaners remember verdicts on short lines (menus, share bars) up to a limit; the first pass starts with
    # none remembered, as a fresh `newsread clean` does. Later passes are no easier while the folder holds more
    # distinct short lines than the limit (the 181 pages: about 10,500).
    print(f"first pass: {len(pages) / runs[0]:,.0f} pages/s ({runs[0] / len(pages) * 1000:.2f} ms/page)")
    # Where the time goes: each cleaner alone, on what the cleaners before it left; best of the runs too,
    # as one pass is noisy on a shared machine. The shared line-feature pass (built-in cleaners) is charged
    # to the first cleaner that asks for it (metadata).
    from newsread.cleaners.pipeline import _stamp

    per: dict[str, float] = {s.name: float("inf") for s in pipeline.active}
    for _ in range(a.repeat):
        run: dict[str, float] = dict.fromkeys(per, 0.0)
        for page in pages:
            context = Context(page=page)
            for stage in pipeline.active:
                formats = getattr(stage.cleaner, "formats", None)
                if formats is not None and page.format not in formats:
                    continue
                cleaner: Any = stage.cleaner
                t = time.perf_counter()
                marks = list(cleaner.annotate(page, context))
                run[stage.name] += time.perf_counter() - t
                context.note_removed(_stamp(marks, stage.name, len(page.text))[0])
        per = {name: min(per[name], seconds) for name, seconds in run.items()}
    for name, seconds in sorted(per.items(), key=lambda kv: -kv[1]):
        print(f"  {name:22} {seconds / len(pages) * 1000:6.3f} ms/page")
    return 0


if __name__ == "__main__":
    sys.exit(main())
