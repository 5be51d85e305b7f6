"""Removes advertisement markers: lines that only say an ad is (or was) here, in several languages."""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..base import BaseCleaner, Context
from ..model import Mark, Page
from ._lines import lowered, page_lines

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
        low = page_lines(page).low
        for block in context.remaining():
            text = block.text
            if len(text) > 80:
                continue
            lo = low[block.index]
            if (_AD_LOW.match(lo) if len(lo) == len(text) else _AD_LINE.match(text)) is not None:
                yield Mark.block(block, "ad marker")


_AD_LOW = lowered(_AD_LINE)
