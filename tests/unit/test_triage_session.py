"""The reader's triage session: what cleaning learned waits, bounded, until the triage state is read."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsread.tui import triage_session
from newsread.tui.triage import Filter, PageInfo
from newsread.tui.triage_session import TriageSession, load_state

WORDS = ["harbour", "levy", "glacier", "senate", "orchard", "tariff", "comet", "ferry", "vaccine", "quarry"]


def test_pages_learned_before_the_state_is_read_all_reach_the_word_index_in_bounded_batches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(triage_session, "INFO_IN_MEMORY", 4)  # the rest wait in a temporary file
    monkeypatch.setattr(triage_session, "INFO_MOST", 3)
    folder = tmp_path / "pages"
    folder.mkdir()
    ids = [f"p{k:02d}.txt" for k in range(len(WORDS))]
    for page_id in ids:
        (folder / page_id).write_text("A page.\n", encoding="utf-8")
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
