"""Removes what lies outside the article body of an HTML page the judges of main_content could not settle: the
page header above it, the footer below.

On text dumps the same body stretch (``body_stretch``) is one judge of boilerplate_lines' line model, which
decides there. The body is found as the stretch of lines with the most running text: each
line scores by how much prose it holds (positive) or how much it looks like
menus, headline lists and widgets (negative), and the best-scoring contiguous
stretch wins (the body-text-extraction idea of Finn et al., on lines). Lines an
earlier cleaner removed count as nothing, so a link farm in the middle of an
article does not split it.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from itertools import chain
from typing import Any, ClassVar

from ..base import BaseCleaner, Context
from ..model import Block, Mark, Page
from ._lines import (
    STOPWORDS,
    PageLines,
    ends_like_sentence,
    is_headline_like,
    is_list_item,
    is_prose,
    page_lines,
    tokens,
    word_count,
)
from .metadata import BYLINE, date_value


def line_score(block: Block, lines: PageLines | None = None) -> float:
    """How much running text a line holds (positive) or how much it looks like a menu or a list (negative)."""
    if lines is None:
        text = block.text
        return _score(
            word_count(text), is_prose(text), is_list_item(text), ends_like_sentence(text), is_headline_like(text)
        )
    i = block.index
    return _score(lines.wc[i], lines.prose[i], lines.listed[i], lines.ends[i], lines.headline[i])


def _score(n: int, prose: bool, listed: bool, ends: bool, headline: bool) -> float:
    if prose:
        return float(min(n, 80))
    if n >= 20:
        return n * 0.5
    if listed:
        return -6.0
    if n >= 4 and ends:
        return 1.0  # a short sentence: neutral-positive, so it neither starts nor breaks the body
    if headline:
        return -3.0
    return -2.0


BARRIER = -20.0  # a link-farm heading or a comment section: the body crosses it only for a lot more prose
BARRIER_REASONS = ("link farm under", "comment section", "comment moderation notice", "author bio")


def barriers(blocks: tuple[Block, ...], context: Context) -> list[int]:
    """Blocks where an earlier cleaner saw the article end: the first line of each such removal."""
    found: list[int] = []
    removed = context.removed
    # A page's removals share a few reasons: each distinct reason is tested once.
    barrier = {r: r.startswith(BARRIER_REASONS) for r in {a[3] for a in removed}}
    starts = sorted({a[0] for a in removed if barrier[a[3]]})
    if not starts:
        return found
    # The blocks those removals start at, found by their start (blocks are sorted and disjoint).
    block_starts = [b.start for b in blocks]
    at = [bisect_left(block_starts, s) for s in starts]
    for i in [i for i, s in zip(at, starts, strict=True) if i < len(blocks) and blocks[i].start == s]:
        if not found or found[-1] != i - 1 or i == 0:
            found.append(i)
    return found


def after_dateline(blocks: tuple[Block, ...], scores: list[float], start: int, end: int, context: Context) -> int:
    """Where the body starts when a dateline or byline sits inside the stretch with only teasers above it.

    Pages put the headline, byline and date right above the article; prose before them, mixed with
    headline-like lines, is other stories' teasers. A lede above the byline is rare and has no such mix.
    """
    total = sum(s for s in scores[start : end + 1] if s > 0.0)
    before = 0.0
    headlines = prose_lines = 0
    for i in range(start, min(end, start + 200)):
        b = blocks[i]
        text = b.text
        if scores[i] < 0.0:
            headlines += 1
        elif scores[i] > 0.0:
            before += scores[i]
            prose_lines += 1
        if before > 0.25 * total:
            break
        if headlines < max(3, 2 * prose_lines) or before <= 0.0:
            continue  # the cheap conditions first: most lines are not looked at as datelines at all
        n = word_count(text)
        if n <= 14 and not context.is_removed(b) and (date_value(text, n) or BYLINE.match(text)):
            return i + 1
    return start


def comments_start(blocks: tuple[Block, ...], scores: list[float], context: Context) -> int | None:
    """Where the comment thread begins, if an article of some length comes before it: nothing after is body."""
    starts = {a[0] for a in context.removed if a[3] in ("comment section", "comment author line")}
    if not starts:
        return None
    prose = 0.0
    for i, b in enumerate(blocks):
        if b.start in starts and prose >= 60:
            return i  # earlier markers (a comment count by the byline) had too little article before them
        prose += max(scores[i], 0.0)
    return None


def discount_cards(
    blocks: tuple[Block, ...], scores: list[float], context: Context, lines: PageLines | None = None
) -> None:
    """Story cards (kicker, headline, byline or date, then a one-paragraph summary) repeat after many articles.
    Their summaries are prose, so on their own they would pull the body over the cards: a prose line with two or
    more short lines above it and a short line below counts for little."""
    removed = context.removed_mask()
    live = [i for i in range(len(blocks)) if not removed[i]]
    short = [scores[i] < 0.0 for i in live]
    for k in [k for k in range(2, len(live) - 1) if scores[live[k]] > 0.0]:
        i = live[k]
        n = word_count(blocks[i].text) if lines is None else lines.wc[i]  # the same count, known for the page
        if short[k - 1] and short[k - 2] and short[k + 1] and n <= 80:
            scores[i] *= 0.25


def best_stretch(scores: list[float]) -> tuple[int, int, float]:
    """Kadane: the contiguous stretch [start, end] with the largest sum."""
    # Scores are floats, and so are the constants they are compared with: the interpreter's fast float
    # comparisons apply only between two floats (this loop runs once per line).
    best_start, best_end, best_total = 0, -1, 0.0
    start, total = 0, 0.0
    for i, s in enumerate(scores):
        if total <= 0.0:
            start, total = i, 0.0
        total += s
        if total > best_total:
            best_start, best_end, best_total = start, i, total
    return best_start, best_end, best_total


class OutsideArticle(BaseCleaner):
    name = "outside_article"
    description = "Removes the page header above the article body and the footer below it (menus, lists, footers)."
    order = 900
    # Text pages: the body stretch is one judge of boilerplate_lines' line model, which decides.
    formats = frozenset({"html"})
    options: ClassVar[Mapping[str, Any]] = {"min_body_words": 40}

    def annotate(self, page: Page, context: Context) -> list[Mark]:
        # A list, not a generator: handing the marks over one by one cost more than making them.
        blocks = page.blocks
        if len(blocks) < 3:
            return []
        if context.removed_by("main_content"):
            return []  # the judges found the main content; this is the fallback for when they did not
        lines = page_lines(page)
        body = body_stretch(page, context, lines, self.settings["min_body_words"])
        if body is None:
            return []  # no clear body: better keep everything than guess
        start, end = body
        removed = context.removed_mask()
        header, footer = "page header, above the article body", "page footer, below the article body"
        out = [Mark.block(b, header) for b in blocks[:start] if not removed[b.index]]
        out += [Mark.block(b, footer) for b in blocks[end + 1 :] if not removed[b.index]]
        kept = [b for b in blocks[start : end + 1] if not removed[b.index]]
        above = next((b for b in reversed(blocks[:start]) if lines.wc[b.index] > 0), None)
        out += leading_teaser(kept, above, lines)
        return out


def body_stretch(page: Page, context: Context, lines: PageLines, min_words: int = 40) -> tuple[int, int] | None:
    """The article body as the first and last line of the stretch with the most running text, or None when no
    stretch holds ``min_words`` worth of it. Lines earlier cleaners removed count as nothing."""
    blocks = page.blocks
    if len(blocks) < 3:
        return None
    removed = context.removed_mask()
    wc, prose, listed, ends, headline = lines.wc, lines.prose, lines.listed, lines.ends, lines.headline
    # ``_score`` of each line spelled out inline (a call per line cost more than the arithmetic).
    scores = [
        0.0
        if gone
        else float(min(n, 80))
        if p
        else n * 0.5
        if n >= 20
        else -6.0
        if li
        else 1.0
        if n >= 4 and e
        else -3.0
        if h
        else -2.0
        for gone, n, p, li, e, h in zip(removed, wc, prose, listed, ends, headline, strict=False)
    ]
    discount_cards(blocks, scores, context, lines)
    for i in barriers(blocks, context):
        scores[i] = BARRIER
    cut = comments_start(blocks, scores, context)
    if cut is not None:
        scores[cut:] = [min(s, 0.0) for s in scores[cut:]]
    start, end, total = best_stretch(scores)
    if end < start or total < min_words:
        return None
    return after_dateline(blocks, scores, start, end, context), end


def content_words(text: str, toks: Sequence[str] | None = None) -> set[str]:
    """The words of ``text`` that carry content (``toks``: its words, when known)."""
    words = tokens(text) if toks is None else toks
    return {t for t in words if len(t) > 3 and t not in STOPWORDS and not t.isdigit()}


def leading_teaser(body: list[Block], above: Block | None, lines: PageLines | None = None) -> Iterable[Mark]:
    """A teaser for another story right above the article: a headline and a summary line that share almost no
    vocabulary with the article itself. Both signals are needed; a lede that opens a new angle has only one."""
    if len(body) < 5 or above is None:
        return
    # The page's line features when given: the same counts and words as the plain functions.
    wc = lines.wc if lines is not None else None

    def count(block: Block) -> int:
        return word_count(block.text) if wc is None else wc[block.index]

    if not 1 <= count(above) <= 12 or ends_like_sentence(above.text):
        return
    if lines is not None:
        if sum([lines.wc[b.index] for b in body[1:]]) < 150:
            return
    elif sum(word_count(b.text) for b in body[1:]) < 150:
        return
    toks = lines.toks if lines is not None else None
    head_words = content_words(above.text, None if toks is None else toks[above.index])
    first_words = content_words(body[0].text, None if toks is None else toks[body[0].index])
    if not head_words or len(first_words) < 5 or count(body[0]) > 60:
        return
    # Of the headline's and the first paragraph's content words, those the rest also has: only they are asked
    # about, so the rest's words are looked up in those small sets rather than gathered into a set of their own.
    # A headline word in the rest settles it (usually within the first lines: the search stops there).
    if lines is not None:
        rest: list[Sequence[str]] = [lines.toks[b.index] for b in body[1:]]
    else:
        rest = [list(content_words(b.text)) for b in body[1:]]
    if not all(map(head_words.isdisjoint, rest)):
        return
    if len(first_words.intersection(chain.from_iterable(rest))) / len(first_words) < 0.25:
        yield Mark.block(body[0], "teaser for another story (shares almost no words with the article)")
