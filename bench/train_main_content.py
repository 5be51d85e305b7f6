"""Train the main_content cleaner's block model, and report it cross-validated by site.

usage: python -m bench train-main-content [--shared DIR] [--folds 5] [--no-write] [--jobs 2] [--labels share]

Every block of every HTML page of both dev sets (SHARED/bench/scrapinghub, SHARED/bench/wcxb) gets the features
the cleaner makes (readability's and trafilatura's votes, the page's structure) and a label: whether most of
its 4-word shingles are in the page's gold. Each page is also seen with one judge switched off, so the model
decides sensibly when a judge fails or a user turns one off.

Cross-validation by site: the sites are split into --folds groups; a model is trained on the pages of all
groups but one and the whole newsread pipeline, with that model, cleans the held-out group's pages. The
figures printed are those held-out pages' scores (both sets, the shared scorer): pages the model never saw,
from sites it never saw. The model written to cleaners/builtin/main_content_model.json is then trained on
every page. Needs scikit-learn (`pip install -e '.[bench]'`), at training time only.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import tempfile
from multiprocessing import Pool
from pathlib import Path
from typing import Any

from bench.corpus import REPO, bench_dir, shared_dir
from bench.crossval import SETS, dev_pages, held_out_scores, site_folds, stem
from newsread.cleaners import Context, iter_sources, load_page
from newsread.cleaners.builtin._block_features import FEATURES, block_features
from newsread.cleaners.builtin.main_content import MainContent

MODEL = REPO / "cleaners" / "builtin" / "main_content_model.json"
TREES, DEPTH, RATE = 60, 3, 0.2
THRESHOLD = 0.40  # below one half: a lost paragraph costs a reader more than a kept line of boilerplate
_WORD = re.compile(r"\w+")


def gold_share(texts: list[str], gold: str) -> list[float]:
    """For each block, the share of its 4-word shingles (of a shorter block: the whole) found in the gold."""
    words = _WORD.findall(gold.lower())
    shingles = set(zip(words, words[1:], words[2:], words[3:], strict=False))
    joined = f" {' '.join(words)} "
    out = []
    for text in texts:
        own = _WORD.findall(text.lower())
        if len(own) < 4:
            out.append(1.0 if own and f" {' '.join(own)} " in joined else 0.0)
            continue
        grams = list(zip(own, own[1:], own[2:], own[3:], strict=False))
        out.append(sum(g in shingles for g in grams) / len(grams))
    return out


def labels_share(texts: list[str], gold: str) -> list[bool]:
    """The labels of the shipped model before context: most of a block's shingles in the gold."""
    return [s >= 0.5 for s in gold_share(texts, gold)]


CONTEXT_BELOW = 12  # words: a block this short is the article's only if it also sits where the gold has it


def labels(texts: list[str], gold: str) -> list[bool]:
    """Whether each block is the article's: most of its 4-word shingles are in the gold and, for a short block
    (a menu item, a heading, a table-of-contents line), the gold also has it next to its neighbours.

    A menu label whose words occur somewhere in the gold ("Home", "Financing"), or a table of contents that
    repeats the article's headings, is not the article: the gold has the heading after the paragraph before
    it, not after another menu item. The neighbours are the nearest block before already found the
    article's, and the nearest blocks after whose own shingles are in the gold; a block joins either if a
    4-word shingle across the two is in the gold."""
    words = _WORD.findall(gold.lower())
    shingles = set(zip(words, words[1:], words[2:], words[3:], strict=False))
    own = [_WORD.findall(t.lower()) for t in texts]
    share = gold_share(texts, gold)
    candidate = [s >= 0.5 for s in share]

    def joined(before: list[str], after: list[str]) -> bool:
        seq = before + after
        cut = len(before)
        return any(tuple(seq[i : i + 4]) in shingles for i in range(max(0, cut - 3), min(cut, len(seq) - 3)))

    # The gold-like words right after each block: the first 3 words of the candidates that follow it.
    heads: list[list[str]] = [[] for _ in texts]
    head: list[str] = []
    for i in range(len(texts) - 1, -1, -1):
        heads[i] = head
        if candidate[i]:
            head = (own[i] + head)[:3]
    out = [False] * len(texts)
    tail: list[str] = []  # the last 3 words of the blocks found the article's so far
    for i, ws in enumerate(own):
        if not candidate[i] or not ws:
            continue
        out[i] = len(ws) >= CONTEXT_BELOW or joined(tail, ws[:3]) or joined(ws[-3:], heads[i])
        if out[i]:
            tail = (tail + ws)[-3:]
    return out


LABELS = {"share": labels_share, "context": labels}
_LABELLING = ["share"]  # which labels page_rows gives (set before the workers fork)


