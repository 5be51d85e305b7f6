"""Removes paragraphs that repeat an earlier one, exactly or nearly, and whole articles captured twice.

The first copy stays. Near-duplicates are found through an index of word
shingles, so the cost grows with the page, not with the square of it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

from ..base import BaseCleaner, Context
from ..model import Block, Mark, Page
from ._lines import ends_like_sentence, is_prose, tokens, word_count


def shingles(words: tuple[str, ...], n: int = 3) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + n]) for i in range(max(1, len(words) - n + 1))}


class DuplicateParagraphs(BaseCleaner):
    name = "duplicate_paragraphs"
    description = "Removes paragraphs that repeat an earlier one, exactly or nearly, and whole articles captured twice."
    order = 200
    options: ClassVar[Mapping[str, Any]] = {"min_words": 4, "near_min_words": 12, "similarity": 0.8}

    def annotate(self, page: Page, context: Context) -> Iterable[Mark]:
        min_words = self.settings["min_words"]
        near_min = self.settings["near_min_words"]
        similarity = self.settings["similarity"]
        exact: dict[str, Block] = {}
        index: dict[tuple[str, ...], list[int]] = {}
        sets: dict[int, set[tuple[str, ...]]] = {}
        blocks_by_index: dict[int, Block] = {}
        found: list[tuple[Block, Block, bool]] = []  # (copy, first copy, exact?)
        for block in context.remaining():
            words = tokens(block.text)
            if len(words) < min_words:
                continue
            key = " ".join(words)
            first = exact.get(key)
            if first is not None:
                found.append((block, first, True))
                continue
            exact[key] = block
            if len(words) < near_min:
                continue
            sh = shingles(words)
            counts: dict[int, int] = {}
            for s in sh:
                for idx in index.get(s, ()):
                    counts[idx] = counts.get(idx, 0) + 1
            best = None
            for idx, shared in counts.items():
                other = sets[idx]
                if shared / (len(sh) + len(other) - shared) >= similarity:
                    best = idx
                    break
            if best is not None:
                found.append((block, blocks_by_index[best], False))
                continue
            sets[block.index] = sh
            blocks_by_index[block.index] = block
            for s in sh:
                index.setdefault(s, []).append(block.index)
        position = {b.index: k for k, b in enumerate(context.remaining())}
        yield from _marks(found, position)


def _marks(found: list[tuple[Block, Block, bool]], position: dict[int, int]) -> Iterable[Mark]:
    """A run of adjacent copies of consecutive paragraphs is one article captured twice: say so once for the run.

    Outside such runs only a repeated paragraph of prose goes: recipes, tables and schedules repeat short
    lines on purpose, and those repeats are content.
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
        if len(run) >= 3 and sum(1 for copy, _, _ in run if is_prose(copy.text)) >= 0.5 * len(run):
            first, last = run[0][1].index + 1, run[-1][1].index + 1
            reason = f"second copy of ¶{first}–¶{last} (article captured twice)"
            for copy, _, _ in run:
                yield Mark.block(copy, reason)
        else:
            for copy, original, is_exact in run:
                if not (is_prose(copy.text) and ends_like_sentence(copy.text) and word_count(copy.text) >= 12):
                    continue
                kind = "duplicate" if is_exact else "near-duplicate"
                yield Mark.block(copy, f"{kind} of ¶{original.index + 1}")
        i = j
