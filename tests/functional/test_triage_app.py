"""Triage in the reader, driven through Pilot: decisions, marks, tags, undo/redo, next unread/undecided,
filters, persistence across runs, damaged state files and export from the app."""

from __future__ import annotations

import json
import re
import sqlite3
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest
from textual.pilot import Pilot

from newsread.cleaners import BaseCleaner, CleanerInfo, Context, Mark, Page, Pipeline
from newsread.tui import app as app_module
from newsread.tui import background
from newsread.tui.app import NewsreadApp
from newsread.tui.triage_session import LoadedState, load_state

from .conftest import FIXED_CLEANERS, lines_of, make_app, settle

pytestmark = pytest.mark.functional


def state_of(app: NewsreadApp, index: int) -> tuple[bool, str, tuple[str, ...]]:
    s = app.triage.states[index]
    return s.read, s.decision, s.tags


def row(app: NewsreadApp, index: int) -> str:
    """The list line of page ``index`` (the list shows every page, no scrolling needed in these folders)."""
    position = list(app.page_list.order).index(index)
    return lines_of(app.page_list)[position]


def status(app: NewsreadApp) -> str:
    return app.status.shown.plain


def notices(app: NewsreadApp) -> list[str]:
    return [n.message for n in app._notifications]


async def type_in(pilot: Pilot[None], text: str) -> None:
    for ch in text:
        await pilot.press(ch if ch != " " else "space")


async def test_keep_star_discard_and_clear_show_in_the_list_and_counts(folder: Path) -> None:
    app = make_app([folder])
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert state_of(app, 0) == (True, "none", ())  # shown: read
        assert "•" in row(app, 1)[:3]  # the others unread
        assert "•4 unread" in status(app) and "?5 undecided" in status(app)

        await pilot.press("plus")
        assert state_of(app, 0)[1] == "kept"
        assert "✓" in row(app, 0)[:4] and "✓1" in status(app)
        assert "kept 1 page" in status(app)
        await pilot.press("plus")  # again: back to undecided
        assert state_of(app, 0)[1] == "none" and "✓" not in row(app, 0)[:4]

        await pilot.press("asterisk")
        assert state_of(app, 0)[1] == "starred" and "★" in row(app, 0)[:4] and "★1" in status(app)
        await pilot.press("minus")
        assert state_of(app, 0)[1] == "discarded" and "✗" in row(app, 0)[:4] and "★0 ✗1" in status(app)
        await pilot.press("equals_sign")
        assert state_of(app, 0)[1] == "none"

        await pilot.press("j", "a")  # letter aliases work too
        assert state_of(app, 1)[1] == "kept" and state_of(app, 0)[1] == "none"
        await pilot.press("S")
        assert state_of(app, 1)[1] == "starred"
        await pilot.press("D")
        assert state_of(app, 1)[1] == "discarded"

        await pilot.press("r")  # read -> unread, by hand
        assert state_of(app, 1)[0] is False and "•" in row(app, 1)[:3]
        await pilot.press("r")
        assert state_of(app, 1)[0] is True


async def test_keys_typed_faster_than_the_pane_follows_act_on_the_page_under_the_cursor(folder: Path) -> None:
    # Over ssh or through tmux, "+ j *" can arrive in one read: the star must land on the page j
    # moved to, even when the reading pane has not caught up with the cursor yet (a jump, a filter).
    app = make_app([folder])
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.action_decide("kept")
        app.page_list.move_to_page(1)
        app.action_decide("starred")  # no await: the cursor's message to the pane is still queued
        assert app.current == 0  # the pane is indeed behind
        await pilot.pause()
        assert (state_of(app, 0)[1], state_of(app, 1)[1]) == ("kept", "starred")
        assert app.current == 1

        app.page_list.move_to_page(2)
        app.action_next_where("undecided")  # from page 2 (in hand), not from 1 (on screen)
        await pilot.pause()
        assert app.current == 3


async def test_a_key_opens_the_page_in_the_same_frame_as_the_list_moves(folder: Path) -> None:
    # The list's cursor and the page it opens are drawn together: a message to the pane, arriving after the
    # next frame, cost every key a frame of the list alone and a frame's wait (bench/README.md).
    app = make_app([folder])
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        shown_at = app.reader.cleaned
        app.page_list.action_cursor_down()  # no await: nothing else runs before the next frame
        assert app.current == 1 and app.reader.cleaned is not shown_at
        assert app.reader.cleaned is not None and app.reader.cleaned.id == app.library.sources[1].id


