"""A page's date as the list shows and sorts it: ``2019-11-20`` from ``Wednesday November 20, 2019``.

The cleaners keep a date as the page wrote it (``Nov. 20, 2019``, ``20 de novembro de 2019``, ``2019-11-20T10:00``);
the list's date column is ten cells wide and sorts newest first, so it needs one form. A date it cannot read
(``20/11/2019`` could be either way round) is left as written, and sorts after the dates it can.
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


def day_of(text: str) -> str:
    """``text``'s date as ``YYYY-MM-DD`` when it can be read, else ``text`` as it is."""
    m = _ISO.search(text)
    if m:
        return m.group(0)
    m = _CJK.search(text)
    if m:
        return f"{m.group(1)}-{int(m.group(2)):02}-{int(m.group(3)):02}"
    for pattern, order in ((_MONTH_FIRST, (3, 1, 2)), (_DAY_FIRST, (3, 2, 1))):
        for m in pattern.finditer(text):
            year, month, day = (m.group(k) for k in order)
            number = _MONTH.get(month.casefold())
            if number is not None and 1 <= int(day) <= 31:
                return f"{year}-{number:02}-{int(day):02}"
    return text


def is_day(text: str) -> bool:
    """``text`` is a date :func:`day_of` could read (it sorts among the dates)."""
    return _ISO.fullmatch(text) is not None
