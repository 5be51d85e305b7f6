"""Triage in the reader on a folder of N pages (default 10,000): is the first screen quick, and is every
filter and key instant in the app itself (query + list redraw), not only in the store?

    .venv/bin/python bench/triage_app_bench.py [--pages 10000]

Runs the app headless (Textual's run_test) with the built-in cleaners on N small generated pages and
an empty state file in a temporary folder. Prints milliseconds.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from newsread.cleaners import Pipeline
from newsread.tui.app import NewsreadApp

WORDS = (
    "harbour council budget election minister storm river school hospital market police court festival "
    "railway bridge energy price water forest union strike vote report study museum league coach"
).split()
SITES = ("bbc.co.uk", "theguardian.com", "reuters.com", "lemonde.fr", "spiegel.de")


def make_pages(root: Path, n: int) -> None:
    rng = random.Random(7)
    for i in range(n):
        title = " ".join(rng.choice(WORDS) for _ in range(7)).capitalize()
        body = "\n\n".join(" ".join(rng.choice(WORDS) for _ in range(40)).capitalize() + "." for _ in range(4))
        date = f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        sub = root / f"d{i // 1000:02d}"
        sub.mkdir(exist_ok=True)
        (sub / f"p{i:05d}.html").write_text(
            f"<html><head><title>{title}</title><meta property='og:site_name' content='{rng.choice(SITES)}'>"
            f"<meta property='article:published_time' content='{date}'></head>"
            f"<body><article><h1>{title}</h1>{''.join(f'<p>{p}</p>' for p in body.split(chr(10) * 2))}"
            "</article></body></html>",
            encoding="utf-8",
        )


def ms(fn: Callable[[], Any], repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


async def run(n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "pages"
        folder.mkdir()
        make_pages(folder, n)
        app = NewsreadApp([str(folder)], Pipeline.default(), Path(tmp) / "state" / "triage.sqlite3")
        t0 = time.perf_counter()
        async with app.run_test(size=(120, 40)) as pilot:
            first = ready = None
            while True:
                await pilot.pause(0.05)
                now = time.perf_counter() - t0
                if first is None and app.reader.cleaned is not None:
                    first = now
                if ready is None and app.triage.ready:
                    ready = now
                if app.library.complete and ready is not None and first is not None:
                    break
            done = time.perf_counter() - t0
            await pilot.pause(0.3)  # the last pages' text reaches the word index
            print(f"{n} pages: first page shown {first:.2f} s, triage ready {ready:.2f} s, all cleaned {done:.1f} s")
            rng = random.Random(3)
            for i in rng.sample(range(n), n // 10):
                app.triage.marked.add(i)
            app.action_decide("kept")
            app.action_clear_marks()
            filters = [
                "status:unread",
                "status:kept",
                "is:undecided site:bbc",
                "date:2024-05",
                "date:2024-03..2024-06",
                "harbour",
                "harb coun",
                "harbour status:kept site:reuters date:2024",
            ]
            for line in filters:
                took = ms(lambda line=line: (app.set_filter(line), app.page_list.render_line(0)))
                print(f"  filter {line!r:<48} {took:7.1f} ms  ({app.page_list.count} shown)")
            await pilot.pause()
            print(f"  clear the filter {'':<41} {ms(lambda: app.set_filter('')):7.1f} ms")
            print(f"  keep one page (fsynced, list + counts) {'':<19} {ms(lambda: app.action_decide('kept')):7.1f} ms")
            print(f"  next unread {'':<46} {ms(lambda: app.action_next_where('unread')):7.1f} ms")
            print(f"  undo {'':<53} {ms(app.action_undo):7.1f} ms")
            app.triage.marked.update(range(n))
            took = ms(lambda: app.action_decide("starred"), 2)
            print(f"  star all {n} marked pages (one action) {'':<17} {took:7.1f} ms")
            await pilot.pause()
        app.triage.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=10_000)
    args = parser.parse_args()
    asyncio.run(run(args.pages))


if __name__ == "__main__":
    main()
