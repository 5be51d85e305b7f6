"""Removes trailing runs of hashtags and social-media labels, inside a paragraph or as lines of their own."""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..base import BaseCleaner, Context
from ..model import Mark, Page

_HASHTAG = re.compile(r"(?<![\w&])#\w[\w-]*")
SOCIAL = (
    r"facebook|twitter|x|instagram|youtube|tiktok|linkedin|pinterest|reddit|whatsapp|telegram|snapchat|threads|"
    r"mastodon|bluesky|homepage|website|email|e-mail|rss|line|kakao(?:talk)?|weibo|wechat|vk|naver|flipboard"
)
# What may follow the first hashtag in a tail: more hashtags, social labels, emoji, URLs, @handles, dates, times.
_TAIL_TOKEN = re.compile(
    rf"""\s*(?:
        \#\w[\w-]*|@\w+|https?://\S+|www\.\S+|(?:{SOCIAL})\b\s*:?|
        \d{{1,4}}[-./]\d{{1,2}}[-./]\d{{1,4}},?|\d{{1,2}}:\d{{2}}(?::\d{{2}})?|\([A-Z]{{2,5}}\)|
        [\U0001F300-\U0001FAFF\u2600-\u27BF\uFE0F|:·•,;.!-]+
    )""",
    re.IGNORECASE | re.VERBOSE,
)


def tail_start(text: str) -> int | None:
    """Where a trailing hashtag/social run begins in ``text``, if it has at least two hashtags."""
    for m in _HASHTAG.finditer(text):
        pos = m.start()
        end = pos
        count = 0
        while end < len(text):
            t = _TAIL_TOKEN.match(text, end)
            if not t or t.end() == end:
                break
            if t.group().strip().startswith("#"):
                count += 1
            end = t.end()
        if text[end:].strip() == "" and count >= 2:
            return pos
    return None


class SocialTails(BaseCleaner):
    name = "social_tails"
    description = "Removes trailing runs of hashtags and social-media labels."
    order = 700

    def annotate(self, page: Page, context: Context) -> Iterable[Mark]:
        for block in context.remaining():
            if "#" not in block.text:
                continue
            start = tail_start(block.text)
            if start is None:
                continue
            n = len(_HASHTAG.findall(block.text[start:]))
            reason = f"hashtags and social links ({n} hashtags)"
            if block.text[:start].strip():
                yield Mark(block.start + start, block.end, reason)
            else:
                yield Mark.block(block, reason)
