"""What the reading pane shows for each view, as rows of rich Text: built from the engine's annotations.

- clean: headline, a meta line, the kept paragraphs;
- original: the page text as loaded, line for line;
- diff, inline: one row per block of the original, removed spans marked and labelled (:mod:`.difftext`);
- diff, side by side: the original block | what is left of it, with the cleaner's label where text went.

Every piece of page text passes through :func:`inert` before it is put in a row.
No Textual here: the widgets draw these rows, tests read them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rich.style import Style, StyleType
from rich.text import Text

from newsread.cleaners import Annotation, CleanedPage, inert
from newsread.cleaners.model import normalise_space

from .difftext import KEPT_MARK, PARTIAL_MARK, REMOVED_MARK, diff_lines

TAB_SIZE = 4
READABLE_WIDTH = 78  # the clean view's measure: long lines are hard to read


@dataclass(frozen=True, slots=True)
class DocStyles:
    """Styles the views use; the reader takes them from its stylesheet, tests use these defaults."""

    title: StyleType = "bold"
    meta: StyleType = "dim"
    removed: StyleType = "red strike"
    marker: StyleType = "red"
    label: StyleType = "italic dim"
    focus: StyleType = "reverse"
    note: StyleType = "dim italic"
    error: StyleType = "bold red"


@dataclass(frozen=True, slots=True)
class Row:
    """One logical line; ``right`` is set in the side-by-side diff. ``indent`` indents the left's wrapped lines."""

    left: Text
    right: Text | None = None
    indent: int = 0


@dataclass(frozen=True, slots=True)
class RemovalGroup:
    """Removals one cleaner made for one reason on consecutive rows: what next/previous removal steps through."""

    removals: tuple[int, ...]  # indices into CleanedPage.removals
    first_row: int
    last_row: int
    cleaner: str
    reason: str


@dataclass(slots=True)
class Document:
    rows: list[Row]
    split: bool = False  # two columns (side-by-side diff)
    max_width: int = 0  # 0: as wide as the pane
    spaced: bool = False  # a blank line between rows that wrap (the diff: one row per block, no blank lines)
    groups: list[RemovalGroup] = field(default_factory=list)


def _text(value: str, style: StyleType = "") -> Text:
    text = Text(inert(value), style=style)
    text.expand_tabs(TAB_SIZE)
    return text


def message_document(message: str, style: StyleType = "") -> Document:
    return Document([Row(_text(line, style)) for line in message.splitlines()] or [Row(Text())])


# -- clean ----------------------------------------------------------------------------------------------
def clean_document(cleaned: CleanedPage, styles: DocStyles = DocStyles()) -> Document:
    page = cleaned.page
    if page.error:
        return message_document(f"This page could not be read.\n\n{page.error}", styles.error)
    rows: list[Row] = []
    meta = cleaned.metadata
    paragraphs = list(cleaned.paragraphs)
    title = normalise_space(meta.get("title") or "")
    if title:
        rows.append(Row(_text(title, styles.title)))
        if paragraphs and normalise_space(paragraphs[0]) == title:
            paragraphs.pop(0)  # a title known from the page head may also open the body
    facts = [normalise_space(meta[k]) for k in ("site", "date", "byline") if meta.get(k)]
    if facts:
        rows.append(Row(_text(" · ".join(facts), styles.meta)))
    if rows:
        rows.append(Row(Text()))
    if not paragraphs:
        rows.append(
            Row(_text("Nothing is left of this page after cleaning: press d to see what was removed.", styles.note))
        )
    for i, para in enumerate(paragraphs):
        if i:
            rows.append(Row(Text()))
        rows.append(Row(_text(para)))
    rows.append(Row(Text()))
    removed = cleaned.removed_by()
    summary = f"{cleaned.words_kept} words kept"
    if removed:
        summary += f", {sum(removed.values())} removed by " + ", ".join(sorted(removed))
    rows.append(Row(_text(f"— {summary}", styles.note)))
    rows.extend(_problems(cleaned, styles))
    return Document(rows, max_width=READABLE_WIDTH)


def _problems(cleaned: CleanedPage, styles: DocStyles) -> list[Row]:
    rows = [Row(_text(f"note: {note}", styles.note)) for note in cleaned.page.notes]
    rows += [Row(_text(f"cleaner {e.cleaner} failed on this page: {e.message}", styles.error)) for e in cleaned.errors]
    return rows


# -- original ---------------------------------------------------------------------------------------------
def original_document(cleaned: CleanedPage, styles: DocStyles = DocStyles()) -> Document:
    page = cleaned.page
    if page.error:
        return message_document(f"This page could not be read.\n\n{page.error}", styles.error)
    return Document([Row(_text(line)) for line in page.text.split("\n")])


