"""The reader driven through Pilot: navigation, views, removals, cleaner toggling, search, help, safety."""

from __future__ import annotations

import html
import re
import threading
from pathlib import Path
from typing import Any

import pytest

from newsread.cleaners import CleanedPage, load_page
from newsread.tui.app import NewsreadApp
from newsread.tui.widgets import CleanersPanel, HelpScreen, RemovalDetails, SearchBar

from .conftest import BRIDGE, lines_of, make_app, settle, text_of

pytestmark = pytest.mark.functional


def reader_text(app: NewsreadApp) -> str:
    return text_of(app.reader.document_view)


def all_rows(app: NewsreadApp) -> str:
    """Every row of the current document (not just what fits on screen)."""
    doc = app.reader.document
    return "\n".join(row.left.plain + (" | " + row.right.plain if row.right is not None else "") for row in doc.rows)


async def test_list_shows_every_page_and_moves_with_vim_keys(folder: Path) -> None:
    app = make_app([folder])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        listed = text_of(app.page_list)
        # Titles where a cleaner found one, file names otherwise; the unreadable file is flagged.
        assert "Harbour bri" in listed
        assert "e_binary.txt" in listed
        assert "!" in lines_of(app.page_list)[4][:3]
        assert "›" in lines_of(app.page_list)[0][:2]
        assert "Harbour bridge reopens" in reader_text(app)

        await pilot.press("j")
        assert app.page_list.cursor == 1 and app.current == 1
        await settle(pilot)
        assert "escape" in reader_text(app)
        await pilot.press("G")
        await settle(pilot)
        assert app.current == 4
        assert "could not be read" in reader_text(app)
        await pilot.press("k", "k")
        await settle(pilot)
        assert app.current == 2 and "서울" in reader_text(app)
        await pilot.press("g")
        assert app.current == 0
        await pilot.press("J", "J")
        assert app.current == 2
        await pilot.press("K")
        assert app.current == 1


async def test_enter_opens_the_page_full_width_at_80_columns_and_escape_returns(folder: Path) -> None:
    app = make_app([folder])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        width_beside = app.reader.size.width
        await pilot.press("enter")
        await pilot.pause()
        assert not app.page_list.display
        assert app.reader.document_view.has_focus
        assert app.reader.size.width > width_beside
        await pilot.press("escape")
        await pilot.pause()
        assert app.page_list.display and app.page_list.has_focus


async def test_space_and_b_page_the_reader(folder: Path) -> None:
    app = make_app([folder])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("G", "k")  # the long page
        await settle(pilot)
        view = app.reader.document_view
        assert view.scroll_y == 0
        await pilot.press("space")
        await pilot.pause()
        assert view.scroll_y > 10
        first = view.scroll_y
        await pilot.press("space", "b")
        await pilot.pause()
        assert view.scroll_y == first


async def test_three_views_show_clean_original_and_labelled_diff(folder: Path) -> None:
    app = make_app([folder])
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        clean = all_rows(app)
        assert "The harbour bridge reopened" in clean
        assert "Advertisement" not in clean and "Another story" not in clean
        assert "(AP)" not in clean  # a partial removal leaves the rest of its line
        assert "2024-03-01" in clean  # the meta line

        await pilot.press("2")
        original = all_rows(app)
        assert "Advertisement" in original and "(AP)" in original and "Date: 2024-03-01" in original
        assert "1 clean" in str(app.reader.border_title) and app.reader.view == "original"

        await pilot.press("3")
        assert app.reader.document.split
        side = all_rows(app)
        assert "‹short_lines: short line (1 word)›" in side
        assert "‹agency_tags: agency tag›" in side
        assert "‹list_items: list item›" in side
        assert "- Advertisement" in side  # whole-line removal marker
        assert "~ PORTVILLE (AP)" in side  # partial-line removal marker
        screen = reader_text(app)
        assert "│" in screen and "‹short_lines" in screen

        await pilot.press("d")  # d again: inline
        assert not app.reader.document.split
        inline = all_rows(app)
        assert "- Advertisement  ‹short_lines: short line (1 word)›" in inline
        await pilot.press("s")
        assert app.reader.document.split
        await pilot.press("c")
        assert app.reader.view == "clean"
        await pilot.press("o")
        assert app.reader.view == "original"


