"""Blocks of an HTML page: the visible text of each block-level element.

The page's "original" text is every visible block's text, one per line, so the
diff shows all a reader of the raw page saw. Scripts, styles and hidden
elements are not part of it, except collapsed panels a reader opens with a click
(accordions, FAQ answers, tabs): see ``_collapsed_panel``.
"""

from __future__ import annotations

import contextlib
import html
import itertools
import re
from pathlib import Path

import lxml.etree
import lxml.html

from .htmlmeta import _json_ld_items, html_metadata
from .model import Block, Page, new_block, normalise_space

BLOCK_TAGS = frozenset(
    (
        "address article aside blockquote body caption center dd details dialog div dl dt fieldset figcaption "
        "figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr li main nav ol p pre section summary table tbody "
        "td tfoot th thead tr ul br"
    ).split()
)
INVISIBLE_TAGS = frozenset("script style noscript template head svg math iframe object embed select option".split())
# When a page's visible text is (nearly) empty, its text is looked for where a browser without scripts would
# not show it: hidden elements, <noscript>, <template>, <noframes>. Scripts, styles and the head stay out.
REVEALED_INVISIBLE_TAGS = INVISIBLE_TAGS - {"noscript", "template"}
Pieces = list[tuple[str, str, str, float]]  # (text, tag path, class/id, link density) of each block
FALLBACK_BELOW = 200  # characters of visible text under which a page is "(nearly) empty"


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


def _pieces(
    root: lxml.html.HtmlElement, reveal: bool = False, panels: bool = False
) -> list[tuple[str, str, str, float]]:
    """(text, tag path, class/id, link density) of each visible block, in document order.

    ``reveal``: hidden elements, <noscript> and <template> count as visible too (the fallback of a page
    whose visible text is empty). ``panels``: collapsed panels (``_collapsed_panel``) are shown, in the tree
    too, so the judges of the main content see them.
    """
    invisible = REVEALED_INVISIBLE_TAGS if reveal else INVISIBLE_TAGS
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
        hidden = not (not tag or tag in invisible or reveal) and _hides(el)
        if hidden and panels and _collapsed_panel(el):
            _unhide(el)  # in the tree too: the judges of the main content read it
            hidden = False
        if not tag or tag in invisible or hidden:
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


# An XML declaration: lxml refuses a str that carries one with an encoding (the text is decoded already).
_XML_DECLARATION = re.compile(r"\A\s*<\?xml[^>]*\?>")
_STREAMED = 'id="S:'  # in the markup of a page React streamed parts of (see _place_streamed)
# libxml2 stops at this depth of nesting, even with huge_tree, and drops the rest of the page.
LIBXML2_MAX_DEPTH = 2048
FLATTEN_BELOW = 1000  # elements deeper than this are flattened when a page hits that limit


def _parse(markup: str) -> tuple[lxml.html.HtmlElement | None, list[str]]:
    """The page's tree, and notes on what the parse had to work around."""
    notes: list[str] = []
    if markup.lstrip()[:5].lower() == "<?xml":
        markup = _XML_DECLARATION.sub("", markup, count=1)
    if not markup.strip():
        return None, notes
    parser = _parser()
    try:
        root = lxml.html.document_fromstring(markup, parser=parser)
    except (lxml.etree.ParserError, ValueError):
        return None, notes
    if any("depth" in entry.message for entry in parser.error_log.filter_from_fatals()):
        flat = flatten_deep_markup(markup, FLATTEN_BELOW)
        parser = _parser()
        with contextlib.suppress(lxml.etree.ParserError, ValueError):
            root = lxml.html.document_fromstring(flat, parser=parser)
        notes.append(
            f"the page nests elements more than {LIBXML2_MAX_DEPTH:,} deep (the HTML parser's limit): elements "
            f"below depth {FLATTEN_BELOW:,} were flattened so the rest of the page could be read"
        )
        if any("depth" in entry.message for entry in parser.error_log.filter_from_fatals()):
            notes.append("the HTML parser still stopped at its depth limit: the end of the page may be missing")
    if _STREAMED in markup:
        _place_streamed(root)
    return root, notes


def parse_html(markup: str) -> lxml.html.HtmlElement | None:
    """The page's tree, as the loader's first parse leaves it (with its collapsed panels shown)."""
    root = _parse(markup)[0]
    if root is not None:
        _reveal_collapsed(root)
    return root


