"""Removes what readability-lxml judges outside the main content of an HTML page.

readability's decision is one cleaner among the others: the page's original is
all its visible text, and every block readability leaves out is annotated here,
so the diff shows it. readability's output is matched back to the page's blocks
by text. When readability fails or finds nothing, nothing is removed here and the
page's record says so; the text cleaners (with outside_article) then clean it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import lxml.etree
import lxml.html
from readability import Document

from ..base import BaseCleaner, Context
from ..model import Mark, Page
from ._lines import ends_like_sentence, is_prose

_WORD = re.compile(r"\w+")
MIN_MAIN_WORDS = 25


def _norm(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))


class ReadabilityMain(BaseCleaner):
    name = "readability_main"
    description = "Removes what readability-lxml judges outside the main content (HTML pages)."
    order = 20
    formats = frozenset({"html"})

    def annotate(self, page: Page, context: Context) -> Iterable[Mark]:
        if not page.source or not page.blocks:
            return ()
        try:
            tree, page.tree = page.tree, None  # hand the loader's parse over instead of parsing again
            summary = Document(tree if tree is not None else page.source).summary(html_partial=True)
            kept = lxml.html.fromstring(summary).text_content() if summary.strip() else ""
        except Exception as exc:  # readability has crashed on CJK and Cyrillic pages: never lose the page for it
            context.note(f"readability failed ({type(exc).__name__}); the whole page was cleaned by the text cleaners")
            return ()
        main_words = _norm(kept).split()
        if len(main_words) < MIN_MAIN_WORDS:
            context.note("readability found no main content; the whole page was cleaned by the text cleaners")
            return ()
        main = f" {' '.join(main_words)} "
        trigrams = set(zip(main_words, main_words[1:], main_words[2:], strict=False))
        dropped: list[int] = []
        cursor = 0  # readability keeps document order: match blocks in order, so a menu item that also
        # occurs in the article ("Politics") is not taken for article text.
        for block in page.blocks:
            words = _norm(block.text)
            if not words:
                continue
            needle = f" {words} "
            at = main.find(needle, cursor)
            short = len(words.split()) < 5
            if at >= 0 and (not short or at - cursor <= 80):
                cursor = at + len(needle) - 1
                continue
            if not short and needle in main:
                continue  # out of order but plainly there (readability moved it)
            # readability rewrites markup (drops inline widgets, merges lines): a block most of whose word
            # triples it kept is still main content.
            split = words.split()
            own = list(zip(split, split[1:], split[2:], strict=False))
            if len(own) >= 3 and sum(1 for t in own if t in trigrams) >= 0.5 * len(own):
                continue
            dropped.append(block.index)
        return self._marks(page, dropped)

    @staticmethod
    def _marks(page: Page, dropped: list[int]) -> list[Mark]:
        """Marks for what readability left out, but for prose paragraphs it left out from inside the article
        (between paragraphs it kept): a paragraph in unusual markup is still the article's."""
        gone = set(dropped)
        blocks = page.blocks
        marks = []
        for index in dropped:
            block = blocks[index]
            # Only a lone paragraph with kept paragraphs right before and after it.
            inside = 0 < index < len(blocks) - 1 and index - 1 not in gone and index + 1 not in gone
            if inside and block.link_density < 0.3 and is_prose(block.text) and ends_like_sentence(block.text):
                continue
            marks.append(Mark.block(block, "outside the main content (readability)"))
        return marks
