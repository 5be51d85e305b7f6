"""What the reading pane shows for each view, as rows of rich Text: built from the engine's annotations.

- clean: headline, a meta line, the kept paragraphs;
- original: the page text as loaded, line for line;
- diff, inline: one row per block of the original, removed spans marked and labelled (:mod:`.difftext`);
- diff, side by side: the original block | what is left of it, with the cleaner's label where text went.

Every piece of page text passes through :func:`inert` before it is put in a row.
No Textual here: the widgets draw these rows, tests read them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rich.style import StyleType
from rich.text import Text

from newsread.cleaners import CleanedPage, inert
from newsread.cleaners.clusters import VersionComparison
from newsread.cleaners.model import normalise_space

from .difftext import KEPT_MARK, PARTIAL_MARK, REMOVED_MARK, block_pieces, diff_lines_with_spans

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


@dataclass(frozen=True, slots=True)
class Span:
    """Where a removal is drawn: characters ``start:end`` of a row's left (or right) text."""

    row: int
    right: bool
    start: int
    end: int


@dataclass(slots=True)
class Document:
    rows: list[Row]
    split: bool = False  # two columns (side-by-side diff)
    max_width: int = 0  # 0: as wide as the pane
    spaced: bool = False  # a blank line between rows that wrap (the diff: one row per block, no blank lines)
    groups: list[RemovalGroup] = field(default_factory=list)
    removal_spans: dict[int, list[Span]] = field(default_factory=dict)  # by index into CleanedPage.removals

    def spans_of(self, group: RemovalGroup | None) -> list[Span]:
        if group is None:
            return []
        return [span for k in group.removals for span in self.removal_spans.get(k, [])]


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
    if not paragraphs and not page.text.strip():  # nothing was removed: the diff would show nothing either
        rows.append(Row(_text("This file holds no text: there is nothing to read or to clean.", styles.note)))
    elif not paragraphs:
        rows.append(
            Row(_text("Nothing is left of this page after cleaning: press d to see what was removed.", styles.note))
        )
    for i, para in enumerate(paragraphs):
        if i:
            rows.append(Row(Text()))
        rows.append(Row(_text(para)))
    rows.append(Row(Text()))
    removed = cleaned.removed_by()
    summary = f"{cleaned.words_kept} word{'s' if cleaned.words_kept != 1 else ''} kept"
    if removed:
        summary += f", {sum(removed.values())} removed by " + ", ".join(sorted(removed))
    rows.append(Row(_text(f"— {summary}", styles.note)))
    rows.extend(_problems(cleaned, styles))
    return Document(rows, max_width=READABLE_WIDTH)


EXCERPT = 64  # characters of a paragraph quoted in the versions section


def versions_rows(titles: list[str], comparison: VersionComparison, styles: DocStyles = DocStyles()) -> list[Row]:
    """The clean view's closing section: the story's other versions (``titles``: a line for each, every one of
    them; the first ones are those ``comparison`` compared, named v1, v2 …), and this version paragraph by
    paragraph (which versions have each paragraph, which are only here), then what the others have that it lacks."""
    names = {version: f"v{k}" for k, version in enumerate(comparison.versions, 1)}
    count = len(comparison.versions)
    others = len(titles)
    heading = f"Other versions of this story ({others:,}"
    if others > count:
        heading += f"; {'v1' if count == 1 else f'v1–v{count}'} compared with this one below"
    rows = [Row(Text()), Row(_text(heading + ")", styles.title))]
    width = len(f"v{count}")
    for k, title in enumerate(titles):
        name = names[comparison.versions[k]] if k < count else "·"
        rows.append(Row(_text(f"{name.ljust(width)}  {title}", styles.meta), indent=width + 2))
    adds = len(comparison.adds)
    rows += [Row(Text()), Row(_text(f"This version, paragraph by paragraph ({adds} only here)", styles.title))]
    for para in comparison.paragraphs:
        if para.only_here:
            where = "only here"
        else:
            found = [f"{names[m.version]}{'' if m.same else ' reworded'}" for m in para.found]
            where = ("in all " if len(para.found) == count > 1 else "also in ") + ", ".join(found)
        line = Text(f"¶{para.index + 1} ")
        line.append_text(_text(where, styles.label if para.only_here else styles.meta))
        line.append_text(_text(f"  {_excerpt(para.text)}"))
        rows.append(Row(line, indent=4))
    rows += [
        Row(Text()),
        Row(_text(f"What the other versions have and this one lacks ({len(comparison.missing)})", styles.title)),
    ]
    if not comparison.missing:
        rows.append(Row(_text("nothing: every paragraph of the other versions is here too", styles.note)))
    for missing in comparison.missing:
        line = _text("in " + ", ".join(names[v] for v in missing.versions) + "  ", styles.meta)
        line.append_text(_text(_excerpt(missing.text)))
        rows.append(Row(line, indent=4))
    return rows


def _excerpt(text: str) -> str:
    text = normalise_space(text)
    return f"“{text[:EXCERPT]}…”" if len(text) > EXCERPT else f"“{text}”"


