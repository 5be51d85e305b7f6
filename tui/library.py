"""The folder the reader has open: its pages, what the engine made of each, and progress. No Textual here.

Worker threads call :meth:`Library.discover`, :meth:`Library.clean_all` and
:meth:`Library.clean`; the UI thread reads :attr:`Library.summaries` (each slot
is replaced whole, never mutated, so a reader never sees half an update) and
is told of changes by the folder session's events (:mod:`.messages`). Toggling a cleaner swaps the
pipeline and bumps :attr:`generation`: summaries of older generations stay on
screen until the page is cleaned again.

Large folders (tens of thousands of pages): discovery publishes rows as it
finds them; the summary of every page whose file did not change since an
earlier run comes from the result cache (:mod:`newsread.cleaners.cache`)
without reading the file; the rest is cleaned in worker processes
(:mod:`newsread.cleaners.batch`), so the CPU work never competes with the UI
for the interpreter. The page being read is cleaned at once in a thread (from
the cache's per-cleaner results when it has them) and the pages after it jump
the background queue. Only a handful of fully cleaned pages are kept in
memory; the list needs just each page's summary. Once every page is known,
the whole folder's summaries (and its stories) are also kept as one row of the
cache, valid while every file is unchanged: an unchanged folder reopens from
one read instead of one lookup per page.

Why one module over 600 lines: it is one class, :class:`Library`, whose methods share three locks and the
rule that summaries are replaced whole under them; split across modules, each part would have to know the
others' locking. The record helpers above it are what the worker processes and the cache hand it.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from multiprocessing import resource_tracker
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple, TypeVar

from newsread.cleaners import CleanedPage, Pipeline, Source, inert, iter_sources
from newsread.cleaners.batch import (
    BackgroundCleaner,
    Encoded,
    Job,
    PipelineSpec,
    cached_clusters,
    clean_with,
    default_jobs,
    fit_folder,
    make_pool,
    prepare,
    rebuildable,
    settle,
    submit_chunk,
)
from newsread.cleaners.cache import (
    FileStamp,
    ResultCache,
    folder_key,
    pipeline_key,
    stage_fingerprints,
    stamps_digest,
)
from newsread.cleaners.clusters import (
    StoryIndex,
    VersionComparison,
    compare_versions,
    signature_from_json,
    signature_json_of,
    signature_json_text,
    signature_of,
    signature_to_json,
)
from newsread.cleaners.learning import LearningStopped, Recipe, fit_watched, stopped_in_parts
from newsread.cleaners.model import normalise_space
from newsread.cleaners.session import (
    Event,
    FolderChanges,
    FolderLearned,
    FolderSession,
    Listener,
    PagesFound,
    Problem,
    Progress,
    StoriesFound,
    clean_here,
)
from newsread.cleaners.workers import Abandoned, Workers

from .dates import day_of
from .process import freeze_listing
from .triage import BODY_LIMIT

PENDING = -1
R = TypeVar("R")
# How the reading worker takes a page (urgent, abandonable; see Workers.submit): SHOWN, the page opened, first (it
# takes the worker from a slow page cleaned ahead, or from a slow page opened before: the person moved on); AHEAD,
# pages cleaned ahead of being read (prefetched neighbours, a story's other versions); NOW, pages needed whole
# (export, the stories), in turn and never given up.
NOW, SHOWN, AHEAD = "now", "shown", "ahead"
LANES = {NOW: (False, False), SHOWN: (True, True), AHEAD: (False, True)}
READER_HEAD_START = 2.0  # seconds the background workers wait for the reading worker to be ready (see clean_all)
MAX_VERSIONS = 12  # other versions of a story compared in the reading pane (each is cleaned to compare)


NO_REMOVALS: Mapping[str, int] = MappingProxyType({})


def one_line(name: str) -> str:
    """A file name or address as one inert line for the screen: undecodable bytes (surrogate escapes) become
    U+FFFD, and every control, tab and newline included, a visible stand-in (␉ ␊ ␛ …)."""
    try:
        name = name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:  # a lone surrogate not from a file name's bytes
        name = name.encode("utf-8", "replace").decode("utf-8")
    return inert(name).replace("\t", "\u2409").replace("\n", "\u240a")


def _has_entries(path: str) -> bool:
    """Whether ``path`` is a folder with anything in it (one entry read)."""
    try:
        with os.scandir(path) as entries:
            return next(entries, None) is not None
    except OSError:
        return False


class PageSummary(NamedTuple):
    """What the page list shows for one page. Text fields are already inert (safe to display).

    A named tuple: a folder makes one per page as it is found and another as it is cleaned or recalled, and
    a tuple is made several times faster than a frozen dataclass (100,000 pages: ~0.3 s less to list).
    """

    index: int  # type: ignore[assignment]  # (shadows tuple.index, which nothing here calls)
    id: str
    generation: int = PENDING  # pipeline generation it was cleaned with
    title: str | None = None
    site: str | None = None
    date: str | None = None
    words_kept: int = 0
    words_removed: int = 0
    removed_by: Mapping[str, int] = NO_REMOVALS
    error: str | None = None  # the page could not be loaded
    cleaner_errors: int = 0  # cleaners that failed on this page

    @property
    def cleaned(self) -> bool:
        return self.generation != PENDING

    @property
    def label(self) -> str:
        return self.title or self.id


def summary_record(cleaned: CleanedPage) -> dict[str, Any]:
    """A page's summary without its place in the list: made in a worker process, kept in the result cache."""
    meta = cleaned.metadata

    def shown(key: str) -> str | None:
        value = normalise_space(meta.get(key) or "")
        return inert(value) if value else None

    removed_by = cleaned.removed_by()
    return {
        "title": shown("title"),
        "site": shown("site"),
        "date": day_of(date) if (date := shown("date")) else None,  # one form, to show and sort (tui.dates)
        "words_kept": cleaned.words_kept,
        "words_removed": sum(removed_by.values()),
        "removed_by": removed_by,
        "error": inert(cleaned.page.error) if cleaned.page.error else None,
        "cleaner_errors": len(cleaned.errors),
    }


def reader_record(cleaned: CleanedPage) -> dict[str, Any]:
    """The summary, plus what triage learns from a cleaned page (its metadata and the start of its body)
    and the page's story signature (for the folder's story clusters)."""
    meta = cleaned.metadata
    record = summary_record(cleaned)
    record["learned"] = {
        "title": meta.get("title"),
        "site": meta.get("site"),
        "date": record["date"],  # as the list shows it: the filter's date: terms are YYYY-MM-DD
        "body": cleaned.body[:BODY_LIMIT],
    }
    record["story"] = signature_json_of(cleaned)
    return record


