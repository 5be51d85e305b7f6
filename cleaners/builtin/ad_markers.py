"""Removes advertisement markers: lines that only say an ad is (or was) here, in several languages."""

from __future__ import annotations

import re
from collections.abc import Iterable
from operator import attrgetter

from ..base import BaseCleaner, Context
from ..model import Mark, Page
from ._lines import SHARED_GATES, lowered, page_lines
from ._phrases import line_gate

_AD_LINE = re.compile(
    r"""^[\W_]*(?:
        advertisements?|advertising|advert|ads?|sponsored(?:\s+(?:content|links?|stories|post))?|paid\s+(?:content|post)|
        promoted(?:\s+(?:content|stories))?|partner\s+content|
        (?:the\s+)?(?:story|article|content)\s+continues\s+(?:below|after)(?:\s+(?:this\s+)?(?:ad|advertisement|advert))?|
        continue\s+reading\s+(?:the\s+main\s+story|below)|
        (?:advertisement\s*[-–—:]?\s*)?scroll\s+(?:down\s+)?to\s+continue(?:\s+(?:reading|with\s+content))?|
        ad\s+feedback|report\s+(?:this\s+)?ad|close\s+ad|skip\s+ad|
        anzeige|werbung|publicidad|publicité|publicite|pubblicità|publicidade|reklama|реклама|advertentie|annons|mainos|
        广告|廣告|広告|광고|スポンサードリンク|スポンサーリンク|赞助|贊助|sponsored\s+links?|anuncio|anúncio
    )[\W_]*$""",
    re.IGNORECASE | re.VERBOSE,
)


class AdMarkers(BaseCleaner):
    name = "ad_markers"
    description = 'Removes advertisement markers ("Advertisement", "Sponsored", "Story continues below ad", …).'
    order = 300

    def annotate(self, page: Page, context: Context) -> Iterable[Mark]:
        lines = page_lines(page)
        blocks, recased = page.blocks, lines.recased
        # Every lower-cased line tested at once (one search over the page's lines joined, shared with other
        # cleaners): usually none matches. Kept: short lines whose lower-casing kept the length (the rare others
        # are tested in their own case with the original pattern), not removed by an earlier cleaner.
        found = [blocks[i] for i in SHARED_GATES.matching(lines, _AD_KEY) if not recased[i]]
        if any(recased):
            found += [b for b in blocks if recased[b.index] and _AD_LINE.match(b.text) is not None]
            found.sort(key=_INDEX)
        return [Mark.block(b, "ad marker") for b in found if len(b.text) <= 80 and not context.is_removed(b)]


_AD_LOW = line_gate(lowered(_AD_LINE))  # for lower-cased lines (see ``line_gate``)
_AD_KEY = SHARED_GATES.add(_AD_LOW)  # searched for with the other cleaners' gates (see ``SharedGates``)
_INDEX = attrgetter("index")
