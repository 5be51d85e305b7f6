"""Timing of the triage store on a folder of N pages (default 10,000): is every filter instant?

    .venv/bin/python bench/triage_bench.py [--pages 10000] [--keep-files]

Writes N ~8 KB text pages to a temporary folder, then times: hashing the folder
(track_paths), attach on first open and on reopen, storing cleaned info,
each kind of filter, counts, next-unread, single actions (each one fsynced
transaction) and undo. Prints milliseconds; "instant" means well under 50 ms.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from newsread.tui.triage import Filter, PageInfo, TriageStore, track_paths

WORDS = (
    "harbour council budget election minister storm river school hospital market police court festival "
    "railway bridge energy price water forest union strike vote report study museum league coach"
).split()


def timed(label: str, fn: Callable[[], Any], repeat: int = 5) -> Any:
    times = []
    result = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t0) * 1000)
    print(f"{label:<44} {statistics.median(times):9.2f} ms (median of {repeat})")
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=10_000)
    args = parser.parse_args()
    rng = random.Random(5)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "pages"
        folder.mkdir()
        bodies = []
        for i in range(args.pages):
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
            "date range": Filter(date_from="2024-03", date_to="2024-05"),
            "text, common word (fts)": Filter(text="harbour"),
            "text, rare phrase (fts)": Filter(text="Title 9999"),
            "text, 2 letters, no match (fts)": Filter(text="zq"),
            "text, CJK (instr scan of bodies)": Filter(text="港が再開"),
            "everything at once": Filter(
                statuses=frozenset({"kept"}), tags=frozenset({"five"}), site="alpha", date_from="2024-02", text="river"
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
        timed("tag a 500-page selection", lambda: store.tag(rng.sample(ids, 500), "sel"), 5)
        timed("undo", store.undo, 10)
        store.close()
        size = sum(p.stat().st_size for p in Path(tmp).glob("triage.sqlite3*"))
        print(f"state file size: {size / 1e6:.1f} MB for {args.pages} pages")


if __name__ == "__main__":
    main()
