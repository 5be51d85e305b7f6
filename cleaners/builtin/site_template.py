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
import zlib
from array import array
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar
from urllib.parse import urlsplit

from ..base import BaseCleaner, Context
from ..model import Block, Mark, Page, count_words, find_words
from ._lines import CJK, page_lines

_DIGITS = re.compile(r"\d+")
_SENTENCE_END = re.compile(r"""[.!?。！？…]["'”’»)\]]*$""")
MIN_GROUP = 3  # a single shared line groups pages on their own only when it is on at least this many
DIGITS_UP_TO = 160  # blocks up to this long are compared with their digits ignored
CHROME_EDGE = 5  # how many blocks at each end of a page count as its header and footer for grouping
SHARED_STORY_SLACK = 1.5  # a block recurring up to this many times as often as the page's story text is story text
STORY_MIN_PARAGRAPHS = 2  # a shared story has at least this many shared paragraphs ...
STORY_MIN_SHARE = 0.6  # ... holding at least this share of the page's prose words
SHORT_KEYS = 8192  # the keys of this many short lines (up to DIGITS_UP_TO characters) are remembered
MAX_PROMO_WORDS = 40  # a recurring paragraph this long inside an article is article text, not a promo


def normalise(text: str) -> str:
    """What makes two blocks "the same" across pages: case, digits and spacing do not count.

    Digits are what change in chrome (dates, counters); a long paragraph is article text, and one with other
    figures is another paragraph: its digits are kept, which saves most of the time on a large folder.
    """
    return _normalised(text.lower() if text.isascii() else text.casefold())  # (ASCII: casefold is lower)


def _normalised(folded: str) -> str:
    """:func:`normalise` of a text whose case is folded already."""
    # Most blocks are spaced once already (single spaces, none at the ends): then splitting them into words to join
    # them again changes nothing. A printable text holds no white space but the space (``str.split``'s white space
    # is all control, format or separator characters), so that is checked in C, a pass or two over the text.
    if folded.isprintable() and "  " not in folded and folded[:1] != " " and folded[-1:] != " ":
        spaced = folded
    else:
        spaced = " ".join(folded.split())
    if len(spaced) > DIGITS_UP_TO or (spaced.isascii() and 1 not in spaced.encode().translate(_DIGIT_MARKS)):
        return spaced  # (no digit: checked on the bytes of ASCII text, in C, before asking the regex)
    return _DIGITS.sub("0", spaced)


# ASCII digits made 1, every other byte 0: an ASCII text holds a digit when its bytes so translated hold a 1 (a
# translate with bytes to delete builds its tables at every call).
_DIGIT_MARKS = bytes(1 if 48 <= c <= 57 else 0 for c in range(256))


def block_key(text: str) -> int:
    """A stable 64-bit key of :func:`normalise` of ``text`` (the same in every process, unlike ``hash``: states may
    cross process boundaries)."""
    data = normalise(text).encode("utf-8", "surrogatepass")
    return zlib.crc32(data) << 32 | zlib.adler32(data)


def is_sentence(text: str) -> bool:
    """Reads like article prose: many words, or a full sentence of some length with ordinary words."""
    words = find_words(text)
    if len(words) >= 16:
        return True
    if len(words) < 8 or not _SENTENCE_END.search(text):
        return False
    lower = sum(1 for w in words if w[:1].islower())
    return lower >= len(words) // 2


# Short lines recur on every page of a site (its name, menu, footer): their keys are remembered across the
# pages read and cleaned, up to a limit, by text.
_SHORT_KEYS: dict[str, int] = {}


def _page_keys(blocks: Sequence[Block]) -> list[int]:
    known = _SHORT_KEYS
    keys = []
    for b in blocks:
        t = b.text
        if len(t) > DIGITS_UP_TO:
            keys.append(block_key(t))
            continue
        key = known.get(t)
        if key is None:
            if len(known) >= SHORT_KEYS:
                known.clear()
            key = known[t] = block_key(t)
        keys.append(key)
    return keys


# A page's block keys, as ``prepare`` keeps them with the page (``Page.facts``): learning and cleaning both need
# them, and a page the folder session reads once for both has them worked out once.
KEYS_FACT = "site_template.block_keys"


def _kept_keys(page: Page) -> Sequence[int] | None:
    """The keys of the page's blocks that ``prepare`` kept with it, or None."""
    kept: Sequence[int] | None = page.facts.get(KEYS_FACT)
    return kept if kept is not None and len(kept) == len(page.blocks) else None


