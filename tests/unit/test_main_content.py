"""The main_content cleaner: judges' votes weighed block by block, and reasons that say who decided."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsread.cleaners import Config, Pipeline, html_page
from newsread.cleaners.builtin._block_features import FEATURES
from newsread.cleaners.builtin._tree_model import TreeModel

from .test_html import ARTICLE, PAGE


def removals(config: Config, markup: str = PAGE) -> tuple[list[str], dict[str, str], list[str]]:
    cleaned = Pipeline.default(config).clean(html_page("p.html", markup))
    by = {cleaned.page.text[a.start : a.end]: a.reason for a in cleaned.removals if a.cleaner == "main_content"}
    return cleaned.paragraphs, by, cleaned.notes


def test_what_both_judges_leave_out_says_they_agree() -> None:
    paragraphs, by, _ = removals(Config())
    assert paragraphs == ARTICLE
    assert by["Home"] == "outside the main content (readability and trafilatura agree)"
    assert "readability" in by["Storm warning issued for the north coast tonight"]


@pytest.mark.parametrize("judge", ["readability", "trafilatura"])
def test_with_one_judge_switched_off_the_other_decides_and_the_reasons_say_so(judge: str) -> None:
    paragraphs, by, _ = removals(Config(options={"main_content": {"judges": [judge]}}))
    assert paragraphs == ARTICLE
    assert by["Home"] == f"outside the main content ({judge})"


def test_an_unknown_judge_is_a_setup_problem_not_a_crash() -> None:
    pipeline = Pipeline.default(Config(options={"main_content": {"judges": ["boilerpipe"]}}))
    assert any("unknown judge" in p for p in pipeline.problems)
    cleaned = pipeline.clean(html_page("p.html", PAGE))
    assert all(p in cleaned.body for p in ARTICLE)


def test_a_judge_that_fails_is_noted_and_the_other_decides(monkeypatch: pytest.MonkeyPatch) -> None:
    import newsread.cleaners.builtin.main_content as main_content

    def broken(*args: object) -> str:
        raise RuntimeError("boom")

    monkeypatch.setattr(main_content, "trafilatura_text", broken)
    paragraphs, by, notes = removals(Config())
    assert paragraphs == ARTICLE
    assert any("trafilatura failed" in n for n in notes)
    assert by["Home"] == "outside the main content (readability)"


def test_a_page_no_judge_understands_loses_nothing_and_says_why() -> None:
    markup = "<html><body><p>Only one short paragraph of text on this page.</p></body></html>"
    paragraphs, by, notes = removals(Config(), markup)
    assert paragraphs == ["Only one short paragraph of text on this page."]
    assert not by
    assert any("no judge found a main content" in n for n in notes)


def tiny_model(threshold: float = 0.5) -> dict[str, object]:
    # One tree: a block readability kept (feature 0 > 0.5) scores +3, any other -3.
    tree = {
        "feature": [0, -2, -2],
        "threshold": [0.5, -2.0, -2.0],
        "left": [1, -1, -1],
        "right": [2, -1, -1],
        "value": [0.0, -3.0, 3.0],
    }
    return {"features": list(FEATURES), "threshold": threshold, "bias": 0.0, "rate": 1.0, "trees": [tree]}


def test_a_tree_model_from_json_scores_rows_by_its_trees() -> None:
    model = TreeModel(tiny_model())
    kept, dropped = [1.0] + [0.0] * (len(FEATURES) - 1), [0.0] * len(FEATURES)
    assert model.probability(kept) == pytest.approx(1 / (1 + 2.718281828**-3), rel=1e-6)
    assert model.probability(dropped) < 0.5 < model.probability(kept)


def test_a_tree_pointing_outside_itself_is_refused() -> None:
    data = tiny_model()
    data["trees"][0]["left"][0] = 7  # type: ignore[index]
    with pytest.raises(ValueError, match="points outside"):
        TreeModel(data)


def test_a_model_given_in_the_config_is_used(tmp_path: Path) -> None:
    path = tmp_path / "model.json"
    path.write_text(json.dumps(tiny_model()), encoding="utf-8")
    paragraphs, by, _ = removals(Config(options={"main_content": {"model": str(path)}}))
    assert "Home" in by
    assert paragraphs == ARTICLE  # this model follows readability alone, which keeps the article


def test_the_shipped_model_is_small_and_matches_the_features() -> None:
    shipped = Path(__file__).resolve().parents[2] / "cleaners" / "builtin" / "main_content_model.json"
    assert shipped.stat().st_size <= 2 * 1024 * 1024
    assert TreeModel.load().features == FEATURES


def test_what_both_judges_keep_stays_even_when_the_model_says_otherwise(tmp_path: Path) -> None:
    doubter = {**tiny_model(), "bias": -20.0}  # a model that takes nothing for article text
    path = tmp_path / "doubter.json"
    path.write_text(json.dumps(doubter), encoding="utf-8")
    paragraphs, by, _ = removals(Config(options={"main_content": {"model": str(path)}}))
    assert paragraphs == ARTICLE
    assert "Home" in by
    # with one judge there is no agreement to lean on: the model decides alone
    alone, _, _ = removals(Config(options={"main_content": {"model": str(path), "judges": ["readability"]}}))
    assert not set(ARTICLE) & set(alone)


def test_a_block_s_features_do_not_depend_on_which_other_rows_are_made() -> None:
    from newsread.cleaners.builtin._block_features import block_features

    blocks = html_page("p.html", PAGE).blocks
    rd = [i % 3 != 0 for i in range(len(blocks))]
    tf = [i % 2 == 0 for i in range(len(blocks))]
    everything = block_features(blocks, rd, tf)
    wanted = [i % 4 == 1 for i in range(len(blocks))]
    assert block_features(blocks, rd, tf, wanted=wanted) == [r for r, w in zip(everything, wanted, strict=True) if w]


def test_each_judge_and_the_model_are_parts_switched_one_by_one_through_options() -> None:
    from newsread.cleaners.cache import stage_fingerprints

    pipeline = Pipeline.default(Config())
    assert {p: on for p, (on, _) in pipeline.parts("main_content").items()} == {
        "readability": True,
        "trafilatura": True,
        "model": True,
    }
    assert pipeline.parts("site_template") == {}
    off = pipeline.with_part("main_content", "trafilatura")
    assert not off.parts("main_content")["trafilatura"][0] and pipeline.parts("main_content")["trafilatura"][0]
    stage = next(s for s in off.stages if s.name == "main_content")
    assert stage.options == {"judges": ["readability"]}  # (what workers rebuild it from, and in its cache key)
    assert stage_fingerprints(off) != stage_fingerprints(pipeline)
    back = off.with_part("main_content", "trafilatura", True)
    assert stage_fingerprints(back) == stage_fingerprints(pipeline)  # the default again: the same cache key
    with pytest.raises(ValueError, match="no part named"):
        pipeline.with_part("main_content", "nobody")


def test_without_the_model_a_block_goes_when_no_judge_that_is_on_keeps_it() -> None:
    paragraphs, by, _ = removals(Config(options={"main_content": {"use_model": False}}))
    assert paragraphs == ARTICLE and by["Home"] == "outside the main content (readability and trafilatura agree)"
    assert set(by.values()) == {"outside the main content (readability and trafilatura agree)"}
    _, alone, _ = removals(Config(options={"main_content": {"use_model": False, "judges": ["readability"]}}))
    assert set(alone.values()) == {"outside the main content (readability)"}


LONG = [
    f"{p} {q}" for p, q in zip(ARTICLE, ARTICLE[1:] + ARTICLE[:1], strict=True)
]  # paragraphs of 30+ words: the page's prose
LISTICLE = (
    '<html><body><nav><a href="/">Home</a> <a href="/news">News</a></nav><main><h1>Harbour vote</h1>'
    + "".join(f"<h2>Part {i}</h2><p>{p}</p>" for i, p in enumerate(LONG, 1))
    + "</main><footer><p>© 2024 Harbour Gazette</p></footer></body></html>"
)


@pytest.mark.parametrize("fast_finds", [1, 4])
def test_trafilatura_asks_its_full_mode_when_its_fast_mode_finds_little_of_the_prose(
    monkeypatch: pytest.MonkeyPatch, fast_finds: int
) -> None:
    # trafilatura's fast mode skips its fallback to other extractors, which finds a listicle's or a review's
    # sections it missed; the full mode costs more, so it is asked only when the fast article is short.
    import trafilatura

    asked = []

    def extract(tree: object, *, fast: bool = False, **options: object) -> str:
        asked.append(fast)
        return "\n".join(LONG[:fast_finds] if fast else LONG)

    monkeypatch.setattr(trafilatura, "extract", extract)
    config = Config(options={"main_content": {"judges": ["trafilatura"], "use_model": False}})
    paragraphs, _, _ = removals(config, LISTICLE)
    assert all(p in paragraphs for p in LONG)
    assert asked == ([True, False] if fast_finds == 1 else [True])
