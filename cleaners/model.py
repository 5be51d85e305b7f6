"""The page model: a page is its original text plus blocks that point into it.

Cleaners never change a page. They return :class:`Mark` objects (a span of the
original and a human reason); the pipeline stamps each with the cleaner's name
to make an :class:`Annotation`. Everything a user sees — the clean article, the
diff, batch output, scores — is computed from the same annotations.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from operator import itemgetter, le, lt
from pathlib import Path
from typing import Any, Literal, NamedTuple

PageFormat = Literal["text", "html"]
METADATA_FIELDS = ("title", "date", "site", "byline", "url")

_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Block:
    """A paragraph-like unit of the original and its place in it.

    For a text page a block is a non-blank line (without its surrounding
    whitespace); for an HTML page it is one block-level element's visible text.
    The DOM features are empty for text pages.
    """

    index: int
    start: int
    end: int
    text: str
    tag_path: str = ""  # HTML: e.g. "html/body/div/article/p"
    class_id: str = ""  # HTML: class and id words of the element and its ancestors
    link_density: float = 0.0  # HTML: share of the block's characters inside <a>

    @property
    def tag(self) -> str:
        return self.tag_path.rpartition("/")[2]


class Mark(NamedTuple):
    """What a cleaner returns: remove ``start:end`` of the original, because ``reason``.

    A mark with ``field`` set says the span supplied a metadata field (title,
    date, site, byline) whose normalised value is ``value``: it leaves the body
    like any removal, and the page's metadata is read from it.

    A named tuple: cleaners make one for most lines of a page, and a tuple is made in a third of the time a
    frozen dataclass takes.
    """

    start: int
    end: int
    reason: str
    field: str | None = None
    value: str | None = None

    @classmethod
    def block(cls, block: Block, reason: str, field: str | None = None, value: str | None = None) -> Mark:
        """A mark of the whole block."""
        return _new(cls, (block.start, block.end, reason, field, value))  # type: ignore[no-any-return]


class Annotation(NamedTuple):
    """A span of the original removed by a named cleaner, with the reason a person reads: a :class:`Mark`
    stamped with the cleaner's name by the pipeline (a named tuple too)."""

    start: int
    end: int
    cleaner: str
    reason: str
    field: str | None = None
    value: str | None = None


# ``tuple.__new__(cls, values)``: a named tuple of given values without the call of its ``__new__`` (the hot paths
# make one for every line a cleaner marks).
_new: Any = tuple.__new__


class _BlockSlots:  # Block's slots without the frozen __setattr__
    __slots__ = Block.__slots__


def new_block(
    index: int, start: int, end: int, text: str, tag_path: str = "", class_id: str = "", link_density: float = 0.0
) -> Block:
    """``Block(index, start, end, text, ...)`` in half the instructions (loaders make one for every line of every
    page): an instance of a plain class with Block's slots is filled by ordinary stores, then given the frozen
    class (a frozen dataclass's ``__init__`` stores each field through ``object.__setattr__``)."""
    self: Any = _BlockSlots()
    self.index = index
    self.start = start
    self.end = end
    self.text = text
    self.tag_path = tag_path
    self.class_id = class_id
    self.link_density = link_density
    self.__class__ = Block
    return self  # type: ignore[no-any-return]


@dataclass(slots=True)
class Page:
    """A loaded page: the original text as a reader of the raw page saw it, and its blocks."""

    id: str
    path: Path | None
    format: PageFormat
    text: str
    blocks: tuple[Block, ...]
    encoding: str | None = None
    source: str | None = None  # HTML markup the text was taken from
    meta: dict[str, str] = field(default_factory=dict)  # metadata known before cleaning (HTML head, URL)
    error: str | None = None  # why the page could not be loaded; such a page has no blocks
    notes: list[str] = field(default_factory=list)  # things the loader or a cleaner wants the reader to know
    # The loader's parse of ``source``, left for readability so an HTML page is parsed once. It is handed
    # over (readability rewrites the tree it is given): a second cleaning of the page parses again.
    tree: object | None = field(default=None, repr=False, compare=False)
    # What folder-level cleaners worked out of this page for both learning and cleaning (their ``prepare``), by
    # their own keys: a page read once for both is worked on once (see Pipeline.prepare).
    facts: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def failed(cls, page_id: str, path: Path | None, error: str) -> Page:
        return cls(id=page_id, path=path, format="text", text="", blocks=(), error=error)


