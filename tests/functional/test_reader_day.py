"""The reader for a day of triage (issue 18): the list drawn right in every theme and size, clicks landing on the
row clicked, notices that clear, the list's width and sort order, provenance, and settings kept between runs."""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterable
from pathlib import Path

import pytest
from rich.color import Color
from rich.segment import Segment
from rich.text import Text

from newsread.cleaners import Pipeline
from newsread.cleaners.session import CLOCK_LAG_NS
from newsread.tui.app import NewsreadApp

from .conftest import FIXED_CLEANERS, lines_of, make_app, settle, text_of

pytestmark = pytest.mark.functional


def segments(app: NewsreadApp, y: int) -> list[Segment]:
    return list(app.page_list.render_line(y))


def bottom_border(app: NewsreadApp) -> str:
    """The screen's line with the reading pane's bottom border, as drawn (from a screenshot): its subtitle."""
    lines: dict[float, list[str]] = {}
    for y, text in re.findall(r'<text[^>]*y="([\d.]+)"[^>]*>([^<]*)</text>', app.export_screenshot()):
        lines.setdefault(float(y), []).append(html.unescape(text).replace("\xa0", " "))
    drawn = ["".join(parts) for _, parts in sorted(lines.items())]
    return next(line for line in reversed(drawn) if line.rstrip().endswith("╯"))


def luminance(color: Color | None) -> float:
    assert color is not None
    r, g, b = color.get_truecolor()
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


async def test_only_marked_rows_are_drawn_marked_and_tags_are_legible(seeds_dir: str) -> None:
    app = make_app([seeds_dir])
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("t", *"later", "enter")  # page 0 tagged
        await pilot.press("j", "x")  # page 1 marked, the cursor moves on to page 2
        await pilot.press("k")  # the cursor on the marked row: its mark still shows
        await pilot.pause()
        lines = lines_of(app.page_list)
        assert lines[1].startswith("›◆")
        assert lines[0][1] == " " and lines[2][1] == " "
        marked_bg = app.page_list._components.get("marked").bgcolor
        assert marked_bg is not None
        # An unmarked row: no cell of it has the marked background (every row had it).
        assert all(s.style is None or s.style.bgcolor != marked_bg for s in segments(app, 2))
        # The tag is drawn in a colour that is not its background.
        tag = next(s for s in segments(app, 0) if "#later" in s.text)
        assert tag.style is not None and tag.style.color != tag.style.bgcolor
        assert abs(luminance(tag.style.color) - luminance(tag.style.bgcolor)) > 40


async def test_the_words_removed_are_never_cut_by_the_scrollbar(tmp_path: Path) -> None:
    root = tmp_path / "pages"
    root.mkdir()
    words = "\n".join(f"word{i}" for i in range(1298))  # one-word lines: the short_lines cleaner removes each
    (root / "a_big.txt").write_text(f"A page that loses a great many words\n{words}\nThe end of a long page here.\n")
    for i in range(40):  # more pages than rows on screen: the list has a scrollbar
        (root / f"p{i:02}.txt").write_text(f"Page number {i} about the harbour\nA line of the article body here.\n")
    app = make_app([root])
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, 30)
        pages = app.page_list
        assert pages.show_vertical_scrollbar
        removed = app.library.summaries[0].words_removed
        assert removed >= 1000
        # What is not under the scrollbar (the scrollbar is drawn over the list's last column).
        visible = lines_of(pages)[0][: pages.scrollable_content_region.width]
        assert visible.rstrip().endswith(f"−{removed}")


async def test_a_click_selects_the_row_clicked(folder: Path) -> None:
    app = make_app([folder])
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.click("#pages", offset=(6, 3))  # y 0 is the border: y 3 is the third row
        await pilot.pause()
        assert app.page_list.cursor == 2 and app.current == 2
        await pilot.click("#pages", offset=(6, 0))  # the border selects nothing
        await pilot.pause()
        assert app.page_list.cursor == 2


@pytest.mark.parametrize("theme", ["textual-light", "solarized-light", "textual-dark"])
async def test_the_headline_and_byline_are_legible_in_every_theme(seeds_dir: str, theme: str) -> None:
    app = make_app([seeds_dir])
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.theme = theme
        await pilot.pause(0.1)
        await pilot.pause()
        view = app.reader.document_view
        assert len(view.document.rows[1].left.plain) > 5  # the fixed cleaners find a date: the meta line
        for y in (view.row_start[0], view.row_start[1]):  # the headline's first line, the site · date line
            cells = [s for s in view.render_line(y) if s.text.strip()]
            assert cells, f"line {y} is empty"
            for s in cells:
                assert s.style is not None and s.style.color is not None and s.style.bgcolor is not None
                assert abs(luminance(s.style.color) - luminance(s.style.bgcolor)) > 60, (y, s)


def status(app: NewsreadApp) -> str:
    return app.status.shown.plain


