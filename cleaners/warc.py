"""Web archives: a .warc or .warc.gz file opens as a folder of its HTML response records.

warcio reports damaged records by writing to stderr; here its words are caught and become the page's
notes instead, so a batch run's stderr and the reader's screen stay clean.
"""

from __future__ import annotations

import contextlib
import io
import os
import threading
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from .files import open_regular

WARC_SUFFIXES = (".warc", ".warc.gz")
_MAGIC = b"WARC/"
_CHUNK = 1 << 16


def is_warc(path: str | os.PathLike[str]) -> bool:
    return os.fspath(path).lower().endswith(WARC_SUFFIXES)


class NotWarc(ValueError):
    """A file named like a web archive whose content is not one."""


@dataclass(frozen=True, slots=True)
class WarcRecord:
    offset: int  # where the record starts in the (possibly compressed) file
    url: str
    number: int  # 1-based among the file's HTML responses


@dataclass(slots=True)
class Response:
    """One HTTP response record, as far as it could be read."""

    body: bytes
    charset: str | None
    url: str
    status: int | None  # the HTTP status code (None: the record has no readable status line)
    reason: str = ""  # the status line after the code ("Not Found")
    truncated: bool = False  # the record ends before the length its header declares
    warnings: list[str] = field(default_factory=list)  # what warcio said about the record


# redirect_stderr swaps a process-wide stream: threads reading archives at once take turns.
_STDERR = threading.Lock()


@contextlib.contextmanager
def _warcio_says(into: list[str]) -> Iterator[None]:
    """Catch what warcio writes to stderr while reading, as short lines added to ``into``."""
    buffer = io.StringIO()
    with _STDERR, contextlib.redirect_stderr(buffer):
        try:
            yield
        finally:
            said = " ".join(line.strip() for line in buffer.getvalue().splitlines() if line.strip())
            if said:
                into.append(said[:300])


def starts_like_warc(path: str | os.PathLike[str]) -> bool:
    """Whether the file begins with a WARC record header (after gzip, for a compressed archive)."""
    with open_regular(path) as fh:
        head = fh.read(_CHUNK)
    if head[:2] == b"\x1f\x8b":
        try:
            head = zlib.decompressobj(wbits=zlib.MAX_WBITS | 16).decompress(head, 64)
        except zlib.error:
            return False
    return head.lstrip(b"\r\n").startswith(_MAGIC)


def _is_html(content_type: str | None) -> bool:
    return content_type is None or "html" in content_type.lower()


def html_records(path: str | os.PathLike[str]) -> Iterator[WarcRecord]:
    """The HTML response records of a WARC file, in file order. A broken archive ends the listing early.

    Raises :class:`NotWarc` for a file that does not start like a web archive (warcio would read a text
    file as an ARC archive of empty records).
    """
    from warcio.archiveiterator import WARCIterator

    if not starts_like_warc(path):
        raise NotWarc("does not start with a WARC record header")
    number = 0
    said: list[str] = []
    with open_regular(path) as fh:
        iterator = WARCIterator(fh)
        while True:
            try:
                with _warcio_says(said):
                    record = next(iterator, None)
                    if record is None:
                        return
                    if record.rec_type != "response":
                        continue
                    headers = record.http_headers
                    content_type = headers.get_header("Content-Type") if headers else None
                    if not _is_html(content_type):
                        continue
                    record.content_stream().read(1)  # the offset is known once the record has been entered
                    offset = iterator.get_record_offset()
            except Exception:  # warcio raises plain exceptions on corrupt archives: list what was readable
                return
            number += 1
            yield WarcRecord(offset, record.rec_headers.get_header("WARC-Target-URI") or "", number)


def _block_is_short(fh: BinaryIO, offset: int) -> bool:
    """Whether the record at ``offset`` holds fewer bytes than its Content-Length says (the file was cut)."""
    from warcio.archiveiterator import WARCIterator

    fh.seek(offset)
    for record in WARCIterator(fh, no_record_parse=True):
        want = record.length or 0
        got = 0
        while got < want:
            chunk = record.raw_stream.read(min(_CHUNK, want - got))
            if not chunk:
                break
            got += len(chunk)
        return got < want
    return False


def read_response(path: str | os.PathLike[str], offset: int, max_bytes: int) -> Response:
    """The HTTP response of the record at ``offset``: body, declared charset, URL, status, and whether it is whole."""
    from warcio.archiveiterator import WARCIterator

    said: list[str] = []
    with open_regular(path) as fh, _warcio_says(said):
        fh.seek(offset)
        iterator = WARCIterator(fh)
        for record in iterator:
            body = record.content_stream().read(max_bytes + 1)
            if len(body) > max_bytes:
                raise ValueError(f"record is larger than the {max_bytes // (1024 * 1024)} MB page limit")
            headers = record.http_headers
            content_type = headers.get_header("Content-Type") if headers else None
            charset = None
            if content_type and "charset=" in content_type.lower():
                charset = content_type.lower().split("charset=", 1)[1].split(";")[0].strip().strip("\"'") or None
            status: int | None = None
            reason = ""
            if headers is not None:
                code, _, reason = (headers.statusline or "").strip().partition(" ")
                status = int(code) if code.isdigit() else None
            url = record.rec_headers.get_header("WARC-Target-URI") or ""
            iterator.get_record_length()  # reads to the record's end: warcio checks what follows it
            truncated = _block_is_short(fh, offset)
            return Response(body, charset, url, status, reason.strip(), truncated, said)
    raise ValueError("no record at that offset")


def read_record(path: str | os.PathLike[str], offset: int, max_bytes: int) -> tuple[bytes, str | None, str]:
    """The HTTP body, declared charset and URL of the record at ``offset``."""
    response = read_response(path, offset, max_bytes)
    return response.body, response.charset, response.url
