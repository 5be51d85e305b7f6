"""The reader: a folder of pages beside the selected page, in clean, original or diff view; keyboard first.

It presents what the engine decided and decides nothing itself. Pages are
found, loaded and cleaned by background workers (see :mod:`.library`); the
list fills in as they go and the page being read is always cleaned first.

Triage (read, kept/starred/discarded, tags, filters, export) lives in
:mod:`.triage_session`; its store is opened by a worker so the first screen
never waits for it, and keys that need it say so until it is there.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import webbrowser
from collections.abc import Iterable, Sequence
from contextlib import suppress
from functools import partial
from pathlib import Path
from typing import Any, ClassVar

from textual import events, work
from textual.app import App, ComposeResult, SuspendNotSupported, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.timer import Timer
from textual.worker import get_current_worker

from newsread.cleaners import FORMATS, CleanedPage, Pipeline, Source, default_config_path, inert, render
from newsread.cleaners.clusters import VersionComparison
from newsread.cleaners.workers import Abandoned

from . import messages
from .export import ExportError, write_export
from .filter_syntax import FilterSyntaxError, parse_filter, quote_tag
from .library import NOT_LEARNED, SHOWN, Library
from .process import (
    HOLD_COLLECTIONS_AT_MOST,
    collect_rarely,
    collect_when_idle,
    collections_held,
    restore_thresholds,
    resume_collections,
    terminal_problem,
)
from .settings import (
    LIST_WIDTH_MAX,
    LIST_WIDTH_MIN,
    READING_WIDTH_MAX,
    READING_WIDTH_MIN,
    SORTS,
    ConfigEditError,
    default_settings_path,
    load_settings,
    save_cleaner_switches,
    save_settings,
)
from .triage import BODY_LIMIT, Decision, Filter, PageInfo, PageRef, StateError, default_state_path, track_paths
from .triage_session import LoadCancelled, LoadedState, TriageSession, load_state
from .widgets import (
    CleanersPanel,
    DocumentView,
    HelpScreen,
    PageList,
    ReadingPane,
    RemovalDetails,
    SearchBar,
    StatusBar,
    StoryVersions,
)
from .widgets.help_screen import described, key_label
from .widgets.prompt_bar import PromptBar
from .widgets.reading_pane import Ahead, AheadOrder, View, build_ahead
from .widgets.status_bar import triage_text
from .widgets.titles import set_border_subtitle, set_border_title

HOUSEKEEPING_SECONDS = 0.15  # how often the triage writer's work is picked up (and idle garbage collected)
ZOOM_BELOW = 110  # narrower than this, opening a page gives the reader the whole width
STATE_WAIT = 15.0  # seconds the bulk cleaning waits for the triage state to be read (hashing) at most
RECALL_WAIT = 5.0  # seconds triage waits for the cache's summaries to be shown, at most
READ_AFTER = 0.5  # seconds a page stays on screen before it counts as read (j held down reads nothing)
CLEANING_NOTE_AFTER = 0.1  # seconds a page being cleaned on demand may take before the reader says so
LIST_STEP = 4  # columns < and > widen or narrow the list by
READER_MIN = 30  # columns the reading pane keeps beside the list, however wide the list is asked to be
SORT_NAMES = {
    "name": "file name",
    "date": "date (newest first)",
    "site": "site",
    "kept": "words kept (most first)",
    "removed": "words removed (most first)",
}

# Triage keys: symbols and capitals, clear of the reading keys (mutt/newsboat habits where there are some).
TRIAGE_BINDINGS: list[BindingType] = [
    Binding("plus,a", "decide('kept')", "Keep the page (or the marked pages); again: back to undecided"),
    Binding("asterisk,S", "decide('starred')", "Star the page (or the marked pages); again: back to undecided"),
    Binding("minus,D", "decide('discarded')", "Discard the page (or the marked pages); again: back to undecided"),
    Binding("equals_sign", "decide('none')", "Clear the decision: back to undecided"),
    Binding("r", "toggle_read", "Mark read or unread (pages count as read after half a second on screen)"),
    Binding("t", "tag", "Tags: type tag to add, -tag to remove, several separated by commas"),
    Binding("x", "toggle_mark", "Mark or unmark the page and go to the next (actions then apply to the marks)"),
    Binding("A", "mark_shown", "Mark every page shown (or unmark them all)"),
    Binding("X", "clear_marks", "Clear the marks"),
    Binding(
        "v", "mark_story", "Mark every version of this page's story (≡ in the list): triage keys then apply to all"
    ),
    Binding("u", "undo", "Undo the last triage action (also one from an earlier run)"),
    Binding("U,ctrl+r", "redo", "Redo what was undone"),
    Binding("full_stop", "next_where('unread')", "Next unread page"),
    Binding("comma", "next_where('undecided')", "Next undecided page (neither kept, starred nor discarded)"),
    Binding("F,l", "filter", "Filter the list: status:kept tag:x site:bbc date:2024-05 words (Esc clears)"),
    Binding("E", "export", "Export clean articles to a folder: marked pages, else those shown, else kept and starred"),
]


class ReaderScreen(Screen[None]):
    """The one screen of the reader; the help and removal details are modal screens above it."""

    def on_resize(self, event: events.Resize) -> None:
        app = self.app
        if isinstance(app, NewsreadApp):
            app._fit_list()  # the list's width is a share of the terminal's (the App is not told of a resize)


class NewsreadApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "newsread"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit"),
        Binding("question_mark", "help", "Show every key (this screen)"),
        Binding("1,c", "view('clean')", "Clean view: the article as the cleaners left it"),
        Binding("2,o", "view('original')", "Original view: the page as loaded"),
        Binding("3,d", "view('diff')", "Diff view: what was removed and why (again: side by side / inline)"),
        Binding("s", "toggle_diff_layout", "Diff side by side or inline"),
        Binding("right_square_bracket", "removal(1)", "Next removal (opens the diff)"),
        Binding("left_square_bracket", "removal(-1)", "Previous removal"),
        Binding("w", "why", "Why was this removed? (the current or first visible removal)"),
        Binding("C", "cleaners", "Cleaners panel: switch cleaners on or off, see what each removed"),
        Binding("slash", "search", "Search in the page"),
        Binding("n", "match(1)", "Next match"),
        Binding("p,N", "match(-1)", "Previous match"),
        Binding("J", "step_page(1)", "Next page"),
        Binding("K", "step_page(-1)", "Previous page"),
        Binding("space", "reader_page(1)", "Page the reader down"),
        Binding("b", "reader_page(-1)", "Page the reader up"),
        Binding("f", "zoom", "Reader full width (hide the list) or back"),
        Binding("less_than_sign", "list_width(-1)", "Narrow the list (remembered)"),
        Binding("greater_than_sign", "list_width(1)", "Widen the list (remembered)"),
        Binding("left_curly_bracket", "reading_width(-1)", "Narrower reading width of the clean view (remembered)"),
        Binding("right_curly_bracket", "reading_width(1)", "Wider reading width of the clean view (remembered)"),
        Binding("B", "browser", "Open the page's URL (else its file) in the web browser ($BROWSER)"),
        Binding("y", "copy('url')", "Copy the page's URL (else its file's path) to the clipboard (OSC 52)"),
        Binding("Y", "copy('text')", "Copy the page's clean text to the clipboard (OSC 52)"),
        Binding(
            "V", "story_versions", "Every version of this page's story, with site, date and words: Enter reads one"
        ),
        Binding("z", "fold_stories", "Fold each story's versions into one row (≡N), or list every page again"),
        Binding("Z", "open_story", "Open or fold the story under the cursor (its versions in rows of their own)"),
        Binding("R", "rescan", "Rescan the folder: new files join the list, changed ones are cleaned again"),
        Binding("O", "sort", "Sort the list: file name, date, site, words kept, words removed (remembered)"),
        Binding("escape", "back_to_list", "Back: clear the search, or return to the list"),
        Binding("colon", "command_palette", "Command palette: every action by name"),
        *TRIAGE_BINDINGS,
    ]

    def __init__(
        self,
        paths: Sequence[str],
        pipeline: Pipeline,
        state: Path | None = None,
        *,
        read_after: float = READ_AFTER,
        use_cache: bool = True,
        jobs: int | None = None,
        settings: Path | None = None,
        config_file: Path | None = None,
    ) -> None:
        """``state``: the triage state file; None keeps triage in memory (nothing saved).
        ``use_cache``: use the result cache; ``jobs``: background cleaning processes (default one per CPU).
        ``settings``: the reader's settings file (theme, list width, sort …); None: defaults, nothing saved.
        ``config_file``: the cleaners' config file W saves cleaner switches to; None: they last this run only."""
        super().__init__()
        self.settings_path = settings
        self.config_file = config_file
        self._switched: dict[str, bool] = {}  # cleaners switched this run, and whether they are on now
        self.settings, self._settings_problems = load_settings(settings)
        self._filtered: list[int] | None = None  # the filter's pages in folder order (None: no filter)
        self._sorted_for = (-1, False, -1)  # what the list's order was made from (see _order_basis)
        self._folded = False  # the list shows one row per story
        self._opened_stories: set[int] = set()  # stories (by their first page) shown whole while folded
        self._relay = messages.Relay()  # the folder session's events, as messages to this app
        self.library = Library(paths, pipeline, use_cache=use_cache, jobs=jobs, listener=self._relay)
        self.library.on_cleaned = self._learn_record
        self.state_path = state
        self.read_after = read_after
        self.triage = TriageSession()
        self.filter_line = ""  # the filter as typed; "" shows every page
        self.current = -1  # index of the page in the reading pane
        self._zoomed = False
        self._auto_zoomed = False
        self._read_timer: Timer | None = None
        self._cleaning_note: Timer | None = None  # says "Cleaning …" if the page asked for is slow to come
        self._state_read = threading.Event()  # the state loader is done (or gave up)
        self.exported: list[Path] = []  # folders exports were written to, this run
        self._last_input = time.monotonic()  # the last key or mouse event (full garbage collections wait for quiet)
        self._gc_threshold = (0, 0, 0)  # the collector's thresholds before the reader (put back when it ends)
        self._started = time.monotonic()
        self._recleaning = ""  # the cleaner switch (or rescan) whose cleaning of the folder is under way ("" none)
        self._recleaning_hint = ""  # said after it once the folder is cleaned again
        self._recleaning_done = ""  # how that is said ({pages}: how many)
        self._start_theme = ""  # the theme the reader started with (a change from it is the user's)

    # -- layout -------------------------------------------------------------------------------------
    def get_default_screen(self) -> Screen[None]:
        return ReaderScreen()

    def compose(self) -> ComposeResult:
        with Horizontal(id="main"):
            yield PageList(self.library, id="pages")
            yield ReadingPane(id="reader")
        yield CleanersPanel(id="cleaners")
        yield SearchBar(id="search")
        yield PromptBar(id="prompt")
        yield StatusBar(self.library, id="status")

    @property
    def page_list(self) -> PageList:
        return self.query_one(PageList)

    @property
    def reader(self) -> ReadingPane:
        return self.query_one(ReadingPane)

    @property
    def status(self) -> StatusBar:
        return self.query_one(StatusBar)

    @property
    def cleaners_panel(self) -> CleanersPanel:
        return self.query_one(CleanersPanel)

    @property
    def prompt(self) -> PromptBar:
        return self.query_one(PromptBar)

    def on_mount(self) -> None:
        settings = self.settings
        if settings.theme and settings.theme in self.available_themes:
            self.theme = settings.theme
        elif settings.theme:
            self._settings_problems.append(f"no theme called {settings.theme!r}; using the default")
        elif not self.is_headless and self.console.color_system in ("standard", "windows"):
            self.theme = "ansi-dark"  # 16 colours: use the terminal's own palette rather than approximations
        self._start_theme = self.theme
        self.theme_changed_signal.subscribe(self, self._theme_changed)
        if settings.animations == "off" or (settings.animations == "auto" and _over_ssh()):
            self.animation_level = "none"
        self.reader.side_by_side = settings.diff_layout == "side-by-side"
        self.reader.reading_width = settings.reading_width
        self.page_list.sort_key = settings.sort
        for problem in self._settings_problems:
            self.notify(problem, title="settings", severity="warning", timeout=10, markup=False)
        self._fit_list()
        if settings.watch:
            self.set_interval(settings.watch, self._watch_tick)
        self.cleaners_panel.display = False
        self.query_one(SearchBar).display = False
        self.prompt.display = False
        self.page_list.states = self.triage.states
        self.page_list.marked = self.triage.marked
        self.page_list.on_highlight = self.open_page
        set_border_title(self.page_list, "Pages")
        self.page_list.focus()
        for problem in self.library.pipeline.problems:
            self.notify(problem, title="cleaners", severity="warning", timeout=8)
        self._gc_threshold = collect_rarely()
        warned = len(self.library.warnings)  # (told before the app ran; from now on as messages)
        self._relay.start(self)
        for warning in self.library.warnings[:warned]:
            self.notify(warning, title="cache", severity="warning", timeout=8)
        self.set_interval(HOUSEKEEPING_SECONDS, self._housekeeping)
        self.crawl()
        self.load_triage()

    # -- settings, the list's width and order ------------------------------------------------------------
    def _save_settings(self) -> str:
        """Write the settings file; returns "" or why it could not be written (for the status line)."""
        if self.settings_path is None:
            return ""
        try:
            save_settings(self.settings, self.settings_path)
        except OSError as exc:
            return f" (not remembered: {exc.strerror or exc})"
        return ""

    def _theme_changed(self, theme: object) -> None:
        """A theme picked (command palette, Change theme) is remembered; the one the reader starts with is not."""
        if self.theme == (self.settings.theme or self._start_theme):
            return
        self.settings.theme = self.theme
        self.status.say(f"theme {self.theme}{self._save_settings()}")

    def list_width_for(self, total: int) -> int:
        """The list's width in a terminal ``total`` columns wide: the remembered width, or 40% of the terminal
        (at least 40 columns, at most 64); the reading pane keeps READER_MIN columns either way."""
        wanted = self.settings.list_width or min(max(40, total * 40 // 100), 64)
        return max(min(wanted, total - READER_MIN), min(LIST_WIDTH_MIN, total))

    def _fit_list(self) -> None:
        width = self.list_width_for(self.size.width)
        if self.page_list.styles.width is None or self.page_list.styles.width.value != width:
            self.page_list.styles.width = width
            self.call_after_refresh(self._list_title)  # the columns that fit may have changed

    def action_list_width(self, step: int) -> None:
        if not self.page_list.display:
            self.status.say("the list is hidden: f shows it")
            return
        current = self.list_width_for(self.size.width)
        wanted = max(LIST_WIDTH_MIN, min(LIST_WIDTH_MAX, current + step * LIST_STEP))
        self.settings.list_width = wanted
        width = self.list_width_for(self.size.width)
        if width == current:
            self.settings.list_width = current
            self.status.say("the list is as narrow as it gets" if step < 0 else "the list is as wide as it gets here")
            return
        self._fit_list()
        self.status.say(f"list {width} columns wide{self._save_settings()}")

    def action_sort(self) -> None:
        key = SORTS[(SORTS.index(self.page_list.sort_key) + 1) % len(SORTS)]
        self.page_list.sort_key = key
        self.settings.sort = key
        self._show_order(keep=self.page_in_hand)
        self._list_title()
        self.status.say(f"sorted by {SORT_NAMES[key]}{self._save_settings()}")

    def _ordered(self, pages: list[int] | None) -> list[int] | None:
        """``pages`` (None: every page) in the list's order: sorted, and with stories folded to one row if they
        are; None when that is every page in folder order."""
        library = self.library
        self._sorted_for = self._order_basis()
        ordered = self._sorted(pages)
        if not self._folded:
            return ordered
        return self._fold(list(range(len(library))) if ordered is None else ordered)

    def _sorted(self, pages: list[int] | None) -> list[int] | None:
        key = self.page_list.sort_key
        if key == "name":
            return pages
        summaries = self.library.summaries
        chosen = range(len(summaries)) if pages is None else pages
        # Pages not cleaned yet (or without the field) go last, in folder order; a sort is stable.
        if key == "date":
            dated = sorted(
                (i for i in chosen if summaries[i].date), key=lambda i: summaries[i].date or "", reverse=True
            )
            return dated + [i for i in chosen if not summaries[i].date]
        if key == "site":
            with_site = sorted(
                (i for i in chosen if summaries[i].site), key=lambda i: (summaries[i].site or "").casefold()
            )
            return with_site + [i for i in chosen if not summaries[i].site]
        field = "words_kept" if key == "kept" else "words_removed"
        cleaned = sorted((i for i in chosen if summaries[i].cleaned), key=lambda i: -getattr(summaries[i], field))
        return cleaned + [i for i in chosen if not summaries[i].cleaned]

    def _fold(self, ordered: list[int]) -> list[int]:
        """One row per story (its first page in ``ordered``), followed by its other versions if it is opened."""
        library = self.library
        place = {page: k for k, page in enumerate(ordered)}
        out: list[int] = []
        seen: set[int] = set()
        for page in ordered:
            members = library.cluster_members(page)
            if len(members) == 1:
                out.append(page)
                continue
            head = members[0]
            if head in seen:
                continue
            seen.add(head)
            out.append(page)
            if head in self._opened_stories:
                shown = sorted((m for m in members if m in place and m != page), key=place.__getitem__)
                out.extend(shown)
        return out

    def _order_basis(self) -> tuple[int, bool, int]:
        """What the list's order was made from: pages found, cleaning done, the stories found."""
        library = self.library
        return len(library), library.complete, library.clusters_generation if self._folded else -1

    def action_fold_stories(self) -> None:
        self._folded = not self._folded
        self._opened_stories.clear()
        self._show_order(keep=self.page_in_hand)
        self._list_title()
        if self._folded:
            pages = len(self._filtered) if self._filtered is not None else len(self.library)
            shown = f"{_count(self.page_list.count, 'row')} for {_count(pages, 'page')}"
            self.status.say(f"stories folded: {shown} (Z opens one)", lasting=True)
        else:
            self.status.say("every page listed", lasting=True)

    def action_story_versions(self) -> None:
        page = self.page_in_hand
        if page < 0:
            return
        members = self.library.cluster_members(page)
        if len(members) < 2:
            self.status.say("this page has no other version in the folder")
            return
        versions = [(i, self._version_line(i)) for i in members]

        def chosen(index: int | None) -> None:
            if index is None or index == self.current:
                return
            if not self.page_list.move_to_page(index):
                if self._folded:  # folded away: open its story, then go to it
                    self._opened_stories.add(members[0])
                    self._show_order(keep=self.current)
                if not self.page_list.move_to_page(index):
                    self.open_page(index)  # not in the filtered list: read it all the same
                    self.status.say("this version is not in the filtered list (Esc clears the filter)")

        self.push_screen(StoryVersions(versions, page), chosen)

    def action_open_story(self) -> None:
        page = self.page_in_hand
        if page < 0:
            return
        members = self.library.cluster_members(page)
        if len(members) < 2:
            self.status.say("this page has no other version in the folder")
            return
        if not self._folded:
            self._folded = True
        head = members[0]
        if head in self._opened_stories:
            self._opened_stories.discard(head)
            said = f"story folded: {_count(len(members), 'version')} in one row"
        else:
            self._opened_stories.add(head)
            said = f"story opened: {_count(len(members), 'version')}"
        self._show_order(keep=page)
        self._list_title()
        self.status.say(said)

    def _show_order(self, keep: int) -> None:
        """Show the filter's pages (or every page) in the sort order; the cursor stays on page ``keep``."""
        rows = self._ordered(self._filtered)
        if self._folded and rows is not None and keep not in rows and keep >= 0:
            head = self.library.cluster_members(keep)[0]  # folded away: the cursor goes to its story's row
            keep = next((r for r in rows if self.library.cluster_members(r)[0] == head), keep)
        self.page_list.show_rows(rows, keep=keep)
        self._triage_changed()
        self._show_source()

    def _resort_if_due(self) -> None:
        """A sorted list is sorted again when pages are found and when cleaning ends (values arrive as pages are
        cleaned: sorting on each would move rows under the reader)."""
        if (self.page_list.sort_key != "name" or self._folded) and self._sorted_for != self._order_basis():
            self._show_order(keep=self.page_in_hand)

    # -- background work ----------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="crawl")
    def crawl(self) -> None:
        """Find the pages (once), then clean every page not yet cleaned with the current cleaners."""
        worker = get_current_worker()
        library = self.library
        library.recall()  # the cache's summaries (and what the folder taught) before waiting for anything
        # Hashing the folder for the triage state and cleaning it both want the GIL; together, each
        # slows the other many times over (30,000 pages: 43 s to triage instead of 1.3 s), so the bulk
        # cleaning starts once the state is read. The page on screen is cleaned meanwhile (clean_selected).
        deadline = time.monotonic() + STATE_WAIT
        while not self._state_read.wait(0.05):
            if worker.is_cancelled or time.monotonic() > deadline:
                break
        library.clean_all(cancelled=lambda: worker.is_cancelled)  # in worker processes; learned via on_cleaned
        if not worker.is_cancelled:
            library.update_clusters()  # story clusters need every page; told (Stories), the versions are shown

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.InputEvent):
            self._last_input = time.monotonic()
        await super().on_event(event)

    def _collect_when_idle(self) -> None:
        """A full garbage collection, if one is due (Python's own measure), while no key is being pressed."""
        collect_when_idle(self._gc_threshold, time.monotonic() - self._last_input)

    def on_unmount(self) -> None:
        self._relay.stop()
        restore_thresholds(self._gc_threshold)
        resume_collections()
        self.library.close()
        self.triage.stop_writing()

    @work(thread=True, exclusive=True, group="open")
    def clean_selected(self, index: int, same_page: bool, ahead: int = -1, order: AheadOrder | None = None) -> None:
        generation = self.library.generation  # before cleaning: a result of older cleaners is never shown as new
        try:  # at once, even while a big folder is being learned
            cleaned = self.library.clean(index, wait=False, lane=SHOWN)
        except Abandoned:  # slow, and another page was opened: that one is being cleaned
            return
        if get_current_worker().is_cancelled:
            return  # another page was selected meanwhile, or the app is closing
        with suppress(RuntimeError):  # the app closed while the page was being cleaned
            self.call_from_thread(self._cleaned_ready, index, generation, cleaned, same_page)
        self._prefetch(index, ahead, order)

    @work(thread=True, exclusive=True, group="prefetch")
    def prefetch(self, index: int, ahead: int = -1, order: AheadOrder | None = None) -> None:
        """Clean the next pages into memory: stepping through the list then shows each at once.
        ``ahead``: the page the list shows next, whose view is also built and wrapped as ``order`` says."""
        self._prefetch(index, ahead, order)

    def _prefetch(self, index: int, ahead: int, order: AheadOrder | None) -> None:
        worker = get_current_worker()
        self.library.prefetch(index, cancelled=lambda: worker.is_cancelled)
        cleaned = self.library.peek(ahead) if ahead >= 0 and order is not None else None
        if cleaned is None or order is None or worker.is_cancelled:
            return
        built = build_ahead(cleaned, order)
        if built is not None and not worker.is_cancelled:
            with suppress(RuntimeError):  # the app closed meanwhile
                self.call_from_thread(self._take_ahead, built)

    def _take_ahead(self, built: Ahead) -> None:
        # Looked up here, on the UI thread: from the worker, a reader already gone with the closing app raised.
        for reader in self.query(ReadingPane):
            reader.take_ahead(built)

    def _next_in_list(self) -> int:
        """The page the list shows after the cursor's, or -1."""
        row = self.page_list.cursor + 1
        return self.page_list.page_at(row) if row < self.page_list.count else -1

    def _after_shown(self, index: int, cleaned: CleanedPage, prefetch: bool = True) -> None:
        """Once page ``index`` is drawn: clean its neighbours and look up its story's other versions.

        Not before: those threads compete with the UI thread for the interpreter, and a key's
        frame drawn meanwhile took up to twice as long. Skipped if another page was opened since.
        """
        if index == self.current and self.reader.cleaned is cleaned:
            if prefetch:
                self.prefetch(index, self._next_in_list(), self.reader.ahead_order())
            self.load_versions(index, cleaned)

    def _learn_record(self, index: int, learned: dict[str, str | None]) -> None:
        """What a background worker learned about page ``index`` (title, site, date, body), for triage."""
        self.triage.learn(
            PageInfo(
                self.library.sources[index].id,
                title=learned.get("title"),
                site=learned.get("site"),
                date=learned.get("date"),
                body=(learned.get("body") or "")[:BODY_LIMIT],
            )
        )

    @work(thread=True, exclusive=True, group="state")
    def load_triage(self) -> None:
        """Open the state file and hash the pages (slow on big folders) away from the screen."""
        worker = get_current_worker()
        # A reopened folder's summaries come from the cache in well under a second when nothing competes
        # for the interpreter; hashing the folder meanwhile made it three times slower (10,000 pages).
        deadline = time.monotonic() + RECALL_WAIT
        while not self.library.recalled.wait(0.05):
            if worker.is_cancelled or time.monotonic() > deadline:
                break
        try:
            loaded = load_state(self.state_path, self.library.paths, stop=lambda: worker.is_cancelled)
        except LoadCancelled:
            return  # quitting: no need to finish hashing the folder
        except Exception as exc:  # a bug in triage must never take the reader down: read on without it
            message = f"triage is off for this run: {exc!r}"
            with suppress(RuntimeError):
                self.call_from_thread(self._triage_failed, message)
            return
        finally:
            self._state_read.set()
        with suppress(RuntimeError):  # the app closed meanwhile
            self.call_from_thread(self._triage_loaded, loaded)

    def _triage_failed(self, message: str) -> None:
        self.triage.failed = message
        self.notify(message, title="triage", severity="error", timeout=30, markup=False)

    def _triage_loaded(self, loaded: LoadedState) -> None:
        self.triage.start(loaded)
        severity: SeverityLevel = "error" if loaded.unsaved else "warning"
        for notice in loaded.notices:
            self.notify(notice, title="triage state", severity=severity, timeout=30, markup=False)
        self._index_triage()

    def _index_triage(self) -> None:
        triage = self.triage
        if triage.store is None or triage.ready or not self.library.discovered:
            return
        try:
            triage.index([s.id for s in self.library.sources])
        except StateError as exc:
            self.notify(str(exc), title="triage state", severity="error", timeout=30, markup=False)
            return
        self._triage_changed()
        if self.current >= 0:
            self._schedule_read(self.current)

    def _cleaned_ready(self, index: int, generation: int, cleaned: CleanedPage, same_page: bool) -> None:
        if NOT_LEARNED in cleaned.cleaning_notes and not self.library.learning:
            return  # cleaned before the folder was learned, delivered after: on_learned asked for the final one
        if index == self.current and generation == self.library.generation:
            self._stop_cleaning_note()
            self.reader.show(cleaned, same_page=same_page)
            self._show_source()  # its URL is known now
            self._panel_counts()
            self.call_after_refresh(self._after_shown, index, cleaned, False)  # (clean_selected prefetches)

    @work(thread=True, exclusive=True, group="versions")
    def load_versions(self, index: int, cleaned: CleanedPage) -> None:
        """The other versions of the page's story and what it adds or lacks (the engine compares them)."""
        versions = self.library.story_versions(index, cleaned)
        if versions is None or get_current_worker().is_cancelled:
            return
        compared = versions[0]
        others = compared + [i for i in self.library.cluster_members(index) if i != index and i not in compared]
        titles = [self._version_line(i) for i in others]
        with suppress(RuntimeError):  # the app closed meanwhile
            self.call_from_thread(self._versions_ready, index, cleaned, titles, versions[1])

    def _version_line(self, index: int) -> str:
        """One version of a story as the versions section lists it: title, then what tells it apart."""
        summary = self.library.summaries[index]
        facts = [summary.site or "", (summary.date or "")[:10], f"{_count(summary.words_kept, 'word')}"]
        return f"{summary.label}  ({' · '.join(f for f in facts if f)})"

    def _versions_ready(self, index: int, cleaned: CleanedPage, titles: list[str], versions: VersionComparison) -> None:
        if index == self.current and self.reader.cleaned is cleaned:
            self.reader.show_versions(titles, versions)

    # -- what the folder session tells (messages, see newsread.tui.messages) ------------------------------------
    def on_pages_changed(self, message: messages.PagesChanged) -> None:
        self._relay.taken()  # (first: a change from now on posts another message)
        self.sync_library()

    def on_learned(self, message: messages.Learned) -> None:
        self.sync_library()
        library = self.library
        if self.current >= 0 and library.peek(self.current) is None:
            self.open_page(self.current, again=True)  # shown before the folder was learned: clean it again

    def on_stories(self, message: messages.Stories) -> None:
        self.sync_library()  # (a folded list is folded by story)
        cleaned = self.reader.cleaned
        if cleaned is not None:
            self.load_versions(self.current, cleaned)  # the folder's stories were just found

    def on_work_problem(self, message: messages.WorkProblem) -> None:
        self.notify(message.text, title="cache", severity="warning", timeout=8)

    def sync_library(self) -> None:
        """Show what the library has now: the list's rows, its order and title, the progress, the first page."""
        library = self.library
        if not self.query(PageList):
            return  # the app is closing: its widgets are gone
        if collections_held() and library.recalled.is_set():
            resume_collections()  # the start is over: what the cache knows is shown (newsread.tui.process)
        self.page_list.sync()
        self._resort_if_due()
        self._index_triage()
        self._list_title()
        self.status.redraw()
        if self.current < 0 and (len(library) or library.discovered):  # the first page as soon as it is found
            if len(library):
                self.open_page(0)
            else:
                self.reader.show(None, message="No pages here: newsread reads .txt and .html files (also gzipped).")
        self._panel_counts()
        if self._recleaning and library.complete:
            pages = len(library)
            done = f"{self._recleaning}{self._recleaning_done.format(pages=_count(pages, 'page'))}"
            self.status.say(f"{done}{self._recleaning_hint}", seconds=10, lasting=True)
            self._recleaning = ""

    def _housekeeping(self) -> None:
        """Now and then, whatever the session tells: garbage collection while no key is pressed, and what the
        triage writer finished (pages it indexed join a text filter)."""
        if collections_held() and time.monotonic() - self._started > HOLD_COLLECTIONS_AT_MOST:
            resume_collections()
        self._collect_when_idle()
        self._flush_infos()

    def _list_title(self) -> None:
        library = self.library
        total = len(library)
        shown = self.page_list.count
        if not library.discovered:
            title = "Pages"
        elif self.filter_line:
            title = f"Pages {shown}/{total}"
        else:
            title = f"Pages {total}"
        if self.page_list.sort_key != "name":
            title += f" by {self.page_list.sort_key}"
        if self._folded:
            title += " · stories folded"
        set_border_title(self.page_list, title)  # every poll: assigned unchanged, it would redraw the whole list
        set_border_subtitle(self.page_list, self.page_list.columns_label())

    def _flush_infos(self) -> None:
        """What the workers learned reaches the word index (written here when the store has no writing thread);
        pages it now finds join a text filter."""
        triage = self.triage
        if triage.ready and not triage.writing:
            library = self.library
            triage.start_writing(lambda: library.complete)
        if triage.write_error is not None:
            self.notify(triage.write_error, title="triage", severity="warning", markup=False)
            triage.write_error = None
        try:
            written = triage.take_written() if triage.writing else triage.flush_infos(force=self.library.complete)
        except StateError as exc:
            self.notify(str(exc), title="triage", severity="warning", markup=False)
            return
        if not written or not self.filter_line or not self.query(PageList):
            return  # nothing new, no filter, or the app is closing
        rows = self._filtered
        if rows is not None:
            flt = self._parse(self.filter_line)
            if flt is not None and (flt.text or flt.site or flt.date_from or flt.date_to):
                # Rows already shown stay (the list never jumps under the reader); newly matching pages join.
                merged = sorted(set(rows) | set(self.triage.query(flt)))
                if len(merged) != len(rows):
                    self._filtered = merged
                    self.page_list.rows = self._ordered(merged)
                    self.page_list.move_to_page(self.current)
                    self.page_list.sync()
                    self._triage_changed()

    # -- opening pages ------------------------------------------------------------------------------
    def open_page(self, index: int, *, again: bool = False) -> None:
        """Show page ``index``; ``again``: the same page after the cleaners changed (keep the place)."""
        if not 0 <= index < len(self.library):
            return
        same_page = index == self.current
        self.current = index
        if not same_page:
            self._schedule_read(index)
            for bar in self.query(StatusBar):
                bar.page_changed()  # "redid: kept 1 page" is not about this page
        self._stop_cleaning_note()
        cleaned = self.library.peek(index)
        if cleaned is not None:
            self.reader.show(cleaned, same_page=same_page and again)
            self.call_after_refresh(self._after_shown, index, cleaned)
        else:
            if not again:
                # Said only if the page is slow to come: most come within a frame or two, and drawing the
                # note first cost each such key a second page drawn and a layout (the reader's scrollbar).
                self._cleaning_note = self.set_timer(CLEANING_NOTE_AFTER, partial(self._say_cleaning, index))
            self.clean_selected(index, same_page and again, self._next_in_list(), self.reader.ahead_order())
        self._show_source()
        self._panel_counts()

    def _say_cleaning(self, index: int) -> None:
        self._cleaning_note = None
        if not self.query(ReadingPane):
            return  # the app is closing: its widgets are gone, the timer not yet
        if index == self.current and self.library.peek(index) is None:
            self.reader.show(None, message=f"Cleaning {self.library.summaries[index].id} …")

    def _stop_cleaning_note(self) -> None:
        if self._cleaning_note is not None:
            self._cleaning_note.stop()
            self._cleaning_note = None

    def on_page_list_highlighted(self, event: PageList.Highlighted) -> None:
        self.open_page(event.index)

    def on_page_list_opened(self, event: PageList.Opened) -> None:
        if event.index != self.current:
            self.open_page(event.index)
        self._mark_read(event.index)  # Enter: read now, whatever the delay
        if self.size.width < ZOOM_BELOW and not self._zoomed:
            self._set_zoom(True)
            self._auto_zoomed = True
        self.reader.document_view.focus()

    def _set_zoom(self, zoomed: bool) -> None:
        self._zoomed = zoomed
        self.page_list.display = not zoomed
        if zoomed and self.page_list.has_focus:
            self.reader.document_view.focus()

    # -- where the page came from, and leaving the reader ------------------------------------------------------
    def page_source(self, index: int) -> tuple[str | None, str]:
        """Page ``index``'s URL (its own, once cleaned, else its web archive's; None if unknown) and file."""
        source = self.library.sources[index]
        cleaned = self.reader.cleaned if index == self.current else None
        url = (cleaned.metadata.get("url") if cleaned is not None else None) or source.url
        return url or None, os.path.abspath(source.file)

    def _show_source(self) -> None:
        """The reading pane's header: the page's place in the list and its URL, else its file."""
        index = self.current
        if not 0 <= index < len(self.library.sources):
            return
        pages = self.page_list
        place = ""
        if pages.current_page == index:
            shown = " shown" if self.filter_line else ""
            place = f"page {pages.cursor + 1:,} of {pages.count:,}{shown}"
        url, file = self.page_source(index)
        if url is None:
            with suppress(ValueError):  # another drive (Windows): the whole path
                relative = os.path.relpath(file)
                file = file if relative.startswith("..") else relative  # below the working folder: shorter
        self.reader.set_source(place, inert(url or file))

    def action_browser(self) -> None:
        index = self.current
        if not 0 <= index < len(self.library.sources):
            return
        url, file = self.page_source(index)
        target = url or Path(file).as_uri()
        if _has_display():
            opened = webbrowser.open(target)  # a window of its own: the reader stays on screen
        else:
            try:
                with self.suspend():  # a browser in the terminal (lynx, w3m …) gets the screen until it quits
                    opened = webbrowser.open(target)
            except SuspendNotSupported:
                opened = webbrowser.open(target)
        if opened:  # (not the address itself: a long one would not fit the status line)
            self.status.say(f"opened the page's {'URL' if url else 'file'} in the browser")
        else:
            self.status.say("no web browser found: set $BROWSER (y copies the address)")

    def action_copy(self, what: str) -> None:
        index = self.current
        if not 0 <= index < len(self.library.sources):
            return
        if what == "text":
            cleaned = self.reader.cleaned
            if cleaned is None or cleaned.page.error:
                self.status.say("nothing to copy: this page has no clean text")
                return
            text, said = render(cleaned, "text"), "the clean text"
        else:
            url, file = self.page_source(index)
            text, said = (url, "the URL") if url else (file, "the path")
        self.copy_to_clipboard(text)
        refused = _clipboard_refused()
        # Short: it must fit an 80-column status line with the progress before it.
        self.status.say(f"copied {said}{refused or ' (OSC 52)'}", seconds=10)

    # -- actions ------------------------------------------------------------------------------------
    def action_view(self, view: View) -> None:
        if view == "diff" and self.reader.view == "diff":
            self.action_toggle_diff_layout()
        else:
            self.reader.set_view(view)

    def action_toggle_diff_layout(self) -> None:
        self.reader.toggle_diff_layout()
        self.settings.diff_layout = "side-by-side" if self.reader.side_by_side else "inline"
        self._save_settings()

    def action_reading_width(self, step: int) -> None:
        reader = self.reader
        width = max(READING_WIDTH_MIN, min(READING_WIDTH_MAX, reader.reading_width + step * LIST_STEP))
        if width == reader.reading_width:
            self.status.say(f"the reading width is {width}: as {'narrow' if step < 0 else 'wide'} as it goes")
            return
        reader.reading_width = width
        self.settings.reading_width = width
        wider = (
            "" if reader.document_view.text_width >= width else f" (the pane is {reader.document_view.text_width} wide)"
        )
        self.status.say(f"reading width {width}{wider}{self._save_settings()}")

    def action_removal(self, step: int) -> None:
        if self.reader.cleaned is None:
            return
        if self.reader.step_removal(step) is None:
            self.status.say("no removals on this page")

    def action_why(self) -> None:
        reader = self.reader
        if reader.cleaned is None:
            return
        if reader.view != "diff":
            reader.set_view("diff")
        group = reader.removal_on_screen()
        if group is None:
            self.status.say("no removal on screen: ] goes to the next one")
            return
        stage = next((s for s in self.library.pipeline.stages if s.name == group.cleaner), None)
        position = f"removal {reader.group_index + 1} of {len(reader.groups)}"
        screen = RemovalDetails(
            reader.cleaned,
            group,
            stage.info.description if stage else "",
            stage.enabled if stage else True,
            position,
        )

        def done(toggle: bool | None) -> None:
            if toggle:
                self.toggle_cleaner(group.cleaner)

        self.push_screen(screen, done)

    def action_cleaners(self) -> None:
        panel = self.cleaners_panel
        if panel.display and panel.options.has_focus:
            self._close_cleaners()
            return
        panel.display = True
        panel.fit_to(self.size.height)
        self._panel_counts()
        panel.focus_list()

    def _close_cleaners(self) -> None:
        self.cleaners_panel.display = False
        self._focus_main()

    def on_cleaners_panel_closed(self, event: CleanersPanel.Closed) -> None:
        self._close_cleaners()

    def on_cleaners_panel_toggled(self, event: CleanersPanel.Toggled) -> None:
        self.toggle_cleaner(event.name)

    def action_rescan(self) -> None:
        if not self.library.discovered:
            self.status.say("still finding the pages: try again in a moment")
            return
        self.status.say("rescanning the folder …", seconds=None, lasting=True)
        self.rescan_folder()

    def _watch_tick(self) -> None:
        """The folder is watched (setting ``watch``): look for new files when the last look is done with."""
        library = self.library
        if library.complete and not self._recleaning and not any(w.group == "rescan" for w in self.workers):
            self.rescan_folder(quiet=True)

    @work(thread=True, exclusive=True, group="rescan")
    def rescan_folder(self, quiet: bool = False) -> None:
        """Find the pages added since (and hash them for triage) away from the screen; ``quiet``: a watch's look,
        which does nothing when there is nothing new."""
        new = self.library.find_new()
        if quiet and not new:
            return
        refs: list[PageRef] = []
        if new and self.triage.ready:
            known = self.triage.attached_ids
            refs = [ref for _, ref in track_paths(self.library.paths, skip=known)]
        with suppress(RuntimeError):  # the app closed meanwhile
            self.call_from_thread(self._rescanned, new, refs)

    def _rescanned(self, new: list[Source], refs: list[PageRef]) -> None:
        self.library.rescan(new)
        if refs and self.triage.ready:
            try:
                self.triage.add_pages(refs, [s.id for s in self.library.sources])
            except StateError as exc:
                self._failed(exc)
        self._recleaning = f"rescan: {_count(len(new), 'new page')}"
        self._recleaning_hint = ""
        self._recleaning_done = "; {pages} up to date"
        self.status.say(f"{self._recleaning}; changed pages are cleaned again", seconds=None, lasting=True)
        self.crawl()
        self.open_page(self.current, again=True)
        self._triage_changed()

    def action_save_cleaners(self) -> None:
        switched = self._switched
        if not switched:
            self.status.say("no cleaner was switched in this run: nothing to save")
            return
        if self.config_file is None:
            self.status.say("no config file in this run: the switches last until you quit")
            return
        try:
            save_cleaner_switches(self.config_file, switched)
        except (ConfigEditError, OSError) as exc:
            self.notify(str(exc), title="cleaners not saved", severity="error", timeout=20, markup=False)
            return
        names = ", ".join(f"{name} {'on' if on else 'off'}" for name, on in sorted(switched.items()))
        self._switched = {}
        self.status.say(f"saved {names} in {self.config_file.name}", seconds=10, lasting=True)
        self.notify(f"saved {names} in {self.config_file}", title="cleaners", markup=False)

    def toggle_cleaner(self, name: str) -> None:
        on = self.library.toggle(name)
        self._switched[name] = on
        self._recleaning = f"{name} {'on' if on else 'off'}"
        self._recleaning_hint = "; C then W keeps it"
        self._recleaning_done = ": {pages} cleaned again"
        # Said until the folder is cleaned again (poll then says so), whatever page is opened meanwhile.
        self.status.say(f"{self._recleaning}: cleaning again", seconds=None, lasting=True)
        self.crawl()
        self.open_page(self.current, again=True)

    def _panel_counts(self) -> None:
        panel = self.cleaners_panel
        if not panel.display:
            return
        cleaned = self.reader.cleaned
        fresh = cleaned is not None and self.library.peek(self.current) is cleaned
        library = self.library
        panel.update_counts(
            library.pipeline,
            cleaned.removed_by() if fresh and cleaned is not None else None,
            library.folder_removed_by(),
            library.done,
            len(library),
        )

    def action_search(self) -> None:
        self.query_one(SearchBar).open(self.reader.document_view.search_text)

    def on_search_bar_changed(self, event: SearchBar.Changed) -> None:
        found = self.reader.search(event.query)
        if event.done:
            self.query_one(SearchBar).display = False
            self.reader.document_view.focus()
            if event.query:
                self.status.say(f"{found} match{'es' if found != 1 else ''} for “{event.query}”" if found else "")
        if event.query and not found:
            self.status.say(f"no match for “{event.query}”")

    def on_search_bar_cancelled(self, event: SearchBar.Cancelled) -> None:
        self.query_one(SearchBar).display = False
        self.reader.search("")
        self.status.say("")
        self._focus_main()

    def action_match(self, step: int) -> None:
        wrapped = self.reader.step_match(step)
        if wrapped is None:
            query = self.reader.document_view.search_text
            self.status.say(f"no match for “{query}”" if query else "no search: / to search the page")
        elif wrapped:
            self.status.say("search wrapped to the top" if step > 0 else "search wrapped to the bottom")

    def action_step_page(self, step: int) -> None:
        self.page_list.move_to(self.page_list.cursor + step)

    def action_reader_page(self, step: int) -> None:
        view = self.reader.document_view
        if step > 0:
            view.action_page_down()
        else:
            view.action_page_up()

    def action_zoom(self) -> None:
        self._set_zoom(not self._zoomed)
        self._auto_zoomed = False

    def action_back_to_list(self) -> None:
        view = self.reader.document_view
        if view.search_text:
            self.reader.search("")
            self.status.say("")
            return
        if self.page_list.has_focus and self.filter_line:
            self.set_filter("")
            self.status.say("filter cleared: every page shown", lasting=True)
            return
        if self._zoomed and self._auto_zoomed:
            self._set_zoom(False)
            self._auto_zoomed = False
        if self.page_list.display:
            self.page_list.focus()

    def _focus_main(self) -> None:
        if self.page_list.display and not self._zoomed:
            if not self.reader.document_view.has_focus:
                self.page_list.focus()
        else:
            self.reader.document_view.focus()

    def action_help(self) -> None:
        self.push_screen(HelpScreen(self.help_sections()))

    def help_sections(self) -> list[tuple[str, list[tuple[str, str]]]]:
        triage = {id(b) for b in TRIAGE_BINDINGS}
        return [
            ("Anywhere", described(b for b in self.BINDINGS if id(b) not in triage)),
            ("Triage (saved as you go; on the marked pages if any, else the page read)", described(TRIAGE_BINDINGS)),
            (
                "Filter (F), tags (t), export (E)",
                [
                    ("Enter", "Apply: the filter stays, the tags are set, the export starts"),
                    *described(PromptBar.BINDINGS),
                    ("status:", "unread, read, undecided, kept, starred, discarded (commas: any of them)"),
                    ("tag: site:", 'a tag the page has (tag:"two words"); part of the site name'),
                    ("date:", "2024, 2024-05, 2024-05-03, or a range 2024-01..2024-03"),
                    ("other words", "start words of the title or the clean text, in any order"),
                ],
            ),
            ("The page list", described(PageList.BINDINGS)),
            ("The reader", [*described(DocumentView.BINDINGS), *described(ReadingPane.BINDINGS)]),
            ("The cleaners panel (C)", described(_cleaner_option_bindings()) + described(CleanersPanel.BINDINGS)),
            ("Searching (/)", [("Enter", "Keep the matches and go back to reading"), *described(SearchBar.BINDINGS)]),
            ("Moving around", [("Tab, Shift+Tab", "Move between the list, the reader and the panel")]),
        ]

    # -- triage -------------------------------------------------------------------------------------------
    def _triage_changed(self) -> None:
        """Redraw what shows triage: the list's badges, its title and the counts in the status bar."""
        triage = self.triage
        self.page_list.refresh()
        self._list_title()
        shown = self.page_list.count if self.filter_line else None
        self.status.set_triage(
            triage_text(triage.counts, marked=len(triage.marked), shown=shown, unsaved=triage.unsaved)
        )

    @property
    def page_in_hand(self) -> int:
        """The page the next key acts on: the one under the list's cursor, else the one being read.

        The cursor leads: after j the reading pane follows one message later, and keys typed fast
        (or pasted through tmux) arrive before it does, so they must not act on the page left behind.
        """
        index = self.page_list.current_page
        return index if index >= 0 else self.current

    def _targets(self) -> list[int]:
        """The marked pages, else the page in hand."""
        return self.triage.targets(self.page_in_hand)

    def _triage_ready(self) -> bool:
        if self.triage.ready:
            return True
        self.status.say(self.triage.failed or "triage is still loading (the pages are being hashed): try again soon")
        return False

    def _report(self, description: str) -> None:
        self._triage_changed()
        self.status.say(description)

    def _failed(self, exc: StateError) -> None:
        self.notify(str(exc), title="triage", severity="error", timeout=15, markup=False)
        self._triage_changed()

    def _schedule_read(self, index: int) -> None:
        if self._read_timer is not None:
            self._read_timer.stop()
            self._read_timer = None
        if self.read_after <= 0:
            self._mark_read(index)
        else:
            self._read_timer = self.set_timer(self.read_after, partial(self._mark_read, index))

    def _mark_read(self, index: int) -> None:
        """Page ``index`` was read, if it is still the one on screen."""
        if index != self.current or not self.triage.ready:
            return
        try:
            changed = self.triage.opened(index)
        except StateError as exc:
            self._failed(exc)
            return
        if changed:
            self._triage_changed()

    def mark_pages(self, indices: Iterable[int]) -> None:
        """Add pages (library indices) to the marked selection; e.g. every page of a story cluster."""
        total = len(self.library)
        self.triage.marked.update(i for i in indices if 0 <= i < total)
        self._triage_changed()

    @property
    def marked(self) -> set[int]:
        """The marked selection: page indices triage actions apply to (instead of the page read)."""
        return self.triage.marked

    def action_toggle_mark(self) -> None:
        index = self.page_list.current_page
        if index < 0:
            return
        marked = self.triage.marked
        if index in marked:
            marked.discard(index)
        else:
            marked.add(index)
        self.page_list.move_to(self.page_list.cursor + 1)
        self._triage_changed()

    def action_mark_shown(self) -> None:
        shown = set(self.page_list.order)
        marked = self.triage.marked
        if shown and shown <= marked:
            marked.difference_update(shown)
            self._report(f"unmarked {_count(len(shown), 'page')}")
        else:
            self.mark_pages(shown)
            self._report(f"{_count(len(marked), 'page')} marked: triage keys now apply to them (X clears)")

    def action_mark_story(self) -> None:
        if self.page_in_hand < 0:
            return
        story = self.library.cluster_members(self.page_in_hand)
        if len(story) < 2:
            self._report("this page has no other version in the folder")
            return
        self.mark_pages(story)
        self._report(f"{len(story)} versions of this story marked: triage keys now apply to the marks (X clears)")

    def action_clear_marks(self) -> None:
        n = len(self.triage.marked)
        self.triage.marked.clear()
        self._report(f"cleared {_count(n, 'mark')}" if n else "no marks to clear")

    def action_decide(self, decision: Decision) -> None:
        if not self._triage_ready():
            return
        try:
            result = self.triage.decide(self._targets(), decision)
        except StateError as exc:
            self._failed(exc)
            return
        self._report(result.description)

    def action_toggle_read(self) -> None:
        if not self._triage_ready():
            return
        if self._read_timer is not None:  # pressing r on a fresh page: the timer must not undo the key
            self._read_timer.stop()
            self._read_timer = None
        try:
            result = self.triage.toggle_read(self._targets())
        except StateError as exc:
            self._failed(exc)
            return
        self._report(result.description)

    def action_undo(self) -> None:
        if self._triage_ready():
            try:
                self._report(self.triage.undo().description)
            except StateError as exc:
                self._failed(exc)

    def action_redo(self) -> None:
        if self._triage_ready():
            try:
                self._report(self.triage.redo().description)
            except StateError as exc:
                self._failed(exc)

    def action_next_where(self, status: str) -> None:
        if not self._triage_ready():
            return
        if status == "unread":
            found = self.triage.next_where(self.page_list.order, self.page_in_hand, lambda s: not s.read)
        else:
            found = self.triage.next_where(self.page_list.order, self.page_in_hand, lambda s: s.decision == "none")
        shown = " shown" if self.filter_line else ""
        if found is None:
            self.status.say(f"no other {status} page{shown}")
            return
        self.page_list.move_to_page(found)

    def action_tag(self) -> None:
        if not self._triage_ready():
            return
        targets = self._targets()
        if not targets:
            return
        tags = sorted({t for i in targets for t in (self.triage.states[i].tags if i in self.triage.states else ())})
        if self.triage.marked:
            which = f"the {_count(len(targets), 'marked page')}"
            verb = "has" if len(targets) == 1 else "have"
        else:
            which, verb = "this page", "has"
        has = f"{verb} {', '.join(tags)}" if tags else f"{verb} no tags"
        self.prompt.ask(
            "tag",
            "tags ",
            placeholder=[
                f"{which} {has} · tag adds, -tag removes, commas between (Enter, Esc)",
                f"{which} {has} · tag adds, -tag removes",
                f"{which} {has}",
            ],
        )

    def _apply_tags(self, line: str) -> None:
        add: list[str] = []
        remove: list[str] = []
        for item in line.split(","):
            item = " ".join(item.split())
            if item.startswith("-") and item[1:].strip():
                remove.append(item[1:].strip())
            elif item and item != "-":
                add.append(item)
        if not add and not remove:
            return
        try:
            results = self.triage.tag(self._targets(), add, remove)
        except StateError as exc:
            self._failed(exc)
            return
        self._report("; ".join(r.description for r in results))

    def action_filter(self) -> None:
        if not self._triage_ready():
            return
        self.prompt.ask(
            "filter",
            "filter ",
            self.filter_line,
            placeholder=[
                "status:undecided tag:x site:bbc date:2024-05 words (Enter keeps it, Esc clears it)",
                "status:undecided tag:x site:bbc date:2024-05 words (Esc clears)",
                "status:undecided tag:x site:bbc date:2024-05 words",
            ],
        )

    def _parse(self, line: str) -> Filter | None:
        try:
            return parse_filter(line)
        except (FilterSyntaxError, ValueError) as exc:
            self.status.say(str(exc))
            return None

    def set_filter(self, line: str) -> bool:
        """Show only the pages matching ``line`` (filter syntax); "" shows every page. False if not understood."""
        flt = self._parse(line)
        if flt is None or not self.triage.ready:
            return False
        self.filter_line = line.strip() if flt != Filter() else ""
        try:
            self._filtered = self.triage.query(flt) if self.filter_line else None
        except StateError as exc:
            self._failed(exc)
            return False
        self._show_order(keep=self.current)
        return True

    def filter_tag(self, tag: str) -> None:
        """Show the pages with ``tag`` (for the command palette and for scripts)."""
        self.set_filter(quote_tag(tag))

    def action_export(self) -> None:
        if not self._triage_ready():
            return
        what, _ = self._export_choice()
        self.prompt.ask(
            "export",
            "export to ",
            placeholder=[
                f"folder [as markdown|text|jsonl] · {what} (Enter starts, Esc cancels)",
                f"folder [as markdown|text|jsonl] · {what}",
                f"folder · {what}",
            ],
        )

    def _export_choice(self) -> tuple[str, list[int]]:
        """What an export takes: the marked pages, else the pages the filter shows, else kept and starred ones."""
        triage = self.triage
        if triage.marked:
            return f"the {_count(len(triage.marked), 'marked page')}", sorted(triage.marked)
        if self._filtered is not None:
            return f"the {_count(len(self._filtered), 'page')} shown", list(self._filtered)
        chosen = triage.query(Filter(statuses=frozenset({"kept", "starred"})))
        return f"the {_count(len(chosen), 'kept and starred page')}", chosen

    def start_export(self, line: str) -> None:
        """Export what :meth:`_export_choice` picks to the folder (and format) in ``line``."""
        line = line.strip()
        fmt = "markdown"
        head, sep, tail = line.rpartition(" as ")
        if sep and tail.strip() in FORMATS:
            line, fmt = head.strip(), tail.strip()
        if not line:
            self.status.say("export: type the folder to write into")
            return
        out = Path(line).expanduser()
        what, indices = self._export_choice()
        chosen = self.triage.chosen(indices, self.library.sources)
        if not chosen:
            self.notify(f"nothing to export: {what}", title="export", severity="warning", markup=False)
            return
        self.status.say(f"exporting {what} to {out} …", seconds=60, lasting=True)
        self.export_pages(chosen, out, fmt)

    @work(thread=True, group="export")
    def export_pages(self, chosen: list[Any], out: Path, fmt: str) -> None:
        inputs = [Path(p) for p in self.library.paths]
        try:
            library = self.library
            files = library.sources
            index_of = {id(source): i for i, source in enumerate(files)}  # (chosen from these)

            def clean(source: Source) -> CleanedPage:  # by the reader's worker: a stuck page never freezes it
                return library.clean(index_of[id(source)], keep=False)

            result = write_export(
                chosen,
                library.pipeline,
                out,
                fmt=fmt,
                inputs=inputs,
                input_files=lambda: [s.file for s in files],
                clean=clean,
            )
        except (ExportError, OSError) as exc:
            with suppress(RuntimeError):
                self.call_from_thread(
                    partial(self.notify, str(exc), title="export failed", severity="error", timeout=20, markup=False)
                )
                self.call_from_thread(self.status.say, "")
            return
        where = out.resolve()
        failed = f"; {len(result.failed)} could not be read" if result.failed else ""
        if result.refused:
            failed += f"; {len(result.refused)} not written ({result.refused[0][1]})"
        if result.renamed:
            failed += f"; {len(result.renamed)} under another name (theirs was taken), e.g. {result.renamed[0][1].name}"
        message = f"exported {_count(len(result.page_ids), 'page')} as {fmt} to {where}{failed}"
        self.exported.append(where)
        with suppress(RuntimeError):
            self.call_from_thread(partial(self.notify, message, title="export", timeout=15, markup=False))
            self.call_from_thread(partial(self.status.say, message, lasting=True))

    def on_prompt_bar_changed(self, event: PromptBar.Changed) -> None:
        if event.purpose == "filter":
            ok = self.set_filter(event.value)
            if event.done and ok:
                self._close_prompt()
                shown = self.page_list.count
                matches = f"{_count(shown, 'page')} match{'es' if shown == 1 else ''}"
                self.status.say(matches if self.filter_line else "", lasting=True)
            return
        if not event.done:
            return
        self._close_prompt()
        if event.purpose == "tag":
            self._apply_tags(event.value)
        elif event.purpose == "export":
            self.start_export(event.value)

    def on_prompt_bar_cancelled(self, event: PromptBar.Cancelled) -> None:
        self._close_prompt()
        if event.purpose == "filter" and self.filter_line:
            self.set_filter("")
            self.status.say("filter cleared: every page shown", lasting=True)

    def _close_prompt(self) -> None:
        self.prompt.display = False
        self.prompt.purpose = ""
        self._focus_main()

    # -- command palette: every action ---------------------------------------------------------------
    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        for binding in self.BINDINGS:
            if not isinstance(binding, Binding) or binding.action in ("command_palette",):
                continue
            yield SystemCommand(
                binding.description, f"key: {key_label(binding.key)}", partial(self.run_action, binding.action)
            )
        yield from super().get_system_commands(screen)


def _count(n: int, noun: str, plural: str = "") -> str:
    """``1 page``, ``2 pages``: a number with its noun in the right number."""
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {plural or noun + 's'}"


def _has_display() -> bool:
    """A browser opened from here gets a window of its own (else it would take over this terminal)."""
    return sys.platform in ("darwin", "win32") or bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _clipboard_refused() -> str:
    """A note when the terminal is known to drop OSC 52 (tmux unless set-clipboard is on), else ""."""
    if not os.environ.get("TMUX"):
        return ""
    try:
        setting = subprocess.run(
            ["tmux", "show-options", "-gv", "set-clipboard"], capture_output=True, text=True, timeout=2
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""
    if setting == "on":
        return ""
    return "; tmux drops it: set -g set-clipboard on"


def _over_ssh() -> bool:
    return bool(os.environ.get("SSH_CONNECTION") or os.environ.get("SSH_TTY"))


def _cleaner_option_bindings() -> list[Binding]:
    from .widgets.cleaners_panel import CleanerOptions

    return [b for b in CleanerOptions.BINDINGS if isinstance(b, Binding)]


def run_app(
    paths: list[str],
    pipeline: Pipeline,
    state: Path | None = None,
    *,
    use_cache: bool = True,
    config: Path | None = None,
) -> None:
    """Open the reader; triage is saved in ``state`` (default: the user state folder), cleaner switches the user
    saves in ``config`` (default: the user config file). Exits (status 2) with a
    message when the output is not a terminal: the full-screen reader is never drawn into a pipe."""
    problem = terminal_problem()
    if problem is not None:
        print(f"newsread: {problem}", file=sys.stderr)
        raise SystemExit(2)
    app = NewsreadApp(
        paths,
        pipeline,
        state or default_state_path(),
        use_cache=use_cache,
        settings=default_settings_path(),
        config_file=config or default_config_path(),
    )
    try:
        app.run()
    finally:
        app.triage.close()