def reader_page(cleaned: CleanedPage) -> tuple[dict[str, Any], CleanedPage]:
    """A page cleaned for the reading pane (in a worker process): its reader record and the page itself."""
    if cleaned.page.tree is not None:  # the loader's parse: not sent back
        cleaned = replace(cleaned, page=replace(cleaned.page, tree=None))
    return reader_record(cleaned), cleaned


def remembered_page(value: tuple[dict[str, Any], CleanedPage]) -> dict[str, Any]:
    return remembered(value[0])


def without_story(record: dict[str, Any]) -> dict[str, Any]:
    """A reader record whose story signature the cache kept: the reader clusters from the cache."""
    return {k: v for k, v in record.items() if k != "story"}


def summary_only(record: dict[str, Any]) -> dict[str, Any]:
    """The summary part of a reader record."""
    return {k: v for k, v in record.items() if k not in ("learned", "story")}


def remembered(record: dict[str, Any]) -> dict[str, Any]:
    """What the result cache keeps of a reader record: the summary and, apart, the story signature (recalled
    only for clustering, so a reopened list does not wait for it). Not the body: the cache stays small."""
    return {MEMO: summary_only(record), STORY: Encoded(signature_json_text(record["story"]))}


# A summary's fields in the order PageSummary declares them after its place: how a whole folder's summaries
# are kept in one row of the cache (a list per page).
SUMMARY_FIELDS = ("title", "site", "date", "words_kept", "words_removed", "removed_by", "error", "cleaner_errors")
FIELDS_FROM = PageSummary._fields.index(SUMMARY_FIELDS[0])
PENDING_SUMMARY = PageSummary(0, "")[2:]  # a page not yet cleaned: every field after its place


def from_record(index: int, page_id: str, record: dict[str, Any], generation: int) -> PageSummary:
    return PageSummary(index=index, id=page_id, generation=generation, **summary_only(record))


def summarise(index: int, page_id: str, cleaned: CleanedPage, generation: int) -> PageSummary:
    return from_record(index, page_id, summary_record(cleaned), generation)


MEMO = "reader-summary-2"  # the kinds of value the reader keeps in the result cache: a page's summary ...
STORY = "reader-story-2"  # ... and its story signature
FOLDER = "reader-folder-2"  # every page's summary of a whole folder (a list per page, in folder order) ...
FOLDER_STORIES = "reader-stories-1"  # ... and its stories of 2+ pages (lists of page positions)
LEARNING = "learning from the folder"  # the phase (Library.phase) while the folder is learned
GONE = "folder gone, cleaned"  # the phase once a folder given vanished while it was learned or cleaned
NOT_LEARNED = "not yet cleaned of the site's template: the folder is still being learned"
FIT_IN_WORKER = 500  # pages: a folder this big learns in a worker process (a smaller one is learned at once)
PUBLISH_EVERY = 0.05  # seconds: discovery shows what it found at least this often


