"""Takes title, date, site and byline from their lines at the top of a page, and marks those lines as metadata."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from itertools import accumulate
from typing import ClassVar

from ..base import BaseCleaner, Context
from ..model import Block, Mark, Page, normalise_space
from ._lines import PageLines, lowered, page_lines, word_count
from ._phrases import factored
from .site_chrome import BULLETS, chrome_reason, line_chrome_reason
from .site_template import SiteTemplate, recurring_lines

TEMPLATE = SiteTemplate.name

# Month names in the languages the dev sets hold most, by month: what a date line is told by (``DATE``) and
# what the reader turns into a month's number (``newsread.tui.dates``).
MONTH_NAMES: tuple[tuple[str, ...], ...] = (
    ("jan", "january", "janvier", "januar", "enero", "janeiro"),
    ("feb", "february", "février", "februar", "febrero", "fevereiro"),
    ("mar", "march", "mars", "märz", "marzo", "março"),
    ("apr", "april", "avril", "abril"),
    ("may", "mai", "mayo", "maio"),
    ("jun", "june", "juin", "juni", "junio", "junho"),
    ("jul", "july", "juillet", "juli", "julio", "julho"),
    ("aug", "august", "août", "agosto"),
    ("sep", "sept", "september", "septembre", "septiembre", "setembro"),
    ("oct", "october", "octobre", "oktober", "octubre", "outubro"),
    ("nov", "november", "novembre", "noviembre", "novembro"),
    ("dec", "december", "décembre", "dezember", "diciembre", "dezembro"),
)
MONTHS = "|".join(sorted({name for names in MONTH_NAMES for name in names}, key=lambda n: (-len(n), n)))
DATE = re.compile(
    rf"""(?:\d{{4}}-\d{{2}}-\d{{2}}(?:[t\s]\d{{1,2}}:\d{{2}}(?::\d{{2}})?)?|
    \d{{1,2}}[./]\d{{1,2}}[./]\d{{2,4}}|
    (?:{MONTHS})\.?\s+\d{{1,2}},?\s+\d{{4}}|
    \d{{1,2}}\.?\s+(?:de\s+)?(?:{MONTHS})\.?,?\s+(?:de\s+)?\d{{4}}|
    \d{{4}}年\d{{1,2}}月\d{{1,2}}日)""",
    re.IGNORECASE | re.VERBOSE,
)
_DATE_LOW = factored(lowered(DATE))  # for lower-cased lines; same matches, same spans (see ``factored``)
DATE_LABEL = re.compile(
    r"^(?:date|published|posted|updated|last\s+updated|first\s+published|publicado|publié|veröffentlicht|"
    r"aktualisiert|pubblicato|опубликовано|发布时间|日期)(?:\s+on)?\s*[:：]?\s*",
    re.IGNORECASE,
)
BYLINE = re.compile(r"^(?:by|von|par|por|di|автор)\s+(?P<name>[^\W\d_][^|,\n]{1,80}?)\s*(?:[|,·•]|$)", re.IGNORECASE)
TITLE_SEPARATORS = re.compile(r"\s*(?:\||-|–|—|::|»|·)\s*")


_DIGIT = re.compile(r"\d")
# What may surround a date on a dateline: prepositions, labels, weekdays, a time, punctuation.
_DATE_WORDS = re.compile(
    r"(?i)\b(?:at|um|à|às|a\s+las|updated|published|mon|tue|wed|thu|fri|sat|sun)\w*\b|"
    r"\d{1,2}:\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?|[|,:.()\-–]"
)
_BYLINE_WORDS = ("by", "von", "par", "por", "di", "автор")


def date_value(text: str, words: int | None = None) -> str | None:
    """The date on a short line that is only a date (with a label, a time, a weekday), else None.
    ``words``: the line's word count, when the caller knows it."""
    if _DIGIT.search(text) is None or (word_count(text) if words is None else words) > 14:
        return None  # every date form has a digit: most lines are settled without the big pattern
    low = text.lower()
    # Same offsets when lower-casing keeps the length: the date is cut from the original below.
    m = _DATE_LOW.search(low) if len(low) == len(text) else DATE.search(text)
    if not m:
        return None
    rest = DATE_LABEL.sub("", text.replace(text[m.start() : m.end()], " "))
    rest = _DATE_WORDS.sub(" ", rest)
    if word_count(rest) > 4:
        return None
    return normalise_space(DATE_LABEL.sub("", text))


def _chrome(block: Block, lines: PageLines) -> str | None:
    """``chrome_reason`` of the block's text; through site chrome's memory of short lines when that gives the
    same answer (it strips bullets first, so not for a line that starts with one)."""
    text = block.text
    if text[:1] in BULLETS or text[-1:].isspace():
        return chrome_reason(text)
    return line_chrome_reason(text, lines.low[block.index], lines.wc[block.index])


