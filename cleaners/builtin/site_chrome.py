"""Removes breadcrumbs, navigation, share/follow lines, reaction and comment widgets, prompts and footers."""

from __future__ import annotations

from collections.abc import Iterable

from ..base import BaseCleaner, Context
from ..model import Mark, Page


class SiteChrome(BaseCleaner):
    name = "site_chrome"
    description = (
        "Removes breadcrumbs, navigation, share/follow lines, reaction and comment widgets, prompts and footers."
    )
    order = 500

    def annotate(self, page: Page, context: Context) -> Iterable[Mark]:
        return ()
