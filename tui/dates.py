"""A page's date as the list shows and sorts it: ``2019-11-20`` from ``Wednesday November 20, 2019``.

The cleaners keep a date as the page wrote it (``Nov. 20, 2019``, ``20 de novembro de 2019``, ``2019-11-20T10:00``);
the list's date column is ten cells wide and sorts newest first, so it needs one form. Dates in figures are read
when only one reading is a date: ``2019.11.20`` (year first), ``20/11/2019`` (20 cannot be a month: day first),
``11/20/2019`` (month first). One that could be either way round (``05/06/2019``: 5 June or May 6) is left as
written, sorts among the others at the earlier of its two readings (:func:`sort_key`) and is found by the filter
under either (:func:`readings`); a date that cannot be read at all sorts after them. Years of two figures are not
guessed at.
"""

from __future__ import annotations

import re

from newsread.cleaners.builtin.metadata import MONTH_NAMES

_MONTH = {name: n for n, names in enumerate(MONTH_NAMES, 1) for name in names}
_WORD = r"([^\W\d_]+)\.?"
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_MONTH_FIRST = re.compile(rf"{_WORD}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})")
_DAY_FIRST = re.compile(rf"(\d{{1,2}})\.?\s+(?:de\s+)?{_WORD},?\s+(?:de\s+)?(\d{{4}})")
_CJK = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
_YEAR_FIRST = re.compile(r"(?<!\d)(\d{4})([./-])(\d{1,2})\2(\d{1,2})(?!\d)")  # 2019.11.20, 2019/11/20, 2019-1-5
_YEAR_LAST = re.compile(r"(?<!\d)(\d{1,2})([./-])(\d{1,2})\2(\d{4})(?!\d)")  # 20/11/2019, 11/20/2019, 20.11.2019


def _iso(year: str, month: int, day: int) -> str | None:
    return f"{year}-{month:02}-{day:02}" if 1 <= month <= 12 and 1 <= day <= 31 else None


def _in_figures(text: str) -> str | None:
    """The date written in figures in ``text`` as ``YYYY-MM-DD``, when only one reading of it is a date."""
    for m in _YEAR_FIRST.finditer(text):
        day = _iso(m.group(1), int(m.group(3)), int(m.group(4)))
        if day is not None:
            return day
    for m in _YEAR_LAST.finditer(text):
        first, second = int(m.group(1)), int(m.group(3))
        if first == second or (first > 12) != (second > 12):  # one reading only: 20/11, 11/20, 05/05
            day = _iso(m.group(4), min(first, second), max(first, second))
            if day is not None:
                return day
    return None


def day_of(text: str) -> str:
    """``text``'s date as ``YYYY-MM-DD`` when it can be read, else ``text`` as it is."""
    m = _ISO.search(text)
    if m:
        return m.group(0)
    m = _CJK.search(text)
    if m:
        return f"{m.group(1)}-{int(m.group(2)):02}-{int(m.group(3)):02}"
    day = _in_figures(text)
    if day is not None:
        return day
    for pattern, order in ((_MONTH_FIRST, (3, 1, 2)), (_DAY_FIRST, (3, 2, 1))):
        for m in pattern.finditer(text):
            year, month, day = (m.group(k) for k in order)
            number = _MONTH.get(month.casefold())
            if number is not None and 1 <= int(day) <= 31:
                return f"{year}-{number:02}-{int(day):02}"
    return text


def readings(text: str) -> tuple[str, ...]:
    """The days a date the list shows (:func:`day_of`'s) may be, as ``YYYY-MM-DD``, earliest first: itself when it
    was read; both readings of one in figures that reads both ways (``05/06/2019``: ``2019-05-06``, ``2019-06-05``);
    none for one that cannot be read."""
    if _ISO.fullmatch(text) is not None:
        return (text,)
    for m in _YEAR_LAST.finditer(text):
        first, second = sorted((int(m.group(1)), int(m.group(3))))
        day = _iso(m.group(4), first, second)
        if day is not None:
            other = _iso(m.group(4), second, first)
            return (day,) if other is None or other == day else (day, other)
    return ()


def sort_key(text: str) -> str | None:
    """Where a date the list shows (:func:`day_of`'s) sorts among the others, as ``YYYY-MM-DD``: itself when it
    was read; a date in figures that reads both ways (``05/06/2019``) at the earlier of its two readings
    (``2019-05-06``), so it stays in its year; None for one that cannot be read (it sorts after the dates)."""
    found = readings(text)
    return found[0] if found else None