async def test_notices_about_a_page_clear_when_another_is_opened_and_recleaning_says_when_done(folder: Path) -> None:
    app = make_app([folder])
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("plus", "u", "U")
        assert "redid" in status(app)
        await pilot.press("j")
        await pilot.pause()
        assert "redid" not in status(app)  # it was about the page left behind

        app.toggle_cleaner("short_lines")
        assert "short_lines off: cleaning again" in status(app)
        await pilot.press("j")  # opening pages meanwhile keeps it (or its outcome): it is about the folder
        assert "cleaning again" in status(app) or "cleaned again" in status(app)
        await settle(pilot)
        app.sync_library()
        assert "cleaning again" not in status(app)
        assert "short_lines off: 5 pages cleaned again" in status(app)


async def test_counts_in_notices_agree_in_number(folder: Path) -> None:
    app = make_app([folder])
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("x", "X")
        assert "cleared 1 mark" in status(app) and "1 marks" not in status(app)
        await pilot.press("x", "x", "t")
        placeholder = app.prompt.query_one("Input").placeholder
        assert "the 2 marked pages have no tags" in placeholder


CLI = [sys.executable, "-m", "newsread.tui.cli"]
LAUNCH = [sys.executable, "-m", "newsread.tui.launch"]


def test_the_reader_is_never_drawn_into_a_pipe(seeds_dir: str, tmp_path: Path) -> None:
    for command in (LAUNCH, CLI):  # `newsread PATH` starts without the command line; `newsread open PATH` with it
        env = {**os.environ, "XDG_STATE_HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path)}
        args = [*command, seeds_dir] if command is LAUNCH else [*command, "open", seeds_dir]
        run = subprocess.run(args, capture_output=True, text=True, timeout=60, env=env)
        assert run.returncode == 2 and run.stdout == ""
        assert "not one (a pipe or a file)" in run.stderr and "newsread clean" in run.stderr


def test_a_mistyped_command_is_named(seeds_dir: str) -> None:
    run = subprocess.run([*LAUNCH, "claen", seeds_dir], capture_output=True, text=True, timeout=60)
    assert run.returncode == 2 and "did you mean `newsread clean`?" in run.stderr
    run = subprocess.run([*LAUNCH, "nothing-like-it", seeds_dir], capture_output=True, text=True, timeout=60)
    assert run.returncode == 2 and "no such file or folder: nothing-like-it" in run.stderr
    assert "did you mean" not in run.stderr


def test_cleaning_one_file_uses_a_cache_beside_it(tmp_path: Path, seeds_dir: str) -> None:
    page = tmp_path / "one.txt"
    page.write_bytes((Path(seeds_dir) / "000_ef5eb7ee0bf81d53.txt").read_bytes())
    env = {**os.environ, "NEWSREAD_CACHE_DIR": str(tmp_path / "cache")}
    run = subprocess.run([*CLI, "clean", str(page)], capture_output=True, text=True, timeout=60, env=env)
    assert run.returncode == 0 and "cache" not in run.stderr
    assert (tmp_path / "cache").is_dir()  # used
    # A cache inside a folder read is still refused.
    run = subprocess.run([*CLI, "clean", str(tmp_path)], capture_output=True, text=True, timeout=60, env=env)
    assert f"is inside the input folder {tmp_path}; not using it" in run.stderr


async def test_the_readers_export_error_names_no_command_line_flag(folder: Path) -> None:
    app = make_app([folder])
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("plus", "E")
        for ch in str(folder / "exported"):
            await pilot.press(ch if ch != " " else "space")
        await pilot.press("enter")
        for _ in range(200):
            await pilot.pause(0.02)
            if any("export" in (n.title or "") for n in app._notifications):
                break
        errors = [n.message for n in app._notifications if n.title == "export failed"]
        assert errors and "--out" not in errors[0]
        assert errors[0].startswith(f"{folder / 'exported'} is inside the input folder")


@pytest.mark.parametrize("fmt", ["markdown", "text"])
def test_exports_say_where_each_article_came_from(tmp_path: Path, fmt: str) -> None:
    from newsread.cleaners import iter_sources
    from newsread.tui.export import write_export
    from newsread.tui.triage import PageState

    from .conftest import fixed_pipeline

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.html").write_text(
        '<html><head><title>Harbour bridge reopens</title><link rel="canonical" href="https://news.example/a_1">'
        "</head><body><p>The harbour bridge reopened on Monday after two years of repairs.</p></body></html>"
    )
    (folder / "b.txt").write_text("A page with no address at all\nIts body line is right here for you.\n")
    chosen = [(s, PageState(s.id, read=True, decision="kept", tags=())) for s in iter_sources([folder])]
    result = write_export(chosen, fixed_pipeline(), tmp_path / "out", fmt=fmt, inputs=[folder])
    first, second = (f.read_text(encoding="utf-8") for f in result.files)
    if fmt == "markdown":
        assert r"*source: https://news.example/a\_1*" in first
        assert f"*file: {folder / 'a.html'}*".replace("_", r"\_") in first
    else:
        assert "[source: https://news.example/a_1]" in first and f"[file: {folder / 'a.html'}]" in first
    b_file = str(folder / "b.txt")
    assert "source:" not in second and (b_file.replace("_", r"\_") if fmt == "markdown" else b_file) in second
    assert first.rstrip().endswith("triage: kept]" if fmt == "text" else "triage: kept*")


