"""Snapshots of the three views on seeds/ at 80x24 and 120x40 (a fixed test pipeline keeps them stable)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from newsread.tui.app import NewsreadApp

from ..conftest import SEEDS
from .conftest import fixed_pipeline

pytestmark = pytest.mark.functional


async def _settle(pilot: object) -> None:
    app = pilot.app  # type: ignore[attr-defined]
    for _ in range(400):
        await pilot.pause(0.02)  # type: ignore[attr-defined]
        if not any(w.is_running for w in app.workers):
            break


def keys_then_settle(keys: list[str]) -> Callable[[object], Awaitable[None]]:
    async def run_before(pilot: object) -> None:
        await _settle(pilot)
        for key in keys:
            await pilot.press(key)  # type: ignore[attr-defined]
            await _settle(pilot)

    return run_before


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
@pytest.mark.parametrize("keys", [["j"], ["j", "o"], ["j", "d"]], ids=["clean", "original", "diff"])
def test_views(snap_compare: Callable[..., bool], size: tuple[int, int], keys: list[str]) -> None:
    app = NewsreadApp([str(SEEDS)], fixed_pipeline())
    assert snap_compare(app, terminal_size=size, run_before=keys_then_settle(keys))
