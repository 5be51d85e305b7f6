"""Story clusters: versions of the same story (syndicated copies, rewrites of one report) grouped together.

Two pages are versions of one story when they share several rare word
sequences (5-word shingles of headline and body: quotes and sentences taken
from the same report) that are a part of both pages, not one stock
sentence lost in two long guides, when they are near-copies (min-hash sketches agree on
a band), or have the same body. Shingles are found through an
inverted index, never by comparing every pair of pages, and clusters are the
connected groups (union-find). A shingle found on many pages is a stock
phrase, boilerplate or a series' background paragraph, not evidence: many
copies of one story are found by their sketches instead.

Each page is reduced to a small signature (:func:`story_signature`) as soon as
it is cleaned, so a folder of many thousands of pages is clustered without
keeping the pages: :class:`StoryIndex` collects signatures and clusters them,
and :func:`cluster_signatures` clusters signatures read one at a time (from the
result cache) without holding them all: shingles wait in temporary files by
range of hash value and one range is indexed at a time.
:func:`compare_versions` tells, paragraph by paragraph, what one version adds
or lacks compared with the others.

Why one module over 600 lines: a signature's layout (packed shingles, sketch, body hash) and every reader of it
(the index, the range spill files, the JSON form the cache keeps) must change together.
"""

from __future__ import annotations

import base64
import struct
import sys
import zlib
from array import array
from bisect import bisect_left
from collections import Counter
from collections.abc import Collection, Hashable, Iterable, Iterator, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from itertools import chain, compress
from tempfile import SpooledTemporaryFile
from typing import Any, Generic, TypeVar

from .builtin._lines import lines_if_known
from .model import CleanedPage, find_words, normalise_space

SHINGLE = 5
MIN_SHARED = 4  # shared rare shingles that make two pages one story ...
MIN_SHARED_PART = 0.012  # ... and this part of the two pages' shingles (their geometric mean: ``shares_story``)
MAX_DF = 20  # a shingle on more pages than this is a stock phrase or a series' background: it links nothing
MIN_PARAGRAPH_WORDS = 12  # shorter paragraphs (teaser headlines, captions) are no evidence of a story
SKETCH_BINS = 12  # near-copies: the smallest shingle hash in each of this many bins of the hash space ...
SKETCH_BAND = 4  # ... and two pages whose values agree in every bin of one band of this many are copies
SAME = 0.6  # share of a paragraph's word triples found in one paragraph of another version: the same paragraph
REWORDED = 0.2  # ... at least this share: that paragraph, reworded

K = TypeVar("K", bound=Hashable)


def _tokens(text: str) -> list[str]:
    return _folded(find_words(text))


def _folded(words: list[str]) -> list[str]:
    """``words`` case-folded: joined, folded and split again (one call each instead of one per word)."""
    if not words:
        return []
    joined = "\x1f".join(words)
    return (joined.lower() if joined.isascii() else joined.casefold()).split("\x1f")  # (ASCII: casefold is lower)


def _key(words: Sequence[str]) -> int:
    """A stable hash (the same in every process, so signatures can be made in worker processes)."""
    data = "\x1f".join(words).encode("utf-8", "surrogatepass")
    return zlib.crc32(data) << 32 | zlib.adler32(data)


@dataclass(frozen=True, slots=True)
class StorySignature:
    """What clustering needs of one page: its content shingles and a fingerprint of its whole body."""

    shingles: array[int]  # distinct shingle hashes, in no order, 8 bytes each: a folder's signatures stay small
    body: int  # hash of the normalised body: identical copies always belong together (0: empty page)
    sketch: tuple[int, ...] = ()  # the smallest shingle hash per bin (one-permutation min-hash); () if too short


def shares_story(shared: int, size_a: int, size_b: int, min_shared: int = MIN_SHARED) -> bool:
    """Whether two pages with ``size_a`` and ``size_b`` distinct shingles that share ``shared`` rare ones are
    versions of one story. A fixed count alone chains unrelated long pages together through one sentence each
    pair has in common (an affiliate disclosure, "everything you need to know about"): on a folder of 709
    pages of 709 sites, 156 of them became one "story". What two pages share by chance grows with both their
    sizes, so the count is weighed against their geometric mean."""
    return shared >= min_shared and shared * shared >= MIN_SHARED_PART * MIN_SHARED_PART * size_a * size_b


def story_signature(title: str | None, paragraphs: Sequence[str]) -> StorySignature:
    """A page's signature from its headline and clean paragraphs."""
    return _finished(*_shingles(title, list(map(_tokens, paragraphs))))


