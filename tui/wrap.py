"""Word wrapping that reports where each line starts, so search matches and removals can be found on screen.

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
