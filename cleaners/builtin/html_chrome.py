"""Removes what HTML structure says is not article text: the headline and byline elements, captions and
credits, boxes labelled calls to action, related links or disclosures, and short blocks that are nearly all
links (tag lists, "more on this" boxes) inside the main content. A standfirst (dek) is the story's own, and so
is a heading that is a link but opens a paragraph of prose (a listicle's "1. Product name", a section heading
linked to its source): its section follows it, where a card's linked headline is followed by a date, a teaser
link or nothing."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, ClassVar

from ..base import BaseCleaner, Context
from ..model import Block, Mark, Page, normalise_space
from ._lines import PageLines, normalise_for_match, page_lines

BYLINE_CLASS = re.compile(r"\b(?:byline|author|writer|contributor)s?\b", re.IGNORECASE)
CAPTION_CLASS = re.compile(r"caption|credit|photo-?info|image-?source", re.IGNORECASE)
# Boxes the page itself labels as calls to action, links to related stories or sponsorship disclosures.
PROMO_CLASS = re.compile(r"(?:^|[\s_-])(?:cta|related|disclosure)(?:$|[\s_-])", re.IGNORECASE)
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
CREDIT_TEXT = re.compile(r"^\(?(?:photo|image|picture|foto|bild|credit|source)s?\s*(?:credit)?\s*[:/©]", re.IGNORECASE)


class HtmlChrome(BaseCleaner):
    name = "html_chrome"
    description = "Removes the headline, byline, captions, promo boxes and link-dense blocks of HTML pages."
    order = 30
    formats = frozenset({"html"})
    options: ClassVar[Mapping[str, Any]] = {"max_link_density": 0.8, "max_link_block_words": 25}

    def annotate(self, page: Page, context: Context) -> Iterable[Mark]:
        blocks = context.remaining()
        lines = page_lines(page)  # each block's words and word count, made once for the page
        head = _headline(blocks, normalise_for_match(page.meta.get("title", "")), lines)
        max_links = self.settings["max_link_density"]
        for k, block in enumerate(blocks):
            words = lines.wc[block.index]
            if block is head:
                yield Mark.block(block, "headline", "title", normalise_space(block.text))
            elif block.tag == "figcaption" or CAPTION_CLASS.search(_own_or_parent_class(block.class_id)):
                yield Mark.block(block, "photo caption or credit")
            elif PROMO_CLASS.search(_own_or_parent_class(block.class_id)):
                yield Mark.block(block, "call to action, related link or disclosure (by its class)")
            elif words <= 15 and CREDIT_TEXT.match(block.text):
                yield Mark.block(block, "photo credit")
            elif words <= 12 and BYLINE_CLASS.search(block.class_id):
                yield Mark.block(block, "byline", "byline", normalise_space(block.text))
            elif (
                block.link_density >= max_links
                and words <= self.settings["max_link_block_words"]
                and not (block.tag in HEADINGS and _prose_follows(blocks, k, lines, max_links))
            ):
                yield Mark.block(block, f"link-dense block ({block.link_density:.0%} links)")


def _headline(blocks: Sequence[Block], title: str, lines: PageLines) -> Block | None:
    """The page's headline: the h1 that repeats the page's title (its words); else the first element that repeats
    it or is an h1 (a breadcrumb or a vote count may come before the headline's own h1)."""
    firsts = [
        b
        for b in blocks
        if lines.toks[b.index] and (b.tag == "h1" or (title and " ".join(lines.toks[b.index]) == title))
    ]
    return next((b for b in firsts if b.tag == "h1" and " ".join(lines.toks[b.index]) == title), None) or next(
        iter(firsts), None
    )


def _own_or_parent_class(class_id: str) -> str:
    """The block's own class and id, or its parent's when it has none (a caption's text is often a bare
    <p> inside the element that says it is a caption)."""
    own, _, parent = class_id.partition(" | ")
    return own or parent


def _prose_follows(blocks: Sequence[Block], k: int, lines: PageLines, max_links: float) -> bool:
    """Whether the first block with words after ``blocks[k]`` is a paragraph of prose, not itself mostly links:
    the linked heading opens a section of the article."""
    for block in blocks[k + 1 :]:
        if lines.wc[block.index]:
            return lines.prose[block.index] and block.link_density < max_links
    return False
