"""The five sample pages against their hand-labelled gold: F1 >= 0.99 and recall >= 0.995 on every page."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from newsread.cleaners import Config, Pipeline, iter_sources, load_page

from ..conftest import REPO, SEEDS

GOLD = REPO.parent / "shared" / "bench" / "seeds" / "gold"
SCORER = REPO.parent / "shared" / "bench" / "score.py"

pytestmark = pytest.mark.skipif(not SCORER.exists(), reason="needs ../shared/bench beside the repository")


def scorer():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("bench_score", SCORER)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("source", list(iter_sources([SEEDS])), ids=lambda s: s.id[:3])
def test_seed_page_matches_gold(source: object) -> None:
    score = scorer()
    cleaned = Pipeline.default(Config()).clean(load_page(source))  # type: ignore[arg-type]
    gold = (GOLD / Path(source.id).with_suffix(".txt").name).read_text(encoding="utf-8")  # type: ignore[attr-defined]
    tp, fp, fn = score.match(gold, cleaned.body, "shingle")
    precision, recall = score.precision(tp, fp, fn), score.recall(tp, fp, fn)
    f1 = 2 * precision * recall / (precision + recall)
    assert recall >= 0.995, f"lost article text: recall {recall:.3f}"
    assert f1 >= 0.99, f"F1 {f1:.3f} (precision {precision:.3f})"