CANONICAL = (
    '<html><head><title>Harbour bridge reopens</title><link rel="canonical" href="https://news.example/harbour">'
    "</head><body><p>The harbour bridge reopened on Monday after two years of repairs, officials said.</p>"
    "<p>Drivers crossed it before dawn, and the mayor called the day a long time coming.</p></body></html>"
)


async def test_the_header_says_where_the_page_is_and_where_it_came_from(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (folder / "f_web.html").write_text(CANONICAL, encoding="utf-8")
    monkeypatch.chdir(folder.parent)
    app = make_app([folder])
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        # Below the working folder: relative; the page fits on the screen: "all".
        assert app.reader.source_line.split() == ["page", "1", "of", "6", "·", "pages/a_bridge.txt"]
        assert app.reader.position_line == "all"  # (the position is in the border, not the header)
        await pilot.press("G")
        await settle(pilot)
        assert app.reader.source_line.split()[:6] == ["page", "6", "of", "6", "·", "https://news.example/harbour"]

        opened: list[str] = []
        monkeypatch.setattr("webbrowser.open", lambda url: opened.append(url) or True)
        await pilot.press("B")
        assert opened == ["https://news.example/harbour"] and "opened the page's URL in the browser" in status(app)
        await pilot.press("y")
        assert app.clipboard == "https://news.example/harbour" and "copied the URL" in status(app)
        await pilot.press("Y")
        assert app.clipboard.startswith("Harbour bridge reopens\n\nThe harbour bridge reopened on Monday")

        await pilot.press("g")
        await pilot.press("B", "y")
        assert opened[-1] == (folder / "a_bridge.txt").as_uri() and app.clipboard == str(folder / "a_bridge.txt")

        app.set_filter("bridge")
        await pilot.pause()
        assert app.reader.source_line.startswith("page 1 of 3 shown · ")


async def test_a_long_address_in_the_header_keeps_its_site_whole(folder: Path) -> None:
    """At 80 columns the header cut a URL a quarter of the way in: ``https://tast…ise.io/blog/…``, the site lost."""
    slug = "the-harbour-bridge-reopens-after-two-years-of-repairs-and-drivers-cross-it-before-dawn"
    url = f"https://www.harbourtimes.example/local/2024/05/{slug}"
    (folder / "f_web.html").write_text(CANONICAL.replace("https://news.example/harbour", url), encoding="utf-8")
    app = make_app([folder])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("G", "enter")  # the web page, read full width
        await settle(pilot)
        line = app.reader.source_line
        assert line.startswith("page 6 of 6 · harbourtimes.example/…") and line.endswith("-cross-it-before-dawn")
        assert len(line) <= app.reader.query_one("#source").size.width
        await pilot.press("y")
        assert app.clipboard == url  # the address copied is whole


async def test_settings_made_in_one_run_are_there_in_the_next(folder: Path, tmp_path: Path) -> None:
    settings = tmp_path / "config" / "reader.toml"
    first = NewsreadApp([str(folder)], make_app([]).library.pipeline, None, read_after=0, settings=settings)
    async with first.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        default = first.page_list.outer_size.width
        await pilot.press("greater_than_sign", "greater_than_sign")  # the list 8 columns wider
        await pilot.pause()
        assert first.page_list.outer_size.width == default + 8 and "list 48 columns wide" in status(first)
        await pilot.press("O", "O")  # file name -> date -> site
        assert "sorted by site" in status(first) and "by site" in str(first.page_list.border_title)
        await pilot.press("3", "s")  # the diff, inline
        await pilot.press("1", "left_curly_bracket")
        assert first.reader.reading_width == 74
        first.theme = "textual-light"
        await pilot.pause()
    text = settings.read_text(encoding="utf-8")
    for line in ('theme = "textual-light"', "list_width = 48", 'sort = "site"', 'diff_layout = "inline"'):
        assert line in text
    assert "reading_width = 74" in text

    second = NewsreadApp([str(folder)], make_app([]).library.pipeline, None, read_after=0, settings=settings)
    async with second.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert second.theme == "textual-light" and second.page_list.outer_size.width == 48
        assert second.page_list.sort_key == "site" and not second.reader.side_by_side
        assert second.reader.reading_width == 74
        # Sorted by site: the pages with a site first (the fixed cleaners find none: folder order stays).
        assert list(second.page_list.order) == list(range(5))
        await pilot.press("less_than_sign")
        await pilot.pause()
        assert second.page_list.outer_size.width == 44


async def test_a_damaged_settings_file_means_defaults_and_a_notice(folder: Path, tmp_path: Path) -> None:
    settings = tmp_path / "reader.toml"
    settings.write_text('sort = "size"\nlist_width = 30\nwhat = 1\n', encoding="utf-8")
    app = NewsreadApp([str(folder)], make_app([]).library.pipeline, None, read_after=0, settings=settings)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        messages = [n.message for n in app._notifications]
        assert any("sort = 'size' is not understood" in m for m in messages)
        assert any("unknown setting 'what'" in m for m in messages)
        assert app.page_list.sort_key == "name" and app.page_list.outer_size.width == 30


async def test_the_list_at_80x24_shows_title_words_and_story_badges(seeds_dir: str) -> None:
    app = make_app([seeds_dir])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        pages = app.page_list
        assert pages.outer_size.width == 40 and pages.columns() == ("story", "words")
        first = lines_of(pages)[0]
        assert "≡3" in first and first.rstrip().endswith("−287")
        title = app.library.summaries[0].label
        assert title[:17] in first  # the title keeps its room
        assert "≡versions · words kept −removed" in str(pages.border_subtitle)
        # Narrower, the words (11 cells) no longer fit and the badge (4) still does; wider, the date comes in.
        assert pages.columns(30) == ("story",) and pages.columns(60) == ("story", "date", "words")


def test_the_readme_key_table_has_every_key_of_the_help_screen() -> None:
    """The README's table of the reader's keys names every key the help screen lists for the app."""
    import re

    from newsread.tui.app import TRIAGE_BINDINGS, NewsreadApp
    from newsread.tui.widgets.help_screen import described

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("| keys | action |") :]
    table = table[: table.index("\n\n")]
    named = {token.casefold() for token in re.findall(r"`([^`]+)`", table)}
    missing = [
        key
        for keys, _ in described([*NewsreadApp.BINDINGS, *TRIAGE_BINDINGS])
        for key in keys.split(", ")
        if key.casefold() not in named
    ]
    assert not missing, f"keys in the help screen and not in the README's table: {missing}"


