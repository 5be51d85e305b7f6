"""Removes a site's template: blocks that recur on many pages of the same site (menus, footers, widgets, list headings).

Learns from the whole folder (the pipeline's fit step). Pages are grouped by
site — their ``site``/``url`` metadata when known, otherwise the header and
footer lines they share — and every block is counted once per page after
normalising case, digits and whitespace. Counting hashes keeps fitting linear in
the folder's size: no page is compared with another.

Recurring is not enough to be template: syndicated articles share whole
paragraphs across pages, even within one site. So a recurring block is kept when

* it belongs to a shared story: most of the page's prose recurs, on about as
  many pages as the block does (copies of one article share all their text, a
  menu recurs on far more pages than any one story), or
* it reads like article prose (a long sentence) and sits inside the page's
  own article, between paragraphs no other page has.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar
from urllib.parse import urlsplit

from ..base import BaseCleaner, Context
from ..model import Block, Mark, Page

_SPACE = re.compile(r"\s+")
_DIGITS = re.compile(r"\d+")
_WORD = re.compile(r"\w+")
_SENTENCE_END = re.compile(r"""[.!?。！？…]["'”’»)\]]*$""")
CHROME_EDGE = 3  # how many blocks at each end of a page count as its header and footer for grouping
SHARED_STORY_SLACK = 1.5  # a block recurring up to this many times as often as the page's story text is story text


def normalise(text: str) -> str:
    """What makes two blocks "the same" across pages: case, digits and spacing do not count."""
    return _SPACE.sub(" ", _DIGITS.sub("0", text.casefold())).strip()


def block_key(text: str) -> int:
    return hash(normalise(text))


def is_sentence(text: str) -> bool:
    """Reads like article prose: many words, or a full sentence of some length with ordinary words."""
    words = _WORD.findall(text)
    if len(words) >= 16:
        return True
    if len(words) < 8 or not _SENTENCE_END.search(text):
        return False
    lower = sum(1 for w in words if w[:1].islower())
    return lower >= len(words) // 2


def site_of(page: Page) -> str | None:
    """The site a page says it is from: its ``site`` metadata, else the host of its ``url``."""
    site = page.meta.get("site")
    if site:
        return normalise(site)
    url = page.meta.get("url")
    if url:
        host = urlsplit(url if "//" in url else f"//{url}").hostname
        if host:
            return host.removeprefix("www.")
    return None


def _chrome_keys(blocks: Sequence[Block]) -> set[int]:
    """Header and footer lines that can tie a page to its site: short lines at either end, not prose."""
    edge = list(blocks[:CHROME_EDGE]) + list(blocks[-CHROME_EDGE:])
    keys = set()
    for b in edge:
        norm = normalise(b.text)
        if len(norm) >= 10 and len(norm.split()) >= 2 and not is_sentence(b.text):
            keys.add(hash(norm))
    return keys


@dataclass(slots=True)
class SiteGroup:
    """What was learned about one site: its pages and how many of them have each block."""

    label: str
    pages: int = 0
    counts: Counter[int] = field(default_factory=Counter)


