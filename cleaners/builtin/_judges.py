"""Judges of an HTML page's main content: established extractors, each asked which of the page's blocks it keeps.

An extractor gives its article as text (readability-lxml as HTML, trafilatura as text). That text is matched
back to the page's blocks by words, in document order, so that a menu item that also occurs in the article
("Politics") is not taken for article text. A judge that fails or finds nothing gives ``None``: it has no
opinion on the page, and the others decide.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from ..model import Block
from ._lines import lower_words, tokens, words_in

if TYPE_CHECKING:
    import lxml.html

MIN_MAIN_WORDS = 25  # an extractor's article shorter than this is no opinion (it found no main content)


class NoOpinion(Exception):
    """A judge could not judge the page: the message says why (shown as a note)."""


def kept_blocks(
    blocks: Sequence[Block], article: str, words: Sequence[Sequence[str]] | None = None
) -> list[bool] | None:
    """For each block, whether ``article`` (an extractor's text) holds it; None for an article too short.

    ``words``: each block's lower-cased words (``tokens`` of its text), when the page's line features have them."""
    main_words = lower_words(article)
    if len(main_words) < MIN_MAIN_WORDS:
        return None
    main = f" {' '.join(main_words)} "
    trigrams = set(zip(main_words, main_words[1:], main_words[2:], strict=False))
    vocabulary = set(main_words)
    kept = [False] * len(blocks)
    cursor = 0
    for block in blocks:
        split = tokens(block.text) if words is None else words[block.index]
        if not split:
            continue
        # A block with a word the article lacks cannot be in it: skip scanning all of that text.
        if vocabulary.issuperset(split):
            needle = f" {' '.join(split)} "
            at = main.find(needle, cursor)
            short = len(split) < 5
            if at >= 0 and (not short or at - cursor <= 80):
                cursor = at + len(needle) - 1
                kept[block.index] = True
                continue
            if not short and needle in main:
                kept[block.index] = True  # out of order but plainly there (the extractor moved it)
                continue
        # Extractors rewrite markup (drop inline widgets, merge lines): a block most of whose word triples
        # the article holds is still in it.
        if len(split) < 5:  # fewer than 3 word triples
            continue
        own = list(zip(split, split[1:], split[2:], strict=False))
        if sum(1 for t in own if t in trigrams) >= 0.5 * len(own):
            kept[block.index] = True
    return kept


def readability_text(tree: lxml.html.HtmlElement, reparse: Callable[[], Any]) -> str:
    """readability-lxml's main content of the page (its summary's text). The tree is consumed."""
    # Imported when first needed: readability costs a reader of plain-text folders ~50 ms at start-up.
    from ._lean_readability import article_text, lean_document

    return article_text(lean_document(tree, reparse))


# trafilatura's fast article holding less than this share of the words of the page's prose blocks (of
# PROSE_WORDS words or more): its full mode is asked too (bench/README, html16c).
FULL_MODE_BELOW = 0.5
PROSE_WORDS = 30


def trafilatura_text(tree: lxml.html.HtmlElement, prose_words: int = 0) -> str:
    """trafilatura's main content of the page, comments left out (it works on a copy of the tree).

    ``fast``: trafilatura's own fallback asks readability and jusText again; readability is a judge of its own
    here already. When the fast article holds less than half the words of the page's prose blocks
    (``prose_words``), the fast mode missed most of the article (a listicle's items, a review's sections in
    boxes of their own) and the full mode, whose fallback finds them, is asked as well: the longer article is
    the judge's."""
    try:
        import trafilatura
    except ImportError as exc:
        raise NoOpinion("trafilatura is not installed") from exc
    text = trafilatura.extract(tree, include_comments=False, include_tables=True, fast=True) or ""
    if prose_words and words_in(text) < FULL_MODE_BELOW * prose_words:
        full = trafilatura.extract(tree, include_comments=False, include_tables=True) or ""
        if len(full) > len(text):
            return full
    return text
