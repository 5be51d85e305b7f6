"""Train the boilerplate_lines cleaner's line model, and report it cross-validated by site.

usage: python -m bench train-boilerplate-lines [--shared DIR] [--folds 5] [--no-write | --no-cv] [--jobs 2]
                                               [--one-pass] [--keep DIR]

Every line of every whole-page text dump of both dev sets (SHARED/bench/scrapinghub/text, SHARED/bench/wcxb/text)
that the other cleaners leave gets the features the cleaner makes, and a label: whether most of its 4-word
shingles are in the page's gold. Cross-validation by site as in `bench train-main-content`: the held-out group's
pages are cleaned by the whole pipeline with a model that never saw their sites, and scored. The model written
to cleaners/builtin/boilerplate_lines_model.json is then trained on every page. Needs scikit-learn.

The model has two passes. The second is trained on the same rows and the cleaner's SPAN_FEATURES, made from
the first pass's chances on pages the first pass was not trained on (each page's chances by a first pass
trained without its fold; inside a cross-validation fold, without that fold either: no held-out page's label
reaches its model through the second pass's training rows). --one-pass trains the first pass alone.
Two passes cost 16 first passes and 6 second ones for 5 folds (~15 min on a loaded 2-CPU machine); --no-cv
writes the model alone (6 first passes and one second pass: the same model, as every fit is deterministic).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import tempfile
from multiprocessing import Pool
from pathlib import Path
from typing import Any

from bench.corpus import REPO, bench_dir, shared_dir
from bench.crossval import dev_pages, held_out_scores, site_folds, stem
from bench.train_main_content import fit, gold_share
from newsread.cleaners import Config, Context, Mark, Page, Pipeline, iter_sources, load_page
from newsread.cleaners.builtin._lines import page_lines
from newsread.cleaners.builtin._tree_model import TreeModel
from newsread.cleaners.builtin.boilerplate_lines import (
    FEATURES,
    MODEL_FILE,
    SPAN_FEATURES,
    BoilerplateLines,
    span_features,
)

MODEL = REPO / "cleaners" / "builtin" / MODEL_FILE
THRESHOLD = 0.45  # a line goes only when the model is fairly sure it is not article text
# The second pass decides, and sees more (the verdicts around a line): at 0.45 it dropped a few articles' last
# paragraphs, at 0.40 it keeps more article text than the first pass alone on both dev sets (bench/README).
SECOND_THRESHOLD = 0.40
_PIPELINE: Pipeline | None = None
_SEEN: list[tuple[list[int], list[list[float]], list[int]]] = []


class _Recorder(BoilerplateLines):
    """The cleaner's own candidates and features, as it makes them in the pipeline, kept instead of judged."""

    def annotate(self, page: Page, context: Context) -> list[Mark]:
        candidates, rows, _ = self.judged_lines(page, context)
        _SEEN.append((candidates, rows, [k for k, gone in enumerate(context.removed_mask()) if not gone]))
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
    keep, rows, kept = _SEEN[0] if _SEEN else ([], [], [])
    share = gold_share([b.text for b in page.blocks], Path(gold_path).read_text(encoding="utf-8"))
    return {
        "set": set_name,
        "stem": stem(Path(path).name),
        "candidates": keep,
        "kept": kept,
        "wc": page_lines(page).wc if keep else [],
        "variants": [rows],
        "labels": [share[i] >= 0.5 for i in keep],
        "weights": [math.log1p(len(page.blocks[i].text.split())) for i in keep],
    }


def second_rows(page: dict[str, Any], first: dict[str, Any]) -> dict[str, Any]:
    """The page's training rows for the second pass, with ``first`` (a first pass not trained on the page)."""
    (rows,) = page["variants"]
    if not rows:
        return page
    model = TreeModel(first)
    extra = span_features(page["kept"], page["candidates"], model.probabilities(rows), page["wc"], model.threshold)
    return {**page, "variants": [[r + e for r, e in zip(rows, extra, strict=True)]]}


_PAGES: list[dict[str, Any]] = []  # the training rows, for the fitting workers (set before they fork)


def _fit_first(args: tuple[list[int], float]) -> dict[str, Any]:
    """A first pass on the pages whose fold is not among ``args[0]``."""
    out, threshold = args
    return fit([p for p in _PAGES if p["fold"] not in out], FEATURES, threshold)


def two_pass(threshold: float, held_out: int | None, firsts: dict[tuple[int, ...], dict[str, Any]]) -> dict[str, Any]:
    """The two-pass model of every page not in fold ``held_out`` (None: of every page); ``firsts`` holds the first
    passes by the folds they were trained without."""
    without = (held_out,) if held_out is not None else ()
    train = [second_rows(p, firsts[tuple(sorted((*without, p["fold"])))]) for p in _PAGES if p["fold"] != held_out]
    second = fit(train, FEATURES + SPAN_FEATURES, threshold)
    return {**firsts[without], "second": second, "trained_on": f"{firsts[without]['trained_on']}; two passes"}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench train-boilerplate-lines", description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=shared_dir())
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--threshold", type=float, default=THRESHOLD, help="remove a line below this chance of gold")
    ap.add_argument("--second-threshold", type=float, default=SECOND_THRESHOLD, help="the same, for the second pass")
    ap.add_argument("--no-write", action="store_true", help="report the cross-validation only")
    ap.add_argument("--no-cv", action="store_true", help="write the model without the cross-validation")
    ap.add_argument("--one-pass", action="store_true", help="train the first pass alone")
    ap.add_argument("--keep", type=Path, help="keep the held-out bodies here (SET/ID.txt)")
    a = ap.parse_args(argv)
    bench = bench_dir(a.shared)
    jobs = dev_pages(bench, "text")
    with Pool(a.jobs) as pool:
        pages = pool.map(page_rows, jobs, chunksize=8)
    fold_of = site_folds(bench, jobs, a.folds)
    for p, f in zip(pages, fold_of, strict=True):
        p["fold"] = f
    _PAGES[:] = pages
    # The first passes: without each fold, without each pair of folds (for the second pass's rows inside a
    # cross-validation fold), and on every page.
    outs: list[tuple[int, ...]] = [(), *((k,) for k in range(a.folds))]
    if not a.one_pass and not a.no_cv:
        outs += [(j, k) for j in range(a.folds) for k in range(j + 1, a.folds)]
    with Pool(a.jobs) as pool:
        firsts = dict(zip(outs, pool.map(_fit_first, [(o, a.threshold) for o in outs]), strict=True))
    final = firsts[()]
    if not a.one_pass:
        with Pool(a.jobs) as pool:
            held_out = [] if a.no_cv else list(range(a.folds))
            models = pool.starmap(two_pass, [(a.second_threshold, k, firsts) for k in [None, *held_out]])
        final, folds_models = models[0], models[1:]
    else:
        folds_models = [firsts[(k,)] for k in range(a.folds)]
    if not a.no_cv:
        with tempfile.TemporaryDirectory() as tmp:
            held_out_scores(
                "boilerplate_lines", "text", folds_models, jobs, fold_of, a.keep or Path(tmp), bench, a.jobs
            )
    if not a.no_write:
        MODEL.write_text(json.dumps(final, separators=(",", ":")) + "\n", encoding="utf-8")
        print(f"\nwrote {MODEL.relative_to(REPO)} ({MODEL.stat().st_size / 1024:.0f} KB), trained on every page")
    return 0
