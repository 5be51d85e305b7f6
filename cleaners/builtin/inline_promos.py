"""Removes inline promotions for other stories ("MORE: …", "READ MORE: …", "Headline [VIDEO]")."""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..base import BaseCleaner, Context
from ..model import Mark, Page
from ._lines import SHARED_GATES, lines_holding, lowered, page_lines, word_count
from ._phrases import line_gate

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
# Whether a lower-cased line is a promo at all: anchored and factored by first letters (see ``line_gate``),
# most lines fail on their first letter, so it is the first test.
_PROMO_GATE = line_gate(_PROMO_LOW)
_PROMO_KEY = SHARED_GATES.add(_PROMO_GATE)  # searched for with the other cleaners' gates (see ``SharedGates``)
_TAGGED_HEADLINE = re.compile(r"^.{10,200}?\s*\[(?:[A-Z][A-Z ]{2,20})\]\s*\|?$")


class InlinePromos(BaseCleaner):
    name = "inline_promos"
    description = 'Removes inline promotions for other stories ("MORE: …", "READ MORE: …", "Headline [VIDEO]").'
    order = 600

    def annotate(self, page: Page, context: Context) -> Iterable[Mark]:
        lines = page_lines(page)
        low, blocks = lines.low, page.blocks
        # The few lines that may be promos, found for all lines at once over the page's lines joined (shared with
        # other cleaners): a label (the gate), a tag at the end (a line holding "]" or "|", its end checked), or a
        # lower-casing that changed the length (tested with the original pattern below).
        joined, breaks = lines.joined_low()
        labelled = SHARED_GATES.matching(lines, _PROMO_KEY)
        tagged = [i for i in lines_holding(low, joined, breaks, "]|") if blocks[i].text.rstrip().endswith(("]", "|"))]
        recased = [i for i, r in enumerate(lines.recased) if r] if any(lines.recased) else []
        candidates = [blocks[i] for i in sorted({*labelled, *tagged, *recased}) if not context.is_removed(blocks[i])]
        for block in candidates:
            text = block.text
            lo = low[block.index]
            # Lower-cased text keeps offsets (checked), so the label can be cut from the original.
            if len(lo) == len(text):
                m = _PROMO_LOW.match(lo) if _PROMO_GATE.match(lo) else None
            else:
                m = _PROMO.match(text)
            if m and word_count(text[m.start("rest") :]) <= 30:
                label = text[: m.start("rest")].strip(" :|»>–—-")
                yield Mark.block(block, f"promo for another story ({label})")
            elif (
                # A tagged headline ends with its [TAG] (and maybe a bar): the pattern tries every start else.
                text.rstrip().endswith(("]", "|")) and _TAGGED_HEADLINE.match(text) and word_count(text) <= 30
            ):
                yield Mark.block(block, "promo for another story (tagged headline)")
