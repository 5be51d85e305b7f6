"""The list of pages: one line each (status, title or file name, date, site, words kept and removed).

Line API, so a folder of many thousands of pages costs only the lines on
screen; rows are read from the library's summaries, which a worker fills in
as it cleans.
"""

from __future__ import annotations

from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.events import Click
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ..library import Library, PageSummary

STATS_WIDTH = 11  # " 1234 −5678"
DATE_WIDTH = 10


class PageList(ScrollView, can_focus=True):
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "page-list--cursor",
        "page-list--cursor-blurred",
        "page-list--pending",
        "page-list--error",
        "page-list--meta",
        "page-list--removed",
        "page-list--empty",
    }
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "cursor_down", "Next page in the list", show=False),
        Binding("k,up", "cursor_up", "Previous page in the list", show=False),
        Binding("g,home", "first", "First page", show=False),
        Binding("G,end", "last", "Last page", show=False),
        Binding("pagedown", "page_down", "Page of the list down", show=False),
        Binding("pageup", "page_up", "Page of the list up", show=False),
        Binding("enter", "open", "Read the page", show=False),
    ]

    cursor: reactive[int] = reactive(0, always_update=False, init=False)

    class Highlighted(Message):
        """The cursor moved to page ``index``."""

        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    class Opened(Message):
        """The reader asked to read page ``index`` (Enter)."""

        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def __init__(self, library: Library, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.library = library
        self._count = -1

    # -- state --------------------------------------------------------------------------------------
    def sync(self) -> None:
        """Pick up what the workers found and cleaned since the last call."""
        count = len(self.library)
        if count != self._count:
            self._count = count
            self.virtual_size = Size(self.size.width, max(count, 1))
            if count and self.cursor >= count:
                self.cursor = count - 1
        self.refresh()

    def watch_cursor(self, old: int, new: int) -> None:
        self._scroll_to_cursor()
        self.refresh()
        self.post_message(self.Highlighted(new))

    def _scroll_to_cursor(self) -> None:
        top, height = int(self.scroll_y), max(1, self.scrollable_content_region.height)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, immediate=True)

    def move_to(self, index: int) -> None:
        count = len(self.library)
        if count:
            self.cursor = min(max(index, 0), count - 1)

    # -- actions ------------------------------------------------------------------------------------
    def action_cursor_down(self) -> None:
        self.move_to(self.cursor + 1)

    def action_cursor_up(self) -> None:
        self.move_to(self.cursor - 1)

    def action_first(self) -> None:
        self.move_to(0)

    def action_last(self) -> None:
        self.move_to(len(self.library) - 1)

    def action_page_down(self) -> None:
        self.move_to(self.cursor + max(1, self.scrollable_content_region.height - 1))

    def action_page_up(self) -> None:
        self.move_to(self.cursor - max(1, self.scrollable_content_region.height - 1))

    def action_open(self) -> None:
        if len(self.library):
            self.post_message(self.Opened(self.cursor))

    def on_click(self, event: Click) -> None:
        index = int(self.scroll_y) + event.y
        if 0 <= index < len(self.library):
            self.cursor = index

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    # -- drawing ------------------------------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        index = y + int(self.scroll_y)
        width = self.size.width
        base = self.rich_style
        summaries = self.library.summaries
        if not summaries:
            if y == 0:
                message = "No pages here." if self.library.discovered else "Finding pages…"
                text = Text(f" {message}", style=self.get_component_rich_style("page-list--empty", partial=True))
                return self._strip(text, width, base)
            return Strip.blank(width, base)
        if index >= len(summaries):
            return Strip.blank(width, base)
        text = self.row_text(summaries[index], width, cursor=index == self.cursor)
        if index == self.cursor:
            name = "page-list--cursor" if self.has_focus else "page-list--cursor-blurred"
            text.stylize(self.get_component_rich_style(name, partial=True))
        return self._strip(text, width, base)

    def _strip(self, text: Text, width: int, base: Style) -> Strip:
        segments = list(text.render(self.app.console))
        return Strip(Segment.apply_style(segments, base)).crop_extend(0, width, base)

    def row_text(self, summary: PageSummary, width: int, *, cursor: bool = False) -> Text:
        """One page as a line of ``width`` cells: the title takes what the other columns leave."""
        meta = self.get_component_rich_style("page-list--meta", partial=True)
        if summary.error:
            badge, badge_style = "!", self.get_component_rich_style("page-list--error", partial=True)
        elif not summary.cleaned:
            badge, badge_style = "·", self.get_component_rich_style("page-list--pending", partial=True)
        elif summary.cleaner_errors:
            badge, badge_style = "?", self.get_component_rich_style("page-list--error", partial=True)
        else:
            badge, badge_style = " ", Style()
        right = Text()
        if width >= 48 and summary.date:
            right.append(" " + summary.date[:DATE_WIDTH].ljust(DATE_WIDTH), style=meta)
        if width >= 72 and summary.site:
            right.append(" ")
            right.append_text(_cells(summary.site, 16, meta))
        if width >= 26:
            if summary.error:
                right.append(" unreadable".rjust(STATS_WIDTH), style=badge_style)
            elif summary.cleaned:
                right.append(f" {summary.words_kept:>4}")
                removed = f" −{summary.words_removed}" if summary.words_removed else ""
                right.append(removed.ljust(6), style=self.get_component_rich_style("page-list--removed", partial=True))
            else:
                right.append(" " * STATS_WIDTH)
        title_width = max(1, width - 3 - right.cell_len)
        # The cursor has a glyph as well as its colours, for NO_COLOR and screen readers of captures.
        row = Text("›" if cursor else " ")
        row.append(badge, style=badge_style)
        row.append(" ")
        row.append_text(_cells(summary.label, title_width))
        row.append_text(right)
        return row


def _cells(value: str, width: int, style: Style | str = "") -> Text:
    """``value`` cut (with an ellipsis) or padded to exactly ``width`` terminal cells."""
    text = Text(value, style=style, no_wrap=True)
    text.truncate(width, overflow="ellipsis", pad=True)
    return text
