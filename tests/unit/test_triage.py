"""Triage state: actions, undo/redo, persistence, identity across rename/move, damaged files, filters."""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from newsread.tui.triage import (
    Filter,
    PageInfo,
    PageRef,
    StateError,
    TriageStore,
    open_store,
    track_paths,
)


def make_folder(root: Path, n: int = 4) -> Path:
    folder = root / "pages"
    folder.mkdir(parents=True)
    for i in range(n):
        (folder / f"p{i}.txt").write_text(f"Story number {i}\nIt has its own body {i}.\n", encoding="utf-8")
    return folder


def open_folder(state: Path, folder: Path) -> tuple[TriageStore, list[str]]:
    store, notices = open_store(state)
    assert notices == []
    tracked = track_paths([folder])
    store.attach(ref for _, ref in tracked)
    return store, [s.id for s, _ in tracked]


@pytest.fixture
def store(tmp_path: Path) -> TriageStore:
    s = TriageStore(tmp_path / "state.sqlite3")
    s.attach(PageRef(f"p{i}", "/news", f"p{i}", f"hash{i}") for i in range(5))
    return s


# -- actions ---------------------------------------------------------------------------------------------------


def test_keep_star_discard_set_the_decision_and_pressing_again_clears_it(store: TriageStore) -> None:
    store.keep(["p0"])
    store.star(["p1"])
    store.discard(["p2"])
    assert [store.state(p).status for p in ("p0", "p1", "p2", "p3")] == ["kept", "starred", "discarded", "undecided"]
    result = store.keep(["p0"])
    assert store.state("p0").status == "undecided"
    assert result.page_ids == ("p0",) and "unkept" in result.description


def test_an_action_on_a_selection_changes_every_page_and_is_one_undo_step(store: TriageStore) -> None:
    result = store.star(["p0", "p1", "p2"])
    assert result.changed == 3 and "3 pages" in result.description
    store.discard(["p1"])
    assert store.state("p1").decision == "discarded"
    # a mixed selection is not a toggle: all become starred
    store.star(["p0", "p1"])
    assert {store.state(p).decision for p in ("p0", "p1", "p2")} == {"starred"}
    store.undo()
    store.undo()
    store.undo()
    assert {store.state(p).decision for p in ("p0", "p1", "p2")} == {"none"}


def test_tags_are_added_and_removed_on_selections(store: TriageStore) -> None:
    store.tag(["p0", "p1"], "  climate  policy ")
    store.tag(["p1"], "eu")
    assert store.state("p1").tags == ("climate policy", "eu")
    store.untag(["p0", "p1"], "climate policy")
    assert store.state("p0").tags == () and store.state("p1").tags == ("eu",)
    assert store.all_tags() == [("eu", 1)]
    with pytest.raises(ValueError):
        store.tag(["p0"], "  ")


def test_opening_marks_read_without_an_undo_step_but_set_read_is_undoable(store: TriageStore) -> None:
    store.keep(["p3"])
    store.opened("p0")
    assert store.state("p0").read
    store.undo()  # undoes the keep, not the read mark
    assert store.state("p0").read and store.state("p3").decision == "none"
    store.set_read(["p0", "p1"], False)
    assert not store.state("p0").read
    store.undo()
    assert store.state("p0").read and not store.state("p1").read


def test_an_action_that_changes_nothing_leaves_no_undo_step(store: TriageStore) -> None:
    store.decide(["p0"], "kept")
    result = store.decide(["p0"], "kept")
    assert result.changed == 0
    store.undo()
    assert not store.can_undo()


def test_unknown_pages_and_decisions_are_refused(store: TriageStore) -> None:
    with pytest.raises(KeyError):
        store.keep(["nope"])
    with pytest.raises(ValueError):
        store.decide(["p0"], "liked")  # type: ignore[arg-type]


# -- undo / redo -----------------------------------------------------------------------------------------------


