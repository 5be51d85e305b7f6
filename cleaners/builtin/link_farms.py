"""Removes link farms: runs of headlines for other stories, under a heading (Related, Most read …) or not."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any, ClassVar

from ..base import BaseCleaner, Context
from ..model import Block, Mark, Page
from ._lines import (
    SHARED_GATES,
    PageLines,
    gather,
    lowered,
    page_lines,
    strip_list_mark,
    word_count,
)
from ._phrases import line_gate
from .metadata import date_value

HEADING = re.compile(
    r"""^[\W_]*(?:
        related(?:\s+(?:articles?|stories|news|posts?|content|coverage|links|reading|videos?|topics))?|
        more(?:\s+\S+){1,3}|
        more\s+(?:related\s+)?(?:stories|news|articles|headlines|videos|to\s+read|on\s+this(?:\s+\w+)?|from\s+.{1,40}|in\s+.{1,40}|like\s+this)|
        rankings?|recommendations?|recommended(?:\s+(?:for\s+you|stories|articles|reading|videos))?|
        most\s+(?:read|popular|viewed|shared|commented|watched|emailed|recent)(?:\s+\w+){0,3}|
        (?:top|popular|trending|latest|recent|featured|breaking|other|world|top\s+\w+)\s+(?:stories|news|articles|posts|headlines|videos|now|today|this\s+week|in\s+\w+)|
        trending(?:\s+now)?|popular(?:\s+now)?|what'?s\s+(?:hot|new|popular|trending)|hot\s+(?:topics|stories)|
        you\s+(?:may|might|will)\s+(?:also\s+)?(?:like|enjoy|be\s+interested\s+in)|we\s+recommend|
        (?:also\s+)?read\s+(?:next|more|also)|also\s+read|see\s+also|editor'?s\s+(?:picks?|choice)|don'?t\s+miss|
        (?:what\s+to\s+)?(?:read|watch)\s+next|around\s+the\s+web|from\s+(?:the\s+web|our\s+partners)|
        promoted\s+(?:stories|links|content)|sponsored\s+(?:stories|links|content)|recent\s+posts|
        in\s+(?:other|case\s+you\s+missed|the\s+news)\b.{0,20}|(?:more\s+)?top\s+news|latest|headlines|
        lesen\s+sie\s+auch|mehr\s+zum\s+thema|meistgelesen|das\s+könnte\s+sie\s+auch\s+interessieren|
        (?:à\s+)?lire\s+aussi|vous\s+aimerez\s+aussi|(?:você|voce)\s+(?:também\s+)?pode\s+gostar|quizás?\s+te\s+interese|
        ti\s+potrebbe\s+interessare|sur\s+le\s+même\s+sujet|les\s+plus\s+lus|te\s+puede\s+interesar|lee\s+también|
        (?:noticias|artículos)\s+relacionad[oa]s|lo\s+más\s+(?:leído|visto)|leia\s+também|veja\s+também|
        (?:notícias|matérias)\s+relacionadas|mais\s+lidas|leggi\s+anche|potrebbe\s+interessarti|i\s+più\s+letti|
        читайте\s+также|похожие\s+(?:новости|статьи)|самое\s+(?:читаемое|популярное)|
        相关(?:新闻|文章|阅读)|热门(?:新闻|文章)?|関連記事|人気記事|관련\s*기사|많이\s*본\s*뉴스
    )[\W_]*$""",
    re.IGNORECASE | re.VERBOSE,
)


# For yes/no tests of lower-cased lines (see ``lowered`` and ``line_gate``: several times faster).
_HEADING = line_gate(lowered(HEADING))
_HEADING_KEY = SHARED_GATES.add(_HEADING)  # searched for with the other cleaners' gates (see ``SharedGates``)


@lru_cache(maxsize=4096)
def _is_heading(text: str) -> bool:
    return len(text) <= 60 and HEADING.match(text) is not None


# Verdicts on short lines, remembered by text: a site's menus and footers come back on every page.
_SHORT_LIMIT = 8192
_METAS: dict[str, bool] = {}


class _Flags:
    """What each of a run of blocks can be in a link farm, computed once from the page's line features."""

    __slots__ = ("_meta", "blocks", "farm", "heading", "item", "lines", "plain")

    def __init__(self, blocks: Sequence[Block], lines: PageLines) -> None:
        self.blocks = blocks
        self.lines = lines
        self._meta: list[bool] | None = None
        index = [b.index for b in blocks]
        self.heading = gather(_headings(lines), index)
        # The page's features say which lines may belong to a farm, which are headline items (4 to 30 words) and
        # plain ones (no sentence end either): see ``_lines.line_features``.
        self.farm = gather(lines.farm, index)
        self.item = gather(lines.item, index)
        self.plain = gather(lines.plain, index)

    @property
    def meta(self) -> list[bool]:
        """Which blocks are a card's small print (``_is_meta``), worked out when first asked for. Small print has
        a digit or starts with "by": other lines are settled without a call."""
        if self._meta is None:
            wc, low, digit = self.lines.wc, self.lines.low, self.lines.digit
            self._meta = [
                0 < wc[b.index] <= 12
                and (digit[b.index] or low[b.index][:3] == "by ")
                and _remembered_meta(b.text, low[b.index], wc[b.index])
                for b in self.blocks
            ]
        return self._meta


