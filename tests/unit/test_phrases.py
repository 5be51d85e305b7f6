"""Phrase-list gates match exactly the lines their patterns match, and refuse patterns they could change."""

from __future__ import annotations

import re

import pytest

from newsread.cleaners.builtin import ad_markers, inline_promos, link_farms, site_chrome
from newsread.cleaners.builtin._lines import lowered
from newsread.cleaners.builtin._phrases import factored, line_gate, split_alternatives

LINES = [
    "share",
    "- Share this story -",
    "sharepoint migration guide",
    "back to top ↑",
    "12 comments",
    "comments (3)",
    "most read comments",
    "view all comments",
    "privacidade",
    "política de privacidade",
    "related stories",
    "more from the times",
    "more",
    "latest",
    "latest news in sport",
    "trending now",
    "the story continues below this advertisement",
    "advertisement - scroll to continue",
    "sponsored links",
    "a council meeting on tuesday voted for the harbour plan",
    "",
    "___",
    "相关新闻",
    "read more: the harbour plan explained",
    "more » council votes again",
    "more",
    "also read - ",
]


@pytest.mark.parametrize(
    "patterns",
    [
        (site_chrome._BACK_TO_TOP, site_chrome._UI_LABEL, site_chrome._COMMENT_COUNT, site_chrome._COMMENTS),
        (lowered(link_farms.HEADING),),
        (lowered(ad_markers._AD_LINE),),
        (lowered(inline_promos._PROMO),),  # a label, a separator and the rest: the tail is kept
    ],
)
def test_gate_matches_the_lines_any_pattern_matches(patterns: tuple[re.Pattern[str], ...]) -> None:
    gate = line_gate(*patterns)
    matched = 0
    for line in LINES:
        expected = any(p.match(line) for p in patterns)
        assert bool(gate.match(line)) == expected, line
        matched += expected
    assert 0 < matched < len(LINES)  # the sample tells matches from non-matches


def test_gate_factors_alternatives_by_first_letters() -> None:
    gate = line_gate(re.compile(r"^[\W_]*(?:share|shares|subscribe|(?:top|most)\s+read)[\W_]*$"))
    assert "s(?:" in gate.pattern and "t(?:" not in gate.pattern  # one alternative under 't': no group
    for line in ["share", "shares", "subscribe", "top read", "most read", "- most  read -"]:
        assert gate.match(line), line
    for line in ["shar", "sharesubscribe", "read", "top", "most read it"]:
        assert not gate.match(line), line


@pytest.mark.parametrize(
    "source",
    [
        r"^[\W_]*(?:a(b)|c)[\W_]*$",  # a capturing group
        r"^[\W_]*(?:a(?=b)|c)[\W_]*$",  # a lookahead
        r"^[\W_]*(?:a++|c)[\W_]*$",  # possessive
        r"^(?:share|print)$",  # not a whole-line phrase list
    ],
)
def test_gate_refuses_patterns_it_could_change(source: str) -> None:
    with pytest.raises(ValueError):
        line_gate(re.compile(source))


def test_alternatives_split_outside_groups_and_classes_only() -> None:
    assert split_alternatives(r"a|b(?:c|d)|[|]e|\|f") == ["a", "b(?:c|d)", "[|]e", r"\|f"]


DATED = [
    "published march 3, 2021 at 10:00",
    "3 de marzo de 2020",
    "updated: jan 5, 2020 | 10:31 am",
    "junio 2020 and 15 juni 2020",
    "mar 3 2020, then marzo 4, 2021",
    "sept. 3, 2019",
    "2021-03-04t10:00",
    "no date here at all",
]


def test_factored_search_finds_the_same_spans() -> None:
    from newsread.cleaners.builtin import metadata

    pattern = lowered(metadata.DATE)
    fast = factored(pattern)
    found = 0
    for line in DATED:
        a, b = pattern.search(line), fast.search(line)
        assert (a and a.span()) == (b and b.span()), line
        found += a is not None
    assert 0 < found < len(DATED)


def test_factored_keeps_the_order_of_alternatives() -> None:
    # "mar" before "march" and a digit alternative between two 'm' ones: the first that matches still wins.
    pattern = re.compile(r"mar|\d+|march|may")
    fast = factored(pattern)
    for line in ["march 3", "7 march", "may"]:
        assert fast.search(line).span() == pattern.search(line).span(), line  # type: ignore[union-attr]