def page_rows(job: tuple[str, str, str]) -> dict[str, Any]:
    """The training rows of one page: its blocks' features under each set of judges, and their labels."""
    set_name, path, gold_path = job
    page = load_page(next(iter_sources([path])))
    votes = MainContent().votes(page, Context(page))
    rd, tf = votes["readability"], votes["trafilatura"]
    texts = [b.text for b in page.blocks]
    variants = [block_features(page.blocks, rd, tf)]
    if rd is not None and tf is not None:
        variants += [block_features(page.blocks, rd, None), block_features(page.blocks, None, tf)]
    return {
        "set": set_name,
        "stem": stem(Path(path).name),
        "variants": variants,
        "labels": LABELS[_LABELLING[0]](texts, Path(gold_path).read_text(encoding="utf-8")),
        "weights": [math.log1p(len(t.split())) for t in texts],
    }


def fit(
    pages: list[dict[str, Any]], features: tuple[str, ...] = FEATURES, threshold: float = THRESHOLD
) -> dict[str, Any]:
    """A gradient-boosted tree model of the pages' rows, as the JSON the cleaner reads."""
    import numpy as np
    from sklearn.ensemble import GradientBoostingClassifier

    x = [row for p in pages for variant in p["variants"] for row in variant]
    y = [label for p in pages for variant in p["variants"] for label in p["labels"]]
    w = [weight for p in pages for variant in p["variants"] for weight in p["weights"]]
    model = GradientBoostingClassifier(n_estimators=TREES, max_depth=DEPTH, learning_rate=RATE, random_state=0)
    model.fit(np.array(x), np.array(y), sample_weight=np.array(w))
    trees = []
    for (estimator,) in model.estimators_:
        t = estimator.tree_
        trees.append(
            {
                "feature": [int(f) for f in t.feature],
                "threshold": [round(float(v), 6) for v in t.threshold],
                "left": [int(c) for c in t.children_left],
                "right": [int(c) for c in t.children_right],
                "value": [round(float(v[0][0]), 6) for v in t.value],
            }
        )
    # The constant the trees are added to, from the public API: the raw score minus the trees' part.
    probe = np.zeros((1, len(features)))
    trees_part = sum(e.predict(probe)[0] for (e,) in model.estimators_) * RATE
    bias = float(model.decision_function(probe)[0] - trees_part)
    return {
        "features": list(features),
        "threshold": threshold,
        "bias": round(bias, 6),
        "rate": RATE,
        "trees": trees,
        "trained_on": f"{len(pages)} pages of {', '.join(SETS)}; {TREES} trees of depth {DEPTH}",
    }


_PAGES: list[dict[str, Any]] = []  # the training rows, for the fitting workers (set before they fork)


def _fit_without(args: tuple[list[int], int]) -> dict[str, Any]:
    """The model of every page but fold ``k``'s (-1: of every page)."""
    fold_of, k = args
    return fit([p for p, f in zip(_PAGES, fold_of, strict=True) if f != k])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench train-main-content", description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=shared_dir())
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--no-write", action="store_true", help="report the cross-validation only")
    ap.add_argument(
        "--labels",
        choices=sorted(LABELS),
        default="share",
        help="share: a block is the article's if most of its shingles are in the gold (the shipped model's); "
        "context: a short block also needs the gold to have it beside its neighbours (menus, tables of contents)",
    )
    a = ap.parse_args(argv)
    _LABELLING[0] = a.labels
    bench = bench_dir(a.shared)
    jobs = dev_pages(bench, "html")
    with Pool(a.jobs) as pool:
        pages = pool.map(page_rows, jobs, chunksize=4)
    fold_of = site_folds(bench, jobs, a.folds)
    # The fold models and the model of every page, fitted --jobs at a time (the workers inherit the rows).
    _PAGES[:] = pages
    wanted = list(range(a.folds)) + ([] if a.no_write else [-1])
    with Pool(a.jobs) as pool:
        models = dict(zip(wanted, pool.map(_fit_without, [(fold_of, k) for k in wanted], chunksize=1), strict=True))
    with tempfile.TemporaryDirectory() as tmp:
        folds_models = [models[k] for k in range(a.folds)]
        held_out_scores("main_content", "html", folds_models, jobs, fold_of, Path(tmp), bench, a.jobs)
    if not a.no_write:
        MODEL.write_text(json.dumps(models[-1], separators=(",", ":")) + "\n", encoding="utf-8")
        print(f"\nwrote {MODEL.relative_to(REPO)} ({MODEL.stat().st_size / 1024:.0f} KB), trained on every page")
    return 0