async def test_marks_make_actions_apply_to_the_selection(folder: Path) -> None:
    app = make_app([folder])
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("x")  # marks page 0 and moves on
        assert app.marked == {0} and app.page_list.cursor == 1
        await pilot.press("j", "x")
        assert app.marked == {0, 2}
        assert row(app, 2)[1] == "◆" and "◆2 marked" in status(app)
        await pilot.press("plus")
        assert [state_of(app, i)[1] for i in range(5)] == ["kept", "none", "kept", "none", "none"]
        # The marks were used up, as a file manager's selection is, and the user is told how to get them back.
        assert "kept 2 pages; marks cleared (M marks them again)" in status(app)
        assert app.marked == set() and "◆" not in row(app, 2)[:2]

        await pilot.press("asterisk")  # no marks: the page being read (page 3, where x left the cursor)
        assert app.current == 3 and state_of(app, 3)[1] == "starred"
        assert [state_of(app, i)[1] for i in (0, 2)] == ["kept", "kept"]  # not toggled back by a second key
        await pilot.press("M")  # the pages + acted on, marked again: the next key acts on them too
        assert app.marked == {0, 2} and "2 pages marked again" in status(app)
        await pilot.press("t")
        await type_in(pilot, "economy")
        await pilot.press("enter")
        assert [state_of(app, i)[2] for i in (0, 2, 3)] == [("economy",), ("economy",), ()]
        assert app.marked == set()
        await pilot.press("X")
        assert app.marked == set() and "no marks to clear" in status(app)

        await pilot.press("A")  # every page shown
        assert app.marked == {0, 1, 2, 3, 4}
        await pilot.press("A")
        assert app.marked == set()

        app.mark_pages([1, 4, 99])  # the API for "mark the whole cluster": unknown indices are ignored
        await pilot.pause()
        assert app.marked == {1, 4} and "◆2 marked" in status(app)


async def test_undo_and_redo_step_through_actions(folder: Path) -> None:
    app = make_app([folder])
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("plus", "asterisk")
        assert state_of(app, 0)[1] == "starred"
        await pilot.press("u")
        assert state_of(app, 0)[1] == "kept" and "undid" in status(app)
        await pilot.press("u")
        assert state_of(app, 0)[1] == "none" and "✓" not in row(app, 0)[:4]
        await pilot.press("u")
        assert "nothing to undo" in status(app)
        await pilot.press("U")
        assert state_of(app, 0)[1] == "kept" and "redid" in status(app)
        await pilot.press("ctrl+r")
        assert state_of(app, 0)[1] == "starred"
        await pilot.press("ctrl+r")
        assert "nothing to redo" in status(app)


async def test_undo_brings_back_the_marks_a_triage_key_used_up(folder: Path) -> None:
    # A triage key on marked pages clears the marks; undoing that key must give the selection back too, or
    # the user who pressed the wrong key has to mark the pages again one by one.
    app = make_app([folder])
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("x", "j", "x")  # pages 0 and 2 marked
        await pilot.press("minus")  # meant +: discards both, marks used up
        assert [state_of(app, i)[1] for i in (0, 2)] == ["discarded", "discarded"] and app.marked == set()
        await pilot.press("u")
        assert [state_of(app, i)[1] for i in (0, 2)] == ["none", "none"]
        assert app.marked == {0, 2} and "◆" in row(app, 2)[:2]
        assert "2 pages marked again" in status(app)
        await pilot.press("plus")  # the right key now acts on the same selection
        assert [state_of(app, i)[1] for i in range(4)] == ["kept", "none", "kept", "none"]
        assert app.marked == set()

        await pilot.press("u", "U")  # redo uses the marks up again, as the key did
        assert [state_of(app, i)[1] for i in (0, 2)] == ["kept", "kept"] and app.marked == set()
        assert "marks cleared" in status(app)

        await pilot.press("j", "plus")  # no marks: undoing a key on one page marks nothing
        await pilot.press("u")
        assert app.marked == set() and "marked again" not in status(app)


async def test_marks_undo_brings_back_follow_their_pages_through_a_rescan(folder: Path) -> None:
    app = make_app([folder])
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("j", "j", "x", "x", "minus")  # c_korean and d_long marked, then discarded
        assert app.marked == set() and [state_of(app, i)[1] for i in (2, 3)] == ["discarded", "discarded"]
        (folder / "a_bridge.txt").unlink()  # the pages after it move up one
        await pilot.press("R")
        for _ in range(300):
            await pilot.pause(0.02)
            if "gone" in status(app):
                break
        await settle(pilot)
        assert [s.id for s in app.library.sources][1:3] == ["c_korean.txt", "d_long.txt"]
        await pilot.press("u")
        assert app.marked == {1, 2}  # the same two pages, at their new places
        assert [state_of(app, i)[1] for i in (1, 2)] == ["none", "none"]


