"""Cleaning many pages in worker processes, in order (batch output) or as done with priorities (the reader).

Workers are started with the ``spawn`` method (safe next to threads, same on
every platform) and rebuild the pipeline from a :class:`PipelineSpec` — config
file plus which cleaners are on — rather than receiving the pipeline, whose
cleaners may come from plain files that cannot be pickled. What folder-level
cleaners learned is sent along. Each worker opens the shared result cache.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from .cache import ResultCache, clean_source, stage_fingerprints
from .config import load_config
from .loading import Source
from .model import CleanedPage
from .pipeline import Pipeline

R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class PipelineSpec:
    """How to rebuild a pipeline in another process: the config file and every cleaner's on/off state."""

    config_path: Path | None = None
    enable: tuple[str, ...] = ()
    disable: tuple[str, ...] = ()

    def build(self) -> Pipeline:
        return Pipeline.default(load_config(self.config_path), enable=self.enable, disable=self.disable)

    @classmethod
    def of(cls, pipeline: Pipeline, config_path: Path | None = None) -> PipelineSpec:
        """The spec of a pipeline built from ``config_path`` and then toggled (e.g. in the reader)."""
        on = tuple(s.name for s in pipeline.stages if s.enabled)
        off = tuple(s.name for s in pipeline.stages if not s.enabled)
        return cls(config_path, on, off)


@dataclass(frozen=True, slots=True)
class PageSummary:
    """What the page list needs about a cleaned page, small enough to send between processes."""

    id: str
    title: str | None
    error: str | None
    words_kept: int
    words_removed: int
    removals: int
    cleaner_errors: int


def summarize(cleaned: CleanedPage) -> PageSummary:
    return PageSummary(
        cleaned.id,
        cleaned.title,
        cleaned.page.error,
        cleaned.words_kept,
        cleaned.words_removed,
        len(cleaned.removals),
        len(cleaned.errors),
    )


def keep_page(cleaned: CleanedPage) -> CleanedPage:
    return cleaned


# -- worker side ----------------------------------------------------------------------------------
_worker: dict[str, Any] = {}


def _init_worker(spec: PipelineSpec, folder_state: dict[str, Any], cache_dir: Path | None, use_cache: bool) -> None:
    pipeline = spec.build()
    pipeline._folder = dict(folder_state)
    _worker["pipeline"] = pipeline
    _worker["fps"] = stage_fingerprints(pipeline)
    _worker["cache"] = ResultCache(cache_dir) if use_cache else None


def _clean_chunk(
    items: Sequence[tuple[int, Source]], transform: Callable[[CleanedPage], R]
) -> tuple[list[tuple[int, R]], list[str]]:
    pipeline: Pipeline = _worker["pipeline"]
    cache: ResultCache | None = _worker["cache"]
    out = [(i, transform(clean_source(src, pipeline, cache, _worker["fps"]))) for i, src in items]
    warnings: list[str] = []
    if cache is not None:
        cache.flush()
        warnings, cache.warnings = cache.warnings, []
    return out, warnings


def _pool(jobs: int, spec: PipelineSpec, pipeline: Pipeline | None, cache_dir: Path | None, use_cache: bool) -> Any:
    folder_state = dict(pipeline._folder) if pipeline is not None else {}
    return ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_init_worker,
        initargs=(spec, folder_state, cache_dir, use_cache),
    )


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
) -> Iterator[R]:
    """``transform(cleaned)`` for every source, in the sources' order, cleaned by ``jobs`` processes.

    Sources are consumed lazily and at most ``4 * jobs`` chunks are in flight, so
    memory does not grow with the folder. ``pipeline`` (built from ``spec``) is
    used in-process when ``jobs == 1`` and supplies what folder-level cleaners learned.
    """
    warn = on_warning or (lambda _msg: None)
    if jobs <= 1:
        pipe = pipeline if pipeline is not None else spec.build()
        cache = ResultCache(cache_dir) if use_cache else None
        fps = stage_fingerprints(pipe)
        try:
            for src in sources:
                yield transform(clean_source(src, pipe, cache, fps))
                if cache is not None and cache.warnings:
                    for w in cache.warnings:
                        warn(w)
                    cache.warnings = []
        finally:
            if cache is not None:
                cache.close()
                for w in cache.warnings:
                    warn(w)
        return
    it = iter(sources)
    index = 0
    with _pool(jobs, spec, pipeline, cache_dir, use_cache) as pool:
        inflight: deque[Future[tuple[list[tuple[int, R]], list[str]]]] = deque()
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
                inflight.append(pool.submit(_clean_chunk, chunk, transform))
            if not inflight:
                return
            results, warnings = inflight.popleft().result()
            for w in warnings:
                warn(w)
            for _, value in results:
                yield value


