"""Removes paragraphs that repeat an earlier one, exactly or nearly, and whole articles captured twice."""

from __future__ import annotations

from collections.abc import Iterable

from ..base import BaseCleaner, Context
from ..model import Mark, Page


class DuplicateParagraphs(BaseCleaner):
    name = "duplicate_paragraphs"
    description = "Removes paragraphs that repeat an earlier one, exactly or nearly, and whole articles captured twice."
    order = 200

    def annotate(self, page: Page, context: Context) -> Iterable[Mark]:
        return ()
