"""What cleaning learns reaches triage's word index a bounded batch at a time, and all of it arrives.

Pages cleaned before the triage state is read (a big folder is hashed for seconds) wait in a queue;
writing them all in one go froze the reader's screen for more than a second at 10,000 pages.
"""

from __future__ import annotations

from pathlib import Path

from newsread.tui.triage import Filter, PageInfo
from newsread.tui.triage_session import INFO_MOST, TriageSession, load_state


def test_a_backlog_of_learned_pages_is_written_in_bounded_batches_and_every_page_becomes_findable(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "pages"
    folder.mkdir()
    count = 2 * INFO_MOST + 30
    for n in range(count):
        (folder / f"p{n:04d}.txt").write_text(f"Page {n}\nSome text.\n", encoding="utf-8")
    session = TriageSession()
    session.start(load_state(None, [str(folder)]))
    ids = sorted(p.relative_to(folder).as_posix() for p in folder.iterdir())
    session.index(ids)
    for n, page_id in enumerate(ids):
        session.learn(PageInfo(page_id, title=f"Harbour levy {n}" if n == count - 1 else f"Story {n}", body="text"))
    written = []
    while batch := session.flush_infos(force=True):
        written.append(batch)
    assert written == [INFO_MOST, INFO_MOST, 30]
    assert session.query(Filter(text="harbour levy")) == [count - 1]
    session.close()
