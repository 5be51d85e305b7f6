"""Stepping through pages redraws only what changed, and what it draws is what a full redraw would draw.

The reader keeps drawn list rows and reading-pane lines, skips layouts and scrollbar redraws that
change nothing; these tests hold it to the screen a from-scratch redraw gives (so nothing is left
stale) and count, with Textual's own hooks, what a key makes it redo.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rich.style import Style
from textual.screen import Screen
from textual.scroll_view import ScrollView
from textual.widget import Widget

from newsread.tui.app import NewsreadApp
from newsread.tui.widgets import PageList

from .conftest import make_app, settle

pytestmark = pytest.mark.functional


def _pages(root: Path, count: int, long_every: int = 0) -> Path:
    """``count`` short pages (every ``long_every``-th one longer than the screen)."""
    root.mkdir()
    for n in range(count):
        lines = [f"Story {n} t{n}a t{n}b t{n}c t{n}d", "Date: 2024-03-01"]
        size = 80 if long_every and n % long_every == 0 else 3
        # Words of their own, so no two pages are versions of one story (that would add rows later).
        words = [" ".join(f"w{n}n{i}i{j}" for j in range(9)) for i in range(size)]
        lines += [f"{text}." for text in words]
        (root / f"page{n:04d}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def _cells(app: NewsreadApp) -> list[list[tuple[str, Style | None]]]:
    """The screen as the app last drew it: each cell's character and style."""
    screen: list[list[tuple[str, Style | None]]] = []
    for strip in app.screen._compositor.render_strips():
        screen.append([(ch, seg.style) for seg in strip for ch in seg.text])
    return screen


def _redraw_everything(app: NewsreadApp) -> None:
    """Forget every drawn line, the widgets' own and Textual's, scrollbars included."""
    widgets: list[Widget] = list(app.screen.walk_children(with_self=True))
    for widget in list(widgets):
        if isinstance(widget, ScrollView):
            widgets += [widget.vertical_scrollbar, widget.horizontal_scrollbar]
    for widget in widgets:
        widget.notify_style_update()
        widget.refresh()
        widget._styles_cache.clear()


async def test_stepping_through_a_long_list_leaves_the_screen_as_a_full_redraw_draws_it(tmp_path: Path) -> None:
    folder = _pages(tmp_path / "pages", 150, long_every=3)  # the reader's scrollbar comes and goes
    app = make_app([folder], read_after=60)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for key in ["j"] * 45 + ["k"] * 3 + ["pagedown", "j", "j", "G", "k"]:
            await pilot.press(key)  # past the bottom of the list: it scrolls a row at a time
            await pilot.pause()
        assert app.page_list.scroll_y > 0 and app.reader.document_view.show_vertical_scrollbar is False
        await pilot.press("k")
        await pilot.pause()
        drawn = _cells(app)
        _redraw_everything(app)
        fresh = _cells(app)
        stale = [y for y, (a, b) in enumerate(zip(drawn, fresh, strict=True)) if a != b]
        assert not stale, [("".join(c for c, _ in drawn[y]), "".join(c for c, _ in fresh[y])) for y in stale[:3]]


async def test_a_page_change_redraws_two_list_rows_and_lays_nothing_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _pages(tmp_path / "pages", 60)  # every page fits the reader: no scrollbar to show or hide
    app = make_app([folder], read_after=60)
    layouts: list[int] = []
    rows: list[int] = []
    refresh_layout = Screen._refresh_layout
    row_text = PageList.row_text

    def counted_layout(self: Screen[Any], *args: Any, **kwargs: Any) -> None:
        layouts.append(1)
        refresh_layout(self, *args, **kwargs)

    def counted_row(self: PageList, *args: Any, **kwargs: Any) -> Any:
        rows.append(1)
        return row_text(self, *args, **kwargs)

    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        monkeypatch.setattr(Screen, "_refresh_layout", counted_layout)
        monkeypatch.setattr(PageList, "row_text", counted_row)
        for key in ["j"] * 8 + ["k"] * 2:
            before = app.current
            await pilot.press(key)
            await pilot.pause()
            assert app.current != before and app.reader.cleaned is not None
            assert app.reader.cleaned.page.id == app.library.sources[app.current].id
        # Each key draws the row the cursor left and the row it reached; the screen is not laid out again.
        assert len(rows) <= 2 * 10
        assert layouts == []


async def test_the_next_page_built_ahead_is_shown_exactly_as_one_built_on_the_spot(tmp_path: Path) -> None:
    from newsread.tui.widgets.document_view import wrap_document
    from newsread.tui.widgets.reading_pane import build_document

    folder = _pages(tmp_path / "pages", 12, long_every=2)
    app = make_app([folder], read_after=60)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        for view in ("clean", "diff", "original"):
            await pilot.press({"clean": "1", "diff": "3", "original": "2"}[view])
            for _ in range(3):
                await app.workers.wait_for_complete()  # the next page is built ahead
                await pilot.pause()
                ahead = app.reader._ahead
                await pilot.press("j")
                await pilot.pause()
                reader, shown = app.reader, app.reader.document_view
                assert ahead is not None and ahead.cleaned is reader.cleaned  # it was used
                fresh = build_document(reader.cleaned, view, reader.showing_side_by_side, reader.styles_for_documents())
                assert [(r.left, r.right) for r in shown.document.rows] == [(r.left, r.right) for r in fresh.rows]
                assert shown.lines == wrap_document(fresh, shown.text_width).lines


async def test_a_page_cleaned_on_demand_says_cleaning_only_if_it_is_slow_to_come(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    from newsread.tui import app as app_module

    folder = _pages(tmp_path / "pages", 6)
    app = make_app([folder], read_after=60)
    library = app.library
    messages: list[str | None] = []

    release = threading.Event()
    real_clean = library.clean

    def slow_clean(index: int, **kwargs: Any) -> Any:
        release.wait(10)
        return real_clean(index, **kwargs)

    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        show = app.reader.show

        def recorded(cleaned: Any, **kwargs: Any) -> None:
            messages.append(kwargs.get("message"))
            show(cleaned, **kwargs)

        monkeypatch.setattr(app.reader, "show", recorded)
        monkeypatch.setattr(library, "prefetch", lambda *a, **k: None)
        # Fast enough (within the delay): the page comes without a note drawn first.
        monkeypatch.setattr(app_module, "CLEANING_NOTE_AFTER", 30.0)
        library._cache.clear()
        await pilot.press("j")
        await settle(pilot)
        assert app.reader.cleaned is not None and app.reader.cleaned.id == library.sources[1].id
        assert messages == [None]
        # Slow: the note comes after the delay, then the page.
        monkeypatch.setattr(app_module, "CLEANING_NOTE_AFTER", 0.01)
        monkeypatch.setattr(library, "clean", slow_clean)
        library._cache.clear()
        messages.clear()
        await pilot.press("j")
        for _ in range(200):
            await pilot.pause(0.01)
            if messages:
                break
        assert messages and "Cleaning" in str(messages[0]) and app.reader.cleaned is None
        release.set()
        await settle(pilot)
        assert app.reader.cleaned is not None and app.reader.cleaned.id == library.sources[2].id
