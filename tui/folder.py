"""The open folder as the reader sees it: its pages, a summary of each once cleaned, and a few full results.

No Textual here: the app asks this model, a background worker fills it. Only
small per-page summaries are kept for every page; full cleaned pages are kept
for the few most recently viewed, so memory stays bounded as folders grow.
"""

from __future__ import annotations

import os
import threading
from collections import Counter, OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

from newsread.cleaners import CleanedPage, Pipeline, Source, iter_sources, load_page

FULL_RESULTS_KEPT = 32


@dataclass(frozen=True, slots=True)
class PageSummary:
    """What the page list shows for a cleaned page."""

    title: str
    site: str
    date: str
    words_kept: int
    words_removed: int
    error: str | None
    cleaner_errors: int
    removed_by: dict[str, int]

    @classmethod
    def of(cls, cleaned: CleanedPage) -> PageSummary:
        meta = cleaned.metadata
        return cls(
            title=meta.get("title") or "",
            site=meta.get("site") or "",
            date=meta.get("date") or "",
            words_kept=cleaned.words_kept,
            words_removed=cleaned.words_removed,
            error=cleaned.page.error,
            cleaner_errors=len(cleaned.errors),
            removed_by=cleaned.removed_by(),
        )


class Folder:
    """Pages of the opened paths, in the engine's order, and what is known of each."""

    def __init__(self, paths: Sequence[str | os.PathLike[str]], pipeline: Pipeline) -> None:
        self.paths = list(paths)
        self.sources: list[Source] = list(iter_sources(self.paths))
        self._pipeline = pipeline
        self._summaries: dict[int, PageSummary] = {}
        self._full: OrderedDict[int, CleanedPage] = OrderedDict()
        self._lock = threading.Lock()
        self.generation = 0  # bumped when the pipeline changes: stale background results are dropped

    def __len__(self) -> int:
        return len(self.sources)

    @property
    def pipeline(self) -> Pipeline:
        return self._pipeline

    def set_pipeline(self, pipeline: Pipeline) -> None:
        """Use another pipeline (a cleaner toggled): everything must be cleaned again."""
        with self._lock:
            self._pipeline = pipeline
            self._summaries.clear()
            self._full.clear()
            self.generation += 1

    def summary(self, index: int) -> PageSummary | None:
        return self._summaries.get(index)

    def cleaned_count(self) -> int:
        return len(self._summaries)

    def clean(self, index: int) -> CleanedPage:
        """The cleaned page (cleaning it now if needed). Safe to call from a worker thread."""
        with self._lock:
            cached = self._full.get(index)
            if cached is not None:
                self._full.move_to_end(index)
                return cached
            pipeline, generation = self._pipeline, self.generation
        cleaned = pipeline.clean(load_page(self.sources[index]))
        summary = PageSummary.of(cleaned)
        with self._lock:
            if generation == self.generation:
                self._summaries[index] = summary
                self._full[index] = cleaned
                while len(self._full) > FULL_RESULTS_KEPT:
                    self._full.popitem(last=False)
        return cleaned

    def removed_in_folder(self) -> Counter[str]:
        """Words removed per cleaner over the pages cleaned so far."""
        total: Counter[str] = Counter()
        with self._lock:
            for summary in self._summaries.values():
                total.update(summary.removed_by)
        return total
