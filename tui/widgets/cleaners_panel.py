"""The cleaners panel: every cleaner, on or off, and how much it removed on this page and in the folder."""

from __future__ import annotations

from collections import Counter

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable

from newsread.cleaners import CleanedPage, Pipeline


class CleanersPanel(DataTable[Text | str]):
    """Space or Enter switches the highlighted cleaner; the page is cleaned again at once."""

    BINDINGS = [
        Binding("space,enter,t", "toggle_cleaner", "Toggle cleaner"),
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]

    class Toggled(Message):
        def __init__(self, name: str) -> None:
            super().__init__()
            self.name = name

    def __init__(self, **kwargs: object) -> None:
        super().__init__(cursor_type="row", **kwargs)  # type: ignore[arg-type]
        self.names: list[str] = []

    def on_mount(self) -> None:
        for key, label in (
            ("on", "on"),
            ("name", "cleaner"),
            ("page", "page"),
            ("folder", "folder"),
            ("about", "removes"),
        ):
            self.add_column(label, key=key)

    def refresh_from(self, pipeline: Pipeline, cleaned: CleanedPage | None, folder: Counter[str]) -> None:
        row = self.cursor_row
        self.clear()
        page = cleaned.removed_by() if cleaned is not None else {}
        self.names = []
        for stage in pipeline.stages:
            self.names.append(stage.name)
            on = Text("●", style="green") if stage.enabled else Text("○", style="dim")
            self.add_row(
                on,
                stage.name,
                str(page.get(stage.name, 0)),
                str(folder.get(stage.name, 0)),
                stage.info.description,
                key=stage.name,
            )
        if self.row_count:
            self.move_cursor(row=min(row, self.row_count - 1))

    def action_toggle_cleaner(self) -> None:
        if 0 <= self.cursor_row < len(self.names):
            self.post_message(self.Toggled(self.names[self.cursor_row]))
