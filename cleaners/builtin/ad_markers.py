"""Removes advertisement markers ("Advertisement", "Sponsored", "Story continues below advertisement", …)."""

from __future__ import annotations

from collections.abc import Iterable

from ..base import BaseCleaner, Context
from ..model import Mark, Page


class AdMarkers(BaseCleaner):
    name = "ad_markers"
    description = (
        'Removes advertisement markers ("Advertisement", "Sponsored", "Story continues below advertisement", …).'
    )
    order = 300

    def annotate(self, page: Page, context: Context) -> Iterable[Mark]:
        return ()