async def test_next_unread_and_next_undecided(folder: Path) -> None:
    app = make_app([folder])
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("G")  # page 4 read
        await pilot.press("g")
        await pilot.press("full_stop")
        assert app.current == 1
        await pilot.press("full_stop", "full_stop")
        assert app.current == 3  # 4 was read already: the first unread after 3 wraps to... none left but 3
        assert all(app.triage.states[i].read for i in range(5))
        await pilot.press("full_stop")
        assert app.current == 3 and "no other unread page" in status(app)

        await pilot.press("g", "plus", "j", "minus")  # 0 kept, 1 discarded
        await pilot.press("g", "comma")
        assert app.current == 2
        await pilot.press("asterisk", "comma")
        assert app.current == 3


async def test_a_page_counts_as_read_after_a_moment_on_screen_or_at_once_with_enter(folder: Path) -> None:
    app = make_app([folder], read_after=0.3)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.pause(0.4)
        assert state_of(app, 0)[0] is True
        await pilot.press("j", "j")  # page 1 only passed by
        await pilot.pause(0.4)
        assert state_of(app, 1)[0] is False and state_of(app, 2)[0] is True
        await pilot.press("j", "enter")
        assert state_of(app, 3)[0] is True  # opened with Enter: read now


async def test_tags_are_added_removed_and_shown(folder: Path) -> None:
    app = make_app([folder])
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("t")
        assert app.prompt.display and app.prompt.input.has_focus
        await type_in(pilot, "economy, world news")
        await pilot.press("enter")
        assert not app.prompt.display
        assert state_of(app, 0)[2] == ("economy", "world news")
        assert "#econ" in row(app, 0)
        await pilot.press("t")
        await type_in(pilot, "-economy")
        await pilot.press("enter")
        assert state_of(app, 0)[2] == ("world news",)
        await pilot.press("u")  # one undo step per tag
        assert state_of(app, 0)[2] == ("economy", "world news")
        await pilot.press("t")
        await type_in(pilot, "never")
        await pilot.press("escape")  # Esc: nothing changes
        assert state_of(app, 0)[2] == ("economy", "world news") and not app.prompt.display


class SiteLine(BaseCleaner):
    name = "site_line"
    description = "takes the site from a 'Site:' line"
    _SITE = re.compile(r"^Site:\s*(\S+)")

    def annotate(self, page: Page, context: Context) -> Iterable[Mark]:
        for block in context.remaining():
            m = self._SITE.match(block.text)
            if m:
                yield Mark.block(block, "site line", field="site", value=m.group(1))


def site_pipeline() -> Pipeline:
    cleaners = (*FIXED_CLEANERS, SiteLine)
    infos = [CleanerInfo(c.name, c.description, "test", i, True, c) for i, c in enumerate(cleaners)]
    return Pipeline.from_infos(infos)


@pytest.fixture
def news(tmp_path: Path) -> Path:
    root = tmp_path / "news"
    root.mkdir()
    stories = [
        ("Harbour levy approved by the city council", "2024-05-03", "bbc.co.uk", "The harbour levy passed."),
        ("Council debates the new bus lanes tonight", "2024-05-20", "guardian.com", "Buses and lanes again."),
        ("Storm closes the harbour for three days", "2024-06-01", "bbc.co.uk", "Boats stayed in the harbour."),
        ("Election results from every district today", "2023-11-09", "reuters.com", "Counting went on late."),
    ]
    for i, (title, date, site, body) in enumerate(stories):
        text = f"{title}\nDate: {date}\n{body} More words follow in this long sentence here.\nSite: {site}\n"
        (root / f"{i}.txt").write_text(text, encoding="utf-8")
    return root


async def answer(pilot: Pilot[None], key: str, line: str) -> None:
    """Open a prompt with ``key``, put ``line`` in it (as a paste would) and press Enter."""
    await pilot.press(key)
    app = pilot.app
    assert isinstance(app, NewsreadApp)
    app.prompt.input.value = line
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()


async def filter_to(pilot: Pilot[None], line: str) -> None:
    await answer(pilot, "F", line)


