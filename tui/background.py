"""The work behind the reader: finding and cleaning pages, reading the triage state, and what the folder session
tells as Textual messages (see :mod:`.messages`: no polling).

Pages are found, loaded and cleaned by background workers (see :mod:`.library`); the list fills in as they go
and the page being read is always cleaned first. The triage state is opened by a worker so the first screen
never waits for it.
"""

from __future__ import annotations

import os
import sqlite3
import time
from contextlib import suppress

from textual import events, work
from textual.notifications import SeverityLevel
from textual.worker import get_current_worker

from newsread.cleaners import CleanedPage, inert
from newsread.cleaners.clusters import VersionComparison
from newsread.cleaners.session import FolderChanges
from newsread.cleaners.workers import Abandoned

from . import messages
from .library import NOT_LEARNED, SHOWN
from .process import HOLD_COLLECTIONS_AT_MOST, collect_when_idle, collections_held, resume_collections
from .reader_base import ReaderBase, counted
from .triage import BODY_LIMIT, PageInfo, PageRef, StateError, track_paths
from .triage_session import LoadCancelled, LoadedState, load_state, place_key
from .widgets import PageList, ReadingPane, StatusBar
from .widgets.reading_pane import Ahead, AheadOrder, build_ahead

HOUSEKEEPING_SECONDS = 0.15  # how often the triage writer's work is picked up (and idle garbage collected)
STATE_WAIT = 15.0  # seconds the bulk cleaning waits for the triage state to be read (hashing) at most
RECALL_WAIT = 5.0  # seconds triage waits for the cache's summaries to be shown, at most


