"""The reader's filter line: terms become a Filter; other words are text to look for."""

from __future__ import annotations

import pytest

from newsread.tui.filter_syntax import FilterSyntaxError, parse_filter, quote_tag
from newsread.tui.triage import Filter


def test_every_term_and_free_words() -> None:
    flt = parse_filter('status:kept,star tag:economy tag:"world news" site:BBC date:2024-05 harbour levy')
    assert flt.statuses == frozenset({"kept", "starred"})
    assert flt.tags == frozenset({"economy", "world news"})
    assert flt.site == "BBC"
    assert flt.dates == (("2024-05", "2024-05"),)
    assert flt.text == "harbour levy"


def test_date_ranges_may_be_open_at_either_end() -> None:
    assert parse_filter("date:2024-01..2024-03").dates == (("2024-01", "2024-03"),)
    assert parse_filter("date:..2023").dates == ((None, "2023"),)
    assert parse_filter("date:2024..").dates == (("2024", None),)


def test_a_day_written_as_pages_write_it_filters_as_the_list_shows_it() -> None:
    assert parse_filter("date:20/11/2019").dates == (("2019-11-20", "2019-11-20"),)
    assert parse_filter("date:2019.11.01..2019.11.30").dates == (("2019-11-01", "2019-11-30"),)


def test_a_day_that_reads_both_ways_finds_either_day_and_a_range_end_takes_in_both() -> None:
    # `date:03/04/2019` said "write a year, month or day": a day as the list shows it could not be looked for.
    assert parse_filter("date:03/04/2019").dates == (("2019-03-04", "2019-03-04"), ("2019-04-03", "2019-04-03"))
    assert parse_filter("date:03/04/2019..2019-12").dates == (("2019-03-04", "2019-12"),)
    assert parse_filter("date:2019-01..03/04/2019").dates == (("2019-01", "2019-04-03"),)
    assert parse_filter("date:05/05/2019").dates == (("2019-05-05", "2019-05-05"),)  # (one reading only)


@pytest.mark.parametrize("term", ["date:2025-13", "date:yesterday", "date:13/13/2019", "date:2024-05..soon"])
def test_a_date_that_is_no_year_month_or_day_says_what_to_write(term: str) -> None:
    # It matched no page, silently: the list emptied as if nothing were dated so.
    with pytest.raises(FilterSyntaxError, match="write a year, month or day"):
        parse_filter(term)


@pytest.mark.parametrize("typed", ["date:2", "date:201", "date:2019-", "date:2019-1", "date:2019-11-", "date:20/11/20"])
def test_a_date_being_typed_filters_nothing_yet_and_is_no_error(typed: str) -> None:
    assert parse_filter(typed).dates == ()


def test_words_with_colons_that_are_not_terms_are_text() -> None:
    assert parse_filter("10:30 re:invent").text == "10:30 re:invent"


def test_an_empty_line_or_a_term_being_typed_filters_nothing() -> None:
    assert parse_filter("") == Filter()
    assert parse_filter("tag: status:") == Filter()
    assert parse_filter('tag:"half typed').tags == frozenset({"half typed"})  # an open quote while typing


def test_a_bad_or_ambiguous_status_says_what_to_write() -> None:
    with pytest.raises(FilterSyntaxError, match="kept"):
        parse_filter("status:bogus")
    with pytest.raises(FilterSyntaxError, match="unread, undecided"):
        parse_filter("is:un")


def test_quote_tag_reads_back() -> None:
    assert parse_filter(quote_tag("world news")).tags == frozenset({"world news"})
    assert quote_tag("economy") == "tag:economy"