async def test_a_cleaner_switch_lasts_the_run_unless_saved_from_the_panel(folder: Path, tmp_path: Path) -> None:
    from newsread.cleaners import load_config

    config = tmp_path / "config.toml"
    app = NewsreadApp([str(folder)], make_app([]).library.pipeline, None, read_after=0, config_file=config)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("C")
        await pilot.press("W")
        assert "nothing to save" in status(app) and not config.exists()
        app.toggle_cleaner("short_lines")
        await settle(pilot)
        app.sync_library()
        assert "short_lines off: 5 pages cleaned again; C then W keeps it" in status(app)
        assert not config.exists()  # this run only, until asked
        app.toggle_cleaner("dateline")
        app.toggle_cleaner("dateline")  # and back: as configured, nothing to keep (W would have saved it on)
        await settle(pilot)
        app.sync_library()
        assert "dateline on: 5 pages cleaned again (as configured)" in status(app)
        app.cleaners_panel.focus_list()
        await pilot.press("W")
        assert "saved short_lines off in config.toml" in status(app)
        assert f"saved short_lines off in {config}" in [n.message for n in app._notifications]
    assert load_config(config).enabled == {"short_lines": False}


@pytest.mark.parametrize(
    "setting, ssh, level",
    [("auto", False, None), ("auto", True, "none"), ("off", False, "none"), ("on", True, None)],
    ids=["auto", "auto-over-ssh", "off", "on-over-ssh"],
)
async def test_scrolling_animation_is_off_over_ssh_or_on_request(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, setting: str, ssh: bool, level: str | None
) -> None:
    monkeypatch.delenv("SSH_TTY", raising=False)
    if ssh:
        monkeypatch.setenv("SSH_CONNECTION", "10.0.0.1 5000 10.0.0.2 22")
    else:
        monkeypatch.delenv("SSH_CONNECTION", raising=False)
    settings = tmp_path / "reader.toml"
    settings.write_text(f'animations = "{setting}"\n', encoding="utf-8")
    app = NewsreadApp([str(folder)], make_app([]).library.pipeline, None, read_after=0, settings=settings)
    default = app.animation_level
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)  # mounted, and more (under load the test's body could start before on_mount ended)
        assert app.animation_level == (level or default)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