def _headings(lines: PageLines) -> list[bool]:
    """Which of the page's lines are link-farm headings (60 characters at most): all lower-cased lines tested at
    once (one search over them joined, see ``LineGate``), the rare line whose lower-casing changed its length in
    its own case with the original pattern."""
    blocks, recased = lines.blocks, lines.recased
    heading = [False] * len(blocks)
    for i in SHARED_GATES.matching(lines, _HEADING_KEY):
        heading[i] = not recased[i] and len(blocks[i].text) <= 60
    if any(recased):
        for i in [i for i, r in enumerate(recased) if r]:
            heading[i] = len(blocks[i].text) <= 60 and HEADING.match(blocks[i].text) is not None
    return heading


def _remembered_meta(text: str, low: str, n: int) -> bool:
    """``_meta_line``, remembered by text."""
    known = _METAS.get(text)
    if known is None:
        known = _meta_line(text, low, n)
        if len(_METAS) >= _SHORT_LIMIT:
            _METAS.clear()
        _METAS[text] = known
    return known


class LinkFarms(BaseCleaner):
    name = "link_farms"
    description = "Removes runs of headlines for other stories (Related, Most read, Trending, You may also like …)."
    order = 400
    # min_unheaded: a run of that many headlines with no heading above is a farm too; 0 (the default): such runs
    # are left to main_content (HTML) and boilerplate_lines (text), which weigh more than the run's form (on
    # the dev sets the rule removed more lists of the article's own than farms).
    options: ClassVar[Mapping[str, Any]] = {"min_headlines": 2, "min_unheaded": 0}

    def annotate(self, page: Page, context: Context) -> list[Mark]:
        # Lists, not generators: handing the marks over one by one cost more than making them.
        blocks = context.remaining()
        if page.format == "html":
            # In HTML a headline list is made of links: a list of plain sentences or facts is the article's own.
            blocks = [b for b in blocks if b.link_density >= 0.5 or _is_heading(b.text)]
        used: set[int] = set()
        flags = _Flags(blocks, page_lines(page))
        # Where the page's headline was (metadata or html_chrome removed it): the article starts there, and a
        # list under a heading above it ends there (the lines after the headline are the article's first).
        headline = min((a.start for a in context.removed if a.field == "title"), default=None)
        out = self._headed(blocks, used, flags, headline)
        out += self._cards(blocks, used, flags)  # (after the headed farms: it skips their lines, ``used``)
        if self.settings["min_unheaded"]:
            out += self._unheaded(blocks, used, flags)
        return out

    def _headed(self, blocks: Sequence[Block], used: set[int], flags: _Flags, headline: int | None) -> list[Mark]:
        out: list[Mark] = []
        heading, farm, item = flags.heading, flags.farm, flags.item
        i = 0  # where the next run may start: a heading inside a farm already marked starts none
        for h in [k for k, is_heading in enumerate(heading) if is_heading]:
            if h < i:
                continue
            i = h
            head = blocks[i]
            j = i + 1
            headlines = 0
            # (a run under a heading above the headline stops at it)
            stop = headline if headline is not None and head.start < headline else None
            while j < len(blocks) and farm[j] and not heading[j] and (stop is None or blocks[j].start < stop):
                if item[j]:
                    headlines += 1
                j += 1
            if headlines >= self.settings["min_headlines"]:
                label = head.text.strip(" :-–—»>|")
                reason = f"link farm under '{label}': {headlines} headlines"
                for b in blocks[i:j]:
                    used.add(b.index)
                    out.append(Mark.block(b, reason))
                i = j
            else:
                i += 1
        return out

    def _cards(self, blocks: Sequence[Block], used: set[int], flags: _Flags) -> list[Mark]:
        """Runs of story cards: a headline, a short summary and a time, author or section line, again and again."""
        out: list[Mark] = []
        if sum(flags.meta) < 2:
            return out  # cards carry times, dates or bylines: a page without two of them has no run of cards
        item, meta = flags.item, flags.meta
        i = 0  # where the next run may start
        # A card starts with its headline or its small print: only those lines are tried.
        for start in [k for k in range(len(blocks)) if item[k] or meta[k]]:
            if start < i:
                continue
            i = start
            units: list[tuple[int, int, bool]] = []  # (first, last, has_meta) positions in blocks
            j = i
            while True:
                unit = _card_at(blocks, j, used, flags)
                if unit is None:
                    break
                units.append(unit)
                j = unit[1] + 1
            with_meta = sum(1 for u in units if u[2])
            if len(units) >= 3 and with_meta >= 0.6 * len(units):
                reason = f"teasers for other stories: {len(units)} cards"
                for b in blocks[units[0][0] : units[-1][1] + 1]:
                    used.add(b.index)
                    out.append(Mark.block(b, reason))
                i = j
            else:
                i += 1
        return out

    def _unheaded(self, blocks: Sequence[Block], used: set[int], flags: _Flags) -> list[Mark]:
        out: list[Mark] = []
        plain = flags.plain
        # Runs of plain headlines on consecutive lines (a line between them that does not fit has an index
        # between theirs, so it breaks the run too).
        fitting = [b for k, b in enumerate(blocks) if plain[k] and b.index not in used]
        run: list[Block] = []
        for b in [*fitting, None]:
            if b is not None and (not run or run[-1].index + 1 == b.index):
                run.append(b)
                continue
            if len(run) >= self.settings["min_unheaded"] and _looks_like_list_of_stories(run):
                reason = f"link farm: {len(run)} headlines in a row"
                out += [Mark.block(r, reason) for r in run]
            run = [b] if b is not None else []
        return out


