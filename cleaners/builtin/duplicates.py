"""Removes paragraphs that repeat an earlier one, exactly or nearly, and whole articles captured twice.

The first copy stays. Near-duplicates are found through an index of word
shingles, so the cost grows with the page, not with the square of it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, ClassVar

from ..base import BaseCleaner, Context
from ..model import Block, Mark, Page
from ._lines import PageLines, page_lines


def shingles(words: Sequence[str], n: int = 3) -> set[tuple[str, ...]]:
    """The runs of n consecutive words (the whole sequence when it is shorter)."""
    if len(words) <= n:
        return {tuple(words)}
    if n == 3:  # the default, spelled out: the generic form below costs a third more
        return set(zip(words, words[1:], words[2:], strict=False))
    return set(zip(*(words[k:] for k in range(n)), strict=False))


def shingle_hashes(words: Sequence[str]) -> set[int]:
    """The hashes of ``shingles(words)`` (3 words), made without building the set of tuples first."""
    if len(words) <= 3:
        return {hash(tuple(words))}
    return set(map(hash, zip(words, words[1:], words[2:], strict=False)))


class DuplicateParagraphs(BaseCleaner):
    name = "duplicate_paragraphs"
    description = "Removes paragraphs that repeat an earlier one, exactly or nearly, and whole articles captured twice."
    order = 200
    options: ClassVar[Mapping[str, Any]] = {"min_words": 4, "near_min_words": 12, "similarity": 0.8}

    def annotate(self, page: Page, context: Context) -> Iterable[Mark]:
        min_words = self.settings["min_words"]
        near_min = self.settings["near_min_words"]
        similarity = self.settings["similarity"]
        lines = page_lines(page)
        all_toks = lines.toks
        exact: dict[tuple[str, ...], Block] = {}  # by words (no word holds a space: as if joined by spaces)
        seen: set[int] = set()  # the shingle hashes of the kept paragraphs
        sets: dict[int, set[int]] = {}  # kept paragraph -> its shingle hashes, in document order
        blocks_by_index: dict[int, Block] = {}
        found: list[tuple[Block, Block, bool]] = []  # (copy, first copy, exact?)
        remaining = context.remaining()
        for block in [b for b in remaining if len(all_toks[b.index]) >= min_words]:
            words = all_toks[block.index]
            key = tuple(words)  # hashed from the words' cached hashes, where a joined string is hashed anew
            first = exact.get(key)
            if first is not None:
                found.append((block, first, True))
                continue
            exact[key] = block
            if len(words) < near_min:
                continue
            # Shingles by hash: a tuple's hash is not cached, and the set operations below would rehash each
            # shingle three times (a false match of two 64-bit hashes is not a practical concern).
            sh = shingle_hashes(words)
            # Near-duplicates share shingles: most paragraphs share few with all earlier ones together, and
            # the others are compared only with the paragraphs they share some with. How many it shares is
            # what adding them to ``seen`` adds less than their number (one set operation, where taking the
            # shared ones first and adding them after took two).
            before = len(seen)
            seen |= sh
            # Similar enough means sharing at least that share of this paragraph's shingles with one earlier
            # paragraph, so at least that many with all of them together: usually far from it.
            # (A copy's shingles stay in ``seen``: it only says which paragraphs are worth comparing, and a
            # superset lets through every paragraph the kept ones alone would.)
            if len(sh) - (len(seen) - before) >= similarity * len(sh):
                best = None
                for idx in _first_owners(sh, sets):
                    other = sets[idx]
                    shared = len(sh & other)
                    if shared / (len(sh) + len(other) - shared) >= similarity:
                        best = idx
                        break
                if best is not None:
                    found.append((block, blocks_by_index[best], False))
                    continue
            sets[block.index] = sh
            blocks_by_index[block.index] = block
        if not found:
            return
        position = {b.index: k for k, b in enumerate(remaining)}
        yield from _marks(found, position, lines)


def _first_owners(shingles: set[int], sets: dict[int, set[int]]) -> list[int]:
    """The kept paragraphs that first had one of ``shingles``, in document order (``sets`` holds them in that
    order): the only ones a paragraph is compared with."""
    left = set(shingles)
    owners = []
    for idx, other in sets.items():
        if not left.isdisjoint(other):
            owners.append(idx)
            left -= other
            if not left:
                break
    return owners


def _marks(found: list[tuple[Block, Block, bool]], position: dict[int, int], lines: PageLines) -> Iterable[Mark]:
    """A run of adjacent copies of consecutive paragraphs is one article captured twice: say so once for the run.

    Outside such runs only a repeated paragraph of prose goes: recipes, tables and schedules repeat short
    lines on purpose, and those repeats are content. A near-duplicate goes only when it says nothing the first
    lacks (the same paragraph cut short, or with a word dropped): one with a word of its own is a variant, as a
    comparison's or an events page's paragraphs written from one template with another name or number in each.
    """
    i = 0
    while i < len(found):
        j = i + 1
        while (
            j < len(found)
            and found[j][1].index > found[j - 1][1].index
            and position[found[j][0].index] == position[found[j - 1][0].index] + 1
        ):
            j += 1
        run = found[i:j]
        # The page's line features: ``is_prose``, ``ends_like_sentence`` and ``word_count`` of each line.
        prose, ends, wc = lines.prose, lines.ends, lines.wc
        if len(run) >= 3 and sum(1 for copy, _, _ in run if prose[copy.index]) >= 0.5 * len(run):
            first, last = run[0][1].index + 1, run[-1][1].index + 1
            reason = f"second copy of ¶{first}–¶{last} (article captured twice)"
            for copy, _, _ in run:
                yield Mark.block(copy, reason)
        else:
            for copy, original, is_exact in run:
                if not (prose[copy.index] and ends[copy.index] and wc[copy.index] >= 12):
                    continue
                if not is_exact and not set(lines.toks[original.index]).issuperset(lines.toks[copy.index]):
                    continue  # it says something the first does not: a variant (a templated paragraph), not a copy
                kind = "duplicate" if is_exact else "near-duplicate"
                yield Mark.block(copy, f"{kind} of ¶{original.index + 1}")
        i = j
