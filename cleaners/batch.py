"""Cleaning many pages in worker processes, in order (batch output) or as done with priorities (the reader).

The workers (:class:`~newsread.cleaners.workers.Workers`) are watched: one stuck on a page past the time limit, or
one that a cleaner ends, costs that page only (a page error saying so) and is replaced. The reader's are started
with the ``spawn`` method (safe next to threads, same on every platform) and rebuild the pipeline from a
:class:`PipelineSpec` — a config saying exactly which cleaners run with which options — rather than receiving
the pipeline, whose cleaners may come from plain files that cannot be pickled. ``newsread clean`` forks its
workers where it can (it has no other threads then): they start at once with its very pipeline. What
folder-level cleaners learned is sent along, once per worker. Each worker opens the shared result cache, so
whatever a worker cleans is never cleaned again.

Why one module over 600 lines: the functions run in a worker (found by name when a job is pickled) and the
parent's drivers that submit them share one protocol (:class:`Job`, :class:`PipelineSpec`, page errors for a
lost worker); kept together, a change to that protocol is made on both sides at once.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import json
import multiprocessing
import os
import pickle
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

from .cache import FileStamp, Loaded, ResultCache, clean_keyed, clean_source, pipeline_key, stage_fingerprints
from .clusters import StorySignature, cluster_signatures, signature_from_json
from .config import Config
from .learning import LearningStopped, Recipe, fit_watched
from .loading import DEFAULT_MAX_BYTES, Source, load_page
from .model import CleanedPage, Page
from .pipeline import Pipeline
from .workers import Abandoned, WorkerLost, Workers, given, page_done, page_started

R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class PipelineSpec:
    """How to rebuild a pipeline in another process: a config that says exactly what it says, and the page limit.

    Made from the pipeline itself (not from the config file), so what the
    reader toggled and what command-line options overrode carry over.
    """

    config: Config
    max_bytes: int = DEFAULT_MAX_BYTES

    def build(self) -> Pipeline:
        pipeline = Pipeline.default(self.config)
        pipeline.max_bytes = self.max_bytes
        return pipeline

    @classmethod
    def of(cls, pipeline: Pipeline) -> PipelineSpec:
        """The spec of ``pipeline``, with its limits (the page's size and time)."""
        files: list[Path] = []
        for stage in pipeline.stages:
            if stage.info.origin.startswith("file "):
                path = Path(stage.info.origin[5:])
                if path not in files:
                    files.append(path)
        config = Config(
            order=[s.name for s in pipeline.stages],
            enabled={s.name: s.enabled for s in pipeline.stages},
            options={s.name: dict(s.options) for s in pipeline.stages},
            cleaner_files=files,
            max_clean_seconds=pipeline.max_seconds or 0.0,
        )
        if pipeline.max_learn_seconds is not None:
            config.max_learn_seconds = pipeline.max_learn_seconds
        return cls(config, pipeline.max_bytes)


def rebuildable(pipeline: Pipeline, spec: PipelineSpec) -> bool:
    """True when ``spec`` rebuilds the same cleaners in a fresh process (not so for cleaners made in code)."""
    try:
        rebuilt = spec.build()
    except Exception:
        return False
    rebuilt.adopt(pipeline.folder_state)  # what folder-level cleaners learned goes along (see Job)
    return [s.name for s in rebuilt.active] == [s.name for s in pipeline.active] and stage_fingerprints(
        rebuilt
    ) == stage_fingerprints(pipeline)


class Encoded(str):
    """A value already written as JSON (by code that knows it needs no escaping, say base64 text): remembered as
    it is. Encoding a signature's few kilobytes of base64 again cost ~0.2 M instructions a page."""

    __slots__ = ()


@dataclass(frozen=True, slots=True)
class Job(Generic[R]):
    """What a worker needs to clean a chunk: the pipeline (as a spec), what to return per page, what to remember.

    ``memo``: remember ``transform``'s (JSON) result in the cache under this kind, so it can be had again
    for an unchanged file without reading it (:meth:`ResultCache.recall`). ``keep``, when given, says
    instead what to remember of the result, by kind (say, a page's summary and its story signature apart,
    so that each can be recalled without the other).
    """

    spec: PipelineSpec
    transform: Callable[[CleanedPage], R]
    folder: dict[str, Any] = field(default_factory=dict)
    memo: str | None = None
    token: str = ""
    keep: Callable[[R], Mapping[str, Any]] | None = None  # what to remember, by kind (default: all, as memo)
    # What folder-level cleaners learned, by where the result cache keeps it (ResultCache.fit_state): read
    # once per worker instead of ``folder`` sent with every chunk (a 100k-page folder's state is megabytes).
    folder_keys: dict[str, bytes] = field(default_factory=dict)
    # What to hand back of a result the cache kept (say, without what the caller reads from the cache anyway):
    # less to pickle and send back per page.
    after_keep: Callable[[R], R] | None = None

    @classmethod
    def of(
        cls,
        spec: PipelineSpec,
        transform: Callable[[CleanedPage], R],
        folder: dict[str, Any] | None = None,
        memo: str | None = None,
        keep: Callable[[R], Mapping[str, Any]] | None = None,
        folder_keys: Mapping[str, bytes] | None = None,
        after_keep: Callable[[R], R] | None = None,
    ) -> Job[R]:
        # A fresh token per job: a worker builds the job's pipeline once, on its first chunk.
        keys = dict(folder_keys or {})
        sent = {k: v for k, v in (folder or {}).items() if k not in keys}
        return cls(spec, transform, sent, memo, os.urandom(8).hex(), keep, keys, after_keep)


# -- worker side ----------------------------------------------------------------------------------
_worker: dict[str, Any] = {"cache": None, "pipes": {}}


def _init_worker(cache_dir: Path | None, use_cache: bool, nice: int, parent: int) -> None:
    if nice and hasattr(os, "nice"):
        with contextlib.suppress(OSError):
            os.nice(nice)  # background work: the reader's own process gets the CPU when a key is pressed
    _worker["cache"] = ResultCache(cache_dir) if use_cache else None
    _worker["pipes"] = {}
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()


def _exit_with_parent(parent: int) -> None:
    """A worker whose reader died (killed, crashed) must not linger: it exits within a second."""
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(0)


def _pipeline_for(job: Job[Any]) -> tuple[Pipeline, list[str | None]]:
    pipes: dict[str, tuple[Pipeline, list[str | None]]] = _worker["pipes"]
    found = pipes.get(job.token)
    if found is None:
        pipeline = _built(job.spec)
        pipeline.adopt(job.folder)
        cache: ResultCache | None = _worker["cache"]
        for name, key in job.folder_keys.items():
            state = cache.fit_state(key, name) if cache is not None else None
            if state is None:  # the caller then cleans in its own process
                raise RuntimeError(f"what {name} learned from the folder is not in the result cache")
            pipeline.adopt({name: state})
        found = (pipeline, stage_fingerprints(pipeline))
        if len(pipes) >= 4:  # the reader toggles cleaners: keep the few latest pipelines only
            pipes.pop(next(iter(pipes)))
        pipes[job.token] = found
    return found


def _built(spec: PipelineSpec) -> Pipeline:
    """A pipeline for ``spec``: its cleaners are those last built for an equal spec in this worker (or handed to it
    by its caller, see :func:`make_pool` and :func:`prepare`), as the reader's own pipeline keeps its cleaners
    while it learns the folder; built afresh otherwise. Each job gets a pipeline object of its own."""
    found: tuple[PipelineSpec, Pipeline] | None = _worker.get("built")
    if found is None or found[0] != spec:
        with contextlib.redirect_stdout(io.StringIO()):  # (what loading a cleaner file prints: said by the caller)
            found = _worker["built"] = (spec, spec.build())
    base = found[1]
    built = Pipeline(base.stages, base.problems, max_seconds=base.max_seconds, max_bytes=base.max_bytes)
    built.max_learn_seconds = base.max_learn_seconds
    return built


def prepare(spec: PipelineSpec) -> None:
    """Build ``spec``'s pipeline in this worker now (say, while the reader starts), for the first job of it."""
    _built(spec)


def clean_with(
    job: Job[R],
    pipeline: Pipeline,
    fps: Sequence[str | None],
    cache: ResultCache | None,
    source: Source,
    loaded: Loaded | None = None,
) -> R:
    """Clean one page for ``job`` (in whatever process), remembering its result when the job says so.
    ``loaded``: the page as read a moment ago (to learn the folder), not read again."""
    if job.memo is None or cache is None:
        max_bytes = job.spec.max_bytes
        return job.transform(clean_source(source, pipeline, cache, fps, max_bytes=max_bytes, loaded=loaded))
    stamp = FileStamp.of(source)  # before reading: a file changed meanwhile is then seen as changed
    cleaned, key, complete = clean_keyed(source, pipeline, cache, fps, max_bytes=job.spec.max_bytes)
    value = job.transform(cleaned)
    pkey = pipeline_key(fps)
    if key is not None and complete and pkey is not None:
        kept = job.keep(value) if job.keep is not None else {job.memo: value}
        for kind, part in kept.items():
            text = part if isinstance(part, Encoded) else json.dumps(part)  # ASCII: any string stores
            cache.remember(stamp, key, pkey, kind, text)
            stamp = None  # where the file is: said once
        if job.after_keep is not None and cache.usable:
            return job.after_keep(value)
    return value


def _clean_chunk(job: Job[R], items: Sequence[tuple[int, Source]]) -> tuple[list[tuple[int, R]], list[str]]:
    pipeline, fps = _pipeline_for(job)
    cache: ResultCache | None = _worker["cache"]
    given_pages = _worker.get("pages") if job.memo is None else None
    pages: dict[int, Loaded] = given_pages if given_pages is not None else {}
    out = []
    for position, (i, src) in enumerate(items):
        page_started(position)  # the caller stops this process if the page takes far too long (see Workers)
        loaded = pages.pop(i, None)
        if loaded is not None and loaded.page.id != src.id:  # (not this folder's pages)
            loaded = None
        out.append((i, clean_with(job, pipeline, fps, cache, src, loaded)))
    page_done()
    warnings: list[str] = []
    if cache is not None:
        cache.flush()
        warnings, cache.warnings = cache.warnings, []
    return out, warnings


def _clean_given_chunk(token: str, items: Sequence[tuple[int, Source]]) -> tuple[list[tuple[int, R]], list[str]]:
    job: Job[R] = given(token)
    return _clean_chunk(job, items)


def submit_chunk(
    pool: Workers,
    job: Job[R],
    chunk: Sequence[tuple[int, Source]],
    *,
    urgent: bool = False,
    abandonable: bool = False,
) -> Future[tuple[list[tuple[int, R]], list[str]]]:
    """``_clean_chunk(job, chunk)`` in a worker of ``pool``; the job (with what the folder taught) is sent to each
    worker once. ``urgent``, ``abandonable``: see :meth:`Workers.submit`."""
    setup = (job.token, job)
    return pool.submit(_clean_given_chunk, job.token, chunk, urgent=urgent, setup=setup, abandonable=abandonable)


def fit_folder(
    spec: PipelineSpec, folder: Sequence[Source], *, pool: Workers | None = None, jobs: int = 1
) -> tuple[dict[str, Any], list[str]]:
    """Let the folder-level cleaners of ``spec`` learn from every page of ``folder``. Returns what they learned
    and any problems.

    Without ``pool`` the pages are read here, one after another (call it in a worker process: the memory it
    takes is given back there). With a ``pool`` of ``jobs`` worker processes (see :func:`make_pool`) and
    cleaners that all learn in parts (:meth:`Pipeline.fits_in_chunks`), the folder is read by all of them, a
    part at a time, and what they keep of the parts is merged in one of them: the same result.
    """
    pipeline = spec.build()
    if pool is not None and pipeline.fits_in_chunks() and len(folder) > 1:
        return _fit_in_parts(spec, folder, pool, max(1, jobs), len(pipeline.fitters))
    known = len(pipeline.problems)
    # Each cleaner in a process of its own, stopped at the learning limit (see fit_watched).
    recipe = Recipe(spec.build, folder, spec.max_bytes)
    fit_watched(pipeline, recipe.pages(), pipeline.max_learn_seconds, recipe=recipe)
    return pipeline.folder_state, pipeline.problems[known:]


FIT_IN_PARTS = 500  # pages: ``newsread clean --jobs N`` learns a folder this big in parts, with every worker
FIT_PART_PAGES = (64, 1000)  # fewest and most pages in a part of a folder read by one worker


def _fit_in_parts(
    spec: PipelineSpec, folder: Sequence[Source], pool: Workers, jobs: int, fitters: int = 1
) -> tuple[dict[str, Any], list[str]]:
    # Parts small enough that every worker gets several (one slow part does not leave the others idle), large
    # enough that sending a part and its result back costs little next to reading its pages.
    # The parts are learned together: max_learn_seconds for each folder-level cleaner, from now (see fit_watched).
    seconds = spec.config.max_learn_seconds * max(1, fitters)
    deadline = time.monotonic() + seconds
    low, high = FIT_PART_PAGES
    size = max(low, min(high, -(-len(folder) // (jobs * 8))))
    token = os.urandom(8).hex()  # each worker builds the pipeline once for all its parts
    # What a worker keeps of its part goes to a file the merging worker reads: the caller (the reader) never
    # holds the parts' results (~0.4 KB a page: 40 MB for 100k pages), only their file names.
    with tempfile.TemporaryDirectory(prefix="newsread-fit-", ignore_cleanup_errors=True) as tmp:
        paths = [os.path.join(tmp, f"part{i:06d}.pickle") for i in range(0, len(folder), size)]
        parts = [pool.submit(_fit_part, spec, token, folder[i * size : (i + 1) * size], p) for i, p in enumerate(paths)]
        try:
            for part in parts:
                _within(part, deadline, pool, seconds)
        finally:
            for part in parts:
                part.cancel()
        merged: tuple[dict[str, Any], list[str]] = _within(
            pool.submit(_fit_merge, spec, token, paths), deadline, pool, seconds
        )
        return merged


def _within(future: Future[R], deadline: float, pool: Workers, seconds: float) -> R:
    """``future``'s result by ``deadline``; else the workers of ``pool`` are stopped, and LearningStopped."""
    try:
        return future.result(timeout=max(0.0, deadline - time.monotonic()))
    except TimeoutError:
        pool.terminate()
        why = f"learning from the folder in parts did not finish within {seconds:g} s: stopped"
        raise LearningStopped(why) from None


def _fit_pipeline(spec: PipelineSpec, token: str) -> Pipeline:
    found: tuple[str, Pipeline] | None = _worker.get("fit")
    if found is None or found[0] != token:
        found = _worker["fit"] = (token, spec.build())
    return found[1]


def _fit_part(spec: PipelineSpec, token: str, sources: Sequence[Source], path: str) -> None:
    """The map step of learning a folder, in a worker: what the folder-level cleaners keep of these pages, to
    the file ``path``."""
    pipeline = _fit_pipeline(spec, token)
    chunk = pipeline.fit_chunk(load_page(s, max_bytes=spec.max_bytes) for s in sources)
    with open(path, "wb") as fh:
        pickle.dump(chunk, fh, protocol=5)


def _fit_merge(spec: PipelineSpec, token: str, paths: Sequence[str]) -> tuple[dict[str, Any], list[str]]:
    """The reduce step, in a worker: what the folder-level cleaners learn from the parts' results, in order."""
    pipeline = _fit_pipeline(spec, token)
    _worker.pop("fit", None)  # learning is over: the worker keeps no pipeline for it
    chunks = []
    for path in paths:
        with open(path, "rb") as fh:
            chunks.append(pickle.load(fh))  # (written by this process's siblings for this very call)
    known = len(pipeline.problems)
    pipeline.fit_merge(chunks)
    return pipeline.folder_state, pipeline.problems[known:]


def cached_clusters(
    cache_dir: Path | None, sources: Sequence[Source], pipeline: str, kind: str, extra: Mapping[int, Any] | None = None
) -> tuple[dict[int, int], list[int]]:
    """Story clusters of a folder from the story signatures the result cache holds for its unchanged files
    (JSON values of ``kind``, see :func:`~newsread.cleaners.clusters.signature_to_json`) and ``extra`` ones
    (page index -> JSON). Returns each page's cluster (the index of its first page) and the pages whose
    signature is not known. Meant for a worker process: the signatures never enter the reader's memory.
    """
    known: set[int] = set()

    def signatures() -> Iterator[tuple[int, StorySignature | None]]:
        # Read a chunk of pages at a time and handed on at once: the signatures are never all in memory.
        cache = ResultCache(cache_dir)
        try:
            for start in range(0, len(sources), 4096):
                end = min(start + 4096, len(sources))
                files: list[FileStamp] = []
                index_of: dict[bytes, int] = {}
                for i in range(start, end):
                    stamp = FileStamp.of(sources[i])
                    if stamp is not None:
                        files.append(stamp)
                        index_of[stamp.ident] = i
                found: dict[int, StorySignature | None] = {}
                for ident, raw in cache.recall(files, pipeline, kind).items():
                    with contextlib.suppress(ValueError):  # a damaged row: that page counts as unknown
                        found[index_of[ident]] = signature_from_json(json.loads(raw))
                for i, value in (extra or {}).items():
                    if start <= i < end:
                        with contextlib.suppress(ValueError):
                            found[i] = signature_from_json(value)
                for i in sorted(found):
                    known.add(i)
                    yield i, found[i]
        finally:
            cache.close()

    clusters = cluster_signatures(signatures(), expected=len(sources))
    return clusters, [i for i in range(len(sources)) if i not in known]


def make_pool(
    jobs: int,
    cache_dir: Path | None,
    use_cache: bool,
    *,
    nice: int = 0,
    limit: float | None = None,
    start: str = "spawn",
    inherit: tuple[PipelineSpec, Pipeline] | None = None,
    quiet: bool = False,
    pages: dict[int, Loaded] | None = None,
) -> Workers:
    """``jobs`` worker processes; ``nice``: how much lower their CPU priority is than the caller's; ``limit``: a
    page's time limit (a worker stuck on a page well past it is stopped and replaced: see :class:`Workers`);
    ``start``: how workers are started ("fork" only from a caller without other threads, see :class:`Workers`).
    ``inherit``: with "fork", a spec and the pipeline it stands for: jobs of that spec use this pipeline's
    cleaners (nothing to build, and cleaners made in code work) instead of building them from the spec.
    ``quiet``: the workers' standard error goes to the null device (for the reader, which draws on the terminal)."""
    if start == "fork":  # (read only by the workers forked now or as replacements: see _built)
        _worker["built"] = inherit
        # ``pages``: the folder's pages by position, read to learn it: each worker takes the ones it cleans from
        # its copy (positions are those of the one job this pool cleans; a page's id is checked all the same).
        _worker["pages"] = pages
    args = (cache_dir, use_cache, nice, os.getpid())
    try:
        return Workers(jobs, _init_worker, args, limit=limit, start=start, quiet=quiet)
    finally:
        _worker["pages"] = None  # the workers forked have them: a replacement reads its pages again


def can_fork() -> bool:
    """Whether workers can be forked here (then they need not rebuild the caller's pipeline: see make_pool)."""
    return "fork" in multiprocessing.get_all_start_methods()


def whole_page(cleaned: CleanedPage) -> CleanedPage:
    """A job's ``transform`` that hands the cleaned page itself back (without the loader's parse of it, nor what
    cleaners worked out of it for themselves)."""
    if cleaned.page.tree is not None or cleaned.page.facts:
        cleaned = dataclasses.replace(cleaned, page=dataclasses.replace(cleaned.page, tree=None, facts={}))
    return cleaned


@contextlib.contextmanager
def cleaning_in_a_worker(
    pipeline: Pipeline, spec: PipelineSpec, *, cache_dir: Path | None = None, use_cache: bool = False
) -> Iterator[Callable[[Source], CleanedPage]]:
    """A function that cleans one page with ``pipeline`` in a worker process (forked with it where there is
    fork; else one that rebuilds it from ``spec``, if it can): a page stuck past the time limit or whose cleaner
    ends the process is a page error, never a hang. Here, in this process, when there can be no worker."""
    if not can_fork() and not rebuildable(pipeline, spec):
        yield lambda source: pipeline.clean(load_page(source, max_bytes=spec.max_bytes))
        return
    limit = spec.config.max_clean_seconds
    with make_pool(1, cache_dir, use_cache, limit=limit, start="fork", inherit=(spec, pipeline)) as pool:
        job = Job.of(spec, whole_page, pipeline.folder_state)

        def clean(source: Source) -> CleanedPage:
            chunk = [(0, source)]
            results, _ = settle(pool, job, chunk, submit_chunk(pool, job, chunk, urgent=True))
            return results[0][1]

        yield clean


def lost_page(source: Source, lost: WorkerLost) -> CleanedPage:
    """What a page whose worker was stopped or ended is: a page that could not be cleaned, saying why."""
    return CleanedPage(Page.failed(source.id, source.path, f"not cleaned: {lost.message}"), ())


def settle(
    pool: Workers,
    job: Job[R],
    chunk: Sequence[tuple[int, Source]],
    future: Future[tuple[list[tuple[int, R]], list[str]]],
) -> tuple[list[tuple[int, R]], list[str]]:
    """The results of ``_clean_chunk(job, chunk)`` run as ``future``. When its worker was lost, the page it was on
    is a page error (made here) and the rest of the chunk is cleaned again by the fresh workers."""
    try:
        return future.result()
    except Abandoned:
        raise  # given up by the caller's wish: not the page's fault
    except WorkerLost as lost:
        at = lost.position
        if not 0 <= at < len(chunk):  # lost before any page (building the pipeline): every page says so
            return [(i, job.transform(lost_page(src, lost))) for i, src in chunk], []
        results: list[tuple[int, R]] = []
        warnings: list[str] = []
        before, after = chunk[:at], chunk[at + 1 :]
        again = [(part, submit_chunk(pool, job, part, urgent=True)) for part in (before, after) if part]
        for part, fut in again[:1] if before else []:
            got, said = settle(pool, job, part, fut)
            results += got
            warnings += said
        i, src = chunk[at]
        results.append((i, job.transform(lost_page(src, lost))))
        for part, fut in again[1:] if before else again:
            got, said = settle(pool, job, part, fut)
            results += got
            warnings += said
        return results, warnings


def default_jobs() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


# -- in order, for batch output -------------------------------------------------------------------
def clean_ordered(
    sources: Iterable[Source],
    spec: PipelineSpec,
    transform: Callable[[CleanedPage], R],
    *,
    jobs: int = 1,
    pipeline: Pipeline | None = None,
    cache_dir: Path | None = None,
    use_cache: bool = True,
    chunk_size: int = 32,
    on_warning: Callable[[str], None] | None = None,
    pool: Workers | None = None,
    in_process: bool = False,
    pages: dict[int, Loaded] | None = None,
) -> Iterator[R]:
    """``transform(cleaned)`` for every source, in the sources' order, cleaned by ``jobs`` worker processes.

    Sources are consumed lazily and at most ``4 * jobs`` chunks are in flight, so memory does not grow with the
    folder. The work is done in worker processes even for one job: a cleaner stuck past the page's time limit
    where no signal reaches it, or one that ends its process, then costs a worker (replaced) and that page
    only (a page error saying so), never the run. ``pipeline`` (built from ``spec``) supplies what folder-level
    cleaners learned, and is used here, in this process, when ``in_process`` or when its cleaners cannot be
    rebuilt in another process (cleaners made in code). ``pool``: ``jobs`` workers to use (say, those that
    learned the folder, see :func:`fit_folder`; the caller shuts it down) instead of new ones. ``pages``: pages
    by position already read (to learn the folder), cleaned here without reading them again (a ``pool`` forked
    with them, see :func:`make_pool`, has its own copy).
    """
    warn = on_warning or (lambda _msg: None)
    pipe = pipeline if pipeline is not None else spec.build()
    if not in_process and pool is None and not rebuildable(pipe, spec):
        if jobs > 1:
            warn("these cleaners cannot be rebuilt in worker processes; cleaning in one process")
        in_process = True
    if in_process:
        yield from _clean_here(sources, spec, transform, pipe, cache_dir if use_cache else None, warn, pages or {})
        return
    job = Job.of(spec, transform, pipe.folder_state)
    it = iter(sources)
    index = 0
    with (
        contextlib.nullcontext(pool)
        if pool is not None
        else make_pool(jobs, cache_dir, use_cache, limit=spec.config.max_clean_seconds) as workers
    ):
        inflight: deque[tuple[list[tuple[int, Source]], Future[tuple[list[tuple[int, R]], list[str]]]]] = deque()
        exhausted = False
        while True:
            while not exhausted and len(inflight) < 4 * jobs:
                chunk = []
                for src in it:
                    chunk.append((index, src))
                    index += 1
                    if len(chunk) >= chunk_size:
                        break
                if not chunk:
                    exhausted = True
                    break
                inflight.append((chunk, submit_chunk(workers, job, chunk)))
            if not inflight:
                return
            results, warnings = settle(workers, job, *inflight.popleft())
            for w in warnings:
                warn(w)
            for _, value in results:
                yield value


def _clean_here(
    sources: Iterable[Source],
    spec: PipelineSpec,
    transform: Callable[[CleanedPage], R],
    pipe: Pipeline,
    cache_dir: Path | None,
    warn: Callable[[str], None],
    pages: dict[int, Loaded],
) -> Iterator[R]:
    cache = ResultCache(cache_dir) if cache_dir is not None else None
    fps = stage_fingerprints(pipe)
    try:
        for i, src in enumerate(sources):
            loaded = pages.pop(i, None)
            yield transform(clean_source(src, pipe, cache, fps, max_bytes=spec.max_bytes, loaded=loaded))
            if cache is not None and cache.warnings:
                for w in cache.warnings:
                    warn(w)
                cache.warnings = []
    finally:
        if cache is not None:
            cache.close()
            for w in cache.warnings:
                warn(w)


# -- as done, with priorities, for the reader -----------------------------------------------------
class BackgroundCleaner(Generic[R]):
    """Cleans the given pages in worker processes; results arrive as they are done; ``prioritize`` jumps the queue.

    Use from the reader::

        bg = BackgroundCleaner(pool, job, sources, pending)
        # in a worker thread:
        for index, value in bg: ...          # (index into sources, job.transform(cleaned)) as each is done
        # from the UI thread, any time:
        bg.prioritize(selected_index)        # cleaned next, ahead of the queue
        bg.close()                           # stop: nothing more is submitted

    The CPU work happens in the worker processes only; iterating merely waits.
    The pool is the caller's (the reader keeps one for its lifetime).
    """

    def __init__(
        self,
        pool: Workers,
        job: Job[R],
        sources: Sequence[Source],
        pending: Iterable[int],
        *,
        chunk_size: int = 16,
        in_flight: int = 4,
    ) -> None:
        self.pool = pool
        self.job = job
        self.sources = sources
        self.chunk_size = chunk_size
        self.in_flight = in_flight
        self.warnings: list[str] = []
        self.done = 0
        self._queue: deque[int] = deque(pending)
        self._taken: set[int] = set()
        self._urgent: deque[int] = deque()
        self._lock = threading.Lock()
        self._closed = False

    def prioritize(self, index: int) -> None:
        """Clean ``index`` next (no effect if already submitted or done). Safe from any thread."""
        with self._lock:
            if 0 <= index < len(self.sources) and index not in self._taken:
                self._urgent.append(index)

    def skip(self, index: int) -> None:
        """Do not clean ``index`` (the caller cleans it). Safe from any thread."""
        with self._lock:
            self._taken.add(index)

    def _next_chunk(self) -> list[tuple[int, Source]]:
        with self._lock:
            while self._urgent:
                i = self._urgent.pop()  # the latest wish first: the reader moved on since the earlier ones
                if i not in self._taken:
                    self._taken.add(i)
                    return [(i, self.sources[i])]
            chunk: list[tuple[int, Source]] = []
            while self._queue and len(chunk) < self.chunk_size:
                i = self._queue.popleft()
                if i not in self._taken:
                    self._taken.add(i)
                    chunk.append((i, self.sources[i]))
            return chunk

    def __iter__(self) -> Iterator[tuple[int, R]]:
        inflight: dict[Future[tuple[list[tuple[int, R]], list[str]]], list[tuple[int, Source]]] = {}
        try:
            while not self._closed:
                # Few chunks in flight, so a page asked for now is not stuck behind a long queue.
                while len(inflight) < self.in_flight:
                    chunk = self._next_chunk()
                    if not chunk:
                        break
                    inflight[submit_chunk(self.pool, self.job, chunk, urgent=len(chunk) == 1)] = chunk
                if not inflight:
                    return
                finished, _ = wait(list(inflight), timeout=0.05, return_when=FIRST_COMPLETED)
                for fut in finished:
                    chunk = inflight.pop(fut)
                    try:
                        results, warnings = fut.result()
                    except WorkerLost as lost:  # that page is a page error; the rest of the chunk is queued again
                        results, warnings = self._lost(chunk, lost), []
                    self.warnings.extend(warnings)
                    for index, value in results:
                        self.done += 1
                        yield index, value
        finally:
            for fut in inflight:
                fut.cancel()

    def _lost(self, chunk: list[tuple[int, Source]], lost: WorkerLost) -> list[tuple[int, R]]:
        at = lost.position if 0 <= lost.position < len(chunk) else None
        if at is None:  # lost before any page: each is tried again alone, so the one at fault is found
            if len(chunk) == 1:
                return [(chunk[0][0], self.job.transform(lost_page(chunk[0][1], lost)))]
            with self._lock:
                for i, _ in chunk:
                    self._taken.discard(i)
                    self._urgent.appendleft(i)
            return []
        with self._lock:
            again = [i for k, (i, _) in enumerate(chunk) if k != at]
            for i in again:
                self._taken.discard(i)
            self._queue.extendleft(reversed(again))
        index, source = chunk[at]
        return [(index, self.job.transform(lost_page(source, lost)))]

    def close(self) -> None:
        self._closed = True

    def __enter__(self) -> BackgroundCleaner[R]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
