""" "Why was this removed?": a removal's cleaner, reason, what the cleaner does, and the text it took."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.markup import escape
from textual.screen import ModalScreen
from textual.widgets import Static

from newsread.cleaners import CleanedPage, inert
from newsread.cleaners.model import count_words

from ..documents import RemovalGroup

MAX_SHOWN = 4000  # characters of removed text shown; the diff has the rest


class RemovalDetails(ModalScreen[bool]):
    """Dismissed with True when the reader asks to switch the cleaner off (or on) from here."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,w,enter", "close", "Close", show=False),
        Binding("t", "toggle_cleaner", "Switch this cleaner off or on", show=False),
        Binding("j,down", "scroll_body(1)", "Scroll down", show=False),
        Binding("k,up", "scroll_body(-1)", "Scroll up", show=False),
    ]

    def __init__(
        self, cleaned: CleanedPage, group: RemovalGroup, description: str, enabled: bool, position: str
    ) -> None:
        super().__init__()
        self.cleaned = cleaned
        self.group = group
        self.description = description
        self.enabled = enabled
        self.position = position

    def details(self) -> Table:
        page = self.cleaned.page
        removals = [self.cleaned.removals[k] for k in self.group.removals]
        text = page.text
        words = sum(count_words(text[r.start : r.end]) for r in removals)
        first_line = text.count("\n", 0, removals[0].start) + 1
        last_line = text.count("\n", 0, removals[-1].end) + 1
        where = f"line {first_line}" if first_line == last_line else f"lines {first_line}–{last_line}"
        table = Table(box=None, show_header=False, pad_edge=False, expand=True)
        table.add_column("what", style="bold", no_wrap=True)
        table.add_column("value", ratio=1)
        table.add_row("Removed by", Text(inert(self.group.cleaner)))
        table.add_row("Because", Text(inert(self.group.reason)))
        table.add_row("The cleaner", Text(inert(self.description or "(no description)"), style="italic"))
        parts = f"{len(removals)} spans, " if len(removals) > 1 else ""
        counted = f"{words} word{'s' if words != 1 else ''}"
        table.add_row("Where", f"{where} of the original · {parts}{counted} · {self.position}")
        for r in removals:
            if r.field and r.value:
                table.add_row("Supplies", Text(f"{r.field}: {inert(r.value)}"))
        return table

    def removed_text(self) -> Text:
        text = self.cleaned.page.text
        out = Text()
        for r in (self.cleaned.removals[k] for k in self.group.removals):
            piece = inert(text[r.start : r.end].strip())
            if out:
                out.append("\n")
            out.append(piece)
            if len(out) > MAX_SHOWN:
                out.truncate(MAX_SHOWN)
                out.append(" …")
                break
        out.expand_tabs(4)
        return out

    def compose(self) -> ComposeResult:
        state = "off" if self.enabled else "on"
        with VerticalScroll(id="removal-body") as body:
            body.border_title = "Why was this removed?"
            body.border_subtitle = escape(f"t: switch {inert(self.group.cleaner)} {state} · Esc: close")
            yield Static(self.details(), id="removal-facts")
            yield Static(self.removed_text(), id="removal-text")

    def on_mount(self) -> None:
        self.query_one("#removal-body").focus()

    def action_close(self) -> None:
        self.dismiss(False)

    def action_toggle_cleaner(self) -> None:
        self.dismiss(True)

    def action_scroll_body(self, step: int) -> None:
        body = self.query_one("#removal-body", VerticalScroll)
        body.scroll_relative(y=step, animate=False)
