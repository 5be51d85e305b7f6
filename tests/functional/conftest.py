"""Fixtures for the reader's tests: small fixed cleaners (so these tests and snapshots do not move when the
built-in cleaners change), a small folder of pages, and helpers to read what the app draws."""

from __future__ import annotations

import re
import time
from collections.abc import Iterable
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widget import Widget

from newsread.cleaners import BaseCleaner, CleanerInfo, Context, Mark, Page, Pipeline
from newsread.tui.app import NewsreadApp

from ..conftest import SEEDS

_WORD = re.compile(r"\w+")
_LETTERS = re.compile(r"[^\W\d_]+")


class Headline(BaseCleaner):
    name = "headline"
    description = "takes the shortest of the first three lines of 4+ words as the title"

    def annotate(self, page: Page, context: Context) -> Iterable[Mark]:
        candidates = [b for b in page.blocks[:3] if len(_LETTERS.findall(b.text)) >= 4]
        if candidates:
            best = min(candidates, key=lambda b: len(b.text))
            yield Mark.block(best, "headline", field="title", value=best.text)


class Dateline(BaseCleaner):
    name = "dateline"
    description = "takes the date from a 'Date:' line"
    _DATE = re.compile(r"^Date:\s*(\S+)")

    def annotate(self, page: Page, context: Context) -> Iterable[Mark]:
        for block in context.remaining():
            m = self._DATE.match(block.text)
            if m:
                yield Mark.block(block, "dateline", field="date", value=m.group(1))


class ShortLines(BaseCleaner):
    name = "short_lines"
    description = "removes lines of fewer than three words"

    def annotate(self, page: Page, context: Context) -> Iterable[Mark]:
        for block in context.remaining():
            words = len(_WORD.findall(block.text))
            if words < 3:
                yield Mark.block(block, f"short line ({words} word{'s' if words != 1 else ''})")


class ListItems(BaseCleaner):
    name = "list_items"
    description = "removes lines that start with '- '"

    def annotate(self, page: Page, context: Context) -> Iterable[Mark]:
        for block in context.remaining():
            if block.text.startswith("- "):
                yield Mark.block(block, "list item")


class AgencyTags(BaseCleaner):
    name = "agency_tags"
    description = "removes a news agency tag like '(AP)' inside a line"
    _TAG = re.compile(r"\s*\([A-Z]{2,}\)")

    def annotate(self, page: Page, context: Context) -> Iterable[Mark]:
        for block in context.remaining():
            for m in self._TAG.finditer(block.text):
                yield Mark(block.start + m.start(), block.start + m.end(), "agency tag")


FIXED_CLEANERS = (Headline, Dateline, ShortLines, ListItems, AgencyTags)


def fixed_pipeline() -> Pipeline:
    infos = [CleanerInfo(c.name, c.description, "test", i, True, c) for i, c in enumerate(FIXED_CLEANERS)]
    return Pipeline.from_infos(infos)


BRIDGE = """Harbour bridge reopens after two years of repairs
Date: 2024-03-01
Advertisement
PORTVILLE (AP) — The harbour bridge reopened on Monday after two years of repairs, officials said.
Drivers crossed it before dawn, and the mayor called the day a long time coming for the city.
- Another story about bridges and tunnels
- Yet another story about roads and lanes
- A third story about ferries and boats
Share this
"""

ESCAPES = (
    "Terminal \x1b[31mescape\x1b[0m codes in a headline\n"
    "A body line with a bell \x07 and a title change \x1b]0;pwned\x07 inside it, which must stay inert.\n"
)

KOREAN = (
    "서울 시장이 새 다리를 열었다 오늘\n"
    "서울의 새 다리가 오늘 아침 문을 열었고 많은 시민이 건넜다고 시 관계자가 말했다.\n"
)


@pytest.fixture
def pipeline() -> Pipeline:
    return fixed_pipeline()


@pytest.fixture
def seeds_dir() -> str:
    return str(SEEDS)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Five small pages: an article with every kind of removal, escapes, wide characters, a long page, a bad file."""
    root = tmp_path / "pages"
    root.mkdir()
    (root / "a_bridge.txt").write_text(BRIDGE, encoding="utf-8")
    (root / "b_escapes.txt").write_text(ESCAPES, encoding="utf-8")
    (root / "c_korean.txt").write_text(KOREAN, encoding="utf-8")
    long_lines = [f"Paragraph number {i} of a very long page about rivers and bridges." for i in range(300)]
    long_lines[150] = "Paragraph number 150 mentions the hidden needle that search should find."
    (root / "d_long.txt").write_text("Long page about rivers and their many bridges\n" + "\n".join(long_lines) + "\n")
    (root / "e_binary.txt").write_bytes(b"\x00\x01\x02\xff\xfe\x00\x00binary\x00" * 20)
    return root


def make_app(
    paths: Iterable[str | Path], pipeline: Pipeline | None = None, state: Path | None = None, read_after: float = 0
) -> NewsreadApp:
    """The reader on ``paths``; triage in memory unless ``state``; pages read as soon as shown (no timing in tests)."""
    return NewsreadApp([str(p) for p in paths], pipeline or fixed_pipeline(), state, read_after=read_after)


async def settle(pilot: Pilot[None], timeout: float = 120.0) -> None:
    """Wait until every page is cleaned, the folder's stories are found and the page under the cursor is on
    screen with its other versions. ``timeout`` only bounds a reader that never gets there: on a loaded machine
    (CI, tests in parallel) the folder takes many times as long as alone, and the wait ends as soon as it is."""
    app = pilot.app
    assert isinstance(app, NewsreadApp)
    give_up = time.monotonic() + timeout
    while True:
        await pilot.pause(0.01)
        ready = len(app.library) == 0 or (app.reader.cleaned is not None and not app.reader.preparing)
        stories_found = app.library.clusters_generation == app.library.generation
        if app.library.complete and ready and app.triage.ready and stories_found:
            break
        if time.monotonic() > give_up:
            raise AssertionError("the reader did not finish cleaning the folder")
    app.sync_library()
    await pilot.pause()
    await app.workers.wait_for_complete()  # the open page's other versions (found once stories are known)
    await pilot.pause()


def lines_of(widget: Widget) -> list[str]:
    """What a Line API widget draws, one string per screen line."""
    height = widget.size.height
    return ["".join(seg.text for seg in widget.render_line(y)) for y in range(height)]  # type: ignore[attr-defined]


def text_of(widget: Widget) -> str:
    return "\n".join(line.rstrip() for line in lines_of(widget))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every test in this folder is a functional test (`-m "not functional"` runs the unit tests alone)."""
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.functional)
