"""Train the boilerplate_lines cleaner's line model, and report it cross-validated by site.

usage: python -m bench train-boilerplate-lines [--shared DIR] [--folds 5] [--no-write] [--jobs 2]

Every line of every whole-page text dump of both dev sets (SHARED/bench/scrapinghub/text, SHARED/bench/wcxb/text)
that the other cleaners leave gets the features the cleaner makes, and a label: whether most of its 4-word
shingles are in the page's gold. Cross-validation by site as in `bench train-main-content`: the held-out group's
pages are cleaned by the whole pipeline with a model that never saw their sites, and scored. The model written
to cleaners/builtin/boilerplate_lines_model.json is then trained on every page. Needs scikit-learn.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import subprocess
import sys
import tempfile
import zlib
from multiprocessing import Pool
from pathlib import Path
from typing import Any

from bench.corpus import REPO, bench_dir, shared_dir
from bench.train_main_content import SETS, fit, gold_share, sites, stem
from newsread.cleaners import Config, Context, Mark, Page, Pipeline, iter_sources, load_page
from newsread.cleaners.builtin.boilerplate_lines import FEATURES, MODEL_FILE, BoilerplateLines

MODEL = REPO / "cleaners" / "builtin" / MODEL_FILE
THRESHOLD = 0.45  # a line goes only when the model is fairly sure it is not article text
_PIPELINE: Pipeline | None = None
_SEEN: list[tuple[list[int], list[list[float]]]] = []


class _Recorder(BoilerplateLines):
    """The cleaner's own candidates and features, as it makes them in the pipeline, kept instead of judged."""

    def annotate(self, page: Page, context: Context) -> list[Mark]:
        candidates, rows, _ = self.judged_lines(page, context)
        _SEEN.append((candidates, rows))
        return []


def page_rows(job: tuple[str, str, str]) -> dict[str, Any]:
    """The rows of the lines the cleaner may remove on one page, and their labels."""
    global _PIPELINE
    if _PIPELINE is None:
        stages = Pipeline.default(Config()).stages
        _PIPELINE = Pipeline(
            [dataclasses.replace(s, cleaner=_Recorder()) if s.name == "boilerplate_lines" else s for s in stages]
        )
    set_name, path, gold_path = job
    page = load_page(next(iter_sources([path])))
    _SEEN.clear()
    _PIPELINE.clean(page)
    keep, rows = _SEEN[0] if _SEEN else ([], [])
    share = gold_share([b.text for b in page.blocks], Path(gold_path).read_text(encoding="utf-8"))
    return {
        "set": set_name,
        "stem": stem(Path(path).name),
        "variants": [rows],
        "labels": [share[i] >= 0.5 for i in keep],
        "weights": [math.log1p(len(page.blocks[i].text.split())) for i in keep],
    }


def _held_out(args: tuple[str, list[tuple[str, str, str]], str]) -> None:
    model, jobs, out = args
    pipeline = Pipeline.default(Config(options={"boilerplate_lines": {"model": model}}))
    for set_name, path, _ in jobs:
        cleaned = pipeline.clean(load_page(next(iter_sources([path]))))
        (Path(out) / set_name).mkdir(parents=True, exist_ok=True)
        (Path(out) / set_name / f"{stem(Path(path).name)}.txt").write_text(cleaned.body, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench train-boilerplate-lines", description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=shared_dir())
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--threshold", type=float, default=THRESHOLD, help="remove a line below this chance of gold")
    ap.add_argument("--no-write", action="store_true", help="report the cross-validation only")
    a = ap.parse_args(argv)
    bench = bench_dir(a.shared)
    jobs = [
        (s, str(f), str(bench / s / "gold" / f"{stem(f.name)}.txt"))
        for s in SETS
        for f in sorted((bench / s / "text").iterdir())
    ]
    with Pool(a.jobs) as pool:
        pages = pool.map(page_rows, jobs, chunksize=8)
    site_of = sites(bench)
    fold_of = [zlib.crc32(site_of[(p["set"], p["stem"])].encode()) % a.folds for p in pages]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        tasks = []
        for k in range(a.folds):
            model = fit([p for p, f in zip(pages, fold_of, strict=True) if f != k], FEATURES, a.threshold)
            path = work / f"fold{k}.json"
            path.write_text(json.dumps(model), encoding="utf-8")
            tasks.append((str(path), [j for j, f in zip(jobs, fold_of, strict=True) if f == k], str(work / "pred")))
        with Pool(a.jobs) as pool:
            pool.map(_held_out, tasks)
        print(f"boilerplate_lines, cross-validated by site ({a.folds} folds: no page scored by a model of its site)")
        for s in SETS:
            print(f"\n{s} text:")
            sys.stdout.flush()
            subprocess.call([sys.executable, str(bench / "score.py"), str(bench / s / "gold"), str(work / "pred" / s)])
    if not a.no_write:
        MODEL.write_text(json.dumps(fit(pages, FEATURES, a.threshold), separators=(",", ":")) + "\n", encoding="utf-8")
        print(f"\nwrote {MODEL.relative_to(REPO)} ({MODEL.stat().st_size / 1024:.0f} KB), trained on every page")
    return 0
