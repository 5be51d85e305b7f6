"""The reading pane: the selected page as clean text, as the original, or as a diff of the two.

Every view is built from the engine's annotations. Each paragraph or line is
one row, so a removal or a search match can be scrolled to even when lines
wrap; very long pages fall back to a single block for the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Static

from newsread.cleaners import Annotation, CleanedPage, inert

from ..difftext import REMOVED_STYLE, diff_lines

View = Literal["clean", "original", "diff"]
MAX_ROWS = 3000  # beyond this many rows the rest of a page is shown as one block


@dataclass(slots=True)
class Row:
    widget: Widget
    plain: str
    removal: Annotation | None = None


class ReadingPane(Vertical):
    """Shows one cleaned page in the current view."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.view: View = "clean"
        self.side_by_side = False
        self.cleaned: CleanedPage | None = None
        self.rows: list[Row] = []
        self.removal_rows: list[int] = []
        self.removal_cursor = -1
        self.matches: list[int] = []
        self.match_cursor = -1
        self.search_term = ""

    def compose(self) -> ComposeResult:
        yield Static("", id="page-heading")
        yield VerticalScroll(id="page-body")
        yield Static("", id="page-status")

    @property
    def body(self) -> VerticalScroll:
        return self.query_one("#page-body", VerticalScroll)

    # -- what is shown --------------------------------------------------------------------------
    def show(self, cleaned: CleanedPage | None, *, keep_scroll: bool = False) -> None:
        self.cleaned = cleaned
        self._rebuild(keep_scroll=keep_scroll)

    def set_view(self, view: View) -> None:
        if view == "diff" and self.view == "diff":
            self.side_by_side = not self.side_by_side  # pressing diff again switches inline / side by side
        self.view = view
        self._rebuild()

    def _rebuild(self, *, keep_scroll: bool = False) -> None:
        y = self.body.scroll_y
        self.body.remove_children()
        self.rows = []
        self.removal_rows = []
        self.removal_cursor = -1
        cleaned = self.cleaned
        heading = self.query_one("#page-heading", Static)
        status = self.query_one("#page-status", Static)
        if cleaned is None:
            heading.update(Text("cleaning…", style="dim"))
            status.update("")
            return
        heading.update(self._heading(cleaned))
        if cleaned.page.error:
            self._add(Static(Text(f"This page could not be read: {inert(cleaned.page.error)}", style="bold red")), "")
        elif self.view == "clean":
            self._clean_rows(cleaned)
        elif self.view == "original":
            self._original_rows(cleaned)
        elif self.side_by_side:
            self._side_by_side_rows(cleaned)
        else:
            self._inline_diff_rows(cleaned)
        self.body.mount_all([r.widget for r in self.rows])
        self.removal_rows = [i for i, r in enumerate(self.rows) if r.removal is not None]
        status.update(self._status_line())
        if self.search_term:
            self.search(self.search_term, jump=False)
        if keep_scroll:
            self.body.scroll_to(y=y, animate=False)
        else:
            self.body.scroll_home(animate=False)

    def _heading(self, cleaned: CleanedPage) -> Text:
        meta = cleaned.metadata
        text = Text(inert(meta.get("title") or cleaned.page.id), style="bold")
        facts = [inert(meta[k]) for k in ("site", "date", "byline") if meta.get(k)]
        view = {"clean": "clean", "original": "original", "diff": "diff"}[self.view]
        if self.view == "diff":
            view += " · side by side" if self.side_by_side else " · inline"
        text.append("\n")
        text.append(" · ".join([*facts, f"{cleaned.words_kept} words kept, {cleaned.words_removed} cut", view]), "dim")
        return text

    def _status_line(self) -> Text:
        cleaned = self.cleaned
        if cleaned is None:
            return Text("")
        notes = [*cleaned.notes, *(f"cleaner {e.cleaner} failed: {e.message}" for e in cleaned.errors)]
        if notes:
            return Text(inert(" · ".join(notes)), style="yellow")
        if self.view == "diff":
            return Text(f"{len(self.removal_rows)} removals · ] next · [ previous · w why", style="dim")
        return Text("")

    def _add(self, widget: Widget, plain: str, removal: Annotation | None = None) -> None:
        self.rows.append(Row(widget, plain, removal))

    def _overflow(self, texts: list[str]) -> None:
        rest = "\n".join(texts)
        self._add(Static(Text(inert(rest)), classes="row"), rest)

    def _clean_rows(self, cleaned: CleanedPage) -> None:
        paragraphs = cleaned.paragraphs
        for para in paragraphs[:MAX_ROWS]:
            self._add(Static(Text(inert(para)), classes="row paragraph"), para)
        if len(paragraphs) > MAX_ROWS:
            self._overflow(paragraphs[MAX_ROWS:])
        if not paragraphs:
            self._add(Static(Text("Every line of this page was removed: see the diff (d).", style="italic")), "")

    def _original_rows(self, cleaned: CleanedPage) -> None:
        lines = cleaned.page.text.splitlines()
        for line in lines[:MAX_ROWS]:
            self._add(Static(Text(inert(line) or " "), classes="row original"), line)
        if len(lines) > MAX_ROWS:
            self._overflow(lines[MAX_ROWS:])

    def _block_removal(self, cleaned: CleanedPage, start: int, end: int) -> Annotation | None:
        for seg in cleaned.segments(start, end):
            if seg.annotation is not None and cleaned.page.text[seg.start : seg.end].strip():
                return seg.annotation
        return None

    def _inline_diff_rows(self, cleaned: CleanedPage) -> None:
        lines = diff_lines(cleaned, styled=True)
        blocks = cleaned.page.blocks
        for block, line in zip(blocks[:MAX_ROWS], lines, strict=False):
            removal = self._block_removal(cleaned, block.start, block.end)
            classes = "row diff-removed" if removal else "row"
            self._add(Static(line, classes=classes), block.text, removal)
        if len(blocks) > MAX_ROWS:
            self._overflow([line.plain for line in lines[MAX_ROWS:]])

    def _side_by_side_rows(self, cleaned: CleanedPage) -> None:
        text = cleaned.page.text
        for block in cleaned.page.blocks[:MAX_ROWS]:
            left = Text()
            right = Text()
            removal = None
            for seg in cleaned.segments(block.start, block.end):
                piece = inert(text[seg.start : seg.end])
                if seg.annotation is None:
                    left.append(piece)
                    right.append(piece)
                else:
                    left.append(piece, style=REMOVED_STYLE)
                    removal = removal or seg.annotation
            if removal is not None:
                right.append(f"  ‹{removal.cleaner}: {inert(removal.reason)}›", style="italic dim")
            row = Horizontal(
                Static(left, classes="side original-side"),
                Static(right, classes="side clean-side"),
                classes="row side-row" + (" diff-removed" if removal else ""),
            )
            self._add(row, block.text, removal)
        if len(cleaned.page.blocks) > MAX_ROWS:
            self._overflow([b.text for b in cleaned.page.blocks[MAX_ROWS:]])

    # -- moving around --------------------------------------------------------------------------
    def page_down(self) -> None:
        self.body.scroll_page_down()

    def page_up(self) -> None:
        self.body.scroll_page_up()

    def _go_to(self, index: int) -> None:
        for row in self.rows:
            row.widget.remove_class("current")
        widget = self.rows[index].widget
        widget.add_class("current")
        self.body.scroll_to_widget(widget, animate=False, top=True)

    def next_removal(self, step: int = 1) -> Annotation | None:
        """Move to the next (step 1) or previous (step -1) removal of the diff; returns it."""
        if self.view != "diff":
            self.set_view("diff")
        if not self.removal_rows:
            return None
        self.removal_cursor = (self.removal_cursor + step) % len(self.removal_rows)
        row = self.rows[self.removal_rows[self.removal_cursor]]
        self._go_to(self.removal_rows[self.removal_cursor])
        removal = row.removal
        assert removal is not None
        position = f"removal {self.removal_cursor + 1} of {len(self.removal_rows)}"
        self.query_one("#page-status", Static).update(
            Text.assemble((f"‹{removal.cleaner}› ", "bold"), inert(removal.reason), (f"  ({position})", "dim"))
        )
        return removal

    @property
    def current_removal(self) -> Annotation | None:
        if 0 <= self.removal_cursor < len(self.removal_rows):
            return self.rows[self.removal_rows[self.removal_cursor]].removal
        return None

    def search(self, term: str, *, jump: bool = True) -> int:
        """Mark rows containing ``term`` (any case); jump to the first. Returns how many rows match."""
        self.search_term = term
        for row in self.rows:
            row.widget.remove_class("match")
        needle = term.casefold()
        self.matches = [i for i, r in enumerate(self.rows) if needle and needle in r.plain.casefold()]
        for i in self.matches:
            self.rows[i].widget.add_class("match")
        self.match_cursor = -1
        if jump and self.matches:
            self.next_match(1)
        return len(self.matches)

    def next_match(self, step: int = 1) -> int:
        if not self.matches:
            return 0
        self.match_cursor = (self.match_cursor + step) % len(self.matches)
        self._go_to(self.matches[self.match_cursor])
        self.query_one("#page-status", Static).update(
            Text(f"“{inert(self.search_term)}”: match {self.match_cursor + 1} of {len(self.matches)}", style="dim")
        )
        return len(self.matches)