def test_undo_and_redo_walk_the_history_and_a_new_action_drops_the_redo_branch(store: TriageStore) -> None:
    store.keep(["p0"])
    store.tag(["p0"], "x")
    store.star(["p1"])
    assert store.undo().description == "undid: starred 1 page"
    assert store.undo().page_ids == ("p0",)
    assert store.state("p0").tags == () and store.state("p1").decision == "none"
    store.redo()
    assert store.state("p0").tags == ("x",)
    store.discard(["p2"])  # new action: the undone star can no longer be redone
    assert not store.can_redo()
    assert store.redo().changed == 0
    store.undo()
    store.undo()
    store.undo()
    assert store.undo().description == "nothing to undo"
    assert all(s.decision == "none" and not s.tags for s in store.states().values())


def test_undo_survives_a_restart(tmp_path: Path) -> None:
    folder = make_folder(tmp_path)
    state = tmp_path / "state" / "triage.sqlite3"
    store, ids = open_folder(state, folder)
    store.discard(ids[:2])
    store.close()
    store, ids = open_folder(state, folder)
    assert store.state(ids[0]).decision == "discarded"
    store.undo()
    assert store.state(ids[0]).decision == "none" and store.state(ids[1]).decision == "none"
    store.close()
    store, ids = open_folder(state, folder)
    store.redo()
    assert store.state(ids[1]).decision == "discarded"


# -- persistence and identity ----------------------------------------------------------------------------------


def test_state_persists_across_restarts(tmp_path: Path) -> None:
    folder = make_folder(tmp_path)
    state = tmp_path / "triage.sqlite3"
    store, ids = open_folder(state, folder)
    store.star([ids[0]])
    store.tag([ids[0], ids[1]], "later")
    store.opened(ids[2])
    store.close()
    store, ids = open_folder(state, folder)
    states = store.states()
    assert states[ids[0]].status == "starred" and states[ids[0]].tags == ("later",)
    assert states[ids[1]].tags == ("later",) and states[ids[2]].read and not states[ids[3]].read
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


def test_a_renamed_file_keeps_its_state(tmp_path: Path) -> None:
    folder = make_folder(tmp_path)
    state = tmp_path / "triage.sqlite3"
    store, _ = open_folder(state, folder)
    store.keep(["p1.txt"])
    store.tag(["p1.txt"], "read later")
    store.close()
    (folder / "p1.txt").rename(folder / "renamed story.txt")
    store, ids = open_folder(state, folder)
    assert "p1.txt" not in ids
    assert store.state("renamed story.txt").decision == "kept"
    assert store.state("renamed story.txt").tags == ("read later",)
    assert store.counts()["kept"] == 1


def test_a_moved_folder_keeps_its_state_and_the_input_is_never_written(tmp_path: Path) -> None:
    folder = make_folder(tmp_path / "a")
    state = tmp_path / "triage.sqlite3"
    store, _ = open_folder(state, folder)
    store.discard(["p2.txt"])
    store.close()
    moved = tmp_path / "b" / "elsewhere"
    moved.parent.mkdir()
    shutil.move(folder, moved)
    before = sorted(os.listdir(moved))
    store, _ = open_folder(state, moved)
    assert store.state("p2.txt").decision == "discarded"
    assert store.counts()["discarded"] == 1
    assert sorted(os.listdir(moved)) == before


def test_a_file_edited_in_place_keeps_its_state_by_path(tmp_path: Path) -> None:
    folder = make_folder(tmp_path)
    state = tmp_path / "triage.sqlite3"
    store, _ = open_folder(state, folder)
    store.star(["p0.txt"])
    store.close()
    (folder / "p0.txt").write_text("Story number 0, corrected\n", encoding="utf-8")
    store, _ = open_folder(state, folder)
    assert store.state("p0.txt").decision == "starred"


def test_identical_copies_in_one_folder_each_have_their_own_state(tmp_path: Path) -> None:
    folder = make_folder(tmp_path, 1)
    shutil.copy(folder / "p0.txt", folder / "copy.txt")
    state = tmp_path / "triage.sqlite3"
    store, ids = open_folder(state, folder)
    assert ids == ["copy.txt", "p0.txt"]
    store.keep(["p0.txt"])
    assert store.state("copy.txt").decision == "none"
    store.close()
    store, _ = open_folder(state, folder)
    assert store.state("p0.txt").decision == "kept" and store.state("copy.txt").decision == "none"


