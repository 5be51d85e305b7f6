#!/usr/bin/env python3
"""newsread, readability-lxml alone and trafilatura on the same HTML pages, scored the same way.

usage: python bench/compare_html.py [--shared DIR] [--limit N] [--keep DIR] [--tools newsread,readability,trafilatura]

Each tool's body for every page of SHARED/bench/scrapinghub/html is scored
against the gold with the shared scorer; time is the extraction call only
(decoding the file excluded), one core. trafilatura is optional
(`pip install -e '.[bench]'`). Prints a Markdown table for bench/README.md.
"""

from __future__ import annotations

import argparse
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


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--keep", type=Path)
    ap.add_argument("--tools", default="newsread,readability,trafilatura")
    a = ap.parse_args(argv)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
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
    wanted = [t for t in a.tools.split(",") if t]
    print("| tool | P | R | F1 | loss | pages R<0.9 | pages P<0.9 | ms/page |")
    print("|---|---|---|---|---|---|---|---|")
    for name in wanted:
        if name == "trafilatura" and importlib.util.find_spec("trafilatura") is None:
            print(f"| {name} | (not installed: pip install -e '.[bench]') | | | | | | |")
            continue
        with tempfile.TemporaryDirectory() as tmp:
            out = (a.keep / name) if a.keep else Path(tmp)
            out.mkdir(parents=True, exist_ok=True)
            elapsed = 0.0
            for stem, markup in markups.items():
                start = time.perf_counter()
                body = tools[name](markup)
                elapsed += time.perf_counter() - start
                (out / f"{stem}.txt").write_text(body, encoding="utf-8")
            s = score.score(gold, out)["summary"]
        ms = elapsed / len(markups) * 1000
        print(
            f"| {name} | {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} | {s['content_loss']:.3f} | "
            f"{s['pages_recall_below_0.9']} | {s['pages_precision_below_0.9']} | {ms:.0f} |"
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
