"""A one-line prompt under the reader, for the filter (`F`), tags (`t`) and export (`E`).

It says what it is for (``purpose``) in every message, so one widget serves each use; the
filter listens to every change, the others only to Enter.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Input, Label


class PromptBar(Horizontal):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Close: tags and export do nothing, the filter is cleared", show=False)
    ]

    class Changed(Message):
        def __init__(self, purpose: str, value: str, done: bool) -> None:
            super().__init__()
            self.purpose = purpose
            self.value = value
            self.done = done  # Enter

    class Cancelled(Message):
        def __init__(self, purpose: str) -> None:
            super().__init__()
            self.purpose = purpose

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.purpose = ""

    def compose(self) -> ComposeResult:
        yield Label("", id="prompt-label")
        yield Input(id="prompt-input")

    @property
    def input(self) -> Input:
        return self.query_one(Input)

    def ask(self, purpose: str, label: str, value: str = "", placeholder: str | Sequence[str] = "") -> None:
        """Ask for ``purpose``; ``placeholder``: the hint, or hints longest first (the longest that fits is shown,
        so an 80-column prompt says less rather than cutting words)."""
        self.purpose = purpose
        self.query_one("#prompt-label", Label).update(label)
        self.display = True
        hints = [placeholder] if isinstance(placeholder, str) else list(placeholder)
        room = (self.app.size.width or 80) - len(label) - 4  # the label's and the input's padding, the cursor
        self.input.placeholder = next((h for h in hints if len(h) <= room), hints[-1] if hints else "")
        self.input.value = value
        self.input.cursor_position = len(value)
        self.screen.set_focus(self.input)  # now, not after the keys already queued (see bindings.PROMPT_KEYS)

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        if self.display and self.purpose:
            self.post_message(self.Changed(self.purpose, event.value, done=False))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.Changed(self.purpose, event.value, done=True))

    def action_cancel(self) -> None:
        self.post_message(self.Cancelled(self.purpose))