def _shingles(title: str | None, paragraph_words: Sequence[list[str]]) -> tuple[set[int], int]:
    """A page's distinct content shingles (unsorted) and the hash of its body, from the case-folded words of each
    of its paragraphs."""
    joined = "\x1f".join(chain.from_iterable(paragraph_words))
    data = joined.encode("utf-8", "surrogatepass")
    body = zlib.crc32(data) << 32 | zlib.adler32(data) if joined else 0
    # Short lines are left out: a teaser headline the cleaners kept would tie the page to that other story.
    tokens = _tokens(title or "")
    for words in paragraph_words:
        if len(words) >= MIN_PARAGRAPH_WORDS:
            tokens += words
    # Each word as a stable number (the crc32 of its bytes); a shingle is the hash of a tuple of ints, which (unlike
    # a str hash) is the same in every process. Built with map/zip: this runs for every page cleaned. Words are
    # numbered once per process (most of a page's words were on earlier pages); the new ones are encoded in one
    # pass, joined, and split again as bytes (no word holds the separator).
    number = _NUMBERS
    new = list(set(tokens).difference(number))
    if new:
        if len(number) + len(new) > MAX_NUMBERED:
            number.clear()
            new = list(set(tokens))
        encoded = "\x1f".join(new).encode("utf-8", "surrogatepass").split(b"\x1f")
        number.update(zip(new, map(zlib.crc32, encoded), strict=True))
    ids = list(map(number.__getitem__, tokens))
    n = SHINGLE
    # A shingle made of short words only ("and it is in the") is grammar, not content: it needs 2+ long words.
    # Each word's flag (long: 1) is a byte of one big integer; adding it shifted by 1..n-1 bytes sums every
    # window's flags at once (a byte each: no carries), in C.
    try:
        flags = int.from_bytes(bytes(map(len, tokens)).translate(_LONG), "little")
    except ValueError:  # (a word over 255 characters)
        flags = int.from_bytes(bytes(min(len(t), 4) for t in tokens).translate(_LONG), "little")
    sums = sum(flags >> 8 * k for k in range(1, n)) + flags
    content = sums.to_bytes(len(tokens), "little").translate(_TWO_OR_MORE)
    windows = zip(*(ids[k:] for k in range(n)), strict=False)  # each window: n consecutive words
    return set(map(hash, compress(windows, content))), body  # (only content windows are hashed)


MAX_NUMBERED = 200_000  # words whose numbers a process keeps (~25 MB at most); then it starts again
_NUMBERS: dict[str, int] = {}  # word -> its number (see _shingles)
_LONG = bytes(4) + bytes([1]) * 252  # a word's length -> 1 if it is long (over 3 characters)
_TWO_OR_MORE = bytes(2) + bytes([1]) * 254  # a window's long words -> 1 if two or more


def _finished(shingles: Collection[int], body: int) -> StorySignature:
    raw = _packed(shingles)
    packed = array("q")
    packed.frombytes(raw)  # (array("q", shingles) costs ~0.5 M instructions a page: see _packed)
    return StorySignature(packed, body, _sketch(shingles, raw))


SKETCH_CANDIDATES = 96  # the sketch is looked for among about this many of a page's smallest shingles first


def _sketch(shingles: Collection[int], packed: bytes | None = None) -> tuple[int, ...]:
    """The smallest shingle of each bin: pages sharing most shingles agree on most bins, and a paragraph added
    or dropped changes only the bins it wins. Robust where a shingle is too common to link. () when a bin has
    none (a short page).

    Only a page's smallest shingles can be the smallest of a bin: those under a bound that about
    :data:`SKETCH_CANDIDATES` of them fall under (hashes spread evenly) are sorted, not all of them (sorting a
    page's ~1,600 shingles cost ~7 % of cleaning it). Should a bin have none of those, all are sorted.

    ``packed``: the shingles as :func:`_packed` gives them, in the order ``shingles`` iterates. The candidates are
    then those whose top byte is at most the bound's, picked by that byte (a translate and ``compress``, in C):
    every shingle under the bound and a few more, still all the smallest ones, so the smallest of each bin is the
    same."""
    n = len(shingles)
    if n < SKETCH_BINS:
        return ()
    bound = -(2**63) + (2**64 * SKETCH_CANDIDATES) // n
    if packed is not None and _LITTLE_ENDIAN:
        candidates: Iterable[int] = compress(shingles, packed[7::8].translate(_top_byte_at_most(bound >> 56)))
    else:
        candidates = filter(bound.__gt__, shingles)
    return _first_per_bin(sorted(candidates)) or _first_per_bin(sorted(shingles))