def _problems(cleaned: CleanedPage, styles: DocStyles) -> list[Row]:
    rows = [Row(_text(f"note: {note}", styles.note)) for note in cleaned.page.notes]
    rows += [Row(_text(f"cleaner {e.cleaner} failed on this page: {e.message}", styles.error)) for e in cleaned.errors]
    return rows


# -- original ---------------------------------------------------------------------------------------------
def original_document(cleaned: CleanedPage, styles: DocStyles = DocStyles()) -> Document:
    page = cleaned.page
    if page.error:
        return message_document(f"This page could not be read.\n\n{page.error}", styles.error)
    # Wrapped lines are indented, so where each line of the original begins stays visible.
    return Document([Row(_text(line), indent=2) for line in page.text.split("\n")])


# -- diff -------------------------------------------------------------------------------------------------
TAB = " " * TAB_SIZE


def block_removals(cleaned: CleanedPage) -> list[list[int]]:
    """For each block, the removals (indices into ``cleaned.removals``) that take visible text from it."""
    text = cleaned.page.text
    return [
        [p.removal for p in pieces if p.removal is not None and text[p.start : p.end].strip()]
        for _, pieces in block_pieces(cleaned)
    ]


_DETAIL = re.compile(r"\s*\([^()]*\)\s*$")


def reason_kind(reason: str) -> str:
    """A removal's reason without its closing detail in brackets: ``page header, above the article body (line model
    94% sure; …)`` and the same with 90% are one kind of removal, and ``]`` steps over a run of them at once."""
    return _DETAIL.sub("", reason) or reason


def removal_groups(cleaned: CleanedPage, per_block: list[list[int]]) -> list[RemovalGroup]:
    """The removals on consecutive rows by one cleaner for one kind of reason (see :func:`reason_kind`), each
    group a step of next/previous removal; a group whose removals' reasons differ in their details has the
    kind of reason they share as its own."""
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
            kind = reason_kind(g.reason)
            if (g.cleaner, kind) == (ann.cleaner, reason_kind(ann.reason)) and first[k] <= g.last_row + 1:
                reason = g.reason if g.reason == ann.reason else kind
                groups[-1] = RemovalGroup((*g.removals, k), g.first_row, max(g.last_row, last[k]), g.cleaner, reason)
                continue
        groups.append(RemovalGroup((k,), first[k], last[k], ann.cleaner, ann.reason))
    return groups


def inline_diff_document(cleaned: CleanedPage, styles: DocStyles = DocStyles()) -> Document:
    if cleaned.page.error:
        return message_document(f"This page could not be read.\n\n{cleaned.page.error}", styles.error)
    lines = diff_lines_with_spans(
        cleaned, removed_style=styles.removed, label_style=styles.label, mark_style=styles.marker, tab=TAB
    )
    rows = [Row(line.text, indent=len(KEPT_MARK)) for line in lines]
    spans: dict[int, list[Span]] = {}
    for row, line in enumerate(lines):
        for k, start, end in line.spans:
            spans.setdefault(k, []).append(Span(row, False, start, end))
    if not rows:
        rows = [Row(_text("This page has no text.", styles.note))]
    rows.extend(_problems(cleaned, styles))
    groups = removal_groups(cleaned, block_removals(cleaned))
    return Document(rows, spaced=True, groups=groups, removal_spans=spans)


def side_by_side_document(cleaned: CleanedPage, styles: DocStyles = DocStyles()) -> Document:
    """Each block of the original beside what the clean article keeps of it; removed text is labelled."""
    page = cleaned.page
    if page.error:
        return message_document(f"This page could not be read.\n\n{page.error}", styles.error)
    text = page.text
    removals = cleaned.removals
    rows: list[Row] = []
    spans: dict[int, list[Span]] = {}
    per_block: list[list[int]] = []
    last_label: tuple[str, str] | None = None
    for block, pieces in block_pieces(cleaned):
        visible = [p for p in pieces if p.removal is not None and text[p.start : p.end].strip()]
        per_block.append([p.removal for p in visible if p.removal is not None])
        if not visible:
            rows.append(Row(_text(KEPT_MARK + block.text), _text(normalise_space(block.text)), len(KEPT_MARK)))
            last_label = None
            continue
        row = len(rows)
        remaining = normalise_space(" ".join(inert(text[p.start : p.end]) for p in pieces if p.removal is None))
        whole = not remaining
        left = Text()  # not Text(mark, style=...): a base style would spread over the whole line
        left.append(REMOVED_MARK if whole else PARTIAL_MARK, style=styles.marker)
        labels: list[tuple[str, str]] = []
        for p in pieces:
            piece = inert(text[p.start : p.end]).replace("\t", TAB)
            if p.removal is None:
                left.append(piece)
                continue
            ann = removals[p.removal]
            start = len(left)
            left.append(piece, style=styles.removed)
            spans.setdefault(p.removal, []).append(Span(row, False, start, len(left)))
            if piece.strip() and (ann.cleaner, ann.reason) not in labels:
                labels.append((ann.cleaner, ann.reason))
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
    rows.extend(_problems(cleaned, styles))  # full width: a row without a right side spans both columns
    groups = removal_groups(cleaned, per_block)
    return Document(rows, split=True, spaced=True, groups=groups, removal_spans=spans)