async def test_the_border_says_how_far_down_the_page_and_search_says_when_it_wraps(
    folder: Path, size: tuple[int, int]
) -> None:
    app = make_app([folder])
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("j", "j", "j")  # the long page
        await settle(pilot)
        view = app.reader.document_view
        # The reading pane's bottom border says it (as less does), drawn on screen; the header line does not.
        first = app.reader.position_line
        assert first.endswith("%") and first == view.position
        assert f" {first} ─╯" in bottom_border(app) and not app.reader.source_line.endswith(first)
        await pilot.press("tab", "space")
        await pilot.pause()
        later = app.reader.position_line
        assert later.endswith("%") and int(later[:-1]) > int(first[:-1])  # scrolling moves it
        await pilot.press("G")
        await pilot.pause()
        assert app.reader.position_line == "100%" and " 100% ─╯" in bottom_border(app)
        await pilot.press("3")  # the diff: its removals, then the position
        await pilot.pause()
        assert app.reader.position_line.endswith(view.position) and "removal" in app.reader.position_line
        await pilot.press("1")
        await pilot.press("slash", *"needle", "enter")
        await pilot.pause()
        await pilot.press("n")
        assert "search wrapped to the top" in status(app)
        await pilot.press("p")
        assert "search wrapped to the bottom" in status(app)
        await pilot.press("k")
        await pilot.press("g")
        await pilot.press("slash", *"nowhere", "enter")
        await pilot.press("n")
        assert "no match for “nowhere”" in status(app)


async def test_prompts_and_the_status_line_fit_80_columns_without_cutting_words(folder: Path) -> None:
    app = make_app([folder])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("plus")  # a kept page: something for E to export, so it asks where
        for key in ("t", "F", "E"):
            await pilot.press(key)
            await pilot.pause()
            prompt = app.prompt
            room = prompt.input.content_region.width
            assert 0 < len(prompt.input.placeholder) <= room, (key, prompt.input.placeholder, room)
            await pilot.press("escape")
        note = "removed the word stretching across the line, with many more words than fit at eighty"
        app.status.say(note)
        lines = app.status.shown.plain.splitlines()
        assert len(lines) == 2 and all(len(line) <= 80 for line in lines)  # a second line rather than a cut
        assert lines[-1].rstrip().endswith("? help")
        said = " ".join(" ".join(lines).replace("? help", "").split())
        assert said.endswith(note)  # the whole note, its lines broken between words
        app.status.say("short again")
        assert len(app.status.shown.plain.splitlines()) == 1


async def test_a_rescan_adds_new_files_cleans_changed_ones_and_keeps_triage(folder: Path, tmp_path: Path) -> None:
    time.sleep(2 * CLOCK_LAG_NS / 1e9)  # (files written in the very moment of a listing are looked at again)
    app = make_app([folder], state=tmp_path / "triage.sqlite3")
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("plus")  # the bridge page kept
        before = app.library.summaries[2].words_kept
        korean = folder / "c_korean.txt"
        added = "A third line with several more words in it, added after the reader opened the folder.\n"
        korean.write_text(korean.read_text(encoding="utf-8") + added, encoding="utf-8")
        (folder / "0_new.txt").write_text("A page written while the reader was open\nIts body has words.\n")
        await pilot.press("R")
        for _ in range(300):
            await pilot.pause(0.02)
            if len(app.library) == 6 and "up to date" in status(app):
                break
        await settle(pilot)
        assert len(app.library) == 6 and app.library.sources[5].id == "0_new.txt"  # after the others: none moved
        assert "rescan: 1 new page, 1 changed; 6 pages up to date" in status(app)
        assert app.library.summaries[2].words_kept > before  # the changed page, cleaned again
        assert app.triage.states[0].decision == "kept"  # triage kept
        await pilot.press("G", "plus")  # the new page takes triage like the others
        assert app.triage.states[5].decision == "kept"
        assert app.library.summaries[5].label in lines_of(app.page_list)[5]
    app.triage.close()


async def test_an_empty_folder_given_beside_another_is_not_taken_for_a_vanished_one(
    folder: Path, tmp_path: Path
) -> None:
    """An unmounted folder is an empty one; a folder given empty is not: its neighbour's binary file (a page that
    cannot be read) must not stop the cleaning, nor R refuse to rescan."""
    empty = tmp_path / "empty"
    empty.mkdir()
    app = make_app([empty, folder])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.library.complete and app.library.errors() == 1 and "is gone" not in status(app)
        await pilot.press("R")
        for _ in range(300):
            await pilot.pause(0.02)
            if "rescan:" in status(app):
                break
        assert "rescan: nothing changed in the folder" in status(app)


async def test_pages_listed_by_a_long_id_keep_its_end_in_view_at_80_columns(tmp_path: Path) -> None:
    """Pages without a title are listed by their id: two in a folder of a long name (or under two folders given,
    named by the folders above them) showed as the same cut-off row, "crawl-of-the-national-news-sites-…"."""
    folder = tmp_path / "crawl-of-the-national-news-sites-2024-05-01" / "politics"
    folder.mkdir(parents=True)
    for name in ("page-0001.txt", "page-0002.txt"):
        (folder / name).write_bytes(b"")  # (empty: no title)
    app = make_app([tmp_path])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        rows = lines_of(app.page_list)[:2]
        assert "0001.txt" in rows[0] and "0002.txt" in rows[1], rows
        assert rows[0].split()[1].startswith("crawl…")  # (its start is kept too)


