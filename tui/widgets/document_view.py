"""The scrolling body of the reading pane: a document's rows wrapped to the pane, drawn a line at a time.

Line API: only the lines on screen are turned into strips, so a long page
scrolls as cheaply as a short one. The view also owns in-page search (matches
highlighted, n/p move between them) and scrolling to a row.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.events import Resize
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ..documents import Document, Row, Span
from ..wrap import line_starts
from .base_style import BaseStyle, ComponentStyles

DIVIDER = " │ "


@dataclass(frozen=True, slots=True)
class Match:
    row: int
    right: bool  # in the right-hand column of a side-by-side row
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class VisualLine:
    """One screen line: a slice of a row's left text (and of its right text, side by side)."""

    row: int
    left: tuple[int, int] | None
    right: tuple[int, int] | None
    left_continues: bool  # a wrapped continuation: indented under the row's first line


def _ranges(text: str, width: int, indent: int) -> list[tuple[int, int]]:
    """(start, end) of each wrapped line of ``text``; hard newlines start new lines."""
    out: list[tuple[int, int]] = []
    base = 0
    for part in text.split("\n"):
        starts = line_starts(part, width, max(1, width - indent))
        ends = [*starts[1:], len(part)]
        out.extend((base + s, base + e) for s, e in zip(starts, ends, strict=True))
        base += len(part) + 1
    return out


@dataclass(frozen=True, slots=True)
class Wrapped:
    """A document's rows wrapped to a width: its screen lines, and the first line of each row."""

    document: Document
    width: int
    measure: int
    lines: list[VisualLine]
    row_start: list[int]


