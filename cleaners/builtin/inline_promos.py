"""Removes inline promotions for other stories ("MORE: …", "READ MORE: …", "Headline [VIDEO]")."""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..base import BaseCleaner, Context
from ..model import Mark, Page
from ._lines import lowered, page_lines, word_count

_PROMO = re.compile(
    r"""^[\W_]*(?:
        (?:read|see|watch|listen|click)\s+(?:more|also|next|here)|more|also\s+read|read\s+also|must\s+read|
        don'?t\s+miss|related(?:\s+(?:article|story|stories|news|coverage|content|reading))?|recommended|
        see\s+also|also\s+see|also\s+on\s+\w+|trending|editor'?s\s+pick|top\s+stories|plus|
        lesen\s+sie\s+(?:auch|mehr)|mehr\s+zum\s+thema|lire\s+(?:aussi|également)|à\s+lire\s+(?:aussi|également)|
        lee\s+(?:también|más)|leia\s+(?:também|mais)|veja\s+também|leggi\s+anche|читайте\s+также|
        相关(?:阅读|新闻)|関連記事|관련\s*기사
    )\s*[:|»>–—-]\s*(?P<rest>.+)$""",
    re.IGNORECASE | re.VERBOSE,
)
_PROMO_LOW = lowered(_PROMO)
# Every promo label starts with a letter and is followed by one of these separators: a cheap first test.
_LETTER = re.compile(r"[^\W\d_]")
_SEPARATOR = re.compile(r"[:|»>–—-]")
_TAGGED_HEADLINE = re.compile(r"^.{10,200}?\s*\[(?:[A-Z][A-Z ]{2,20})\]\s*\|?$")


class InlinePromos(BaseCleaner):
    name = "inline_promos"
    description = 'Removes inline promotions for other stories ("MORE: …", "READ MORE: …", "Headline [VIDEO]").'
    order = 600

    def annotate(self, page: Page, context: Context) -> Iterable[Mark]:
        low = page_lines(page).low
        for block in context.remaining():
            text = block.text
            letter = _LETTER.search(text)
            if (letter is None or _SEPARATOR.search(text, letter.end()) is None) and not text.rstrip().endswith(
                ("]", "|")
            ):
                continue  # a promo has a label then a separator, a tagged headline a [TAG] at the end
            lo = low[block.index]
            # Lower-cased text keeps offsets (checked), so the label can be cut from the original.
            m = _PROMO_LOW.match(lo) if len(lo) == len(text) else _PROMO.match(text)
            if m and word_count(text[m.start("rest") :]) <= 30:
                label = text[: m.start("rest")].strip(" :|»>–—-")
                yield Mark.block(block, f"promo for another story ({label})")
            elif _TAGGED_HEADLINE.match(text) and word_count(text) <= 30:
                yield Mark.block(block, "promo for another story (tagged headline)")
