"""A large folder in the reader: usable at once, cleaned in worker processes, progress shown, cache reused."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from bench.corpus import build
from newsread.cleaners import Pipeline
from newsread.tui.app import NewsreadApp
from newsread.tui.library import NOT_LEARNED

pytestmark = pytest.mark.functional

PAGES = 1500


async def wait_for(check: object, seconds: float = 30.0) -> None:
    for _ in range(int(seconds / 0.01)):
        if check():  # type: ignore[operator]
            return
        await asyncio.sleep(0.01)
    raise AssertionError("timed out")


async def test_a_large_folder_is_usable_before_it_is_cleaned_and_the_cache_makes_reopening_instant(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "pages"
    build(PAGES, folder, seed=2)
    app = NewsreadApp([str(folder)], Pipeline.default())
    library = app.library
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_for(lambda: app.reader.cleaned is not None)
        # The first page is on screen before the folder is learned (that takes a worker process seconds).
        assert NOT_LEARNED in app.reader.cleaned.notes
        await pilot.press("j", "j")
        await wait_for(lambda: app.reader.cleaned is not None and app.reader.cleaned.id == library.sources[2].id)
        # The person is reading the third page while most of the folder is still being cleaned...
        assert not library.complete

        # ...shown at once, even before the folder's site templates are learned; then again, with them.
        def final() -> bool:
            notes = app.reader.cleaned.notes
            return library.summaries[2].cleaned and not any("still being learned" in n for n in notes)

        await wait_for(final)
        # (Its summary is shown. Its title may be none: this generated headline ends in "said", as a comment's
        # author line does, and the site's name atop the page, once taken for it, is no headline.)
        assert app.reader.cleaned.id == library.sources[2].id and library.summaries[2].words_kept
        app.sync_library()
        assert "cleaning" in app.status.shown.plain and f"/{PAGES:,}" in app.status.shown.plain
        # ...by worker processes, not by the reader's own.
        await wait_for(lambda: library._pool is not None and library.done > 3)
        workers = library._pool.pids()  # type: ignore[union-attr]
        assert workers and os.getpid() not in workers
        for pid in workers:
            os.kill(pid, 0)  # alive
        await wait_for(lambda: library.complete, 120)
        app.sync_library()
        assert f"{PAGES:,} pages" in app.status.shown.plain
    reopened = NewsreadApp([str(folder)], Pipeline.default())
    async with reopened.run_test(size=(120, 30)):
        await wait_for(lambda: reopened.library.complete, 10)
        assert reopened.library.from_cache == PAGES
