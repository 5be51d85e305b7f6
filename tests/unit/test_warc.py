"""Web archives that are cut, damaged, not archives at all, or hold responses that are not pages."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest

from newsread.cleaners import Config, Pipeline, load_pages
from newsread.cleaners.cache import ResultCache, clean_source
from newsread.cleaners.loading import iter_sources

PROSE = "of the report on the harbour vote, with enough words to read as prose."
PARAGRAPHS = [f"Paragraph {i} {PROSE}" for i in range(60)]
BODY = ("<html><body><h1>Harbour vote</h1>" + "".join(f"<p>{p}</p>" for p in PARAGRAPHS) + "</body></html>").encode()


def archive(path: Path, records: list[tuple[str, str, bytes]], gz: bool) -> Path:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=gz)
        for url, status, body in records:
            headers = StatusAndHeaders(status, [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=BytesIO(body), http_headers=headers))
    return path


RECORDS = [
    ("https://example.org/a", "200 OK", BODY),
    ("https://example.org/gone", "404 Not Found", b"<html><body><p>Page not found</p></body></html>"),
    ("https://example.org/moved", "301 Moved Permanently", b"<html><body><p>Moved</p></body></html>"),
    ("https://example.org/b", "200 OK", BODY),
]


@pytest.mark.parametrize("gz", [False, True])
def test_responses_other_than_200_are_entries_with_their_status_not_articles(tmp_path: Path, gz: bool) -> None:
    path = archive(tmp_path / ("crawl.warc.gz" if gz else "crawl.warc"), RECORDS, gz)
    pages = list(load_pages([path]))
    assert [p.id.split("#")[1] for p in pages] == ["1", "2", "3", "4"]  # numbering as before: ids stay stable
    ok, gone, moved, other = pages
    assert ok.error is None and other.error is None and "Paragraph 59" in ok.text
    assert "HTTP 404 Not Found" in (gone.error or "") and gone.meta["url"] == "https://example.org/gone"
    assert "HTTP 301" in (moved.error or "") and moved.text == ""


@pytest.mark.parametrize("gz", [False, True])
def test_a_record_cut_mid_way_says_the_page_is_incomplete(tmp_path: Path, gz: bool) -> None:
    whole = archive(tmp_path / "whole.warc", RECORDS, gz).read_bytes()
    cut = tmp_path / ("cut.warc.gz" if gz else "cut.warc")
    cut.write_bytes(whole[: len(whole) - 200])  # the last record loses its end
    pages = list(load_pages([cut]))
    last = pages[-1]
    assert last.error is None and "Paragraph 0 " in last.text and "Paragraph 59" not in last.text
    assert any("cut short" in n for n in last.notes)
    assert not any(n for n in pages[0].notes)  # whole records carry no such note


def test_the_cached_path_gives_the_same_notes_and_errors(tmp_path: Path) -> None:
    whole = archive(tmp_path / "whole.warc", RECORDS, False).read_bytes()
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "cut.warc").write_bytes(whole[:-200])
    pipeline = Pipeline.default(Config())
    with ResultCache(tmp_path / "cache") as cache:
        for _ in range(2):  # filled, then read back
            cleaned = [clean_source(s, pipeline, cache) for s in iter_sources([folder])]
            assert any("cut short" in n for n in cleaned[-1].notes)
            assert "HTTP 404" in (cleaned[1].page.error or "")


def test_a_text_file_named_warc_is_one_page_with_a_note(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "notes.warc"
    # Lines of five words read as ARC record headers to warcio: this used to become five empty pages.
    path.write_text(
        "Harbour expansion approved by council\n\nThe city council voted today.\n\n"
        "Supporters said it brings jobs.\n\nOpponents said it costs too much.\n\nThe vote was nine to four.\n"
    )
    [page] = load_pages([path])
    assert page.id == "notes.warc" and page.error is None
    assert "The vote was nine to four." in page.text
    assert any("not one" in n for n in page.notes)
    assert capfd.readouterr().err == ""


def test_warcio_warnings_become_notes_not_stderr(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.warc"
    body = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<p>Hello from a damaged archive record.</p>"
    head = b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://example.org/x\r\n"
    path.write_bytes(head + b"Content-Length: %d\r\n\r\n" % (len(body) - 10) + body + b"\r\n\r\n")
    pages = list(load_pages([path]))
    assert capfd.readouterr().err == ""
    assert any("damaged" in n for p in pages for n in p.notes)


def test_an_archive_without_html_responses_says_so(tmp_path: Path) -> None:
    from warcio.warcwriter import WARCWriter

    path = tmp_path / "empty.warc.gz"
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        writer.write_record(writer.create_warcinfo_record("empty.warc.gz", {"software": "test"}))
    [page] = load_pages([path])
    assert "no readable HTML response" in (page.error or "")
