"""Durability: a process killed with SIGKILL mid-triage loses at most the action in flight."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from newsread.tui.triage import PageRef, open_store

pytestmark = [pytest.mark.slow]

PAGES = 50

# Each action tags a selection of three pages with a tag of its own, then says "ack N" once the call returned.
WRITER = textwrap.dedent(
    """
    import sys
    from newsread.tui.triage import PageRef, TriageStore

    store = TriageStore(sys.argv[1])
    start = int(sys.argv[2])
    store.attach(PageRef(f"p{i}", "/kill", f"p{i}", f"hash{i}") for i in range(PAGES))
    print("ready", flush=True)
    i = start
    while True:
        pages = [f"p{(i + k) % PAGES}" for k in range(3)]
        if i % 2:
            store.tag(pages, f"t{i}")
        else:
            store.tag(pages, f"t{i}")
            store.decide(pages[:1], ("kept", "starred", "discarded")[i % 3])
        print(f"ack {i}", flush=True)
        i += 1
    """
).replace("PAGES", str(PAGES))


def run_and_kill(state: Path, start: int, acks_wanted: int) -> list[int]:
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(state), str(start)], stdout=subprocess.PIPE, text=True, bufsize=1
    )
    acked: list[int] = []
    assert proc.stdout is not None
    deadline = time.monotonic() + 60
    try:
        assert proc.stdout.readline().strip() == "ready"
        while len(acked) < acks_wanted and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            acked.append(int(line.split()[1]))
    finally:
        proc.send_signal(signal.SIGKILL)  # no chance to commit, close or checkpoint
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert len(acked) == acks_wanted, "the writer stopped early"
    return acked


def test_sigkill_mid_triage_loses_nothing_acknowledged(tmp_path: Path) -> None:
    state = tmp_path / "triage.sqlite3"
    all_acked: list[int] = []
    start = 0
    for round_ in range(3):
        acked = run_and_kill(state, start, 40 + 25 * round_)
        all_acked += acked
        start = acked[-1] + 2  # the action after the last ack may or may not have been committed

        conn = sqlite3.connect(state)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        tags: dict[str, set[str]] = {}
        for tag, relpath in conn.execute("SELECT t.tag, p.relpath FROM tags t JOIN pages p ON p.row = t.row"):
            tags.setdefault(tag, set()).add(relpath)
        conn.close()
        for i in all_acked:
            assert tags.get(f"t{i}") == {f"p{(i + k) % PAGES}" for k in range(3)}, f"acknowledged action {i} lost"
        # the action in flight is all or nothing
        assert all(len(pages) == 3 for pages in tags.values())

    store, notices = open_store(state)
    assert notices == []
    store.attach(PageRef(f"p{i}", "/kill", f"p{i}", f"hash{i}") for i in range(PAGES))
    # the undo log survived too: undoing the last acknowledged actions works after the crash
    last = all_acked[-1]
    while f"t{last}" in store.state(f"p{last % PAGES}").tags:
        assert store.undo().changed > 0
    assert f"t{last}" not in store.state(f"p{(last + 2) % PAGES}").tags
