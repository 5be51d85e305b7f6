"""One folder session: the pages under some paths, learned and cleaned by one pipeline, with its limits, the result
cache and the worker processes chosen in one place. No Textual, no typer: ``newsread clean``, ``newsread export`` and
the reader all drive a :class:`FolderSession` and subscribe to its events.

The steps, in order, each usable alone (a distributed runner maps them over parts of a folder):

=================  ==========================================================================================
list               :func:`list_pages` — every page under the paths, in folder order
learn (map)        :func:`learn_part` — what folder-level cleaners keep of consecutive pages
learn (reduce)     :func:`learn_merge` — what they learn from those parts, in order (= learning from every page)
clean              :func:`clean_pages` — pages cleaned with what was learned, one result per page
stories            :func:`find_stories` — the story clusters of the pages' signatures
look again         :func:`folder_changes` — the pages added, changed and removed since a listing
=================  ==========================================================================================

:class:`FolderSession` runs them on one machine: learning reads each page once and keeps it (up to a memory
budget) for cleaning, which then reads no file again; cleaning runs in worker processes (a stuck or crashing
cleaner costs one page, never the run) and reuses the result cache. The limits come from the pipeline
(:attr:`Pipeline.max_bytes`, :attr:`Pipeline.max_seconds`, set from the config), so every front end applies the
same ones: a page over the size limit is reported, not read, whoever reads it.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

from .batch import (
    FIT_IN_PARTS,
    PipelineSpec,
    can_fork,
    clean_ordered,
    cleaning_in_a_worker,
    fit_folder,
    make_pool,
    rebuildable,
)
from .cache import Loaded, default_cache_dir, load_for_cleaning
from .clusters import StoryIndex, StorySignature
from .learning import LearningStopped, Recipe, can_watch, fit_watched, stopped_in_parts
from .loading import Source, iter_sources, load_page
from .model import CleanedPage, Page
from .outfiles import folder_holding
from .pipeline import Pipeline
from .workers import Workers

R = TypeVar("R")
KEEP_READ_CHARS = 64_000_000  # characters of page text learning keeps for cleaning (beyond: read again)
# A file's times are stamped from a clock that may lag the one a listing is timed by (a jiffy on Linux): a file
# written this long before a listing counts as changed at the next look too. File systems that keep whole seconds
# (FAT keeps two) stamp a time up to that much earlier: a time on a whole second gets the longer margin.
LOOK_MARGIN_NS = 50_000_000
COARSE_MARGIN_NS = 2_000_000_000
# The first listing (FolderSession.listed, told late, once the pages are cleaned) keeps a stamp for the next look
# only for a file written at least this long before it began: one written later may have been written after its
# page was cleaned, and is looked at again. A look (look_again) keeps the content key of such files instead.
CLOCK_LAG_NS = 20_000_000


# -- events -------------------------------------------------------------------------------------------
class PagesFound(NamedTuple):
    """Every page under the paths is listed: ``pages`` of them."""

    pages: int


class FolderLearned(NamedTuple):
    """Folder-level cleaners learned from every page; ``problems``: what went wrong doing so."""

    problems: tuple[str, ...]


class PageCleaned(NamedTuple):
    """The page at ``position`` in :attr:`FolderSession.sources` is cleaned; ``value``: what the front end
    asked for of it."""

    position: int
    value: Any


class Progress(NamedTuple):
    done: int
    total: int


class StoriesFound(NamedTuple):
    """The folder's stories: each page's position -> its story's first page."""

    clusters: Mapping[int, int]


class Problem(NamedTuple):
    """Something the person should know (the cache could not be used, workers failed); the work goes on."""

    message: str


Event = PagesFound | FolderLearned | PageCleaned | Progress | StoriesFound | Problem
Listener = Callable[[Event], None]


class Seen(NamedTuple):
    """A file as a listing saw it: its size, modification and change times, and the key of its content then
    (None: not read; its times, taken well after it was written, tell)."""

    size: int
    mtime_ns: int
    ctime_ns: int
    content: bytes | None = None


