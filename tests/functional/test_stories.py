"""The reader's story clusters on the real seeds: a badge in the page list, the versions section in the reader."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from newsread.cleaners import Pipeline
from newsread.cleaners.clusters import compare_versions
from newsread.tui.app import NewsreadApp

from .conftest import lines_of, make_app, settle

pytestmark = pytest.mark.functional


async def wait_for_stories(app: NewsreadApp, pilot: object, timeout: float = 120.0) -> None:
    """Until the folder is grouped into stories and the open page's versions are compared (both by workers): on
    a loaded machine that takes many times as long as alone; ``timeout`` only bounds a reader that never does."""
    give_up = time.monotonic() + timeout
    while app.library.clusters_generation != app.library.generation:
        if time.monotonic() > give_up:
            raise AssertionError("the reader never grouped the folder into stories")
        await pilot.pause(0.01)  # type: ignore[attr-defined]
    app.sync_library()
    await pilot.pause()  # type: ignore[attr-defined]
    await app.workers.wait_for_complete()  # the versions of the open page are compared in a worker
    await pilot.pause()  # type: ignore[attr-defined]


def rows(app: NewsreadApp) -> list[str]:
    return [row.left.plain for row in app.reader.document.rows]


async def test_story_badges_and_the_versions_section_on_the_seeds(seeds: Path) -> None:
    app = make_app([seeds], Pipeline.default())
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await wait_for_stories(app, pilot)
        library = app.library
        ids = [s.id[:3] for s in library.summaries]
        assert ids == ["000", "001", "002", "003", "004"]
        # The three Belt and Road Forum reports are one story, the two state-visit reports another.
        assert library.cluster_members(1) == [0, 1, 2]
        assert library.cluster_members(4) == [3, 4]
        listed = lines_of(app.page_list)
        assert all("≡3" in listed[i] for i in (0, 1, 2))
        assert all("≡2" in listed[i] and "≡3" not in listed[i] for i in (3, 4))

        shown = rows(app)
        assert "Other versions of this story (2)" in shown
        cleaned = app.reader.cleaned
        assert cleaned is not None and app.current == 0
        # What the reader lists is the engine's comparison with the other two versions, paragraph by paragraph.
        others = {library.summaries[i].id: library.clean(i, keep=False).paragraphs for i in (1, 2)}
        expected = compare_versions(cleaned.paragraphs, others)
        paragraph_rows = [r for r in shown if r.startswith("¶")]
        assert len(paragraph_rows) == len(cleaned.paragraphs)
        assert sum("only here" in r for r in paragraph_rows) == len(expected.adds)
        assert any(r.startswith("What the other versions have and this one lacks") for r in shown)

        await pilot.press("v")  # triage acts on the whole story: its pages are marked
        assert app.marked == {0, 1, 2}
        await pilot.press("X")

        await pilot.press("j", "j", "j")  # to 003: a story of two
        await settle(pilot)
        await wait_for_stories(app, pilot)
        assert app.current == 3
        assert "Other versions of this story (1)" in rows(app)
        await pilot.press("o")  # the original view is the page as loaded: no versions section
        assert not any("Other versions" in r for r in rows(app))
        await pilot.press("v")
        assert app.marked == {3, 4}


async def test_a_page_alone_has_no_badge_and_no_versions_section(folder: Path) -> None:
    app = make_app([folder])
    async with app.run_test(size=(100, 24)) as pilot:
        await settle(pilot)
        await wait_for_stories(app, pilot)
        assert app.library.cluster_members(0) == [0]
        assert not any("≡" in line for line in lines_of(app.page_list))
        assert not any("Other versions" in r for r in rows(app))


async def test_every_version_is_listed_with_what_tells_it_apart(
    seeds: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from newsread.tui import library as library_module

    monkeypatch.setattr(library_module, "MAX_VERSIONS", 1)  # one compared paragraph by paragraph, two only listed
    app = make_app([seeds], Pipeline.default())
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("j")
        await settle(pilot)
        await wait_for_stories(app, pilot)
        shown = rows(app)
        assert "Other versions of this story (2; v1 compared with this one below)" in shown
        listed = shown[shown.index("Other versions of this story (2; v1 compared with this one below)") + 1 :][:2]
        summaries = app.library.summaries
        for line, index in zip(listed, (0, 2), strict=True):
            assert summaries[index].label in line and f"{summaries[index].words_kept:,} words" in line
        assert listed[0].startswith("v1") and listed[1].startswith("· ")


async def test_stories_fold_into_one_row_each_and_open_one_at_a_time(seeds: Path) -> None:
    app = make_app([seeds], Pipeline.default())
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await wait_for_stories(app, pilot)
        await pilot.press("z")  # two stories: 0, 1, 2 and 3, 4
        assert list(app.page_list.order) == [0, 3]
        assert "stories folded: 2 rows for 5 pages" in app.status.shown.plain
        assert "stories folded" in str(app.page_list.border_title)
        listed = lines_of(app.page_list)
        assert "≡3" in listed[0] and "≡2" in listed[1]
        await pilot.press("j", "Z")  # the second story opened under its row
        assert list(app.page_list.order) == [0, 3, 4] and app.page_list.current_page == 3
        assert "story opened: 2 versions" in app.status.shown.plain
        await pilot.press("Z")
        assert list(app.page_list.order) == [0, 3]
        await pilot.press("O")  # sorted by date, still folded: each story's newest version stands for it
        order = list(app.page_list.order)
        assert len(order) == 2 and {app.library.cluster_members(i)[0] for i in order} == {0, 3}
        await pilot.press("z")
        assert sorted(app.page_list.order) == [0, 1, 2, 3, 4]


async def test_the_story_screen_lists_every_version_and_enter_reads_one(seeds: Path) -> None:
    from newsread.tui.widgets import StoryVersions

    app = make_app([seeds], Pipeline.default())
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await wait_for_stories(app, pilot)
        await pilot.press("V")
        await pilot.pause()
        assert isinstance(app.screen, StoryVersions)
        assert [i for i, _ in app.screen.versions] == [0, 1, 2]
        summaries = app.library.summaries
        for index, line in app.screen.versions:
            assert summaries[index].label in line and f"{summaries[index].words_kept:,} words" in line
        await pilot.press("j", "j", "enter")
        await pilot.pause()
        assert not isinstance(app.screen, StoryVersions) and app.current == 2 and app.page_list.cursor == 2
        await pilot.press("z")  # folded: the cursor on the story's row (its first page)
        assert app.page_list.current_page == 0
        await pilot.press("V", "j", "enter")  # page 1, folded away: its story opens to show it
        await pilot.pause()
        assert app.current == 1 and app.page_list.current_page == 1 and list(app.page_list.order) == [0, 1, 2, 3]


async def test_z_with_every_page_listed_folds_only_the_story_under_the_cursor(seeds: Path) -> None:
    app = make_app([seeds], Pipeline.default())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await wait_for_stories(app, pilot)
        await pilot.press("j", "j", "j", "Z")  # on page 3 (a story of 3 and 4): that story folds, no other
        assert list(app.page_list.order) == [0, 1, 2, 3] and app.page_list.current_page == 3
        assert "story folded: 2 versions in one row" in app.status.shown.plain
        assert "1 story folded" in str(app.page_list.border_title)
        await pilot.press("g", "Z")  # then the first story, on its own: both folded now
        assert list(app.page_list.order) == [0, 3]
        await pilot.press("Z")  # opened again: its three pages where they were
        assert list(app.page_list.order) == [0, 1, 2, 3]
        await pilot.press("z")  # every story folded; z again lists every page, whatever Z did
        assert list(app.page_list.order) == [0, 3]
        await pilot.press("z")
        assert list(app.page_list.order) == [0, 1, 2, 3, 4]


async def test_the_story_screen_shows_each_versions_triage_and_marks(seeds: Path) -> None:
    from newsread.tui.widgets import StoryVersions

    app = make_app([seeds], Pipeline.default(), read_after=60)  # nothing read by being shown
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await wait_for_stories(app, pilot)
        await pilot.press("j", "plus", "j", "x")  # page 1 kept, page 2 marked; page 0 left unread
        await pilot.press("g", "V")
        await pilot.pause()
        assert isinstance(app.screen, StoryVersions)
        lines = {i: line.plain for i, line in app.screen.versions}
        assert "✓" in lines[1][:3]
        assert "◆" in lines[2][:3] and "✓" not in lines[2][:3]
        assert "•" in lines[0][:3] and "◆" not in lines[0][:3]
        drawn = "\n".join(str(app.screen.query_one("#story-versions").get_option_at_index(k).prompt) for k in range(3))
        assert "✓" in drawn and "◆" in drawn


async def test_story_keys_say_when_stories_are_not_known_yet(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """V, Z and v on a page before the folder is cleaned said "no other version", which was not known yet."""
    from newsread.tui.library import Library

    app = make_app([folder])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        with monkeypatch.context() as still_cleaning:
            still_cleaning.setattr(Library, "complete", property(lambda self: False))
            for key in ("V", "Z", "v"):
                await pilot.press(key)
                said = " ".join(app.status.shown.plain.split())
                assert "stories are found once the folder is cleaned (5/5)" in said, key
                assert "no other version" not in said
        await pilot.press("V")
        assert "this page has no other version in the folder" in " ".join(app.status.shown.plain.split())


async def test_triage_keys_in_the_story_screen_act_on_the_highlighted_version(seeds: Path) -> None:
    """In V, + did nothing at all (the screen took the key); it now keeps the version highlighted there."""
    from newsread.tui.widgets import StoryVersions

    app = make_app([seeds], Pipeline.default(), read_after=60)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await wait_for_stories(app, pilot)
        await pilot.press("V", "j", "plus")  # the second version (page 1), not the page in hand (page 0)
        await pilot.pause()
        assert isinstance(app.screen, StoryVersions)
        assert app.triage.states[1].decision == "kept" and app.triage.states[0].decision == "none"
        assert "✓" in dict(app.screen.versions)[1].plain[:3]  # the screen shows it at once
        await pilot.press("j", "x")
        await pilot.pause()
        assert app.marked == {2} and "◆" in dict(app.screen.versions)[2].plain[:3]
        await pilot.press("escape")
        assert app.triage.states[1].decision == "kept"
