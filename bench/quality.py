#!/usr/bin/env python3
"""Score newsread's clean bodies against gold with the shared scorer.

usage: python bench/quality.py seeds|text|html [--shared DIR] [--worst N] [--keep DIR] [--disable NAME]...

  seeds  the five sample pages (repo seeds/, gold in SHARED/bench/seeds/gold)
  text   the 181 whole-page text dumps of the ScrapingHub benchmark, each page alone
  html   the same 181 pages as HTML
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from newsread.cleaners import Config, Pipeline, iter_sources, load_page

REPO = Path(__file__).resolve().parent.parent


def stem(page_id: str) -> str:
    name = Path(page_id).name
    for ext in (".gz", ".txt", ".html", ".htm"):
        name = name.removesuffix(ext)
    return name


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("set", choices=["seeds", "text", "html"])
    ap.add_argument("--shared", type=Path, default=REPO.parent / "shared", help="the shared/ folder")
    ap.add_argument("--worst", type=int, default=0)
    ap.add_argument("--keep", type=Path, help="write predictions here instead of a temp folder")
    ap.add_argument("--disable", action="append", default=[])
    a = ap.parse_args(argv)
    bench = a.shared / "bench"
    src, gold = {
        "seeds": (REPO / "seeds", bench / "seeds" / "gold"),
        "text": (bench / "scrapinghub" / "text", bench / "scrapinghub" / "gold"),
        "html": (bench / "scrapinghub" / "html", bench / "scrapinghub" / "gold"),
    }[a.set]
    pipeline = Pipeline.default(Config(), disable=a.disable)
    with tempfile.TemporaryDirectory() as tmp:
        out = a.keep or Path(tmp)
        out.mkdir(parents=True, exist_ok=True)
        # Each page is cleaned alone: no folder-level learning across benchmark pages.
        for source in iter_sources([src]):
            cleaned = pipeline.clean(load_page(source))
            (out / f"{stem(source.id)}.txt").write_text(cleaned.body, encoding="utf-8")
        cmd = [sys.executable, str(bench / "score.py"), str(gold), str(out)]
        if a.worst:
            cmd += ["--worst", str(a.worst)]
        return subprocess.call(cmd)


if __name__ == "__main__":
    sys.exit(main())
