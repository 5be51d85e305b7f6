#!/usr/bin/env python3
"""newsread, readability-lxml alone and trafilatura on the same HTML pages, scored the same way.

usage: python bench/compare_html.py [--shared DIR] [--limit N] [--keep DIR] [--repeat N] [--cpu N]
                                    [--tools newsread,readability,trafilatura]

Each tool's body for every page of SHARED/bench/scrapinghub/html is scored
against the gold with the shared scorer. Time is the extraction call only
(decoding the file excluded; parsing the markup included for every tool).

Timing is made robust to other work on the machine: the process is pinned to
one CPU, the tools run interleaved page by page (the tools on one page back to
back, their order rotated each round) so a burst of load falls on all of them
alike, every page is timed --repeat times and each tool's per-page minimum is
kept. The ratio newsread / readability is printed as the ratio of those sums,
with its spread over the single rounds. trafilatura is optional
(`pip install -e '.[bench]'`). Prints a Markdown table for bench/README.md.
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import os
import re
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import lxml.html

from newsread.cleaners import Config, Pipeline, decode, html_page

REPO = Path(__file__).resolve().parent.parent


def readability_body(markup: str) -> str:
    from readability import Document

    summary = Document(markup).summary(html_partial=True)
    return re.sub(r"\s+", " ", lxml.html.fromstring(summary).text_content()).strip() if summary.strip() else ""


def trafilatura_body(markup: str) -> str:
    import trafilatura

    return trafilatura.extract(markup) or ""


def _pin(cpu: int | None) -> str:
    if not hasattr(os, "sched_setaffinity"):
        return "not pinned (no sched_setaffinity)"
    allowed = sorted(os.sched_getaffinity(0))
    # Default: the last CPU, away from the first one that other pinned benchmarks (bench/speed.py) use.
    chosen = cpu if cpu is not None and cpu in allowed else allowed[-1]
    os.sched_setaffinity(0, {chosen})
    return f"pinned to CPU {chosen}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--keep", type=Path)
    ap.add_argument("--repeat", type=int, default=5, help="timed rounds over every page (per-page minimum kept)")
    ap.add_argument("--cpu", type=int, help="CPU to pin to (default: the last one allowed)")
    ap.add_argument("--tools", default="newsread,readability,trafilatura")
    a = ap.parse_args(argv)
    pinned = _pin(a.cpu)
    bench = a.shared / "bench"
    src, gold = bench / "scrapinghub" / "html", bench / "scrapinghub" / "gold"
    files = sorted(src.glob("*.html"))[: a.limit or None]
    markups = {f.stem: decode(f.read_bytes(), html=True).text for f in files}
    score = _scorer(bench / "score.py")
    pipeline = Pipeline.default(Config())

    def newsread_body(markup: str) -> str:
        return pipeline.clean(html_page("page.html", markup)).body

    tools: dict[str, Callable[[str], str]] = {
        "newsread": newsread_body,
        "readability": readability_body,
        "trafilatura": trafilatura_body,
    }
    wanted = [t for t in a.tools.split(",") if t in tools]
    missing = [t for t in wanted if t == "trafilatura" and importlib.util.find_spec("trafilatura") is None]
    wanted = [t for t in wanted if t not in missing]
    for name in wanted:  # warm up: imports, compiled regexes, first-call caches are not the page's cost
        tools[name](next(iter(markups.values()), "<p>x</p>"))

    bodies: dict[str, dict[str, str]] = {name: {} for name in wanted}
    best: dict[str, dict[str, float]] = {name: {} for name in wanted}
    rounds: list[dict[str, float]] = []
    gc.collect()
    gc.freeze()  # the loaded pages and modules are not garbage: keep collections before each call cheap
    for r in range(max(1, a.repeat)):
        order = wanted[r % len(wanted) :] + wanted[: r % len(wanted)] if wanted else []
        this_round = dict.fromkeys(wanted, 0.0)
        for stem, markup in markups.items():
            for name in order:
                gc.collect()  # garbage left by the previous tool must not be collected on this one's time
                start = time.perf_counter()
                body = tools[name](markup)
                took = time.perf_counter() - start
                this_round[name] += took
                best[name][stem] = min(took, best[name].get(stem, took))
                bodies[name].setdefault(stem, body)
        rounds.append(this_round)

    n = max(1, len(markups))
    print(
        f"{len(markups)} pages, {pinned}, tools interleaved page by page, {len(rounds)} rounds, "
        "per-page minimum; ms/page = mean of those minima"
    )
    print()
    print("| tool | P | R | F1 | loss | pages R<0.9 | pages P<0.9 | ms/page |")
    print("|---|---|---|---|---|---|---|---|")
    for name in wanted:
        with tempfile.TemporaryDirectory() as tmp:
            out = (a.keep / name) if a.keep else Path(tmp)
            out.mkdir(parents=True, exist_ok=True)
            for stem, body in bodies[name].items():
                (out / f"{stem}.txt").write_text(body, encoding="utf-8")
            s = score.score(gold, out)["summary"]
        ms = sum(best[name].values()) / n * 1000
        print(
            f"| {name} | {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} | {s['content_loss']:.3f} | "
            f"{s['pages_recall_below_0.9']} | {s['pages_precision_below_0.9']} | {ms:.1f} |"
        )
    for name in missing:
        print(f"| {name} | (not installed: pip install -e '.[bench]') | | | | | | |")
    if "newsread" in wanted and "readability" in wanted:
        ratio = sum(best["newsread"].values()) / max(1e-9, sum(best["readability"].values()))
        per_round = [r["newsread"] / max(1e-9, r["readability"]) for r in rounds]
        print()
        print(
            f"newsread / readability: {ratio:.2f}x (per-page minima); single rounds "
            f"{min(per_round):.2f}-{max(per_round):.2f}x"
        )
    return 0


def _scorer(path: Path):  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("bench_score", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


if __name__ == "__main__":
    sys.exit(main())
