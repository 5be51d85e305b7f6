"""readability-lxml's Document without work that cannot change what it keeps: same decisions, same summary.

readability-lxml 0.9 spends much of its time on things newsread does not need:
- a copy of the tree it is given: newsread hands over a parse nobody else uses (a second attempt, which
  readability makes when its first finds too little, gets a fresh parse of the page instead);
- clearing javascript: links and on* attributes over the whole page: readability never reads them, so
  they are cleared on its summary only, which leaves the summary's HTML (whose length it tests) the same;
- debug messages formatted (describe(), text_content()) whether or not debug logging is on;
- an element's text read and measured again for each test of it (sanitize reads it once);
- serialising every div's children (and inline elements) to look for block tags, quadratic in the
  nesting depth: the same test is answered by marking, once, every element with such a tag at or below
  it (in serialised markup a "<" is escaped everywhere but in tag and attribute names);
- XPath expressions compiled anew for each element readability looks at;
- its class and id patterns matched case-blind (IGNORECASE), which is several times slower than matching
  the lower-cased words of an ASCII class or id (the same matches).
- the summary's HTML, made (serialised, its attributes cleaned by regular expressions) only for newsread to
  parse it back for its text: ``article_text`` reads the text of the article itself, and makes the HTML
  only when readability's retry needs its length.

The overridden methods repeat readability 0.9's own, minus the above; ``lean_document`` uses them only
with that version (``tests/unit/test_html.py`` checks the summaries are the same) and readability's own
Document otherwise. readability-lxml is Apache-2.0 licensed.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import lxml.etree
import lxml.html
from lxml_html_clean import Cleaner
from readability import Document
from readability.readability import REGEXES, Unparseable, is_video_url

CHECKED_VERSION = "0.9"

# readability's html_cleaner, but for the javascript pass (done on the summary in get_clean_html).
_CLEANER = Cleaner(
    scripts=True,
    javascript=False,
    comments=True,
    style=True,
    inline_style=True,
    links=True,
    meta=False,
    add_nofollow=False,
    page_structure=False,
    processing_instructions=True,
    embedded=False,
    frames=False,
    forms=False,
    annoying_tags=False,
    remove_unknown_tags=False,
    safe_attrs_only=False,
)
_JS_LINKS: Callable[[str], str] = Cleaner(javascript=True)._remove_javascript_link  # type: ignore[attr-defined]

_DIV_TO_P = REGEXES["divToPElementsRe"]
_UNLIKELY = REGEXES["unlikelyCandidatesRe"]
_MAYBE = REGEXES["okMaybeItsACandidateRe"]
_NEGATIVE = REGEXES["negativeRe"]
_POSITIVE = REGEXES["positiveRe"]
_CALL_TO_ACTION = REGEXES["callToActionRe"]


def _ascii_search(pattern: re.Pattern[str]) -> Callable[[str], bool]:
    """``pattern.search`` (a case-blind pattern of lower-case words) as a test that is several times faster on
    ASCII text: lower-cased, it matches the same without IGNORECASE (text outside ASCII gets ``pattern``)."""
    if not pattern.flags & re.IGNORECASE or pattern.pattern != pattern.pattern.lower():
        return lambda text: pattern.search(text) is not None
    lower = re.compile(pattern.pattern, pattern.flags & ~re.IGNORECASE)

    def search(text: str) -> bool:
        if text.isascii():
            return lower.search(text.lower()) is not None
        return pattern.search(text) is not None

    return search


_unlikely, _maybe, _negative, _positive = map(_ascii_search, (_UNLIKELY, _MAYBE, _NEGATIVE, _POSITIVE))
_INLINE_TAGS = frozenset("a b cite code em font i small span strong sub sup u".split())


_RUN = re.compile(r"\s{2,}")


def clean_length(text: str) -> int:
    """len(readability's clean(text)) without building it: clean() makes a whitespace run of 255 or more
    one space, a run with a newline one newline, each tab that starts a run of spaces and tabs one space
    and what follows from a space in it one space, and strips. Only runs of two or more change length."""
    inner = text.strip()
    length = len(inner)
    for m in _RUN.finditer(inner):
        run = m.group()
        length -= len(run) - _run_length(run)
    return length


def _run_length(run: str) -> int:
    if len(run) >= 255 or "\n" in run:
        return 1
    out = i = 0
    while i < len(run):
        out += 1
        if run[i] == " ":  # readability's [ \t]{2,} takes the rest of the spaces and tabs
            i += 1
            while i < len(run) and run[i] in " \t":
                i += 1
        else:  # a tab alone (its \t alternative comes first), or other whitespace, kept
            i += 1
    return out


def _text_length(elem: Any) -> int:
    """readability's text_length."""
    return clean_length(elem.text_content() or "")


def _in_pre_or_code(elem: Any) -> bool:
    """readability's elem.xpath("ancestor-or-self::pre | ancestor-or-self::code"), without compiling it."""
    return elem.tag in ("pre", "code") or next(elem.iterancestors("pre", "code"), None) is not None


def _in_main(elem: Any) -> bool:
    """readability's elem.xpath("ancestor::main | ancestor::article"), without compiling it."""
    return next(elem.iterancestors("main", "article"), None) is not None


def _holds_main_article_or_math(elem: Any) -> bool:
    """readability's elem.xpath("descendant-or-self::main | descendant-or-self::article | ...::math")."""
    return (
        elem.tag in ("main", "article", "math")
        or next(elem.iterdescendants("main", "article", "math"), None) is not None
    )


def _blockish(root: Any) -> set[Any]:
    """Every element whose serialised markup readability's divToPElementsRe matches: with a tag at or below
    it whose name starts like a block's, or (broken markup: '<a href=x <p>') an attribute name that does.
    A div renamed p stays block-ish, and readability tests an element before anything below it changes,
    so marks made once answer all of its tests."""
    marked: set[Any] = set()
    for el in root.iter(lxml.etree.Element):
        tag = el.tag
        if not isinstance(tag, str):
            continue
        # The names as they are serialised (start tag, then attribute names), where a "<" may occur.
        if _DIV_TO_P.search(" ".join((f"<{tag}", *el.keys()))):
            node = el
            while node is not None and node not in marked:
                marked.add(node)
                node = node.getparent()
    return marked


class LeanDocument(Document):  # type: ignore[misc]
    """readability's Document on a tree that it may change in place; ``reparse`` gives a fresh one."""

    def __init__(self, tree: lxml.html.HtmlElement, reparse: Callable[[], lxml.html.HtmlElement | None]) -> None:
        super().__init__(tree)
        self._given: lxml.html.HtmlElement | None = tree
        self._reparse = reparse

    def _parse(self, input: Any) -> Any:
        doc, self._given = self._given, None
        if doc is None:
            doc = self._reparse()
            if doc is None:
                raise ValueError("the page no longer parses")
        self.encoding = "utf-8"
        for elem in doc.xpath("//*[@hidden]"):
            elem.drop_tree()
        for elem in doc.xpath("//*[@style]"):
            if REGEXES["displayNoneRe"].search(elem.get("style")):
                elem.drop_tree()
        _CLEANER(doc)  # in place: nobody else uses this tree
        doc.resolve_base_href(handle_failures=self.handle_failures)
        return doc

    def get_clean_html(self) -> str:
        node = self.html
        for el in node.iter(lxml.etree.Element):
            attrib = el.attrib
            for name in [n for n in attrib if n.startswith("on")]:
                del attrib[name]
        node.rewrite_links(_JS_LINKS, resolve_base_href=False)
        return super().get_clean_html()  # type: ignore[no-any-return]

    def class_weight(self, e: Any) -> int:
        if self.positive_keywords or self.negative_keywords:
            return super().class_weight(e)  # type: ignore[no-any-return]
        weight = 0
        for feature in (e.get("class", None), e.get("id", None)):
            if feature:
                if _negative(feature):
                    weight -= 25
                if _positive(feature):
                    weight += 25
        return weight

    def get_link_density(self, elem: Any, length: int | None = None) -> float:
        """readability's; ``length``: the element's text length when known (readability measures it again)."""
        link_length = 0
        for i in elem.findall(".//a"):
            link_length += _text_length(i)
        return float(link_length) / max(_text_length(elem) if length is None else length, 1)

    def remove_unlikely_candidates(self) -> None:
        unlikely: dict[str, bool] = {}  # a page repeats its class and id words
        for elem in list(self.html.iterdescendants(lxml.etree.Element)):  # readability: findall(".//*")
            cls, ident = elem.get("class", ""), elem.get("id", "")
            if not cls and not ident:
                continue  # readability's len(s) < 2
            s = f"{cls} {ident}"
            verdict = unlikely.get(s)
            if verdict is None:
                verdict = unlikely[s] = _unlikely(s) and not _maybe(s)
            if (
                verdict
                and elem.tag not in ["html", "body"]
                and not _in_pre_or_code(elem)
                and not _holds_main_article_or_math(elem)
            ):
                elem.drop_tree()

    def transform_misused_divs_into_paragraphs(self) -> None:
        marked = _blockish(self.html)
        for elem in self.html.findall(".//div"):
            if not any(child in marked for child in elem):
                elem.tag = "p"

        for elem in self.html.findall(".//div"):
            children = list(elem)
            paragraph = None
            if elem.text and elem.text.strip():
                p = lxml.html.fragment_fromstring("<p/>")
                p.text = elem.text
                elem.text = None
                elem.insert(0, p)
                paragraph = p

            for child in children:
                if child.tag == "br":
                    paragraph = None
                    continue
                if child.tag not in _INLINE_TAGS or child in marked:
                    paragraph = None
                    continue
                if paragraph is None:
                    paragraph = lxml.html.fragment_fromstring("<p/>")
                    child.addprevious(paragraph)
                paragraph.append(child)

            for pos, child in reversed(list(enumerate(elem))):
                if child.tail and child.tail.strip():
                    p = lxml.html.fragment_fromstring("<p/>")
                    p.text = child.tail
                    child.tail = None
                    elem.insert(pos + 1, p)
                if child.tag == "br":
                    child.drop_tree()

    def score_paragraphs(self) -> dict[Any, dict[str, Any]]:
        min_len = self.min_text_length
        candidates: dict[Any, dict[str, Any]] = {}
        ordered = []
        for elem in self.tags(self._html(), "p", "pre", "td", "blockquote"):
            parent_node = elem.getparent()
            if parent_node is None:
                continue
            grand_parent_node = parent_node.getparent()

            inner_text = elem.text_content() or ""
            inner_text_len = clean_length(inner_text)  # clean() changes whitespace only, not commas
            if inner_text_len < min_len:
                continue

            if parent_node not in candidates:
                candidates[parent_node] = self.score_node(parent_node)
                ordered.append(parent_node)
            if grand_parent_node is not None and grand_parent_node not in candidates:
                candidates[grand_parent_node] = self.score_node(grand_parent_node)
                ordered.append(grand_parent_node)

            content_score: float = 1
            content_score += len(inner_text.split(","))
            content_score += min((inner_text_len / 100), 3)
            candidates[parent_node]["content_score"] += content_score
            if grand_parent_node is not None:
                candidates[grand_parent_node]["content_score"] += content_score / 2.0

        for elem in ordered:
            candidate = candidates[elem]
            candidate["content_score"] *= 1 - self.get_link_density(elem)
        return candidates

    def article_text(self) -> str:
        """The text of readability's ``summary(html_partial=True)``, without making the summary's HTML and parsing
        it back: the same search, the same retry, the text of the same article.

        readability searches again, leniently, when the summary's HTML is under ``retry_length`` characters.
        HTML is never shorter than the text it holds (a character of text is one or more of markup), so the HTML
        is made only for an article whose text is that short."""
        try:
            ruthless = True
            while True:
                html: Any = self._html(True)
                for i in self.tags(html, "script", "style", "noscript"):
                    i.drop_tree()
                for i in self.tags(html, "body"):
                    i.set("id", "readabilityBody")
                if ruthless:
                    self.remove_unlikely_candidates()
                self.transform_misused_divs_into_paragraphs()
                candidates = self.score_paragraphs()
                best_candidate = self.select_best_candidate(candidates)
                if best_candidate:
                    best_candidate = self.get_semantic_article_candidate(candidates, best_candidate)
                    best_candidate = self.get_semantic_main_candidate(candidates, best_candidate)
                if best_candidate:
                    article = self.get_article(candidates, best_candidate, html_partial=True)
                elif ruthless:
                    ruthless = False
                    continue
                else:
                    article = html.find("body")
                    if article is None:
                        article = html
                self._prune(article, candidates)
                self.html = article
                # The summary's HTML holds the article and its tail (a fresh <div> has none).
                text: str = article.text_content() + (article.tail or "")
                if ruthless and len(text) < self.retry_length and len(self.get_clean_html()) < self.retry_length:
                    ruthless = False
                    continue
                return text
        except Exception as e:  # as readability's summary() raises it
            raise Unparseable(str(e)).with_traceback(sys.exc_info()[2]) from e

    def sanitize(self, node: Any, candidates: dict[Any, dict[str, Any]], keep_all_images: bool = False) -> str:
        """readability's, with each element's text read once and no debug message formatted."""
        self._prune(node, candidates, keep_all_images)
        self.html = node
        return self.get_clean_html()

    def _prune(self, node: Any, candidates: dict[Any, dict[str, Any]], keep_all_images: bool = False) -> None:
        """What readability's sanitize drops from the article ``node`` (in place)."""
        min_len = self.min_text_length
        for header in self.tags(node, "h1", "h2", "h3", "h4", "h5", "h6"):
            if self.class_weight(header) < 0 or self.get_link_density(header) > 0.33:
                header.drop_tree()

        for elem in self.tags(node, "p"):
            if _CALL_TO_ACTION.search(elem.text_content()) and self.get_link_density(elem) > 0.2:
                elem.drop_tree()

        for elem in self.tags(node, "form", "textarea"):
            elem.drop_tree()

        for elem in self.tags(node, "iframe"):
            if "src" in elem.attrib and is_video_url(elem.attrib["src"]):
                elem.attrib.pop("srcdoc", None)
                elem.text = "VIDEO"
            else:
                elem.drop_tree()

        allowed = self.get_preserved_elements(node)
        # Conditionally clean <table>s, <ul>s, and <div>s
        for el in self.reverse_tags(node, "table", "ul", "div", "aside", "header", "footer", "section"):
            if el in allowed:
                continue
            weight = self.class_weight(el)
            content_score = candidates[el]["content_score"] if el in candidates else 0
            tag = el.tag
            if weight + content_score < 0:
                el.drop_tree()
                continue
            text = el.text_content()
            if text.count(",") >= 10:
                continue
            counts = {kind: len(el.findall(f".//{kind}")) for kind in ("p", "img", "li", "embed", "input")}
            counts["li"] -= 100
            counts["input"] -= len(el.findall('.//input[@type="hidden"]'))
            content_length = clean_length(text)
            link_density = self.get_link_density(el, content_length)
            if keep_all_images and el.tag == "div" and counts["img"] >= 1:
                continue
            if (
                (counts["p"] and counts["img"] > 1 + counts["p"] * 1.3)
                or (counts["li"] > counts["p"] and tag not in ("ol", "ul"))
                or counts["input"] > (counts["p"] / 3)
                or (content_length < min_len and (counts["img"] == 0 or counts["img"] > 2))
                or (weight < 25 and link_density > (0.25 if tag in ("ul", "section") and _in_main(el) else 0.2))
                or (weight >= 25 and link_density > 0.5)
                or (counts["embed"] == 1 and content_length < 75)
                or counts["embed"] > 1
                or (not content_length and not self._long_siblings(el, allowed))
            ):
                el.drop_tree()

    def _long_siblings(self, el: Any, allowed: dict[Any, bool]) -> bool:
        """Whether an element without text is kept for its neighbours: the nearest sibling with text on each side
        hold over 1,000 characters together (what is below it is then kept too)."""
        siblings = []
        for sib in el.itersiblings():
            length = _text_length(sib)
            if length:
                siblings.append(length)
                break
        for sib in el.itersiblings(preceding=True):
            length = _text_length(sib)
            if length:
                siblings.append(length)
                break
        if not (siblings and sum(siblings) > 1000):
            return False
        for desnode in self.tags(el, "table", "ul", "div", "section"):
            allowed[desnode] = True
        return True


def _checked() -> bool:
    try:
        return version("readability-lxml") == CHECKED_VERSION
    except PackageNotFoundError:
        return False


LEAN = _checked()


def lean_document(tree: lxml.html.HtmlElement, reparse: Callable[[], lxml.html.HtmlElement | None]) -> Document:
    """A Document for ``tree`` (which it may change): the lean one with the readability version it
    repeats, readability's own otherwise."""
    return LeanDocument(tree, reparse) if LEAN else Document(tree)


def article_text(doc: Document) -> str:
    """The text of ``doc``'s summary (``html_partial``): the lean document's without its HTML."""
    if isinstance(doc, LeanDocument):
        return doc.article_text()
    summary = doc.summary(html_partial=True)
    return str(lxml.html.fromstring(summary).text_content()) if summary.strip() else ""