_LITTLE_ENDIAN = sys.byteorder == "little"  # (a packed value's top byte is then its last)


def _top_byte_at_most(top: int) -> bytes:
    """A table for ``bytes.translate``: a byte -> 1 if it is at most ``top`` read as a signed byte (-128..127),
    else 0. Bytes 0..127 are 0..127, bytes 128..255 are -128..-1."""
    if top >= 127:
        return bytes([1]) * 256
    if top >= 0:
        return bytes([1]) * (top + 1) + bytes(127 - top) + bytes([1]) * 128
    return bytes(128) + bytes([1]) * (top + 129) + bytes(-1 - top)


def _first_per_bin(ordered: Sequence[int]) -> tuple[int, ...]:
    mins: dict[int, int] = {}
    for value in ordered:
        mins.setdefault(value % SKETCH_BINS, value)
        if len(mins) == SKETCH_BINS:
            return tuple(mins[b] for b in range(SKETCH_BINS))
    return ()


def by_range(shingles: array[int], bounds: Sequence[int]) -> Iterator[tuple[int, bytes, int]]:
    """(range, its shingles as 8-byte values, how many of them) for each range of hash values holding some of
    ``shingles``; ``bounds`` are the ranges' upper ends (excluded), the last above every hash. One range takes
    them as they are; several need them in order (each range's part is then a slice)."""
    if len(bounds) == 1:
        if shingles:
            yield 0, shingles.tobytes(), len(shingles)
        return
    ordered = sorted(shingles)
    at = 0
    for part, bound in enumerate(bounds):
        end = bisect_left(ordered, bound, at)
        if end > at:
            yield part, _packed(ordered[at:end]), end - at
        at = end


def signature_of(cleaned: CleanedPage) -> StorySignature | None:
    """The signature of a cleaned page; None for a page that could not be read."""
    if cleaned.page.error is not None:
        return None
    return _finished(*_shingles(cleaned.title, _paragraph_words(cleaned)))


def _paragraph_words(cleaned: CleanedPage) -> list[list[str]]:
    """The case-folded words of each clean paragraph. Those of a block kept whole are the words the cleaners found
    in its line (``PageLines.toks``, lower-cased: when the pipeline worked out the page's lines), if lower-casing
    them is folding them: the line's case had the same length lowered and its words are ASCII (a word's capital
    that lowers to ASCII folds to it too). The others are found and folded now."""
    lines = lines_if_known(cleaned.page)
    if lines is None:
        return list(map(_folded, cleaned.paragraph_words))
    toks, recased = lines.toks, lines.recased
    return [
        words if b >= 0 and not recased[b] and "".join(words := toks[b]).isascii() else _folded(find_words(p))
        for p, b in zip(cleaned.paragraphs, cleaned.paragraph_blocks, strict=True)
    ]


def signature_json_of(cleaned: CleanedPage) -> list[Any] | None:
    """``signature_to_json(signature_of(cleaned))``, without sorting the shingles or taking the sketch: that is
    left to :func:`signature_from_json`, in the process that clusters, once, off the path of every page."""
    if cleaned.page.error is not None:
        return None
    shingles, body = _shingles(cleaned.title, _paragraph_words(cleaned))
    return _json_of(_packed(shingles), body)


def signature_to_json(signature: StorySignature | None) -> list[Any] | None:
    """A signature as a JSON value (the result cache keeps it: a reopened folder is clustered unread)."""
    if signature is None:
        return None
    return _to_json(signature.shingles, signature.body)


def _to_json(shingles: array[int], body: int) -> list[Any]:
    return _json_of(shingles.tobytes(), body)


def _json_of(packed: bytes, body: int) -> list[Any]:
    return [base64.b64encode(packed).decode("ascii"), body]


# Shingles as 8-byte native integers, the bytes ``array("q", shingles).tobytes()`` gives: struct converts each int
# itself, where array's constructor parses every item as a call argument (~0.5 M instructions a page). Where a C
# long has 8 bytes, "l" converts a many-digit int more cheaply than "q" does.
_INT64 = "l" if struct.calcsize("l") == 8 else "q"


def _packed(shingles: Collection[int]) -> bytes:
    return struct.pack(f"{len(shingles)}{_INT64}", *shingles)