async def test_a_rescan_of_a_folder_that_vanished_keeps_the_list_and_says_why(folder: Path, tmp_path: Path) -> None:
    """R after the opened folder was removed (or unmounted) dropped every page and listed the folder itself as
    one unreadable page ("file not found")."""
    moved = tmp_path / "elsewhere"
    app = make_app([folder], state=tmp_path / "triage.sqlite3")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("plus")
        count, ids = len(app.library), [s.id for s in app.library.sources]
        folder.rename(moved)  # gone from where it was opened
        await pilot.press("R")
        for _ in range(300):
            await pilot.pause(0.02)
            if "is gone" in status(app):
                break
        said = " ".join(status(app).split())
        assert "rescan: pages is gone (moved, removed or unmounted): the list stays as it was" in said, said
        assert len(app.library) == count and [s.id for s in app.library.sources] == ids
        assert app.triage.states[0].decision == "kept"
        await pilot.press("j")  # a page that is not cleaned yet or read again says its file is missing, no crash
        await settle(pilot)
        moved.rename(folder)  # back: R takes it as it is
        await pilot.press("R")
        for _ in range(300):
            await pilot.pause(0.02)
            if "rescan:" in status(app) and "is gone" not in status(app):
                break
        # (reading a page while it was gone told the reader so: the rescan says it is back, nothing else changed)
        assert "rescan: the folder is back; 5 pages cleaned" in status(app)
        assert len(app.library) == count and app.library.errors() == 1 and app.library.gone is None  # (the binary one)
    app.triage.close()


def template_reasons(app: NewsreadApp, index: int) -> set[str]:
    """Why the site template removed what it removed from page ``index`` (as the diff says it)."""
    cleaned = app.library.clean(index)
    return {a.reason for a in cleaned.removals if a.cleaner == "site_template"}


async def test_a_folder_that_vanishes_while_it_is_cleaned_is_announced_and_its_pages_kept(
    folder: Path, tmp_path: Path
) -> None:
    """The folder moved away while its pages were being cleaned: every page not cleaned yet became "unreadable"
    (the page on screen too), and nothing said why. Now the cleaning stops, says so, keeps what was cleaned, and R
    once the folder is back cleans the rest."""
    from newsread.cleaners import BaseCleaner, CleanerInfo, Context, Mark, Page

    moved = tmp_path / "elsewhere"

    class MovesTheFolder(BaseCleaner):  # (the folder unmounted in the middle of a run, made exact)
        name = "moves_the_folder"
        description = "moves the folder away while the third page is cleaned"

        def annotate(self, page: Page, context: Context) -> Iterable[Mark]:
            if page.id == "c_korean.txt" and folder.exists():
                folder.rename(moved)
            return ()

    cleaners = (*FIXED_CLEANERS, MovesTheFolder)
    infos = [CleanerInfo(c.name, c.description, "test", i, True, c) for i, c in enumerate(cleaners)]
    app = make_app([folder], Pipeline.from_infos(infos), state=tmp_path / "triage.sqlite3")
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(3000):
            await pilot.pause(0.02)
            if "is gone" in status(app) or app.library.complete:
                break
        await pilot.pause(0.2)
        said = " ".join(status(app).split())
        assert "pages is gone (moved, removed or unmounted) while it was being cleaned" in said, said
        assert "3 pages cleaned and kept; R cleans the rest once it is back" in said, said
        summaries = app.library.summaries
        assert [s.cleaned for s in summaries] == [True, True, True, False, False]
        assert not any(s.error for s in summaries)  # none of them called unreadable
        assert "folder gone, cleaned 3/5" in said and "unreadable" not in said
        moved.rename(folder)  # back: R cleans the rest
        await pilot.press("R")
        await settle(pilot)
        assert all(s.cleaned for s in app.library.summaries) and "is gone" not in status(app)
        assert app.library.errors() == 1  # (the folder's one binary file, as before)
    app.triage.close()