async def test_side_by_side_falls_back_to_inline_when_too_narrow(folder: Path) -> None:
    app = make_app([folder])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("3")
        assert not app.reader.document.split  # the pane beside the list is too narrow for two columns
        assert "inline" in str(app.reader.border_title)
        await pilot.press("f")  # hide the list: now there is room
        await pilot.pause()
        assert app.reader.document.split
        assert "side by side" in str(app.reader.border_title)


async def test_removals_are_stepped_through_and_explained(folder: Path) -> None:
    app = make_app([folder])
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        groups = app.reader.groups
        # headline, dateline, Advertisement, (AP), three list items as one group, "Share this"
        assert [g.cleaner for g in groups] == [
            "headline",
            "dateline",
            "short_lines",
            "agency_tags",
            "list_items",
            "short_lines",
        ]
        await pilot.press("right_square_bracket")
        assert app.reader.view == "diff"
        assert app.reader.current_group == groups[0]
        await pilot.press("right_square_bracket", "right_square_bracket", "right_square_bracket")
        assert app.reader.current_group == groups[3]
        assert "removal 4/6 agency_tags" in str(app.reader.border_subtitle)
        await pilot.press("left_square_bracket")
        assert app.reader.current_group == groups[2]

        await pilot.press("w")
        await pilot.pause()
        details = app.screen
        assert isinstance(details, RemovalDetails)
        facts = details.details()
        from rich.console import Console

        console = Console(width=100, record=True)
        console.print(facts)
        console.print(details.removed_text())
        shown = console.export_text()
        assert "short_lines" in shown and "short line (1 word)" in shown
        assert "removes lines of fewer than three words" in shown
        assert "Advertisement" in shown
        await pilot.press("escape")
        assert not isinstance(app.screen, RemovalDetails)


async def test_switching_a_cleaner_off_from_why_recleans_the_page(folder: Path) -> None:
    app = make_app([folder])
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert "Advertisement" not in all_rows(app)
        await pilot.press("right_square_bracket", "right_square_bracket", "right_square_bracket", "w")
        await pilot.pause()
        assert isinstance(app.screen, RemovalDetails)
        await pilot.press("t")
        await settle(pilot)
        stage = next(s for s in app.library.pipeline.stages if s.name == "short_lines")
        assert not stage.enabled
        await pilot.press("1")
        clean = all_rows(app)
        assert "Advertisement" in clean and "Share this" in clean
        assert "Another story" not in clean  # the other cleaners still run


def dialog_text(app: NewsreadApp) -> str:
    """What the "why was this removed?" dialog on screen says, as drawn (from a screenshot)."""
    drawn = re.findall(r"<text[^>]*>([^<]*)</text>", app.export_screenshot())
    return html.unescape("".join(drawn)).replace("\xa0", " ")


async def test_brackets_in_why_walk_the_removals_without_closing_it(folder: Path) -> None:
    """Walking a page's removals asking why took Esc, ], w for each one: ] and [ in the dialog did nothing."""
    app = make_app([folder])
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        groups = app.reader.groups
        await pilot.press("right_square_bracket", "w")
        await pilot.pause()
        assert isinstance(app.screen, RemovalDetails)
        assert "removal 1 of 6" in dialog_text(app) and "headline" in dialog_text(app)
        assert "[ ]: previous/next" in dialog_text(app)
        await pilot.press("right_square_bracket", "right_square_bracket")  # on to the "Advertisement" line
        await pilot.pause()
        assert isinstance(app.screen, RemovalDetails)  # still open, and telling of the third removal
        shown = dialog_text(app)
        assert "removal 3 of 6" in shown and "short line (1 word)" in shown and "Advertisement" in shown
        assert app.reader.current_group == groups[2]  # the diff behind followed
        assert "removal 3/6 short_lines" in app.reader.position_line
        await pilot.press("left_square_bracket")
        await pilot.pause()
        assert "removal 2 of 6" in dialog_text(app) and "dateline" in dialog_text(app)
        await pilot.press("right_square_bracket", "t")  # t switches off the cleaner of the removal now shown
        await settle(pilot)
        stages = {s.name: s.enabled for s in app.library.pipeline.stages}
        assert stages["short_lines"] is False and stages["dateline"] is True