def _place_streamed(root: lxml.html.HtmlElement) -> None:
    """Shows the parts of a page React streamed in after its first paint where a browser shows them.

    React's streamed server rendering (Next.js and other frameworks) sends what was not ready at first as
    ``<div hidden id="S:n">`` after the page's end, and a script moves it into its place, a ``<template
    id="P:n">`` (or the boundary ``<template id="B:n">``), before a reader sees anything: the article of such
    a page is often all in these parts, and the saved page has no script left to move them. Each part goes
    where its template is; a part whose place is not found is shown where it is."""
    segments = [el for el in root.iter("div") if el.get("hidden") is not None and (el.get("id") or "")[:2] == "S:"]
    if not segments:
        return
    templates = {el.get("id"): el for el in root.iter("template") if (el.get("id") or "")[:2] in ("P:", "B:")}
    for seg in segments:
        del seg.attrib["hidden"]
        n = seg.get("id", "")[2:]
        place = templates.pop(f"P:{n}", None)
        if place is None:
            place = templates.pop(f"B:{n}", None)
        if place is None or place.getparent() is None or any(a is seg for a in place.iterancestors()):
            continue
        _detach(seg)
        place.addprevious(seg)
        _detach(place)


_PANEL_WORDS = re.compile(r"accordion|collaps|faq", re.I)  # in a panel's (or its parent's) class or id
_CHROME_TAGS = frozenset(("nav", "header", "footer", "aside", "dialog"))
_CHROME_ROLES = frozenset(("navigation", "banner", "contentinfo", "dialog", "alertdialog", "menu", "search"))
_MIN_PANEL_WORDS = 8


def _hides(el: lxml.html.HtmlElement) -> bool:
    """Whether ``el`` itself carries a way of hiding it that ``_pieces`` obeys."""
    classes = el.get("class")
    return (
        el.get("hidden") is not None
        or el.get("aria-hidden") == "true"
        or bool(classes and _MAYBE_HIDDEN_CLASS.search(classes) and not HIDDEN_CLASSES.isdisjoint(classes.split()))
        or _hidden_style(el.get("style"))
    )


def _unhide(el: lxml.html.HtmlElement) -> None:
    for attr in ("hidden", "aria-hidden"):
        el.attrib.pop(attr, None)
    classes = el.get("class")
    if classes and not HIDDEN_CLASSES.isdisjoint(classes.split()):
        el.set("class", " ".join(c for c in classes.split() if c not in HIDDEN_CLASSES))
    style = el.get("style")
    if style and _hidden_style(style):
        kept = [d for d in style.split(";") if d.replace(" ", "").lower() not in ("display:none", "visibility:hidden")]
        el.set("style", ";".join(kept))


def _reveal_collapsed(root: lxml.html.HtmlElement) -> None:
    """Shows the collapsed panels of a tree parsed again (``parse_html``): what ``_pieces`` shows of the page's
    first parse (see ``_collapsed_panel``), so a judge reading the page again sees the same page."""
    for el in _HIDDEN_XPATH(root):
        if isinstance(el.tag, str) and _hides(el) and _collapsed_panel(el):
            _unhide(el)


# Elements that may carry one of the ways a page hides an element (``_hides`` says which do), found in C.
_HIDDEN_XPATH = lxml.etree.XPath(
    "descendant::*[@hidden or @aria-hidden='true' or contains(@style, 'none') or contains(@style, 'hidden')"
    " or contains(@class, 'hid') or contains(@class, 'd-none') or contains(@class, 'sr-only')"
    " or contains(@class, 'screen') or contains(@class, 'invisible')]"
)


def _panel_parent(parent: lxml.html.HtmlElement | None) -> bool:
    return parent is not None and bool(
        _PANEL_WORDS.search(parent.get("class") or "") or _PANEL_WORDS.search(parent.get("id") or "")
    )


def _toggle(previous: lxml.html.HtmlElement | None) -> bool:
    """Whether ``previous`` is, or holds near its start, a button with ``aria-expanded``."""
    return previous is not None and any(
        e.get("aria-expanded") is not None for e in itertools.islice(previous.iter(), 12)
    )


