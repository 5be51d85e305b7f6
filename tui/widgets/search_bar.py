"""The search bar: `/` opens it under the reader; typing highlights matches in the page as you go."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Input, Label


class SearchBar(Horizontal):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Stop searching", show=False)]

    class Changed(Message):
        def __init__(self, query: str, done: bool) -> None:
            super().__init__()
            self.query = query
            self.done = done  # Enter: keep the matches and go back to reading

    class Cancelled(Message):
        pass

    def compose(self) -> ComposeResult:
        yield Label("/", id="search-prompt")
        yield Input(placeholder="search this page (Enter: keep, Esc: cancel)", id="search-input")

    @property
    def input(self) -> Input:
        return self.query_one(Input)

    def open(self, query: str = "") -> None:
        self.display = True
        self.input.value = query
        self.screen.set_focus(self.input)  # now, not after the keys already queued (see bindings.PROMPT_KEYS)

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.post_message(self.Changed(event.value, done=False))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.Changed(event.value, done=True))

    def action_cancel(self) -> None:
        self.post_message(self.Cancelled())
