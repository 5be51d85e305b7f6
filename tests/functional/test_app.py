"""The reader driven by Textual's Pilot: navigation, views, removals, search, cleaners panel, help."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from newsread.cleaners import Pipeline
from newsread.tui.app import NewsreadApp
from newsread.tui.widgets import CleanersPanel, HelpScreen, PageList, ReadingPane

pytestmark = pytest.mark.functional


async def settle(app: NewsreadApp, pilot: object) -> None:
    """Wait until the background workers are done (exclusive ones may be cancelled on the way)."""
    for _ in range(400):
        await pilot.pause(0.02)  # type: ignore[attr-defined]
        if not any(w.is_running for w in app.workers):
            break
    await pilot.pause()  # type: ignore[attr-defined]


async def test_list_fills_in_and_j_k_move_between_pages(seeds_dir: str, pipeline: Pipeline) -> None:
    app = NewsreadApp([seeds_dir], pipeline)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        pages = app.query_one(PageList)
        assert pages.row_count == 5
        assert app.folder.cleaned_count() == 5
        assert app.sub_title == "5 pages"
        await pilot.press("j", "j")
        await settle(app, pilot)
        assert app.current == 2
        pane = app.query_one(ReadingPane)
        assert pane.cleaned is not None and pane.cleaned.page.id.startswith("002_")
        await pilot.press("k")
        await settle(app, pilot)
        assert pane.cleaned is not None and pane.cleaned.page.id.startswith("001_")
        await pilot.press("G")
        await settle(app, pilot)
        assert app.current == 4
        await pilot.press("g")
        await settle(app, pilot)
        assert app.current == 0


async def test_views_show_clean_original_and_diff(seeds_dir: str, pipeline: Pipeline) -> None:
    app = NewsreadApp([seeds_dir], pipeline)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        pane = app.query_one(ReadingPane)
        clean_text = " ".join(r.plain for r in pane.rows)
        assert "- Intel's stock" not in clean_text  # removed by the test pipeline's list_items cleaner
        await pilot.press("o")
        assert pane.view == "original"
        assert any(r.plain.startswith("- Intel's stock") for r in pane.rows)
        await pilot.press("d")
        assert pane.view == "diff" and not pane.side_by_side
        assert pane.removal_rows, "the diff marks removed lines"
        assert all(pane.rows[i].removal.cleaner == "list_items" for i in pane.removal_rows)
        await pilot.press("d")
        assert pane.side_by_side
        await pilot.press("c")
        assert pane.view == "clean"


async def test_removals_can_be_stepped_through_and_explained(seeds_dir: str, pipeline: Pipeline) -> None:
    app = NewsreadApp([seeds_dir], pipeline)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("j", "j")  # 002: hashtags removed from inside its long line
        await settle(app, pilot)
        pane = app.query_one(ReadingPane)
        await pilot.press("right_square_bracket")
        removal = pane.current_removal
        assert removal is not None and removal.cleaner == "hashtags"
        assert pane.cleaned is not None
        assert pane.cleaned.page.text[removal.start : removal.end].lstrip().startswith("#China")
        await pilot.press("w")
        await pilot.pause()
        assert any("hashtags" in n.message for n in app._notifications)


async def test_search_marks_matches_and_n_p_move(seeds_dir: str, pipeline: Pipeline) -> None:
    app = NewsreadApp([seeds_dir], pipeline)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("slash")
        search = app.query_one("#search", Input)
        assert search.display and search.has_focus
        await pilot.press(*"putin", "enter")
        pane = app.query_one(ReadingPane)
        assert len(pane.matches) >= 3
        assert pane.match_cursor == 0
        await pilot.press("n")
        assert pane.match_cursor == 1
        await pilot.press("p", "p")
        assert pane.match_cursor == len(pane.matches) - 1


async def test_toggling_a_cleaner_cleans_again_and_updates_the_views(seeds_dir: str, pipeline: Pipeline) -> None:
    app = NewsreadApp([seeds_dir], pipeline)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        pane = app.query_one(ReadingPane)
        assert pane.cleaned is not None and "list_items" in pane.cleaned.removed_by()
        await pilot.press("f")
        panel = app.query_one(CleanersPanel)
        assert panel.display and panel.has_focus
        await pilot.press("j", "space")  # list_items is the second cleaner
        await settle(app, pilot)
        assert not next(s for s in app.folder.pipeline.stages if s.name == "list_items").enabled
        assert pane.cleaned is not None and "list_items" not in pane.cleaned.removed_by()
        assert any(r.plain.startswith("- Intel's stock") for r in pane.rows)
        assert app.folder.cleaned_count() == 5


async def test_help_lists_the_keys_and_closes(seeds_dir: str, pipeline: Pipeline) -> None:
    app = NewsreadApp([seeds_dir], pipeline)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_control_sequences_in_pages_are_shown_inert(tmp_path: object, pipeline: Pipeline) -> None:
    from pathlib import Path

    folder = Path(str(tmp_path))
    (folder / "evil\x1b[31m.txt").write_text("Title\x1b]0;pwned\x07\nBody \x1b[2J text \u202eevil\n", encoding="utf-8")
    app = NewsreadApp([str(folder)], pipeline)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("o")
        rendered = "".join(str(r.widget.render()) for r in app.query_one(ReadingPane).rows)
        assert "\x1b" not in rendered and "\u202e" not in rendered
        assert "␛" in rendered


async def test_command_palette_offers_the_reader_actions(seeds_dir: str, pipeline: Pipeline) -> None:
    app = NewsreadApp([seeds_dir], pipeline)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        titles = {c.title for c in app.get_system_commands(app.screen)}
        assert {"Diff view", "Why was this removed?", "Cleaners panel", "Search this page", "Next removal"} <= titles
        diff = next(c for c in app.get_system_commands(app.screen) if c.title == "Diff view")
        diff.callback()
        assert app.query_one(ReadingPane).view == "diff"


@pytest.mark.parametrize(
    "env", [{"NO_COLOR": "1"}, {"TEXTUAL_COLOR_SYSTEM": "standard"}], ids=["no-color", "16-colours"]
)
async def test_works_without_colour_and_in_16_colours(
    seeds_dir: str, pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch, env: dict[str, str]
) -> None:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    app = NewsreadApp([seeds_dir], pipeline)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("d", "right_square_bracket")
        pane = app.query_one(ReadingPane)
        assert pane.current_removal is not None
        # Without colour the diff still shows what was removed: the label text is on screen.
        assert "‹list_items" in str(pane.rows[pane.removal_rows[0]].widget.render())