async def test_filters_by_status_tag_site_date_and_text(news: Path) -> None:
    app = make_app([news], site_pipeline())
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("plus", "j", "asterisk")  # 0 kept, 1 starred
        await filter_to(pilot, "status:kept,starred")
        assert list(app.page_list.order) == [0, 1] and "Pages 2/4" in str(app.page_list.border_title)
        assert "filter: 2 shown" in status(app)

        await filter_to(pilot, "site:bbc")
        assert list(app.page_list.order) == [0, 2]
        await filter_to(pilot, "date:2024-05")
        assert list(app.page_list.order) == [0, 1]
        await filter_to(pilot, "date:2024-05-10..2024-12")
        assert list(app.page_list.order) == [1, 2]
        await filter_to(pilot, "harb")  # words of titles and clean bodies, by their beginning
        assert list(app.page_list.order) == [0, 2]
        await filter_to(pilot, "boats site:bbc")
        assert list(app.page_list.order) == [2]
        assert app.current == 2  # the reader follows the cursor onto a shown page
        await filter_to(pilot, "is:star")
        assert list(app.page_list.order) == [1]

        await pilot.press("escape")  # Esc in the list clears the filter
        assert app.page_list.rows is None and app.filter_line == ""
        assert "Pages 4" in str(app.page_list.border_title)

        await pilot.press("g")
        await answer(pilot, "t", "local")
        await filter_to(pilot, "tag:local")
        assert list(app.page_list.order) == [0]
        await filter_to(pilot, "tag:nothing")
        assert app.page_list.count == 0 and "No page matches" in lines_of(app.page_list)[0]

        await pilot.press("F")
        await pilot.press("escape")  # Esc in the filter prompt clears it too
        assert app.page_list.rows is None

        await pilot.press("F")
        await type_in(pilot, "status:bogus")
        assert "status 'bogus'" in status(app)  # a bad term says what to write; the list is left alone
        assert app.page_list.rows is None


async def test_next_keys_and_marks_follow_the_filter(news: Path) -> None:
    app = make_app([news], site_pipeline())
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await filter_to(pilot, "site:bbc")
        await pilot.press("A")
        assert app.marked == {0, 2}
        await pilot.press("minus", "X")
        assert app.triage.states[0].decision == "discarded" and app.triage.states[2].decision == "discarded"
        await pilot.press("comma")
        assert "no other undecided page shown" in status(app)
        assert list(app.page_list.order) == [0, 2]  # acting does not reshuffle the list under the reader


async def test_reopening_a_folder_starts_where_the_reader_left_it(folder: Path, tmp_path: Path) -> None:
    """A daily reader of a big folder reopened it at page 1 every time and had to find their place again."""
    state = tmp_path / "state" / "triage.sqlite3"
    first = make_app([folder], state=state)
    async with first.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("j", "j", "j")  # read up to the fourth page, then quit
        await pilot.pause()
        assert first.current == 3
    first.triage.close()

    second = make_app([folder], state=state)
    async with second.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert second.page_list.cursor == 3 and second.current == 3
        assert "Long page about rivers" in "\n".join(lines_of(second.reader.document_view))
        assert second.reader.source_line.startswith("page 4 of 5")
        assert "where you left off: page 4" in status(second)
        await pilot.press("g")  # the first page is a key away, and the place follows what is read
        await pilot.pause()
    second.triage.close()

    third = make_app([folder], state=state)
    async with third.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert third.current == 0 and "where you left off" not in status(third)
    third.triage.close()


async def test_triage_persists_across_runs_with_the_same_state(folder: Path, tmp_path: Path) -> None:
    state = tmp_path / "state" / "triage.sqlite3"
    first = make_app([folder], state=state)
    async with first.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("plus", "j", "asterisk", "t")
        await type_in(pilot, "later")
        await pilot.press("enter")
    first.triage.close()

    second = make_app([folder], state=state)
    async with second.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert state_of(second, 0)[1] == "kept"
        assert state_of(second, 1) == (True, "starred", ("later",))
        assert state_of(second, 2)[0] is False
        assert "✓" in row(second, 0)[:4] and "#later" in row(second, 1)
        await pilot.press("u")  # undo reaches back into the first run
        assert state_of(second, 1)[2] == ()
    second.triage.close()
    assert not notices(second)