class FolderChanges(NamedTuple):
    """The pages under the paths listed again, against an earlier listing (see :func:`folder_changes`)."""

    sources: list[Source]  # every page now: those listed before still there, in their order, then the new ones
    before: list[int]  # each of ``sources``' position in the earlier listing (-1: new)
    changed: list[int]  # positions in ``sources`` of pages listed before whose file changed since
    removed: int  # pages listed before whose file is gone
    # Files written just before this listing (or while it went on), by page id: what the next listing compares
    # them with, as their times cannot tell it whether they changed again (see LOOK_MARGIN_NS).
    recent: dict[str, Seen]

    @property
    def added(self) -> int:
        return sum(1 for b in self.before if b < 0)

    @property
    def any(self) -> bool:
        return bool(self.added or self.changed or self.removed)

    def relearn(self, pipeline: Pipeline) -> bool:
        """Whether ``pipeline``'s folder-level cleaners must learn the folder again: it is not the folder they
        learned (a site template is learned from every page: a page added, changed or gone changes it)."""
        return self.any and bool(pipeline.fitters)

    def moved(self) -> dict[int, int]:
        """Each page still there: its position before -> its position now."""
        return {b: i for i, b in enumerate(self.before) if b >= 0}


# -- the steps, each on its own ---------------------------------------------------------------------
def list_pages(paths: Iterable[str | os.PathLike[str]]) -> list[Source]:
    """Every page under ``paths``, in folder order."""
    return list(iter_sources(list(paths)))


def load(pipeline: Pipeline, source: Source) -> Page:
    """The page of ``source`` as ``pipeline`` is to clean it: within its size limit."""
    return load_page(source, max_bytes=pipeline.max_bytes)


def clean_here(pipeline: Pipeline, source: Source) -> CleanedPage:
    """One page loaded and cleaned in this process, within the pipeline's limits."""
    return pipeline.clean(load(pipeline, source))


def learn_part(spec: PipelineSpec, sources: Sequence[Source]) -> dict[str, Any]:
    """The map step of learning a folder: what the folder-level cleaners of ``spec`` keep of these consecutive
    pages (see :meth:`Pipeline.fit_chunk`)."""
    pipeline = spec.build()
    return pipeline.fit_chunk(load(pipeline, s) for s in sources)


def learn_merge(spec: PipelineSpec, parts: Sequence[Mapping[str, Any]]) -> tuple[dict[str, Any], list[str]]:
    """The reduce step: what the folder-level cleaners learn from :func:`learn_part`'s results, in folder order
    (what learning from every page would teach them), and any problems."""
    pipeline = spec.build()
    known = len(pipeline.problems)
    pipeline.fit_merge(parts)
    return pipeline.folder_state, pipeline.problems[known:]


def clean_pages(
    spec: PipelineSpec,
    learned: Mapping[str, Any],
    sources: Sequence[Source],
    transform: Callable[[CleanedPage], R],
) -> list[R]:
    """``transform`` of each page cleaned by ``spec``'s pipeline with what the folder taught (``learned``)."""
    pipeline = spec.build()
    pipeline.adopt(learned)
    return [transform(clean_here(pipeline, s)) for s in sources]


def _written(source: Source) -> tuple[int, int, int] | None:
    """The size, modification and change times of the file of ``source`` (None: it cannot be looked at)."""
    try:
        st = os.stat(source.file)
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns, st.st_ctime_ns


def _content_key(path: str) -> bytes | None:
    """A key of the bytes of the file at ``path`` (None: it cannot be read)."""
    h = hashlib.blake2b(digest_size=20)
    try:
        with open(path, "rb") as f:
            while chunk := f.read(1 << 20):
                h.update(chunk)
    except OSError:
        return None
    return h.digest()


def _near(stamp: tuple[int, ...], when_ns: int) -> bool:
    """Whether a file of ``stamp`` was written (or its times set) at ``when_ns`` or after, or so shortly before
    that its times cannot tell (see LOOK_MARGIN_NS)."""
    written = max(stamp[1], stamp[2])
    margin = COARSE_MARGIN_NS if written % 1_000_000_000 == 0 else LOOK_MARGIN_NS
    return written >= when_ns - margin


def _settled(stamp: tuple[int, int, int] | None, listed_ns: int) -> bool:
    """Whether a file of ``stamp`` is to be remembered by its times alone (see :meth:`FolderSession.listed`) for
    a listing begun at ``listed_ns``: written so shortly before it that its times cannot tell the next look, yet
    surely before it."""
    return stamp is not None and _near(stamp, listed_ns) and max(stamp[1], stamp[2]) < listed_ns - CLOCK_LAG_NS


