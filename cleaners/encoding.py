"""Turning a page's bytes into text: BOM, then UTF-8, then a declared charset, then detection."""

from __future__ import annotations

import codecs
import re
import unicodedata
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
    notes: tuple[str, ...] = ()  # what the reader should know about how the bytes were read


def describe_binary(data: bytes) -> str | None:
    """Name the kind of binary file ``data`` starts like, or None if it may be text.

    A few stray NUL bytes in a text page, and UTF-16 without a byte order mark, are text.
    """
    for magic, what in _MAGIC:
        if data.startswith(magic):
            return what
    head = data[:8192]
    if b"\x00" in head and not _utf16_without_bom(head) and not _stray_nuls(data):
        return "binary data"
    return None


def _utf16_without_bom(head: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' when ``head`` has the NUL pattern of mostly-ASCII UTF-16 (markup, Latin
    text): a NUL in nearly every other byte, on one side only."""
    sample = head[: len(head) & ~1]
    if len(sample) < 16:
        return None
    half = len(sample) // 2
    even = sample[0::2].count(0) / half
    odd = sample[1::2].count(0) / half
    if odd > 0.3 and even < 0.02:
        return "utf-16-le"
    if even > 0.3 and odd < 0.02:
        return "utf-16-be"
    return None


def _stray_nuls(data: bytes) -> bool:
    """A handful of NUL bytes in a page that is otherwise text (not a binary file's many)."""
    nuls = data.count(0)
    return 0 < nuls <= max(4, len(data) // 2000) and not describe_binary(data.replace(b"\x00", b""))


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
    if b"\x00" in data:
        return _with_nuls(data, html=html, declared=declared)
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    notes: tuple[str, ...] = ()
    if html:
        declared = _known(declared) or declared_charset(data)
        if declared and declared not in ("utf-8", "utf_8"):
            try:
                text = data.decode(declared)
            except UnicodeDecodeError:
                notes = (f"the page declares the charset {declared}, but its bytes are not {declared}",)
            else:
                if not _garbled(text):
                    return Decoded(text, declared)
                return _redetect(data, text, declared)
    found = _detect(data)
    if notes:
        notes = (f"{notes[0]}: read as {found.encoding} (detected)",)
    return Decoded(found.text, found.encoding, notes)


def _with_nuls(data: bytes, *, html: bool, declared: str | None) -> Decoded:
    """A page with NUL bytes that is text: UTF-16 without a byte order mark, or text with a few stray NULs."""
    utf16 = _utf16_without_bom(data[:8192])
    if utf16:
        text = data[: len(data) & ~1].decode(utf16, errors="replace")
        return Decoded(text, "utf-16", (f"read as {utf16.upper()} (the page has no byte order mark)",))
    nuls = data.count(0)
    inner = decode(data.replace(b"\x00", b""), html=html, declared=declared)
    # The page's text keeps a mark where each NUL was (the diff shows it); the bytes around it read as before.
    text = data.replace(b"\x00", b"\x1a").decode(inner.encoding, errors="replace").replace("\x1a", "\ufffd")
    plural = "s" if nuls > 1 else ""
    return Decoded(text, inner.encoding, (*inner.notes, f"{nuls} stray NUL byte{plural} in the page, shown as \ufffd"))


# Letters of another script wedged between two ASCII letters ("pr\u99f8sident", "g\u99ed\u99fbal"): what a Western
# page looks like read in a CJK or Cyrillic charset it does not use. Real text in those scripts seldom does it.
_WEDGED = re.compile(r"(?<=[A-Za-z])[^\x00-\x7f]+(?=[A-Za-z])")
_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")


def _garbled(text: str) -> bool:
    wedged = sum(1 for m in _WEDGED.finditer(text) if m.group().isalpha() and not _latin(m.group()[0]))
    if wedged < 3:
        return False
    return wedged >= 0.3 * sum(1 for _ in _NON_ASCII_RUN.finditer(text))


def _latin(char: str) -> bool:
    return unicodedata.name(char, "").startswith("LATIN")


def _redetect(data: bytes, text: str, declared: str) -> Decoded:
    """The page reads in its declared charset but looks garbled in it: detect, and say which was used."""
    try:
        found = _detect(data, exclude=declared)
    except NotText:
        found = None
    if found is not None and not _garbled(found.text):
        note = f"the page declares the charset {declared}, but reads as {found.encoding}: read as {found.encoding}"
        return Decoded(found.text, found.encoding, (note,))
    return Decoded(text, declared, (f"the text looks garbled in the page's declared charset {declared}",))


def _detect(data: bytes, exclude: str | None = None) -> Decoded:
    import charset_normalizer  # imported when first needed: most pages are UTF-8, and it is ~25 ms of start-up

    matches = [m for m in charset_normalizer.from_bytes(data) if exclude is None or _known(m.encoding) != exclude]
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
