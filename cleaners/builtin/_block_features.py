"""What the main-content model knows of each block of an HTML page: the judges' votes and the page's structure.

One function makes the features for both the model's training (``bench/train_main_content.py``) and its use
(the ``main_content`` cleaner), so the two cannot drift apart. Every feature is a number; the names say what
each is, and the trained model is stored with the names it was trained on.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from functools import lru_cache
from itertools import accumulate

from ..model import Block
from ._lines import STOPWORDS, PageLines, ends_like_sentence, has_cjk, tokens, word_count

# Class and id words of the page's template (readability's and boilerpipe's lists, folded into two).
NEGATIVE_CLASS = re.compile(
    r"comment|footer|foot\b|sidebar|side-bar|aside|related|recommend|share|sharing|social|\bnav|menu|breadcrumb|"
    r"promo|\bads?\b|advert|sponsor|widget|subscribe|newsletter|signup|sign-up|popup|modal|cookie|banner|masthead|"
    r"header|byline|author|meta|tags?\b|caption|credit|toolbar|pagination|more-|most-|trending|popular|outbrain|taboola",
    re.IGNORECASE,
)
POSITIVE_CLASS = re.compile(
    r"article|\bbody|content|entry|post|story|\btext|main|prose|rich-?text|blog|paragraph|\bcopy\b",
    re.IGNORECASE,
)
TAGS = ("p", "li", "h1", "h2", "h3", "h4", "td", "div", "blockquote", "pre", "figcaption", "dd", "span", "section")
OUTER = ("article", "main", "aside", "footer", "nav", "header", "form", "table", "ul", "figure")

FEATURES: tuple[str, ...] = (
    "readability",
    "trafilatura",
    "readability_none",
    "trafilatura_none",
    "both",
    "log_words",
    "link_density",
    *(f"tag_{t}" for t in TAGS),
    *(f"in_{t}" for t in OUTER),
    "depth",
    "position",
    "negative_class",
    "positive_class",
    "negative_parent",
    "positive_parent",
    "sentence_end",
    "stopwords",
    "cjk",
    "digits",
    "upper_start",
    "readability_prev",
    "readability_next",
    "trafilatura_prev",
    "trafilatura_next",
    "readability_window",
    "trafilatura_window",
    "inside_readability",
    "inside_trafilatura",
    "readability_siblings",
    "trafilatura_siblings",
    "siblings",
    "repeated",
    "readability_share",
    "trafilatura_share",
    # Neighbours of either judge's kept blocks: a paragraph, list item or heading between two kept blocks is
    # most often the article's own (a judge that skipped it rewrote or lost its markup), a block far from
    # any kept one is most often not.
    "either",
    "either_before",
    "either_after",
    "either_between",
    "heading_before_kept",
    "words_of_longest",
    "words_of_kept_mean",
)
NEAR_CAP = 10  # blocks: further than this from a kept block is "far"


def block_features(
    blocks: Sequence[Block],
    readability: Sequence[bool] | None,
    trafilatura: Sequence[bool] | None,
    lines: PageLines | None = None,
    wanted: Sequence[bool] | None = None,
) -> list[list[float]]:
    """A row of numbers (see FEATURES) for each block: ``readability`` and ``trafilatura`` say which blocks each
    judge kept (None: that judge had no opinion on the page). ``lines``: the page's line features, when made
    already (the same words, word counts and sentence ends the per-line rules give). ``wanted``: the blocks
    whose rows are asked for, in order (None: all); a row does not depend on which others are made."""
    n = len(blocks)
    rd = [1.0 if k else 0.0 for k in readability] if readability is not None else [0.5] * n
    tf = [1.0 if k else 0.0 for k in trafilatura] if trafilatura is not None else [0.5] * n
    rd_none = 1.0 if readability is None else 0.0
    tf_none = 1.0 if trafilatura is None else 0.0
    rd_first, rd_last = _span(rd)
    tf_first, tf_last = _span(tf)
    # Per parent (a block's tag path but its own tag): how many blocks share it, and the judges' votes summed
    # over them. Each block's siblings are then looked up, not summed again (a page of 1,000 list items).
    # The votes are 0, 0.5 or 1: their sums are exact in any order.
    groups: dict[str, list[float]] = {}
    parents = []
    for b, r, t in zip(blocks, rd, tf, strict=True):
        parent = b.tag_path.rpartition("/")[0]
        parents.append(parent)
        g = groups.get(parent)
        if g is None:
            groups[parent] = [1.0, r, t]
        else:
            g[0] += 1.0
            g[1] += r
            g[2] += t
    if lines is None:
        words: Sequence[int] = [word_count(b.text) for b in blocks]
        toks: Sequence[Sequence[str]] = [tokens(b.text) for b in blocks]
        ends: Sequence[bool] = [ends_like_sentence(b.text) for b in blocks]
    else:
        words, toks, ends = lines.wc, lines.toks, lines.ends
    stop = STOPWORDS.__contains__
    total = max(1, sum(words))
    rd_share = sum(w for w, k in zip(words, rd, strict=True) if k == 1.0) / total
    tf_share = sum(w for w, k in zip(words, tf, strict=True) if k == 1.0) / total
    either = [max(r, t) for r, t in zip(rd, tf, strict=True)]
    before, after = _distances(either)
    longest = max(1, max(words, default=1))
    kept_words = [w for w, k in zip(words, either, strict=True) if k == 1.0]
    kept_mean = max(1.0, sum(kept_words) / len(kept_words)) if kept_words else 1.0
    # The judges' votes on each block's neighbours, and their sums over windows of 3 blocks back and ahead (from
    # running sums: the votes are 0, 0.5 or 1, so the sums are exact in any order).
    rd_prev, rd_next = [0.0, *rd[:-1]], [*rd[1:], 0.0]
    tf_prev, tf_next = [0.0, *tf[:-1]], [*tf[1:], 0.0]
    rd_sums, tf_sums = list(accumulate(rd, initial=0.0)), list(accumulate(tf, initial=0.0))
    seen: set[str] = set()
    rows: list[list[float]] = []
    last = n - 1
    for i, b in enumerate(blocks):
        text = b.text
        count, rd_siblings, tf_siblings = groups[parents[i]]
        lo, hi = max(0, i - 3), min(n, i + 4)
        repeated = text in seen
        seen.add(text)
        if wanted is not None and not wanted[i]:
            continue
        r, t, tok, b_before, b_after = rd[i], tf[i], toks[i], before[i], after[i]
        rows.append(
            [
                r,
                t,
                rd_none,
                tf_none,
                r * t,
                math.log1p(words[i]),
                b.link_density,
                *_tag_row(b.tag_path),
                i / max(1, last),
                *_class_row(b.class_id),
                1.0 if ends[i] else 0.0,
                sum(map(stop, tok)) / len(tok) if tok else 0.0,
                *_text_row(text),
                rd_prev[i],
                rd_next[i],
                tf_prev[i],
                tf_next[i],
                (rd_sums[hi] - rd_sums[lo]) / (hi - lo),
                (tf_sums[hi] - tf_sums[lo]) / (hi - lo),
                1.0 if rd_first <= i <= rd_last else 0.0,
                1.0 if tf_first <= i <= tf_last else 0.0,
                rd_siblings / count,
                tf_siblings / count,
                math.log1p(count),
                1.0 if repeated else 0.0,
                rd_share,
                tf_share,
                either[i],
                _LOG[b_before],
                _LOG[b_after],
                1.0 if b_before <= 2 and b_after <= 2 else 0.0,
                1.0 if b_after == 1 and b.tag_path.endswith(_HEADINGS) else 0.0,
                words[i] / longest,
                words[i] / kept_mean,
            ]
        )
    return rows


_LOG = [math.log1p(d) for d in range(NEAR_CAP + 1)]
_HEADINGS = ("/h1", "/h2", "/h3", "/h4", "/h5", "/h6")


def _distances(kept: Sequence[float]) -> tuple[list[int], list[int]]:
    """For each block, how many blocks back and ahead the nearest kept one is (at most NEAR_CAP)."""
    n = len(kept)
    before = [NEAR_CAP] * n
    after = [NEAR_CAP] * n
    last = -NEAR_CAP
    for i in range(n):
        before[i] = min(NEAR_CAP, i - last)
        if kept[i] == 1.0:
            last = i
    nxt = n - 1 + NEAR_CAP
    for i in range(n - 1, -1, -1):
        after[i] = min(NEAR_CAP, nxt - i)
        if kept[i] == 1.0:
            nxt = i
    return before, after


# The parts of a row that depend on one string alone (a tag path, a class/id, a text), computed once for each
# string: a page's blocks share few tag paths and class/id strings, and the texts repeat from page to page
# of a site (menus, footers).


@lru_cache(maxsize=4096)
def _tag_row(tag_path: str) -> tuple[float, ...]:
    """tag_*, in_* and depth."""
    path = tag_path.split("/")
    tag = path[-1]
    return (
        *(1.0 if tag == t else 0.0 for t in TAGS),
        *(1.0 if t in path else 0.0 for t in OUTER),
        min(len(path), 40) / 40,
    )


# For a lower-cased ASCII class/id the same matches without IGNORECASE, which is several times slower.
_NEGATIVE_LOWER = re.compile(NEGATIVE_CLASS.pattern)
_POSITIVE_LOWER = re.compile(POSITIVE_CLASS.pattern)


def _negative(words: str) -> bool:
    if words.isascii():
        return _NEGATIVE_LOWER.search(words.lower()) is not None
    return NEGATIVE_CLASS.search(words) is not None


def _positive(words: str) -> bool:
    if words.isascii():
        return _POSITIVE_LOWER.search(words.lower()) is not None
    return POSITIVE_CLASS.search(words) is not None


@lru_cache(maxsize=4096)
def _class_row(class_id: str) -> tuple[float, float, float, float]:
    """negative_class, positive_class, negative_parent, positive_parent."""
    own, _, parent_cls = class_id.partition(" | ")
    return (
        1.0 if own and _negative(own) else 0.0,
        1.0 if own and _positive(own) else 0.0,
        1.0 if parent_cls and _negative(parent_cls) else 0.0,
        1.0 if parent_cls and _positive(parent_cls) else 0.0,
    )


@lru_cache(maxsize=8192)
def _text_row(text: str) -> tuple[float, float, float]:
    """cjk, digits, upper_start."""
    return (
        1.0 if has_cjk(text) else 0.0,
        _digits(text) / len(text),
        1.0 if text[:1].isupper() else 0.0,
    )


def _digits(text: str) -> int:
    """How many characters of ``text`` are digits (``str.isdigit``: of any script, ² too); of ASCII text, counted
    in C."""
    if text.isascii():
        return sum(map(text.count, "0123456789"))
    return sum(map(str.isdigit, text))


def _span(kept: Sequence[float]) -> tuple[int, int]:
    """The first and last block a judge kept ((n, -1): none)."""
    first = next((i for i, k in enumerate(kept) if k == 1.0), len(kept))
    last = next((i for i in range(len(kept) - 1, -1, -1) if kept[i] == 1.0), -1)
    return first, last
