"""The help screen: every key binding of the reader."""

from __future__ import annotations

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

KEYS = (
    ("Pages", ""),
    ("j / k, ↓ / ↑", "next / previous page"),
    ("g / G", "first / last page"),
    ("u", "next page not yet opened"),
    ("Reading", ""),
    ("c, 1", "clean view"),
    ("o, 2", "original as loaded"),
    ("d, 3", "diff (press again: inline ⇄ side by side)"),
    ("space / b", "page down / up in the reading pane"),
    ("Enter / Tab", "focus the reading pane / switch focus"),
    ("] / [", "next / previous removal in the diff"),
    ("w", "why was this removed? (the current removal)"),
    ("/", "search in the page"),
    ("n / p", "next / previous match"),
    ("Cleaners", ""),
    ("f", "show or hide the cleaners panel"),
    ("space, t (in panel)", "switch the highlighted cleaner on or off"),
    ("App", ""),
    ("?", "this help"),
    ("ctrl+p", "command palette: every action"),
    ("q", "quit"),
)


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        table = Table(box=None, show_header=False, pad_edge=False)
        table.add_column(style="bold cyan", no_wrap=True)
        table.add_column()
        for key, what in KEYS:
            if what:
                table.add_row(key, what)
            else:
                table.add_row(f"[bold]{key}[/]", "")
        with VerticalScroll(id="help"):
            yield Static("newsread — keys", id="help-title")
            yield Static(table)
            yield Static("Esc, q or ? closes this screen.", id="help-footer")

    def action_dismiss(self) -> None:  # type: ignore[override]
        self.dismiss(None)