async def test_pages_of_two_folders_of_the_same_name_are_triaged_apart(folder: Path, tmp_path: Path) -> None:
    # `newsread p/news q/news`: both folders hold the same file names; the reader took each pair for one page
    # (counted 2 of 4 pages, a key on one left both undecided), and a rescan mixed up their rows.
    twins = [tmp_path / where / "news" for where in ("p", "q")]
    for twin in twins:
        twin.mkdir(parents=True)
        for name in ("a_bridge.txt", "c_korean.txt"):
            body = (folder / name).read_text(encoding="utf-8")
            (twin / name).write_text(body.replace("\n", f" ({twin.parent.name})\n", 1), encoding="utf-8")
    state = tmp_path / "state" / "triage.sqlite3"
    app = make_app(twins, state=state)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert "?4 undecided" in status(app)
        await pilot.press("plus")
        assert [state_of(app, i)[1] for i in range(4)] == ["kept", "none", "none", "none"]
        assert "✓" in row(app, 0)[:4] and "✓" not in row(app, 2)[:4]
        await pilot.press("R")
        await settle(pilot)
        assert [state_of(app, i)[1] for i in range(4)] == ["kept", "none", "none", "none"]
    app.triage.close()


async def test_a_damaged_state_file_is_set_aside_with_a_notice(folder: Path, tmp_path: Path) -> None:
    state = tmp_path / "triage.sqlite3"
    state.write_bytes(b"this is not a database at all" * 100)
    app = make_app([folder], state=state)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert any("moved to" in n and ".corrupt-" in n for n in notices(app))
        await pilot.press("plus")  # and triage works, saved in a fresh file
        assert state_of(app, 0)[1] == "kept"
    app.triage.close()
    assert list(tmp_path.glob("triage.sqlite3.corrupt-*"))


async def test_a_state_file_from_a_newer_newsread_is_left_alone_and_the_run_is_not_saved(
    folder: Path, tmp_path: Path
) -> None:
    state = tmp_path / "triage.sqlite3"
    with sqlite3.connect(state) as conn:
        conn.execute("PRAGMA user_version = 99")
    before = state.read_bytes()
    app = make_app([folder], state=state)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert any("newer newsread" in n for n in notices(app))
        assert "triage not saved" in status(app)
        await pilot.press("plus")
        assert state_of(app, 0)[1] == "kept"  # works for this run
    app.triage.close()
    assert state.read_bytes() == before