def folder_changes(
    paths: Iterable[str | os.PathLike[str]],
    before: Sequence[Source],
    since_ns: int,
    recent: Mapping[str, Seen] | None = None,
    now_ns: int | None = None,
) -> FolderChanges:
    """The pages under ``paths`` now against ``before`` (an earlier listing, made at ``since_ns``, a
    :func:`time.time_ns`; ``recent``: what it said of the files written just before it): new pages, pages whose
    file changed since (by its modification or change time, as make does: a file whose time was set into the past
    still changed its change time) and pages gone. A file that cannot be looked at counts as changed (cleaning it
    again says why it cannot be read). The pages listed before keep their order; new ones follow, in folder
    order. ``now_ns``: when this listing started (default: now).

    A file's times cannot tell whether it was written again just after it was looked at (within a tick of the
    file system's clock, or while being written): a file written that close to a listing is compared by its
    content with what that listing read of it (as git does with a "racy" file). So a file is changed exactly when
    its content changed since the last look, whenever it was written; only the files written within a moment of
    a look are read for it."""
    started = time.time_ns() if now_ns is None else now_ns
    now = list_pages(paths)
    ids = {s.id for s in now}
    was = {s.id for s in before}
    kept = [i for i, s in enumerate(before) if s.id in ids]
    sources = [before[i] for i in kept] + [s for s in now if s.id not in was]
    positions = kept + [-1] * (len(sources) - len(kept))
    recent = recent or {}
    changed: list[int] = []
    seen_now: dict[str, Seen] = {}
    keys: dict[str, bytes | None] = {}  # by file (the records of one archive file are read once)

    def content(source: Source) -> bytes | None:
        if source.file not in keys:
            keys[source.file] = _content_key(source.file)
        return keys[source.file]

    for i, source in enumerate(sources):
        stamp = _written(source)
        if i < len(kept):
            if stamp is None:
                changed.append(i)
            elif _near(stamp, since_ns):
                seen = recent.get(source.id)
                if seen is None:
                    changed.append(i)
                elif seen.content is None:  # (its times, taken well after it was written, tell)
                    if (seen.size, seen.mtime_ns, seen.ctime_ns) != stamp:
                        changed.append(i)
                elif (key := content(source)) is None or key != seen.content:
                    changed.append(i)
        if stamp is not None and _near(stamp, started):
            key = content(source)
            if key is not None:
                seen_now[source.id] = Seen(*stamp, key)
    return FolderChanges(sources, positions, changed, len(before) - len(kept), seen_now)


def find_stories(signatures: Iterable[tuple[int, StorySignature | None]]) -> dict[int, int]:
    """Each page's position -> its story's first page, from the pages' story signatures."""
    index: StoryIndex[int] = StoryIndex()
    for position, signature in signatures:
        index.add(position, signature)
    return index.clusters()


def cache_problem(cache_dir: Path, paths: Sequence[str | os.PathLike[str]]) -> str | None:
    """Why the result cache in ``cache_dir`` may not be used for ``paths`` (it is inside a folder being read:
    newsread never writes into what it reads), or None."""
    # Only a folder read is at risk: the cache beside (or above) a file read is never read as a page.
    where = folder_holding(cache_dir, [p for p in paths if os.path.isdir(p)])
    if where is None:
        return None
    return f"cache {cache_dir} is inside the input folder {where}; not using it"


