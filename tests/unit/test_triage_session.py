"""The reader's triage session: what cleaning learned waits, bounded, until the triage state is read."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from newsread.tui import triage_session
from newsread.tui.triage import Filter, PageInfo
from newsread.tui.triage_session import TriageSession, load_state

WORDS = ["harbour", "levy", "glacier", "senate", "orchard", "tariff", "comet", "ferry", "vaccine", "quarry"]


def pages(tmp_path: Path) -> tuple[Path, list[str]]:
    """A folder of one page per word, and the pages' ids."""
    folder = tmp_path / "pages"
    folder.mkdir()
    ids = [f"p{k:02d}.txt" for k in range(len(WORDS))]
    for page_id in ids:
        (folder / page_id).write_text("A page.\n", encoding="utf-8")
    return folder, ids


def test_pages_learned_before_the_state_is_read_all_reach_the_word_index_in_bounded_batches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(triage_session, "INFO_IN_MEMORY", 4)  # the rest wait in a temporary file
    monkeypatch.setattr(triage_session, "INFO_MOST", 3)
    folder, ids = pages(tmp_path)
    session = TriageSession()
    # A big folder is cleaned long before its state is read: what was learned waits, mostly out of memory.
    for page_id, word in zip(ids, WORDS, strict=True):
        session.learn(PageInfo(page_id, title=f"On the {word}", body=f"News about the {word} today ünïcode"))
    assert session.flush_infos(force=True) == 0  # not ready: nothing written, nothing lost
    assert session.pending_infos == len(WORDS) and len(session._infos) == 4
    session.start(load_state(tmp_path / "state.sqlite3", [str(folder)]))
    session.index(ids)
    written = []
    while n := session.flush_infos(force=True):
        written.append(n)
    assert written == [3, 3, 3, 1]  # a bounded pause of the UI thread each time
    assert session.pending_infos == 0
    for k, word in enumerate(WORDS):
        assert session.query(Filter(text=word)) == [k]
    assert session.query(Filter(text="ünïcode")) == list(range(len(WORDS)))
    session.close()
    assert sorted(p.name for p in folder.iterdir()) == ids  # nothing written into the folder


def test_a_thread_of_its_own_writes_what_cleaning_learned_while_the_ui_thread_writes_nothing(tmp_path: Path) -> None:
    folder, ids = pages(tmp_path)
    session = TriageSession()
    session.start(load_state(tmp_path / "state.sqlite3", [str(folder)]))
    session.index(ids)
    assert session.start_writing(lambda: True)
    for page_id, word in zip(ids, WORDS, strict=True):
        session.learn(PageInfo(page_id, title=f"On the {word}", body=f"News about the {word} today"))
    deadline = time.monotonic() + 10
    written = 0
    while written < len(WORDS) and time.monotonic() < deadline:
        written += session.take_written()
        time.sleep(0.01)
    assert written == len(WORDS) and session.pending_infos == 0
    for k, word in enumerate(WORDS):
        assert session.query(Filter(text=word)) == [k]  # the UI's own connection sees what the thread wrote
    session.close()
    assert not session.writing or not session._writing.is_alive()  # type: ignore[union-attr]


def test_a_store_in_memory_is_written_by_the_ui_thread(tmp_path: Path) -> None:
    session = TriageSession()
    session.start(load_state(None, [str(tmp_path)]))
    session.index([])
    assert not session.start_writing(lambda: True) and not session.writing
    session.close()


def test_a_state_file_inside_the_folder_being_read_is_not_written_and_the_reader_says_so(tmp_path: Path) -> None:
    folder, ids = pages(tmp_path)
    loaded = load_state(folder / "state" / "triage.sqlite3", [str(folder)])  # e.g. XDG_STATE_HOME in the folder
    assert loaded.unsaved and any("inside the folder being read" in n for n in loaded.notices)
    loaded.store.close()
    assert sorted(p.name for p in folder.iterdir()) == ids  # no state file, no -wal/-shm among the pages


def test_byte_identical_copies_share_every_action(tmp_path: Path) -> None:
    """Identical files are the same page (the README): keeping, tagging or reading one does it to every copy."""
    folder = tmp_path / "pages"
    folder.mkdir()
    for name in ("a.txt", "b.txt", "sub_c.txt"):
        (folder / name).write_text("The same story, byte for byte.\n", encoding="utf-8")
    (folder / "d.txt").write_text("Another story altogether.\n", encoding="utf-8")
    ids = ["a.txt", "b.txt", "d.txt", "sub_c.txt"]
    session = TriageSession()
    session.start(load_state(tmp_path / "state.sqlite3", [str(folder)]))
    session.index(ids)
    result = session.decide([1], "kept")
    assert [session.states[i].decision for i in range(4)] == ["kept", "kept", "none", "kept"]
    assert "2 identical copies included" in result.description
    session.tag([0], ["later"], [])
    assert [session.states[i].tags for i in range(4)] == [("later",), ("later",), (), ("later",)]
    assert session.opened(3)
    assert [session.states[i].read for i in range(4)] == [True, True, False, True]
    session.undo()  # the tag, from every copy at once
    assert all(session.states[i].tags == () for i in range(4))
    session.close()