async def test_the_first_screen_does_not_wait_for_the_state(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    release = threading.Event()

    def slow(path: Path | None, paths: list[str], stop: Callable[[], bool] | None = None) -> LoadedState:
        release.wait(10)
        return load_state(path, paths, stop)

    monkeypatch.setattr(background, "load_state", slow)
    app = make_app([folder])
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(300):
            await pilot.pause(0.01)
            if app.library.complete and app.reader.cleaned is not None:
                break
        assert "Harbour bri" in lines_of(app.page_list)[0]  # pages listed and read while the state loads
        await pilot.press("plus")
        assert "still loading" in status(app)
        release.set()
        await settle(pilot)
        assert state_of(app, 0)[0] is True  # the page on screen counts as read once the state is there
        await pilot.press("plus")
        assert state_of(app, 0)[1] == "kept"


async def wait_export(pilot: Pilot[None]) -> None:
    app = pilot.app
    for _ in range(300):
        await pilot.pause(0.02)
        if not [w for w in app.workers if w.group == "export" and not w.is_finished]:
            return
    raise AssertionError("the export did not finish")


async def test_export_from_the_app_writes_kept_and_starred_then_the_filter(news: Path, tmp_path: Path) -> None:
    out = tmp_path / "picked"
    app = make_app([news], site_pipeline())
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("plus", "j", "j", "asterisk")  # 0 kept, 2 starred
        await pilot.press("E")
        assert "2 kept and starred" in app.prompt.input.placeholder
        await pilot.press("escape")
        await answer(pilot, "E", str(out))
        await wait_export(pilot)
        written = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
        assert written == ["0.md", "2.md"]
        assert "triage: kept" in (out / "0.md").read_text(encoding="utf-8")
        assert any(f"exported 2 pages as markdown to {out.resolve()}" in n for n in notices(app))

        await filter_to(pilot, "site:reuters")
        await answer(pilot, "E", f"{tmp_path / 'lines'} as jsonl")
        await wait_export(pilot)
        records = [json.loads(line) for line in (tmp_path / "lines" / "newsread.jsonl").read_text().splitlines()]
        assert [r["id"] for r in records] == ["3.txt"]
        assert records[0]["triage"]["status"] == "undecided"

        await answer(pilot, "E", str(news / "out"))  # never into the folder being read
        await wait_export(pilot)
        assert not (news / "out").exists()
        assert any("inside the input folder" in n for n in notices(app))


async def test_help_and_palette_list_the_triage_keys(folder: Path) -> None:
    app = make_app([folder])
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        sections = dict(app.help_sections())
        triage = next(rows for title, rows in sections.items() if title.startswith("Triage"))
        keys = {k for k, _ in triage}
        assert {"+, a", "*, S", "-, D", "=", "x", "u", "U, Ctrl+R", ".", ",", "F, l", "E", "t"} <= keys
        commands = [c.title for c in app.get_system_commands(app.screen)]
        assert any(c.startswith("Keep the page") for c in commands)
        assert any(c.startswith("Export clean articles") for c in commands)


def test_run_app_keeps_triage_in_the_user_state_folder_unless_told(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[Path | None] = []
    monkeypatch.setattr(NewsreadApp, "run", lambda self: opened.append(self.state_path))
    monkeypatch.setattr(app_module, "terminal_problem", lambda: None)  # pytest's output is no terminal
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    app_module.run_app([str(folder)], Pipeline.default())
    app_module.run_app([str(folder)], Pipeline.default(), tmp_path / "mine.sqlite3")
    assert opened[0] is not None and opened[0].is_relative_to(tmp_path / "xdg")
    assert opened[1] == tmp_path / "mine.sqlite3"


async def test_a_text_filter_takes_in_pages_as_they_are_cleaned(news: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from newsread.tui.triage_session import TriageSession

    flush = TriageSession.flush_infos
    monkeypatch.setattr(TriageSession, "flush_infos", lambda self, force=False: 0)  # nothing indexed yet
    app = make_app([news], site_pipeline())
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await filter_to(pilot, "harbour")
        assert app.page_list.count == 0
        monkeypatch.setattr(TriageSession, "flush_infos", flush)  # the cleaned pages reach the word index
        await pilot.pause(3 * app_module.HOUSEKEEPING_SECONDS)  # (picked up by the reader's housekeeping)
        assert list(app.page_list.order) == [0, 2] and "Pages 2/4" in str(app.page_list.border_title)


async def test_a_failure_inside_triage_leaves_the_reader_working(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(path: Path | None, paths: list[str], stop: Callable[[], bool] | None = None) -> LoadedState:
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(background, "load_state", broken)
    app = make_app([folder])
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(300):
            await pilot.pause(0.01)
            if app.triage.failed and app.library.complete:
                break
        assert any("triage is off" in n and "simulated bug" in n for n in notices(app))
        await pilot.press("j", "plus")
        assert app.current == 1 and "triage is off" in status(app)


async def test_a_long_message_is_read_whole_at_80_columns(news: Path) -> None:
    app = make_app([news], site_pipeline())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("F")
        await type_in(pilot, "status:bogus")
        await pilot.pause()
        said = " ".join(status(app).split())
        # The whole message, down to its last choice, on the screen: the bar takes a second line for it.
        assert "status 'bogus': use one of unread, read, undecided, kept, starred, discarded" in said
        assert app.status.size.height == 2 and app.status.region.bottom == app.screen.region.bottom
        assert "? help" in status(app).splitlines()[-1]
        await pilot.press("escape")  # the filter closed: what it said goes
        await pilot.pause()
        assert app.status.size.height == 1  # back to one line once the note is gone


async def test_export_with_nothing_to_export_says_so_before_asking_for_a_folder(folder: Path) -> None:
    app = make_app([folder])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("E")
        assert not app.prompt.display  # no folder to type for nothing
        assert "nothing to export: no page is kept or starred" in " ".join(status(app).split())
        await pilot.press("plus", "E")  # one kept page: now there is something to export
        assert app.prompt.display and "the 1 kept and starred page" in app.prompt.input.placeholder


async def test_triage_keys_in_a_folder_without_pages_say_so_and_raise_no_error(tmp_path: Path) -> None:
    # "+" in an empty folder raised the notice "no page to act on here (a page found after newsread started has
    # no triage yet)", which is about something else.
    empty = tmp_path / "empty"
    empty.mkdir()
    app = make_app([empty])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for key in ("plus", "asterisk", "minus", "r", "t"):
            await pilot.press(key)
            await pilot.pause()
            assert "no page here to act on" in status(app), key
        assert notices(app) == [] and app.triage.counts.get("kept", 0) == 0