def _keys_of(page: Page) -> Sequence[int]:
    """The keys of the page's blocks (``block_key`` of each, in order): those ``prepare`` kept, or made now."""
    kept = _kept_keys(page)
    return kept if kept is not None else _page_keys(page.blocks)


def _is_sentence_counted(block: Block, words: int) -> bool:
    """``is_sentence(block.text)`` given the line-feature word count of the block (``\\w+`` words, CJK text
    counted more): fewer than 8 is never a sentence, 16 or more of a line without CJK text always."""
    if words < 8:
        return False
    if words >= 16 and (block.text.isascii() or CJK.search(block.text) is None):
        return True  # (without CJK text the count is the line's \w+ words)
    return is_sentence(block.text)


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


def _chrome_keys(blocks: Sequence[Block], keys: Sequence[int] | None = None) -> dict[int, int]:
    """Header and footer lines that can tie a page to its site: key -> position (from the top, or from the
    bottom as a negative number) of the lines at either end of the page.

    On a short page the ends may be article text (shared by syndicated copies on other sites): then only
    lines that are not prose count.
    """
    n = len(blocks)
    long_page = n > 2 * CHROME_EDGE + 2
    edge = [*range(CHROME_EDGE), *range(n - CHROME_EDGE, n)] if long_page else range(n)
    out: dict[int, int] = {}
    for i in edge:
        b = blocks[i]
        if len(b.text) >= 6 and (long_page or not is_sentence(b.text)):
            key = keys[i] if keys is not None else block_key(b.text)
            out.setdefault(key, i if i < CHROME_EDGE else i - n)
    return out


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


