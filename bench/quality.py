"""newsread's clean bodies next to readability-lxml and trafilatura, on every dev set, in one run.

usage: python -m bench quality [seeds|text|html] [--sets seeds,scrapinghub,wcxb] [--formats html,text]
                                 [--tools newsread,readability,trafilatura,trafilatura-nocomments]
                                 [--limit N] [--keep DIR] [--worst N] [--disable NAME]... [--repeat N]
                                 [--no-time] [--cpu N] [--shared DIR]

Sets (SHARED/bench, see its README): seeds (the five sample pages of the repo's seeds/, text),
scrapinghub (181 pages) and wcxb (709 pages), each as html/ and as text/ (whole-page dumps); every
page is scored against gold/ with SHARED/bench/score.py (default metric). The old positional forms
still work: `seeds` = --sets seeds, `text` / `html` = --sets scrapinghub --formats text / html.

newsread runs as `newsread clean` runs a page: Pipeline.default(Config()), each page alone (no folder
learning), the page made from the file's bytes as load_page makes it. Baselines (HTML only):
readability-lxml alone (the text of Document(markup).summary(html_partial=True), a line per block), trafilatura.extract
with its defaults and with include_comments=False, on the markup decoded by newsread.cleaners.decode.
For text dumps the reference row is keeping everything.

Time is the extraction call only: the file is read and un-gzipped outside the timing for every tool;
the baselines get decoded markup, newsread decodes the bytes itself (its decoding time, timed apart
on the same pages, is printed so the difference can be judged). So that other work on the machine
cannot tilt the comparison, the process is pinned to one CPU, the tools run interleaved page by page
(the tools on one page back to back, their order rotated from page to page and round to round),
garbage is collected before each call outside the timing, young collections come as often as in
`newsread clean` (every 10,000 objects, not Python's 700: what the command sets, here for every tool),
every page is timed --repeat times and each tool's per-page minimum is kept; ms/page is the mean of
those minima. Prints a Markdown table
for bench/README.md, then newsread's HTML time as a ratio of trafilatura's (defaults).
trafilatura is optional (`pip install -e '.[bench]'`).
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
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from bench.corpus import FORMATS, SETS, bench_dir, dev_set, shared_dir
from newsread.cleaners import Config, Pipeline, Source, decode, iter_sources, load_page, page_from_bytes
from newsread.cleaners.collector import collect_young_less_often
from newsread.cleaners.loading import page_format, read_bytes

TOOLS = ("newsread", "readability", "trafilatura", "trafilatura-nocomments")
KEEP_ALL = "keep everything"
LABELS = {
    "newsread": "**newsread**",
    "readability": "readability-lxml alone",
    "trafilatura": "trafilatura",
    "trafilatura-nocomments": "trafilatura, include_comments=False",
    KEEP_ALL: "keep everything",
}


def stem(page_id: str) -> str:
    name = Path(page_id).name
    for ext in (".gz", ".txt", ".html", ".htm"):
        name = name.removesuffix(ext)
    return name


# Elements that end a line: their text must not run into the next element's ("One</li><li>Two" is not "OneTwo").
BLOCK_TAGS = frozenset(
    "address article aside blockquote br dd div dl dt figcaption figure footer h1 h2 h3 h4 h5 h6 header hr li "
    "main ol p pre section table td th tr ul".split()
)


def readability_body(markup: str) -> str:
    import lxml.html
    from readability import Document

    summary = Document(markup).summary(html_partial=True)
    if not summary.strip():
        return ""
    root = lxml.html.fromstring(summary)
    for el in root.iter():
        if isinstance(el.tag, str) and el.tag in BLOCK_TAGS:
            el.tail = "\n" + (el.tail or "")
            if el.tag != "br":
                el.text = "\n" + (el.text or "")
    return re.sub(r"[ \t]*\n\s*", "\n", re.sub(r"[ \t]+", " ", root.text_content())).strip()


def trafilatura_body(markup: str) -> str:
    import trafilatura

    return trafilatura.extract(markup) or ""


def trafilatura_nocomments_body(markup: str) -> str:
    import trafilatura

    return trafilatura.extract(markup, include_comments=False) or ""


BASELINES: dict[str, Callable[[str], str]] = {
    "readability": readability_body,
    "trafilatura": trafilatura_body,
    "trafilatura-nocomments": trafilatura_nocomments_body,
}


def load_scorer(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_score", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def pin(cpu: int | None) -> str:
    if not hasattr(os, "sched_setaffinity"):
        return "not pinned (no sched_setaffinity)"
    allowed = sorted(os.sched_getaffinity(0))
    # Default: the last CPU, away from the first one that other pinned benchmarks (bench speed) use.
    chosen = cpu if cpu is not None and cpu in allowed else allowed[-1]
    os.sched_setaffinity(0, {chosen})
    return f"pinned to CPU {chosen}"


@dataclass
class Run:
    """One (set, format): every tool's bodies, per-page minimum times and score."""

    set_name: str
    fmt: str
    tools: list[str]
    pages: int = 0
    best: dict[str, dict[str, float]] = field(default_factory=dict)
    rounds: list[dict[str, float]] = field(default_factory=list)
    failures: dict[str, int] = field(default_factory=dict)
    decode_ms: float = 0.0
    scores: dict[str, dict[str, Any]] = field(default_factory=dict)


