"""Word wrapping that reports where each line starts, so search matches and removals can be found on screen;
and a name cut to a width with both its ends kept (:func:`middle_cut`).

Rich wraps text too, but does not say which character each wrapped line
begins with; the reader needs that to scroll to a match. Widths are terminal
cells (CJK characters take two).
"""

from __future__ import annotations

import re

from rich.cells import cell_len

_TOKEN = re.compile(r"\S+\s*|\s+")


def line_starts(text: str, width: int, rest_width: int | None = None) -> list[int]:
    """Offsets in ``text`` where each wrapped line starts (the first is always 0).

    Lines break between words; a word wider than a line is folded. ``rest_width``
    is the width of every line after the first (for hanging indents).
    """
    rest = width if rest_width is None else rest_width
    starts = [0]
    limit = max(1, width)
    used = 0
    for m in _TOKEN.finditer(text):
        token = m.group()
        word = token.rstrip()
        need = cell_len(word)
        if used + need <= limit:
            used += cell_len(token)
            continue
        pos = m.start()
        if used > 0 and word:
            starts.append(pos)
            limit, used = max(1, rest), 0
        elif not word:
            # Whitespace that runs past the edge is dropped at the break, not wrapped onto a line of its own.
            used += cell_len(token)
            continue
        if need <= limit:
            used = cell_len(token)
            continue
        # Fold a word longer than a line, character by character.
        for i, ch in enumerate(word):
            w = cell_len(ch)
            if used + w > limit and used > 0:
                starts.append(pos + i)
                limit, used = max(1, rest), 0
            used += w
        used += cell_len(token) - need
    return starts


_SCHEME = re.compile(r"^https?://(?:www\.)?", re.IGNORECASE)


def middle_cut(value: str, width: int) -> str:
    """``value`` in at most ``width`` cells, its middle replaced by an ellipsis (characters, as addresses are).

    A web address too long for the line loses its ``https://www.`` first, then its middle, but keeps its whole
    host name when that takes at most half the room: ``news.example.com/…/the-page-slug``, not ``https://ne…``
    (a site cut in two could not be told apart from another)."""
    if len(value) <= width:
        return value
    if width <= 1:
        return "…"[:width]
    head = (width - 1) // 4  # the end names the page (its file, the URL's slug); the start, the site
    scheme = _SCHEME.match(value)
    if scheme:
        value = value[scheme.end() :]
        if len(value) <= width:
            return value
        host = value.split("/", 1)[0]
        if len(host) + 1 <= width // 2:
            head = len(host) + 1
    return value[:head] + "…" + value[len(value) - (width - 1 - head) :]
