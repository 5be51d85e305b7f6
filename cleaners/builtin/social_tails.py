"""Removes trailing runs of hashtags and social-media labels."""

from __future__ import annotations

from collections.abc import Iterable

from ..base import BaseCleaner, Context
from ..model import Mark, Page


class SocialTails(BaseCleaner):
    name = "social_tails"
    description = "Removes trailing runs of hashtags and social-media labels."
    order = 700

    def annotate(self, page: Page, context: Context) -> Iterable[Mark]:
        return ()
