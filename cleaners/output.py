"""Cleaned pages as batch output: JSON records, Markdown and plain text."""

from __future__ import annotations

from typing import Any

from .model import CleanedPage

FORMATS = ("text", "markdown", "jsonl")


def printable(text: str) -> str:
    """Text that can be written as UTF-8: file names that were not UTF-8 keep a visible replacement mark."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def to_record(cleaned: CleanedPage, cluster: str | None = None) -> dict[str, Any]:
    """The JSONL object for one page (see the README for the fields); ``cluster`` is its story cluster, if computed."""
    page = cleaned.page
    meta = cleaned.metadata
    text = page.text
    error = page.error
    if error is None and cleaned.errors:
        error = "; ".join(f"cleaner {e.cleaner} failed: {e.message}" for e in cleaned.errors)
    return {
        "id": printable(page.id),
        "path": printable(str(page.path)) if page.path is not None else None,
        "format": page.format,
        "encoding": page.encoding,
        "title": meta.get("title"),
        "date": meta.get("date"),
        "site": meta.get("site"),
        "byline": meta.get("byline"),
        "url": meta.get("url"),
        "body": cleaned.body,
        "removed": [  # (start, end, cleaner, reason, field, value): no Annotation object is needed
            {"cleaner": a[2], "reason": a[3], "text": text[a[0] : a[1]]} for a in cleaned.raw_removals()
        ],
        "notes": cleaned.notes,
        "error": error,
        "cluster": cluster,
    }


def to_markdown(cleaned: CleanedPage) -> str:
    meta = cleaned.metadata
    lines = [f"# {meta.get('title') or cleaned.page.id}", ""]
    facts = [meta[k] for k in ("site", "date", "byline", "url") if meta.get(k)]
    if facts:
        lines += ["*" + " · ".join(facts) + "*", ""]
    for para in cleaned.paragraphs:
        lines += [para, ""]
    return "\n".join(lines).rstrip() + "\n"


def to_text(cleaned: CleanedPage) -> str:
    title = cleaned.metadata.get("title")
    head = f"{title}\n\n" if title else ""
    return head + cleaned.body + "\n"


def render(cleaned: CleanedPage, fmt: str) -> str:
    if fmt == "markdown":
        return to_markdown(cleaned)
    if fmt == "text":
        return to_text(cleaned)
    raise ValueError(f"unknown format {fmt!r}: one of {', '.join(FORMATS)}")
