"""The reader's state and the words its jobs share: what every part of the app (:mod:`.app`) is built on.

The app is split by job: :mod:`.list_order` (the list's width, sort order and folded stories),
:mod:`.background` (the work behind the screen and the folder session's messages), :mod:`.triage_actions`
(marks, decisions, tags, the filter, the export) and :mod:`.app` itself (the layout, opening pages, the views,
the panels). Each is a class built on :class:`ReaderBase`, which holds the state they share, the widgets, and
declares (for the type checker only) what one job calls in another.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import App
from textual.timer import Timer

from newsread.cleaners import CleanedPage, Pipeline

from . import messages
from .library import Library
from .settings import load_settings, save_settings
from .triage import Filter, StateError
from .triage_session import TriageSession
from .widgets import CleanersPanel, PageList, ReadingPane, StatusBar
from .widgets.prompt_bar import PromptBar
from .widgets.status_bar import triage_text

READ_AFTER = 0.5  # seconds a page stays on screen before it counts as read (j held down reads nothing)


def counted(n: int, noun: str, plural: str = "") -> str:
    """``1 page``, ``2 pages``: a number with its noun in the right number."""
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {plural or noun + 's'}"


class ReaderBase(App[None]):
    """The reader's state and widgets; the jobs (list order, background work, triage, the app) build on it."""

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
        self._switched_from: dict[str, bool] = {}  # whether they were on as configured (or last saved)
        self.settings, self._settings_problems = load_settings(settings)
        self._filtered: list[int] | None = None  # the filter's pages in folder order (None: no filter)
        self._sorted_for = (-1, False, -1)  # what the list's order was made from (see _order_basis)
        self._folded = False  # the list shows one row per story (z)
        # Stories (by their first page) shown the other way (Z): opened while folded, folded while not.
        self._toggled_stories: set[int] = set()
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
        self._told_gone: str | None = None  # the vanished folder the status line told of (see Library.gone)
        self._start_theme = ""  # the theme the reader started with (a change from it is the user's)
        self._place_restored = False  # the page last read in these folders was looked for (once)

    # -- the widgets ------------------------------------------------------------------------------
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

    # -- shared by the jobs --------------------------------------------------------------------------
    def _save_settings(self) -> str:
        """Write the settings file; returns "" or why it could not be written (for the status line)."""
        if self.settings_path is None:
            return ""
        try:
            save_settings(self.settings, self.settings_path)
        except OSError as exc:
            return f" (not remembered: {exc.strerror or exc})"
        return ""

    def _triage_changed(self) -> None:
        """Redraw what shows triage: the list's badges, its title and the counts in the status bar."""
        triage = self.triage
        self.page_list.refresh()
        self._list_title()
        shown = self.page_list.count if self.filter_line else None
        self.status.set_triage(
            triage_text(triage.counts, marked=len(triage.marked), shown=shown, unsaved=triage.unsaved)
        )
        self._refresh_story_screen()

    @property
    def page_in_hand(self) -> int:
        """The page the next key acts on: the one under the list's cursor, else the one being read.

        The cursor leads: after j the reading pane follows one message later, and keys typed fast
        (or pasted through tmux) arrive before it does, so they must not act on the page left behind.
        """
        index = self.page_list.current_page
        return index if index >= 0 else self.current

    def no_other_version(self) -> str:
        """What to say of a page with no other version: stories are found once the folder is cleaned, so until
        then that is not known yet."""
        library = self.library
        if library.complete and library.clusters_generation == library.generation:
            return "this page has no other version in the folder"
        if not library.complete:
            return f"stories are found once the folder is cleaned ({library.done:,}/{len(library):,}): try again then"
        return "the folder's stories are being found: try again in a moment"

    def _focus_main(self) -> None:
        if self.page_list.display and not self._zoomed:
            if not self.reader.document_view.has_focus:
                self.page_list.focus()
        else:
            self.reader.document_view.focus()

    if TYPE_CHECKING:  # what one job calls in another (defined in the module named; nothing here at run time)
        # .app: opening pages and what the reading pane's header and the cleaners panel show
        def open_page(self, index: int, *, again: bool = False) -> None: ...
        def _show_source(self) -> None: ...
        def _panel_counts(self) -> None: ...
        def _stop_cleaning_note(self) -> None: ...

        # .list_order
        def _fit_list(self) -> None: ...
        def _ordered(self, pages: list[int] | None) -> list[int] | None: ...
        def _show_order(self, keep: int) -> None: ...
        def _resort_if_due(self) -> None: ...
        def _list_title(self) -> None: ...
        def _version_line(self, index: int) -> str: ...
        def _refresh_story_screen(self) -> None: ...

        # .background (workers: what they return is Textual's Worker)
        crawl: Callable[..., object]
        clean_selected: Callable[..., object]
        load_versions: Callable[..., object]

        def _next_in_list(self) -> int: ...
        def _after_shown(self, index: int, cleaned: CleanedPage, prefetch: bool = True) -> None: ...
        def _learn_record(self, page_id: str, learned: dict[str, str | None]) -> None: ...

        # .triage_actions
        def _schedule_read(self, index: int) -> None: ...
        def _mark_read(self, index: int) -> None: ...
        def _failed(self, exc: StateError) -> None: ...
        def _parse(self, line: str) -> Filter | None: ...
        def set_filter(self, line: str) -> bool: ...
