"""The reading pane: the selected page in one of three views (clean, original, diff), and where it is in them."""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass, replace
from typing import ClassVar, Literal

from rich.style import Style
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.events import Resize
from textual.markup import escape
from textual.widgets import Static

from newsread.cleaners import CleanedPage
from newsread.cleaners.clusters import VersionComparison

from ..documents import (
    READABLE_WIDTH,
    DocStyles,
    Document,
    RemovalGroup,
    block_removals,
    clean_document,
    inline_diff_document,
    message_document,
    original_document,
    removal_groups,
    side_by_side_document,
    versions_rows,
)
from ..wrap import middle_cut
from .base_style import ComponentStyles
from .document_view import DocumentView, Wrapped, wrap_document
from .titles import set_border_subtitle, set_border_title

View = Literal["clean", "original", "diff"]
VIEWS: tuple[View, ...] = ("clean", "original", "diff")
SIDE_BY_SIDE_MIN = 60  # narrower than this, two columns are too cramped to read: the diff is shown inline
# A view of a page with more blocks than this is built by a worker thread (a page of 200k short lines takes
# seconds to lay out as rich Text): the reader stays responsive and shows a note meanwhile.
BACKGROUND_BLOCKS = 5_000

BuildKey = tuple[int, View, bool]  # (id of the cleaned page, view, side by side)


def build_document(cleaned: CleanedPage, view: View, side_by_side: bool, styles: DocStyles) -> Document:
    """The rows of ``view`` of ``cleaned``; pure, so a worker thread may call it."""
    if view == "clean":
        return clean_document(cleaned, styles)
    if view == "original":
        return original_document(cleaned, styles)
    if side_by_side:
        return side_by_side_document(cleaned, styles)
    return inline_diff_document(cleaned, styles)


@dataclass(frozen=True, slots=True)
class AheadOrder:
    """How the reading pane would show a page now: its view, layout, styles and width."""

    view: View
    side_by_side: bool
    styles: DocStyles
    width: int
    measure: int = 0


@dataclass(frozen=True, slots=True)
class Ahead:
    """A page's view built and wrapped before it is shown (stepping to it then only draws it)."""

    cleaned: CleanedPage
    key: BuildKey
    styles: DocStyles
    document: Document
    wrapped: Wrapped


def build_ahead(cleaned: CleanedPage, order: AheadOrder) -> Ahead | None:
    """The view of ``cleaned`` the pane would build on showing it; pure, for a worker thread.
    None for a page so big that showing it builds it in the background anyway."""
    if len(cleaned.page.blocks) > BACKGROUND_BLOCKS and not cleaned.page.error:
        return None
    side_by_side = order.view == "diff" and order.side_by_side
    key: BuildKey = (id(cleaned), order.view, side_by_side)
    document = build_document(cleaned, order.view, side_by_side, order.styles)
    return Ahead(cleaned, key, order.styles, document, wrap_document(document, order.width, order.measure))