@dataclass(frozen=True, slots=True)
class CleanerError:
    cleaner: str
    message: str


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of the original that is either kept (``annotation`` is None) or removed by one annotation."""

    start: int
    end: int
    annotation: Annotation | None


@dataclass(slots=True)
class CleanedPage:
    """A page with every cleaner's annotations, and what follows from them."""

    page: Page
    annotations: tuple[Annotation, ...]  # every cleaner's, in pipeline order
    errors: tuple[CleanerError, ...] = ()
    cleaning_notes: tuple[str, ...] = ()
    _removals: tuple[Annotation, ...] | None = field(default=None, repr=False, compare=False)
    _paragraphs: list[str] | None = field(default=None, repr=False, compare=False)
    _whole: list[int] | None = field(default=None, repr=False, compare=False)
    _words: list[list[str]] | None = field(default=None, repr=False, compare=False)

    @property
    def id(self) -> str:
        return self.page.id

    @property
    def notes(self) -> list[str]:
        """What the loader and the cleaners noted about this page; a page whose clean text is empty says why."""
        notes = [*self.page.notes, *self.cleaning_notes]
        if self.page.blocks and self.page.error is None and not self.paragraphs:
            by = sorted(self.removed_by().items(), key=lambda kv: -kv[1])
            who = ", ".join(f"{name} ({words:,} words)" for name, words in by) or "the cleaners"
            notes.append(f"the clean text is empty: every block was removed, by {who}")
        return notes

    @property
    def removals(self) -> tuple[Annotation, ...]:
        """Non-overlapping removals in document order: where cleaners overlap, the earlier cleaner owns the text."""
        if self._removals is None:
            self._removals = effective_removals(self.annotations)
        return self._removals

    def segments(self, start: int = 0, end: int | None = None) -> Iterator[Segment]:
        """The original from ``start`` to ``end`` as alternating kept and removed runs."""
        stop = len(self.page.text) if end is None else end
        pos = start
        for ann in self.removals:
            if ann.end <= pos:
                continue
            if ann.start >= stop:
                break
            if ann.start > pos:
                yield Segment(pos, ann.start, None)
            s, e = max(ann.start, pos), min(ann.end, stop)
            yield Segment(s, e, ann)
            pos = e
        if pos < stop:
            yield Segment(pos, stop, None)

    @property
    def paragraphs(self) -> list[str]:
        """The clean article: each block's kept text, whitespace normalised, empty ones dropped."""
        if self._paragraphs is None:
            self._paragraphs, self._whole = clean_paragraphs(self.page, self.removals)
        return self._paragraphs

    @property
    def paragraph_blocks(self) -> list[int]:
        """For each paragraph, the index of the block it is, kept whole (its text normalised: the words of the
        block are its words); -1 for a block kept in part."""
        if self._whole is None:
            self._paragraphs, self._whole = clean_paragraphs(self.page, self.removals)
        return self._whole

    @property
    def body(self) -> str:
        return "\n\n".join(self.paragraphs)

    @property
    def metadata(self) -> dict[str, str]:
        """Page metadata: what the loader knew, then the first value each metadata annotation supplied."""
        meta = dict(self.page.meta)
        for _, _, _, _, name, value in self.annotations:
            if name and value and name not in meta:
                meta[name] = value
        return meta

    @property
    def title(self) -> str | None:
        return self.metadata.get("title")

    def removed_by(self) -> dict[str, int]:
        """Words removed, per cleaner (effective removals only, so nothing is counted twice)."""
        counts: dict[str, int] = {}
        text = self.page.text
        for start, end, cleaner, _, _, _ in self.removals:
            counts[cleaner] = counts.get(cleaner, 0) + count_words(text[start:end])
        return counts

    @property
    def paragraph_words(self) -> list[list[str]]:
        """Each paragraph's words, as :func:`count_words` counts them (found once: counting and the story
        signature both need them)."""
        if self._words is None:
            self._words = list(map(find_words, self.paragraphs))
        return self._words

    @property
    def words_kept(self) -> int:
        return sum(map(len, self.paragraph_words))

    @property
    def words_removed(self) -> int:
        return sum(self.removed_by().values())


def count_words(text: str) -> int:
    return len(find_words(text))


def find_words(text: str) -> list[str]:
    """``re.findall(r"\\w+", text)``, in fewer instructions for most text: the regex engine asks the Unicode
    tables about every character, where bytes translated through a table and split cost a few per character.

    ASCII text: every byte but ``[A-Za-z0-9_]`` made a space, then split. Other text: the commonest punctuation
    (’ “ — … no-break space) made spaces, then as :func:`words_of_pieces` says.
    """
    if text.isascii():
        return text.encode().translate(ASCII_WORD_BYTES).decode().split()
    for ch in COMMON_PUNCTUATION:
        if ch in text:
            text = text.replace(ch, " ")
            if text.isascii():  # (O(1): ``replace`` narrows the result) only that punctuation: the ASCII split
                return text.encode().translate(ASCII_WORD_BYTES).decode().split()
    return words_of_pieces(
        text.encode("utf-8", "surrogatepass").translate(WORD_OR_HIGH_BYTES).decode("utf-8", "surrogatepass").split()
    )


def words_of_pieces(pieces: list[str]) -> list[str]:
    """The ``\\w+`` words of a text given as its pieces: the text's UTF-8 bytes with every ASCII byte that is not a
    word character made a space (``WORD_OR_HIGH_BYTES``; UTF-8 keeps other characters' bytes apart from those),
    split (also at non-ASCII white space). If every piece is letters and digits (``str.isalnum`` asks what ``\\w``
    asks) and underscores, the pieces are the words; else the regex, on the pieces that need it (no word runs
    across two pieces: what parts them is neither a letter nor a digit)."""
    letters = "".join(pieces).replace("_", "")
    if not letters or letters.isalnum():
        return pieces
    words: list[str] = []
    for piece in pieces:
        if piece.isalnum():
            words.append(piece)
        else:
            words += _WORD.findall(piece)
    return words


