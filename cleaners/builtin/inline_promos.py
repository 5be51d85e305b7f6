"""Removes inline promotions for other stories ("MORE: …", "READ MORE: …")."""

from __future__ import annotations

from collections.abc import Iterable

from ..base import BaseCleaner, Context
from ..model import Mark, Page


class InlinePromos(BaseCleaner):
    name = "inline_promos"
    description = 'Removes inline promotions for other stories ("MORE: …", "READ MORE: …").'
    order = 600

    def annotate(self, page: Page, context: Context) -> Iterable[Mark]:
        return ()
