"""The reader's filter line: ``status:kept,starred tag:economy site:bbc date:2024-05 harbour levy``.

No Textual here. Terms:

- ``status:`` (or ``is:``) any of unread, read, undecided, kept, starred, discarded; commas mean "any
  of them"; a unique beginning is enough (``is:star``).
- ``tag:`` the page has this tag (repeat for several: all of them); quote tags with spaces
  (``tag:"climate change"``).
- ``site:`` part of the site name, any case.
- ``date:`` a day, month or year (``date:2024-05``), or a range ``date:2024-01..2024-03``
  (either end may be left open); a day may be written as the list reads it (``date:20/11/2019``).
- every other word: text that must start words of the title or the clean body, in any order.
"""

from __future__ import annotations

import re
import shlex

from .dates import day_of
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


def _date(value: str) -> str | None:
    """A ``date:`` term's year, month or day as the list shows dates (``2024``, ``2024-05``, ``2024-05-17``);
    None while it is being typed."""
    if _DAY.fullmatch(value):
        return value
    day = day_of(value)
    if _DAY.fullmatch(day):
        return day
    if _TYPING.fullmatch(value):
        return None
    raise FilterSyntaxError(
        f"date {value!r}: write a year, month or day (2024, 2024-05, 2024-05-17) or a range (2024-01..2024-03)"
    )


def parse_filter(line: str) -> Filter:
    """The :class:`Filter` a filter line asks for; raises :class:`FilterSyntaxError` for a bad term."""
    statuses: set[str] = set()
    tags: set[str] = set()
    site: str | None = None
    date_from: str | None = None
    date_to: str | None = None
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
            if dots:
                date_from, date_to = _date(low), _date(high)
            else:
                date_from = date_to = _date(value)
    return Filter(
        statuses=frozenset(statuses),
        tags=frozenset(tags),
        site=site,
        date_from=date_from,
        date_to=date_to,
        text=" ".join(text) or None,
    )


def is_empty(flt: Filter) -> bool:
    return flt == Filter()


def quote_tag(tag: str) -> str:
    """``tag:…`` for a tag as the filter line reads it back."""
    return f"tag:{shlex.quote(tag)}" if any(c.isspace() or c in "\"'" for c in tag) else f"tag:{tag}"