def test_page_ids_of_several_paths_match_the_loader(tmp_path: Path) -> None:
    a = make_folder(tmp_path / "a", 2)
    single = tmp_path / "single.txt"
    single.write_text("One page\n", encoding="utf-8")
    from newsread.cleaners import iter_sources

    tracked = track_paths([a, single])
    assert [s.id for s, _ in tracked] == [s.id for s in iter_sources([a, single])]
    assert tracked[-1][1].relpath == "single.txt"


def test_pages_of_two_folders_of_the_same_name_keep_their_own_state(tmp_path: Path) -> None:
    for where in ("p", "q"):  # the same names, different bodies
        (tmp_path / where / "news").mkdir(parents=True)
        (tmp_path / where / "news" / "x.txt").write_text(f"Story from {where}\nBody {where}.\n", encoding="utf-8")
    folders = [tmp_path / "p" / "news", tmp_path / "q" / "news"]
    store, _ = open_store(tmp_path / "triage.sqlite3")
    tracked = track_paths(folders)
    ids = [s.id for s, _ in tracked]
    assert len(set(ids)) == 2 and [r.relpath for _, r in tracked] == ["x.txt", "x.txt"]
    store.attach(ref for _, ref in tracked)
    store.keep([ids[0]])
    assert store.state(ids[0]).decision == "kept" and store.state(ids[1]).decision == "none"
    store.close()
    store, _ = open_store(tmp_path / "triage.sqlite3")  # the next run, the folders given the other way round
    store.attach(ref for _, ref in track_paths(folders[::-1]))
    assert store.state(ids[0]).decision == "kept" and store.state(ids[1]).decision == "none"
    store.close()


# -- damaged and newer state files ------------------------------------------------------------------------------


def test_a_corrupt_state_file_is_moved_aside_and_a_fresh_one_started(tmp_path: Path) -> None:
    state = tmp_path / "triage.sqlite3"
    junk = os.urandom(8192)
    state.write_bytes(junk)
    with pytest.raises(StateError, match="--state"):
        open_store(state, for_writing=False)  # export never moves anything
    assert state.read_bytes() == junk
    store, notices = open_store(state)
    assert len(notices) == 1 and "moved to" in notices[0] and "fresh" in notices[0]
    aside = [p for p in tmp_path.iterdir() if p.name.startswith("triage.sqlite3.corrupt-")]
    assert len(aside) == 1 and aside[0].read_bytes() == junk and str(aside[0]) in notices[0]
    store.attach([PageRef("a", "/r", "a", "h")])
    store.keep(["a"])
    assert store.counts()["kept"] == 1


def test_a_damaged_sqlite_file_is_caught_by_the_integrity_check(tmp_path: Path) -> None:
    state = tmp_path / "triage.sqlite3"
    store = TriageStore(state)
    store.attach(PageRef(f"p{i}", "/r", f"p{i}", f"h{i}" * 40) for i in range(2000))
    store.close()
    data = bytearray(state.read_bytes())
    data[4096 * 3 : 4096 * 3 + 512] = os.urandom(512)  # a page in the middle of the file
    state.write_bytes(bytes(data))
    store, notices = open_store(state)
    assert notices and "moved to" in notices[0]
    assert store.counts()["total"] == 0


