"""The reader's filter line: ``status:kept,starred tag:economy site:bbc date:2024-05 harbour levy``.

No Textual here. Terms:

- ``status:`` (or ``is:``) any of unread, read, undecided, kept, starred, discarded; commas mean "any
  of them"; a unique beginning is enough (``is:star``).
- ``tag:`` the page has this tag (repeat for several: all of them); quote tags with spaces
  (``tag:"climate change"``).
- ``site:`` part of the site name, any case.
- ``date:`` a day, month or year (``date:2024-05``), or a range ``date:2024-01..2024-03``
  (either end may be left open); a day may be written as the list reads it (``date:20/11/2019``). A day in
  figures that reads both ways (``date:03/04/2019``: 3 April or March 4) finds either day; as the end of a range
  it stretches the range to take in both. A page dated so is found by either of its readings.
- every other word: text that must start words of the title or the clean body, in any order.
"""

from __future__ import annotations

import re
import shlex

from .dates import day_of, readings
from .triage import STATUSES, Filter

KEYS = ("status", "is", "tag", "site", "date")


class FilterSyntaxError(ValueError):
    """The filter line cannot be understood; the message says what to write instead."""


def _words(line: str) -> list[str]:
    for closing in ("", '"', "'"):  # an unclosed quote while typing: as if it were closed
        try:
            return shlex.split(line + closing)
        except ValueError:
            continue
    return line.replace('"', " ").replace("'", " ").split()


def _status(value: str) -> str:
    value = value.lower()
    if value in STATUSES:
        return value
    found = [s for s in STATUSES if s.startswith(value)]
    if len(found) == 1:
        return found[0]
    choices = ", ".join(found or STATUSES)
    raise FilterSyntaxError(f"status {value!r}: use one of {choices}")


_DAY = re.compile(r"\d{4}(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?)?")


# The start of a date still being typed (the filter follows each key): ``202``, ``2024-0``, ``20/11/20``.
_TYPING = re.compile(r"\d{0,3}|\d{4}-[01]?|\d{4}-(?:0[1-9]|1[0-2])-[0-3]?|\d{1,4}[./](?:\d{1,2}(?:[./]\d{0,3})?)?")


def _date(value: str) -> tuple[str, ...]:
    """A ``date:`` term's year, month or day as the list shows dates (``2024``, ``2024-05``, ``2024-05-17``): the
    two days of one in figures that reads both ways (``03/04/2019``), earlier first; none while it is being typed."""
    if _DAY.fullmatch(value):
        return (value,)
    day = day_of(value)
    if _DAY.fullmatch(day):
        return (day,)
    both = readings(day)
    if both:
        return both
    if _TYPING.fullmatch(value):
        return ()
    raise FilterSyntaxError(
        f"date {value!r}: write a year, month or day (2024, 2024-05, 2024-05-17) or a range (2024-01..2024-03)"
    )


def parse_filter(line: str) -> Filter:
    """The :class:`Filter` a filter line asks for; raises :class:`FilterSyntaxError` for a bad term."""
    statuses: set[str] = set()
    tags: set[str] = set()
    site: str | None = None
    dates: tuple[tuple[str | None, str | None], ...] = ()
    text: list[str] = []
    for word in _words(line):
        key, sep, value = word.partition(":")
        key = key.lower()
        if not sep or key not in KEYS:
            text.append(word)  # "10:30" or "re:invent" are words to look for, not terms
            continue
        if not value:
            continue  # "tag:" being typed
        if key in ("status", "is"):
            statuses.update(_status(v) for v in value.split(",") if v)
        elif key == "tag":
            tags.add(" ".join(value.split()))
        elif key == "site":
            site = value
        else:
            low, dots, high = value.partition("..")
            if dots:  # (an end that reads both ways takes in both: from the earlier, to the later)
                lows, highs = _date(low), _date(high)
                dates = ((lows[0] if lows else None, highs[-1] if highs else None),)
            else:
                dates = tuple((day, day) for day in _date(value))
            if dates == ((None, None),):
                dates = ()
    return Filter(
        statuses=frozenset(statuses),
        tags=frozenset(tags),
        site=site,
        dates=dates,
        text=" ".join(text) or None,
    )


def is_empty(flt: Filter) -> bool:
    return flt == Filter()


def quote_tag(tag: str) -> str:
    """``tag:…`` for a tag as the filter line reads it back."""
    return f"tag:{shlex.quote(tag)}" if any(c.isspace() or c in "\"'" for c in tag) else f"tag:{tag}"
