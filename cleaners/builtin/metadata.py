"""Takes title, date, site and byline from their lines and marks those lines as metadata."""

from __future__ import annotations

from collections.abc import Iterable

from ..base import BaseCleaner, Context
from ..model import Mark, Page


class MetadataLines(BaseCleaner):
    name = "metadata"
    description = "Takes title, date, site and byline from their lines and marks those lines as metadata."
    order = 100

    def annotate(self, page: Page, context: Context) -> Iterable[Mark]:
        return ()
