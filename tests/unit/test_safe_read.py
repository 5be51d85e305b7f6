"""Reading input safely: only regular files are opened, any depth of folders is walked."""

from __future__ import annotations

import os
import socket
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest

from newsread.cleaners import Config, Pipeline, iter_sources, load_pages
from newsread.tui.triage import track_paths

T = TypeVar("T")


def finishes(work: Callable[[], T], seconds: float = 20) -> T:
    """``work()``'s result; fails the test (instead of hanging it) if it blocks."""
    out: list[T] = []
    thread = threading.Thread(target=lambda: out.append(work()), daemon=True)
    thread.start()
    thread.join(seconds)
    assert out, "blocked: a read never ended"
    return out[0]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX special files")
def test_pipes_devices_and_sockets_are_entries_with_an_error_never_opened(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("A real page about the harbour.\n")
    os.mkfifo(tmp_path / "fifo.txt")
    os.mkfifo(tmp_path / "fifo.html.gz")
    os.mkfifo(tmp_path / "fifo.warc")  # the archive listing must not open it either
    os.symlink("/dev/zero", tmp_path / "zero.html")  # endless bytes
    os.symlink("/dev/tty", tmp_path / "tty.txt")  # would read the user's keyboard
    server = socket.socket(socket.AF_UNIX)
    server.bind(os.fspath(tmp_path / "sock.txt"))
    try:
        pages = {p.id: p for p in finishes(lambda: list(load_pages([tmp_path])))}
    finally:
        server.close()
    assert pages["a.txt"].error is None
    assert "named pipe" in (pages["fifo.txt"].error or "")
    assert "named pipe" in (pages["fifo.html.gz"].error or "")
    assert "named pipe" in (pages["fifo.warc"].error or "")
    assert "character device" in (pages["zero.html"].error or "")
    assert "character device" in (pages["tty.txt"].error or "")
    assert "socket" in (pages["sock.txt"].error or "")
    cleaned = Pipeline.default(Config()).clean(pages["fifo.txt"])
    assert cleaned.body == "" and cleaned.page.error


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX special files")
def test_the_readers_page_tracking_does_not_open_a_pipe(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("A page.\n")
    os.mkfifo(tmp_path / "b.txt")
    tracked = finishes(lambda: track_paths([tmp_path]))
    assert [s.id for s, _ in tracked] == ["a.txt", "b.txt"]  # the pipe keeps its entry, hashed by path


def test_a_regular_file_behind_a_symlink_is_read(tmp_path: Path) -> None:
    (tmp_path / "real.txt").write_text("Behind a link.\n")
    os.symlink(tmp_path / "real.txt", tmp_path / "link.txt")
    pages = {p.id: p for p in load_pages([tmp_path])}
    assert pages["link.txt"].error is None and pages["link.txt"].text.strip() == "Behind a link."


def test_folders_nested_a_thousand_deep_are_walked(tmp_path: Path) -> None:
    deep = tmp_path
    for _ in range(1000):
        deep = deep / "d"
        deep.mkdir()
    (deep / "bottom.txt").write_text("At the bottom.\n")
    (tmp_path / "top.txt").write_text("At the top.\n")
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(400)  # well under the depth: only a walk without recursion gets there
    try:
        ids = [s.id for s in iter_sources([tmp_path])]
    finally:
        sys.setrecursionlimit(limit)
        (deep / "bottom.txt").unlink()
        while deep != tmp_path:  # bottom up: shutil.rmtree (pytest's clean-up) recurses
            deep.rmdir()
            deep = deep.parent
    assert ids == ["d/" * 1000 + "bottom.txt", "top.txt"]  # depth first, in name order


def test_walk_order_is_depth_first_in_name_order(tmp_path: Path) -> None:
    for name in ["b/z.txt", "b/a/y.txt", "a.txt", "b/a/x/w.txt", "c.txt", "b/b.txt"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    assert [s.id for s in iter_sources([tmp_path])] == [
        "a.txt",
        "b/a/x/w.txt",
        "b/a/y.txt",
        "b/b.txt",
        "b/z.txt",
        "c.txt",
    ]


def test_a_folder_that_cannot_be_listed_is_an_entry_with_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a.txt").write_text("x")
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "inside.txt").write_text("x")
    real_scandir = os.scandir

    def scandir(path: Any) -> Any:  # as for a folder without read permission (root could list it anyway)
        if os.fspath(path) == os.fspath(locked):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    pages = {p.id: p for p in load_pages([tmp_path])}
    assert list(pages) == ["a.txt", "locked"]
    assert pages["locked"].error == "is a folder that cannot be opened: Permission denied"
