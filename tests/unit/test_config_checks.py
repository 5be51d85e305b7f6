"""Configuration mistakes are caught with a clear message (bad limits) or a warning (unknown names and rule
keys), and a cleaner named like another never runs twice."""

from __future__ import annotations

from collections.abc import Iterable

import pytest

from newsread.cleaners import (
    BaseCleaner,
    CleanerInfo,
    Config,
    ConfigError,
    Context,
    Mark,
    Page,
    Pipeline,
    parse_config,
    text_page,
)


@pytest.mark.parametrize(
    ("limits", "words"),
    [
        ({"max_page_mb": float("inf")}, "max_page_mb must be a number of MB from"),
        ({"max_page_mb": float("nan")}, "not nan"),
        ({"max_page_mb": 1e8}, "to 1024"),
        ({"max_clean_seconds": float("inf")}, "max_clean_seconds must be a number of seconds"),
        ({"max_clean_seconds": 0}, "from 0.001"),
        ({"max_clean_seconds": "10"}, "not '10'"),
        ({"max_learn_seconds": float("inf")}, "max_learn_seconds must be a number of seconds"),
        ({"max_learn_seconds": -1}, "from 0.001"),
        ({"max_learn_secs": 10}, "unknown limit 'max_learn_secs'"),
    ],
)
def test_limits_that_are_not_finite_or_out_of_range_are_refused_with_a_message(
    limits: dict[str, object], words: str
) -> None:
    with pytest.raises(ConfigError, match=words.replace("(", r"\(")):
        parse_config({"limits": limits})


def test_limits_in_range_are_taken() -> None:
    cfg = parse_config({"limits": {"max_page_mb": 1024, "max_clean_seconds": 0.5, "max_learn_seconds": 30}})
    assert (cfg.max_page_mb, cfg.max_clean_seconds, cfg.max_learn_seconds) == (1024.0, 0.5, 30.0)
    assert Pipeline.from_infos([], cfg).max_learn_seconds == 30.0


class Word(BaseCleaner):
    name = "word"
    description = "removes a word"

    def annotate(self, page: Page, context: Context) -> Iterable[Mark]:
        start = page.text.find("Advert")
        return [Mark(start, start + 6, "advert")] if start >= 0 else []


def info(cls: type[BaseCleaner], origin: str) -> CleanerInfo:
    return CleanerInfo(cls.name, cls.description, origin, 10, True, cls)


def test_unknown_names_in_order_options_and_rule_keys_are_warned_about() -> None:
    cfg = parse_config(
        {
            "order": ["word", "no_such_cleaner"],
            "cleaners": {"misspelt": {"threshold": 3}},
            "rules": [{"pattern": "^Ad$", "reasn": "typo", "whole_line": True}],
        }
    )
    problems = Pipeline.from_infos([info(Word, "built-in")], cfg).problems
    assert any("'no_such_cleaner'" in p for p in problems)
    assert any("'misspelt'" in p for p in problems)
    assert any("rule 1" in p and "'reasn'" in p for p in problems)
    assert not any("'word'" in p for p in problems)


def test_a_cleaner_named_like_a_built_in_is_not_used_and_that_is_said() -> None:
    class Impostor(Word):
        description = "a plugin that takes the built-in's name"

        def annotate(self, page: Page, context: Context) -> Iterable[Mark]:
            return [Mark(0, 1, "impostor")]

    infos = [info(Impostor, "file /tmp/mine.py"), info(Word, "built-in"), info(Impostor, "plugin evil 1.0")]
    pipeline = Pipeline.from_infos(infos, Config())
    assert [(s.name, s.info.origin) for s in pipeline.stages] == [("word", "built-in")]
    assert sum("is not used" in p for p in pipeline.problems) == 2
    cleaned = pipeline.clean(text_page("p", "Advert here\nText of the page.\n"))
    assert [a.cleaner for a in cleaned.removals] == ["word"]


def test_a_config_file_that_cannot_be_looked_at_is_a_message(monkeypatch: pytest.MonkeyPatch) -> None:
    from pathlib import Path

    from newsread.cleaners import load_config

    def denied(self: Path, *args: object, **kwargs: object) -> object:  # as for a folder the user cannot search
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "exists", denied)
    with pytest.raises(ConfigError, match=r"cannot read config .*Permission denied"):
        load_config(None)
