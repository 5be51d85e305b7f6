"""Opening input files safely: only regular files (or symlinks to them) are ever opened to be read."""

from __future__ import annotations

import os
import stat
from typing import BinaryIO

_KINDS = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


class NotAFile(OSError):
    """The path is not a regular file (a folder, a pipe, a device, a socket): it is never opened to be read."""


def _check_regular(mode: int, path: str | os.PathLike[str]) -> None:
    if stat.S_ISREG(mode):
        return
    if stat.S_ISDIR(mode):
        try:
            os.scandir(path).close()
        except OSError as exc:
            raise NotAFile(f"is a folder that cannot be opened: {exc.strerror or exc}") from None
        raise IsADirectoryError(path)
    what = next((kind for test, kind in _KINDS if test(mode)), "not a regular file")
    raise NotAFile(f"not a page: is {what}, so it is not read")


def open_regular(path: str | os.PathLike[str]) -> BinaryIO:
    """Open a regular file (or a symlink to one) for reading; anything else raises :class:`NotAFile`.

    A FIFO, a terminal or a device would block a read or never end it: it is stat-ed, never opened, and
    the open itself is non-blocking as well, in case the path is swapped for one in between.
    """
    _check_regular(os.stat(path).st_mode, path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags)
    try:
        _check_regular(os.fstat(fd).st_mode, path)
    except BaseException:
        os.close(fd)
        raise
    return os.fdopen(fd, "rb")