async def test_a_rescan_drops_removed_files_and_the_site_template_learns_the_changed_folder(
    tmp_path: Path,
) -> None:
    from .test_folder_learning import site_folder

    folder = tmp_path / "site"
    folder.mkdir()
    pages, _ = site_folder(8)
    for page in pages[:6]:
        (folder / page.id).write_text(page.text, encoding="utf-8")
    time.sleep(2 * CLOCK_LAG_NS / 1e9)
    app = make_app([folder], Pipeline.default(), state=tmp_path / "triage.sqlite3")
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        assert "site template: on 6 of 6 pages" in " ".join(template_reasons(app, 0))
        await pilot.press("j", "j", "j", "j", "plus")  # p4 kept
        await pilot.press("k", "x")  # p3 marked
        words = app.library.summaries[5].words_kept
        (folder / "p1.txt").unlink()  # gone
        for page in pages[6:]:  # two more pages of the site
            (folder / page.id).write_text(page.text, encoding="utf-8")
        p5 = folder / "p5.txt"
        first = p5.read_text(encoding="utf-8").splitlines()[5]  # the first paragraph of its article
        p5.write_text(p5.read_text(encoding="utf-8").replace(first, first + " A late inspection found more."))
        await pilot.press("R")  # (at once: files written in the very moment of a look are changed only once)
        for _ in range(500):
            await pilot.pause(0.02)
            if "up to date" in status(app):
                break
        await settle(pilot)
        ids = [s.id for s in app.library.sources]
        assert ids == ["p0.txt", "p2.txt", "p3.txt", "p4.txt", "p5.txt", "p6.txt", "p7.txt"]  # none moved
        assert "rescan: 2 new pages, 1 changed, 1 gone; 7 pages up to date" in status(app)
        rows = lines_of(app.page_list)
        assert all(app.library.summaries[i].label[:10] in rows[i] for i in range(7)), rows
        assert app.page_list.count == 7 and "Pages 7" in str(app.page_list.border_title)
        # Triage follows the pages, not their old places in the list.
        assert app.triage.states[3].decision == "kept" and app.triage.marked == {2}
        assert app.library.summaries[4].words_kept > words  # the changed page, cleaned again
        # The template was learned again, from the folder as it is now.
        assert "site template: on 7 of 7 pages" in " ".join(template_reasons(app, 0))
        assert "site template: on 7 of 7 pages" in " ".join(template_reasons(app, 6))
        await pilot.press("R")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "rescan: nothing changed in the folder" in status(app)
    app.triage.close()


async def test_a_watched_folder_takes_in_new_files_by_itself(folder: Path, tmp_path: Path) -> None:
    settings = tmp_path / "reader.toml"
    settings.write_text("watch = 5\n", encoding="utf-8")
    time.sleep(2 * CLOCK_LAG_NS / 1e9)  # (files written in the very moment of a listing are looked at again)
    app = NewsreadApp([str(folder)], make_app([]).library.pipeline, None, read_after=0, settings=settings)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        app._watch_tick()  # nothing new: nothing said, nothing cleaned again
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "rescan" not in status(app) and len(app.library) == 5
        (folder / "f_late.txt").write_text("A page that came in late to the folder\nIts body line is here.\n")
        app._watch_tick()  # what the timer does every 5 seconds
        for _ in range(300):
            await pilot.pause(0.02)
            if len(app.library) == 6 and "up to date" in status(app):
                break
        assert len(app.library) == 6 and "rescan: 1 new page" in status(app)


async def test_the_list_follows_the_terminal_when_it_is_resized(folder: Path) -> None:
    app = make_app([folder])
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.page_list.outer_size.width == 48  # 40% of 120
        await pilot.press("question_mark")  # resized under the help screen too
        await pilot.resize_terminal(90, 30)
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert app.page_list.outer_size.width == 40  # at least 40
        await pilot.press(*["greater_than_sign"] * 8)  # asked wider than the terminal allows
        await pilot.pause()
        assert app.page_list.outer_size.width == 90 - 30  # the reader keeps 30 columns
        assert "as wide as it gets here" in status(app)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
async def test_the_views_in_the_reader_border_fit_whole(folder: Path, size: tuple[int, int]) -> None:
    app = make_app([folder])
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        layout = "inline" if size[0] < 120 else "side by side"  # (too narrow for two columns at 80)
        for key, current in (("1", "1 clean"), ("3", f"3 diff: {layout}"), ("2", "2 original")):
            await pilot.press(key)
            await pilot.pause()
            title = Text.from_markup(str(app.reader.border_title)).plain
            assert current in title and len(title) <= app.reader.size.width - 4, title  # never cut with "…"
            assert " 1 " in title and " 2 " in title and " 3 " in title  # every view's key shows
            assert ("2 original" in title) == (size[0] >= 120 or key != "3")  # named whole where there is room


HARBOUR_BODY = (
    "The council said on Monday that the new harbour plan would cost more than the budget allowed.\n"
    "Residents who spoke at the hearing asked for the bridge to be kept open while the works go on.\n"
)


def dated_pages(tmp_path: Path, pages: dict[str, tuple[str, str]]) -> Path:
    """A folder of text pages: a title, a dateline (none where empty) and the same two-line body each."""
    root = tmp_path / "pages"
    root.mkdir()
    for name, (title, date) in pages.items():
        text = f"{title}\n{date}\n{HARBOUR_BODY}" if date else f"{title}\n{HARBOUR_BODY}"
        (root / name).write_text(text, encoding="utf-8")
    return root