_DIGIT = re.compile(r"\d")
RELATIVE_TIME = re.compile(
    r"^(?:updated\s+)?(?:\d+\s*(?:[smhd]|sec|min|mins|minutes?|hours?|hrs?|days?|weeks?)\s+ago|just\s+now|yesterday)$",
    re.I,
)


_BY = re.compile(r"(?i)by\s+\w")
_QUESTION = re.compile(r"(?i)q\s*[:.)]|question\b")


@lru_cache(maxsize=4096)
def _is_meta(text: str) -> bool:
    """A card's small print: a relative time, a date, a byline."""
    n = word_count(text)
    return 0 < n <= 12 and _meta_line(text, text.lower(), n)


def _meta_line(text: str, low: str, n: int) -> bool:
    """``_is_meta`` for a line whose lower-cased form and word count (1 to 12) are known."""
    if _DIGIT.search(text) is None:
        return low[:3] == "by " and _BY.match(text) is not None
    # Only a time, a date or a byline: a short label could as well be a subheading of the article.
    return bool(RELATIVE_TIME.match(text) or date_value(text, n) or _BY.match(text))


def _card_at(blocks: Sequence[Block], i: int, used: set[int], flags: _Flags) -> tuple[int, int, bool] | None:
    """A card starting at position i: [meta…] headline [meta…] summary [meta…], or None."""
    meta, wc, ends = flags.meta, flags.lines.wc, flags.lines.ends
    k = i
    has_meta = False
    while k < len(blocks) and k - i < 2 and meta[k] and blocks[k].index not in used:
        k += 1
        has_meta = True
    if k >= len(blocks) or blocks[k].index in used or not flags.item[k]:
        return None
    head = blocks[k].text.strip()
    if head.endswith(":") or _QUESTION.match(head):
        return None  # an interview's question or a lead-in: not a card
    k += 1
    extra = 0
    while k < len(blocks) and blocks[k].index not in used and extra < 3:
        if meta[k]:
            has_meta = True
        elif not (wc[blocks[k].index] <= 6 and not ends[blocks[k].index]):
            break  # a credit line ("Madeline Fry") may sit between headline and summary; anything longer may not
        k += 1
        extra += 1
    if k >= len(blocks) or blocks[k].index in used:
        return None
    if not 6 <= wc[blocks[k].index] <= 80:
        return None
    k += 1
    end = k - 1
    while k < len(blocks) and k - end <= 2 and meta[k] and blocks[k].index not in used:
        end = k
        k += 1
        has_meta = True
    return (i, end, has_meta)


def _looks_like_list_of_stories(run: Sequence[Block]) -> bool:
    """Headlines of other stories are long-ish and mostly capitalised; an article's short bullet list is not."""
    words = [word_count(strip_list_mark(b.text)) for b in run]
    if sum(words) / len(words) < 6:
        return False
    capitalised = sum(
        1 for b in run if strip_list_mark(b.text)[:1].isupper() or not strip_list_mark(b.text)[:1].isalpha()
    )
    return capitalised >= 0.8 * len(run)
