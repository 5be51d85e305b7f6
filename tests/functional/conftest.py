from __future__ import annotations

from collections.abc import Iterable

import pytest

from newsread.cleaners import BaseCleaner, CleanerInfo, Context, Mark, Page, Pipeline

from ..conftest import SEEDS


class AdLines(BaseCleaner):
    """A fixed test cleaner, so the app's tests do not move when the built-in cleaners improve."""

    name = "ad_lines"
    description = "removes lines that are exactly 'Advertisement'"

    def annotate(self, page: Page, context: Context) -> Iterable[Mark]:
        for block in context.remaining():
            if block.text == "Advertisement":
                yield Mark.block(block, "ad marker")


class ListItems(BaseCleaner):
    name = "list_items"
    description = "removes lines starting with '- '"

    def annotate(self, page: Page, context: Context) -> Iterable[Mark]:
        for block in context.remaining():
            if block.text.startswith("- "):
                yield Mark.block(block, "list item")


class Hashtags(BaseCleaner):
    name = "hashtags"
    description = "removes everything from the first ' #' of a line"

    def annotate(self, page: Page, context: Context) -> Iterable[Mark]:
        for block in context.remaining():
            at = block.text.find(" #")
            if at > 0:
                yield Mark(block.start + at, block.end, "hashtags")


def fixed_pipeline() -> Pipeline:
    infos = [
        CleanerInfo(c.name, c.description, "test", i, True, c) for i, c in enumerate((AdLines, ListItems, Hashtags))
    ]
    return Pipeline.from_infos(infos)


@pytest.fixture
def pipeline() -> Pipeline:
    return fixed_pipeline()


@pytest.fixture
def seeds_dir() -> str:
    return str(SEEDS)
