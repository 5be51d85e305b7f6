"""Web archives: a .warc or .warc.gz file opens as a folder of its HTML response records."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass

WARC_SUFFIXES = (".warc", ".warc.gz")


def is_warc(path: str | os.PathLike[str]) -> bool:
    return os.fspath(path).lower().endswith(WARC_SUFFIXES)


@dataclass(frozen=True, slots=True)
class WarcRecord:
    offset: int  # where the record starts in the (possibly compressed) file
    url: str
    number: int  # 1-based among the file's HTML responses


def _is_html(content_type: str | None) -> bool:
    return content_type is None or "html" in content_type.lower()


def html_records(path: str | os.PathLike[str]) -> Iterator[WarcRecord]:
    """The HTML response records of a WARC file, in file order. A broken archive ends the listing early."""
    from warcio.archiveiterator import ArchiveIterator

    number = 0
    with open(path, "rb") as fh:
        iterator = ArchiveIterator(fh)
        try:
            for record in iterator:
                if record.rec_type != "response":
                    continue
                content_type = record.http_headers.get_header("Content-Type") if record.http_headers else None
                if not _is_html(content_type):
                    continue
                record.content_stream().read(1)  # the offset is known once the record has been entered
                number += 1
                url = record.rec_headers.get_header("WARC-Target-URI") or ""
                yield WarcRecord(iterator.get_record_offset(), url, number)
        except Exception:  # warcio raises plain exceptions on corrupt archives: list what was readable
            return


def read_record(path: str | os.PathLike[str], offset: int, max_bytes: int) -> tuple[bytes, str | None, str]:
    """The HTTP body, declared charset and URL of the record at ``offset``."""
    from warcio.archiveiterator import ArchiveIterator

    with open(path, "rb") as fh:
        fh.seek(offset)
        for record in ArchiveIterator(fh):
            body = record.content_stream().read(max_bytes + 1)
            if len(body) > max_bytes:
                raise ValueError(f"record is larger than the {max_bytes // (1024 * 1024)} MB page limit")
            content_type = record.http_headers.get_header("Content-Type") if record.http_headers else None
            charset = None
            if content_type and "charset=" in content_type.lower():
                charset = content_type.lower().split("charset=", 1)[1].split(";")[0].strip().strip("\"'") or None
            return body, charset, record.rec_headers.get_header("WARC-Target-URI") or ""
    raise ValueError("no record at that offset")
