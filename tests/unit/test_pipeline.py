"""The pipeline: order, configuration, isolation of failing cleaners, validation of what they return."""

from __future__ import annotations

from collections.abc import Iterable

import pytest

from newsread.cleaners import (
    Annotation,
    BaseCleaner,
    CleanerInfo,
    Config,
    Context,
    Mark,
    Page,
    Pipeline,
    parse_config,
    text_page,
)
from newsread.cleaners.config import ConfigError

from ..conftest import WordCleaner

PAGE = "Real story text that matters.\nAdvertisement\nSponsored content here\nMore real story text.\n"


def info(cls: type, order: int = 100) -> CleanerInfo:
    return CleanerInfo(cls.name, cls.description, "test", order, True, cls)


class Boom(BaseCleaner):
    name = "boom"
    description = "always raises"

    def annotate(self, page: Page, context: Context) -> Iterable[Mark]:
        raise RuntimeError("kaboom")


class OutOfRange(BaseCleaner):
    name = "out_of_range"
    description = "returns nonsense spans"

    def annotate(self, page: Page, context: Context) -> Iterable[Mark]:
        yield Mark(-5, 3, "negative")
        yield Mark(0, 10**9, "too long")
        yield Mark(5, 5, "empty")
        yield "not a mark"  # type: ignore[misc]
        yield Mark(0, 4, "fine")


class Sponsored(WordCleaner):
    name = "sponsored"
    options = {"word": "Sponsored"}


def test_a_failing_cleaner_costs_the_page_nothing_else() -> None:
    pipeline = Pipeline.from_infos([info(Boom, 1), info(WordCleaner, 2)])
    cleaned = pipeline.clean(text_page("p", PAGE))
    assert "Advertisement" not in cleaned.body
    assert "Real story text that matters." in cleaned.body
    assert [(e.cleaner, "kaboom" in e.message) for e in cleaned.errors] == [("boom", True)]


class Quitter(BaseCleaner):
    name = "quitter"
    description = "calls sys.exit"

    def annotate(self, page: Page, context: Context) -> Iterable[Mark]:
        raise SystemExit(3)


class Chatty(BaseCleaner):
    name = "chatty"
    description = "prints while it works"

    def annotate(self, page: Page, context: Context) -> Iterable[Mark]:
        print("debugging", page.id)
        return []


def test_sys_exit_in_a_cleaner_is_that_cleaners_error_and_the_page_is_cleaned() -> None:
    pipeline = Pipeline.from_infos([info(Quitter, 1), info(WordCleaner, 2)])
    cleaned = pipeline.clean(text_page("p", PAGE))  # would raise SystemExit (end the run) if not caught
    assert "Advertisement" not in cleaned.body and "Real story text that matters." in cleaned.body
    assert [(e.cleaner, "sys.exit(3)" in e.message) for e in cleaned.errors] == [("quitter", True)]


def test_what_a_cleaner_prints_in_a_worker_is_a_note_not_output(monkeypatch: pytest.MonkeyPatch) -> None:
    import io
    import sys

    from newsread.cleaners import pipeline as pipeline_module

    captured = io.StringIO()
    monkeypatch.setattr(sys, "stdout", captured)  # as capture_stdout() does in a worker
    monkeypatch.setattr(pipeline_module, "_captured", captured)
    cleaned = Pipeline.from_infos([info(Chatty, 1), info(WordCleaner, 2)]).clean(text_page("p", PAGE))
    assert [n for n in cleaned.notes if "printed" in n] == [
        "cleaner 'chatty' printed to stdout (not part of the output): 'debugging p'"
    ]
    assert captured.getvalue() == ""  # reported once, then forgotten: the next page starts clean
    assert "Advertisement" not in cleaned.body


def test_spans_outside_the_page_are_dropped_and_reported() -> None:
    cleaned = Pipeline.from_infos([info(OutOfRange)]).clean(text_page("p", PAGE))
    assert [(a.start, a.end, a.reason) for a in cleaned.annotations] == [(0, 4, "fine")]
    assert cleaned.errors and "4 span(s)" in cleaned.errors[0].message


class Sloppy(BaseCleaner):
    """Marks with every kind of flaw a plugin could give them, and one good mark."""

    name = "sloppy"
    description = "marks the sponsored line, and nonsense when asked to"
    options = {"nonsense": False}

    def annotate(self, page: Page, context: Context) -> Iterable[Mark]:
        at = page.text.index("Sponsored")
        marks = [Mark(at, at + 9, "sponsored", "site", "S")]
        if self.settings["nonsense"]:
            marks += [
                Mark(-5, 3, "negative"),
                Mark(0, 4, ""),  # kept, with a reason given for it
                Mark(None, 3, "no offset"),  # type: ignore[arg-type]
                Mark(1.0, 3, "a float offset"),  # type: ignore[arg-type]
                (0, 4, "a plain tuple", None, None),  # type: ignore[list-item]
                PlainMark(5, 9, "x" * 300),  # a plugin's own kind of mark: kept, the reason cut short
            ]
        return marks


