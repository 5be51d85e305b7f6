"""Takes title, date, site and byline from their lines at the top of a page, and marks those lines as metadata."""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..base import BaseCleaner, Context
from ..model import Block, Mark, Page, normalise_space
from ._lines import ends_like_sentence, is_headline_like, is_list_item, is_prose, word_count
from .site_chrome import chrome_reason

MONTHS = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|jun(?:e)?|jul(?:y)?|aug(?:ust)?|sep(?:t(?:ember)?)?|"
    r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|"
    r"novembre|décembre|januar|februar|märz|juni|juli|oktober|dezember|enero|febrero|marzo|abril|mayo|junio|julio|"
    r"agosto|septiembre|octubre|noviembre|diciembre|janeiro|fevereiro|março|maio|junho|julho|setembro|outubro|"
    r"novembro|dezembro"
)
DATE = re.compile(
    rf"""(?:\d{{4}}-\d{{2}}-\d{{2}}(?:[T\s]\d{{1,2}}:\d{{2}}(?::\d{{2}})?)?|
    \d{{1,2}}[./]\d{{1,2}}[./]\d{{2,4}}|
    (?:{MONTHS})\.?\s+\d{{1,2}},?\s+\d{{4}}|
    \d{{1,2}}\.?\s+(?:de\s+)?(?:{MONTHS})\.?,?\s+(?:de\s+)?\d{{4}}|
    \d{{4}}年\d{{1,2}}月\d{{1,2}}日)""",
    re.IGNORECASE | re.VERBOSE,
)
DATE_LABEL = re.compile(
    r"^(?:date|published|posted|updated|last\s+updated|first\s+published|publicado|publié|veröffentlicht|"
    r"aktualisiert|pubblicato|опубликовано|发布时间|日期)(?:\s+on)?\s*[:：]?\s*",
    re.IGNORECASE,
)
BYLINE = re.compile(r"^(?:by|von|par|por|di|автор)\s+(?P<name>[^\W\d_][^|,\n]{1,80}?)\s*(?:[|,·•]|$)", re.IGNORECASE)
TITLE_SEPARATORS = re.compile(r"\s*(?:\||-|–|—|::|»|·)\s*")


def date_value(text: str) -> str | None:
    """The date on a short line that is only a date (with a label, a time, a weekday), else None."""
    if word_count(text) > 14:
        return None
    m = DATE.search(text)
    if not m:
        return None
    rest = DATE_LABEL.sub("", text.replace(m.group(), " "))
    rest = re.sub(
        r"(?i)\b(?:at|um|à|às|a\s+las|updated|published|mon|tue|wed|thu|fri|sat|sun)\w*\b|\d{1,2}:\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?|[|,:.()\-–]",
        " ",
        rest,
    )
    if word_count(rest) > 4:
        return None
    return normalise_space(DATE_LABEL.sub("", text))


class MetadataLines(BaseCleaner):
    name = "metadata"
    description = "Takes title, date, site and byline from their lines at the top and marks those lines as metadata."
    order = 100
    formats = frozenset({"text"})

    def annotate(self, page: Page, context: Context) -> Iterable[Mark]:
        header = self._header(context.remaining())
        title_block = self._title(header)
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
            if not seen_date:
                value = date_value(b.text)
                if value:
                    marks.append(Mark.block(b, "dateline", "date", value))
                    seen_date = True
                    continue
            if not seen_byline and word_count(b.text) <= 14:
                m = BYLINE.match(b.text)
                if m:
                    marks.append(Mark.block(b, "byline", "byline", m.group("name").strip()))
                    seen_byline = True
        return marks

    @staticmethod
    def _header(blocks: list[Block]) -> list[Block]:
        """The lines before the first paragraph of prose (at most 80): where pages put title, byline and date."""
        header = []
        for b in blocks[:80]:
            if is_prose(b.text) and (ends_like_sentence(b.text) or word_count(b.text) >= 35):
                break
            header.append(b)
        return header

    @staticmethod
    def _title(header: list[Block]) -> Block | None:
        """The headline: a headline-like line, preferring one that the page also repeats inside an earlier line."""
        candidates = [
            b
            for b in header
            if not is_list_item(b.text)
            and is_headline_like(b.text)
            and 3 <= word_count(b.text) <= 30
            and chrome_reason(b.text) is None  # a breadcrumb or a share bar is no headline
        ]
        for b in reversed(candidates):
            if any(o.index < b.index and b.text in o.text and o.text != b.text for o in header):
                return b
        # Otherwise a headline among the page's first lines, or the one right above the body.
        if candidates and candidates[0].index <= 2:
            return candidates[0]
        if candidates and candidates[-1].index == header[-1].index:
            return candidates[-1]
        return None
