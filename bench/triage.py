"""Triage on a folder of N pages (default 10,000): is every filter and key instant, in the store and in the app?

    python -m bench triage [--pages 10000] [--part store|app|both]

``store``: N ~8 KB text pages in a temporary folder; times hashing the folder (track_paths), attach on first
open and on reopen, storing cleaned info, each kind of filter, counts, next-unread, single actions (each one
fsynced transaction) and undo. "Instant" means well under 50 ms.

``app``: the reader headless (Textual's run_test) with the built-in cleaners on N small generated HTML pages
and an empty state file: the first screen, and each filter and key through the app (store query + list
redraw). Prints milliseconds.
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
from newsread.tui.triage import Filter, PageInfo, TriageStore, track_paths

WORDS = (
    "harbour council budget election minister storm river school hospital market police court festival "
    "railway bridge energy price water forest union strike vote report study museum league coach"
).split()
SITES = ("bbc.co.uk", "theguardian.com", "reuters.com", "lemonde.fr", "spiegel.de")


def timed(label: str, fn: Callable[[], Any], repeat: int = 5) -> Any:
    times = []
    result = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t0) * 1000)
    print(f"{label:<44} {statistics.median(times):9.2f} ms (median of {repeat})")
    return result


def store_timings(pages: int) -> None:
    """The store alone: hashing, attach, filters, counts, actions."""
    rng = random.Random(5)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "pages"
        folder.mkdir()
        bodies = []
        for i in range(pages):
            body = " ".join(rng.choice(WORDS) for _ in range(1300))  # ~8 KB
            bodies.append(body)
            (folder / f"{i:05}.txt").write_text(f"Title {i}\n{body}\n", encoding="utf-8")
        tracked = timed("track_paths (sha256 of every file)", lambda: track_paths([folder]), repeat=1)
        refs = [ref for _, ref in tracked]
        state = Path(tmp) / "triage.sqlite3"
        store = TriageStore(state)
        timed("attach, first open (inserts)", lambda: store.attach(refs), repeat=1)
        sites = ["alpha.example", "beta.example", "gamma.example", "delta.example"]
        infos = [
            PageInfo(r.page_id, f"Title {i}", sites[i % 4], f"2024-{i % 12 + 1:02}-{i % 28 + 1:02}", bodies[i])
            for i, r in enumerate(refs)
        ]
        timed("set_info_many (all pages, one transaction)", lambda: store.set_info_many(infos), repeat=1)
        ids = [r.page_id for r in refs]
        store.decide(ids[::7], "kept")
        store.decide(ids[1::11], "starred")
        store.decide(ids[2::13], "discarded")
        store.tag(ids[::5], "five")
        store.set_read(ids[::3], True)
        store.close()
        store = TriageStore(state)
        timed("attach, reopen (all found by hash)", lambda: store.attach(refs), repeat=3)
        filters = {
            "status kept": Filter(statuses=frozenset({"kept"})),
            "status unread+undecided": Filter(statuses=frozenset({"unread", "undecided"})),
            "tag": Filter(tags=frozenset({"five"})),
            "site": Filter(site="beta"),
            "date range": Filter(dates=(("2024-03", "2024-05"),)),
            "text, common word (fts)": Filter(text="harbour"),
            "text, rare phrase (fts)": Filter(text="Title 9999"),
            "text, 2 letters, no match (fts)": Filter(text="zq"),
            "text, CJK (instr scan of bodies)": Filter(text="港が再開"),
            "everything at once": Filter(
                statuses=frozenset({"kept"}),
                tags=frozenset({"five"}),
                site="alpha",
                dates=(("2024-02", None),),
                text="river",
            ),
        }
        for name, flt in filters.items():
            found = timed(f"query: {name}", lambda flt=flt: store.query(flt))
            print(f"{'':<44} -> {len(found)} pages")
        timed("counts", store.counts)
        timed("next_unread from the start", lambda: store.next_unread(ids, ids[0]))
        timed("next_undecided from the start", lambda: store.next_undecided(ids, ids[0]))
        timed("states() of every page", store.states)
        timed("keep one page (one fsynced transaction)", lambda: store.keep([ids[rng.randrange(len(ids))]]), 20)
        timed("tag a 500-page selection", lambda: store.tag(rng.sample(ids, min(500, len(ids))), "sel"), 5)
        timed("undo", store.undo, 10)
        store.close()
        size = sum(p.stat().st_size for p in Path(tmp).glob("triage.sqlite3*"))
        print(f"state file size: {size / 1e6:.1f} MB for {pages} pages")


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench triage", description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--pages", type=int, default=10_000)
    parser.add_argument("--part", choices=("store", "app", "both"), default="both")
    args = parser.parse_args(argv)
    if args.part in ("store", "both"):
        print(f"the triage store, {args.pages} pages:")
        store_timings(args.pages)
    if args.part in ("app", "both"):
        print(f"the reader, {args.pages} pages:")
        asyncio.run(run(args.pages))
    return 0
