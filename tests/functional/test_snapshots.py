"""Snapshots of the three views on seeds/ at 80x24 and 120x40.

They use the fixed test cleaners of conftest.py, not the built-in ones, so they
change only when the reader's look changes. Update with
``pytest tests/functional/test_snapshots.py --snapshot-update`` and look at the
report before committing.
"""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot

from newsread.tui.app import ZOOM_BELOW

from .conftest import make_app, settle

pytestmark = pytest.mark.functional

KEYS = {"clean": "1", "original": "2", "diff": "3"}


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
@pytest.mark.parametrize("view", list(KEYS))
def test_views(snap_compare: Any, seeds_dir: str, view: str, size: tuple[int, int]) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        if size[0] < ZOOM_BELOW:
            await pilot.press("enter")  # on a small terminal the page is read full width
        await pilot.press(KEYS[view])
        if view == "diff":
            await pilot.press("right_square_bracket", "right_square_bracket")  # a removal in focus
        await pilot.pause()

    assert snap_compare(make_app([seeds_dir]), terminal_size=size, run_before=run_before)


def test_triage_badges_marks_tags_and_counts(snap_compare: Any, seeds_dir: str) -> None:
    """The list after triage at 120x40: kept, starred, discarded, a marked page, a tag, unread dots, counts."""

    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("plus", "j", "asterisk", "j", "minus", "j", "t")
        for key in "later":
            await pilot.press(key)
        await pilot.press("enter", "x")  # tagged, then marked (a triage key on marks clears them)
        await pilot.pause()

    assert snap_compare(make_app([seeds_dir]), terminal_size=(120, 40), run_before=run_before)