_COPYRIGHT = re.compile(r"©|\(c\)|\bcopyright\b|\bcopr\.")  # (searched in lower-cased lines)
_WORDS = re.compile(r"\w+")
# A picture's credit or caption label: "Photograph: …", "Image credit: …", "© …".
_CREDIT = re.compile(
    r"©|\b(?:image|photo|picture|photograph|illustration)s?\s*(?:credit|copyright|courtesy|source)?\s*:|"
    r"\b(?:image|photo)\s+copyright\b|\bcredit\s*:",
    re.IGNORECASE,
)


def _brand_lines(header: list[Block], blocks: list[Block], lines: PageLines) -> set[int]:
    """The header lines that only name the site: a short line (at most eight words) whose words the page's
    copyright line holds in a row (``© 2024 The Morning Post. All rights reserved.``): the site's name or
    brand, as most sites put it atop every page. Empty on a page without a copyright line (most text dumps)."""
    short = [b for b in header if 1 <= lines.wc[b.index] <= 8 and len(b.text) >= 4]
    if not short:
        return set()
    low = lines.low
    notices = {
        b.index: " ".join(_WORDS.findall(low[b.index]))
        for b in blocks
        if ("©" in (t := low[b.index]) or "(c)" in t or "copyright" in t or "copr." in t) and _COPYRIGHT.search(t)
    }
    if not notices:
        return set()
    found = set()
    for b in short:
        if b.index not in notices:
            words = " ".join(_WORDS.findall(low[b.index]))
            if words and any(f" {words} " in f" {n} " for n in notices.values()):
                found.add(b.index)
    return found


BODY_LINES = 40  # the article's first lines whose words tell a headline from the chrome above it ...
BODY_PROSE = 12  # ... the prose among them, at most this many lines


def _stems(words: Sequence[str]) -> list[str]:
    """A lower-cased line's words (``PageLines.toks``) of four letters or more, cut to five (``republicans`` and
    ``republican`` are one word here): what tells a headline's words in the article's."""
    return [w[:5] for w in words if len(w) >= 4]


def _body_words(body: Sequence[Block], lines: PageLines) -> frozenset[str]:
    """The words (:func:`_stems`) of the first BODY_PROSE prose lines of ``body``: what a headline's words are
    found among."""
    toks, prose = lines.toks, lines.prose
    first = [toks[b.index] for b in body if prose[b.index]][:BODY_PROSE]
    return frozenset(stem for words in first for stem in _stems(words))


def _is_byline(block: Block, lines: PageLines) -> bool:
    i = block.index
    return lines.wc[i] <= 14 and lines.low[i].startswith(_BYLINE_WORDS) and BYLINE.match(block.text) is not None


def _is_date_or_byline(block: Block, lines: PageLines) -> bool:
    i = block.index
    return bool(lines.wc[i] <= 14 and lines.digit[i] and date_value(block.text, lines.wc[i])) or _is_byline(
        block, lines
    )


_SET_OFF = ("|", "-", "–", "—", "::", "»", "·", ">", "›", "/")  # what sets a title off in a <title> or breadcrumb


def _set_off(title: str, line: str) -> bool:
    """``title`` stands in ``line`` set off by a separator, as in a page title line (``Headline | Site``) or a
    breadcrumb (``Home > News > Headline``), unlike a run of words a menu or a bar happens to hold (``Start free
    trial`` in ``Start free trial Log In``, a phone number in ``Call Us: …``)."""
    before, _, after = line.partition(title)
    return before.rstrip().endswith(_SET_OFF) or after.lstrip().startswith(_SET_OFF)


def _nearest_body(candidates: list[Block], header: list[Block], lines: PageLines) -> Block | None:
    """The last of ``candidates`` (not a dateline) below which the header holds only datelines, bylines and
    chrome, or None."""
    chosen = {b.index for b in candidates}
    for b in reversed(header):
        below = _is_date_or_byline(b, lines)
        if b.index in chosen and not below:
            return b
        if not below and _chrome(b, lines) is None:
            return None
    return None


