"""Blocks of a plain-text page: its non-blank lines."""

from __future__ import annotations

from pathlib import Path

from .model import Block, Page, new_block

# Invisible characters that make a line look non-empty to str.strip() but show nothing.
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"


def text_blocks(text: str) -> tuple[Block, ...]:
    """One block per line that has anything but whitespace (nbsp-only lines are blank)."""
    blocks: list[Block] = []
    add = blocks.append
    # A line is a run of characters between CR and LF: CR made LF (the same length, so the same offsets) and a
    # split costs a third fewer instructions than a regex match object per line (making the Blocks is most of the rest).
    at = 0
    for line in (text.replace("\r", "\n") if "\r" in text else text).split("\n"):
        stripped = line.strip()
        if stripped and stripped.strip(_INVISIBLE).strip():
            start = at + len(line) - len(line.lstrip())
            add(new_block(len(blocks), start, start + len(stripped), stripped))
        at += len(line) + 1
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
