"""The annotated original as lines: kept text plain, removed spans marked and labelled with cleaner and reason.

Shared by ``newsread diff`` and the reader's inline diff. Drawn from the
engine's annotations, never from a generic text diff.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from rich.style import StyleType
from rich.text import Text

from newsread.cleaners import Block, CleanedPage, inert

KEPT_MARK = "  "
REMOVED_MARK = "- "
PARTIAL_MARK = "~ "
REMOVED_STYLE = "red strike"
LABEL_STYLE = "italic dim"
MARK_STYLE = "red"


@dataclass(frozen=True, slots=True)
class Piece:
    """A run of one block: kept (``removal`` is None) or removed by ``cleaned.removals[removal]``."""

    start: int
    end: int
    removal: int | None


@dataclass(slots=True)
class DiffLine:
    """One block as a line, and where each removal's text sits in it: (removal index, start, end)."""

    text: Text
    spans: list[tuple[int, int, int]] = field(default_factory=list)


def block_pieces(cleaned: CleanedPage) -> Iterator[tuple[Block, list[Piece]]]:
    """Each block with its kept and removed runs, in one pass over blocks and removals (linear, not per block)."""
    removals = cleaned.removals
    n = len(removals)
    j = 0
    for block in cleaned.page.blocks:
        while j < n and removals[j].end <= block.start:
            j += 1
        pieces: list[Piece] = []
        pos = block.start
        k = j
        while k < n and removals[k].start < block.end:
            r = removals[k]
            if r.start > pos:
                pieces.append(Piece(pos, r.start, None))
            start, end = max(r.start, pos), min(r.end, block.end)
            pieces.append(Piece(start, end, k))
            pos = end
            k += 1
        if pos < block.end:
            pieces.append(Piece(pos, block.end, None))
        yield block, pieces


def diff_lines(
    cleaned: CleanedPage,
    *,
    styled: bool = True,
    removed_style: StyleType = REMOVED_STYLE,
    label_style: StyleType = LABEL_STYLE,
    mark_style: StyleType = MARK_STYLE,
) -> list[Text]:
    """One line per block of the original. ``styled=False`` marks removals with [- -] for plain output."""
    return [
        line.text
        for line in diff_lines_with_spans(
            cleaned, styled=styled, removed_style=removed_style, label_style=label_style, mark_style=mark_style
        )
    ]


def diff_lines_with_spans(
    cleaned: CleanedPage,
    *,
    styled: bool = True,
    removed_style: StyleType = REMOVED_STYLE,
    label_style: StyleType = LABEL_STYLE,
    mark_style: StyleType = MARK_STYLE,
    tab: str | None = None,
) -> list[DiffLine]:
    """:func:`diff_lines`, also saying where each removal is drawn (the reader highlights the one inspected).

    ``tab``: what a tab becomes (the reader needs text without tabs so offsets stay put).
    """
    lines: list[DiffLine] = []
    text = cleaned.page.text
    removals = cleaned.removals
    last_label: tuple[str, str] | None = None

    def shown(start: int, end: int) -> str:
        piece = inert(text[start:end])
        return piece.replace("\t", tab) if tab is not None else piece

    for block, pieces in block_pieces(cleaned):
        removed = [p for p in pieces if p.removal is not None and text[p.start : p.end].strip()]
        line = DiffLine(Text(no_wrap=False))
        if not removed:
            line.text.append(KEPT_MARK)
            line.text.append(shown(block.start, block.end))
            last_label = None
            lines.append(line)
            continue
        whole = len(removed) == 1 and all(p.removal is not None or not text[p.start : p.end].strip() for p in pieces)
        out = line.text
        out.append(REMOVED_MARK if whole else PARTIAL_MARK, style=mark_style if styled else "")
        labels: list[tuple[str, str]] = []
        for p in pieces:
            piece = shown(p.start, p.end)
            if p.removal is None:
                out.append(piece)
                continue
            ann = removals[p.removal]
            start = len(out)
            if styled:
                out.append(piece, style=removed_style)
            else:
                out.append(f"[-{piece}-]" if not whole else piece)
            line.spans.append((p.removal, start, len(out)))
            label = (ann.cleaner, ann.reason)
            if label not in labels:
                labels.append(label)
        # A run of lines removed for one reason is labelled once, on its first line.
        if not (whole and labels and labels[0] == last_label):
            for cleaner, reason in labels:
                out.append("  ")
                out.append(f"‹{inert(cleaner)}: {inert(reason)}›", style=label_style if styled else "")
        last_label = labels[0] if whole and labels else None
        lines.append(line)
    return lines