def _collapsed_panel(el: lxml.html.HtmlElement) -> bool:
    """Whether the hidden element ``el`` is a collapsed panel a reader opens with a click: an accordion section,
    an FAQ answer, a tab panel.

    A guide's steps, a review's "what to consider" and a page's FAQ are often folded into panels that the saved
    page hides (``hidden``, ``display:none``, a hiding class) until their button is pressed: they are the
    article's text, and were lost with the hidden menus and pop-ups. The page says which hidden elements are
    such panels by structure: a button with ``aria-expanded`` right before it (or inside the header before it);
    a ``region`` or ``tabpanel`` labelled by its header; its or its parent's class or id naming an accordion,
    a collapsible or an FAQ. Dialogs, menus and what is inside the page's navigation, header, footer or sidebar
    stay hidden, and so do panels of a few words or mostly links (a folded menu). A panel shown is an ordinary
    part of the page: the judges of the main content and the cleaners decide about it as about any block."""
    role = el.get("role")
    classes = el.get("class") or ""
    if el.tag in _CHROME_TAGS or role in _CHROME_ROLES or "modal" in classes or el.get("aria-modal"):
        return False
    if not (
        (role in ("region", "tabpanel") and el.get("aria-labelledby"))
        or _PANEL_WORDS.search(classes)
        or _PANEL_WORDS.search(el.get("id") or "")
        or _panel_parent(el.getparent())
        or _toggle(el.getprevious())
    ):
        return False
    for up in el.iterancestors():
        tag = up.tag
        if tag in _CHROME_TAGS or up.get("role") in _CHROME_ROLES or (isinstance(tag, str) and tag in INVISIBLE_TAGS):
            return False
    text = normalise_space(el.text_content())
    if len(text.split()) < _MIN_PANEL_WORDS:
        return False
    link_chars = sum(len(normalise_space(a.text_content())) for a in el.iter("a"))
    return link_chars <= 0.5 * len(text)