# -- the session ------------------------------------------------------------------------------------
class FolderSession:
    """The pages under ``paths`` and the ``pipeline`` that cleans them.

    ``jobs``: worker processes (0: clean in this process). ``use_cache``/``cache_dir``: the result cache
    (default: the user cache folder; never one inside a folder being read). ``listener``: told every
    :data:`Event` from now on (also those of setting up); more with :meth:`subscribe`.
    """

    def __init__(
        self,
        paths: Sequence[str | os.PathLike[str]],
        pipeline: Pipeline,
        *,
        jobs: int = 1,
        use_cache: bool = True,
        cache_dir: Path | None = None,
        listener: Listener | None = None,
        keep_chars: int = KEEP_READ_CHARS,
    ) -> None:
        self.paths = [os.fspath(p) for p in paths]
        self.pipeline = pipeline
        self.jobs = max(0, jobs)
        self.cache_dir = cache_dir if cache_dir is not None else default_cache_dir()
        self._listeners: list[Listener] = [listener] if listener is not None else []
        self.use_cache = use_cache
        if use_cache:
            problem = cache_problem(self.cache_dir, self.paths)
            if problem is not None:
                self.use_cache = False
                self.emit(Problem(problem))
        self.sources: list[Source] = []
        self.listed_ns = 0  # when the pages were last listed (time.time_ns): files written since changed
        self._recent: dict[str, Seen] = {}  # see FolderChanges.recent
        self._keep_chars = keep_chars
        self._read: dict[int, Loaded] = {}  # pages learning read, by position, for cleaning
        self._pool: Workers | None = None

    # -- events -------------------------------------------------------------------------------------
    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Tell ``listener`` every event from now on (from whatever thread does the work); returns how to stop."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def emit(self, event: Event) -> None:
        for listener in list(self._listeners):
            listener(event)

    # -- the limits, in one place --------------------------------------------------------------------
    @property
    def spec(self) -> PipelineSpec:
        """How a worker process rebuilds the pipeline, limits included."""
        return PipelineSpec.of(self.pipeline)

    def load(self, source: Source) -> Page:
        return load(self.pipeline, source)

    # -- the steps ----------------------------------------------------------------------------------
    def discover(self) -> list[Source]:
        """List the pages (see :func:`list_pages`). (No file is looked at: a batch run never looks again; a front
        end that will, notes its listing with :meth:`listed`.)"""
        started = time.time_ns()
        self.sources, self.listed_ns = list_pages(self.paths), started
        self.emit(PagesFound(len(self.sources)))
        return self.sources

    def listed(self, sources: list[Source], started_ns: int) -> None:
        """``sources`` are the pages under the paths as a listing begun at ``started_ns`` found them (a front end
        may list them itself, showing them as they are found): what :meth:`look_again` compares with. Files written
        just before are looked at (see :attr:`FolderChanges.recent`): one stat a page, so call it when idle. A file
        written after the listing began (or within CLOCK_LAG_NS before) is never taken as seen, however late this is
        called: its page may have been cleaned before it was written, so the next look reports it changed."""
        self.sources, self.listed_ns = sources, started_ns
        self._recent = {s.id: Seen(*st) for s in sources if _settled(st := _written(s), started_ns) and st is not None}

    def look_again(self, sources: Sequence[Source] | None = None) -> FolderChanges:
        """List the pages again: what was added, changed or removed since they were listed (see
        :func:`folder_changes`); ``sources``: the pages as listed then (default: :attr:`sources`). The new listing
        becomes :attr:`sources`."""
        started = time.time_ns()
        before = self.sources if sources is None else sources
        changes = folder_changes(self.paths, before, self.listed_ns, self._recent, started)
        self.sources, self.listed_ns, self._recent = changes.sources, started, changes.recent
        return changes

    def learn(self) -> None:
        """Let folder-level cleaners learn from every page once. A big folder with several jobs is read by every
        worker, a part each (the same workers then clean it); otherwise here, keeping what was read for cleaning."""
        pipeline = self.pipeline
        if not pipeline.fitters:
            return
        known = len(pipeline.problems)
        spec = self.spec
        if (
            self.jobs > 1
            and len(self.sources) >= FIT_IN_PARTS
            and pipeline.fits_in_chunks()
            and rebuildable(pipeline, spec)
        ):
            pool = self._start_pool(inherit=False)
            try:
                learned, problems = fit_folder(spec, self.sources, pool=pool, jobs=self.jobs)
            except LearningStopped as exc:  # (its workers were stopped): learning again would overrun again
                self._pool = None
                pipeline.problems.append(stopped_in_parts([s.name for s in pipeline.fitters], exc))
                self.emit(FolderLearned(tuple(pipeline.problems[known:])))
                return
            except Exception as exc:  # a worker died: learn here instead
                self.emit(Problem(f"learning the folder in workers failed ({exc})"))
                pool.shutdown(cancel_futures=True)
                self._pool = None
            else:
                pipeline.adopt(learned)
                pipeline.problems.extend(problems)
        if self._pool is None:
            self._learn_here()
        self.emit(FolderLearned(tuple(pipeline.problems[known:])))

    def _read_to_learn(self) -> Iterator[Page]:
        """Every page, read once: kept (up to a budget of text) so that cleaning need not read it again."""
        budget = self._keep_chars
        keyed = self.use_cache
        max_bytes = self.pipeline.max_bytes
        prepare = self.pipeline.prepare
        for i, source in enumerate(self.sources):
            loaded = load_for_cleaning(source, max_bytes, keyed)
            if budget > 0:
                self._read[i] = loaded
                budget -= len(loaded.page.text)
                prepare(loaded.page)  # (what learning and cleaning both need of it, worked out once)
            yield loaded.page

    def _learn_here(self) -> None:
        """Learn from every page in a process of its own, each folder-level cleaner stopped at the learning limit
        (see :func:`fit_watched`); the pages read here first (up to the budget) are kept for cleaning, and the
        learning process takes them as they are, with what folder-level cleaners worked out of them for both
        (:meth:`Pipeline.prepare`)."""
        pipeline = self.pipeline
        # A child started afresh (no fork) builds the pipeline from its spec and reads the pages itself.
        recipe = Recipe(self.spec.build, self.sources, pipeline.max_bytes)
        if not self.jobs or not can_watch(pipeline.max_learn_seconds, recipe):  # (no jobs: no process but this one)
            pipeline.fit(self._read_to_learn())
            return
        read, sources, max_bytes = self._read, self.sources, pipeline.max_bytes
        budget = self._keep_chars  # (the pages _read_to_learn would keep)
        for i, source in enumerate(sources):
            if budget <= 0:
                break
            loaded = read[i] = load_for_cleaning(source, max_bytes, self.use_cache)
            budget -= len(loaded.page.text)
            # What learning (in its process) and cleaning (in the workers, forked later) both need of the page is
            # worked out here, once: both processes have it from this one.
            pipeline.prepare(loaded.page)

        def pages() -> Iterator[Page]:
            for i, source in enumerate(sources):
                loaded = read.get(i)
                yield loaded.page if loaded is not None else load_page(source, max_bytes=max_bytes)

        fit_watched(pipeline, pages(), pipeline.max_learn_seconds, recipe=recipe)

    def _start_pool(self, *, inherit: bool) -> Workers:
        """The worker processes, forked from here where there is fork (with this very pipeline when ``inherit``,
        and with the pages learning read)."""
        limit = self.pipeline.max_seconds
        given = (self.spec, self.pipeline) if inherit else None
        pages, self._read = self._read, {}  # (the workers have their copies; this process lets them go)
        self._pool = make_pool(
            max(1, self.jobs), self.cache_dir, self.use_cache, limit=limit, start="fork", inherit=given, pages=pages
        )
        return self._pool

    def clean_ordered(self, transform: Callable[[CleanedPage], R]) -> Iterator[R]:
        """``transform(cleaned)`` of every page, in folder order. In worker processes, even for one job: a page
        stuck past the time limit or whose cleaner ends its process is a page error, never the run's end. Here,
        in this process, when workers cannot be had (then the pages learning read are not read again either)."""
        spec, pipeline = self.spec, self.pipeline
        workers = self.jobs > 0 and (self._pool is not None or can_fork() or rebuildable(pipeline, spec))
        if not workers and self.jobs > 1:
            self.emit(Problem("these cleaners cannot be rebuilt in worker processes; cleaning here"))
        if workers and self._pool is None:
            try:
                self._start_pool(inherit=True)
            except OSError as exc:  # no room for the workers' shared memory (a full disk, ulimit -f): clean here
                self.emit(Problem(f"worker processes could not start ({exc}); cleaning here"))
                workers = False
        pages, self._read = self._read, {}
        total = len(self.sources)
        results = clean_ordered(
            self.sources,
            spec,
            transform,
            jobs=max(1, self.jobs),
            pipeline=pipeline,
            cache_dir=self.cache_dir,
            use_cache=self.use_cache,
            on_warning=lambda message: self.emit(Problem(message)),
            pool=self._pool,
            in_process=not workers,
            pages=pages,
        )
        for position, value in enumerate(results):
            yield value
            if self._listeners:
                self.emit(PageCleaned(position, value))
                self.emit(Progress(position + 1, total))

    @contextlib.contextmanager
    def cleaner(self) -> Iterator[Callable[[Source], CleanedPage]]:
        """A function that cleans one page in a worker process of its own (see :func:`cleaning_in_a_worker`)."""
        with cleaning_in_a_worker(self.pipeline, self.spec) as clean:
            yield clean

    def stories(self, signatures: Iterable[tuple[int, StorySignature | None]]) -> dict[int, int]:
        """The folder's stories (see :func:`find_stories`), told as :class:`StoriesFound`."""
        found = find_stories(signatures)
        self.emit(StoriesFound(found))
        return found

    def close(self, *, at_once: bool = False) -> None:
        """Let the worker processes go; ``at_once``: without waiting for a page being cleaned (Ctrl-C)."""
        pool, self._pool = self._pool, None
        self._read = {}
        if pool is not None:
            if at_once:
                pool.terminate()
            else:
                pool.shutdown(cancel_futures=True)

    def __enter__(self) -> FolderSession:
        return self

    def __exit__(self, kind: type[BaseException] | None, *exc: object) -> None:
        self.close(at_once=kind is not None)
