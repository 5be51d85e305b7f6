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
from typing import TYPE_CHECKING

from ..base import BaseCleaner, Context
from ..model import Block, Mark, Page
from ._lines import ends_like_sentence, is_prose

if TYPE_CHECKING:
    import lxml.html

_WORD = re.compile(r"\w+")
MIN_MAIN_WORDS = 25
SUBHEADINGS = frozenset({"h2", "h3", "h4", "h5", "h6"})


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
        # Imported here, not with the module: lxml is ~25 ms of the start-up of a reader of text folders.
        import lxml.html

        from ..htmlpage import parse_html

        try:
            source = page.source

            def reparse() -> lxml.html.HtmlElement | None:
                return parse_html(source)

            # Hand the loader's parse over (readability changes it) instead of parsing again; a second
            # cleaning of the page parses the source again, with the same parser.
            tree, page.tree = page.tree, None
            if tree is None:
                tree = reparse()
            if tree is None:
                context.note("the page has no HTML to find the main content in")
                return ()
            # Imported when first needed: readability costs a reader of plain-text folders ~50 ms at start-up.
            from ._lean_readability import lean_document

            summary = lean_document(tree, reparse).summary(html_partial=True)
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
        vocabulary = set(main_words)
        dropped: list[int] = []
        cursor = 0  # readability keeps document order: match blocks in order, so a menu item that also
        # occurs in the article ("Politics") is not taken for article text.
        for block in page.blocks:
            split = _WORD.findall(block.text.lower())
            if not split:
                continue
            # A block with a word readability's text lacks cannot be in it: skip scanning all of that text.
            if vocabulary.issuperset(split):
                needle = f" {' '.join(split)} "
                at = main.find(needle, cursor)
                short = len(split) < 5
                if at >= 0 and (not short or at - cursor <= 80):
                    cursor = at + len(needle) - 1
                    continue
                if not short and needle in main:
                    continue  # out of order but plainly there (readability moved it)
            # readability rewrites markup (drops inline widgets, merges lines): a block most of whose word
            # triples it kept is still main content.
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
        quoted = _quotes_and_lists_inside(blocks, dropped, gone)
        marks = []
        for index in dropped:
            block = blocks[index]
            if index in quoted:
                continue
            # Only a lone paragraph with kept paragraphs right before and after it.
            inside = 0 < index < len(blocks) - 1 and index - 1 not in gone and index + 1 not in gone
            if inside and block.link_density < 0.3 and is_prose(block.text) and ends_like_sentence(block.text):
                continue
            # ... and a lone subheading between two blocks it kept (readability drops headings whose
            # class reads as negative, a whole article's subheadings at once).
            if inside and block.link_density < 0.3 and block.tag in SUBHEADINGS and is_prose(blocks[index + 1].text):
                continue
            marks.append(Mark.block(block, "outside the main content (readability)"))
        return marks


def _quotes_and_lists_inside(blocks: tuple[Block, ...], dropped: list[int], gone: set[int]) -> set[int]:
    """Blocks of a quotation or a list readability left out from inside the article: a run of dropped
    blocks between blocks it kept, all within blockquote elements, or all list items with few links.
    readability drops quotes whose class says "tweet" or "twitter" as it drops tweet widgets, and lists
    by class or by its counts of elements, but a quoted post or a list of facts between the article's
    paragraphs is the article's (a list of links is not: link-dense runs are left out)."""
    keep: set[int] = set()
    run: list[int] = []
    for index in [*dropped, -2]:  # -2: a sentinel that ends the last run
        if run and index == run[-1] + 1:
            run.append(index)
            continue
        if (
            run
            and run[0] > 0
            and run[-1] < len(blocks) - 1
            and run[0] - 1 not in gone
            and run[-1] + 1 not in gone
            and (
                all("blockquote" in blocks[i].tag_path.split("/") for i in run)
                or (
                    all("li" in blocks[i].tag_path.split("/") for i in run)
                    and sum(blocks[i].link_density for i in run) < 0.3 * len(run)
                )
            )
        ):
            keep.update(run)
        run = [index]
    return keep