@dataclass(slots=True)
class TemplateState:
    """The learned state given back to ``annotate`` as ``context.folder["site_template"]``."""

    groups: list[SiteGroup]
    page_group: dict[str, int]  # page id -> index into groups
    site_group: dict[str, int]  # site name -> group
    chrome_group: dict[int, int]  # header/footer key -> group, for pages not seen while fitting

    def group_for(self, page: Page) -> SiteGroup | None:
        k = self.page_group.get(page.id)
        if k is None:
            site = site_of(page)
            if site is not None:
                k = self.site_group.get(site)
            else:
                for key in _chrome_keys(page.blocks):
                    if key in self.chrome_group:
                        k = self.chrome_group[key]
                        break
        return None if k is None else self.groups[k]


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def fit_template(pages: Iterable[Page]) -> TemplateState:
    """Group pages by site and count, per site, the pages each normalised block appears on."""
    usable = [p for p in pages if p.error is None and p.blocks]
    n = len(usable)
    uf = _UnionFind(n)
    first_with_site: dict[str, int] = {}
    first_with_key: dict[int, int] = {}
    page_keys: list[set[int]] = []
    key_pages: dict[int, list[int]] = {}
    for i, page in enumerate(usable):
        site = site_of(page)
        keys = _chrome_keys(page.blocks) if site is None else set()
        page_keys.append(keys)
        if site is not None:
            uf.union(first_with_site.setdefault(site, i), i)
            continue
        for key in keys:
            key_pages.setdefault(key, []).append(i)
    # Most specific header/footer lines first; a line whose pages already belong to several sites
    # ("Privacy Policy | Terms of Use") is shared chrome of many sites and must not merge them.
    size = [1] * n
    for key, members in sorted(key_pages.items(), key=lambda kv: len(kv[1])):
        if len(members) < 2:
            continue
        roots = {uf.find(i) for i in members}
        if sum(1 for r in roots if size[r] > 1) > 1:
            continue
        first_with_key[key] = members[0]
        for i in members[1:]:
            ra, rb = uf.find(members[0]), uf.find(i)
            if ra != rb:
                uf.union(ra, rb)
                size[uf.find(ra)] = size[ra] + size[rb] if uf.find(ra) != ra else size[ra] + size[rb]
    groups: list[SiteGroup] = []
    root_group: dict[int, int] = {}
    page_group: dict[str, int] = {}
    site_group: dict[str, int] = {}
    for i, page in enumerate(usable):
        root = uf.find(i)
        k = root_group.get(root)
        if k is None:
            k = root_group[root] = len(groups)
            groups.append(SiteGroup(site_of(usable[root]) or "this site"))
        group = groups[k]
        group.pages += 1
        group.counts.update({block_key(b.text) for b in page.blocks})
        page_group[page.id] = k
    for site, i in first_with_site.items():
        site_group[site] = page_group[usable[i].id]
    chrome_group = {key: page_group[usable[i].id] for key, i in first_with_key.items()}
    for group in groups:  # blocks seen on one page only tell nothing: drop them to keep the state small
        group.counts = Counter({h: c for h, c in group.counts.items() if c > 1})
    return TemplateState(groups, page_group, site_group, chrome_group)


class SiteTemplate(BaseCleaner):
    name = "site_template"
    description = "Removes blocks that recur on many pages of the same site (menus, footers, widgets, list headings)."
    order = 150
    options: ClassVar[Mapping[str, Any]] = {
        "min_pages": 3,  # a block must recur on at least this many pages of its site
        "min_share": 0.3,  # ... and on at least this share of them
        "min_share_sentence": 0.5,  # prose-like blocks need more evidence
    }

    def fit(self, pages: Iterable[Page]) -> TemplateState:
        return fit_template(pages)

    def annotate(self, page: Page, context: Context) -> Iterable[Mark]:
        state = context.folder.get(self.name)
        if not isinstance(state, TemplateState):
            return []
        group = state.group_for(page)
        if group is None or group.pages < self.settings["min_pages"]:
            return []
        blocks = page.blocks
        counts = [group.counts.get(block_key(b.text), 1) for b in blocks]
        prose = [is_sentence(b.text) for b in blocks]
        # The page's own article: the span from its first to its last prose block that no other page has.
        unique = [i for i, b in enumerate(blocks) if prose[i] and counts[i] == 1]
        own_first, own_last = (unique[0], unique[-1]) if unique else (len(blocks), -1)
        shared_prose = sorted(c for c, p in zip(counts, prose, strict=True) if p and c > 1)
        if len(shared_prose) * 2 < sum(prose):
            shared_prose = []  # most of the page's prose is its own: not a copy of a shared story
        min_pages = self.settings["min_pages"]
        marks = []
        for i, block in enumerate(blocks):
            c = counts[i]
            if c < min_pages or context.is_removed(block):
                continue
            need = self.settings["min_share_sentence"] if prose[i] else self.settings["min_share"]
            if c < need * group.pages:
                continue
            if prose[i] and own_first < i < own_last:
                continue  # a shared paragraph inside this page's own article is quoted or syndicated text
            if _in_shared_story(c, prose[i], shared_prose):
                continue
            marks.append(Mark.block(block, f"site template: on {c} of {group.pages} pages of {group.label}"))
        return marks


def _in_shared_story(count: int, is_prose: bool, shared_prose: list[int]) -> bool:
    """True when the page's other shared sentences recur about as often as this block: one story's copies."""
    others = list(shared_prose)
    if is_prose:
        others.remove(count)  # the block itself is not evidence of a story around it
    if len(others) < 2:  # one recurring sentence is no story; copies share paragraphs
        return False
    story = others[len(others) // 2]  # median: how many pages carry this page's story
    return story >= 2 and count <= story * SHARED_STORY_SLACK
