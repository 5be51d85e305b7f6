"""A corpus of hostile and broken input, generated in a temporary folder (nothing large is committed)."""

from __future__ import annotations

import gzip
import os
import random
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ESC_NAME = "esc\x1b[31mred\x07.txt"
GOOD_TEXT = (
    "Harbour expansion approved\n"
    "The city council voted on Tuesday to expand the harbour, ending a debate that lasted a decade.\n"
    "Supporters said the project would bring jobs and trade to a region that has struggled for years.\n"
)


def build(folder: Path) -> dict[str, str]:
    """Write the corpus into ``folder``; returns {page id: what it is} for the pages that are broken."""
    rng = random.Random(7)
    broken: dict[str, str] = {}

    def put(name: str, data: bytes, what: str | None = None) -> None:
        (folder / name).write_bytes(data)
        if what:
            broken[name] = what

    put("good.txt", GOOD_TEXT.encode())
    put("empty.txt", b"")
    put("image.png", b"\x89PNG\r\n\x1a\n" + bytes(rng.randrange(256) for _ in range(4000)), "png")
    put("doc.pdf", b"%PDF-1.7\n" + bytes(rng.randrange(256) for _ in range(4000)), "pdf")
    put("noise.bin", bytes(rng.randrange(256) for _ in range(8000)), "random bytes")
    put("garbage.txt.gz", gzip.compress(bytes(rng.randrange(256) for _ in range(3000))), "gzip of garbage")
    put("truncated.html.gz", gzip.compress(GOOD_TEXT.encode() * 50)[:60], "truncated gzip")
    put("invalid-utf8.txt", GOOD_TEXT.encode() + b"\xff\xfe\xc3\x28 broken \xa0\xa1" * 20)
    put("cp1251.txt", ("Президент России прибыл в Пекин с государственным визитом. " * 5).encode("cp1251"))
    put("gbk.txt", ("俄罗斯总统普京抵达北京进行国事访问。两国领导人讨论了贸易问题。" * 5).encode("gbk"))
    put("sjis.txt", ("ロシアのプーチン大統領は北京に到着し、習近平国家主席と会談した。" * 5).encode("shift_jis"))
    put(
        "latin1.txt",
        ("Le président a déclaré que la coopération était très importante cet été. " * 5).encode("latin-1"),
    )
    put("one-line.txt", ("word " * 2_000_000).encode())  # 10 MB, no newline
    put("tiny-lines.txt", b"x\n" * 200_000)
    put("nested.html", b"<div>" * 1500 + b"<p>deep text</p>" + b"</span></b>" * 100 + b"<p>unclosed <i>tail")
    put("scripts.html", b"<html><head><script>a()</script></head><body><script>b()</script></body></html>")
    put("controls.txt", ("Title \x1b]0;pwned\x07\nBody \x1b[2J text \u202eevil\u202c with \x9b31m C1.\n" * 3).encode())
    put(ESC_NAME, GOOD_TEXT.encode())
    os.symlink(folder / "missing-target.txt", folder / "broken-link.txt")
    broken["broken-link.txt"] = "broken symlink"
    (folder / "loop").mkdir()
    os.symlink(folder / "loop", folder / "loop" / "again")  # a symlink loop
    bad_name = os.fsdecode(b"latin1-\xe9t\xe9.txt")  # not UTF-8: a surrogate-escaped str
    (folder / bad_name).write_bytes(GOOD_TEXT.encode())
    broken.update(build_input_cases(folder))
    output_cases(folder)
    return broken


ARTICLE_HTML = "".join(f"<p>{line}</p>" for line in GOOD_TEXT.splitlines()[1:])
# Pages that used to come out empty, partial or rejected, each with a phrase of GOOD_TEXT its text must keep.
READABLE = {
    "xhtml-declared.xhtml": "city council voted",
    "deeper-than-libxml2.html": "Supporters said",
    "noscript-only.html": "city council voted",
    "utf16-no-bom.html": "city council voted",
    "stray-nul.txt": "Supporters said",
    "lying-charset.html": "président général",
    "text-named.warc": "Supporters said",
    "cut.warc#1": "Supporters said",
}


