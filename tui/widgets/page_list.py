"""The list of pages: one row each, filled in as the background worker cleans them.

A DataTable renders only the rows on screen, so a folder of thousands of pages
opens at once; rows start with the file name and gain title, site and counts.
"""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.coordinate import Coordinate
from textual.widgets import DataTable

from newsread.cleaners import inert

from ..folder import Folder, PageSummary

# (key, label, width): the title gets the room; the rest scrolls into view if the list is narrow.
COLUMNS = (
    ("status", " ", 1),
    ("title", "page", 34),
    ("words", "kept/cut", 9),
    ("site", "site", 14),
    ("date", "date", 10),
)


class PageList(DataTable[Text | str]):
    """Pages of the folder; the highlighted row is the page in the reading pane."""

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
        Binding("g", "scroll_top", "Top", show=False),
        Binding("G", "scroll_bottom", "Bottom", show=False),
    ]

    def __init__(self, folder: Folder, **kwargs: object) -> None:
        super().__init__(cursor_type="row", zebra_stripes=False, **kwargs)  # type: ignore[arg-type]
        self.folder = folder

    def on_mount(self) -> None:
        for key, label, width in COLUMNS:
            self.add_column(label, key=key, width=width)
        self.add_rows((Text("·", style="dim"), inert(s.id), "", "", "") for s in self.folder.sources)

    def show_summary(self, index: int, summary: PageSummary) -> None:
        key = self.coordinate_to_cell_key(Coordinate(index, 0)).row_key
        if summary.error:
            status = Text("✗", style="bold red")
        elif summary.cleaner_errors:
            status = Text("!", style="bold yellow")
        else:
            status = Text("✓", style="green")
        title = inert(summary.title or self.folder.sources[index].id)
        self.update_cell(key, "status", status)
        self.update_cell(key, "title", title)
        self.update_cell(key, "site", inert(summary.site))
        self.update_cell(key, "date", inert(summary.date)[:10])
        words = Text("error", style="red") if summary.error else f"{summary.words_kept}/{summary.words_removed}"
        self.update_cell(key, "words", words)

    def action_scroll_top(self) -> None:
        self.move_cursor(row=0)

    def action_scroll_bottom(self) -> None:
        self.move_cursor(row=max(0, self.row_count - 1))