class PlainMark(Mark):
    pass


def test_marks_are_stamped_with_the_cleaners_name() -> None:
    page = text_page("p", PAGE)
    [a] = Pipeline.from_infos([info(Sloppy)]).clean(page).annotations
    assert a == Annotation(PAGE.index("Sponsored"), PAGE.index("Sponsored") + 9, "sloppy", "sponsored", "site", "S")
    assert type(a) is Annotation


def test_bad_marks_are_dropped_and_reported_and_the_good_ones_kept() -> None:
    config = parse_config({"cleaners": {"sloppy": {"nonsense": True}}})
    cleaned = Pipeline.from_infos([info(Sloppy)], config).clean(text_page("p", PAGE))
    assert [a.reason for a in cleaned.annotations] == ["sponsored", "no reason given", "x" * 200]
    assert cleaned.errors and "4 span(s)" in cleaned.errors[0].message


def test_annotations_carry_the_registered_name_and_reason() -> None:
    cleaned = Pipeline.from_infos([info(WordCleaner)]).clean(text_page("p", PAGE))
    [a] = cleaned.annotations
    assert (a.cleaner, a.reason) == ("word_cleaner", "contains 'Advertisement'")


def test_later_cleaners_see_what_earlier_ones_removed() -> None:
    seen: list[str] = []

    class Spy(BaseCleaner):
        name = "spy"
        description = "records what remains"

        def annotate(self, page: Page, context: Context) -> Iterable[Mark]:
            seen.extend(b.text for b in context.remaining())
            return ()

    Pipeline.from_infos([info(WordCleaner, 1), info(Spy, 2)]).clean(text_page("p", PAGE))
    assert "Advertisement" not in seen and "More real story text." in seen


def test_config_disables_orders_and_configures_cleaners() -> None:
    cfg = parse_config(
        {"order": ["sponsored", "word_cleaner"], "cleaners": {"word_cleaner": {"enabled": False, "word": "More"}}}
    )
    pipeline = Pipeline.from_infos([info(WordCleaner, 1), info(Sponsored, 2)], cfg)
    assert [s.name for s in pipeline.stages] == ["sponsored", "word_cleaner"]
    assert [s.name for s in pipeline.active] == ["sponsored"]
    on = Pipeline.from_infos([info(WordCleaner, 1)], cfg, enable=["word_cleaner"])
    body = on.clean(text_page("p", PAGE)).body
    assert "More real story text." not in body and "Advertisement" in body


def test_unknown_option_or_cleaner_name_is_reported_not_fatal() -> None:
    cfg = parse_config({"cleaners": {"word_cleaner": {"colour": "blue"}, "nonexistent": {"enabled": False}}})
    pipeline = Pipeline.from_infos([info(WordCleaner)], cfg)
    assert any("colour" in p for p in pipeline.problems)
    assert any("nonexistent" in p for p in pipeline.problems)
    assert pipeline.active == []
    assert pipeline.clean(text_page("p", PAGE)).body.count("\n\n") == 3


def test_toggling_a_cleaner_changes_the_result() -> None:
    pipeline = Pipeline.from_infos([info(WordCleaner)])
    page = text_page("p", PAGE)
    assert "Advertisement" not in pipeline.clean(page).body
    off = pipeline.toggled("word_cleaner")
    assert "Advertisement" in off.clean(page).body
    assert pipeline.fingerprint() != off.fingerprint()


def test_user_rules_need_no_python() -> None:
    cfg = parse_config(
        {
            "rules": [
                {"pattern": "^sponsored", "reason": "sponsor block", "ignore_case": True},
                {"pattern": r"\breal\b", "reason": "the word real", "whole_line": False},
            ]
        }
    )
    pipeline = Pipeline.default(cfg)
    cleaned = pipeline.clean(text_page("p", PAGE))
    reasons = {a.reason for a in cleaned.annotations if a.cleaner == "user_rules"}
    assert reasons == {"sponsor block", "the word real"}
    assert "Sponsored content here" not in cleaned.body
    # A partial rule removes only the match; the rest of the line stays, whitespace normalised.
    assert "More story text." in cleaned.body
    assert "Real story text that matters." in cleaned.body  # the rule is case-sensitive


@pytest.mark.parametrize(
    "data, message",
    [
        ({"cleaners": {"x": {"enabled": "yes"}}}, "true or false"),
        ({"rules": [{"reason": "no pattern"}]}, "pattern"),
        ({"colour": 1}, "unknown setting"),
        ({"order": "not a list"}, "list of strings"),
    ],
)
def test_bad_config_gets_a_clear_message(data: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_config(data)


def test_default_pipeline_lists_the_builtins_in_a_stable_order() -> None:
    a = [s.name for s in Pipeline.default(Config()).stages]
    b = [s.name for s in Pipeline.default(Config()).stages]
    assert a == b
    assert {"duplicate_paragraphs", "ad_markers", "link_farms", "user_rules"} <= set(a)
    assert all(s.info.origin == "built-in" for s in Pipeline.default(Config()).stages)
