"""The list of pages: one line each (status, triage, title or file name, tags, story badge, date, site, words kept
and removed).

Line API, so a folder of many thousands of pages costs only the lines on
screen; rows are read from the library's summaries, which a worker fills in
as it cleans, and from the triage states the app keeps. A filter, a sort or
folded stories is a list of page indices (``rows``): the list shows those, in
that order, and nothing else is computed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from math import ceil
from typing import ClassVar, Protocol

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.events import Click
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollBar
from textual.strip import Strip

from ..library import PageSummary
from ..triage import PageState
from ..wrap import middle_cut
from .base_style import BaseStyle, ComponentStyles
from .titles import set_border_subtitle

STATS_WIDTH = 11  # " 1234 −5678" (a longer number widens its row's column: never cut)
DATE_WIDTH = 10
SITE_WIDTH = 16
PREFIX = 5  # cursor, mark, load status, decision, a space
MIN_TITLE = 16  # the title keeps this many cells at least
# The optional columns, left to right. They get room in this order (the last is dropped first): the words,
# then the story badge, the date, the site -- except that the column the list is sorted by comes first.
COLUMNS = ("story", "date", "site", "words")
COLUMN_PRIORITY = ("words", "story", "date", "site")
COLUMN_WIDTHS = {"words": STATS_WIDTH, "story": 4, "date": DATE_WIDTH + 1, "site": SITE_WIDTH + 1}
# The title's room a column leaves, at least: the date and the site only show beside a title of 26 cells
# (unless the list is sorted by them), the words and story badge beside one of MIN_TITLE.
TITLE_ROOM = {"words": MIN_TITLE, "story": MIN_TITLE, "date": 26, "site": 26}
# The column each sort order (settings.SORTS) is about.
SORT_COLUMN = {"date": "date", "site": "site", "kept": "words", "removed": "words"}
TAGS_SHARE = 3  # tags take at most a third of the title's room
ROWS_KEPT = 1_000  # rows drawn that are kept for redrawing (a few screens' worth, whatever the folder's size)

# Triage glyphs: the cue without colour (NO_COLOR, 16 colours); the status bar counts use the same ones.
UNREAD = "•"
MARKED = "◆"
DECISION_GLYPHS = {"kept": "✓", "starred": "★", "discarded": "✗"}


class ListedPages(Protocol):
    """What the list reads of the folder (the reader's Library is one): page summaries and story sizes."""

    @property
    def summaries(self) -> Sequence[PageSummary]: ...
    @property
    def discovered(self) -> bool: ...
    @property
    def has_stories(self) -> bool: ...
    def cluster_size(self, index: int) -> int: ...
    def __len__(self) -> int: ...


RowKey = tuple[PageSummary, PageState | None, bool, bool, bool, int, str, bool, int, Style]


class PageList(ScrollView, can_focus=True):
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "page-list--cursor",
        "page-list--cursor-blurred",
        "page-list--pending",
        "page-list--error",
        "page-list--meta",
        "page-list--removed",
        "page-list--empty",
        "page-list--unread",
        "page-list--marked",
        "page-list--kept",
        "page-list--starred",
        "page-list--discarded",
        "page-list--tags",
        "page-list--story",
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

    # No repaint of its own: watch_cursor redraws the two rows that changed (or the list, when it scrolled).
    cursor: reactive[int] = reactive(0, always_update=False, init=False, repaint=False)

    class Highlighted(Message):
        """The cursor moved to page ``index`` (a page index, whatever the filter)."""

        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    class Opened(Message):
        """The reader asked to read page ``index`` (Enter)."""

        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def __init__(self, library: ListedPages, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.library = library
        self._count = -1
        # Page indices shown, in order (a filter, a sort, folded stories), or None: every page in folder order.
        self.rows: list[int] | None = None
        self.states: Mapping[int, PageState] = {}  # triage per page index (the app's, shared)
        self.marked: set[int] = set()  # the marked selection (the app's, shared)
        self.sort_key = "name"  # one of settings.SORTS: which optional column comes first (the app sorts the rows)
        self._base = BaseStyle(self)
        self._components = ComponentStyles(self, "page-list")
        # Rows drawn, by page: scrolling the list by a row (j at the bottom) draws one new row, not all of them.
        self._rows_drawn: dict[int, tuple[RowKey, Strip]] = {}
        # Told at once, within the key's own handler, where a key or click moved the cursor (else Highlighted is
        # posted): the list's move and the page it opens are then drawn in one frame. A posted message arrived
        # after the next frame had drawn the list alone, and the page waited for the frame after (one a key).
        self.on_highlight: Callable[[int], None] | None = None
        self._moving = False

    # -- state --------------------------------------------------------------------------------------
    @property
    def count(self) -> int:
        """Rows in the list (pages matching the filter)."""
        return len(self.library) if self.rows is None else len(self.rows)

    @property
    def order(self) -> Sequence[int]:
        """The page indices in list order."""
        return range(len(self.library)) if self.rows is None else self.rows

    def page_at(self, row: int) -> int:
        return row if self.rows is None else self.rows[row]

    @property
    def current_page(self) -> int:
        """The page index under the cursor, or -1 when the list is empty."""
        return self.page_at(self.cursor) if 0 <= self.cursor < self.count else -1

    def sync(self) -> None:
        """Pick up what the workers found and cleaned since the last call: redraw the rows on screen that changed."""
        count = self.count
        if count != self._count:
            self._count = count
            self.virtual_size = Size(self.size.width, max(count, 1))
            if count and self.cursor >= count:
                self.cursor = count - 1
            self.refresh()
            return
        if not count:
            self.refresh()  # the message: finding pages, or none here
            return
        # Polled several times a second while the folder is cleaned: most rows cleaned are off screen.
        top = int(self.scroll_y)
        base = self._base.get()
        summaries = self.library.summaries
        for index in range(top, min(count, top + self.scrollable_content_region.height)):
            page = self.page_at(index)
            drawn = self._rows_drawn.get(page)
            if page >= len(summaries) or drawn is None or drawn[0] != self._row_key(index, page, base):
                self.refresh_line(index)

    def show_rows(self, rows: list[int] | None, keep: int) -> None:
        """Show only ``rows`` (None: every page); the cursor stays on page ``keep`` if it is shown."""
        self.rows = rows
        order = self.order
        position = 0
        if rows is None:
            position = keep if 0 <= keep < len(order) else 0
        elif keep in rows:
            position = rows.index(keep)
        else:  # the next page in folder order that is shown (rows of a filter in folder order), else the last
            position = next((i for i, page in enumerate(rows) if page >= keep), max(0, len(rows) - 1))
        self._count = -1
        self.sync()
        changed = self.cursor != position
        self.cursor = position  # posts Highlighted when it moved
        if not changed and self.count:
            self._scroll_to_cursor()
            self.post_message(self.Highlighted(self.page_at(position)))

    def move_to_page(self, index: int) -> bool:
        """Put the cursor on page ``index`` if the list shows it."""
        if self.rows is None:
            if 0 <= index < len(self.library):
                self.cursor = index
                return True
            return False
        try:
            self.cursor = self.rows.index(index)
        except ValueError:
            return False
        return True

    def watch_cursor(self, old: int, new: int) -> None:
        top = self.scroll_y
        self._scroll_to_cursor()
        if self.scroll_y == top:  # only the two rows changed: redraw just them (a key's frame is cheaper)
            self.refresh_line(old)
            self.refresh_line(new)
        else:
            self.refresh()
        if 0 <= new < self.count:
            if self._moving and self.on_highlight is not None:
                self.on_highlight(self.page_at(new))
            else:
                self.post_message(self.Highlighted(self.page_at(new)))

    def watch_scroll_y(self, old: float, new: float) -> None:
        # ScrollView's, except that the scrollbar is redrawn only when its thumb moves: in a list of
        # thousands of pages a row's scroll moves it a fraction of a cell, yet Textual redrew the whole
        # bar (a line per row of the list) on every j at the bottom of the list.
        if self.show_vertical_scrollbar:
            bar = self.vertical_scrollbar
            position = bar.validate_position(new)
            if _thumb(bar, position) == _thumb(bar, bar.position):
                bar.set_reactive(ScrollBar.position, position)
            else:
                bar.position = new
        if round(old) != round(new):
            self.refresh(self.size.region)

    def _scroll_to_cursor(self) -> None:
        top, height = int(self.scroll_y), max(1, self.scrollable_content_region.height)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, immediate=True)

    def move_to(self, index: int) -> None:
        """Put the cursor on row ``index`` (clamped), as a key or click does."""
        count = self.count
        if count:
            self._moving = True
            try:
                self.cursor = min(max(index, 0), count - 1)
            finally:
                self._moving = False

    # -- actions ------------------------------------------------------------------------------------
    def action_cursor_down(self) -> None:
        self.move_to(self.cursor + 1)

    def action_cursor_up(self) -> None:
        self.move_to(self.cursor - 1)

    def action_first(self) -> None:
        self.move_to(0)

    def action_last(self) -> None:
        self.move_to(self.count - 1)

    def action_page_down(self) -> None:
        self.move_to(self.cursor + max(1, self.scrollable_content_region.height - 1))

    def action_page_up(self) -> None:
        self.move_to(self.cursor - max(1, self.scrollable_content_region.height - 1))

    def action_open(self) -> None:
        if self.count:
            self.post_message(self.Opened(self.page_at(self.cursor)))

    def on_click(self, event: Click) -> None:
        offset = event.get_content_offset(self)  # the click less the border: None on the border itself
        if offset is None:
            return
        index = int(self.scroll_y) + offset.y
        if 0 <= index < self.count:
            self.move_to(index)

    def on_resize(self) -> None:
        set_border_subtitle(self, self.columns_label())  # the columns that fit change with the width

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    # -- drawing ------------------------------------------------------------------------------------
    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._base.clear()
        self._components.clear()
        self._rows_drawn.clear()  # drawn with the old styles

    def render_line(self, y: int) -> Strip:
        index = y + int(self.scroll_y)
        width = self.row_width  # not under the scrollbar: the words' last digit was hidden there
        base = self._base.get()
        summaries = self.library.summaries
        if not summaries:
            if y == 0:
                message = "No pages here." if self.library.discovered else "Finding pages…"
                text = Text(f" {message}", style=self._components.get("empty"))
                return self._strip(text, width, base)
            return Strip.blank(width, base)
        if self.rows is not None and not self.rows:
            if y == 0:
                text = Text(" No page matches the filter (Esc clears it).")
                text.stylize(self._components.get("empty"))
                return self._strip(text, width, base)
            return Strip.blank(width, base)
        if index >= self.count:
            return Strip.blank(width, base)
        page = self.page_at(index)
        if page >= len(summaries):
            return Strip.blank(width, base)
        key = self._row_key(index, page, base)
        drawn = self._rows_drawn.get(page)
        if drawn is not None and drawn[0] == key:
            return drawn[1]
        summary, state, marked, cursor = key[:4]
        text = self.row_text(summary, width, cursor=cursor, state=state, marked=marked)
        if cursor:
            name = "cursor" if self.has_focus else "cursor-blurred"
            text.stylize(self._components.get(name))
        strip = self._strip(text, width, base)
        if len(self._rows_drawn) > ROWS_KEPT:
            self._rows_drawn.clear()
        self._rows_drawn[page] = (key, strip)
        return strip

    def _row_key(self, index: int, page: int, base: Style) -> RowKey:
        """Everything row ``index`` (page ``page``) shows; summaries and states are replaced, never changed."""
        cursor = index == self.cursor
        return (
            self.library.summaries[page],
            self.states.get(page),
            page in self.marked,
            cursor,
            cursor and self.has_focus,
            self.row_width,
            self.sort_key,
            self.library.has_stories,
            self.library.cluster_size(page),
            base,
        )

    def _strip(self, text: Text, width: int, base: Style) -> Strip:
        segments = list(text.render(self.app.console))
        return Strip(Segment.apply_style(segments, base)).crop_extend(0, width, base)

    def columns(self, width: int | None = None) -> tuple[str, ...]:
        """The optional columns a row of ``width`` cells shows: those of :data:`COLUMN_PRIORITY` that fit, in that
        order, while the title keeps its room (:data:`TITLE_ROOM`); the column the list is sorted by comes first.

        Decided by the width alone, so every row shows the same columns (a row without a story badge
        gives its room to the title).
        """
        width = self.row_width if width is None else width
        sorted_by = SORT_COLUMN.get(self.sort_key)
        order = sorted(COLUMN_PRIORITY, key=lambda name: name != sorted_by)
        room = width - PREFIX
        shown: list[str] = []
        for name in order:
            if name == "story" and not self.library.has_stories:
                continue  # no badge to show: the room is the title's
            title_room = MIN_TITLE if name == sorted_by else TITLE_ROOM[name]
            if room - COLUMN_WIDTHS[name] >= title_room:
                shown.append(name)
                room -= COLUMN_WIDTHS[name]
        return tuple(name for name in COLUMNS if name in shown)

    def columns_label(self) -> str:
        """What the optional columns shown are, for the list's bottom border."""
        names = {"story": "≡versions", "date": "date", "site": "site", "words": "words kept −removed"}
        return " · ".join(names[c] for c in self.columns())

    @property
    def row_width(self) -> int:
        """Cells a row is drawn in: the list's width less its scrollbar (when it shows one)."""
        return max(1, self.scrollable_content_region.width)

    def glyphs(self, state: PageState | None, marked: bool, badge: str = " ", badge_style: Style | None = None) -> Text:
        """A page's three status columns as the list draws them: the mark ◆, ``badge`` (the load status) or
        the unread dot •, the decision (✓ kept, ★ starred, ✗ discarded); the story screen (V) shows them too."""

        def style(name: str) -> Style:
            return self._components.get(name)

        text = Text(no_wrap=True)
        text.append(MARKED if marked else " ", style=style("marked") if marked else "")
        decision = state.decision if state is not None else "none"
        if badge == " " and state is not None and not state.read:
            badge, badge_style = UNREAD, style("unread")
        text.append(badge, style=badge_style or "")
        text.append(DECISION_GLYPHS.get(decision, " "), style=style(decision) if decision != "none" else "")
        return text

    def row_text(
        self,
        summary: PageSummary,
        width: int,
        *,
        cursor: bool = False,
        state: PageState | None = None,
        marked: bool = False,
    ) -> Text:
        """One page as a line of ``width`` cells: the title takes what the other columns leave.

        Columns: cursor ›, mark ◆, load status (! unreadable, · not cleaned yet, ? a cleaner
        failed; else • unread), decision (✓ kept, ★ starred, ✗ discarded), title and tags, then
        as many of story badge, date, site and words kept −removed as fit (:meth:`columns`).
        A marked row is also drawn in the marked style, the cursor's included.
        """

        def style(name: str) -> Style:
            return self._components.get(name)

        meta = style("meta")
        if summary.error:
            badge, badge_style = "!", style("error")
        elif not summary.cleaned:
            badge, badge_style = "·", style("pending")
        elif summary.cleaner_errors:
            badge, badge_style = "?", style("error")
        else:
            badge, badge_style = " ", Style()
        shown = self.columns(width)
        right = Text()
        versions = self.library.cluster_size(summary.index)
        if "story" in shown and versions > 1:
            # A story badge: this page is one of N versions of the same story in the folder.
            right.append(f" ≡{versions}", style=style("story"))
        if "date" in shown:
            right.append(" " + (summary.date or "")[:DATE_WIDTH].ljust(DATE_WIDTH), style=meta)
        if "site" in shown:
            right.append(" ")
            right.append_text(_cells(summary.site or "", SITE_WIDTH, meta))
        if "words" in shown:
            if summary.error:
                right.append(" unreadable".rjust(STATS_WIDTH), style=badge_style)
            elif summary.cleaned:
                right.append(f" {summary.words_kept:>4}")
                removed = f" −{summary.words_removed}" if summary.words_removed else ""
                right.append(removed.ljust(STATS_WIDTH - 5), style=style("removed"))
            else:
                right.append(" " * STATS_WIDTH)
        title_width = max(1, width - PREFIX - right.cell_len)
        # Five narrow columns, so titles keep their room on an 80-column terminal: the cursor, the mark,
        # the load status (or the unread dot), the decision, a space. Each is a glyph as well as a colour,
        # for NO_COLOR, 16 colours and screen readers of captures; each glyph is styled on its own (a style
        # given to Text() would be the whole row's base style).
        row = Text(no_wrap=True)
        row.append("›" if cursor else " ")
        row.append_text(self.glyphs(state, marked, badge, badge_style))
        decision = state.decision if state is not None else "none"
        row.append(" ")
        tags = Text()
        if state is not None and state.tags and title_width >= 12:
            tags = Text(" " + " ".join("#" + t for t in state.tags), style=style("tags"), no_wrap=True)
            tags.truncate(min(tags.cell_len, title_width // TAGS_SHARE), overflow="ellipsis")
        room = title_width - tags.cell_len
        # (a page named by its id, not a title: its end, the file's name, is what tells it from the others)
        title = _cells(summary.title or middle_cut(summary.id, room), room)
        if decision == "discarded":
            title.stylize(style("discarded"))
        row.append_text(title)
        row.append_text(tags)
        row.append_text(right)
        if marked:
            row.stylize(style("marked"), PREFIX)  # the title and what follows (the glyphs keep their colours)
        return row


def _thumb(bar: ScrollBar, position: float) -> tuple[int, int] | None:
    """Where a vertical scrollbar's thumb is drawn at ``position``, in eighths of a cell: (start, end).

    The arithmetic of Textual's ScrollBarRender.render_bar, which draws nothing else that depends
    on the position: two positions with the same thumb draw the same bar.
    """
    size = bar.size.height
    virtual_size = ceil(bar.window_virtual_size)
    window_size = ceil(bar.window_size if bar.window_size < bar.window_virtual_size else 0)
    if not (window_size and size and virtual_size and size != virtual_size):
        return None
    thumb_size = max(1, window_size / (virtual_size / size))
    start = int((size - thumb_size) * (position / (virtual_size - window_size)) * 8)
    return start, start + ceil(thumb_size * 8)


def _cells(value: str, width: int, style: Style | str = "") -> Text:
    """``value`` cut (with an ellipsis) or padded to exactly ``width`` terminal cells."""
    text = Text(value, style=style, no_wrap=True)
    text.truncate(width, overflow="ellipsis", pad=True)
    return text
