"""The reader's triage session: the store, which page index is which page id, the states the list draws,
the marked selection and what the cleaning workers learned for the filters. No Textual here.

The store is opened (and every page hashed) by :func:`load_state` in a worker, then handed to the
UI thread, which is the only one to use it from then on, except for what cleaning learned: that is
written to the word index by a thread of its own through its own connection (:meth:`TriageSession.
start_writing`), so the UI thread never waits for the index. Page indices are the library's.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO

from newsread.cleaners import Source
from newsread.cleaners.outfiles import folder_holding

from .triage import (
    ActionResult,
    Decision,
    Filter,
    InfoWriter,
    PageInfo,
    PageRef,
    PageState,
    StateError,
    TriageStore,
    open_store,
    track_paths,
)

INFO_BATCH = 50  # cleaned pages written to the word index per transaction: short pauses of the UI thread
# At most this many per call (the UI thread's poll, ~7 times a second): pages cleaned before the state was
# read (hashing a very big folder outlasts the crawl's wait for it) were written all at once, ~0.13 ms a page.
INFO_MOST = 100
# What the workers learned waits in memory for at most this many pages (each holds up to 8,000 characters of
# body); more wait in a temporary file: a big folder is cleaned long before its triage state is read.
INFO_IN_MEMORY = 2000
WRITER_MOST = 200  # the writing thread's batch (~25 ms): a triage action meanwhile waits for one at most
WRITER_IDLE = 0.1  # seconds the writing thread waits for more once everything learned is written
UNSAVED = "Triage in this run is not saved."


@dataclass(slots=True)
class LoadedState:
    store: TriageStore
    notices: list[str]
    unsaved: bool  # a state file was asked for but could not be used
    # Every page's state, read in the loading worker: reading it on the UI thread held the screen (10k
    # pages: 0.27 s). Nothing changes the states until the session is indexed.
    states: dict[str, PageState] | None = None
    # Byte-identical files: each page id with the ids of every page of the same content (itself included);
    # pages with no copy are absent. Identical files are the same page: an action on one acts on all of them.
    copies: dict[str, tuple[str, ...]] = field(default_factory=dict)
    refs: list[PageRef] = field(default_factory=list)  # every page attached (a rescan attaches them and more)


class LoadCancelled(Exception):
    """The reader closed while the state was being loaded."""


def load_state(path: Path | None, paths: Sequence[str], stop: Callable[[], bool] | None = None) -> LoadedState:
    """Open the state file (``None``: keep triage in memory only) and attach the pages under ``paths``.

    A problem with the state file becomes a notice and a session that is not saved. Slow on big
    folders (every file is hashed), so call it in a worker thread; ``stop`` returning True (the
    app closing) ends the hashing early with :class:`LoadCancelled`, nothing attached.
    """
    notices: list[str] = []
    inside = folder_holding(path, paths) if path is not None else None
    if path is None:
        store = TriageStore(":memory:")
    elif inside is not None:  # its files would be written into the folder being read, and read as pages
        store = TriageStore(":memory:")
        notices.append(
            f"The state file {path} is inside the folder being read ({inside}): newsread never writes into what it"
            f" reads. {UNSAVED} Use --state PATH for a file elsewhere."
        )
    else:
        store, notices = open_store(path)
    refs = [ref for _, ref in track_paths(paths, stop=stop)]
    copies = copies_of(refs)
    if stop is not None and stop():
        store.close()
        raise LoadCancelled
    try:
        store.attach(refs)
    except StateError as exc:  # e.g. the disk is full or the file is locked: go on without saving
        store.close()
        store = TriageStore(":memory:")
        store.attach(refs)
        notices.append(f"{exc} {UNSAVED}")
    unsaved = path is not None and store.path == ":memory:"
    return LoadedState(store, notices, unsaved, store.states(), copies, refs)


def copies_of(refs: Sequence[PageRef]) -> dict[str, tuple[str, ...]]:
    """Each page id with the ids of every page of the same bytes (itself included), for pages that have copies."""
    by_hash: dict[str, list[str]] = {}
    for ref in refs:
        if not ref.hash.startswith("unreadable:"):
            by_hash.setdefault(ref.hash, []).append(ref.page_id)
    return {pid: tuple(ids) for ids in by_hash.values() if len(ids) > 1 for pid in ids}


def place_key(paths: Sequence[str]) -> str:
    """What the place a reader was at is kept under: the folders (and files) opened, as absolute paths."""
    return json.dumps([os.path.abspath(p) for p in paths])


class TriageSession:
    """Triage for the pages of one library; use it from the UI thread (except :meth:`learn`)."""

    def __init__(self) -> None:
        self.store: TriageStore | None = None
        self.notices: list[str] = []
        self.unsaved = False
        self.ids: list[str] = []  # page index -> page id
        self.index_of: dict[str, int] = {}
        self.states: dict[int, PageState] = {}  # what the list draws; pages the store does not know are absent
        self.counts: dict[str, int] = {}
        self.marked: set[int] = set()
        self.last_marked: set[int] = set()  # the marks the last triage key used up (M marks them again)
        self._used_marks: dict[int, frozenset[int]] = {}  # undo step -> the marks its triage key used up
        self.indexed = False
        self.failed: str | None = None  # why triage is off for this run, if it is
        self._loaded_states: dict[str, PageState] | None = None  # read by load_state, for the first index
        self._copies: dict[str, tuple[str, ...]] = {}  # page id -> ids of the same bytes (see LoadedState)
        self._refs: list[PageRef] = []  # every page attached to the store
        self.copies: dict[int, tuple[int, ...]] = {}  # the same by page index
        self._infos: list[PageInfo] = []
        self._info_lock = threading.Lock()
        self._spill: IO[str] | None = None  # infos beyond INFO_IN_MEMORY, a JSON line each
        self._spill_read = 0  # where the next unread line of the spill starts
        self._spilled = 0  # lines in the spill not read yet
        self._writer: InfoWriter | None = None  # the writing thread's connection (see start_writing)
        self._writing: threading.Thread | None = None
        self._writer_refused = False  # the store has no connection to give (in memory): asked once, not every poll
        self._stop_writing = threading.Event()
        self._written = 0  # pages the writing thread wrote that the UI has not been told of (take_written)
        self.write_error: str | None = None  # why the writing thread stopped, once (the UI shows it)
        self._place = -1  # the page last remembered as the place the reader is at

    @property
    def ready(self) -> bool:
        """The store is open and the library's pages are matched to it."""
        return self.store is not None and self.indexed

    def start(self, loaded: LoadedState) -> None:
        self.store, self.notices, self.unsaved = loaded.store, loaded.notices, loaded.unsaved
        self._loaded_states = loaded.states
        self._copies = loaded.copies
        self._refs = list(loaded.refs)
        self._writer_refused = False  # a new store: it may give a connection

    def index(self, ids: Sequence[str]) -> None:
        """Match the library's pages (``ids`` by page index) to the store and read every state once."""
        assert self.store is not None
        self.ids = list(ids)
        self.index_of = {pid: i for i, pid in enumerate(self.ids)}
        index_of = self.index_of
        self.copies = {
            index_of[pid]: tuple(index_of[c] for c in same if c in index_of)
            for pid, same in self._copies.items()
            if pid in index_of
        }
        self.states.clear()
        loaded, self._loaded_states = self._loaded_states, None  # read once: later indexing reads the store
        for pid, state in (loaded if loaded is not None else self.store.states()).items():
            index = self.index_of.get(pid)
            if index is not None:
                self.states[index] = state
        self.counts = self.store.counts()
        self.indexed = True

    @property
    def attached_ids(self) -> set[str]:
        """The page ids the store knows in this session (a rescan hashes only the others)."""
        return {ref.page_id for ref in self._refs}

    def add_pages(self, refs: Sequence[PageRef], ids: Sequence[str]) -> None:
        """The folder as a rescan found it: ``refs`` of new and changed pages (hashed in a worker: a changed page
        keeps its state, as an edited file does) and ``ids``, every page id by page index, as :meth:`index` takes
        them (pages no longer there leave the session, their state kept in the store). Quick: the store matches
        identities in memory (UI thread)."""
        store = self._store()
        fresh = {ref.page_id: ref for ref in refs}
        here = set(ids)
        self._refs = [fresh.pop(ref.page_id, ref) for ref in self._refs if ref.page_id in here]
        self._refs += [ref for ref in fresh.values() if ref.page_id in here]
        store.attach(self._refs)
        self._copies = copies_of(self._refs)
        self.index(ids)

    def stop_writing(self) -> None:
        """Stop the writing thread (what it has not written yet is derived data: found again next time)."""
        self._stop_writing.set()
        if self._writing is not None:
            self._writing.join(timeout=5)  # at most one batch in flight
        if self._writer is not None:
            self._writer.close()
            self._writer = None

    def close(self) -> None:
        self.stop_writing()
        if self.store is not None:
            self.store.close()
        with self._info_lock:
            if self._spill is not None:
                self._spill.close()
                self._spill = None

    # -- what the cleaning workers learn (any thread) -----------------------------------------------------------
    def learn(self, info: PageInfo) -> None:
        with self._info_lock:
            if len(self._infos) < INFO_IN_MEMORY:
                self._infos.append(info)
                return
            if self._spill is None:
                # Closed in close(); JSON escapes whatever is not ASCII.
                self._spill = tempfile.TemporaryFile("w+", encoding="ascii")  # noqa: SIM115
            self._spill.seek(0, 2)
            self._spill.write(json.dumps([info.page_id, info.title, info.site, info.date, info.body]) + "\n")
            self._spilled += 1

    @property
    def pending_infos(self) -> int:
        """Pages learned and not yet written to the word index."""
        return len(self._infos) + self._spilled

    def flush_infos(self, *, force: bool = False, most: int | None = None) -> int:
        """Write what was learned to the word index, by batches of at most ``most`` pages (``force``: even
        fewer than INFO_BATCH); returns how many were written. Call again while it returns a full batch.
        ``most``: INFO_MOST unless given. Once :meth:`start_writing` succeeded, only the writing thread calls this."""
        most = INFO_MOST if most is None else most
        if not self.ready:
            return 0
        with self._info_lock:
            if self.pending_infos == 0 or (self.pending_infos < INFO_BATCH and not force):
                return 0
            batch, self._infos = self._infos[:most], self._infos[most:]
            if self._spill is not None and self._spilled and len(batch) < most:
                self._spill.seek(self._spill_read)
                while self._spilled and len(batch) < most:
                    page_id, title, site, date, body = json.loads(self._spill.readline())
                    batch.append(PageInfo(page_id, title, site, date, body))
                    self._spilled -= 1
                self._spill_read = self._spill.tell()
                if not self._spilled:  # all read: start the file again
                    self._spill.seek(0)
                    self._spill.truncate()
                    self._spill_read = 0
        assert self.store is not None
        (self._writer or self.store).set_info_many(batch)
        return len(batch)

    # -- writing what was learned from a thread of its own ----------------------------------------------------------
    def start_writing(self, complete: Callable[[], bool]) -> bool:
        """Write what cleaning learns from a thread of its own from now on (``complete``: every page is cleaned,
        so fewer than a batch is written at once). False if the store cannot (in memory): then call
        :meth:`flush_infos` from the UI thread."""
        if self._writing is not None or self._writer_refused or not self.ready:
            return self._writing is not None
        assert self.store is not None
        self._writer = self.store.info_writer()
        if self._writer is None:
            self._writer_refused = True
            return False
        self._writing = threading.Thread(target=self._write_loop, args=(complete,), name="triage-index", daemon=True)
        self._writing.start()
        return True

    def _write_loop(self, complete: Callable[[], bool]) -> None:
        while not self._stop_writing.is_set():
            try:
                written = self.flush_infos(force=complete(), most=WRITER_MOST)
            except StateError as exc:  # e.g. the disk is full: the filters miss those pages, reading goes on
                self.write_error = str(exc)
                return
            if written:
                with self._info_lock:
                    self._written += written
            else:
                self._stop_writing.wait(WRITER_IDLE)

    @property
    def writing(self) -> bool:
        """A thread of its own writes what cleaning learns (see :meth:`start_writing`)."""
        return self._writing is not None

    def take_written(self) -> int:
        """Pages the writing thread added to the word index since the last call (for a filter on screen)."""
        with self._info_lock:
            written, self._written = self._written, 0
            return written

    # -- the selection -------------------------------------------------------------------------------------------
    def targets(self, current: int) -> list[int]:
        """What an action applies to: the marked pages, or else the current one."""
        if self.marked:
            return sorted(self.marked)
        return [current] if current >= 0 else []

    def use_up_marks(self, results: Iterable[ActionResult] = ()) -> bool:
        """A triage key acted on the marked pages: the marks are cleared (kept for :meth:`mark_again`), as a
        file manager clears a selection it acted on; undoing one of the key's ``results`` brings them back.
        False if there were none (the key acted on one page)."""
        if not self.marked:
            return False
        used = frozenset(self.marked)
        for result in results:
            if result.step is not None:
                self._used_marks[result.step] = used
        self.last_marked = set(used)
        self.marked.clear()
        return True

    def renumber(self, moved: dict[int, int]) -> None:
        """The pages were numbered anew (a rescan; ``moved``: old index -> new, pages gone absent): the marks,
        and those kept for :meth:`mark_again` and undo, follow their pages."""
        marked = {moved[i] for i in self.marked if i in moved}
        self.marked.clear()
        self.marked.update(marked)  # (the list draws this very set)
        self.last_marked = {moved[i] for i in self.last_marked if i in moved}
        self._used_marks = {
            step: frozenset(moved[i] for i in used if i in moved) for step, used in self._used_marks.items()
        }

    def mark_again(self) -> int:
        """Mark again the pages the last triage key acted on; how many (0: none to bring back)."""
        self.marked.update(self.last_marked)
        return len(self.last_marked)

    def with_copies(self, indices: Iterable[int]) -> list[int]:
        """``indices`` and every byte-identical copy of them (identical files are the same page), in order."""
        copies = self.copies
        if not copies:
            return list(indices)
        return sorted({c for i in indices for c in copies.get(i, (i,))})

    def _page_ids(self, indices: Iterable[int]) -> list[str]:
        ids = [self.ids[i] for i in self.with_copies(indices) if i in self.states]
        if not ids:  # e.g. a page found after the state was read; never act on "nothing" and call it done
            raise StateError("no page to act on here (a page found after newsread started has no triage yet)")
        return ids

    # -- actions (each one undoable step, saved before it returns) ----------------------------------------------
    def _store(self) -> TriageStore:
        if self.store is None or not self.indexed:
            raise StateError("triage is still loading: try again in a moment")
        return self.store

    def decide(self, indices: Sequence[int], decision: Decision) -> ActionResult:
        """Keep, star or discard (pressed again on pages that all have it: back to undecided); "none" clears."""
        store = self._store()
        result = self._after(store.decide(self._page_ids(indices), decision, toggle=decision != "none"))
        return self._say_copies(result, indices)

    def toggle_read(self, indices: Sequence[int]) -> ActionResult:
        store = self._store()
        ids = self._page_ids(indices)
        unread = any(not self.states[i].read for i in self.with_copies(indices) if i in self.states)
        return self._say_copies(self._after(store.set_read(ids, unread)), indices)

    def tag(self, indices: Sequence[int], add: Sequence[str], remove: Sequence[str]) -> list[ActionResult]:
        """Add and remove tags: one undo step per tag."""
        store = self._store()
        ids = self._page_ids(indices)
        results = [store.tag(ids, t) for t in add] + [store.untag(ids, t) for t in remove]
        for result in results:
            self._after(result)
        return [self._say_copies(r, indices) for r in results]

    def _say_copies(self, result: ActionResult, indices: Sequence[int]) -> ActionResult:
        """The action's line, saying when identical copies of the pages were acted on too."""
        extra = len(self.with_copies(indices)) - len(set(indices))
        if extra <= 0 or not result.page_ids:
            return result
        copies = "1 identical copy" if extra == 1 else f"{extra} identical copies"
        return replace(result, description=f"{result.description} ({copies} included)")

    def undo(self) -> ActionResult:
        """Undo the last step; the marks its triage key used up are marked again (see :meth:`use_up_marks`)."""
        result = self._after(self._store().undo())
        used = self._used_marks.get(result.step) if result.step is not None else None
        if used:
            self.marked.update(used)
        return result

    def redo(self) -> ActionResult:
        """Redo the next step; the marks it acted on are used up again, as the key did."""
        result = self._after(self._store().redo())
        used = self._used_marks.get(result.step) if result.step is not None else None
        if used and used & self.marked:
            self.marked.difference_update(used)
            self.last_marked = set(used)
        return result

    def opened(self, index: int) -> bool:
        """The page was read: mark it so (not an undo step). Returns whether anything changed."""
        changed = False
        for i in self.with_copies([index]):
            state = self.states.get(i)
            if state is None or state.read or self.store is None:
                continue
            self.store.opened(self.ids[i])
            self.states[i] = replace(state, read=True)
            changed = True
        if changed and self.store is not None:
            self.counts = self.store.counts()
        return changed

    def place(self, key: str) -> int | None:
        """The page index last read with the folders ``key`` open (see :func:`place_key`), if it is here."""
        if not self.ready:
            return None
        assert self.store is not None
        page_id = self.store.place(key)
        return self.index_of.get(page_id) if page_id is not None else None

    def remember_place(self, key: str, index: int) -> None:
        """Page ``index`` is where the reader is now: opening the same folders again starts there."""
        if not self.ready or index == self._place or not 0 <= index < len(self.ids):
            return
        assert self.store is not None
        self.store.set_place(key, self.ids[index])
        self._place = index

    def _after(self, result: ActionResult) -> ActionResult:
        assert self.store is not None
        if result.page_ids:
            for pid, state in self.store.states(result.page_ids).items():
                index = self.index_of.get(pid)
                if index is not None:
                    self.states[index] = state
            self.counts = self.store.counts()
        return result

    # -- finding pages -------------------------------------------------------------------------------------------
    def next_where(self, order: Sequence[int], current: int, wanted: Callable[[PageState], bool]) -> int | None:
        """The first page after ``current`` in ``order`` (wrapping round) whose state is ``wanted``."""
        if not order:
            return None
        try:
            start = order.index(current) + 1
        except ValueError:
            start = 0
        n = len(order)
        for step in range(n):
            index = order[(start + step) % n]
            state = self.states.get(index)
            if index != current and state is not None and wanted(state):
                return index
        return None

    def query(self, flt: Filter) -> list[int]:
        """Page indices matching ``flt``, in list order."""
        ids = self._store().query(flt)
        return sorted(self.index_of[pid] for pid in ids if pid in self.index_of)

    def chosen(self, indices: Sequence[int], sources: Sequence[Source]) -> list[tuple[Source, PageState]]:
        """Pages to export with their current state (what :func:`.export.write_export` takes)."""
        return [(sources[i], self.states[i]) for i in indices if i in self.states and i < len(sources)]