def test_someone_elses_database_is_refused_untouched(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE mine(x)")
    conn.commit()
    conn.close()
    before = other.read_bytes()
    with pytest.raises(StateError, match="not a newsread state file"):
        open_store(other, for_writing=False)
    store, notices = open_store(other)  # the reader goes on, saving nothing, and says why
    assert len(notices) == 1 and "not a newsread state file" in notices[0] and "not saved" in notices[0]
    store.attach([PageRef("a", "/r", "a", "h")])
    store.keep(["a"])
    store.close()
    assert other.read_bytes() == before


def test_a_state_file_from_a_newer_version_is_never_written(tmp_path: Path) -> None:
    state = tmp_path / "triage.sqlite3"
    TriageStore(state).close()
    conn = sqlite3.connect(state)
    conn.execute("PRAGMA user_version = 99")
    conn.commit()
    conn.close()
    before = state.read_bytes()
    with pytest.raises(StateError, match="newer newsread"):
        open_store(state, for_writing=False)
    store, notices = open_store(state)
    assert len(notices) == 1 and "newer" in notices[0] and "not saved" in notices[0] and "--state" in notices[0]
    store.attach([PageRef("a", "/r", "a", "h")])
    store.keep(["a"])  # triage works for this run, in memory
    assert store.state("a").decision == "kept"
    store.close()
    assert state.read_bytes() == before


# -- filters, counts, next -------------------------------------------------------------------------------------


def test_filters_by_status_tag_site_date_and_text(store: TriageStore) -> None:
    store.set_info_many(
        [
            PageInfo("p0", "Harbour reopens", "Coast Herald", "2024-05-03", "Fishing boats return to the quay."),
            PageInfo("p1", "Budget vote", "Capital Times", "2024-06-10", "Parliament passed the harbour levy."),
            PageInfo("p2", "Élections régionales", "Le Journal", "2023-12-01", "Les électeurs ont voté dimanche."),
            PageInfo("p3", "Weather", "Coast Herald", None, "Rain 50% likely"),
        ]
    )
    store.keep(["p0"])
    store.star(["p1"])
    store.tag(["p0", "p1"], "harbour")
    store.tag(["p1"], "money")
    store.opened("p2")
    assert store.query(Filter()) == ["p0", "p1", "p2", "p3", "p4"]
    assert store.query(Filter(statuses=frozenset({"kept", "starred"}))) == ["p0", "p1"]
    assert store.query(Filter(statuses=frozenset({"undecided"}))) == ["p2", "p3", "p4"]
    assert store.query(Filter(statuses=frozenset({"read"}))) == ["p2"]
    assert store.query(Filter(tags=frozenset({"harbour", "money"}))) == ["p1"]
    assert store.query(Filter(site="coast")) == ["p0", "p3"]
    assert store.query(Filter(dates=(("2024-05", "2024-05"),))) == ["p0"]
    assert store.query(Filter(dates=(("2024", None),))) == ["p0", "p1"]
    assert store.query(Filter(dates=((None, "2023"),))) == ["p2"]
    assert store.query(Filter(text="HARBOUR")) == ["p0", "p1"]  # title of one, body of the other
    assert store.query(Filter(text="électeurs")) == ["p2"]
    assert store.query(Filter(text="50%")) == ["p3"]
    assert store.query(Filter(text="quay", statuses=frozenset({"starred"}))) == []
    with pytest.raises(ValueError):
        Filter(statuses=frozenset({"loved"}))


def test_a_page_dated_so_that_it_reads_both_ways_is_found_by_either_reading(store: TriageStore) -> None:
    # The list shows 03/04/2019 as written (3 April or March 4): `date:2019`, `date:2019-04` found no such page.
    store.set_info_many(
        [
            PageInfo("p0", "Both ways", "s", "03/04/2019", "body"),
            PageInfo("p1", "Early April", "s", "2019-04-03", "body"),
            PageInfo("p2", "Early March", "s", "2019-03-04", "body"),
            PageInfo("p3", "No date in figures", "s", "Tuesday", "body"),
            PageInfo("p4", "May", "s", "2019-05-20", "body"),
        ]
    )
    assert store.query(Filter(dates=(("2019", "2019"),))) == ["p0", "p1", "p2", "p4"]
    assert store.query(Filter(dates=(("2019-04", "2019-04"),))) == ["p0", "p1"]
    assert store.query(Filter(dates=(("2019-03", "2019-03"),))) == ["p0", "p2"]
    assert store.query(Filter(dates=(("2019-05", "2019-05"),))) == ["p4"]
    assert store.query(Filter(dates=(("2019-03-05", "2019-03-31"),))) == []  # neither reading is in there
    assert store.query(Filter(dates=(("2019-05", None),))) == ["p4"]  # (an open end: not "Tuesday")
    days = (("2019-03-04", "2019-03-04"), ("2019-04-03", "2019-04-03"))  # `date:03/04/2019`
    assert store.query(Filter(dates=days)) == ["p0", "p1", "p2"]


def test_text_filter_without_fts_gives_the_same_answers(store: TriageStore) -> None:
    store.set_info_many([PageInfo("p0", "Harbour reopens", None, None, "boats"), PageInfo("p1", "x", None, None, "")])
    with_fts = [store.query(Filter(text=t)) for t in ("harb", "boats", "zz", "ha")]
    store.fts = False
    assert (
        [store.query(Filter(text=t)) for t in ("harb", "boats", "zz", "ha")]
        == with_fts
        == [
            ["p0"],
            ["p0"],
            [],
            ["p0"],
        ]
    )


def test_updating_a_page_info_replaces_its_searchable_text(store: TriageStore) -> None:
    store.set_info(PageInfo("p0", "Old title", None, None, "old body"))
    store.set_info(PageInfo("p0", "New title", None, None, "new body"))
    assert store.query(Filter(text="old")) == [] and store.query(Filter(text="new body")) == ["p0"]


def test_counts_per_status(store: TriageStore) -> None:
    store.keep(["p0", "p1"])
    store.discard(["p2"])
    store.opened("p0")
    assert store.counts() == {
        "unread": 4,
        "read": 1,
        "undecided": 2,
        "kept": 2,
        "starred": 0,
        "discarded": 1,
        "total": 5,
    }


def test_next_unread_and_next_undecided_follow_the_given_order_and_wrap(store: TriageStore) -> None:
    order = ["p4", "p3", "p2", "p1", "p0"]
    store.opened("p3")
    store.opened("p2")
    assert store.next_unread(order, "p4") == "p1"
    assert store.next_unread(order, None) == "p4"
    store.keep(["p1", "p0"])
    assert store.next_undecided(order, "p2") == "p4"  # wraps round
    store.decide(["p4", "p3", "p2"], "discarded")
    assert store.next_undecided(order, "p2") is None
    store.set_read(order, True)
    assert store.next_unread(order, "p0") is None


def test_ten_thousand_pages_filter_correctly(tmp_path: Path) -> None:
    store = TriageStore(tmp_path / "big.sqlite3")
    n = 10_000
    store.attach(PageRef(f"{i:05}.txt", "/big", f"{i:05}.txt", f"{i:064x}") for i in range(n))
    sites = ["alpha.example", "beta.example", "gamma.example"]
    store.set_info_many(
        PageInfo(f"{i:05}.txt", f"Title {i}", sites[i % 3], f"2024-{i % 12 + 1:02}-01", f"body of page {i} " * 20)
        for i in range(n)
    )
    store.keep([f"{i:05}.txt" for i in range(0, n, 7)])
    store.tag([f"{i:05}.txt" for i in range(0, n, 5)], "five")
    expected = [f"{i:05}.txt" for i in range(n) if i % 7 == 0 and i % 5 == 0 and i % 3 == 1]
    got = store.query(Filter(statuses=frozenset({"kept"}), tags=frozenset({"five"}), site="beta"))
    assert got == expected
    assert store.query(Filter(text="page 9999 ")) == ["09999.txt"]
    assert store.counts()["kept"] == len(range(0, n, 7))


def test_text_filter_finds_words_in_any_order_without_accents_and_unspaced_scripts(store: TriageStore) -> None:
    store.set_info_many(
        [
            PageInfo("p0", "Élection à Genève", None, None, "Le conseil a voté."),
            PageInfo("p1", "东京的新闻", None, None, "今日は港が再開しました。"),
            PageInfo("p2", "Harbour levy passed", None, None, "The levy pays for the quay."),
        ]
    )
    assert store.query(Filter(text="election geneve")) == ["p0"]
    assert store.query(Filter(text="quay harb")) == ["p2"]
    assert store.query(Filter(text="港が再開")) == ["p1"]  # inside a run of CJK text
    assert store.query(Filter(text="新闻")) == ["p1"]
    assert store.query(Filter(text="harbour geneve")) == []


def test_storing_the_same_info_again_writes_nothing(store: TriageStore) -> None:
    infos = [PageInfo(f"p{i}", f"Title {i}", "site", "2024-01-01", f"body {i}") for i in range(5)]
    store.set_info_many(infos)
    before = store.conn.total_changes
    store.set_info_many(infos)
    assert store.conn.total_changes == before
    store.set_info_many([PageInfo("p0", "Title 0", "site", "2024-01-02", "body 0")])
    assert store.conn.total_changes > before
    assert store.query(Filter(dates=(("2024-01-02", None),))) == ["p0"]


def test_an_action_that_cannot_be_saved_raises_a_clear_error_and_changes_nothing(tmp_path: Path) -> None:
    state = tmp_path / "triage.sqlite3"
    store = TriageStore(state)
    store.attach(PageRef(f"p{i}", "/r", f"p{i}", f"h{i}") for i in range(2))
    store.conn.execute("PRAGMA busy_timeout = 50")
    other = sqlite3.connect(state, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    with pytest.raises(StateError, match="not saved"):
        store.keep(["p0"])
    other.execute("ROLLBACK")
    other.close()
    assert store.state("p0").decision == "none" and not store.can_undo()
    store.keep(["p0"])
    assert store.state("p0").decision == "kept"


def test_undo_in_one_folder_never_touches_another_folders_pages(tmp_path: Path) -> None:
    state = tmp_path / "triage.sqlite3"
    a = make_folder(tmp_path / "a", 2)
    b = tmp_path / "b"
    b.mkdir()
    (b / "other.txt").write_text("A different story\n", encoding="utf-8")
    store, _ = open_folder(state, a)
    store.keep(["p0.txt"])
    store.close()
    store, _ = open_folder(state, b)
    assert not store.can_undo()
    assert store.undo().changed == 0
    store.star(["other.txt"])
    store.undo()
    store.close()
    store, _ = open_folder(state, a)
    assert store.state("p0.txt").decision == "kept"
    assert store.can_undo() and not store.can_redo()
    store.undo()
    assert store.state("p0.txt").decision == "none"


def test_the_undo_history_is_bounded(store: TriageStore, monkeypatch: pytest.MonkeyPatch) -> None:
    from newsread.tui import triage

    monkeypatch.setattr(triage, "LOG_LIMIT", 3)
    for i in range(5):
        store.tag(["p0"], f"t{i}")
    undone = 0
    while store.undo().changed:
        undone += 1
    assert undone == 3 and store.state("p0").tags == ("t0", "t1")
    assert store.conn.execute("SELECT count(*) FROM action_rows").fetchone()[0] == 3


def test_hashing_stops_when_asked(tmp_path: Path) -> None:
    folder = make_folder(tmp_path, 6)
    seen: list[int] = []

    def stop() -> bool:
        seen.append(1)
        return len(seen) > 3

    assert len(track_paths([folder], stop=stop)) == 3
    assert len(track_paths([folder])) == 6


def test_file_names_with_undecodable_bytes_keep_their_state(tmp_path: Path) -> None:
    folder = tmp_path / "pages"
    folder.mkdir()
    name = os.fsdecode(b"latin1-\xe9t\xe9.txt")  # not UTF-8: the name holds surrogate escapes
    (folder / name).write_text("Story about the summer\nIts body.\n", encoding="utf-8")
    state = tmp_path / "state.sqlite3"
    store, ids = open_folder(state, folder)
    assert ids == [name]
    store.keep(ids)
    store.set_info_many([PageInfo(name, title="Summer \udce9", body="body")])
    assert store.query(Filter(statuses=frozenset({"kept"}))) == [name]
    store.close()
    (folder / name).write_text("Story about the summer, edited\nIts body.\n", encoding="utf-8")  # same path
    store, ids = open_folder(state, folder)
    assert store.state(name).decision == "kept"
    store.close()
