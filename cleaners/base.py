"""The cleaner protocol: a name, a one-line description, and a function from a page to marks.

A cleaner is any object with ``name``, ``description`` and
``annotate(page, context) -> Iterable[Mark]``. One that learns from the whole
folder also has ``fit(pages)``, called once over every page before any page is
cleaned; it may also split that learning in two (``fit_chunk``/``fit_merge``, see
:class:`ChunkedFolderCleaner`) so that a big folder is read by several processes
at once. Cleaners register through the ``newsread.cleaners`` entry-point group;
the entry point names a class (built with the cleaner's options as keyword
arguments) or a ready object.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from itertools import compress
from operator import itemgetter, not_
from typing import Any, ClassVar, Protocol, runtime_checkable

from .model import Annotation, Block, Mark, Page


class Context:
    """What a cleaner may know while it annotates one page.

    ``removed`` holds what the cleaners before it removed, so a cleaner can work
    on what remains (the text cleaners run on readability's main content, say).
    Read it, never change it.
    """

    __slots__ = (
        "_at",
        "_covered",
        "_ends",
        "_remaining",
        "_remaining_of",
        "folder",
        "notes",
        "page",
        "removed",
    )

    def __init__(
        self,
        page: Page,
        removed: Iterable[Annotation] = (),
        folder: Mapping[str, Any] | None = None,
        notes: list[str] | None = None,
    ) -> None:
        self.page = page
        self.folder: Mapping[str, Any] = {} if folder is None else folder  # what folder-level cleaners learned
        self.notes: list[str] = [] if notes is None else notes  # what cleaners want the reader to know about the page
        self.removed: list[Annotation] = []  # what the cleaners before this one removed, in pipeline order
        self._covered: list[bool] | None = None
        self._ends: list[int] | None = None  # each block's end, for finding the blocks a span covers
        self._remaining: list[Block] | None = None  # ``remaining()`` until a block is removed: most remove none
        self._remaining_of: tuple[Block, ...] | None = None  # the blocks ``_remaining`` was taken from
        self._at: dict[int, int] | None = None  # block start -> block position: most removals are one whole block
        if removed:
            self.note_removed(removed)

    def __repr__(self) -> str:
        return f"Context(page={self.page.id!r}, removed={len(self.removed)}, notes={self.notes!r})"

    def note(self, message: str) -> None:
        """Tell the reader something about how this page was cleaned (shown in the reader and the JSONL)."""
        if message not in self.notes:
            self.notes.append(message)

    def removed_by(self, cleaner: str) -> bool:
        """True when the named cleaner removed anything on this page so far."""
        return cleaner in map(_CLEANER, self.removed)

    def _block_flags(self) -> list[bool]:
        if self._covered is None or len(self._covered) != len(self.page.blocks):
            self._covered = [False] * len(self.page.blocks)
            self._remaining = None
        return self._covered

    def note_removed(self, annotations: Iterable[Annotation]) -> None:
        """Add to what was removed (what the pipeline does after each cleaner)."""
        flags = self._block_flags()
        blocks = self.page.blocks
        ends = self._ends
        at = self._at
        if ends is None or at is None or len(ends) != len(blocks):
            ends = self._ends = [b.end for b in blocks]
            at = self._at = {b.start: k for k, b in enumerate(blocks)}
        count = len(blocks)
        annotations = list(annotations)
        self.removed.extend(annotations)
        # Each annotation's start and end, taken in C (unpacking a named tuple in a loop costs twice as much).
        for start, end in zip(map(_START, annotations), map(_END, annotations), strict=True):
            k = at.get(start)
            if k is not None and ends[k] == end:  # exactly one block (blocks are disjoint)
                if not flags[k]:
                    flags[k] = True
                    self._remaining = None
                continue
            # Blocks are sorted and disjoint: find those the span covers whole.
            i = bisect_right(ends, start)
            while i < count:
                b = blocks[i]
                if b.start >= end:
                    break
                if start <= b.start and b.end <= end and not flags[i]:
                    flags[i] = True
                    self._remaining = None
                i += 1

    def is_removed(self, block: Block) -> bool:
        """True when earlier cleaners removed the whole block."""
        return self._block_flags()[block.index]

    def removed_mask(self) -> tuple[bool, ...]:
        """For each block of the page, by index: whether earlier cleaners removed it whole."""
        return tuple(self._block_flags())

    def remaining(self) -> list[Block]:
        """Blocks no earlier cleaner removed whole, in document order."""
        flags = self._block_flags()
        blocks = self.page.blocks
        if self._remaining is None or self._remaining_of is not blocks:
            # A block's index is its position: keep those whose flag is off, without a loop in Python.
            self._remaining = list(compress(blocks, map(not_, flags)))
            self._remaining_of = blocks
        return list(self._remaining)  # a copy: the caller may change it


@runtime_checkable
class Cleaner(Protocol):
    name: str
    description: str

    def annotate(self, page: Page, context: Context) -> Iterable[Mark]: ...


@runtime_checkable
class FolderCleaner(Cleaner, Protocol):
    def fit(self, pages: Iterable[Page]) -> Any:
        """Learn from every page of the folder; the result is given to ``annotate`` as ``context.folder[name]``.

        What both ``fit`` and ``annotate`` work out of a page may be worked out once, by an optional
        ``prepare(page)`` that keeps it in ``page.facts`` under a key of its own (see ``Pipeline.prepare``); both
        must still work it out for a page that has none."""
        ...


@runtime_checkable
class ChunkedFolderCleaner(FolderCleaner, Protocol):
    """A folder-level cleaner whose learning splits into a map step over parts of the folder and a reduce step.

    ``fit_chunk(pages)`` reads consecutive pages of the folder (in a worker process, any number of parts at
    once) and returns what learning needs of them: small and picklable (numbers, not pages), since it is sent
    back from the worker. ``fit_merge(chunks)`` is given those results for consecutive parts covering the
    whole folder, in folder order, and returns exactly what ``fit`` over every page would have returned.
    A cleaner without them is always given the whole folder through ``fit``.
    """

    def fit_chunk(self, pages: Iterable[Page]) -> Any:
        """What learning needs of these consecutive pages of the folder (the map step)."""
        ...

    def fit_merge(self, chunks: Sequence[Any]) -> Any:
        """What ``fit`` would return for the folder, from ``fit_chunk``'s results for its parts, in order."""
        ...


def fits_in_chunks(cleaner: object) -> bool:
    """Whether ``cleaner`` learns from a folder read in parts (see :class:`ChunkedFolderCleaner`)."""
    return callable(getattr(cleaner, "fit_chunk", None)) and callable(getattr(cleaner, "fit_merge", None))


class BaseCleaner:
    """Convenience base for cleaners with options: ``Cleaner(min_run=3)``; unknown options are an error."""

    name: ClassVar[str] = ""
    description: ClassVar[str] = ""
    enabled_by_default: ClassVar[bool] = True
    order: ClassVar[int] = 500  # lower runs earlier; built-ins use 0–1000, plugins default to after them
    formats: ClassVar[frozenset[str]] = frozenset({"text", "html"})  # page formats this cleaner applies to
    options: ClassVar[Mapping[str, Any]] = {}  # option name -> default

    def __init__(self, **options: Any) -> None:
        unknown = set(options) - set(self.options)
        if unknown:
            known = ", ".join(sorted(self.options)) or "none"
            raise ValueError(f"{self.name}: unknown option(s) {', '.join(sorted(unknown))} (known: {known})")
        self.settings: dict[str, Any] = {**self.options, **options}

    def annotate(self, page: Page, context: Context) -> Iterable[Mark]:
        raise NotImplementedError


_START = itemgetter(0)  # an annotation's start
_END = itemgetter(1)
_CLEANER = itemgetter(2)
