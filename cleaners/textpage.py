"""Blocks of a plain-text page: its non-blank lines."""

from __future__ import annotations

import re
from pathlib import Path

from .model import Block, Page

_LINE = re.compile(r"[^\r\n]+")
# Invisible characters that make a line look non-empty to str.strip() but show nothing.
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"


def text_blocks(text: str) -> tuple[Block, ...]:
    """One block per line that has anything but whitespace (nbsp-only lines are blank)."""
    blocks: list[Block] = []
    for m in _LINE.finditer(text):
        line = m.group()
        stripped = line.strip()
        if not stripped.strip(_INVISIBLE).strip():
            continue
        lead = len(line) - len(line.lstrip())
        start = m.start() + lead
        blocks.append(Block(len(blocks), start, start + len(stripped), stripped))
    return tuple(blocks)


def text_page(page_id: str, text: str, *, encoding: str | None = None, path: Path | None = None) -> Page:
    """A text page from already-decoded text (for tests and other programs)."""
    return Page(
        id=page_id,
        path=path,
        format="text",
        text=text,
        blocks=text_blocks(text),
        encoding=encoding,
    )