class ReadingPane(Vertical):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "app.why", "Why was this removed? (in the diff)", show=False)
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "reading-pane--title",
        "reading-pane--meta",
        "reading-pane--removed",
        "reading-pane--marker",
        "reading-pane--label",
        "reading-pane--note",
        "reading-pane--error",
    }

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.cleaned: CleanedPage | None = None
        self.view: View = "clean"
        self.side_by_side = True
        self.group_index = -1  # the removal being looked at in the diff
        self._message: str | None = "Finding pages…"
        self._shown_side_by_side = False
        self._groups: list[RemovalGroup] = []
        self._versions: tuple[list[str], VersionComparison] | None = None  # other versions of the story
        self._built: dict[BuildKey, Document] = {}  # the current page's views built in the background
        self._ahead: Ahead | None = None  # the page likely shown next, built and wrapped by a worker thread
        self._wanted: BuildKey | None = None  # the background build whose result is still wanted
        self._components = ComponentStyles(self, "reading-pane")
        self._source = Text()  # the header line (see set_source)
        self._source_parts = ("", "")
        self._styles_used: DocStyles | None = None  # the styles the shown view was built with

    def compose(self) -> ComposeResult:
        yield Static(id="source", markup=False)
        yield DocumentView(id="document")

    def set_source(self, place: str, where: str) -> None:
        """The header line: where the page is in the list (``page 3 of 12``) and where it came from (URL or
        file; already inert). A long address is cut in its middle: its start (the site) and end (the page's
        name) both show."""
        self._source_parts = (place, where)
        line = self.query_one("#source", Static)
        width = line.size.width or max(20, self.size.width - 4)
        room = width - len(place) - 3
        if len(where) > room:
            where = middle_cut(where, max(room, 0))
        text = Text(no_wrap=True)
        text.append(place, style="bold")
        if where:
            text.append(" · " + where if place else where)
        if text != self._source:
            self._source = text
            line.update(text, layout=False)  # one line of fixed height

    @property
    def source_line(self) -> str:
        """The header line as shown (plain text)."""
        return self._source.plain

    @property
    def document_view(self) -> DocumentView:
        return self.query_one(DocumentView)

    @property
    def document(self) -> Document:
        return self.document_view.document

    def on_mount(self) -> None:
        self.document_view.on_scrolled = self._scrolled
        self._render_document()

    def _scrolled(self) -> None:
        self.update_position()  # how far down the page, in the bottom border

    # -- what is shown ------------------------------------------------------------------------------
    def show(self, cleaned: CleanedPage | None, *, message: str | None = None, same_page: bool = False) -> None:
        """Show ``cleaned`` (or ``message`` while there is no page); ``same_page`` keeps the place (re-cleaned)."""
        if cleaned is not self.cleaned:
            self._built.clear()
        if cleaned is not self.cleaned:
            self._versions = None
        # The same page cleaned again (a cleaner switched): the diff stays on the removal being looked at, or,
        # when that removal is gone, on its place in the page.
        was = self._removal_place() if same_page and cleaned is not None else None
        self.cleaned = cleaned
        self._message = message
        self.group_index = -1
        self._groups = (
            removal_groups(cleaned, block_removals(cleaned)) if cleaned is not None and not cleaned.page.error else []
        )
        if was is not None and cleaned is not None:
            cleaner, start, row = was
            removals = cleaned.removals
            self.group_index = next(
                (
                    i
                    for i, g in enumerate(self._groups)
                    if g.cleaner == cleaner and any(removals[k].start <= start < removals[k].end for k in g.removals)
                ),
                -1,
            )
            self._render_document(keep_scroll=True)
            if self.group_index < 0 and self.view == "diff":
                self.document_view.scroll_to_row(row)
            elif self.group_index >= 0:
                self.document_view.scroll_to_row(self._groups[self.group_index].first_row)
            return
        self._render_document(keep_scroll=same_page)

    def _removal_place(self) -> tuple[str, int, int] | None:
        """The removal looked at in the diff: its cleaner, where its first span starts, its row; None if none."""
        group = self.current_group
        if self.view != "diff" or group is None or self.cleaned is None:
            return None
        return group.cleaner, self.cleaned.removals[group.removals[0]].start, group.first_row

    def show_versions(self, titles: list[str], comparison: VersionComparison) -> None:
        """Close the clean view with the story's other versions and what this one adds or lacks."""
        self._versions = (titles, comparison)
        if self.view == "clean":
            self._render_document(keep_scroll=True)

    @property
    def reading_width(self) -> int:
        """The clean view's measure: its lines are at most this many cells wide."""
        return self.document_view.measure or READABLE_WIDTH

    @reading_width.setter
    def reading_width(self, width: int) -> None:
        self.document_view.set_measure(width)

    @property
    def versions(self) -> VersionComparison | None:
        return self._versions[1] if self._versions is not None else None

    def set_view(self, view: View) -> None:
        if view != self.view:
            self.view = view
            self._render_document()

    def toggle_diff_layout(self) -> None:
        self.side_by_side = not self.side_by_side
        if self.view == "diff":
            # The other layout wraps lines otherwise: the same rows, not the same scroll offset, stay in view.
            view = self.document_view
            row = view.row_at(int(view.scroll_y))
            self._render_document(keep_scroll=True)
            group = self.current_group
            if group is not None:
                view.scroll_to_row(group.first_row)
            elif 0 <= row < len(view.row_start):
                view.scroll_to(y=view.row_start[row], animate=False, immediate=True)
        else:
            self.set_view("diff")

    @property
    def showing_side_by_side(self) -> bool:
        return self.view == "diff" and self.side_by_side and self._wide_enough()

    def _wide_enough(self) -> bool:
        return self.document_view.text_width >= SIDE_BY_SIDE_MIN

    def on_resize(self, event: Resize) -> None:
        if any(self._source_parts):
            self.call_after_refresh(lambda: self.set_source(*self._source_parts))  # the header's new width
        self.call_after_refresh(self._update_titles)  # (the tabs fit the new width; the position)
        self.call_after_refresh(self.update_position)  # taller or narrower: another share of the page shows
        if self.view == "diff" and self.side_by_side and self._wide_enough() != self._shown_side_by_side:
            self._render_document(keep_scroll=True)

    def styles_for_documents(self) -> DocStyles:
        def style(name: str) -> Style:
            return self._components.get(name)

        return DocStyles(
            title=style("title"),
            meta=style("meta"),
            removed=style("removed"),
            marker=style("marker"),
            label=style("label"),
            note=style("note"),
            error=style("error"),
        )

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._components.clear()
        # The views are built with the styles of the time (a light theme chosen afterwards left the headline
        # and byline white on white): build the page again if its styles changed. Not for every update (focus
        # changes restyle this pane too), and only once the new styles are in place.
        if self.is_mounted:
            self.call_after_refresh(self._restyle_if_changed)

    def _restyle_if_changed(self) -> None:
        if self._styles_used is not None and self.styles_for_documents() != self._styles_used:
            self._built.clear()
            self._ahead = None
            self._render_document(keep_scroll=True)

    def _render_document(self, *, keep_scroll: bool = False) -> None:
        view = self.document_view
        cleaned = self.cleaned
        styles = self.styles_for_documents()
        self._styles_used = styles
        self._wanted = None
        if cleaned is None:
            view.set_document(message_document(self._message or "", styles.note), keep_scroll=keep_scroll)
            self._update_titles()
            return
        if self.view == "diff":
            self._shown_side_by_side = self.showing_side_by_side
        key: BuildKey = (id(cleaned), self.view, self.view == "diff" and self._shown_side_by_side)
        if len(cleaned.page.blocks) > BACKGROUND_BLOCKS and not cleaned.page.error:
            built = self._built.get(key)
            if built is None:
                self._wanted = key
                note = f"Preparing the {self.view} view of {len(cleaned.page.blocks):,} blocks …"
                view.set_document(message_document(note, styles.note))
                self._update_titles()
                self._build_in_background(key, cleaned, styles, keep_scroll)
                return
            document = built
        else:
            ahead = self._ahead
            if ahead is not None and ahead.cleaned is cleaned and ahead.key == key and ahead.styles == styles:
                self._ahead = None
                self._apply(ahead.document, keep_scroll=keep_scroll, wrapped=ahead.wrapped)
                return
            document = build_document(cleaned, key[1], key[2], styles)
        self._apply(document, keep_scroll=keep_scroll)

    def _apply(self, document: Document, *, keep_scroll: bool, wrapped: Wrapped | None = None) -> None:
        view = self.document_view
        cleaned = self.cleaned
        if self.view == "clean" and self._versions is not None and cleaned is not None and not cleaned.page.error:
            # A copy: a view built in the background is kept, and versions may arrive after it.
            extra = versions_rows(*self._versions, self.styles_for_documents())
            document = replace(document, rows=[*document.rows, *extra])
        view.set_document(document, keep_scroll=keep_scroll, wrapped=wrapped)
        if self.view == "diff":
            group = self.current_group
            view.set_focus(document.spans_of(group))
            if group is not None and not keep_scroll:
                view.scroll_to_row(group.first_row)
        self._update_titles()

    # -- the next page, ahead of time --------------------------------------------------------------------
    def ahead_order(self) -> AheadOrder:
        """What a worker thread needs to build the view a page would be shown in (UI thread)."""
        view = self.document_view
        return AheadOrder(
            self.view, self.showing_side_by_side, self.styles_for_documents(), view.text_width, view.measure
        )

    def take_ahead(self, ahead: Ahead) -> None:
        """A page built and wrapped ahead (by :func:`build_ahead`); used if it is the next one shown as it is."""
        self._ahead = ahead

    @work(thread=True, exclusive=True, group="build-view")
    def _build_in_background(self, key: BuildKey, cleaned: CleanedPage, styles: DocStyles, keep_scroll: bool) -> None:
        document = build_document(cleaned, key[1], key[2], styles)
        with suppress(RuntimeError):  # the app closed meanwhile
            self.app.call_from_thread(self._built_ready, key, cleaned, document, keep_scroll)

    def _built_ready(self, key: BuildKey, cleaned: CleanedPage, document: Document, keep_scroll: bool) -> None:
        if cleaned is not self.cleaned:
            return  # another page is shown now
        self._built[key] = document
        if key == self._wanted:
            self._wanted = None
            self._apply(document, keep_scroll=keep_scroll)

    @property
    def preparing(self) -> bool:
        """A view is being built in the background."""
        return self._wanted is not None

    def _update_titles(self) -> None:
        """The top border: the three views by their keys, the one shown highlighted (with the diff's layout).
        Where they do not all fit (80 columns), the others are named by their key alone."""
        room = self.size.width - 6  # the corners, the border's dashes and a space
        for whole in (True, False):
            tabs = []
            for key, view in zip("123", VIEWS, strict=True):
                label: str = view
                if view == "diff" and self.view == "diff":
                    label = "diff: side by side" if self._shown_side_by_side else "diff: inline"
                if view == self.view:
                    tabs.append(f" {key} {label} ")
                else:
                    tabs.append(f" {key} {label} " if whole else f" {key} ")
            if sum(len(t) for t in tabs) <= room or not whole:
                break
        shown = VIEWS.index(self.view)
        set_border_title(self, "".join(f"[reverse]{t}[/]" if i == shown else t for i, t in enumerate(tabs)))
        self.update_position()  # another view or page: another length

    def update_position(self) -> None:
        """The bottom border: which match or removal is current, and how far down the page the screen is
        (``42%`` as ``less`` says it; ``all`` when it fits)."""
        view = self.document_view
        parts: list[str] = []
        if view.search_text:
            if view.matches:
                parts.append(f"match {view.match_index + 1}/{len(view.matches)}")
            else:
                parts.append("no match")
        groups = self._groups
        cleaner = ""
        if self.view == "diff" and self.cleaned is not None:
            if 0 <= self.group_index < len(groups):
                cleaner = f" {groups[self.group_index].cleaner}"
                parts.append(f"removal {self.group_index + 1}/{len(groups)}\0")
            else:
                parts.append(f"{len(groups)} removal{'s' if len(groups) != 1 else ''}")
        if self.cleaned is not None:
            parts.append(view.position)
        line = " · ".join(parts)
        room = self.size.width - 6  # the corners, the border's dashes and a space
        # Too narrow for all of it (80 columns, a search on): the cleaner's name goes (w names it), so that
        # where the page is (42%) stays.
        whole = line.replace("\0", cleaner)
        line = whole if len(whole) <= room or room <= 0 else line.replace("\0", "")
        set_border_subtitle(self, escape(line))

    @property
    def position_line(self) -> str:
        """The bottom border as shown (plain text)."""
        return Text.from_markup(self.border_subtitle or "").plain

    # -- removals -----------------------------------------------------------------------------------
    @property
    def groups(self) -> list[RemovalGroup]:
        """The page's removals as next/previous removal steps through them (the same in both diff layouts)."""
        return self._groups

    @property
    def current_group(self) -> RemovalGroup | None:
        groups = self._groups
        return groups[self.group_index] if 0 <= self.group_index < len(groups) else None

    def step_removal(self, step: int) -> RemovalGroup | None:
        """Move to the next (``step`` 1) or previous (-1) removal in the diff; returns it."""
        if self.cleaned is None:
            return None
        if self.view != "diff":
            self.view = "diff"
            self._render_document()
        groups = self._groups
        if not groups:
            self.update_position()
            return None
        if self.group_index < 0:
            # Start from what is on screen, not from the top of the page.
            top_row = self.document_view.row_at(int(self.document_view.scroll_y))
            after = [i for i, g in enumerate(groups) if g.last_row >= top_row]
            before = [i for i, g in enumerate(groups) if g.first_row < top_row]
            if step > 0:
                self.group_index = after[0] if after else len(groups) - 1
            else:
                self.group_index = before[-1] if before else 0
        else:
            self.group_index = min(max(self.group_index + step, 0), len(groups) - 1)
        group = groups[self.group_index]
        view = self.document_view
        view.set_focus(view.document.spans_of(group))
        view.scroll_to_row(group.first_row)
        self._update_titles()
        return group

    def removal_on_screen(self) -> RemovalGroup | None:
        """The removal being looked at: the current one, else the first one visible."""
        if self.view != "diff" or self.cleaned is None:
            return None
        current = self.current_group
        if current is not None:
            return current
        view = self.document_view
        top = int(view.scroll_y)
        first_row = view.row_at(top)
        last_row = view.row_at(top + view.scrollable_content_region.height - 1)
        for i, g in enumerate(self._groups):
            if g.last_row >= first_row and g.first_row <= last_row:
                self.group_index = i
                view.set_focus(view.document.spans_of(g))
                self._update_titles()
                return g
        return None

    # -- search -------------------------------------------------------------------------------------
    def search(self, query: str) -> int:
        found = self.document_view.search(query) if query else 0
        if not query:
            self.document_view.clear_search()
        self.update_position()
        return found

    def step_match(self, step: int) -> bool | None:
        """Next or previous match: None when there is none, else whether the search went round the page."""
        view = self.document_view
        if not view.matches:
            return None
        wrapped = view.step_match(step)
        self.update_position()
        return wrapped