async def test_a_run_of_lines_removed_for_one_kind_of_reason_is_one_step(tmp_path: Path) -> None:
    """On text dumps each header line had its own reason (``line model 94% sure`` …, 95% …): ] stopped on every
    line, 203 stops on one page. Lines removed in a row by one cleaner for one kind of reason are one step now."""
    root = tmp_path / "pages"
    root.mkdir()
    (root / "a.txt").write_text(
        "A headline about the harbour bridge today\nAdvertisement\nShare this\nFollow us\n"
        "The body of the article is long enough to stay where it is.\nAnother line of the article body stays.\n"
    )
    app = make_app([root])
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert [g.cleaner for g in app.reader.groups] == ["headline", "short_lines"]
        await pilot.press("right_square_bracket", "right_square_bracket")
        assert "removal 2/2 short_lines" in app.reader.position_line
        await pilot.press("w")
        await pilot.pause()
        shown = dialog_text(app)
        assert re.search(r"Because\s+short line\s", shown) and re.search(r"In detail\s+\(1 word\)", shown)
        assert "(2 words)" in shown and "lines 2–4 of the original · 3 spans, 5 words" in shown


async def test_why_on_a_page_with_no_removal_does_not_send_the_reader_looking(tmp_path: Path) -> None:
    """w on a page nothing was removed from said "] goes to the next one", and ] then said there was none."""
    root = tmp_path / "pages"
    root.mkdir()
    (root / "a.txt").write_text("one two three\n")
    app = make_app([root])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.reader.groups == []
        await pilot.press("w")
        await pilot.pause()
        assert "nothing was removed" in app.status.shown.plain and "]" not in app.status.shown.plain


async def test_the_cleaners_panel_closes_on_q_and_knows_g_and_G_as_the_list_does(folder: Path) -> None:
    """q closed the help, the why dialog and the versions, but in the cleaners panel it quit the reader; g and G
    did nothing there."""
    app = make_app([folder])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for opened in ("question_mark", "w", "C"):
            await pilot.press(opened)
            await pilot.pause()
            await pilot.press("q")
            await pilot.pause()
            assert app.is_running and app.screen is app.screen_stack[0]
            assert not app.cleaners_panel.display and app.page_list.has_focus
        await pilot.press("C", "G")  # g and G go to the first / last cleaner there, as in the list
        await pilot.pause()
        options = app.cleaners_panel.options
        assert options.highlighted == options.option_count - 1
        await pilot.press("g")
        assert options.highlighted == 0
        await pilot.press("escape")
        await pilot.press("q")  # from the list, q quits
        await pilot.pause()
        assert not app.is_running


async def test_cleaners_panel_lists_counts_and_toggles_live(folder: Path) -> None:
    app = make_app([folder])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("C")
        await pilot.pause()
        panel = app.query_one(CleanersPanel)
        assert panel.display and panel.options.has_focus
        rows = [str(panel.options.get_option_at_index(i).prompt) for i in range(panel.options.option_count)]
        assert [r.split()[1] for r in rows] == ["headline", "dateline", "short_lines", "list_items", "agency_tags"]
        list_row = rows[3]
        # list_items removed the words of the three list lines, from this page and the folder (no other has lists).
        words = str(sum(len(re.findall(r"\w+", line)) for line in BRIDGE.splitlines() if line.startswith("- ")))
        assert list_row.startswith("[x] list_items") and list_row.split()[-2:] == [words, words]

        await pilot.press("j", "j", "j", "space")  # list_items off
        await settle(pilot)
        await pilot.pause()
        assert "Another story about bridges" in all_rows(app)
        rows = [str(panel.options.get_option_at_index(i).prompt) for i in range(panel.options.option_count)]
        assert rows[3].startswith("[ ] list_items") and rows[3].split()[-2:] == ["0", "0"]

        await pilot.press("enter")  # and on again
        await settle(pilot)
        assert "Another story about bridges" not in all_rows(app)
        await pilot.press("escape")
        await pilot.pause()
        assert not panel.display