class BackgroundWork(ReaderBase):
    """The reader's workers (crawl, clean the page asked for, prefetch, triage state, story versions, rescan) and
    the handlers of the folder session's messages."""

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

    def _learn_record(self, page_id: str, learned: dict[str, str | None]) -> None:
        """What a background worker learned about page ``page_id`` (title, site, date, body), for triage."""
        self.triage.learn(
            PageInfo(
                page_id,
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
        if not self._place_restored:
            self._place_restored = True
            if self._restore_place():
                return  # (the page opened there is read in its turn)
        if self.current >= 0:
            self._schedule_read(self.current)

    def _restore_place(self) -> bool:
        """Reopening a folder starts at the page last read in it (unless a key moved the cursor meanwhile);
        returns whether it did."""
        pages = self.page_list
        if pages.cursor != 0 or self.current not in (-1, pages.current_page):  # (-1: no page shown yet)
            return False
        try:
            index = self.triage.place(place_key(self.library.paths))
        except sqlite3.Error:
            return False
        if index is None or index == self.current or not pages.move_to_page(index):
            return False
        self.status.say(f"where you left off: page {pages.cursor + 1:,} (g: the first)", lasting=True)
        return True

    def _cleaned_ready(self, index: int, generation: int, cleaned: CleanedPage, same_page: bool) -> None:
        if self.closing():  # (a page cleaned as the app closes: its reading pane may be gone)
            return
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

    def _versions_ready(self, index: int, cleaned: CleanedPage, titles: list[str], versions: VersionComparison) -> None:
        if index == self.current and self.reader.cleaned is cleaned:
            self.reader.show_versions(titles, versions)

    # -- what the folder session tells (messages, see newsread.tui.messages) ------------------------------------
    def on_pages_changed(self, message: messages.PagesChanged) -> None:
        self._relay.taken()  # (first: a change from now on posts another message)
        self.sync_library()

    def closing(self) -> bool:
        """Whether the app is closing: its widgets go one by one, and a late message must not ask for them."""
        return not self.query(PageList) or not self.query(StatusBar) or not self.query(ReadingPane)

    def on_learned(self, message: messages.Learned) -> None:
        if self.closing():
            return
        self.sync_library()
        library = self.library
        if self.current >= 0 and library.peek(self.current) is None and library.gone is None:
            self.open_page(self.current, again=True)  # shown before the folder was learned: clean it again

    def on_stories(self, message: messages.Stories) -> None:
        if self.closing():
            return
        self.sync_library()  # (a folded list is folded by story)
        cleaned = self.reader.cleaned
        if cleaned is not None:
            self.load_versions(self.current, cleaned)  # the folder's stories were just found

    def on_work_problem(self, message: messages.WorkProblem) -> None:
        self.notify(message.text, title="cache", severity="warning", timeout=8)

    def sync_library(self) -> None:
        """Show what the library has now: the list's rows, its order and title, the progress, the first page."""
        library = self.library
        if self.closing():
            return
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
                self.reader.show(
                    None,
                    message="No pages here: newsread reads text (.txt or no extension), HTML (.html, .htm, .xhtml)"
                    " and web archives (.warc), also gzipped; hidden files and folders are skipped.",
                )
        self._panel_counts()
        if library.gone is not None and self._told_gone != library.gone:
            self._told_gone = library.gone
            kept = f"{counted(library.done, 'page')} cleaned and kept" if library.done else "no page was cleaned yet"
            self.status.say(
                f"{self._path_name(library.gone)} is gone (moved, removed or unmounted) while it was being cleaned:"
                f" {kept}; R cleans {'the rest' if library.done else 'them'} once it is back",
                seconds=None,
                lasting=True,
            )
        if self._recleaning and library.complete:
            pages = len(library)
            done = f"{self._recleaning}{self._recleaning_done.format(pages=counted(pages, 'page'))}"
            self.status.say(f"{done}{self._recleaning_hint}", seconds=10, lasting=True)
            self._recleaning = ""

    def _housekeeping(self) -> None:
        """Now and then, whatever the session tells: garbage collection while no key is pressed, and what the
        triage writer finished (pages it indexed join a text filter)."""
        if collections_held() and time.monotonic() - self._started > HOLD_COLLECTIONS_AT_MOST:
            resume_collections()
        self._collect_when_idle()
        self._flush_infos()

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
            if flt is not None and (flt.text or flt.site or flt.dates):
                # Rows already shown stay (the list never jumps under the reader); newly matching pages join.
                merged = sorted(set(rows) | set(self.triage.query(flt)))
                if len(merged) != len(rows):
                    self._filtered = merged
                    self.page_list.rows = self._ordered(merged)
                    self.page_list.move_to_page(self.current)
                    self.page_list.sync()
                    self._triage_changed()

    def action_rescan(self) -> None:
        if not self.library.discovered:
            self.status.say("still finding the pages: try again in a moment")
            return
        self.status.say("rescanning the folder …", seconds=None, lasting=True)
        self.rescan_folder()

    def _watch_tick(self) -> None:
        """The folder is watched (setting ``watch``): look at it again when the last look is done with."""
        library = self.library
        if library.complete and not self._recleaning and not any(w.group == "rescan" for w in self.workers):
            self.rescan_folder(quiet=True)

    @work(thread=True, exclusive=True, group="rescan")
    def rescan_folder(self, quiet: bool = False) -> None:
        """The folder session lists the folder again (pages added, changed, removed) and new and changed pages
        are hashed for triage, away from the screen; ``quiet``: a watch's look, which says nothing when nothing
        changed."""
        gone = self.library.vanished()
        if gone is not None:  # removed, renamed or unmounted (empty): listing it again would turn every page away
            # (or the folder into a page of its own); the list stays as it is until the folder is back
            if not quiet:
                with suppress(RuntimeError):  # the app closed meanwhile
                    self.call_from_thread(self._folder_gone, gone)
            return
        back = self.library.resume()  # (a folder that vanished while it was cleaned: its other pages now)
        changes = self.library.look_again()
        if changes is None or (quiet and not changes.any and not back):
            return
        refs: list[PageRef] = []
        if changes.any and self.triage.ready:
            changed = {changes.sources[i].id for i in changes.changed}
            known = self.triage.attached_ids - changed
            refs = [ref for _, ref in track_paths(self.library.paths, skip=known)]
        with suppress(RuntimeError):  # the app closed meanwhile
            self.call_from_thread(self._rescanned, changes, refs, back)

    @staticmethod
    def _path_name(path: str) -> str:
        return inert(os.path.basename(path.rstrip(os.sep)) or path)

    def _folder_gone(self, path: str) -> None:
        self.status.say(
            f"rescan: {self._path_name(path)} is gone (moved, removed or unmounted): the list stays as it was",
            seconds=None,
            lasting=True,
        )

    def _rescanned(self, changes: FolderChanges, refs: list[PageRef], back: bool = False) -> None:
        if back:
            self._told_gone = None
        if not changes.any:
            if back:  # nothing else changed: the pages the vanished folder left not cleaned, now
                self._recleaning, self._recleaning_hint = "rescan: the folder is back", ""
                self._recleaning_done = "; {pages} cleaned"
                self.status.say(f"{self._recleaning}; cleaning the rest of its pages", seconds=None, lasting=True)
                if self.current >= 0:  # (opened while the folder was gone: it said why it could not be read)
                    self.open_page(self.current, again=True)
                self.crawl()
                return
            self.status.say("rescan: nothing changed in the folder")
            return
        moved = changes.moved()
        was = self.current
        row = self.page_list.cursor
        self.library.rescan(changes)  # the pages numbered anew: everything kept by number follows them
        triage = self.triage
        triage.renumber(moved)
        self._toggled_stories = {moved[i] for i in self._toggled_stories if i in moved}
        if triage.ready:
            try:
                triage.add_pages(refs, [s.id for s in self.library.sources])
            except StateError as exc:
                self._failed(exc)
        if self._filtered is not None:
            flt = self._parse(self.filter_line)
            try:
                self._filtered = self.triage.query(flt) if flt is not None and triage.ready else None
            except StateError as exc:
                self._failed(exc)
                self._filtered = None
            if self._filtered is None:
                self.filter_line = ""
        self.current = moved.get(was, -1)
        self._show_order(keep=self.current)
        if self.current < 0 and self.page_list.count:  # the page read left the folder: the one in its row now
            self.page_list.cursor = min(max(row, 0), self.page_list.count - 1)
            self.open_page(self.page_list.current_page)
        elif self.current < 0:
            self.reader.show(None, message="No pages here any more.")
        else:
            self.open_page(self.current, again=True)
        parts = [counted(changes.added, "new page")]
        if changes.changed:
            parts.append(f"{len(changes.changed):,} changed")
        if changes.removed:
            parts.append(f"{changes.removed:,} gone")
        self._recleaning = f"rescan: {', '.join(parts)}"
        self._recleaning_hint = ""
        self._recleaning_done = "; {pages} up to date"
        learning = changes.relearn(self.library.pipeline)
        doing = "learning the folder again" if learning else "cleaning new and changed pages"
        self.status.say(f"{self._recleaning}; {doing}", seconds=None, lasting=True)
        self.crawl()
        self._triage_changed()
