"""Blocks of an HTML page: the visible text of each block-level element.

The page's "original" text is every visible block's text, one per line, so the
diff shows all a reader of the raw page saw. Scripts, styles and hidden
elements are not part of it.
"""

from __future__ import annotations

import re
from pathlib import Path

import lxml.etree
import lxml.html

from .htmlmeta import html_metadata
from .model import Block, Page, new_block, normalise_space

BLOCK_TAGS = frozenset(
    (
        "address article aside blockquote body caption center dd details dialog div dl dt fieldset figcaption "
        "figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr li main nav ol p pre section summary table tbody "
        "td tfoot th thead tr ul br"
    ).split()
)
INVISIBLE_TAGS = frozenset("script style noscript template head svg math iframe object embed select option".split())


# lxml.html's own lookup calls Python for every element object made (to give forms and inputs their
# classes, which nothing here uses); the default lookup does the same in C, several times faster.
_LOOKUP = lxml.etree.ElementDefaultClassLookup(
    element=lxml.html.HtmlElement,
    comment=lxml.html.HtmlComment,
    pi=lxml.html.HtmlProcessingInstruction,
    entity=lxml.html.HtmlEntity,
)


def _parser() -> lxml.html.HTMLParser:
    # No network, no entity expansion beyond HTML's own, tolerant of broken markup.
    # huge_tree: scraped pages nest deeper than libxml2's default limit of 256, which silently drops text;
    # the loader's size limit bounds the cost instead.
    parser = lxml.html.HTMLParser(no_network=True, remove_comments=True, remove_pis=True, recover=True, huge_tree=True)
    parser.set_element_class_lookup(_LOOKUP)
    return parser


# Utility classes that hide an element on screen (Bootstrap, WordPress, Tailwind and the like).
HIDDEN_CLASSES = frozenset(
    "d-none hidden hide is-hidden sr-only visually-hidden screen-reader-text screenreader-only u-hidden "
    "invisible".split()
)


def _hidden_style(style: str | None) -> bool:
    if not style:
        return False
    style = style.replace(" ", "").lower()
    return "display:none" in style or "visibility:hidden" in style


# Substrings of every hidden class: a class attribute without any needs no splitting.
_MAYBE_HIDDEN_CLASS = re.compile("hid|d-none|sr-only|screen|invisible")


def _pieces(root: lxml.html.HtmlElement) -> list[tuple[str, str, str, float]]:
    """(text, tag path, class/id, link density) of each visible block, in document order."""
    pieces: list[tuple[str, str, str, float]] = []
    current: list[str] = []
    link_chars = 0
    ctx_path = ctx_cls = ""

    def flush() -> None:
        nonlocal link_chars
        text = normalise_space("".join(current))
        if text:
            pieces.append((text, ctx_path, ctx_cls, min(1.0, link_chars / max(1, len(text)))))
        current.clear()
        link_chars = 0

    # One entry per open element: its tag path, class/id, whether it is inside a link, whether it is a
    # block, whether its parent is inside a link; None for an element whose subtree is not visible.
    # iterwalk walks in C, so deeply nested markup cannot hit the recursion limit.
    open_: list[tuple[str, str, bool, bool, bool] | None] = []
    parent: tuple[str, str, bool, bool, bool] | None = ("", "", False, False, False)
    walker = lxml.etree.iterwalk(root, events=("start", "end"))
    for event, el in walker:
        if event == "end":
            entry = open_.pop()
            tail = el.tail
            if entry is None:
                if tail:
                    current.append(tail)
                continue
            if entry[3]:
                flush()
            if tail:
                current.append(tail)
                if entry[4]:
                    link_chars += len(tail.strip())
            continue
        tag = el.tag
        tag = tag.lower() if isinstance(tag, str) else ""
        classes = el.get("class")
        if (
            not tag
            or tag in INVISIBLE_TAGS
            or el.get("hidden") is not None
            or el.get("aria-hidden") == "true"
            or (classes and _MAYBE_HIDDEN_CLASS.search(classes) and not HIDDEN_CLASSES.isdisjoint(classes.split()))
            or _hidden_style(el.get("style"))
        ):
            walker.skip_subtree()
            open_.append(None)
            continue
        parent = open_[-1] if open_ else ("", "", False, False, False)
        assert parent is not None  # children of a skipped element are never walked
        in_link = parent[2]
        block = tag in BLOCK_TAGS
        if block or len(el):  # a leaf inside a block needs no path or class of its own
            parent_path, parent_cls = parent[0], parent[1]
            path_here = f"{parent_path}/{tag}" if parent_path else tag
            # The element's own class and id, then its parent's: near enough to say what the block is,
            # without every block of a page inheriting the class of a wrapper around the whole article.
            ident = el.get("id")
            own = (f"{classes} {ident}" if ident else classes) if classes else ident or ""
            own = own.strip()
            cls = f"{own} | {parent_cls.split(' | ')[0]}" if parent_cls else own
            if block:
                flush()
                ctx_path, ctx_cls = path_here, cls
        else:
            path_here = cls = ""
        now_link = in_link or tag == "a"
        text = el.text
        if text:
            current.append(text)
            if now_link:
                link_chars += len(text.strip())
        open_.append((path_here, cls, now_link, block, in_link))
    flush()
    return pieces


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
    pieces = _pieces(root)

    text_parts: list[str] = []
    blocks: list[Block] = []
    pos = 0
    for text, tag_path, cls, density in pieces:
        blocks.append(new_block(len(blocks), pos, pos + len(text), text, tag_path, cls[:300], density))
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