async def test_search_highlights_moves_between_matches_and_clears(folder: Path) -> None:
    app = make_app([folder])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("G", "k")
        await settle(pilot)
        await pilot.press("2", "slash")
        assert app.query_one(SearchBar).display
        await pilot.press(*"needle")
        await pilot.press("enter")
        await pilot.pause()
        view = app.reader.document_view
        assert len(view.matches) == 1
        assert "needle" in reader_text(app)  # scrolled to the match, far down the page
        assert "match 1/1" in str(app.reader.border_subtitle)

        await pilot.press("slash", *"bridges", "enter")
        await pilot.pause()
        count = len(view.matches)
        assert count > 200
        start = view.match_index
        await pilot.press("n", "n")
        assert view.match_index == (start + 2) % count
        await pilot.press("p")
        assert view.match_index == (start + 1) % count
        await pilot.press("escape")
        assert view.matches == [] and view.search_text == ""

        await pilot.press("slash", *"no such words")
        await pilot.pause()
        assert "no match" in str(app.reader.border_subtitle)
        await pilot.press("escape")
        assert not app.query_one(SearchBar).display


async def test_help_lists_every_binding_and_closes(folder: Path) -> None:
    app = make_app([folder])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        described = [does for _, rows in app.screen.sections for _, does in rows]
        for binding in app.BINDINGS:
            assert binding.description in described  # type: ignore[union-attr]
        keys = {key for _, rows in app.screen.sections for keys, _ in rows for key in keys.split(", ")}
        for key in ("j", "k", "g", "G", "space", "b", "Enter", "/", "n", "p", "?", "q", "[", "]", "Esc", "C"):
            assert key in keys
        await pilot.press("q")  # q closes the help, as in less
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)
        assert app.is_running
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running


async def test_command_palette_offers_every_action(folder: Path) -> None:
    app = make_app([folder])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for binding in app.BINDINGS:
            if binding.action != "command_palette":  # type: ignore[union-attr]
                assert binding.description in titles  # type: ignore[union-attr]
        await pilot.press("colon")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "CommandPalette"


async def test_control_sequences_in_pages_are_shown_inert(folder: Path) -> None:
    app = make_app([folder])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for view in ("1", "2", "3"):
            await pilot.press("j" if view == "1" else view)
            await settle(pilot)
            drawn = reader_text(app) + text_of(app.page_list)
            assert "\x1b" not in drawn and "\x07" not in drawn
            assert "␛" in drawn
        svg = app.export_screenshot()
        assert "\x1b" not in svg


async def test_large_folder_is_usable_before_it_is_all_cleaned(tmp_path: Path) -> None:
    root = tmp_path / "many"
    root.mkdir()
    for i in range(2000):
        (root / f"{i:05d}.txt").write_text(f"Story number {i} about a bridge\nDate: 2024-01-01\nBody of story {i}.\n")
    app = make_app([root])
    async with app.run_test(size=(120, 30)) as pilot:
        for _ in range(300):
            await pilot.pause(0.01)
            if app.reader.cleaned is not None:
                break
        app.sync_library()
        await pilot.pause()
        assert len(app.library) == 2000
        assert "Story number 0 about a bri" in text_of(app.page_list)
        await pilot.press("G")
        await settle(pilot)
        assert app.current == 1999
        assert "Story number 1999" in text_of(app.page_list)
        assert app.status.library.complete
        # Big numbers as people write them, in the status line and the list's title alike.
        assert "2,000 pages" in app.status.shown.plain and "Pages 2,000" in str(app.page_list.border_title)


