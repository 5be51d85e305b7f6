"""The folder the reader has open: its pages, what the engine made of each, and progress. No Textual here.

Worker threads call :meth:`Library.discover` and :meth:`Library.clean`; the
UI thread reads :attr:`Library.summaries` (each slot is replaced whole, never
mutated, so a reader never sees half an update) and polls :attr:`version` to
know when to redraw. Toggling a cleaner swaps the pipeline and bumps
:attr:`generation`: summaries of older generations stay on screen until the
page is cleaned again.

Only a handful of fully cleaned pages are kept (the ones being read); the list
needs just each page's summary, so a folder of many thousands stays small.
A persistent cache of summaries (the large-folder issue) would plug in here.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field

from newsread.cleaners import CleanedPage, Pipeline, Source, inert, iter_sources, load_page
from newsread.cleaners.clusters import StoryIndex, VersionComparison, compare_versions, signature_of
from newsread.cleaners.model import normalise_space

PENDING = -1
MAX_VERSIONS = 12  # other versions of a story compared in the reading pane (each is cleaned to compare)


@dataclass(frozen=True, slots=True)
class PageSummary:
    """What the page list shows for one page. Text fields are already inert (safe to display)."""

    index: int
    id: str
    generation: int = PENDING  # pipeline generation it was cleaned with
    title: str | None = None
    site: str | None = None
    date: str | None = None
    words_kept: int = 0
    words_removed: int = 0
    removed_by: dict[str, int] = field(default_factory=dict)
    error: str | None = None  # the page could not be loaded
    cleaner_errors: int = 0  # cleaners that failed on this page

    @property
    def cleaned(self) -> bool:
        return self.generation != PENDING

    @property
    def label(self) -> str:
        return self.title or self.id


def summarise(index: int, page_id: str, cleaned: CleanedPage, generation: int) -> PageSummary:
    meta = cleaned.metadata

    def shown(key: str) -> str | None:
        value = normalise_space(meta.get(key) or "")
        return inert(value) if value else None

    return PageSummary(
        index=index,
        id=page_id,
        generation=generation,
        title=shown("title"),
        site=shown("site"),
        date=shown("date"),
        words_kept=cleaned.words_kept,
        words_removed=cleaned.words_removed,
        removed_by=cleaned.removed_by(),
        error=inert(cleaned.page.error) if cleaned.page.error else None,
        cleaner_errors=len(cleaned.errors),
    )


class Library:
    """Pages under ``paths`` cleaned by ``pipeline``; safe to use from one UI thread and worker threads."""

    def __init__(self, paths: Sequence[str], pipeline: Pipeline, *, keep: int = 24) -> None:
        self.paths = list(paths)
        self._pipeline = pipeline
        self.generation = 0
        self.version = 0  # bumped whenever something shown changed
        self.discovered = False
        self.phase = "finding pages"
        self.sources: list[Source] = []
        self.summaries: list[PageSummary] = []
        self._keep = keep
        self._cache: OrderedDict[int, CleanedPage] = OrderedDict()
        self._lock = threading.Lock()
        self._fit_lock = threading.Lock()
        self._fitted: set[str] = set()
        self._done = 0
        self._totals: dict[str, int] = {}
        # Story clusters (see newsread.cleaners.clusters): a small signature per cleaned page, clustered once
        # every page is cleaned; until then (and while re-cleaning) the last clusters found stay.
        self._stories: StoryIndex[int] = StoryIndex()
        # (page index -> first page of its story, first page -> the story's pages), for stories of 2+ pages;
        # replaced whole so readers on any thread see both parts of one grouping.
        self._found: tuple[dict[int, int], dict[int, list[int]]] = ({}, {})
        self.clusters_generation = PENDING  # pipeline generation the clusters were found with

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

    def peek(self, index: int) -> CleanedPage | None:
        """The cleaned page if it is at hand for the current pipeline (never loads or cleans)."""
        with self._lock:
            cleaned = self._cache.get(index)
            if cleaned is not None:
                self._cache.move_to_end(index)
            return cleaned

    # -- work (worker threads) --------------------------------------------------------------------
    def discover(self) -> None:
        sources = list(iter_sources(self.paths))
        summaries = [PageSummary(i, inert(s.id)) for i, s in enumerate(sources)]
        with self._lock:
            self.sources, self.summaries = sources, summaries
            self.discovered = True
            self.phase = "cleaning"
            self.version += 1

    def _fitters(self, pipeline: Pipeline) -> set[str]:
        return {s.name for s in pipeline.active if callable(getattr(s.cleaner, "fit", None))}

    def ensure_fitted(self) -> None:
        """Let folder-level cleaners learn from every page once, before any page is cleaned with them."""
        with self._fit_lock:
            pipeline = self._pipeline
            wanted = self._fitters(pipeline)
            if wanted <= self._fitted:
                return
            self.phase = "learning from the folder"
            self.version += 1
            pipeline.fit(load_page(s) for s in self.sources)
            self._fitted |= wanted
            self.phase = "cleaning"
            self.version += 1

    def clean(self, index: int, *, keep: bool = True) -> CleanedPage:
        """Load and clean page ``index`` with the current pipeline (or return it from the cache)."""
        cached = self.peek(index)
        if cached is not None:
            return cached
        self.ensure_fitted()
        generation, pipeline = self.generation, self._pipeline
        source = self.sources[index]
        cleaned = pipeline.clean(load_page(source))
        summary = summarise(index, self.summaries[index].id, cleaned, generation)
        signature = signature_of(cleaned)
        with self._lock:
            if generation == self.generation:
                self._stories.add(index, signature)
                if keep:
                    self._cache[index] = cleaned
                    while len(self._cache) > self._keep:
                        self._cache.popitem(last=False)
                if self.summaries[index].generation != generation:
                    self._done += 1
                    for name, words in summary.removed_by.items():
                        self._totals[name] = self._totals.get(name, 0) + words
                    self.summaries[index] = summary
                self.version += 1
        return cleaned

    # -- changing the pipeline (UI thread) --------------------------------------------------------
    def set_pipeline(self, pipeline: Pipeline) -> None:
        """Clean with ``pipeline`` from now on: every page is pending again (its old summary still shown)."""
        with self._lock:
            self._pipeline = pipeline
            self.generation += 1
            self._cache.clear()
            self._done = 0
            self._totals = {}
            self._stories = StoryIndex()
            self.version += 1

    def toggle(self, name: str) -> bool:
        """Switch cleaner ``name`` on or off; returns whether it is now on."""
        new = self._pipeline.toggled(name)
        self.set_pipeline(new)
        return any(s.name == name and s.enabled for s in new.stages)

    # -- story clusters -----------------------------------------------------------------------------
    def update_clusters(self) -> bool:
        """Group the pages into stories once all are cleaned with the current pipeline; True if (re)grouped."""
        with self._lock:
            generation = self.generation
            if not self.complete or self.clusters_generation == generation:
                return False
            stories = self._stories.copy()
        found = stories.clusters()
        members: dict[int, list[int]] = {}
        for index, first in found.items():
            members.setdefault(first, []).append(index)
        members = {first: sorted(group) for first, group in members.items() if len(group) > 1}
        story_of = {index: first for first, group in members.items() for index in group}
        with self._lock:
            if generation != self.generation:
                return False
            self._found = (story_of, members)
            self.clusters_generation = generation
            self.version += 1
        return True

    def cluster_members(self, index: int) -> list[int]:
        """Every page of page ``index``'s story (itself included), in folder order; just ``[index]`` when alone."""
        story_of, members = self._found
        first = story_of.get(index)
        return list(members[first]) if first is not None else [index]

    def cluster_size(self, index: int) -> int:
        """How many versions page ``index``'s story has in the folder (1: none but itself, or not known yet)."""
        story_of, members = self._found
        first = story_of.get(index)
        return len(members[first]) if first is not None else 1

    def story_versions(self, index: int, cleaned: CleanedPage) -> tuple[list[int], VersionComparison] | None:
        """The other versions of page ``index``'s story and how ``cleaned`` compares with them, paragraph by
        paragraph; None when the page has no other versions. Cleans the other versions (worker thread)."""
        others = [i for i in self.cluster_members(index) if i != index][:MAX_VERSIONS]
        if not others or cleaned.page.error:
            return None
        paragraphs = {}
        for other in others:
            version = self.clean(other, keep=False)
            paragraphs[self.summaries[other].id] = version.paragraphs
        return others, compare_versions(cleaned.paragraphs, paragraphs)
