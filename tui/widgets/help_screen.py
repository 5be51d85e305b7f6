"""The help screen: every key binding of the reader, grouped by where it works. Built from the bindings themselves."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import ClassVar

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

# How key names read to a person.
KEY_NAMES = {
    "question_mark": "?",
    "slash": "/",
    "left_square_bracket": "[",
    "right_square_bracket": "]",
    "colon": ":",
    "space": "space",
    "escape": "Esc",
    "enter": "Enter",
    "pagedown": "PgDn",
    "pageup": "PgUp",
    "home": "Home",
    "end": "End",
    "up": "↑",
    "down": "↓",
    "tab": "Tab",
    "ctrl+p": "Ctrl+P",
    "ctrl+q": "Ctrl+Q",
    "ctrl+r": "Ctrl+R",
    "plus": "+",
    "asterisk": "*",
    "minus": "-",
    "equals_sign": "=",
    "less_than_sign": "<",
    "greater_than_sign": ">",
    "left_curly_bracket": "{",
    "right_curly_bracket": "}",
    "full_stop": ".",
    "comma": ",",
}


def key_label(keys: str) -> str:
    return ", ".join(KEY_NAMES.get(k.strip(), k.strip()) for k in keys.split(","))


def described(bindings: Iterable[BindingType]) -> list[tuple[str, str]]:
    """(keys, description) for each binding that has a description."""
    rows = []
    for b in bindings:
        if isinstance(b, Binding) and b.description:
            rows.append((key_label(b.key), b.description))
    return rows


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss", "Close this help", show=False),
        Binding("j", "scroll_body(1)", "Scroll down", show=False),
        Binding("k", "scroll_body(-1)", "Scroll up", show=False),
    ]

    def __init__(self, sections: Sequence[tuple[str, Sequence[tuple[str, str]]]]) -> None:
        super().__init__()
        self.sections = sections

    def compose(self) -> ComposeResult:
        width = max((len(keys) for _, rows in self.sections for keys, _ in rows), default=8)
        parts: list[Table | Text] = []
        for title, rows in self.sections:
            parts.append(Text(title, style="bold underline"))
            table = Table(box=None, show_header=False, pad_edge=False, expand=True)
            table.add_column("keys", style="bold", no_wrap=True, width=min(width, 16))
            table.add_column("does", ratio=1)
            for keys, does in rows:
                table.add_row(keys, does)
            parts.append(table)
            parts.append(Text())
        with VerticalScroll(id="help-body") as body:
            body.border_title = "newsread keys"
            body.border_subtitle = "j/k scroll · Esc, q or ? close"
            yield Static(Group(*parts), id="help-table")

    def on_mount(self) -> None:
        self.query_one("#help-body").focus()

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)

    def action_scroll_body(self, step: int) -> None:
        self.query_one("#help-body", VerticalScroll).scroll_relative(y=step, animate=False)