async def test_empty_folder_says_so(tmp_path: Path) -> None:
    app = make_app([tmp_path])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "No pages here" in text_of(app.page_list)
        assert "No pages here" in reader_text(app)
        await pilot.press("j", "3", "right_square_bracket", "w", "slash", "x", "escape")
        assert app.is_running


async def test_a_page_of_many_thousand_lines_is_laid_out_in_the_background(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from newsread.tui.widgets import reading_pane

    lines = [f"Line {i} of a very long listing." for i in range(12_000)]
    lines[9_000] = "- a list item the cleaners remove, far down the page"
    (tmp_path / "huge.txt").write_text("\n".join(lines) + "\n")
    (tmp_path / "small.txt").write_text(BRIDGE)
    # Hold the background build until the test lets it go, to see the reader answer keys meanwhile.
    release = threading.Event()
    build = reading_pane.build_document

    def slow_build(cleaned: CleanedPage, *args: Any) -> Any:
        if len(cleaned.page.blocks) > reading_pane.BACKGROUND_BLOCKS:
            release.wait(30)
        return build(cleaned, *args)

    app = make_app([tmp_path])
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert "Line 0 of a very long listing" in reader_text(app)
        monkeypatch.setattr(reading_pane, "build_document", slow_build)
        await pilot.press("3")
        assert "Preparing the diff view of 12,000 blocks" in reader_text(app)
        await pilot.press("j")
        assert app.current == 1
        await pilot.press("k")
        await pilot.pause()
        assert app.current == 0 and "Preparing the diff view" in reader_text(app)
        release.set()
        await settle(pilot)
        assert "‹headline: headline›" in reader_text(app)
        await pilot.press("right_square_bracket", "right_square_bracket")
        await settle(pilot)
        assert "a list item the cleaners remove" in reader_text(app)


async def test_a_page_cleaned_twice_at_once_is_still_shown(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The page asked for and the pages prefetched around it are cleaned in different threads: when both
    # clean the same page, the reader shows whichever result it was given, never "Cleaning …" for good.
    app = make_app([folder])
    library = app.library
    real_clean = library.clean

    def raced(index: int, **kwargs: Any) -> CleanedPage:
        cleaned = real_clean(index, **kwargs)
        other = library.pipeline.clean(load_page(library.sources[index]))
        with library._lock:
            library._cache[index] = other  # the other thread's result, kept meanwhile
        return cleaned

    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        monkeypatch.setattr(library, "clean", raced)
        library._cache.clear()
        await pilot.press("j")
        await settle(pilot)
        assert app.reader.cleaned is not None and app.reader.cleaned.id == library.sources[1].id


async def test_full_garbage_collections_wait_for_the_keyboard_to_be_still(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gc

    from newsread.tui import app as app_module
    from newsread.tui import process

    before = gc.get_threshold()
    collected: list[int] = []
    monkeypatch.setattr(process.gc, "collect", lambda generation=2: collected.append(generation) or 0)
    monkeypatch.setattr(process.gc, "get_count", lambda: (0, 0, before[2]))  # a full collection is due
    app = make_app([folder])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        # Python's own schedule would run one every few keys (~30 ms over a big folder): not while reading.
        assert gc.get_threshold()[2] == process.GC_FULL_EVERY
        collected.clear()
        for _ in range(4):  # keys pressed in a row: the collection waits
            await pilot.press("j")
            await pilot.pause(0.1)
        assert collected == []
        await pilot.pause(process.GC_IDLE_SECONDS + 2 * app_module.HOUSEKEEPING_SECONDS)
        assert collected  # the keyboard has been still: done now
    assert gc.get_threshold() == before  # put back for the rest of the process


async def test_a_page_prepared_ahead_arriving_as_the_app_closes_is_dropped(folder: Path) -> None:
    # The prefetch worker hands the next page's built view to the reader; when the reader quits meanwhile its
    # widgets are gone, and that hand-over must not end the session with a traceback.
    from newsread.tui.widgets.reading_pane import build_ahead

    app = make_app([folder])
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        cleaned = app.library.clean(1)
        built = build_ahead(cleaned, app.reader.ahead_order())
        assert built is not None
    app._take_ahead(built)  # the screen is gone: nothing to give it to


async def test_collections_held_for_the_start_resume_once_the_folder_is_shown(folder: Path) -> None:
    import gc

    from newsread.tui import process

    app = make_app([folder])
    process.hold_collections()  # as `newsread PATH` starts
    try:
        assert not gc.isenabled()
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            assert app.library.recalled.is_set()
            assert gc.isenabled() and not process.collections_held()  # a long session collects as usual
    finally:
        process.resume_collections()
    assert gc.isenabled()


async def test_switching_a_judge_off_in_the_cleaners_panel_shows_what_it_changed(tmp_path: Path) -> None:
    from newsread.cleaners import Pipeline
    from newsread.cleaners.cache import pipeline_key, stage_fingerprints

    from ..unit.test_html import PAGE

    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "story.html").write_text(PAGE, encoding="utf-8")
    app = make_app([folder], Pipeline.default())
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("C")
        await pilot.pause()
        panel = app.query_one(CleanersPanel)

        def rows() -> list[str]:
            return [str(panel.options.get_option_at_index(i).prompt) for i in range(panel.options.option_count)]

        at = next(i for i, row in enumerate(rows()) if row.split()[1] == "main_content")
        # Each judge of main_content on a line of its own under it, on.
        assert [r.split()[-1] for r in rows()[at + 1 : at + 4]] == ["readability", "trafilatura", "model"]
        assert all("[x]" in r for r in rows()[at + 1 : at + 4])
        reasons = {a.reason for a in app.reader.cleaned.removals if a.cleaner == "main_content"}
        assert reasons == {"outside the main content (readability and trafilatura agree)"}
        key = pipeline_key(stage_fingerprints(app.library.pipeline))

        await pilot.press(*["j"] * (at + 2), "space")  # trafilatura off
        await settle(pilot)
        await pilot.pause()
        assert "[ ] trafilatura" in rows()[at + 2] and "[x] main_content" in rows()[at]
        assert "main_content: trafilatura off" in app.status.shown.plain
        assert pipeline_key(stage_fingerprints(app.library.pipeline)) != key  # cleaned again, not from the cache
        without = [a.reason for a in app.reader.cleaned.removals if a.cleaner == "main_content"]
        assert not any("trafilatura" in r for r in without)
        # The diff says who decided: readability alone, and the page's structure against it.
        await pilot.press("d")
        diff = all_rows(app)
        assert "‹main_content: outside the main content (readability)›" in diff
        assert "though readability kept it" in diff

        assert panel.display and panel.options.has_focus  # (d showed the diff; the panel kept the keys)
        await pilot.press("j", "space")  # the learned model off too: what readability keeps stays
        await settle(pilot)
        await pilot.pause()
        assert "[ ] model" in rows()[at + 3]
        alone = [a.reason for a in app.reader.cleaned.removals if a.cleaner == "main_content"]
        assert set(alone) == {"outside the main content (readability)"} and len(alone) < len(without)
        await pilot.press("k", "space", "j", "space")  # both on again: as it was
        await settle(pilot)
        assert pipeline_key(stage_fingerprints(app.library.pipeline)) == key
        again = {a.reason for a in app.reader.cleaned.removals if a.cleaner == "main_content"}
        assert again == reasons


async def test_the_diff_stays_on_its_removal_when_a_cleaner_or_the_layout_is_switched(tmp_path: Path) -> None:
    root = tmp_path / "pages"
    root.mkdir()
    lines = ["A long page about the harbour and the many bridges across it"]
    for i in range(80):
        lines.append(f"Paragraph {i} tells of bridge number {i} and the boats that pass under it.")
        if i % 6 == 0:
            lines.append(f"- Another story number {i} about ferries")
        if i % 4 == 1:
            lines.append("Share")
    (root / "long.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    app = make_app([root])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("3", *["right_square_bracket"] * 20)
        reader = app.reader
        while reader.current_group is not None and reader.current_group.cleaner != "list_items":
            await pilot.press("right_square_bracket")
        looked_at = reader.current_group
        assert looked_at is not None and reader.group_index > 10
        text = app.reader.cleaned.page.text[app.reader.cleaned.removals[looked_at.removals[0]].start :][:30]

        def on_screen() -> str:
            return text_of(reader.document_view)

        assert text[:20] in on_screen()
        app.toggle_cleaner("short_lines")  # as the cleaners panel does: the page is cleaned again
        await settle(pilot)
        group = reader.current_group
        assert group is not None and group.cleaner == "list_items"
        assert reader.cleaned.page.text[reader.cleaned.removals[group.removals[0]].start :][:30] == text
        assert f"removal {reader.group_index + 1}/{len(reader.groups)} list_items" in reader.position_line
        assert text[:20] in on_screen()
        await pilot.press("s")  # the other layout: still on it, and on screen
        await pilot.pause()
        assert reader.current_group == group and text[:20] in on_screen()
        app.toggle_cleaner("list_items")  # its own cleaner off: the removal is gone, the place stays
        await settle(pilot)
        assert reader.current_group is None
        assert text[:20] in on_screen()


async def test_next_and_previous_page_say_so_at_the_ends_of_the_list(folder: Path) -> None:
    app = make_app([folder])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter", "K")  # reading full width: the list, and its top, out of sight
        assert app.current == 0 and "this is the first page" in app.status.shown.plain
        await pilot.press("escape", "G", "enter", "J")  # the last page, read, then J
        await settle(pilot)
        assert app.current == 4 and "this is the last page" in app.status.shown.plain
        await pilot.press("K")
        assert app.current == 3 and "this is the" not in app.status.shown.plain


async def test_the_diffs_bottom_border_keeps_the_place_in_the_page_at_80_columns(folder: Path) -> None:
    app = make_app([folder])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("3", "right_square_bracket", "right_square_bracket")
        reader = app.reader
        group = reader.current_group
        assert group is not None
        assert f"removal 2/{len(reader.groups)} {group.cleaner}" in reader.position_line  # room for it all
        await pilot.press("slash", "t", "h", "e", "enter")  # a search: more to say than the border holds
        await pilot.pause()
        line = reader.position_line
        room = reader.size.width - 6
        assert len(line) <= room, line
        assert "match " in line and f"removal 2/{len(reader.groups)}" in line
        assert line.endswith(reader.document_view.position)  # how far down the page: never the part cut


async def test_keys_typed_right_after_a_prompt_key_go_into_the_prompt(folder: Path) -> None:
    """Over ssh "/bridge" can arrive in one read: the letters went to the list and ran as keys there (b paged,
    r marked read, d opened the diff) because the search took the focus only after them."""
    from textual import events

    def type_ahead(keys: str) -> None:
        names = {"/": "slash", ":": "colon", " ": "space"}
        for char in keys:  # all queued before the first is handled, as from one read of the terminal
            app.post_message(events.Key(names.get(char, char), char))

    app = make_app([folder])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        type_ahead("/bridge")
        await pilot.pause()
        search = app.query_one(SearchBar)
        assert search.display and search.input.value == "bridge"
        assert app.reader.view == "clean" and not app.prompt.display  # no d (diff) nor t (tags) ran
        type_ahead("/x")  # and in the search, "/" is a character like any other
        await pilot.pause()
        assert search.input.value == "bridge/x"
        await pilot.press("escape")
        type_ahead("Fis:kept")
        await pilot.pause()
        assert app.prompt.display and app.prompt.input.value == "is:kept"
        await pilot.press("escape")
        await pilot.press("3", "right_square_bracket", "w")  # in the "why" dialog, t is its own key again
        await pilot.pause()
        assert isinstance(app.screen, RemovalDetails)
        type_ahead("t")
        await pilot.pause()
        assert not app.prompt.display and not isinstance(app.screen, RemovalDetails)  # it switched the cleaner
