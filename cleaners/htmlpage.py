"""Blocks of an HTML page: the visible text of each block-level element.

The page's "original" text is every visible block's text, one per line, so the
diff shows all a reader of the raw page saw. Scripts, styles and hidden
elements are not part of it.
"""

from __future__ import annotations

from pathlib import Path

import lxml.etree
import lxml.html

from .htmlmeta import html_metadata
from .model import Block, Page, normalise_space

BLOCK_TAGS = frozenset(
    (
        "address article aside blockquote body caption center dd details dialog div dl dt fieldset figcaption "
        "figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr li main nav ol p pre section summary table tbody "
        "td tfoot th thead tr ul br"
    ).split()
)
INVISIBLE_TAGS = frozenset("script style noscript template head svg math iframe object embed select option".split())


def _parser() -> lxml.html.HTMLParser:
    # No network, no entity expansion beyond HTML's own, tolerant of broken markup.
    # huge_tree: scraped pages nest deeper than libxml2's default limit of 256, which silently drops text;
    # the loader's size limit bounds the cost instead.
    return lxml.html.HTMLParser(no_network=True, remove_comments=True, remove_pis=True, recover=True, huge_tree=True)


# Utility classes that hide an element on screen (Bootstrap, WordPress, Tailwind and the like).
HIDDEN_CLASSES = frozenset(
    "d-none hidden hide is-hidden sr-only visually-hidden screen-reader-text screenreader-only u-hidden "
    "invisible".split()
)


def _hidden(el: lxml.html.HtmlElement) -> bool:
    if el.get("hidden") is not None or el.get("aria-hidden") == "true":
        return True
    classes = el.get("class")
    if classes and not HIDDEN_CLASSES.isdisjoint(classes.split()):
        return True
    style = (el.get("style") or "").replace(" ", "").lower()
    return "display:none" in style or "visibility:hidden" in style


def parse_html(markup: str) -> lxml.html.HtmlElement | None:
    if not markup.strip():
        return None
    try:
        return lxml.html.document_fromstring(markup, parser=_parser())
    except (lxml.etree.ParserError, ValueError):
        return None


def html_page(page_id: str, markup: str, *, encoding: str | None = None, path: Path | None = None) -> Page:
    root = parse_html(markup)
    if root is None:
        return Page(id=page_id, path=path, format="html", text="", blocks=(), encoding=encoding, source=markup)
    try:
        meta = html_metadata(root)
    except (ValueError, TypeError, RecursionError):
        meta = {}  # metadata is a bonus; broken head markup must not cost the page
    pieces: list[tuple[str, str, str, float]] = []  # text, tag path, class/id, link density

    # Walk with an explicit stack: deeply nested markup must not hit the recursion limit.
    current: list[str] = []
    link_chars = 0
    current_ctx: tuple[str, str] = ("", "")

    def flush() -> None:
        nonlocal link_chars
        text = normalise_space("".join(current))
        if text:
            pieces.append((text, current_ctx[0], current_ctx[1], min(1.0, link_chars / max(1, len(text)))))
        current.clear()
        link_chars = 0

    stack: list[tuple[lxml.html.HtmlElement, str, str, int, bool]] = [(root, "", "", 0, False)]
    # Each entry: element, its parent's tag path, inherited class/id, in-link flag (as int), "closing" marker.
    while stack:
        el, parent_path, parent_cls, in_link, closing = stack.pop()
        if closing:
            if isinstance(el.tag, str) and el.tag.lower() in BLOCK_TAGS:
                flush()
            if el.tail:
                current.append(el.tail)
                if in_link:
                    link_chars += len(el.tail.strip())
            continue
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if not tag or tag in INVISIBLE_TAGS or _hidden(el):
            if el.tail:
                current.append(el.tail)
            continue
        path_here = f"{parent_path}/{tag}" if parent_path else tag
        # The element's own class and id, then its parent's: near enough to say what the block is, without
        # every block of a page inheriting the class of a wrapper around the whole article.
        own = " ".join(filter(None, (el.get("class", ""), el.get("id", "")))).strip()
        cls = f"{own} | {parent_cls.split(' | ')[0]}" if parent_cls else own
        if tag in BLOCK_TAGS:
            flush()
            current_ctx = (path_here, cls)
        now_link = bool(in_link) or tag == "a"
        if el.text:
            current.append(el.text)
            if now_link:
                link_chars += len(el.text.strip())
        stack.append((el, parent_path, parent_cls, int(in_link), True))
        for child in reversed(el):
            stack.append((child, path_here, cls, int(now_link), False))
    flush()

    text_parts: list[str] = []
    blocks: list[Block] = []
    pos = 0
    for text, tag_path, cls, density in pieces:
        blocks.append(Block(len(blocks), pos, pos + len(text), text, tag_path, cls[:300], density))
        text_parts.append(text)
        pos += len(text) + 1
    return Page(
        id=page_id,
        path=path,
        format="html",
        text="\n".join(text_parts),
        blocks=tuple(blocks),
        encoding=encoding,
        source=markup,
        meta=meta,
        tree=root,
    )
