"""Cleaned pages as batch output: JSON records, Markdown and plain text."""

from __future__ import annotations

import json
import os
import re
from typing import Any
from urllib.parse import quote_from_bytes

from .model import CleanedPage

FORMATS = ("text", "markdown", "jsonl")

# Terminal escape sequences (CSI, OSC with its payload, DCS/APC/PM/SOS strings, two-character escapes), then any
# other C0 control but tab and newline, DEL and the C1 controls: page bytes, not article text.
_ESCAPES = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"
    r"|(?:\x1b[\]PX^_]|[\x9d\x90\x98\x9e\x9f])[^\x07\x1b\x9c\n]{0,4096}(?:\x07|\x1b\\|\x9c)"
    r"|\x1b[ -~]?"
    r"|[\x00-\x08\x0b-\x1f\x7f-\x9f]"
)
# The characters every match of _ESCAPES starts with: one search for them is ~6x faster than searching for
# _ESCAPES (0.08 ms, not 0.5 ms, for a page's 9 KB), and nearly every page has none.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Characters JSON may leave raw that a terminal or a line-splitting reader acts on: DEL and C1 controls, bidi
# embeddings, overrides, isolates and marks, and the Unicode line and paragraph separators.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """Text that can be written as UTF-8: file names that were not UTF-8 keep a visible replacement mark."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def without_controls(text: str) -> str:
    """``text`` without terminal escape sequences and control characters (tab and newline stay)."""
    return _ESCAPES.sub("", text) if _CONTROLS.search(text) else text


def json_line(record: Any) -> str:
    """``record`` as one line of JSON (UTF-8 kept readable) with every character that could drive a terminal
    or split the line escaped as ``\\uXXXX``: the same data for a JSON reader, inert on screen."""
    return _JSON_UNSAFE.sub(_escaped, _dumps(record)) + "\n"


def path_bytes(path: str) -> str | None:
    """A file name that is not valid UTF-8 as its bytes, percent-encoded (``latin1-%E9t%E9.txt``;
    ``urllib.parse.unquote_to_bytes`` gives the bytes back); None for a name that is valid UTF-8."""
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return quote_from_bytes(os.fsencode(path), safe="/ !\"#$&'()*+,-.:;<=>?@[]^_`{|}~")
    return None


def to_record(cleaned: CleanedPage, cluster: str | None = None) -> dict[str, Any]:
    """The JSONL object for one page (see the README for the fields); ``cluster`` is its story cluster, if computed."""
    head, tail = _record_parts(cleaned)
    text = cleaned.page.text
    removed = [
        {"cleaner": cleaner, "reason": reason, "text": text[start:end]}
        for start, end, cleaner, reason, _, _ in cleaned.removals
    ]
    record = {**head, "removed": removed, **tail}
    record["cluster"] = cluster  # last: the batch run fills it in once every page is cleaned
    return record


def _record_parts(cleaned: CleanedPage, body: bool = True) -> tuple[dict[str, Any], dict[str, Any]]:
    """The members of :func:`to_record`'s object before ``removed`` and after it (without ``cluster``; ``body``
    False: without ``body``, the last member before ``removed``)."""
    page = cleaned.page
    meta = cleaned.metadata
    error = page.error
    if error is None and cleaned.errors:
        error = "; ".join(f"cleaner {e.cleaner} failed: {e.message}" for e in cleaned.errors)
    path = str(page.path) if page.path is not None else None
    head = {
        "id": printable(page.id),
        "path": printable(path) if path is not None else None,
        "format": page.format,
        "encoding": page.encoding,
        "title": _field(meta.get("title")),
        "date": _field(meta.get("date")),
        "site": _field(meta.get("site")),
        "byline": _field(meta.get("byline")),
        "url": _field(meta.get("url")),
    }
    if body:
        head["body"] = without_controls(cleaned.body)
    tail = {"notes": cleaned.notes, "error": error}
    raw = path_bytes(path) if path is not None else None
    if raw is not None:  # only for a name that is not UTF-8 (``path`` shows it with a replacement mark)
        tail["path_bytes"] = raw
    return head, tail