async def test_dates_written_in_words_show_and_sort_as_dates(tmp_path: Path) -> None:
    """The date column showed "Wednesday" and "sexta-feir", and the date sort put them above every year."""
    from newsread.cleaners import Pipeline

    pages = {
        "a.txt": ("Harbour plan will cost more than the council thought", "Wednesday November 20, 2019"),
        "b.txt": ("Ferry service returns to the old harbour this summer", "Publicado 5 de maio de 2021"),
        "c.txt": ("Bridge works will close the harbour road for a month", "2020-03-01"),
        "d.txt": ("Harbour museum opens a new hall for old boats", ""),
    }
    root = dated_pages(tmp_path, pages)
    app = make_app([root], Pipeline.default())
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        assert [s.date for s in app.library.summaries] == ["2019-11-20", "2021-05-05", "2020-03-01", None]
        await pilot.press("O")  # by date, newest first; the undated page last
        assert "sorted by date" in status(app)
        assert list(app.page_list.order) == [1, 2, 0, 3]
        assert "2021-05-05" in lines_of(app.page_list)[0]
        await pilot.press("F", *"date:2019-11", "enter")  # the filter reads the same dates
        await pilot.pause()
        assert list(app.page_list.order) == [0]


async def test_dates_in_figures_show_as_dates_where_they_read_one_way_only(tmp_path: Path) -> None:
    """20/11/2019, 11/20/2019 and 2019.11.20 showed as written and sorted after every date in words; a date
    that reads both ways (05/06/2019) is shown as written but sorts within its year."""
    from newsread.cleaners import Pipeline

    pages = {
        "a.txt": ("Harbour plan will cost more than the council thought", "20/11/2019"),
        "b.txt": ("Ferry service returns to the old harbour this summer", "11/21/2019"),
        "c.txt": ("Bridge works will close the harbour road for a month", "Published 2019.11.22"),
        "d.txt": ("Harbour museum opens a new hall for old boats", "05/06/2019"),
        "e.txt": ("Fishing boats leave the harbour before the storm", "March 3, 2018"),
        "f.txt": ("Harbour master retires after thirty years", ""),
    }
    root = dated_pages(tmp_path, pages)
    app = make_app([root], Pipeline.default())
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        dates = [s.date for s in app.library.summaries]
        assert dates == ["2019-11-20", "2019-11-21", "2019-11-22", "05/06/2019", "2018-03-03", None]
        await pilot.press("O")  # by date, newest first: the two-way date in 2019, before 2018; the undated last
        assert list(app.page_list.order) == [2, 1, 0, 3, 4, 5]
        assert "05/06/2019" in lines_of(app.page_list)[3]


async def test_the_date_filter_finds_a_day_that_reads_both_ways_by_either_reading(tmp_path: Path) -> None:
    """A page dated 03/04/2019 (3 April or March 4, shown as written) was in no `date:2019` nor `date:2019-04`
    list, and `date:03/04/2019` itself was refused as "no year, month or day"."""
    from newsread.cleaners import Pipeline

    pages = {
        "a.txt": ("Harbour museum opens a new hall for old boats", "03/04/2019"),
        "b.txt": ("Ferry service returns to the old harbour this summer", "2019-04-03"),
        "c.txt": ("Bridge works will close the harbour road for a month", "2019-03-04"),
        "d.txt": ("Fishing boats leave the harbour before the storm", "2019-05-20"),
    }
    app = make_app([dated_pages(tmp_path, pages)], Pipeline.default())
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        assert [s.date for s in app.library.summaries] == ["03/04/2019", "2019-04-03", "2019-03-04", "2019-05-20"]
        shown = {}
        for line in ("date:2019-04", "date:2019-03", "date:03/04/2019", "date:2019-05", "date:2019-03-10..2019-03-31"):
            await pilot.press("F")
            app.prompt.input.value = line
            await pilot.pause()
            await pilot.press("enter")
            await pilot.pause()
            shown[line] = list(app.page_list.order)
        assert shown == {
            "date:2019-04": [0, 1],
            "date:2019-03": [0, 2],
            "date:03/04/2019": [0, 1, 2],  # either day, and the page written so
            "date:2019-05": [3],
            "date:2019-03-10..2019-03-31": [],  # neither reading of 03/04/2019 is in there
        }


async def test_a_dump_without_a_headline_is_listed_by_its_file_not_by_the_chrome_atop_it(tmp_path: Path) -> None:
    """A whole-page dump whose lines hold no headline was listed, and its clean view titled, "Dow Jones, a News
    Corp company": the first title-like line at the top, whatever it said."""
    from newsread.cleaners import Pipeline

    root = tmp_path / "pages"
    root.mkdir()
    (root / "harbour-costs.txt").write_text(f"Dow Jones, a News Corp company\n{HARBOUR_BODY}", encoding="utf-8")
    titled = f"Harbour plan will cost more than the council thought\n{HARBOUR_BODY}"
    (root / "titled.txt").write_text(titled, encoding="utf-8")
    app = make_app([root], Pipeline.default())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        rows = lines_of(app.page_list)
        assert "harbour-costs.txt" in rows[0] and "Dow Jones" not in rows[0], rows[0]
        assert "Harbour plan will" in rows[1]  # a headline the article's words are in is still the title
        assert app.reader.cleaned is not None and app.reader.cleaned.title is None  # the clean view: no title
        assert "The council said on Monday" in " ".join(text_of(app.reader.document_view).split())