def measure(
    set_name: str,
    fmt: str,
    sources: list[Source],
    tools: list[str],
    pipeline: Pipeline,
    out: Path,
    *,
    repeat: int,
    timed: bool,
) -> Run:
    run = Run(set_name, fmt, tools, pages=len(sources))
    run.best = {t: {} for t in tools}
    run.failures = dict.fromkeys(tools, 0)
    for t in tools:
        (out / t).mkdir(parents=True, exist_ok=True)
    page_fmt = "html" if fmt == "html" else "text"

    def newsread_body(source: Source, data: bytes, markup: str) -> str:
        try:  # what load_page does with the bytes it read
            page = page_from_bytes(source.id, data, fmt=page_fmt, path=source.path)
        except Exception:  # (a page load_page turns into an error page: let it say so)
            page = load_page(source)
        return pipeline.clean(page).body

    def call(tool: str, source: Source, data: bytes, markup: str) -> str:
        if tool == "newsread":
            return newsread_body(source, data, markup)
        if tool == KEEP_ALL:
            return markup
        try:
            return BASELINES[tool](markup)
        except Exception:  # a baseline that fails on a page predicts nothing there: counted, not fatal
            run.failures[tool] += 1
            return ""

    decode_best: dict[str, float] = {}
    first = True
    for r in range(max(1, repeat)):
        this_round = dict.fromkeys(tools, 0.0)
        for i, source in enumerate(sources):
            _, gz = page_format(source.name)
            data = read_bytes(source.file, gz)
            start = time.perf_counter()
            markup = decode(data, html=fmt == "html").text
            took = time.perf_counter() - start
            decode_best[source.id] = min(took, decode_best.get(source.id, took))
            if first:  # warm up: imports, compiled regexes, first-call caches are not the page's cost
                for tool in tools:
                    call(tool, source, data, markup)
                gc.collect()
                gc.freeze()  # modules and caches are not garbage: keep each collection below cheap
                first = False
            k = (i + r) % len(tools)
            for tool in tools[k:] + tools[:k]:
                if timed:
                    gc.collect()  # garbage left by the previous tool must not be collected on this one's time
                start = time.perf_counter()
                body = call(tool, source, data, markup)
                took = time.perf_counter() - start
                this_round[tool] += took
                best = run.best[tool]
                best[source.id] = min(took, best.get(source.id, took))
                if r == 0:
                    (out / tool / f"{stem(source.id)}.txt").write_text(body, encoding="utf-8")
        run.rounds.append(this_round)
    run.decode_ms = sum(decode_best.values()) / max(1, len(sources)) * 1000
    return run


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench quality", description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("legacy", nargs="?", choices=["seeds", "text", "html"], help="old form: one set and format")
    ap.add_argument("--shared", type=Path, default=shared_dir(), help="the shared/ folder")
    ap.add_argument("--sets", default=",".join(SETS), help=f"comma-separated, of {','.join(SETS)}")
    ap.add_argument("--formats", default=",".join(FORMATS), help="html,text")
    ap.add_argument("--tools", default=",".join(TOOLS), help=f"of {','.join(TOOLS)} (baselines: HTML only)")
    ap.add_argument("--limit", type=int, default=0, help="the first N pages of each set only")
    ap.add_argument("--keep", type=Path, help="write bodies to DIR/SET/FORMAT/TOOL/<id>.txt")
    ap.add_argument("--worst", type=int, default=0, help="list newsread's N worst pages of each set and format")
    ap.add_argument("--disable", action="append", default=[], help="switch a cleaner off (repeatable)")
    ap.add_argument("--repeat", type=int, default=1, help="timed rounds over every page (per-page minimum kept)")
    ap.add_argument("--no-time", action="store_true", help="score only: no pinning, no collection before calls")
    ap.add_argument("--cpu", type=int, help="CPU to pin to (default: the last one allowed)")
    a = ap.parse_args(argv)
    sets = [s for s in a.sets.split(",") if s]
    formats = [f for f in a.formats.split(",") if f]
    if a.legacy == "seeds":
        sets = ["seeds"]
    elif a.legacy in ("text", "html"):
        sets, formats = ["scrapinghub"], [a.legacy]
    wanted = [t for t in a.tools.split(",") if t]
    for what, given, known in (("set", sets, SETS), ("format", formats, FORMATS), ("tool", wanted, TOOLS)):
        unknown = [x for x in given if x not in known]
        if unknown:
            ap.error(f"unknown {what}: {', '.join(unknown)} (known: {', '.join(known)})")
    missing = [t for t in wanted if t.startswith("trafilatura") and importlib.util.find_spec("trafilatura") is None]
    wanted = [t for t in wanted if t not in missing]
    timed = not a.no_time
    pinned = pin(a.cpu) if timed else "not pinned (--no-time)"
    if timed:  # a folder's cleaning as `newsread clean` runs it: the collector as that command sets it
        collect_young_less_often()
    bench = bench_dir(a.shared)
    score = load_scorer(bench / "score.py")
    pipeline = Pipeline.default(Config(), disable=a.disable)

    runs: list[Run] = []
    worst_lines: list[str] = []
    began = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        for set_name in sets:
            for fmt in formats:
                found = dev_set(set_name, fmt, a.shared)
                if found is None:
                    if (set_name, fmt) != ("seeds", "html"):
                        print(f"{set_name}/{fmt}: no pages or no gold under {bench}: skipped", file=sys.stderr)
                    continue
                src, gold = found
                sources = list(iter_sources([src]))[: a.limit or None]
                tools = [t for t in wanted if fmt == "html" or t == "newsread"]
                if fmt == "text":
                    tools.append(KEEP_ALL)
                out = (a.keep if a.keep else Path(tmp)) / set_name / fmt
                t0 = time.perf_counter()
                run = measure(set_name, fmt, sources, tools, pipeline, out, repeat=a.repeat, timed=timed)
                if a.limit:  # score the pages that ran, not the whole gold folder
                    gold_subset = Path(tmp) / "gold" / set_name / fmt
                    gold_subset.mkdir(parents=True, exist_ok=True)
                    for source in sources:
                        g = gold / f"{stem(source.id)}.txt"
                        if g.exists():
                            (gold_subset / g.name).symlink_to(g.resolve())
                    gold = gold_subset
                for tool in tools:
                    run.scores[tool] = score.score(gold, out / tool)
                runs.append(run)
                print(
                    f"{set_name}/{fmt}: {run.pages} pages × {len(tools)} in {time.perf_counter() - t0:.0f} s",
                    file=sys.stderr,
                )
                if a.worst and "newsread" in tools:
                    worst_lines += worst(run, a.worst)

    print(
        f"{sum(r.pages for r in runs if r.fmt == 'html')} HTML and {sum(r.pages for r in runs if r.fmt == 'text')} "
        f"text pages, each page alone, {pinned}; tools interleaved page by page, {max(1, a.repeat)} round(s), "
        f"ms/page = mean of per-page minima; {time.perf_counter() - began:.0f} s in all"
    )
    print()
    print("| set | input | tool | P | R | F1 | loss | R<0.9 | P<0.9 | ms/page |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for run in runs:
        for tool in run.tools:
            s = run.scores[tool]["summary"]
            ms = "–" if tool == KEEP_ALL or not timed else f"{sum(run.best[tool].values()) / run.pages * 1000:.1f}"
            f1 = f"**{s['f1']:.3f}**" if tool == "newsread" else f"{s['f1']:.3f}"
            failed = f" ({run.failures[tool]} failed)" if run.failures.get(tool) else ""
            print(
                f"| {run.set_name} ({run.pages}) | {run.fmt} | {LABELS[tool]}{failed} | {s['precision']:.3f} | "
                f"{s['recall']:.3f} | {f1} | {s['content_loss']:.3f} | {s['pages_recall_below_0.9']} | "
                f"{s['pages_precision_below_0.9']} | {ms} |"
            )
    for name in missing:
        print(f"| | html | {LABELS[name]} (not installed: pip install -e '.[bench]') | | | | | | | |")
    if timed:
        print()
        for line in ratios(runs):
            print(line)
    if worst_lines:
        print()
        print("\n".join(worst_lines))
    return 0


def ratios(runs: list[Run]) -> list[str]:
    """newsread's HTML time over trafilatura's (and readability's): per set and over all HTML pages."""
    html = [r for r in runs if r.fmt == "html" and "newsread" in r.tools]
    lines = []
    for other, target in (("trafilatura", " (target ≤ 1.5×)"), ("readability", "")):
        if not html or other not in html[0].tools:
            continue
        parts = []
        for r in html:
            ratio = sum(r.best["newsread"].values()) / max(1e-9, sum(r.best[other].values()))
            single = [x["newsread"] / max(1e-9, x[other]) for x in r.rounds]
            spread = f", single rounds {min(single):.2f}–{max(single):.2f}×" if len(single) > 1 else ""
            parts.append(f"{r.set_name} {ratio:.2f}×{spread}")
        total = sum(sum(r.best["newsread"].values()) for r in html)
        total_other = sum(sum(r.best[other].values()) for r in html)
        lines.append(
            f"newsread HTML time / {other}'s: {total / max(1e-9, total_other):.2f}× over all "
            f"{sum(r.pages for r in html)} pages{target} ({'; '.join(parts)})"
        )
    if html:
        decode_ms = sum(r.decode_ms * r.pages for r in html) / max(1, sum(r.pages for r in html))
        lines.append(f"newsread's time includes decoding the bytes ({decode_ms:.2f} ms/page); the baselines' does not.")
    return lines


def worst(run: Run, n: int) -> list[str]:
    """newsread's n worst pages by F1, with each other tool's F1 on the same page."""

    def f1(v: dict[str, Any]) -> float:
        p, r = v["precision"], v["recall"]
        return 2 * p * r / (p + r) if p + r else 0.0

    pages = run.scores["newsread"]["pages"]
    others = [t for t in run.tools if t != "newsread"]
    lines = [f"newsread's {n} worst pages of {run.set_name}/{run.fmt} (F1 of {', '.join(['newsread', *others])}):"]
    for page_id, v in sorted(pages.items(), key=lambda kv: f1(kv[1]))[:n]:
        theirs = " ".join(f"{f1(run.scores[t]['pages'][page_id]):.3f}" for t in others)
        lines.append(f"  {page_id}: P={v['precision']:.3f} R={v['recall']:.3f} F1={f1(v):.3f} | {theirs}")
    return lines