def signature_json_text(value: list[Any] | None) -> str:
    """``json.dumps(value)`` of what :func:`signature_json_of` returns, without scanning its base64 text for
    characters to escape (base64 has none)."""
    if value is None:
        return "null"
    raw, body = value
    return f'["{raw}", {int(body)}]'


def signature_from_json(value: Any) -> StorySignature | None:
    """The signature :func:`signature_to_json` or :func:`signature_json_of` wrote; raises ValueError for anything
    else."""
    if value is None:
        return None
    try:
        raw, body = value
        data = base64.b64decode(raw, validate=True)
        shingles = array("q")
        shingles.frombytes(data)  # ValueError unless whole 8-byte values
        return StorySignature(shingles, int(body), _sketch(shingles, data))
    except (TypeError, ValueError) as exc:
        raise ValueError(f"not a story signature: {exc}") from exc


class StoryIndex(Generic[K]):
    """Signatures of pages, keyed by anything hashable (page id, list index); :meth:`clusters` groups them.

    Adding a page again replaces its signature (the page was cleaned again with other cleaners).
    """

    def __init__(self, *, min_shared: int = MIN_SHARED, max_df: int = MAX_DF) -> None:
        self.min_shared = min_shared
        self.max_df = max_df
        self._signatures: dict[K, StorySignature] = {}

    def __len__(self) -> int:
        return len(self._signatures)

    def copy(self) -> StoryIndex[K]:
        """A snapshot to cluster while pages are still being added to this one."""
        other: StoryIndex[K] = StoryIndex(min_shared=self.min_shared, max_df=self.max_df)
        other._signatures = dict(self._signatures)
        return other

    def add(self, key: K, signature: StorySignature | None) -> None:
        if signature is None:
            self._signatures.pop(key, None)
        else:
            self._signatures[key] = signature

    def clusters(self) -> dict[K, K]:
        """Each key -> its cluster's representative (the first key added of the cluster)."""
        return cluster_signatures(
            self._signatures.items(), expected=len(self._signatures), min_shared=self.min_shared, max_df=self.max_df
        )


