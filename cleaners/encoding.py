"""Turning a page's bytes into text: BOM, then UTF-8, then a declared charset, then detection."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# Signatures of common non-text files, so the message can say what the file is.
_MAGIC = (
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"PK\x03\x04", "a ZIP archive"),
    (b"\x1f\x8b", "gzip data"),
    (b"RIFF", "a RIFF (WebP/WAV/AVI) file"),
    (b"\x7fELF", "an executable"),
    (b"BZh", "a bzip2 archive"),
    (b"\xfd7zXZ", "an xz archive"),
    (b"OggS", "an Ogg file"),
    (b"ID3", "an MP3 file"),
    (b"SQLite format 3", "an SQLite database"),
)

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""^<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""")


class NotText(ValueError):
    """The bytes are not a text page (binary data, or no encoding reads them)."""


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    encoding: str


def describe_binary(data: bytes) -> str | None:
    """Name the kind of binary file ``data`` starts like, or None if it may be text."""
    for magic, what in _MAGIC:
        if data.startswith(magic):
            return what
    head = data[:8192]
    if b"\x00" in head:
        return "binary data"
    return None


def declared_charset(data: bytes) -> str | None:
    """The charset an HTML or XML document declares in its first few KB, if Python knows it."""
    head = data[:4096]
    m = _XML_ENCODING.search(head) or _META_CHARSET.search(head)
    if not m:
        return None
    name = m.group(1).decode("ascii", "replace").lower()
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _known(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode(data: bytes, *, html: bool = False, declared: str | None = None) -> Decoded:
    """Decode a page, recording the encoding used. Raises :class:`NotText` for binary data.

    ``declared`` is a charset stated outside the bytes (an HTTP header in a web archive).
    """
    for bom, name in _BOMS:
        if data.startswith(bom):
            return Decoded(data.decode(name, errors="replace"), name.replace("-sig", ""))
    what = describe_binary(data)
    if what:
        raise NotText(f"not a text or HTML page: looks like {what}")
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    if html:
        declared = _known(declared) or declared_charset(data)
        if declared and declared not in ("utf-8", "utf_8"):
            try:
                return Decoded(data.decode(declared), declared)
            except UnicodeDecodeError:
                pass  # the declaration is wrong: detect instead
    import charset_normalizer  # imported when first needed: most pages are UTF-8, and it is ~25 ms of start-up

    matches = list(charset_normalizer.from_bytes(data))
    if not matches:
        raise NotText("not a text page: no text encoding reads it")
    best = min(matches, key=lambda m: (round(m.chaos, 2), -round(m.coherence, 2), _web_rank(m.encoding)))
    return Decoded(str(best), best.encoding)


# When detection cannot tell encodings apart (short Western text reads the same in cp1250 and cp1252),
# prefer the ones the web actually uses, as browsers do.
_WEB_ORDER = (
    "utf_8",
    "cp1252",
    "gb18030",
    "gbk",
    "shift_jis",
    "cp932",
    "euc_jp",
    "cp1251",
    "big5",
    "euc_kr",
    "iso8859_15",
    "koi8_r",
    "cp1250",
    "iso8859_2",
    "cp1254",
    "cp1256",
    "cp1253",
    "cp1255",
    "cp874",
)


def _web_rank(encoding: str) -> int:
    try:
        return _WEB_ORDER.index(encoding)
    except ValueError:
        return len(_WEB_ORDER)