class MetadataLines(BaseCleaner):
    name = "metadata"
    description = "Takes title, date, site and byline from their lines at the top and marks those lines as metadata."
    order = 100
    formats = frozenset({"text"})
    # What a folder-level cleaner learned that this one reads too (a site's template lines are no headline):
    # part of this cleaner's cache key (see cache.stage_fingerprints).
    reads_folder: ClassVar[tuple[str, ...]] = (TEMPLATE,)

    def annotate(self, page: Page, context: Context) -> Iterable[Mark]:
        lines = page_lines(page)
        remaining = context.remaining()
        header = self._header(remaining, lines)
        not_titles = _brand_lines(header, remaining, lines)
        template = context.folder.get(TEMPLATE)
        if template is not None and header:  # the site's template, learned from the folder: no headline either
            recurring = recurring_lines(template, page, header)
            not_titles |= {b.index for b, r in zip(header, recurring, strict=True) if r}
        body = remaining[len(header) : len(header) + BODY_LINES]
        title_block = self._title(header, lines, frozenset(not_titles), body)
        marks: list[Mark] = []
        if title_block is not None:
            title = title_block.text
            marks.append(Mark.block(title_block, "headline", "title", title))
            # The same title inside an earlier line is the page's <title> or a breadcrumb: site name is what is left.
            for b in header:
                if b is title_block or b.index > title_block.index or title not in b.text:
                    continue
                _before, _, after = b.text.partition(title)
                site = TITLE_SEPARATORS.sub(" ", after).strip(" -|")
                if site and word_count(site) <= 6:
                    marks.append(Mark.block(b, "page title line (breadcrumb, headline, site name)", "site", site))
                else:
                    marks.append(Mark.block(b, "page title line"))
        seen_date = seen_byline = False
        for b in header:
            if b is title_block:
                continue
            # (``date_value`` needs a digit and at most 14 words: most lines are settled before the call.)
            if not seen_date and lines.wc[b.index] <= 14 and lines.digit[b.index]:
                value = date_value(b.text, lines.wc[b.index])
                if value:
                    marks.append(Mark.block(b, "dateline", "date", value))
                    seen_date = True
                    continue
            if not seen_byline and lines.wc[b.index] <= 14 and lines.low[b.index].startswith(_BYLINE_WORDS):
                m = BYLINE.match(b.text)
                if m:
                    marks.append(Mark.block(b, "byline", "byline", m.group("name").strip()))
                    seen_byline = True
        return marks

    @staticmethod
    def _header(blocks: list[Block], lines: PageLines) -> list[Block]:
        """The lines before the first paragraph of prose (at most 80): where pages put title, byline and date."""
        header = []
        for b in blocks[:80]:
            i = b.index
            if lines.prose[i] and (lines.ends[i] or lines.wc[i] >= 35):
                break
            header.append(b)
        return header

    @staticmethod
    def _title(
        header: list[Block], lines: PageLines, brands: frozenset[int] = frozenset(), body: Sequence[Block] = ()
    ) -> Block | None:
        """The headline: a headline-like line, preferring one that the page also repeats inside an earlier line,
        then the first one that speaks of what the article does (``body``: its first lines, whose words are
        gathered only when that is asked).
        ``brands``: lines that name the site (see :func:`_brand_lines`): never the headline, and not counted
        among the page's first lines."""
        candidates = [
            b
            for b in header
            if not lines.listed[b.index]
            and lines.headline[b.index]
            and 3 <= lines.wc[b.index] <= 30
            and b.index not in brands  # the site's name atop the page is no headline
            and _chrome(b, lines) is None  # a breadcrumb or a share bar is no headline
            and not _is_byline(b, lines)  # nor a byline
            and _CREDIT.search(b.text) is None  # nor a picture's credit
        ]
        if candidates:
            # A line can be inside an earlier one only if it is inside the earlier lines joined: one fast
            # search per candidate rules most out (lines of a text page hold no line break).
            joined = "\n".join(o.text for o in header)
            ends = dict(zip([o.index for o in header], accumulate(len(o.text) + 1 for o in header), strict=True))
            body_words: frozenset[str] | None = None  # (gathered only when asked: most pages never need them)
            for b in reversed(candidates):
                before = joined[: ends[b.index] - len(b.text) - 1]
                if b.text in before:
                    inside = [o.text for o in header if o.index < b.index and b.text in o.text and o.text != b.text]
                    if any(_set_off(b.text, o) for o in inside):
                        return b
                    # Set off by nothing (a breadcrumb glued together, "HomeNewsHeadline", or a bar's words
                    # repeated below it, "Start free trial Log In"): a headline if one of its words is the article's.
                    if inside:
                        body_words = _body_words(body, lines) if body_words is None else body_words
                        if any(w in body_words for w in _stems(lines.toks[b.index])):
                            return b
            # Above the headline a whole-page dump holds the site's chrome ("Skip to content", a menu, a
            # brand line), title-like but about nothing the article says: the headline is the first line most
            # of whose words the article's first lines use.
            body_words = _body_words(body, lines) if body_words is None else body_words
            for b in candidates:
                words = _stems(lines.toks[b.index])
                found = sum(w in body_words for w in words)
                if found >= 2 and found * 2 >= len(words):
                    return b
            if brands:
                # Under the site's own lines (its name, menus, notices) more of them may come before the headline:
                # the headline is the title-like line nearest the body, below it only its date and byline, if
                # it speaks of the article at all (one of its words is among the article's first words).
                nearest = _nearest_body(candidates, header, lines)
                if nearest is not None and any(w in body_words for w in _stems(lines.toks[nearest.index])):
                    return nearest
        # No line speaks of the article: no headline. The first title-like line at the top, or the one right
        # above the body, was a menu, a skip link, the site's name or a notice 19 times in 20 on the dev sets'
        # dumps (bench/README.md); the reader names such a page by its file.
        return None
