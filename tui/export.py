"""Export triaged pages as clean articles: one file per page (text, markdown) or one JSONL file.

The same function serves ``newsread export`` and the app's export key. It never
writes into an input folder.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from newsread.cleaners import FORMATS, CleanedPage, Pipeline, Source, load_page, render, to_record
from newsread.cleaners.output import printable

from .triage import Filter, PageState, TriageStore

JSONL_NAME = "newsread.jsonl"


class ExportError(Exception):
    """The export cannot be done as asked; the message says why."""


@dataclass(slots=True)
class ExportResult:
    """What an export wrote: ``files`` (one JSONL file, or one file per page), ``page_ids`` exported, ``failed``."""

    files: list[Path] = field(default_factory=list)
    page_ids: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (page id, why) pages that could not be read


def output_name(page_id: str, fmt: str) -> str:
    """The output file for a page id: its extension (and .gz) replaced by .txt or .md."""
    stem = page_id
    if stem.lower().endswith(".gz"):
        stem = stem[:-3]
    base, ext = os.path.splitext(stem)
    if ext and "/" not in ext:
        stem = base
    return stem + (".md" if fmt == "markdown" else ".txt")


def _is_within(child: Path, parent: Path) -> bool:
    try:
        child.resolve().relative_to(parent.resolve())
        return True
    except ValueError:
        return False


def check_out_dir(out: Path, inputs: Sequence[Path], *, option: str = "--out ") -> None:
    """Raise ExportError if ``out`` is an input folder or inside one (a file's folder counts: exports are
    written beside what was read only elsewhere). ``option``: how the message names the folder (the command
    line's flag; the reader, which has no flags, passes "")."""
    for p in inputs:
        folder = p if p.is_dir() else p.parent
        if _is_within(out, folder):
            raise ExportError(
                f"{option}{out} is inside the input folder {folder}: newsread never writes into what it reads"
            )


def triage_record(state: PageState) -> dict[str, object]:
    """The ``triage`` field of an exported JSONL record."""
    return {"status": state.status, "tags": list(state.tags), "read": state.read}


def triage_footer(state: PageState, fmt: str, *, url: str | None = None, file: str | None = None) -> str:
    """The lines ending an exported text or Markdown article: where it came from (its URL when known, and
    the file it was read from), then its triage."""
    lines = [f"source: {printable(url)}"] if url else []
    if file:
        lines.append(f"file: {printable(file)}")
    lines.append(f"triage: {state.status}" + (f" · tags: {', '.join(state.tags)}" if state.tags else ""))
    if fmt == "markdown":
        return "\n---\n" + "  \n".join(f"*{_md(line)}*" for line in lines) + "\n"
    return "\n" + "".join(f"[{line}]\n" for line in lines)


def _md(text: str) -> str:
    """``text`` with Markdown's emphasis and link characters escaped (a path or URL may hold any of them)."""
    return "".join("\\" + c if c in "\\*_[]`<>" else c for c in text)


def source_of(source: Source, cleaned: CleanedPage) -> tuple[str | None, str]:
    """Where a page came from: its URL (the page's own, else its web archive's) and the file read (absolute;
    a web archive's record is the archive and the record's number)."""
    url = cleaned.metadata.get("url") or source.url
    file = os.path.abspath(source.file)
    if source.record is not None:
        file += "#" + source.id.rpartition("#")[2]
    return url or None, file


def select_for_export(store: TriageStore, sources: Sequence[Source], flt: Filter) -> list[tuple[Source, PageState]]:
    """The session's sources matching ``flt``, with their state, in source order. Quick: call it on the app's thread."""
    wanted = set(store.query(flt))
    chosen = [s for s in sources if s.id in wanted]
    states = store.states([s.id for s in chosen])
    return [(s, states[s.id]) for s in chosen]


def write_export(
    chosen: Sequence[tuple[Source, PageState]],
    pipeline: Pipeline,
    out: Path,
    *,
    fmt: str,
    inputs: Sequence[Path] = (),
    progress: Callable[[], None] | None = None,
    option: str = "--out ",
) -> ExportResult:
    """Clean and write ``chosen`` pages into ``out``. Does not touch the store: safe in a worker thread.
    ``option``: how an error names ``out`` (the command line's flag; "" from the reader).

    ``inputs`` are the opened folders/files: ``out`` may not be inside one. Formats: text,
    markdown (one file per page, named like the page, ending with a triage line), jsonl
    (``out/newsread.jsonl``, each record with a ``triage`` object: status, tags, read).
    ``progress`` is called once per page. Raises ExportError for a bad format or ``out``.
    """
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
    check_out_dir(out, inputs, option=option)
    out.mkdir(parents=True, exist_ok=True)
    result = ExportResult()
    jsonl = None
    if fmt == "jsonl":
        target = out / JSONL_NAME
        jsonl = open(target, "w", encoding="utf-8")  # noqa: SIM115 - closed below
        result.files.append(target)
    try:
        for source, state in chosen:
            cleaned = pipeline.clean(load_page(source))
            if cleaned.page.error is not None:
                result.failed.append((source.id, cleaned.page.error))
            elif jsonl is not None:
                record = to_record(cleaned)
                record["triage"] = triage_record(state)
                jsonl.write(json.dumps(record, ensure_ascii=False) + "\n")
                result.page_ids.append(source.id)
            else:
                target = out / output_name(source.id, fmt)
                target.parent.mkdir(parents=True, exist_ok=True)
                url, file = source_of(source, cleaned)
                footer = triage_footer(state, fmt, url=url, file=file)
                target.write_text(render(cleaned, fmt) + footer, encoding="utf-8")
                result.files.append(target)
                result.page_ids.append(source.id)
            if progress is not None:
                progress()
    finally:
        if jsonl is not None:
            jsonl.close()
    return result


def export_pages(
    store: TriageStore,
    sources: Sequence[Source],
    pipeline: Pipeline,
    out: Path,
    *,
    fmt: str,
    flt: Filter,
    inputs: Sequence[Path] = (),
    progress: Callable[[], None] | None = None,
) -> ExportResult:
    """:func:`select_for_export` then :func:`write_export`, in one call (the CLI's way).

    ``store`` must have the pages attached (``store.attach``); ``sources`` are the
    session's sources with the same ids.
    """
    return write_export(
        select_for_export(store, sources, flt), pipeline, out, fmt=fmt, inputs=inputs, progress=progress
    )