def build_input_cases(folder: Path) -> dict[str, str]:
    """Input that must not hang, crash or come out silently empty; returns the ones that are errors."""
    broken: dict[str, str] = {}
    html = f"<html><head><title>Harbour</title></head><body>{ARTICLE_HTML}</body></html>"
    (folder / "xhtml-declared.xhtml").write_bytes(
        b'<?xml version="1.0" encoding="utf-8"?>\n'
        + html.replace("<html>", '<html xmlns="http://www.w3.org/1999/xhtml">').encode()
    )
    deep = "<div>" * 3000
    (folder / "deeper-than-libxml2.html").write_text(
        f"<html><body>{deep}<p>x</p>{'</div>' * 3000}{ARTICLE_HTML}</body></html>"
    )
    (folder / "noscript-only.html").write_text(
        f"<html><body><noscript>{ARTICLE_HTML}</noscript><div id=app></div></body></html>"
    )
    (folder / "utf16-no-bom.html").write_bytes(html.encode("utf-16-le"))
    (folder / "stray-nul.txt").write_bytes(GOOD_TEXT.encode().replace(b"Supporters", b"\x00Supporters", 1))
    french = "Le président général de la délégation américaine a quitté la réunion. " * 4
    (folder / "lying-charset.html").write_bytes(
        f'<html><head><meta charset="shift_jis"></head><body><p>{french}</p></body></html>'.encode("cp1252")
    )
    (folder / "text-named.warc").write_text("Harbour expansion approved by council\n\n" + GOOD_TEXT)
    response = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + html.encode()
    (folder / "cut.warc").write_bytes(  # the record says 5,000 bytes; the file ends before
        b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://example.org/cut\r\n"
        b"Content-Type: application/http; msgtype=response\r\nContent-Length: 5000\r\n\r\n" + response
    )
    if hasattr(os, "mkfifo"):
        os.mkfifo(folder / "fifo.txt")  # reading it would wait for a writer forever
        broken["fifo.txt"] = "named pipe"
        os.symlink("/dev/zero", folder / "zero.html")  # endless bytes
        broken["zero.html"] = "device"
        os.symlink("/dev/tty", folder / "tty.txt")  # would read the user's keyboard
        broken["tty.txt"] = "terminal"
    return broken


# Pages whose batch output must each get a file of its own, and stay text: the names below all want "same.txt".
SAME_NAMES = ("same", "same.txt", "same.html", "same.html.gz")


def output_cases(folder: Path) -> None:
    """Pages that test what batch output writes: colliding output names, a clipboard-writing escape sequence
    (OSC 52) and other C0/C1 controls and bidi controls in the article, and Markdown-active text."""
    html = "<html><body><article><h1>Same story</h1><p>{}</p></article></body></html>"
    (folder / "same").write_bytes(GOOD_TEXT.encode() + b"(plain, no extension)\n")
    (folder / "same.txt").write_bytes(GOOD_TEXT.encode() + b"(text)\n")
    (folder / "same.html").write_bytes(html.format(GOOD_TEXT + " (html)").encode())
    (folder / "same.html.gz").write_bytes(gzip.compress(html.format(GOOD_TEXT + " (gzipped html)").encode()))
    osc52 = "\x1b]52;c;cm0gLXJmIH4vKgo=\x07"
    (folder / "clipboard.txt").write_bytes(
        (
            "Clipboard story headline\n"
            f"The council voted {osc52}on Tuesday to expand the harbour\x9b2J after a long\x08 debate.\n"
            "Supporters \u202esaid\u202c the project \u2066would\u2069 bring\u200f jobs \x85and trade.\n"
        ).encode()
    )
    (folder / "markdown.txt").write_bytes(
        b"Markdown story headline\n"
        b"Readers were told to <script>alert(1)</script> and to [click here](javascript:alert(1)) today.\n"
        b'An image ![x](javascript:steal()) and <a href="javascript:x">a link</a> were in the page too.\n'
    )


@contextmanager
def read_only(folder: Path) -> Iterator[Path]:
    """``folder`` without write permission while in use, as a scraped archive often is."""
    paths = [folder, *folder.rglob("*")]
    for path in paths:
        if not path.is_symlink():
            path.chmod(path.stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    try:
        yield folder
    finally:
        for path in paths:
            if not path.is_symlink():
                path.chmod(path.stat().st_mode | stat.S_IWUSR)


def listing(folder: Path) -> list[tuple[str, int, float]]:
    """Every path under ``folder`` with its size and mtime: equal before and after means nothing was written."""
    return sorted((str(p), p.lstat().st_size, p.lstat().st_mtime) for p in folder.rglob("*"))