def wrap_document(doc: Document, width: int, measure: int = 0) -> Wrapped:
    """Wrap ``doc`` to ``width`` cells (the plain text only, so search and focus highlights never change it).
    ``measure``: the most cells a line of a document with a measure of its own takes (0: the document's).

    Pure, so a page can be wrapped ahead in a worker thread before it is shown.
    """
    lines: list[VisualLine] = []
    row_start: list[int] = []
    single = min(width, measure or doc.max_width) if doc.max_width else width
    column = max(1, (width - len(DIVIDER)) // 2)
    previous_tall = False
    for r, row in enumerate(doc.rows):
        left, right = row.left, row.right
        first = len(lines)
        if doc.split and right is not None:
            lr = _ranges(left.plain, column, row.indent)
            rr = _ranges(right.plain, column, 0)
            for i in range(max(len(lr), len(rr))):
                lines.append(VisualLine(r, lr[i] if i < len(lr) else None, rr[i] if i < len(rr) else None, i > 0))
        else:
            for i, span in enumerate(_ranges(left.plain, single, row.indent)):
                lines.append(VisualLine(r, span, None, i > 0))
        tall = len(lines) - first > 1
        if doc.spaced and r and (tall or previous_tall) and (left.plain or (right is not None and right.plain)):
            # A blank line between rows that wrap, so where one block ends and the next begins stays clear.
            lines.insert(first, VisualLine(r, None, None, False))
            first += 1
        previous_tall = tall
        row_start.append(first)
    return Wrapped(doc, width, measure, lines, row_start)


class DocumentView(ScrollView, can_focus=True):
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "document-view--match",
        "document-view--current-match",
        "document-view--divider",
        "document-view--focus",
    }
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "scroll_down", "Scroll down", show=False),
        Binding("k,up", "scroll_up", "Scroll up", show=False),
        Binding("space,pagedown", "page_down", "Page down", show=False),
        Binding("b,pageup", "page_up", "Page up", show=False),
        Binding("g,home", "scroll_home", "Top", show=False),
        Binding("G,end", "scroll_end", "Bottom", show=False),
    ]

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.document = Document([])
        self.lines: list[VisualLine] = []
        self.row_start: list[int] = []  # first visual line of each row
        self._laid_out_width = -1
        self.measure = 0  # the clean view's reading width (0: the document's own)
        self.on_scrolled: Callable[[], None] | None = None  # told when the top line changes
        self._texts: list[tuple[Text, Text | None]] = []  # rows with search highlights applied
        self._strips: dict[int, Strip] = {}
        self._base = BaseStyle(self)
        self._components = ComponentStyles(self, "document-view")
        self.search_text = ""
        self.matches: list[Match] = []
        self.match_index = -1
        self.focus_spans: list[Span] = []  # what is being inspected (a removal), emphasised

    # -- content ------------------------------------------------------------------------------------
    def set_document(self, document: Document, *, keep_scroll: bool = False, wrapped: Wrapped | None = None) -> None:
        """Show ``document``; ``wrapped``: the same document already wrapped (used if the width is still right)."""
        y = self.scroll_y
        self.document = document
        self.focus_spans = []
        self._find_matches()
        self._highlight()
        self._layout(wrapped)
        if keep_scroll:
            self.scroll_to(y=y, animate=False, immediate=True)
        else:
            self.scroll_to(y=0, animate=False, immediate=True)

    def on_resize(self, event: Resize) -> None:
        self._layout()

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        if self.on_scrolled is not None:
            self.on_scrolled()  # (it draws only when what it shows changed)

    @property
    def position(self) -> str:
        """How far down the page the screen's last line is, as ``less`` says it: ``42%`` (``all``: it fits)."""
        total, height = len(self.lines), max(1, self.scrollable_content_region.height)
        if total <= height:
            return "all"
        if self.scroll_y >= self.max_scroll_y:
            return "100%"
        return f"{min(99, (int(self.scroll_y) + height) * 100 // total)}%"

    def set_measure(self, measure: int) -> None:
        """Wrap documents that have a measure (the clean view) at ``measure`` cells at most; the place is kept."""
        if measure != self.measure:
            top = self.row_at(int(self.scroll_y))
            self.measure = measure
            self._layout()
            self.scroll_to(y=self.row_start[top] if top < len(self.row_start) else 0, animate=False, immediate=True)

    @property
    def text_width(self) -> int:
        return max(1, self.scrollable_content_region.width)

    def _layout(self, wrapped: Wrapped | None = None) -> None:
        width = self.text_width
        if (
            wrapped is None
            or wrapped.document is not self.document
            or wrapped.width != width
            or wrapped.measure != self.measure
        ):
            wrapped = wrap_document(self.document, width, self.measure)
        lines, row_start = wrapped.lines, wrapped.row_start
        self.lines, self.row_start = lines, row_start
        self._laid_out_width = width
        self._strips.clear()
        self._set_virtual_size(Size(width, len(lines)))
        self.refresh()

    def _set_virtual_size(self, size: Size) -> None:
        """The scrollable size, without laying the whole screen out again.

        ``virtual_size`` is a layout reactive: every page shown would place every widget again, and
        Textual then redraws every scrollbar (the list's too, ~40 lines a key). The view's own
        region never depends on it, so only its scrollbar is updated (as Textual does after a scroll);
        the scrollbar showing or hiding still lays out, by itself.
        """
        if size == self.virtual_size:
            return
        if not self.container_size:
            self.virtual_size = size  # not laid out yet: the first layout sizes everything anyway
            return
        self.set_reactive(DocumentView.virtual_size, size)
        self._scroll_update(size)

    # -- drawing ------------------------------------------------------------------------------------
    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._base.clear()
        self._components.clear()
        self._strips.clear()  # drawn with the old styles

    def render_line(self, y: int) -> Strip:
        index = y + int(self.scroll_y)
        width = self.size.width
        base = self._base.get()
        if index >= len(self.lines):
            return Strip.blank(width, base)
        strip = self._strips.get(index)
        if strip is None:
            strip = self._render_visual_line(self.lines[index], base)
            self._strips[index] = strip
        return strip.crop_extend(0, width, base)

    def _piece(self, text: Text, span: tuple[int, int] | None, indent: int) -> Text:
        if span is None:
            return Text()
        piece = text[span[0] : span[1]]
        piece.rstrip()
        if indent:
            piece = Text(" " * indent) + piece
        return piece

    def _render_visual_line(self, line: VisualLine, base: Style) -> Strip:
        left, right = self._texts[line.row]
        row: Row = self.document.rows[line.row]
        indent = row.indent if line.left_continues else 0
        # Pieces are appended (not concatenated) so each keeps its own base style.
        piece = Text()
        piece.append_text(self._piece(left, line.left, indent))
        if self.document.split and right is not None:
            column = max(1, (self._laid_out_width - len(DIVIDER)) // 2)
            piece.truncate(column, pad=True)
            piece.append(DIVIDER, style=self._components.get("divider"))
            piece.append_text(self._piece(right, line.right, 0))
        segments = list(piece.render(self.app.console))
        return Strip(Segment.apply_style(segments, base)).simplify()

    # -- search -------------------------------------------------------------------------------------
    def search(self, query: str) -> int:
        """Highlight every case-insensitive match of ``query``; returns how many. The view moves to the first."""
        self.search_text = query
        self._find_matches()
        top = self.row_at(int(self.scroll_y))
        self.match_index = next((i for i, m in enumerate(self.matches) if m.row >= top), 0) if self.matches else -1
        self._restyle()
        self._show_match()
        return len(self.matches)

    def clear_search(self) -> None:
        self.search_text = ""
        self.matches, self.match_index = [], -1
        self._restyle()

    def set_focus(self, spans: list[Span]) -> None:
        """Emphasise ``spans`` (a removal being inspected); styles only, so nothing is wrapped again."""
        self.focus_spans = spans
        self._restyle()

    def _restyle(self) -> None:
        self._highlight()
        self._strips.clear()
        self.refresh()

    def step_match(self, step: int) -> bool:
        """Go to the next (``step`` 1) or previous (-1) match; True when that went round the page's end."""
        if not self.matches:
            return False
        index = self.match_index + step
        self.match_index = index % len(self.matches)
        self._restyle()
        self._show_match()
        return index != self.match_index

    def _find_matches(self) -> None:
        self.matches = []
        if not self.search_text:
            self.match_index = -1
            return
        pattern = re.compile(re.escape(self.search_text), re.IGNORECASE)
        for r, row in enumerate(self.document.rows):
            for right, text in ((False, row.left), (True, row.right)):
                if text is None:
                    continue
                self.matches.extend(Match(r, right, m.start(), m.end()) for m in pattern.finditer(text.plain))
        if self.match_index >= len(self.matches):
            self.match_index = len(self.matches) - 1

    def _highlight(self) -> None:
        """Row texts with the inspected removal and the search matches styled on top (rows copied only if touched)."""
        texts: list[tuple[Text, Text | None]] = [(row.left, row.right) for row in self.document.rows]
        overlays: list[tuple[int, bool, int, int, Style]] = []
        if self.focus_spans:
            focus = self._components.get("focus")
            overlays += [(s.row, s.right, s.start, s.end, focus) for s in self.focus_spans]
        if self.matches:
            match = self._components.get("match")
            current = self._components.get("current-match")
            overlays += [
                (m.row, m.right, m.start, m.end, current if i == self.match_index else match)
                for i, m in enumerate(self.matches)
            ]
        copied: set[tuple[int, bool]] = set()
        for row, right_side, start, end, style in overlays:
            if row >= len(texts):
                continue
            left, right = texts[row]
            target = right if right_side else left
            if target is None:
                continue
            if (row, right_side) not in copied:
                target = target.copy()
                copied.add((row, right_side))
                texts[row] = (left, target) if right_side else (target, right)
            target.stylize(style, start, end)
        self._texts = texts

    def _show_match(self) -> None:
        if not 0 <= self.match_index < len(self.matches):
            return
        m = self.matches[self.match_index]
        line = self.row_start[m.row] if m.row < len(self.row_start) else 0
        for i in range(line, len(self.lines)):
            vl = self.lines[i]
            if vl.row != m.row:
                break
            span = vl.right if m.right else vl.left
            if span is not None and span[0] <= m.start < max(span[1], span[0] + 1):
                line = i
                break
        self.scroll_into_view(line)

    # -- positions ----------------------------------------------------------------------------------
    def row_at(self, line: int) -> int:
        if not self.lines:
            return 0
        return self.lines[min(max(line, 0), len(self.lines) - 1)].row

    def scroll_into_view(self, line: int, *, context: int = 2) -> None:
        """Scroll so ``line`` is on screen, with a little context above it; leave the view alone if it already is."""
        top, height = int(self.scroll_y), max(1, self.scrollable_content_region.height)
        if top + context <= line < top + height - context:
            return
        self.scroll_to(y=max(0, line - min(context, height // 3)), animate=False, immediate=True)

    def scroll_to_row(self, row: int) -> None:
        if 0 <= row < len(self.row_start):
            self.scroll_into_view(self.row_start[row])
