"""The reader's filter line: ``status:kept,starred tag:economy site:bbc date:2024-05 harbour levy``.

No Textual here. Terms:

- ``status:`` (or ``is:``) any of unread, read, undecided, kept, starred, discarded; commas mean "any
  of them"; a unique beginning is enough (``is:star``).
- ``tag:`` the page has this tag (repeat for several: all of them); quote tags with spaces
  (``tag:"climate change"``).
- ``site:`` part of the site name, any case.
- ``date:`` a day, month or year (``date:2024-05``), or a range ``date:2024-01..2024-03``
  (either end may be left open).
- every other word: text that must start words of the title or the clean body, in any order.
"""

from __future__ import annotations

import shlex

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
                date_from, date_to = low or None, high or None
            else:
                date_from = date_to = value
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