class _Groups:
    """Union-find over page indices that never joins two groups of several pages each on weak evidence."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))
        self.size = [1] * n

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            if ra > rb:
                ra, rb = rb, ra
            self.parent[rb] = ra
            self.size[ra] += self.size[rb]

    def join(self, members: Sequence[int]) -> bool:
        """Put ``members`` in one group unless that merges two groups of several pages; True if joined."""
        roots = {self.find(i) for i in members}
        if sum(1 for r in roots if self.size[r] > 1) > 1:
            return False
        first = members[0]
        for i in members[1:]:
            self.union(first, i)
        return True


def fit_template(pages: Iterable[Page]) -> TemplateState:
    """Group pages by site and count, per site, the pages each normalised block appears on.

    Pages without site metadata are grouped by their header and footer lines. One shared line is weak
    evidence (a wire headline in two sites' "most read" lists, "Privacy Policy" on every site), so a group
    is first formed by lines that recur on exactly the same pages as at least one other line — a site's
    name, menu and footer come together on every page — most specific first; a group never absorbs
    another group of several pages. A line seen alone then attaches pages still on their own to a group,
    or groups pages when it holds the same place on all of them (a site's name atop every page).

    The same as :func:`merge_template` of :func:`read_chunk` of consecutive parts of the folder, which is
    how a big folder is learned in several processes.
    """
    return merge_template([read_chunk(pages)])


@dataclass(slots=True)
class TemplateChunk:
    """What fitting keeps of consecutive pages of a folder: numbers and a few short strings, never the pages.

    Per usable page (no error, some blocks), in order: its id, its site's name (``_site_name``) and key
    (``site_of``); its distinct block keys, one after another in ``keys`` (page ``p``'s end at
    ``key_ends[p]``); for a page without a site name, the keys of its first ``CHROME_EDGE`` blocks and how
    they would name the site (``head_keys``/``head_labels``, ending at ``head_ends[p]``); for a page without
    a site, its header and footer keys and their places (``chrome_keys``/``chrome_places``, ending at
    ``chrome_ends[p]``). Small enough to send between processes: ~8 bytes per distinct block of a page.
    """

    ids: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    sites: list[str | None] = field(default_factory=list)
    keys: array[int] = field(default_factory=lambda: array("Q"))
    key_ends: array[int] = field(default_factory=lambda: array("q"))
    head_keys: array[int] = field(default_factory=lambda: array("Q"))
    head_labels: list[str] = field(default_factory=list)
    head_ends: array[int] = field(default_factory=lambda: array("q"))
    chrome_keys: array[int] = field(default_factory=lambda: array("Q"))
    chrome_places: array[int] = field(default_factory=lambda: array("b"))
    chrome_ends: array[int] = field(default_factory=lambda: array("q"))


def read_chunk(pages: Iterable[Page]) -> TemplateChunk:
    """Reduce consecutive pages of a folder to what grouping and counting need of them (the map step).

    Pages are read once, as they come: a big folder is never all in memory.
    """
    chunk = TemplateChunk()
    ids, names, sites = chunk.ids, chunk.names, chunk.sites
    all_keys, key_ends = chunk.keys, chunk.key_ends
    head_keys, head_labels, head_ends = chunk.head_keys, chunk.head_labels, chunk.head_ends
    chrome_keys, chrome_places, chrome_ends = chunk.chrome_keys, chunk.chrome_places, chunk.chrome_ends
    labels: dict[str, str] = {}
    same = labels.setdefault
    for page in pages:
        blocks = page.blocks
        if page.error is not None or not blocks:
            continue
        texts = [b.text for b in blocks]
        keys = _keys_of(page)  # (short lines' keys remembered: 5 % fewer instructions on generated sites)
        ids.append(page.id)
        site = site_of(page)
        sites.append(site)
        name = _site_name(page)
        names.append(name)
        all_keys.extend(set(keys))  # (a set's order, as counting always saw it: the same state, byte for byte)
        key_ends.append(len(all_keys))
        if not name:  # only a site without a name is named by its first lines
            head_keys.extend(keys[:CHROME_EDGE])
            # A site's first lines recur on its pages: one string each is sent (pickling refers back to it).
            head_labels.extend([same(label, label) for label in map(_head_label, texts[:CHROME_EDGE])])
        head_ends.append(len(head_keys))
        if site is None:
            found = _chrome_keys(blocks, keys)
            chrome_keys.extend(found)
            chrome_places.extend(found.values())
        chrome_ends.append(len(chrome_keys))
    return chunk


def merge_template(chunks: Iterable[TemplateChunk]) -> TemplateState:
    """The learned state of a folder from :func:`read_chunk` of its consecutive parts, in folder order (the
    reduce step; see :func:`fit_template`)."""
    chunks = list(chunks)
    ids: list[str] = []
    first_with_site: dict[str, int] = {}
    site_pairs: list[tuple[int, int]] = []
    key_pages: dict[int, list[int]] = {}
    key_places: dict[int, tuple[int, int]] = {}  # lowest and highest place a header/footer line was seen in
    for chunk in chunks:
        ckeys, cplaces, cends = chunk.chrome_keys, chunk.chrome_places, chunk.chrome_ends
        start = 0
        for p, site in enumerate(chunk.sites):
            i = len(ids)
            ids.append(chunk.ids[p])
            end = cends[p]
            if site is not None:
                site_pairs.append((first_with_site.setdefault(site, i), i))
                continue
            for j in range(start, end):
                key, place = ckeys[j], cplaces[j]
                key_pages.setdefault(key, []).append(i)
                low, high = key_places.get(key, (place, place))
                key_places[key] = (min(low, place), max(high, place))
            start = end
    n = len(ids)
    groups_uf = _Groups(n)
    for first, i in site_pairs:
        groups_uf.union(first, i)
    by_set: dict[tuple[int, ...], list[int]] = {}
    for key, members in key_pages.items():
        if len(members) >= 2:
            by_set.setdefault(tuple(members), []).append(key)
    strong = sorted((m for m, keys in by_set.items() if len(keys) >= 2), key=len)
    weak = sorted((m for m, keys in by_set.items() if len(keys) < 2), key=len)
    first_with_key: dict[int, int] = {}
    for pageset in strong:
        if groups_uf.join(pageset):
            for key in by_set[pageset]:
                first_with_key[key] = pageset[0]
    for pageset in weak:
        roots = {groups_uf.find(i) for i in pageset}
        several = sum(1 for r in roots if groups_uf.size[r] > 1)
        key = by_set[pageset][0]
        low, high = key_places[key]
        in_place = high - low <= 1 and (low >= 0 or high < 0)  # one place (give or take a banner above it)
        if len(roots) > 1 and (several == 1 or (several == 0 and len(pageset) >= MIN_GROUP and in_place)):
            groups_uf.join(pageset)
            first_with_key[key] = pageset[0]
    groups: list[SiteGroup] = []
    first_page: list[tuple[TemplateChunk, int]] = []  # each group's first page: its chunk and place in it
    root_group: dict[int, int] = {}
    page_group: dict[str, int] = {}
    site_group: dict[str, int] = {}
    find = groups_uf.find
    i = 0
    for chunk in chunks:
        ckeys, cends = chunk.keys, chunk.key_ends
        start = 0
        for p, page_id in enumerate(chunk.ids):
            root = find(i)
            k = root_group.get(root)
            if k is None:
                k = root_group[root] = len(groups)
                groups.append(SiteGroup(_name_of(chunks, root)))
                first_page.append((chunk, p))
            group = groups[k]
            group.pages += 1
            end = cends[p]
            group.counts.update(ckeys[start:end])
            start = end
            page_group[page_id] = k
            i += 1
    for site, i in first_with_site.items():
        site_group[site] = page_group[ids[i]]
    chrome_group = {key: page_group[ids[i]] for key, i in first_with_key.items()}
    for k, group in enumerate(groups):
        if not group.label:
            chunk, p = first_page[k]
            start, end = (chunk.head_ends[p - 1] if p else 0), chunk.head_ends[p]
            head = zip(chunk.head_keys[start:end], chunk.head_labels[start:end], strict=True)
            group.label = _label(head, k, chrome_group)
        # Blocks seen on one page only tell nothing: drop them to keep the state small.
        group.counts = Counter({h: c for h, c in group.counts.items() if c > 1})
    return TemplateState(groups, page_group, site_group, chrome_group)


def _name_of(chunks: Sequence[TemplateChunk], index: int) -> str:
    """The site name of the folder's usable page ``index``."""
    for chunk in chunks:
        if index < len(chunk.names):
            return chunk.names[index]
        index -= len(chunk.names)
    raise IndexError(index)


def _site_name(page: Page) -> str:
    """The site's name as the page gives it (``site_of`` is the normalised key), or "" when unknown."""
    site = " ".join(page.meta.get("site", "").split())
    # (``site_of`` again, not its value passed along: the name is a string of its own in the state, as it was.)
    return site[:60] if site else site_of(page) or ""


def _head_label(text: str) -> str:
    """How a site headed by this line is named: its first 40 characters, spaces collapsed."""
    # Splitting off the first 41 words is enough: they are more than 40 characters long.
    text = " ".join(text.split(None, 41)[:41])
    return f"{text[:40]}{'…' if len(text) > 40 else ''}"


def _label(head: Iterable[tuple[int, str]], k: int, chrome_group: dict[int, int]) -> str:
    """A site without a name in its metadata is named by its first header line (“the site headed …”)."""
    for key, label in head:
        if chrome_group.get(key) == k:
            return f"the site headed “{label}”"
    return "this site"


class SiteTemplate(BaseCleaner):
    name = "site_template"
    description = "Removes blocks that recur on many pages of the same site (menus, footers, widgets, list headings)."
    order = 950  # last: the other cleaners see the whole page (a list heading tells link_farms what follows)
    options: ClassVar[Mapping[str, Any]] = {
        "min_pages": 3,  # a block must recur on at least this many pages of its site
        "min_share": 0.3,  # ... and on at least this share of them
        "min_share_sentence": 0.5,  # prose-like blocks need more evidence
        "min_share_inside": 0.6,  # ... and more still inside the page's own article (a promo between paragraphs)
    }

    def prepare(self, page: Page) -> None:
        """Keep the page's block keys with it: fitting and cleaning it both take them from there."""
        if page.error is None and page.blocks:
            page.facts[KEYS_FACT] = array("Q", _page_keys(page.blocks))  # (8 bytes a block)

    def fit(self, pages: Iterable[Page]) -> TemplateState:
        return fit_template(pages)

    def fit_chunk(self, pages: Iterable[Page]) -> TemplateChunk:
        return read_chunk(pages)

    def fit_merge(self, chunks: Sequence[TemplateChunk]) -> TemplateState:
        return merge_template(chunks)

    def annotate(self, page: Page, context: Context) -> Iterable[Mark]:
        state = context.folder.get(self.name)
        if not isinstance(state, TemplateState):
            return []
        group = state.group_for(page)
        min_pages = self.settings["min_pages"]
        if group is None or group.pages < min_pages:
            return []
        blocks = page.blocks
        total = group.pages
        get = group.counts.get
        counts = [get(k, 1) for k in _keys_of(page)]
        # The shared line features count words already (CJK runs counted more, never less): their count
        # settles most lines without a regex.
        prose = list(map(_is_sentence_counted, blocks, page_lines(page).wc))
        # The page's own article: from its first to its last prose block that no other page has.
        unique = [i for i, b in enumerate(blocks) if prose[i] and counts[i] == 1]
        own_first, own_last = (unique[0], unique[-1]) if unique else (len(blocks), -1)
        story = _shared_story(blocks, counts, prose)
        marks = []
        for i, block in enumerate(blocks):
            c = counts[i]
            if c < min_pages or context.is_removed(block):
                continue
            share = c / total
            if story is not None and story[1] <= i <= story[2] and c <= story[0] * SHARED_STORY_SLACK:
                continue  # part of a story this page shares with others (syndicated copies, updates)
            if prose[i]:
                if own_first < i < own_last:
                    # Inside the page's own article a recurring paragraph is quoted or background text,
                    # unless it is short and on most of the site's pages: a promo between paragraphs.
                    if share < self.settings["min_share_inside"] or count_words(block.text) >= MAX_PROMO_WORDS:
                        continue
                elif share < self.settings["min_share_sentence"]:
                    continue
            elif share < self.settings["min_share"]:
                continue
            marks.append(Mark.block(block, f"site template: on {c} of {total} pages of {group.label}"))
        marked = {m.start for m in marks}
        kept_prose = [b for i, b in enumerate(blocks) if prose[i] and not context.is_removed(b)]
        if kept_prose and all(b.start in marked for b in kept_prose):
            # Every paragraph left recurs: the folder holds copies of this very text, which is the article.
            prose_starts = {b.start for b in kept_prose}
            marks = [m for m in marks if m.start not in prose_starts]
        return marks


def recurring_lines(state: object, page: Page, lines: Sequence[Block]) -> list[bool]:
    """For each of ``lines`` (blocks of ``page``): whether it recurs on enough of its site's pages, as the folder
    taught ``state`` (this cleaner's), to be the site's template by the default thresholds: a site's name, a menu,
    a notice. What a cleaner that runs before this one (which runs last) may ask of a line. A line of a story
    the page shares with others (its versions, syndicated copies) recurs as often as the story: not template."""
    out = [False] * len(lines)
    if not isinstance(state, TemplateState):
        return out
    group = state.group_for(page)
    min_pages, min_share = SiteTemplate.options["min_pages"], SiteTemplate.options["min_share"]
    if group is None or group.pages < min_pages or not lines:
        return out
    get, total = group.counts.get, group.pages
    kept = _kept_keys(page)  # (without them, only the lines asked about are keyed unless one recurs)
    for k, key in enumerate([kept[b.index] for b in lines] if kept is not None else _page_keys(lines)):
        c = get(key, 1)
        out[k] = c >= min_pages and c / total >= min_share
    if any(out):
        blocks = page.blocks
        counts = [get(k, 1) for k in (kept if kept is not None else _page_keys(blocks))]
        story = _shared_story(blocks, counts, list(map(_is_sentence_counted, blocks, page_lines(page).wc)))
        if story is not None:
            for k, block in enumerate(lines):
                if out[k] and counts[block.index] <= story[0] * SHARED_STORY_SLACK:
                    out[k] = False
    return out


def _shared_story(blocks: Sequence[Block], counts: Sequence[int], prose: Sequence[bool]) -> tuple[int, int, int] | None:
    """(pages, first, last) of the story this page shares with other pages, if most of its prose is shared.

    Copies of one story share most of their words (a few recurring promo lines around a page's own article do
    not make a story); ``pages`` is how many pages typically carry the story's paragraphs (their median
    count), ``first``..``last`` the blocks the shared paragraphs span.
    """
    shared = [i for i in range(len(blocks)) if prose[i] and counts[i] > 1]
    if len(shared) < STORY_MIN_PARAGRAPHS:
        return None
    words = [count_words(b.text) if prose[i] else 0 for i, b in enumerate(blocks)]
    if sum(words[i] for i in shared) < STORY_MIN_SHARE * sum(words):
        return None
    pages = sorted(counts[i] for i in shared)[len(shared) // 2]
    inside = [i for i in shared if pages / SHARED_STORY_SLACK <= counts[i] <= pages * SHARED_STORY_SLACK]
    return pages, inside[0], inside[-1]
