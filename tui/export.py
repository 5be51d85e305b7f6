"""Export triaged pages as clean articles: one file per page (text, markdown) or one JSONL file.

The same function serves ``newsread export`` and the app's export key. It never
writes into an input folder.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from newsread.cleaners import FORMATS, CleanedPage, Pipeline, Source, render, to_record
from newsread.cleaners.outfiles import (
    JSONL_NAME,
    OutputError,
    OutputFolder,
    Written,
    check_out_folder,
    output_names,
)
from newsread.cleaners.output import json_line, printable
from newsread.cleaners.session import clean_here

from .triage import Filter, PageState, TriageStore


class ExportError(Exception):
    """The export cannot be done as asked; the message says why."""


@dataclass(slots=True)
class ExportResult:
    """What an export wrote: ``files`` (one JSONL file, or one file per page), ``page_ids`` exported, ``failed``."""

    files: list[Path] = field(default_factory=list)
    page_ids: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (page id, why) pages that could not be read
    renamed: list[tuple[str, Written]] = field(default_factory=list)  # (page id, file) pages whose name was taken
    refused: list[tuple[str, str]] = field(default_factory=list)  # (page id, why) not written: it would hit an input


def check_out_dir(out: Path, inputs: Sequence[Path]) -> None:
    """Raise ExportError if ``out`` is an input or inside one, or an existing file."""
    try:
        check_out_folder(out, inputs)
    except OutputError as exc:
        raise ExportError(str(exc)) from exc


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
    input_files: Callable[[], Iterable[str]] | None = None,
    clean: Callable[[Source], CleanedPage] | None = None,
) -> ExportResult:
    """Clean and write ``chosen`` pages into ``out``. Does not touch the store: safe in a worker thread.
    ``clean``: how a page is cleaned (the reader has its worker process do it), instead of ``pipeline`` here.

    ``inputs`` are the opened folders/files: ``out`` may not be inside one. Formats: text,
    markdown (one file per page, named like the page, ending with a triage line), jsonl
    (``out/newsread.jsonl``, each record with a ``triage`` object: status, tags, read).
    ``input_files`` gives every page's file (default: the chosen ones'), none of which is replaced.
    ``progress`` is called once per page. Raises ExportError for a bad format or ``out``; OSError
    when writing fails (a full disk: the files written so far are kept, a JSONL file is left as it was).
    Every file is checked and written by :class:`~newsread.cleaners.outfiles.OutputFolder`: never into or
    over an input, never over a file newsread did not write (the page takes another name: ``renamed``).
    """
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
    try:
        folder = OutputFolder(out, inputs, input_files or (lambda: [s.file for s, _ in chosen]))
    except OutputError as exc:
        raise ExportError(str(exc)) from exc
    result = ExportResult()
    with folder:
        if fmt == "jsonl":  # written beside the old file and renamed over it at the end: never half a file
            try:
                with folder.create(JSONL_NAME) as (jsonl, written):
                    for source, state in chosen:
                        cleaned = clean(source) if clean is not None else clean_here(pipeline, source)
                        if cleaned.page.error is not None:
                            result.failed.append((source.id, cleaned.page.error))
                        else:
                            record = to_record(cleaned)
                            record["triage"] = triage_record(state)
                            jsonl.write(json_line(record))
                            result.page_ids.append(source.id)
                        if progress is not None:
                            progress()
            except OutputError as exc:
                raise ExportError(str(exc)) from exc
            result.files.append(written.path)
            if written.renamed:
                result.renamed.append(("", written))
            return result
        for source, state in chosen:
            cleaned = clean(source) if clean is not None else clean_here(pipeline, source)
            if cleaned.page.error is not None:
                result.failed.append((source.id, cleaned.page.error))
            else:
                wanted, alternative = output_names(source.id, fmt)
                url, file = source_of(source, cleaned)
                footer = triage_footer(state, fmt, url=url, file=file)
                try:
                    written = folder.write(wanted, render(cleaned, fmt) + footer, alternative)
                except OutputError as exc:
                    result.refused.append((source.id, str(exc)))
                else:
                    result.files.append(written.path)
                    result.page_ids.append(source.id)
                    if written.renamed:
                        result.renamed.append((source.id, written))
            if progress is not None:
                progress()
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