# -- as done, with priorities, for the reader -----------------------------------------------------
class BackgroundCleaner(Generic[R]):
    """Cleans every source in worker processes; results arrive as they are done; ``prioritize`` jumps the queue.

    Use from the reader::

        bg = BackgroundCleaner(sources, PipelineSpec.of(pipeline, config_path), jobs=2, transform=summarize)
        # in a worker thread:
        for index, summary in bg: ...        # (index into sources, transform(cleaned)) as each is done
        # from the UI thread, any time:
        bg.prioritize(selected_index)        # cleaned next, ahead of the queue
        bg.close()                           # stop: nothing more is submitted, workers are shut down

    The CPU work happens in the worker processes only; iterating merely waits.
    """

    def __init__(
        self,
        sources: Sequence[Source],
        spec: PipelineSpec,
        *,
        transform: Callable[[CleanedPage], R],
        jobs: int = 2,
        pipeline: Pipeline | None = None,
        cache_dir: Path | None = None,
        use_cache: bool = True,
        chunk_size: int = 16,
    ) -> None:
        self.sources = sources
        self.transform = transform
        self.jobs = max(1, jobs)
        self.chunk_size = chunk_size
        self.warnings: list[str] = []
        self.done = 0
        self._taken = bytearray(len(sources))  # 1 once submitted
        self._cursor = 0
        self._urgent: deque[int] = deque()
        self._lock = threading.Lock()
        self._closed = False
        self._pool = _pool(self.jobs, spec, pipeline, cache_dir, use_cache)

    @property
    def total(self) -> int:
        return len(self.sources)

    def prioritize(self, index: int) -> None:
        """Clean ``index`` next (no effect if already submitted or done). Safe from any thread."""
        with self._lock:
            if 0 <= index < len(self.sources) and not self._taken[index]:
                self._urgent.append(index)

    def _next_chunk(self) -> list[tuple[int, Source]]:
        with self._lock:
            while self._urgent:
                i = self._urgent.popleft()
                if not self._taken[i]:
                    self._taken[i] = 1
                    return [(i, self.sources[i])]
            chunk: list[tuple[int, Source]] = []
            while self._cursor < len(self.sources) and len(chunk) < self.chunk_size:
                i = self._cursor
                self._cursor += 1
                if not self._taken[i]:
                    self._taken[i] = 1
                    chunk.append((i, self.sources[i]))
            return chunk

    def __iter__(self) -> Iterator[tuple[int, R]]:
        inflight: set[Future[tuple[list[tuple[int, R]], list[str]]]] = set()
        try:
            while not self._closed:
                # Few chunks in flight, so a page asked for now is not stuck behind a long queue.
                while len(inflight) < 2 * self.jobs:
                    chunk = self._next_chunk()
                    if not chunk:
                        break
                    inflight.add(self._pool.submit(_clean_chunk, chunk, self.transform))
                if not inflight:
                    return
                finished, inflight = wait(inflight, timeout=0.05, return_when=FIRST_COMPLETED)
                for fut in finished:
                    results, warnings = fut.result()
                    self.warnings.extend(warnings)
                    for index, value in results:
                        self.done += 1
                        yield index, value
        finally:
            for fut in inflight:
                fut.cancel()

    def close(self) -> None:
        self._closed = True
        self._pool.shutdown(wait=False, cancel_futures=True)

    def __enter__(self) -> BackgroundCleaner[R]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