def cluster_signatures(
    signatures: Iterable[tuple[K, StorySignature | None]],
    *,
    expected: int = 0,
    min_shared: int = MIN_SHARED,
    max_df: int = MAX_DF,
) -> dict[K, K]:
    """Each key -> its cluster's representative (the first key of the cluster, in the order given).

    The signatures are read once, one at a time, and never held together: a page's body hash and sketch stay
    (a few ints), its shingles go to spill files by range of hash value, and the ranges are indexed one after
    the other, so memory holds one range (``expected``, the number of signatures, sets how many ranges).
    A key given None has no signature: it is its own cluster.
    """
    keys: list[K] = []
    parent: list[int] = []
    sizes = array("q")  # each page's number of shingles (0: none kept)

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(a: int, b: int) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    first_body: dict[int, int] = {}
    first_band: dict[int, int] = {}  # by the hash of (band, its values): a tuple each would be ~270 bytes
    parts = max(1, -(-expected * SHINGLES_PER_PAGE // INDEX_SHINGLES))
    bounds = [-(2**63) + (2**64 * p) // parts for p in range(1, parts + 1)]  # each range's upper end (excluded)
    # Each time a page pair (a << 32 | b, a < b) shares a rare shingle, in an array: it outlives every range,
    # and Python ints kept that long would pin the memory each range's sets leave behind.
    # ... in buckets by page, counted a bucket at a time: nearly every pair shares one shingle by chance (100k
    # pages: 2.7 million pairs, 37 sharing four or more), and counting them all at once took ~90 MB.
    pairs = [array("q") for _ in range(PAIR_BUCKETS)]
    with ExitStack() as stack:
        # Per range, two files: the shingles, and (page position, how many of them) for each page.
        def spill() -> Any:
            return stack.enter_context(SpooledTemporaryFile(max_size=SPILL_IN_MEMORY // (2 * parts)))

        data_files = [spill() for _ in range(parts)]
        head_files = [spill() for _ in range(parts)]
        data: list[list[bytes]] = [[] for _ in range(parts)]
        heads: list[list[int]] = [[] for _ in range(parts)]
        for key, sig in signatures:
            i = len(keys)
            keys.append(key)
            parent.append(i)
            sizes.append(0)
            if sig is None:
                continue
            if sig.body:
                first = first_body.setdefault(sig.body, i)
                if first != i:  # an identical copy joins its original; its shingles would only repeat it
                    union(first, i)
                    continue
            for b in range(0, len(sig.sketch), SKETCH_BAND):  # near-copies, however many there are
                union(first_band.setdefault(hash((b, *sig.sketch[b : b + SKETCH_BAND])), i), i)
            sizes[i] = len(sig.shingles)
            for part, packed, count in by_range(sig.shingles, bounds):
                data[part].append(packed)
                heads[part] += (i, count)
            if i % 1024 == 1023:  # written in batches: a write per range, not per page
                _flush(data, heads, data_files, head_files)
        _flush(data, heads, data_files, head_files)
        for data_file, head_file in zip(data_files, head_files, strict=True):
            _pairs_sharing(_read(data_file), _read(head_file), max_df, pairs)
    for bucket in pairs:
        for pair, count in Counter(bucket).items():
            a, b = pair >> 32, pair & 0xFFFFFFFF
            if shares_story(count, sizes[a], sizes[b], min_shared):
                union(a, b)
        del bucket[:]
    return {keys[i]: keys[find(i)] for i in range(len(keys))}


def _flush(data: list[list[bytes]], heads: list[list[int]], data_files: list[Any], head_files: list[Any]) -> None:
    for chunks, numbers, data_file, head_file in zip(data, heads, data_files, head_files, strict=True):
        data_file.write(b"".join(chunks))
        head_file.write(array("q", numbers).tobytes())
        chunks.clear()
        numbers.clear()


def _read(spill: Any) -> list[int]:
    """The numbers a spill file holds, as a list (each set operation on an array would make Python ints of
    its numbers again); the file is emptied."""
    spill.seek(0)
    numbers = array("q")
    numbers.frombytes(spill.read())
    spill.truncate(0)
    return numbers.tolist()


def _pairs_sharing(shingles: list[int], heads: list[int], max_df: int, pairs: list[array[int]]) -> None:
    """Add to ``pairs`` (to the bucket of its second page) each pair of pages sharing a shingle of one range,
    once per such shingle (shingles on at most ``max_df`` pages). ``heads``: (page position, its number of
    shingles) for each page, in page order. Nearly every shingle is on one page only: those seen on two or
    more are found by set operations (run in C), and only they enter the inverted index."""
    seen: set[int] = set()
    repeated: set[int] = set()
    at = 0
    for count in heads[1::2]:
        part = shingles[at : at + count]
        repeated.update(seen.intersection(part))
        seen.update(part)
        at += count
    del seen
    if not repeated:
        return
    postings: dict[int, list[int]] = {}
    at = 0
    for i, count in zip(heads[::2], heads[1::2], strict=True):
        for sh in repeated.intersection(shingles[at : at + count]):
            postings.setdefault(sh, []).append(i)
        at += count
    for members in postings.values():
        if len(members) <= max_df:  # (in page order: the pages were written in order)
            for a in range(len(members) - 1):
                row = members[a] << 32
                for b in members[a + 1 :]:
                    pairs[b % PAIR_BUCKETS].append(row | b)


def pairs_sharing(shingles: list[int], heads: list[int], max_df: int, pairs: list[array[int]]) -> None:
    """The step of :func:`cluster_signatures` that finds page pairs sharing rare shingles of one range of hash
    values, for a caller that splits the signatures by range itself (a reducer of a distributed run, see
    ``distributed.py``): ``heads`` is (page, its number of shingles) for each page in page order, ``shingles``
    their shingles in that order; ``pairs`` has :data:`PAIR_BUCKETS` arrays."""
    _pairs_sharing(shingles, heads, max_df, pairs)


INDEX_SHINGLES = 1_000_000  # clustering holds about this many shingles at a time (~150 MB: lists and sets) ...
SHINGLES_PER_PAGE = 700  # ... counting this many a page (a news article: ~650 distinct 5-word shingles)
PAIR_BUCKETS = 16  # page pairs are counted in this many parts
SPILL_IN_MEMORY = 32 << 20  # bytes of shingles (all ranges) kept in memory before they go to temporary files


def cluster_pages(
    pages: Iterable[CleanedPage], *, min_shared: int = MIN_SHARED, max_df: int = MAX_DF
) -> dict[str, str]:
    """Page id -> cluster id for every page; the cluster id is the id of the cluster's first page."""
    index: StoryIndex[str] = StoryIndex(min_shared=min_shared, max_df=max_df)
    unreadable = []
    for page in pages:
        sig = signature_of(page)
        if sig is None:
            unreadable.append(page.id)
        index.add(page.id, sig)
    out = index.clusters()
    out.update((page_id, page_id) for page_id in unreadable)
    return out


def members_by_cluster(clusters: Mapping[K, K]) -> dict[K, list[K]]:
    """Cluster id -> its members, in the order given."""
    out: dict[K, list[K]] = {}
    for key, cluster in clusters.items():
        out.setdefault(cluster, []).append(key)
    return out


# -- comparing versions -------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class ParagraphMatch:
    """Where another version has a paragraph: its paragraph ``index``, and how much of the wording is the same."""

    version: str
    index: int
    overlap: float  # share of the paragraph's word triples found in that paragraph

    @property
    def same(self) -> bool:
        return self.overlap >= SAME


@dataclass(frozen=True, slots=True)
class ParagraphPresence:
    """One paragraph of this version and the other versions that have it too (same or reworded)."""

    index: int
    text: str
    found: tuple[ParagraphMatch, ...]

    @property
    def only_here(self) -> bool:
        return not self.found


@dataclass(frozen=True, slots=True)
class MissingParagraph:
    """A paragraph other versions have and this one lacks: where it was first seen, and every version with it."""

    version: str
    index: int
    text: str
    versions: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class VersionComparison:
    versions: tuple[str, ...]  # the other versions compared with, in the order given
    paragraphs: tuple[ParagraphPresence, ...]  # this version's paragraphs, in order
    missing: tuple[MissingParagraph, ...]  # what the others have and this one lacks, in their order

    @property
    def adds(self) -> list[ParagraphPresence]:
        """Paragraphs no other version has."""
        return [p for p in self.paragraphs if p.only_here]

    @property
    def lacks(self) -> list[MissingParagraph]:
        return list(self.missing)


class _ParagraphIndex:
    """Word triples of a version's paragraphs, to find where a paragraph of another version went."""

    def __init__(self, paragraphs: Sequence[str]) -> None:
        self.where: dict[int, list[int]] = {}
        for j, para in enumerate(paragraphs):
            for t in _triples(para):
                self.where.setdefault(t, []).append(j)

    def best(self, triples: set[int]) -> tuple[int, float] | None:
        """The paragraph sharing most of ``triples`` and the share it has, if at least a reworded match."""
        if not triples:
            return None
        hits: Counter[int] = Counter()
        for t in triples:
            for j in set(self.where.get(t, ())):
                hits[j] += 1
        if not hits:
            return None
        j, n = min(hits.items(), key=lambda kv: (-kv[1], kv[0]))
        overlap = n / len(triples)
        return (j, round(overlap, 3)) if overlap >= REWORDED else None


def compare_versions(mine: Sequence[str], others: Mapping[str, Sequence[str]]) -> VersionComparison:
    """Paragraph by paragraph: which of ``mine`` the other versions also have, and what they have that it lacks.

    ``others`` maps a version's name (page id) to its clean paragraphs. A paragraph is "the same" in another
    version when most of its word triples are in one paragraph there, "reworded" when a good part is. A
    paragraph several others lack is listed once, with every version that has it.
    """
    mine_triples = [_triples(p) for p in mine]
    mine_index = _ParagraphIndex(mine)
    presences: list[list[ParagraphMatch]] = [[] for _ in mine]
    missing: list[tuple[str, int, str, set[int], list[str]]] = []
    for name, paragraphs in others.items():
        index = _ParagraphIndex(paragraphs)
        for i, triples in enumerate(mine_triples):
            hit = index.best(triples)
            if hit is not None:
                presences[i].append(ParagraphMatch(name, hit[0], hit[1]))
        for j, para in enumerate(paragraphs):
            triples = _triples(para)
            if not triples or mine_index.best(triples) is not None:
                continue
            for entry in missing:  # the same paragraph missing from several versions: listed once
                if _share(triples, entry[3]) >= SAME:
                    entry[4].append(name)
                    break
            else:
                missing.append((name, j, para, triples, [name]))
    return VersionComparison(
        versions=tuple(others),
        paragraphs=tuple(
            ParagraphPresence(i, text, tuple(found))
            for i, (text, found) in enumerate(zip(mine, presences, strict=True))
        ),
        missing=tuple(MissingParagraph(v, j, normalise_space(t), tuple(vs)) for v, j, t, _, vs in missing),
    )


def _share(a: set[int], b: set[int]) -> float:
    return len(a & b) / len(a) if a else 0.0


def _triples(text: str) -> set[int]:
    t = _tokens(text)
    if len(t) < 3:
        return {_key(t)} if t else set()
    return {_key(t[i : i + 3]) for i in range(len(t) - 2)}