COMMON_PUNCTUATION = "’‘“”—–•…\xa0«»"  # the commonest non-ASCII characters that are not word characters
ASCII_WORD_BYTES = bytes(c if c < 128 and (chr(c).isalnum() or c == 95) else 32 for c in range(256))
WORD_OR_HIGH_BYTES = bytes(c if c >= 128 or chr(c).isalnum() or c == 95 else 32 for c in range(256))


def normalise_space(text: str) -> str:
    """Collapse runs of whitespace (nbsp included) into one space and trim."""
    return " ".join(text.split())  # str.split() and the regex ``\s`` agree on what is whitespace


def effective_removals(annotations: Sequence[Annotation]) -> tuple[Annotation, ...]:
    """Resolve overlaps: each character belongs to the first annotation (pipeline order) that covers it."""
    # The usual case first: no two spans overlap (the cleaners skip what is removed) and none is empty. Then each
    # is its own run and they are the annotations sorted by start.
    ordered = sorted(annotations, key=_START)
    if _apart(list(map(_START, ordered)), list(map(_END, ordered))):
        return tuple(ordered)
    out = []
    for k, start, end in _owners(annotations):
        a = annotations[k]
        out.append(a if start == a.start and end == a.end else a._replace(start=start, end=end))
    return tuple(out)


def _apart(starts: list[int], ends: list[int]) -> bool:
    """Spans sorted by start (given as their starts and ends) of which none is empty or reaches into the next."""
    return all(map(lt, starts, ends)) and all(map(le, ends, starts[1:]))


_START = itemgetter(0)
_END = itemgetter(1)


def _owners(spans: Sequence[tuple[Any, ...]]) -> list[tuple[int, int, int]]:
    """For spans (start, end, …) in pipeline order, the runs of the text each first one covers: (position of the
    span, start, end), in document order.

    A sweep over the span boundaries with a heap of the spans open at each point: O(n log n) however the cleaners
    overlap. Most pages' removals do not overlap at all: then each span is its own run, sorted by start.
    """
    if not spans:
        return []
    order = sorted(range(len(spans)), key=lambda k: spans[k][0])
    points = sorted({s[0] for s in spans} | {s[1] for s in spans})
    out: list[tuple[int, int, int]] = []
    active: list[tuple[int, int]] = []  # (pipeline position, end)
    nxt = 0
    run_owner = -1
    run_start = 0
    for here in points[:-1]:
        while nxt < len(order) and spans[order[nxt]][0] <= here:
            k = order[nxt]
            heapq.heappush(active, (k, spans[k][1]))
            nxt += 1
        while active and active[0][1] <= here:
            heapq.heappop(active)
        owner = active[0][0] if active else -1
        if owner != run_owner:
            if run_owner >= 0:
                out.append((run_owner, run_start, here))
            run_owner, run_start = owner, here
        if owner < 0:
            run_owner = -1
    if run_owner >= 0:
        out.append((run_owner, run_start, points[-1]))
    return out


def clean_paragraphs(page: Page, removals: Sequence[Annotation]) -> tuple[list[str], list[int]]:
    """Each block minus the removals (in document order, not overlapping: see ``effective_removals``); a block
    whose kept pieces are separated by a removal keeps one space. And for each paragraph, the index of its block
    when no removal touched it (-1 otherwise): what was worked out of the block holds for the paragraph."""
    paragraphs: list[str] = []
    whole: list[int] = []
    text = page.text
    i = 0
    n = len(removals)
    for block in page.blocks:
        first, last = block.start, block.end
        while i < n and removals[i][1] <= first:
            i += 1
        if i < n and removals[i][0] <= first and removals[i][1] >= last:  # removed whole (most removals are)
            continue
        if i == n or removals[i][0] >= last:  # no removal touches the block (most blocks kept are so)
            kept = text[first:last]
            # Printable (no white space but the space: str.split splits at no other character) and spaced once
            # between words: normalised already.
            if not kept.isprintable() or "  " in kept or kept[:1] == " " or kept[-1:] == " ":
                kept = normalise_space(kept)
            if kept:
                paragraphs.append(kept)
                whole.append(block.index)
            continue
        pos = first
        pieces: list[str] = []
        j = i
        while j < n and removals[j][0] < last:
            r = removals[j]
            start, end = r[0], r[1]
            if start > pos:
                pieces.append(text[pos:start])
            pos = max(pos, end)
            j += 1
        if pos < last:
            pieces.append(text[pos:last])
        kept = normalise_space(" ".join(pieces))
        if kept:
            paragraphs.append(kept)
            whole.append(-1)
    return paragraphs, whole
