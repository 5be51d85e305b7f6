"""The list's one form of a date (``tui.dates``): dates in figures, read only where one reading is a date."""

from __future__ import annotations

import pytest

from newsread.tui.dates import day_of, sort_key


def test_day_first_with_a_day_over_twelve_is_read() -> None:
    assert day_of("20/11/2019") == "2019-11-20"


def test_month_first_with_a_day_over_twelve_is_read() -> None:
    assert day_of("11/20/2019") == "2019-11-20"


def test_year_first_with_dots_or_slashes_is_read() -> None:
    assert day_of("2019.11.20") == "2019-11-20"
    assert day_of("2019/1/5") == "2019-01-05"


def test_day_first_with_dots_as_german_pages_write_it_is_read() -> None:
    assert day_of("Veröffentlicht am 20.11.2019, 14:05") == "2019-11-20"


def test_the_same_number_twice_reads_one_way_only() -> None:
    assert day_of("05/05/2021") == "2021-05-05"


@pytest.mark.parametrize("written", ["05/06/2019", "Updated 3.4.2020"])
def test_a_date_that_reads_both_ways_is_left_as_written(written: str) -> None:
    assert day_of(written) == written


def test_a_date_that_reads_both_ways_sorts_in_its_year_at_its_earlier_reading() -> None:
    assert sort_key("05/06/2019") == "2019-05-06"  # May 6 (or June 5): between 2019-01 and 2019-12
    assert sort_key("06/05/2019") == "2019-05-06"
    dates = ["2019-12-01", "05/06/2019", "2019-01-30"]
    assert sorted(dates, key=lambda d: sort_key(d) or "") == ["2019-01-30", "05/06/2019", "2019-12-01"]


@pytest.mark.parametrize("written", ["32/11/2019", "13/13/2019", "2019.13.01", "20/11/19", "Wednesday"])
def test_figures_that_are_no_date_are_left_as_written_and_sort_after_the_dates(written: str) -> None:
    assert day_of(written) == written and sort_key(written) is None


def test_dates_in_words_and_iso_still_read() -> None:
    assert day_of("Wednesday November 20, 2019") == "2019-11-20"
    assert day_of("2019-11-20T10:00") == "2019-11-20"
    assert sort_key("2019-11-20") == "2019-11-20"