# -- diff -------------------------------------------------------------------------------------------------
def block_removals(cleaned: CleanedPage) -> list[list[int]]:
    """For each block, the removals (indices into ``cleaned.removals``) that take visible text from it."""
    removals = cleaned.removals
    text = cleaned.page.text
    out: list[list[int]] = []
    j, n = 0, len(removals)
    for block in cleaned.page.blocks:
        while j < n and removals[j].end <= block.start:
            j += 1
        ids: list[int] = []
        k = j
        while k < n and removals[k].start < block.end:
            r = removals[k]
            if text[max(r.start, block.start) : min(r.end, block.end)].strip():
                ids.append(k)
            k += 1
        out.append(ids)
    return out


def removal_groups(cleaned: CleanedPage, per_block: list[list[int]]) -> list[RemovalGroup]:
    first: dict[int, int] = {}
    last: dict[int, int] = {}
    for row, ids in enumerate(per_block):
        for k in ids:
            first.setdefault(k, row)
            last[k] = row
    groups: list[RemovalGroup] = []
    removals = cleaned.removals
    for k in sorted(first):
        ann = removals[k]
        if groups:
            g = groups[-1]
            if (g.cleaner, g.reason) == (ann.cleaner, ann.reason) and first[k] <= g.last_row + 1:
                groups[-1] = RemovalGroup((*g.removals, k), g.first_row, max(g.last_row, last[k]), g.cleaner, g.reason)
                continue
        groups.append(RemovalGroup((k,), first[k], last[k], ann.cleaner, ann.reason))
    return groups


def _focused(cleaned: CleanedPage, focus: RemovalGroup | None) -> set[Annotation]:
    if focus is None:
        return set()
    removals = cleaned.removals
    return {removals[k] for k in focus.removals if k < len(removals)}


def inline_diff_document(
    cleaned: CleanedPage, styles: DocStyles = DocStyles(), focus: RemovalGroup | None = None
) -> Document:
    if cleaned.page.error:
        return message_document(f"This page could not be read.\n\n{cleaned.page.error}", styles.error)
    lines = diff_lines(
        cleaned,
        removed_style=styles.removed,
        label_style=styles.label,
        mark_style=styles.marker,
        focus=_focused(cleaned, focus),
        focus_style=styles.focus,
    )
    for line in lines:
        line.expand_tabs(TAB_SIZE)
    rows = [Row(line, indent=len(KEPT_MARK)) for line in lines]
    if not rows:
        rows = [Row(_text("This page has no text.", styles.note))]
    rows.extend(_problems(cleaned, styles))
    return Document(rows, spaced=True, groups=removal_groups(cleaned, block_removals(cleaned)))


def side_by_side_document(
    cleaned: CleanedPage, styles: DocStyles = DocStyles(), focus: RemovalGroup | None = None
) -> Document:
    """Each block of the original beside what the clean article keeps of it; removed text is labelled."""
    page = cleaned.page
    if page.error:
        return message_document(f"This page could not be read.\n\n{page.error}", styles.error)
    text = page.text
    focused = _focused(cleaned, focus)
    per_block = block_removals(cleaned)
    rows: list[Row] = []
    last_label: tuple[str, str] | None = None
    for block, ids in zip(page.blocks, per_block, strict=True):
        if not ids:
            rows.append(Row(_text(KEPT_MARK + block.text), _text(normalise_space(block.text)), len(KEPT_MARK)))
            last_label = None
            continue
        left = Text()
        kept: list[str] = []
        labels: list[tuple[str, str]] = []
        for seg in cleaned.segments(block.start, block.end):
            piece = inert(text[seg.start : seg.end])
            ann = seg.annotation
            if ann is None:
                left.append(piece)
                kept.append(piece)
                continue
            left.append(piece, style=styles.removed)
            if ann in focused:
                left.stylize(styles.focus, len(left) - len(piece))
            if piece.strip() and (ann.cleaner, ann.reason) not in labels:
                labels.append((ann.cleaner, ann.reason))
        remaining = normalise_space(" ".join(kept))
        whole = not remaining
        left = Text(REMOVED_MARK if whole else PARTIAL_MARK, style=styles.marker) + left
        left.expand_tabs(TAB_SIZE)
        right = _text(remaining)
        # Like the inline diff: a run of blocks removed for one reason is labelled on its first row only.
        if not (whole and labels[0] == last_label):
            for cleaner, reason in labels:
                if right:
                    right.append("  ")
                right.append(f"‹{cleaner}: {inert(reason)}›", style=styles.label)
        last_label = labels[0] if whole else None
        rows.append(Row(left, right, len(KEPT_MARK)))
    if not rows:
        rows = [Row(_text("This page has no text.", styles.note))]
    problems = _problems(cleaned, styles)
    rows.extend(problems)  # full width: a row without a right side spans both columns
    return Document(rows, split=True, spaced=True, groups=removal_groups(cleaned, per_block))


def style_of(style: StyleType) -> Style:
    return style if isinstance(style, Style) else Style.parse(style)