def record_members(cleaned: CleanedPage) -> str:
    """The JSONL record of a page (:func:`to_record`) as JSON text without its story cluster, which is known only
    once every page is cleaned: the members of the object, without the braces. :func:`record_line` finishes it."""
    # The line is escaped as json_line escapes it, a part at a time (each match is one character, so the parts
    # escaped alone give the line escaped whole), and only the parts that may hold a character to escape: the
    # body when a paragraph is not printable, a removed span's text when it is not ASCII or holds DEL.
    head, tail = _record_parts(cleaned, body=False)
    paragraphs = cleaned.paragraphs
    if all(map(str.isprintable, paragraphs)):
        # No control, format character or separator but the space in any paragraph: nothing for without_controls
        # to take out of the body, nothing in it to escape (the newlines between paragraphs JSON escapes itself).
        body = _quote("\n\n".join(paragraphs))
    else:
        body = _JSON_UNSAFE.sub(_escaped, _quote(without_controls(cleaned.body)))
    first, last = _JSON_UNSAFE.sub(_escaped, _dumps(head)), _JSON_UNSAFE.sub(_escaped, _dumps(tail))
    return f"{first[1:-1]}, {_BODY}{body}, {_REMOVED}{_removed_json(cleaned, escaped=True)}, {last[1:-1]}"


_dumps = json.JSONEncoder(ensure_ascii=False).encode  # json.dumps(value, ensure_ascii=False)
_quote = json.encoder.encode_basestring  # a str as a JSON string, as json.dumps(..., ensure_ascii=False) writes it
_BODY = '"body": '
_REMOVED = '"removed": '


def _removed_json(cleaned: CleanedPage, escaped: bool = False) -> str:
    """The JSON text of :func:`to_record`'s ``removed`` list, written directly: json.dumps of ~130 small objects a
    page spent most of its time on their keys and separators (the same text: the strings are quoted by the
    function json.dumps quotes them with). ``escaped``: escaped as :func:`json_line` escapes it."""
    text, q = cleaned.page.text, _quote  # (reasons and cleaner names are str: the pipeline makes them so)
    items = [
        f'{{"cleaner": {q(cleaner)}, "reason": {q(reason)}, "text": {q(text[start:end])}}}'
        for start, end, cleaner, reason, _, _ in cleaned.removals
    ]
    if escaped:  # (an ASCII item without DEL has nothing to escape: isascii is one flag, DEL a memchr)
        items = [i if i.isascii() and "\x7f" not in i else _JSON_UNSAFE.sub(_escaped, i) for i in items]
    return f"[{', '.join(items)}]"


def _escaped(m: re.Match[str]) -> str:
    return f"\\u{ord(m.group()):04x}"


def record_line(members: str, cluster: str | None) -> str:
    """One JSONL line from :func:`record_members` and the page's story cluster: the very line
    ``json_line(to_record(cleaned, cluster))`` gives."""
    return f'{{{members}, "cluster": {json_line(cluster)[:-1]}}}\n'


def _field(value: str | None) -> str | None:
    return without_controls(value) if value else value


# What Markdown would turn into HTML or a link: a tag or autolink opening ("<script", "<javascript:"), and the "]"
# that makes bracketed text a link or image ("](", "][", "]:"), with the backslashes before them. Page text is text:
# a page's "<script>" or "[x](javascript:…)" stays words on the page; "[sic]" and "a < b" are left as they are.
_MARKDOWN_ACTIVE = re.compile(r"(\\*)(<(?=[A-Za-z/!?])|\](?=[(\[:]))")


def _inactive(m: re.Match[str]) -> str:
    return m.group(1) * 2 + ("&lt;" if m.group(2) == "<" else "\\]")


def markdown_text(text: str) -> str:
    """``text`` (controls removed) that Markdown shows as written: no raw HTML, no links."""
    return _MARKDOWN_ACTIVE.sub(_inactive, without_controls(text))


def to_markdown(cleaned: CleanedPage) -> str:
    meta = cleaned.metadata
    lines = [f"# {markdown_text(meta.get('title') or printable(cleaned.page.id))}", ""]
    facts = [markdown_text(meta[k]) for k in ("site", "date", "byline", "url") if meta.get(k)]
    if facts:
        lines += ["*" + " · ".join(facts) + "*", ""]
    for para in cleaned.paragraphs:
        lines += [markdown_text(para), ""]
    return "\n".join(lines).rstrip() + "\n"


def to_text(cleaned: CleanedPage) -> str:
    title = _field(cleaned.metadata.get("title"))
    head = f"{title}\n\n" if title else ""
    return head + without_controls(cleaned.body) + "\n"


def render(cleaned: CleanedPage, fmt: str) -> str:
    if fmt == "markdown":
        return to_markdown(cleaned)
    if fmt == "text":
        return to_text(cleaned)
    raise ValueError(f"unknown format {fmt!r}: one of {', '.join(FORMATS)}")