class Library:
    """Pages under ``paths`` cleaned by ``pipeline``; safe to use from one UI thread and worker threads.

    ``jobs``: worker processes for background cleaning (default: one per CPU); 0 cleans in threads.
    ``use_cache``/``cache_dir``: the result cache (default: the user cache folder); never inside ``paths``.
    """

    def __init__(
        self,
        paths: Sequence[str],
        pipeline: Pipeline,
        *,
        keep: int = 24,
        jobs: int | None = None,
        use_cache: bool = True,
        cache_dir: Path | None = None,
        listener: Listener | None = None,
    ) -> None:
        self.paths = list(paths)
        self.warnings: list[str] = []  # what went wrong with the cache or the workers (also told as Problem)
        # The folder session: its limits, its cache and its events (what the reader is told of the work).
        self.session = FolderSession(
            self.paths, pipeline, jobs=default_jobs() if jobs is None else max(0, jobs), use_cache=use_cache,
            cache_dir=cache_dir, listener=self._relay(listener),
        )  # fmt: skip
        self._pipeline = pipeline
        self.generation = 0
        self.version = 0  # bumped whenever something shown changed
        self.discovered = False
        self.phase = "finding pages"
        # A path given that vanished (moved, removed, unmounted) while the folder was learned or cleaned: the
        # cleaning stopped there, what was cleaned is kept, the rest waits for :meth:`resume`.
        self.gone: str | None = None
        self._learned_partly = False  # learned while the folder vanished: learned again on resume
        self._filled: set[str] = set()  # the folders given that held entries when listed (see vanished)
        self.sources: list[Source] = []
        self.summaries: list[PageSummary] = []
        self._keep = keep
        self._cache: OrderedDict[int, CleanedPage] = OrderedDict()
        # Pages cleaned without what the folder teaches, while it is being learned (seconds for a big folder):
        # kept until it is learned, so stepping through the list meanwhile shows each page at once too.
        self._unlearned: OrderedDict[int, CleanedPage] = OrderedDict()
        self._reading_to_learn = False  # the folder is read to learn it (seconds), not taken from the cache
        self._lock = threading.Lock()
        self._fit_lock = threading.Lock()
        self._discover_lock = threading.Lock()
        self._fitted: set[str] = set()
        self._listed: tuple[list[Source], int] | None = None  # the first listing, for the session (see clean_all)
        self._folder_epoch = 0  # bumped when the folder changed: learning begun before learned another folder
        self._done = 0
        self._totals: dict[str, int] = {}
        self.jobs = self.session.jobs
        self.cache_dir = self.session.cache_dir
        self.use_cache = self.session.use_cache
        if self.jobs:
            # Start multiprocessing's helper now: once Textual runs, sys.stderr has no file descriptor to give it.
            resource_tracker.ensure_running()
        self._results: ResultCache | None = None
        self._pool: Workers | None = None
        self._bg: BackgroundCleaner[dict[str, Any]] | None = None
        self._fps: tuple[Pipeline, frozenset[str], list[str | None]] | None = None
        self._closed = False
        self._recalled = PENDING  # the generation whose summaries were last looked up in the cache
        self.from_cache = 0  # pages whose summary came from the cache with the current pipeline
        # Set once what the cache knows is shown (or once the folder must be read to learn it first): until
        # then other heavy work in this process (hashing for triage) waits, not to slow the reopen down.
        self.recalled = threading.Event()
        self._found_all = threading.Event()  # discovery is over
        self._fit_keys: dict[str, bytes] = {}  # where the result cache keeps what folder-level cleaners learned
        self._stamps: list[FileStamp | None] | None = None
        # The folder as the last recall found it: (generation, pipeline key, digest of every file's stamp). What
        # the whole folder came to is kept under it once known (see _remember_folder).
        self._folder_state: tuple[int, str, bytes] | None = None
        self._folder_kept = PENDING  # the generation whose folder summaries the cache holds
        self._root = json.dumps([os.path.abspath(p) for p in self.paths])
        self._oneoffs: list[Workers] = []  # processes learning or clustering the folder
        # The page being read (and its neighbours, its story's versions) is cleaned by a worker process of its
        # own, never in this one: a cleaner stuck in C code here would hold the interpreter and freeze the keys.
        self._reader: Workers | None = None
        self._reading_jobs: dict[tuple[Any, ...], Job[tuple[dict[str, Any], CleanedPage]]] = {}
        self._rebuilds: tuple[Pipeline, bool] | None = None
        self._reader_ready = threading.Event()  # the reading worker has built the cleaners (or failed to)
        if self.jobs and all(s.info.origin.startswith(("built-in", "plugin", "file ")) for s in pipeline.stages):
            self.start_reading_worker()  # (cleaners from code cannot be rebuilt there: see _in_worker)
        self.learned = 0  # how many times folder-level cleaners finished learning (pages cleaned before: again)
        # Told what cleaning learned about each page it cleaned (its page id; title, site, date, body start): for
        # triage. By id: a rescan may number the pages anew while a page is being cleaned.
        self.on_cleaned: Callable[[str, dict[str, Any]], None] | None = None
        # Story clusters (see newsread.cleaners.clusters): a small signature per cleaned page, clustered once
        # every page is cleaned; until then (and while re-cleaning) the last clusters found stay.
        self._stories: StoryIndex[int] = StoryIndex()
        # (page index -> first page of its story, first page -> the story's pages), for stories of 2+ pages;
        # replaced whole so readers on any thread see both parts of one grouping.
        self._found: tuple[dict[int, int], dict[int, list[int]]] = ({}, {})
        self.clusters_generation = PENDING  # pipeline generation the clusters were found with
        self._story_known: set[int] = set()  # pages whose signature is in _stories (or that have none)

    # -- events (any thread) ----------------------------------------------------------------------
    def _relay(self, listener: Listener | None) -> Listener:
        def relay(event: Event) -> None:
            if isinstance(event, Problem):
                self.warnings.append(event.message)
            if listener is not None:
                listener(event)

        return relay

    def _warn(self, message: str) -> None:
        self.session.emit(Problem(message))

    def _changed(self) -> None:
        """Something shown changed (call with the lock held): told as :class:`Progress`."""
        self.version += 1
        self.session.emit(Progress(self._done, len(self.summaries)))

    # -- reading state (any thread) ---------------------------------------------------------------
    @property
    def pipeline(self) -> Pipeline:
        return self._pipeline

    def __len__(self) -> int:
        return len(self.summaries)

    @property
    def done(self) -> int:
        """Pages cleaned with the current pipeline."""
        return self._done

    @property
    def complete(self) -> bool:
        return self.discovered and self._done >= len(self.summaries)

    def folder_removed_by(self) -> dict[str, int]:
        """Words each cleaner removed over the pages cleaned so far with the current pipeline."""
        with self._lock:
            return dict(self._totals)

    def errors(self) -> int:
        return sum(1 for s in self.summaries if s.error)

    def peek(self, index: int, *, unlearned: bool = True) -> CleanedPage | None:
        """The cleaned page if it is at hand for the current pipeline (never loads or cleans); ``unlearned``:
        also one cleaned without what the folder teaches, while it is being learned."""
        with self._lock:
            cleaned = self._cache.get(index)
            if cleaned is not None:
                self._cache.move_to_end(index)
                return cleaned
            return self._unlearned.get(index) if unlearned else None  # (none once the folder is learned)

    # -- the result cache -------------------------------------------------------------------------
    def _result_cache(self) -> ResultCache | None:
        if not self.use_cache or self._closed:
            return None
        with self._lock:
            if self._results is None:
                self._results = ResultCache(self.cache_dir)
                for warning in self._results.warnings:
                    self._warn(warning)
                self._results.warnings = []
            return self._results if self._results.usable else None

    def _fingerprints(self, pipeline: Pipeline) -> list[str | None]:
        learned = frozenset(self._fitted)  # fitting changes the fingerprints of the same pipeline
        found = self._fps
        if found is None or found[0] is not pipeline or found[1] != learned:
            found = (pipeline, learned, stage_fingerprints(pipeline))
            self._fps = found
        return found[2]

    def _memo_key(self, pipeline: Pipeline) -> str | None:
        return pipeline_key(self._fingerprints(pipeline))  # None until folder-level cleaners have learned

    def _file_stamps(
        self, sources: Sequence[Source], indices: Iterable[int], taken: Sequence[FileStamp | None] | None = None
    ) -> tuple[list[FileStamp], dict[bytes, int]]:
        """Where each page's file is now (pages whose file is gone are left out), and each file's page.
        ``taken``: stamps of every page taken a moment ago (by :meth:`recall`), used instead of new ones."""
        files: list[FileStamp] = []
        index_of: dict[bytes, int] = {}
        fresh = taken is None or len(taken) != len(sources)
        for i in indices:
            stamp = FileStamp.of(sources[i]) if fresh else taken[i]  # type: ignore[index]
            if stamp is not None:
                files.append(stamp)
                index_of[stamp.ident] = i
        return files, index_of

    def _recall(self, start: int, end: int, generation: int) -> None:
        """Summaries of pages ``start:end`` that the cache holds for unchanged files (no file is read)."""
        cache = self._result_cache()
        pkey = self._memo_key(self._pipeline)
        if cache is None or pkey is None:
            return
        with self._lock:  # (a rescan numbers the pages anew, in new lists, with a new generation)
            if generation != self.generation:
                return
            sources, shown = self.sources, self.summaries
        files, index_of = self._file_stamps(sources, range(start, end), self._stamps)
        found = cache.recall(files, pkey, MEMO)
        summaries: list[PageSummary] = []
        for ident, raw in found.items():
            i = index_of[ident]
            try:
                summaries.append(from_record(i, shown[i].id, json.loads(raw), generation))
            except (ValueError, TypeError):  # a damaged or older row: clean the page again
                continue
        self._record(summaries, generation, cached=True)

    def _record(self, summaries: Sequence[PageSummary], generation: int, *, cached: bool = False) -> bool:
        """Show ``summaries`` if they are still current; True when they were. ``cached``: they came from the
        result cache (counted in :attr:`from_cache` with them: whoever sees the folder complete sees it counted)."""
        with self._lock:
            if generation != self.generation:
                return False
            if cached:
                self.from_cache += len(summaries)
            for summary in summaries:
                index = summary.index
                if self.summaries[index].generation != generation:
                    self._done += 1
                    for name, words in summary.removed_by.items():
                        self._totals[name] = self._totals.get(name, 0) + words
                self.summaries[index] = summary
            self._changed()
            return True

    # -- work (worker threads) --------------------------------------------------------------------
    def discover(self) -> None:
        """Find the pages, publishing rows (and what the cache knows of them) as they are found."""
        with self._discover_lock:
            if self.discovered:
                return
            found: list[Source] = []
            last = time.monotonic()
            started = time.time_ns()  # (files written after have changed: see look_again)
            for source in iter_sources(self.paths):
                found.append(source)
                if len(found) >= 4096 or time.monotonic() - last >= PUBLISH_EVERY:
                    self._publish(found)
                    found = []
                    last = time.monotonic()
            self._publish(found)
            if self._memo_key(self._pipeline) is not None:
                self._recalled = self.generation  # _publish looked every page up (not before fitting: no key)
            # A big folder is hundreds of thousands of long-lived objects (sources, summaries): keep the
            # collector from walking them all again and again, which shows as pauses between keys.
            freeze_listing()
            with self._lock:
                self.discovered = True
                self.phase = "cleaning"
                self._changed()
            self._filled = {p for p in self.paths if _has_entries(p)}
            self._found_all.set()
            self.session.emit(PagesFound(len(self.sources)))
            self._listed = (self.sources, started)  # told to the session once the folder is cleaned (idle)

    def look_again(self) -> FolderChanges | None:
        """The folder listed again by the folder session: pages added, changed and removed since it was last
        listed (worker thread; None before discovery). Nothing changes here until :meth:`rescan` takes it."""
        if not self.discovered:
            return None
        listed, self._listed = self._listed, None
        if listed is not None:  # (looked again before the folder was cleaned: the first listing first)
            self.session.listed(*listed)
        return self.session.look_again(self.sources)

    def rescan(self, changes: FolderChanges) -> None:
        """Take the folder as :meth:`look_again` found it (UI thread): pages gone leave, new ones follow the others
        (the pages' places in the list do not move), and every page is taken again: unchanged files come back
        from the result cache, changed and new ones are cleaned again (by :meth:`clean_all`). When the folder
        session says so, folder-level cleaners learn the changed folder first. Pages are numbered anew: see
        :meth:`FolderChanges.moved`."""
        if not changes.any:
            return
        with self._lock:
            old, moved = self.summaries, changes.moved()
            make, pending = PageSummary._make, PENDING_SUMMARY
            self.sources = list(changes.sources)  # new lists: a worker holding the old ones reads them whole
            self.summaries = [
                old[b]._replace(index=i) if b >= 0 else make((i, one_line(s.id), *pending))
                for i, (b, s) in enumerate(zip(changes.before, changes.sources, strict=True))
            ]
            members = self._found[1]
            groups = [[moved[i] for i in group if i in moved] for group in members.values()]
            kept = {g[0]: g for g in groups if len(g) > 1}  # (the stories are found again once all are cleaned)
            self._found = ({i: first for first, g in kept.items() for i in g}, kept)
            self._stamps = None
            self._folder_state = None
            if changes.relearn(self._pipeline):
                self._folder_epoch += 1  # learning under way learned the folder as it was
                self._fitted.clear()
                self._fit_keys = {}
            self._new_generation(self._pipeline)  # (with the new lists: a worker sees both or neither)

    def _publish(self, found: list[Source]) -> None:
        if not found:
            return
        with self._lock:
            start = len(self.sources)
            self.sources.extend(found)
            make, pending = PageSummary._make, PENDING_SUMMARY
            self.summaries.extend(make((start + k, one_line(s.id), *pending)) for k, s in enumerate(found))
            generation = self.generation
            self._changed()
        self._recall(start, start + len(found), generation)

    def _fitters(self, pipeline: Pipeline) -> set[str]:
        return {s.name for s in pipeline.fitters}

    def ensure_fitted(self) -> None:
        """Let folder-level cleaners learn from every page once, before any page is cleaned with them."""
        with self._fit_lock:
            pipeline, epoch = self._pipeline, self._folder_epoch
            wanted = self._fitters(pipeline)
            if wanted <= self._fitted:
                return
            self.discover()  # learning from part of the folder would be learning something else
            cache = self._result_cache()
            keys: dict[str, bytes] = {}
            if cache is not None:
                stamps = self._stamps = [FileStamp.of(s) for s in self.sources]
                keys = {s.name: folder_key(stamps, s) for s in pipeline.active if s.name in wanted}
                for name, key in keys.items():
                    state = cache.fit_state(key, name)
                    if state is not None:  # learned from these very files before: no page is read
                        pipeline.adopt({name: state})
                        self._fitted.add(name)
            if not wanted <= self._fitted:
                self.phase = LEARNING
                self._changed()
                self.recalled.set()  # nothing in the cache for this folder as it is now
                self._reading_to_learn = True
                self._fit(pipeline)
                if self._stopped_as_gone():  # learned from part of the folder: not kept, learned again on resume
                    self._learned_partly = True
                    keys = {}
                if epoch == self._folder_epoch:  # (else the folder changed meanwhile: learned again when asked)
                    self._fitted |= wanted
                    if cache is not None:
                        for name, key in keys.items():
                            if name in pipeline.folder_state:
                                cache.remember_fit(key, name, pipeline.folder_state[name])
            self._fps = None  # what was learned is part of the fingerprints (a changed folder: the same names)
            if cache is not None:  # where workers find what was learned (when the cache could keep it)
                self._fit_keys = {n: k for n, k in keys.items() if cache.has_fit(k, n)}
            with self._lock:
                self._reading_to_learn = False
                if self.gone is None:  # (else the pages cleaned meanwhile are all the folder left to show)
                    self._unlearned.clear()  # cleaned without what was just learned: clean them again
                self.phase = "cleaning" if self.gone is None else GONE
                self.learned += 1
                self._changed()
            self.session.emit(FolderLearned(()))  # (the problems were told as they came)

    def _fit(self, pipeline: Pipeline) -> None:
        """Every folder-level cleaner learns from one reading of the folder: in worker processes when there
        are workers (reading a big folder takes seconds of CPU and memory the reader should not spend). When
        the cleaners learn from parts of the folder, every worker reads parts of it (the workers that clean
        it next: they are started meanwhile); otherwise each cleaner in a process of its own reads it all,
        stopped at the learning limit (see :func:`fit_watched`: forked, or where there is no fork, spawned with a
        recipe to build the pipeline and read the pages)."""
        spec = PipelineSpec.of(pipeline)
        big = self.jobs and len(self.sources) >= FIT_IN_WORKER
        if big and pipeline.fits_in_chunks() and rebuildable(pipeline, spec):
            try:
                learned, problems = fit_folder(spec, self.sources, pool=self._worker_pool(), jobs=self.jobs)
            except Exception as exc:  # a worker died: learn here instead (unless the reader is closing)
                if self._closed:
                    return
                if isinstance(exc, LearningStopped):  # (learning again would overrun again)
                    self._release_pool()
                    self._warn(stopped_in_parts([s.name for s in pipeline.fitters], exc))
                    return
                self._release_pool()  # a pool with a dead worker is broken: the next work starts a new one
                self._warn(f"learning from the folder in a worker failed ({type(exc).__name__}: {exc})")
            else:
                pipeline.adopt(learned)
                pipeline.problems.extend(problems)
                for warning in problems:
                    self._warn(warning)
                return
        known = len(pipeline.problems)
        limit = pipeline.max_learn_seconds if self.jobs else None  # (no jobs: no process but this one)
        recipe = Recipe(spec.build, self.sources, pipeline.max_bytes)
        fit_watched(pipeline, (self.session.load(s) for s in self.sources), limit, quiet=True, recipe=recipe)
        for warning in pipeline.problems[known:]:
            self._warn(warning)

    def _in_own_process(self, fn: Callable[..., R], *args: Any) -> R:
        """``fn(*args)`` in a fresh process that ends with it: reading a whole folder or all its story
        signatures takes memory that would otherwise stay with a long-lived process."""
        pool = make_pool(1, self.cache_dir, self.use_cache, nice=10, limit=self._pipeline.max_seconds, quiet=True)
        with self._lock:
            if self._closed:
                pool.shutdown()
                raise RuntimeError("the reader is closing")
            self._oneoffs.append(pool)
        try:
            result: R = pool.submit(fn, *args, watched=False).result()
            return result
        finally:
            with self._lock:
                self._oneoffs.remove(pool)
            pool.shutdown(wait=False)

    def _release_pool(self) -> None:
        """Let the background workers go (every page is cleaned): they are started again when needed."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)

    def _worker_pool(self) -> Workers:
        with self._lock:
            if self._pool is None:
                self._pool = make_pool(
                    self.jobs, self.cache_dir, self.use_cache, nice=10, limit=self._pipeline.max_seconds, quiet=True
                )
            return self._pool

    def _small_folder(self) -> bool:
        """Few enough pages to learn from at once (found within a moment): its first page need not be shown
        before the folder is learned, then again after (a flicker)."""
        if len(self.sources) >= FIT_IN_WORKER:
            return False  # big already, however many more are found (100k pages: listed in ~0.6 s)
        self._found_all.wait(0.3)
        return self.discovered and len(self.sources) < FIT_IN_WORKER

    @property
    def learning(self) -> bool:
        """Folder-level cleaners have yet to learn from the folder (see ``clean(wait=False)``)."""
        return not self._fitters(self._pipeline) <= self._fitted

    def recall(self) -> None:
        """Everything the result cache knows of the folder, cleaning nothing: find the pages, learn the folder
        (from the cache when it did not change) and take every summary the cache holds (worker thread)."""
        self.discover()
        generation = self.generation
        self.ensure_fitted()  # before recalling: what folder-level cleaners learned is part of the cache keys
        self._take_folder_state(generation)
        if self._recalled != generation:
            self._recalled = generation
            if not self._recall_folder(generation):
                self.recall_all()
        self._remember_folder(generation)  # when every summary came from the cache page by page
        self._stamps = None  # taken for this recall only: files change
        self.recalled.set()
        with self._lock:
            self._changed()  # (told: collections held for the start may resume)

    # -- a whole folder at once ---------------------------------------------------------------------
    def _take_folder_state(self, generation: int) -> None:
        """Note the folder's files as they are now (stamps taken by learning are reused)."""
        cache = self._result_cache()
        pkey = self._memo_key(self._pipeline)
        if cache is None or pkey is None:
            self._folder_state = None
            return
        stamps = self._stamps
        if stamps is None or len(stamps) != len(self.sources):
            stamps = [FileStamp.of(s) for s in self.sources]
        self._folder_state = (generation, pkey, stamps_digest(stamps))

    def _recall_folder(self, generation: int) -> bool:
        """Every summary (and the stories) from the one row the cache keeps for the folder as it is now."""
        state, cache = self._folder_state, self._result_cache()
        if state is None or state[0] != generation or cache is None:
            return False
        _, pkey, stamps = state
        rows = cache.recall_folder(self._root, pkey, FOLDER, stamps)
        if rows is None:
            return False
        ids = [s.id for s in self.summaries]
        try:
            if len(rows) != len(ids) or any(len(row) != len(SUMMARY_FIELDS) for row in rows):
                return False
            make = PageSummary._make  # (the lengths are checked: a tuple is made without the keyword handling)
            summaries = [make((i, ids[i], generation, *row)) for i, row in enumerate(rows)]
        except TypeError:  # kept by another version: page by page
            return False
        if not self._record(summaries, generation, cached=True):
            return True
        self._folder_kept = generation
        groups = cache.recall_folder(self._root, pkey, FOLDER_STORIES, stamps)
        if groups is not None:
            try:
                members = {g[0]: g for g in groups if len(g) > 1 and all(0 <= i < len(ids) for i in g)}
            except (TypeError, IndexError, KeyError):
                return True  # the stories are found again from the pages' signatures
            with self._lock:
                if generation == self.generation:
                    self._set_stories(members, generation)
        return True

    def _remember_folder(self, generation: int) -> None:
        """Once every page has its summary: keep them all as one row of the cache, for the next reopen."""
        state, cache = self._folder_state, self._result_cache()
        if state is None or state[0] != generation or cache is None or self._folder_kept == generation:
            return
        with self._lock:
            if generation != self.generation or not self.complete:
                return
            if any(s.generation != generation for s in self.summaries):
                return
            rows = [list(s[FIELDS_FROM:]) for s in self.summaries]
            self._folder_kept = generation
        cache.remember_folder(self._root, state[1], FOLDER, state[2], rows)

    def clean_all(self, cancelled: Callable[[], bool] = lambda: False) -> None:
        """Clean every page not yet cleaned with the current pipeline: in worker processes when the
        pipeline can be rebuilt there, else here, page by page. Returns early when the pipeline changes."""
        try:
            self._clean_all(cancelled)
        finally:
            listed, self._listed = self._listed, None
            if listed is not None and not self._closed:  # (a stat a page: not while the first screen is wanted)
                self.session.listed(*listed)

    def vanished(self) -> str | None:
        """A path given that is gone now: removed, moved away, or a folder that held entries when it was listed and
        is empty now (unmounted; a folder given empty is not gone)."""
        for path in self.paths:
            try:
                if os.path.isdir(path):
                    if path in self._filled and not _has_entries(path):
                        return path
                elif not os.path.lexists(path):
                    return path
            except OSError:  # (cannot be listed any more: gone for the reader too)
                return path
        return None

    def _stopped_as_gone(self) -> bool:
        """Whether a path given vanished (asked when a page could not be read): then the cleaning stops there,
        the pages cleaned keep their summaries, and the others wait (:attr:`gone`, :meth:`resume`)."""
        if self.gone is not None:
            return True
        path = self.vanished()
        if path is None:
            return False
        with self._lock:
            self.gone = path
            self.phase = GONE
            self._changed()
        return True

    def resume(self) -> bool:
        """The folder that vanished is back (the rescan that found it calls this): its pages not cleaned yet are
        cleaned when asked (``clean_all``), and what was learned from part of it is learned again. True if the
        folder had vanished."""
        if self.gone is None or self.vanished() is not None:
            return False
        with self._lock:
            self.gone = None
            self.phase = "cleaning"
            if self._learned_partly:  # the pages cleaned with it are cleaned again too (as a rescan that relearns)
                self._learned_partly = False
                self._folder_epoch += 1
                self._fitted.clear()
                self._fit_keys = {}
                self._stamps = None
                self._folder_state = None
                self._new_generation(self._pipeline)
            self._changed()
        return True

    def _clean_all(self, cancelled: Callable[[], bool]) -> None:
        generation, pipeline = self.generation, self._pipeline
        self.recall()
        if self.gone is not None:
            return  # (until the folder is back: see resume)
        with self._lock:
            if generation != self.generation:
                return
            sources, shown = self.sources, self.summaries  # (a rescan makes new lists: these stay whole)
        pending = [i for i, s in enumerate(shown) if s.generation != generation]
        if not pending or self._closed:
            return
        spec = PipelineSpec.of(pipeline)
        if self.jobs and rebuildable(pipeline, spec):
            job = Job.of(
                spec,
                reader_record,
                pipeline.folder_state,
                MEMO if self._memo_key(pipeline) else None,
                remembered,
                {n: k for n, k in self._fit_keys.items() if n in pipeline.folder_state},
                without_story,
            )
            if self._reader is not None:  # the page on screen first: the background workers start once it can be
                self._reader_ready.wait(READER_HEAD_START)
            pool = self._worker_pool()
            with self._lock:
                if generation != self.generation or self._closed:
                    return
                bg = self._bg = BackgroundCleaner(pool, job, sources, pending)
            try:
                for index, record in bg:
                    if cancelled() or generation != self.generation:
                        break
                    if record["error"] is not None and self._stopped_as_gone():
                        break
                    self._record([from_record(index, shown[index].id, record, generation)], generation)
                    if "story" in record:  # (else the cache has it: see without_story)
                        self._add_story(index, record["story"], generation)
                    if self.on_cleaned is not None and "learned" in record:
                        self.on_cleaned(sources[index].id, record["learned"])
            except Exception as exc:  # a worker died (out of memory, killed): finish here, in threads
                self._warn(f"background cleaning failed ({type(exc).__name__}: {exc}); continuing here")
                self.jobs = 0
            finally:
                bg.close()
                for warning in bg.warnings:
                    self._warn(warning)
            if self.jobs:
                if self.complete and generation == self.generation:
                    self._release_pool()  # idle workers would hold their memory for the whole session
                    self._remember_folder(generation)
                return
        for index in pending:
            if cancelled() or generation != self.generation or self._closed or self.gone is not None:
                return
            if shown[index].generation != generation:
                self.clean(index, keep=False)  # (clean tells on_cleaned)
        self._remember_folder(generation)

    def clean(self, index: int, *, keep: bool = True, wait: bool = True, lane: str = NOW) -> CleanedPage:
        """Load and clean page ``index`` with the current pipeline (or return it from the cache).

        ``lane``: how the reading worker takes it (see LANES): the page shown (SHOWN) and pages cleaned ahead
        (AHEAD) may be given up for a page opened later (then :class:`Abandoned` is raised).

        ``wait=False``: while a big folder is still being learned (seconds), clean the page
        without what folder-level cleaners would have learned rather than wait; such a page says so, is kept
        only until the folder is learned, and :attr:`learned` changes then (clean it again).
        """
        cached = self.peek(index, unlearned=not wait)  # (waiting: only a page cleaned with what was learned)
        if cached is not None:
            return cached
        if not wait and self.learning and not self._small_folder():
            return self._clean_unlearned(index, lane)
        self.ensure_fitted()
        generation, pipeline, sources, shown = self._numbering()
        if not 0 <= index < len(sources):
            raise Abandoned(f"page {index} left the folder", -1)  # (a rescan numbered the pages anew meanwhile)
        bg = self._bg
        if keep and bg is not None:
            bg.skip(index)  # being cleaned here; and the next pages are likely read next
            for ahead in range(min(index + 4, len(sources)) - 1, index, -1):
                if shown[ahead].generation != generation:
                    bg.prioritize(ahead)
        source = sources[index]
        cache = self._result_cache()
        # Remember the summary unless the list has it already (then the cache has it too, or cannot).
        memo = MEMO if self._memo_key(pipeline) and shown[index].generation != generation else None
        captured: list[CleanedPage] = []

        def capture(cleaned: CleanedPage) -> dict[str, Any]:
            captured.append(cleaned)
            return reader_record(cleaned)

        if self._in_worker(pipeline):
            record, cleaned = self._clean_in_worker(index, source, pipeline, memo, generation, lane=lane)
        else:
            job = Job(PipelineSpec.of(pipeline), capture, memo=memo, keep=remembered)
            record = clean_with(job, pipeline, self._fingerprints(pipeline), cache, source)
            cleaned = captured[0]
        if cache is not None and memo is not None:
            cache.flush()
        if record["error"] is not None and self._stopped_as_gone():
            return cleaned  # (why it cannot be read; the list keeps the page as not cleaned, for when it is back)
        summary = from_record(index, shown[index].id, record, generation)
        self._add_story(index, record["story"], generation)
        if self.on_cleaned is not None:  # every way a page gets cleaned here (shown, prefetched, versions)
            self.on_cleaned(source.id, record["learned"])
        with self._lock:
            if generation == self.generation and keep:
                self._cache[index] = cleaned
                while len(self._cache) > self._keep:
                    self._cache.popitem(last=False)
        if shown[index].generation != generation:  # else the list shows it already: no redraw
            self._record([summary], generation)
        return cleaned

    def _numbering(self) -> tuple[int, Pipeline, list[Source], list[PageSummary]]:
        """The generation, pipeline, pages and summaries as one: page ``i`` of either list is the same page."""
        with self._lock:
            return self.generation, self._pipeline, self.sources, self.summaries

    def _clean_unlearned(self, index: int, lane: str = NOW) -> CleanedPage:
        """Page ``index`` cleaned without what the folder is teaching (it is being learned), saying so; kept
        until the folder is learned."""
        learned = self.learned
        generation, pipeline, sources, _ = self._numbering()
        if not 0 <= index < len(sources):
            raise Abandoned(f"page {index} left the folder", -1)
        if self._in_worker(pipeline):  # the fitters learned nothing: no marks
            job = (index, sources[index], pipeline, None, generation)
            cleaned = self._clean_in_worker(*job, unlearned=True, lane=lane)[1]
        else:
            cleaned = clean_here(pipeline, sources[index])
        cleaned = replace(cleaned, cleaning_notes=(*cleaned.cleaning_notes, NOT_LEARNED))
        with self._lock:
            if learned == self.learned and generation == self.generation and self.learning:
                self._unlearned[index] = cleaned
                while len(self._unlearned) > self._keep:
                    self._unlearned.popitem(last=False)
        return cleaned

    def _in_worker(self, pipeline: Pipeline) -> bool:
        """Whether pages are cleaned by the reading worker (there are workers and they can rebuild ``pipeline``)."""
        if not self.jobs or self._closed:
            return False
        found = self._rebuilds
        if found is None or found[0] is not pipeline:
            found = self._rebuilds = (pipeline, rebuildable(pipeline, PipelineSpec.of(pipeline)))
        return found[1]

    def start_reading_worker(self) -> None:
        """Start the process that cleans the page being read, and have it build the cleaners, so that the first
        page does not wait for either."""
        self._reading_worker()

    def _reading_worker(self) -> Workers:
        with self._lock:
            if self._closed:
                raise RuntimeError("the reader is closing")
            if self._reader is None:
                pipeline = self._pipeline
                limit = pipeline.max_seconds
                self._reader = make_pool(1, self.cache_dir, self.use_cache, limit=limit, quiet=True)
                ready = self._reader.submit(prepare, PipelineSpec.of(pipeline), watched=False)
                ready.add_done_callback(lambda _: self._reader_ready.set())
            return self._reader

    def _clean_in_worker(
        self,
        index: int,
        source: Source,
        pipeline: Pipeline,
        memo: str | None,
        generation: int,
        *,
        unlearned: bool = False,
        lane: str = NOW,
    ) -> tuple[dict[str, Any], CleanedPage]:
        """Page ``index`` cleaned by the reading worker; a page whose worker was stopped (past the time limit) or
        ended is a page that says so, and the reader goes on."""
        folder = dict(pipeline.folder_state)
        key = (generation, self.learned, unlearned, memo, tuple(sorted(folder)))
        job = self._reading_jobs.get(key)
        if job is None:  # (what the folder taught goes to the worker once per job)
            job = Job.of(PipelineSpec.of(pipeline), reader_page, folder, memo, remembered_page)
            self._reading_jobs = {k: v for k, v in self._reading_jobs.items() if k[0] == generation}
            self._reading_jobs[key] = job
        pool = self._reading_worker()
        chunk = [(index, source)]
        urgent, abandonable = LANES[lane]
        future = submit_chunk(pool, job, chunk, urgent=urgent, abandonable=abandonable)
        results, warnings = settle(pool, job, chunk, future)
        for warning in warnings:
            self._warn(warning)
        return results[0][1]

    def prefetch(self, index: int, around: int = 2, cancelled: Callable[[], bool] = lambda: False) -> None:
        """Clean the pages next to ``index`` into memory, so stepping through the list shows them at once.
        ``cancelled``: asked between pages (another page was opened: its neighbours are wanted instead).
        While the folder is being learned they are cleaned without it, as the page shown was."""
        if self.learning and (not self._reading_to_learn or self._small_folder()):
            return  # learned in a moment (from the cache, or a small folder): then cleaned with what it taught
        generation = self.generation
        for near in (*range(index + 1, index + 1 + around), index - 1):
            if generation != self.generation or self._closed or cancelled():
                return
            if 0 <= near < len(self.sources) and self.peek(near) is None:
                try:
                    if self.learning:
                        self._clean_unlearned(near, AHEAD)
                    else:
                        self.clean(near, lane=AHEAD)
                except Abandoned:  # (a page opened meanwhile took the reading worker)
                    return

    # -- changing the pipeline (UI thread) --------------------------------------------------------
    def set_pipeline(self, pipeline: Pipeline) -> None:
        """Clean with ``pipeline`` from now on: every page is pending again (its old summary still shown)."""
        with self._lock:
            self._new_generation(pipeline)

    def _new_generation(self, pipeline: Pipeline) -> None:
        """(with the lock held) See :meth:`set_pipeline`."""
        self._pipeline = pipeline
        self.generation += 1
        self._cache.clear()
        self._unlearned.clear()
        self._done = 0
        self._totals = {}
        self.from_cache = 0
        self._stories = StoryIndex()
        self._story_known = set()
        self._changed()
        if self._bg is not None:
            self._bg.close()
            self._bg = None

    def recall_all(self) -> None:
        """After the pipeline changed: every summary the cache holds for it (worker thread)."""
        generation = self.generation
        for start in range(0, len(self.sources), 4096):
            if generation != self.generation:
                return
            self._recall(start, min(start + 4096, len(self.sources)), generation)

    def toggle(self, name: str) -> bool:
        """Switch cleaner ``name`` on or off; returns whether it is now on."""
        new = self._pipeline.toggled(name)
        self.set_pipeline(new)
        return any(s.name == name and s.enabled for s in new.stages)

    def toggle_part(self, name: str, part: str) -> bool:
        """Switch part ``part`` of cleaner ``name`` (say, one of main_content's judges) on or off; returns whether
        it is now on."""
        new = self._pipeline.with_part(name, part)
        self.set_pipeline(new)
        return new.parts(name)[part][0]

    # -- story clusters -----------------------------------------------------------------------------
    def _stories_from_cache(self) -> str | None:
        """The pipeline key under which the result cache holds every page's story signature, if it does: then
        the folder is clustered from the cache in a worker and signatures never stay in the reader's memory."""
        return self._memo_key(self._pipeline) if self._result_cache() is not None else None

    def _add_story(self, index: int, value: Any, generation: int) -> None:
        """Page ``index``'s story signature (as JSON), kept in memory when the cache cannot hold it."""
        if self._stories_from_cache() is not None:
            return
        try:
            signature = signature_from_json(value)
        except ValueError:
            return
        with self._lock:
            if generation == self.generation:
                self._stories.add(index, signature)
                self._story_known.add(index)

    def update_clusters(self) -> bool:
        """Group the pages into stories once all are cleaned with the current pipeline; True if (re)grouped.

        From the signatures the result cache holds, in a worker process (pages it has none for are cleaned
        here first); without a cache, from the signatures kept in memory.
        """
        with self._lock:
            generation = self.generation
            if not self.complete or self.clusters_generation == generation:
                return False
        pkey = self._stories_from_cache()
        state = self._folder_state
        if pkey is not None:
            found: dict[int, int] | None = self._cached_clusters(pkey)
            if found is None:
                return False
        else:
            for i in [i for i in range(len(self.sources)) if i not in self._story_known]:
                if generation != self.generation or self._closed:
                    return False
                self.clean(i, keep=False)
            with self._lock:
                if generation != self.generation:
                    return False
                stories = self._stories.copy()
            found = stories.clusters()
        members: dict[int, list[int]] = {}
        for index, first in found.items():
            members.setdefault(first, []).append(index)
        members = {first: sorted(group) for first, group in members.items() if len(group) > 1}
        with self._lock:
            if generation != self.generation:
                return False
            self._set_stories(members, generation)
        cache = self._result_cache()
        if pkey is not None and cache is not None and state is not None and state[:2] == (generation, pkey):
            cache.remember_folder(self._root, pkey, FOLDER_STORIES, state[2], list(members.values()))
        return True

    def _set_stories(self, members: dict[int, list[int]], generation: int) -> None:
        """Show the stories ``members`` (first page -> the story's pages, 2+ of them), found with the cleaners of
        ``generation`` (call with the lock held)."""
        story_of = {index: first for first, group in members.items() for index in group}
        self._found = (story_of, members)  # replaced whole: see __init__
        self.clusters_generation = generation
        self._changed()
        self.session.emit(StoriesFound(story_of))

    def _cached_clusters(self, pkey: str) -> dict[int, int] | None:
        generation = self.generation
        cache = self._result_cache()
        if cache is not None:
            cache.flush()  # what this process cleaned, for the worker to read
        extra: dict[int, Any] = {}
        for _ in range(2):  # the second time with the pages the cache had no signature for
            args = (self.cache_dir, self.sources, pkey, STORY, extra)
            try:
                found, missing = self._in_own_process(cached_clusters, *args) if self.jobs else cached_clusters(*args)
            except Exception as exc:  # a worker died: no stories this time, the reader goes on
                self._warn(f"finding the folder's stories failed ({type(exc).__name__}: {exc})")
                return None
            if not missing or extra:
                return found
            for i in missing:
                if generation != self.generation or self._closed:
                    return None
                extra[i] = signature_to_json(signature_of(self.clean(i, keep=False)))
        return found

    def cluster_members(self, index: int) -> list[int]:
        """Every page of page ``index``'s story (itself included), in folder order; just ``[index]`` when alone."""
        story_of, members = self._found
        first = story_of.get(index)
        return list(members[first]) if first is not None else [index]

    @property
    def has_stories(self) -> bool:
        """Some page of the folder has another version (a story badge shows in the list)."""
        return bool(self._found[0])

    def cluster_size(self, index: int) -> int:
        """How many versions page ``index``'s story has in the folder (1: none but itself, or not known yet)."""
        story_of, members = self._found
        first = story_of.get(index)
        return len(members[first]) if first is not None else 1

    def story_versions(self, index: int, cleaned: CleanedPage) -> tuple[list[int], VersionComparison] | None:
        """The other versions of page ``index``'s story and how ``cleaned`` compares with them, paragraph by
        paragraph; None when the page has no other versions. Cleans the other versions (worker thread)."""
        generation, _, _, shown = self._numbering()
        others = [i for i in self.cluster_members(index) if i != index][:MAX_VERSIONS]
        if not others or cleaned.page.error:
            return None
        paragraphs = {}
        for other in others:
            try:
                version = self.clean(other, keep=False, lane=AHEAD)
            except Abandoned:  # (a page opened meanwhile took the reading worker)
                return None
            if generation != self.generation:
                return None  # the pages were numbered anew (a rescan) meanwhile
            paragraphs[shown[other].id] = version.paragraphs
        return others, compare_versions(cleaned.paragraphs, paragraphs)

    def close(self) -> None:
        """Stop background work and let go of the worker processes and the cache."""
        with self._lock:
            self._closed = True
            if self._bg is not None:
                self._bg.close()
            pool, self._pool = self._pool, None
            reader, self._reader = self._reader, None
            results, self._results = self._results, None
            oneoffs = list(self._oneoffs)
        if reader is not None:
            reader.terminate()
        if pool is not None:
            pool.terminate()  # a worker stuck on a page is not waited for
        for oneoff in oneoffs:  # learning or clustering a big folder: stop it now, not when it is done
            oneoff.terminate()
        if results is not None:
            results.close()