def _detach(el: lxml.html.HtmlElement) -> None:
    """Takes ``el`` out of its tree, the text after it staying where it was."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
        el.tail = None
    parent.remove(el)


_VOID = frozenset("area base br col embed hr img input keygen link meta param source track wbr".split())
_TOKEN = re.compile(
    r"<!--.*?(?:-->|\Z)"
    r"|<(script|style|textarea|title|xmp)\b[^>]*>.*?(?:</\1\s*>|\Z)"
    r"|<(/?)([A-Za-z][A-Za-z0-9:-]*)\b[^>]*?(/?)>",
    re.S | re.I,
)


def flatten_deep_markup(markup: str, limit: int) -> str:
    """``markup`` with the start and end tags of elements nested deeper than ``limit`` taken out (a block
    element's become a line break), so libxml2's depth limit does not end the page. Text is kept."""
    out: list[str] = []
    stack: list[tuple[str, bool]] = []  # (tag, written)
    written = 0
    pos = 0
    for m in _TOKEN.finditer(markup):
        out.append(markup[pos : m.start()])
        pos = m.end()
        token = m.group()
        raw, slash, name = m.group(1), m.group(2), m.group(3)
        if raw or token.startswith("<!"):  # a comment, or a leaf whose content is not markup: kept as it is
            out.append(token)
            continue
        tag = name.lower()
        if not slash:
            if tag in _VOID or m.group(4):
                out.append(token if written < limit or tag not in BLOCK_TAGS else "<br>")
                continue
            keep = written < limit
            stack.append((tag, keep))
            written += keep
            out.append(token if keep else "<br>" if tag in BLOCK_TAGS else "")
            continue
        for i in range(len(stack) - 1, max(-1, len(stack) - 100), -1):
            if stack[i][0] == tag:
                kept = stack[i][1]
                written -= sum(k for _, k in stack[i:])
                del stack[i:]
                out.append(token if kept else "<br>" if tag in BLOCK_TAGS else "")
                break
        else:
            out.append(token)
    out.append(markup[pos:])
    return "".join(out)


def _srcdoc_pieces(root: lxml.html.HtmlElement) -> Pieces:
    pieces: Pieces = []
    for frame in root.iter("iframe"):
        srcdoc = frame.get("srcdoc")
        inner = parse_html(srcdoc) if srcdoc else None
        if inner is not None:
            pieces.extend(_pieces(inner))
    return pieces


def _json_ld_pieces(root: lxml.html.HtmlElement) -> Pieces:
    """The longest ``articleBody`` of the page's JSON-LD, one piece per paragraph."""
    bodies = [item["articleBody"] for item in _json_ld_items(root) if isinstance(item.get("articleBody"), str)]
    if not bodies:
        return []
    body = max(bodies, key=len)
    if "<" in body and ">" in body:  # some sites put markup there
        inner = parse_html(f"<html><body>{body}</body></html>")
        if inner is not None:
            return _pieces(inner)
    return [(t, "p", "", 0.0) for t in (normalise_space(line) for line in body.splitlines()) if t]


def _unwrap_raw_markup(root: lxml.html.HtmlElement) -> bool:
    """<noframes> (and <noscript> in some parsers) hold their markup as text: parse it into elements.
    Whether anything was."""
    changed = False
    for el in list(root.iter("noframes", "noscript")):
        text = el.text
        if len(el) or not text or "<" not in text:
            continue
        try:
            parts = lxml.html.fragments_fromstring(text, parser=_parser())
        except (lxml.etree.ParserError, ValueError):
            continue
        el.text = None
        changed = True
        for part in parts:
            if isinstance(part, str):
                el.text = (el.text or "") + part
            else:
                el.append(part)
    return changed


def _frameset_note(root: lxml.html.HtmlElement) -> str | None:
    if root.find("frameset") is None:
        return None
    frames = [f.get("src") or "?" for f in root.iter("frame", "iframe")]
    listed = ", ".join(frames[:5]) + (", …" if len(frames) > 5 else "")
    return f"the page is a frameset: its text is in the files its frames load ({listed or 'none named'})"


def _fallback(root: lxml.html.HtmlElement, pieces: Pieces) -> tuple[Pieces, str]:
    """The pieces of a page whose visible text (``pieces``) is (nearly) empty, taken from where a browser would
    not show them, if that holds more (else ``pieces`` itself), and where they were found."""
    visible = sum(len(t) for t, *_ in pieces)
    candidates = [
        (_pieces(root, reveal=True), "its hidden elements, <noscript> and <template>"),
        (pieces + _srcdoc_pieces(root), "its <iframe srcdoc> documents"),
        (pieces + _json_ld_pieces(root), "the articleBody of its JSON-LD metadata"),
    ]
    found, where = max(candidates, key=lambda c: sum(len(t) for t, *_ in c[0]))
    if sum(len(t) for t, *_ in found) < max(2 * visible, visible + 20):
        return pieces, ""
    return found, where


def _synthetic_source(pieces: Pieces) -> str:
    """Markup holding just ``pieces``, for the cleaners that read markup (readability) when the page's own markup
    hides its text."""
    parts = []
    for text, tag_path, _, _ in pieces:
        tag = tag_path.rsplit("/", 1)[-1]
        tag = tag if tag in ("h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote") else "p"
        parts.append(f"<{tag}>{html.escape(text)}</{tag}>")
    return "<html><body><article>" + "".join(parts) + "</article></body></html>"


def html_page(page_id: str, markup: str, *, encoding: str | None = None, path: Path | None = None) -> Page:
    root, notes = _parse(markup)
    if root is None:
        why = "the page is empty" if not markup.strip() else "the page holds no HTML the parser could read"
        return Page(
            id=page_id, path=path, format="html", text="", blocks=(), encoding=encoding, source=markup, notes=[why]
        )
    try:
        meta = html_metadata(root)
    except (ValueError, TypeError, RecursionError):
        meta = {}  # metadata is a bonus; broken head markup must not cost the page
    frameset = _frameset_note(root)
    if frameset:
        notes.append(frameset)
        _unwrap_raw_markup(root)  # the parser keeps <noframes> markup as text ("<p>…"): read it as markup
    pieces = _pieces(root, panels=True)
    source: str | None = markup
    tree: lxml.html.HtmlElement | None = root
    visible = sum(len(t) for t, *_ in pieces)
    if visible < FALLBACK_BELOW:
        found, where = _fallback(root, pieces)
        if found is not pieces:
            how = "empty" if not visible else "nearly empty"
            notes.append(f"the page's visible text is {how}: read the text of {where} as well")
            pieces = found
            source, tree = _synthetic_source(found), None
    if not pieces:
        notes.append("the page has no visible text")

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
        source=source,
        meta=meta,
        notes=notes,
        tree=tree,
    )
