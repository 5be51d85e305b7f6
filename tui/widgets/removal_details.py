""" "Why was this removed?": a removal's cleaner, reason, what the cleaner does, and the text it took."""

from __future__ import annotations

from collections.abc import Callable
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

Stepper = Callable[[int], tuple[RemovalGroup, str, bool, str] | None]
DETAILS_SHOWN = 3  # a group's different reasons shown (the diff labels every removal)
MAX_SHOWN = 4000  # characters of removed text shown; the diff has the rest


class RemovalDetails(ModalScreen[bool]):
    """Dismissed with True when the reader asks to switch the cleaner off (or on) from here."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,w,enter", "close", "Close", show=False),
        Binding("t", "toggle_cleaner", "Switch this cleaner off or on (the page is cleaned again)", show=False),
        Binding("j,down", "scroll_body(1)", "Scroll down", show=False),
        Binding("k,up", "scroll_body(-1)", "Scroll up", show=False),
        Binding("right_square_bracket", "step(1)", "The next removal, and why", show=False),
        Binding("left_square_bracket", "step(-1)", "The previous removal, and why", show=False),
    ]

    def __init__(
        self,
        cleaned: CleanedPage,
        group: RemovalGroup,
        description: str,
        enabled: bool,
        position: str,
        step: Stepper | None = None,
    ) -> None:
        """``step(1)`` / ``step(-1)`` moves the diff to the next / previous removal and returns it as
        (group, description, enabled, position), or None when there is none that way."""
        super().__init__()
        self.cleaned = cleaned
        self.group = group
        self.description = description
        self.enabled = enabled
        self.position = position
        self._step = step

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
        kind = self.group.reason
        details = list(dict.fromkeys(r.reason.removeprefix(kind).strip() or r.reason for r in removals))
        if len(details) > 1:  # one kind of reason, its details line by line (the diff labels each)
            shown = "\n".join(inert(d) for d in details[:DETAILS_SHOWN])
            more = len(details) - DETAILS_SHOWN
            table.add_row(
                "In detail", Text(shown + (f"\n… {more} more, each labelled in the diff" if more > 0 else ""))
            )
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

    def _subtitle(self) -> str:
        state = "off" if self.enabled else "on"
        steps = "[ ]: previous/next · " if self._step is not None else ""
        return escape(f"{steps}t: switch {inert(self.group.cleaner)} {state} · Esc: close")

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="removal-body") as body:
            body.border_title = "Why was this removed?"
            body.border_subtitle = self._subtitle()
            yield Static(self.details(), id="removal-facts")
            yield Static(self.removed_text(), id="removal-text")

    def action_step(self, step: int) -> None:
        """Walk the removals without closing: the diff behind follows."""
        if self._step is None:
            return
        found = self._step(step)
        if found is None or found[0] == self.group:
            self.app.bell()
            return
        self.group, self.description, self.enabled, self.position = found
        body = self.query_one("#removal-body", VerticalScroll)
        body.border_subtitle = self._subtitle()
        self.query_one("#removal-facts", Static).update(self.details())
        self.query_one("#removal-text", Static).update(self.removed_text())
        body.scroll_home(animate=False)

    def on_mount(self) -> None:
        self.query_one("#removal-body").focus()

    def action_close(self) -> None:
        self.dismiss(False)

    def action_toggle_cleaner(self) -> None:
        self.dismiss(True)

    def action_scroll_body(self, step: int) -> None:
        body = self.query_one("#removal-body", VerticalScroll)
        body.scroll_relative(y=step, animate=False)
