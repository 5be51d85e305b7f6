"""Removes runs of headlines for other stories (Related, Most read, Trending, You may also like …)."""

from __future__ import annotations

from collections.abc import Iterable

from ..base import BaseCleaner, Context
from ..model import Mark, Page


class LinkFarms(BaseCleaner):
    name = "link_farms"
    description = "Removes runs of headlines for other stories (Related, Most read, Trending, You may also like …)."
    order = 400

    def annotate(self, page: Page, context: Context) -> Iterable[Mark]:
        return ()
