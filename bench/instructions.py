"""Instructions per page of the cleaning pipeline, counted by valgrind (cachegrind): a figure that does not
move with the machine's load, unlike pages/s.

usage: python -m bench instructions [FOLDER] [--passes 3]
       python -m bench instructions --command [FOLDER ...]
       python -m bench instructions --reader FOLDER [--pages 400]
       python -m bench instructions --html [--every 20]

The pipeline cleans every page of FOLDER (default: the 181 whole-page text dumps) once, and again in a
second process PASSES times; the difference of the two counts, divided by the pages cleaned in between, is
the cost of a page with start-up, imports and loading taken off. Later passes start with the short-line
verdicts the first one remembered, as a long `newsread clean` run does. PYTHONHASHSEED is fixed so that two
runs of the same code give the same count (set iteration order follows string hashes). Needs valgrind
(`apt-get install valgrind`).

``--command``: `newsread clean --no-cache` of FOLDERS (default: both dev sets' text dumps) end to end, in one
process (the folder session cleaning in it, jobs=0: cachegrind counts a forked child from its parent's count
on, so learning and cleaning processes cannot be added up), next to the pipeline alone on the same pages
(loading them and cleaning them once, minus loading them): the command's instructions as a multiple of the
pipeline's, start-up, reading, learning, signatures, records and clustering included.

``--reader``: the reader's work per page in a background worker instead (read the file, clean it with what
the folder-level cleaners learned, the page's summary and story signature, the result cache): one process
does that for 5 pages, another for PAGES more, both after learning from the whole folder; the difference
divided by PAGES.

``--html``: newsread's cleaning of HTML pages next to trafilatura's on the same pages, the issue's measure of
speed (newsread's time as a multiple of trafilatura's) in instructions: every EVERY-th page of the scrapinghub
and wcxb HTML sets, read into memory first; one process does nothing more, one cleans each page as `newsread
clean` does (the page made from its bytes, then the default pipeline), one runs ``trafilatura.extract`` with
its defaults on each page's decoded markup (as ``bench quality`` times it). Each process first runs both tools
on 3 pages (imports, first-call caches); the differences from the first are the tools' instructions.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from bench.corpus import bench_process, shared_dir


def clean_passes(folder: Path, passes: int) -> int:
    """Load FOLDER and clean it PASSES times; return the number of pages cleaned (run under valgrind)."""
    from newsread.cleaners import Config, Pipeline, load_pages

    pages = [p for p in load_pages([folder]) if p.error is None]
    pipeline = Pipeline.default(Config())
    for _ in range(passes):
        for page in pages:
            pipeline.clean(page)
    return len(pages)


def pipeline_passes(folders: list[str], passes: int) -> None:
    """Load FOLDERS and clean their pages PASSES times (0: only load them), as `bench speed`'s pipeline alone."""
    from newsread.cleaners import Config, Pipeline, load_pages

    pages = [p for p in load_pages([Path(f) for f in folders]) if p.error is None]
    pipeline = Pipeline.default(Config())
    for _ in range(passes):
        for page in pages:
            pipeline.clean(page)


def reader_pages(folder: Path, pages: int) -> None:
    """Learn from FOLDER, then do a worker's work for 5 + PAGES of its pages, as the reader has it done."""
    from newsread.cleaners import Config, Pipeline
    from newsread.cleaners.batch import Job, PipelineSpec, _clean_chunk, _worker, fit_folder
    from newsread.cleaners.cache import ResultCache
    from newsread.cleaners.loading import iter_sources
    from newsread.tui.library import MEMO, reader_record, remembered, without_story

    sources = list(iter_sources([folder]))
    spec = PipelineSpec.of(Pipeline.default(Config()))
    learned, _ = fit_folder(spec, sources)
    job = Job.of(spec, reader_record, learned, MEMO, remembered, None, without_story)
    with tempfile.TemporaryDirectory() as tmp:
        _worker["cache"] = ResultCache(Path(tmp))
        items = list(enumerate(sources))[: 5 + pages]
        for at in range(0, len(items), 50):  # the reader sends chunks of about this many pages
            _clean_chunk(job, items[at : at + 50])
        _worker["cache"].close()


HTML_TOOLS = ("nothing", "newsread", "trafilatura")


def html_pages(every: int, tool: str) -> None:
    """Read every EVERY-th page of the HTML dev sets, warm both tools up, then run TOOL on each (see ``--html``)."""
    import trafilatura

    from newsread.cleaners import Config, Pipeline, decode, iter_sources, page_from_bytes
    from newsread.cleaners.loading import page_format, read_bytes

    bench = shared_dir() / "bench"
    pages = []
    for source in list(iter_sources([bench / "scrapinghub/html", bench / "wcxb/html"]))[::every]:
        data = read_bytes(source.file, page_format(source.name)[1])
        pages.append((source, data, decode(data, html=True).text))
    pipeline = Pipeline.default(Config())
    for source, data, markup in pages[:3]:
        pipeline.clean(page_from_bytes(source.id, data, fmt="html", path=source.path))
        trafilatura.extract(markup)
    for source, data, markup in pages:
        if tool == "newsread":
            pipeline.clean(page_from_bytes(source.id, data, fmt="html", path=source.path))
        elif tool == "trafilatura":
            trafilatura.extract(markup)


def command_in_one_process(folders: list[str]) -> None:
    """``newsread clean --no-cache FOLDERS`` with the folder session cleaning in this process (run under valgrind)."""
    from newsread.cleaners import session
    from newsread.tui.cli import main

    init = session.FolderSession.__init__

    def here(self: session.FolderSession, *args: Any, **kwargs: Any) -> None:
        init(self, *args, **{**kwargs, "jobs": 0})

    session.FolderSession.__init__ = here  # type: ignore[method-assign]
    sys.argv = ["newsread", "clean", "--no-cache", *folders]
    with open(os.devnull, "w") as sink, contextlib.redirect_stdout(sink):
        try:
            main()
        except SystemExit as exc:
            if exc.code:
                raise


def counted_args(*args: str) -> int:
    """Instructions of one ``python -m bench instructions ARGS`` process."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "cachegrind.out"
        inner, env = bench_process("instructions", *args)
        env["PYTHONHASHSEED"] = "0"
        cmd = ["valgrind", "--tool=cachegrind", "--cache-sim=no", f"--cachegrind-out-file={out}", *inner]
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True)
    # A process the measured one forks (a worker pool, the learning's helpers) is counted too, and may end
    # first: the count is the measured process's, the one valgrind names first.
    first = re.search(r"^==(\d+)==", done.stderr, re.MULTILINE)
    pid = first.group(1) if first else r"\d+"
    found = re.search(rf"^=={pid}==\s+I\s+refs:\s+([\d,]+)", done.stderr, re.MULTILINE)
    if found is None:
        raise SystemExit(f"no instruction count in valgrind's output:\n{done.stderr[-2000:]}")
    return int(found.group(1).replace(",", ""))


def counted(folder: Path, passes: int, reader: bool = False, html: str | None = None) -> int:
    """Instructions of one process cleaning FOLDER PASSES times (``reader``: the reader's work for PASSES pages;
    ``html``: the HTML dev sets' every PASSES-th page, by that tool)."""
    return counted_args(
        str(folder),
        "--inner",
        str(passes),
        *(["--reader"] if reader else []),
        *(["--html-inner", html] if html else []),
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench instructions", description=__doc__.split("\n\n")[0])
    ap.add_argument("folder", nargs="*", type=Path, help="default: the ScrapingHub text dumps (--command: both sets)")
    ap.add_argument("--passes", type=int, default=3, help="passes of the measured process (default 3)")
    ap.add_argument("--reader", action="store_true", help="the reader's work per page in a worker (see above)")
    ap.add_argument("--pages", type=int, default=400, help="with --reader: pages measured (default 400)")
    ap.add_argument("--command", action="store_true", help="newsread clean end to end against the pipeline alone")
    ap.add_argument("--html", action="store_true", help="newsread's HTML cleaning next to trafilatura (see above)")
    ap.add_argument("--every", type=int, default=20, help="with --html: every N-th page (default 20: 45 pages)")
    ap.add_argument("--inner", type=int, help=argparse.SUPPRESS)  # the process valgrind runs
    ap.add_argument("--inner-command", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--inner-pipeline", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--html-inner", choices=HTML_TOOLS, help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.inner_command:
        command_in_one_process([str(f) for f in a.folder])
        return 0
    if a.inner_pipeline is not None:
        pipeline_passes([str(f) for f in a.folder], a.inner_pipeline)
        return 0
    if a.command:
        folders = [str(f) for f in a.folder] or [str(shared_dir() / f"bench/{s}/text") for s in ("scrapinghub", "wcxb")]
        loading = counted_args("--inner-pipeline", "0", *folders)
        pipeline = counted_args("--inner-pipeline", "1", *folders) - loading
        command = counted_args("--inner-command", *folders)
        print(f"pipeline alone: {pipeline:,} instructions; newsread clean end to end (one process): {command:,}")
        print(f"newsread clean / pipeline alone: {command / pipeline:.3f}x")
        return 0
    a.folder = a.folder[0] if a.folder else shared_dir() / "bench/scrapinghub/text"
    if a.inner is not None:
        if a.html_inner:
            html_pages(a.inner, a.html_inner)
        elif a.reader:
            reader_pages(a.folder, a.inner)
        else:
            clean_passes(a.folder, a.inner)
        return 0
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (apt-get install valgrind)")
    if a.html:
        from newsread.cleaners import iter_sources

        with ThreadPoolExecutor(len(HTML_TOOLS)) as pool:  # the three valgrind processes at once
            got = pool.map(lambda tool: counted(a.folder, a.every, html=tool), HTML_TOOLS)
            counts = dict(zip(HTML_TOOLS, got, strict=True))
        folders = [shared_dir() / "bench" / s / "html" for s in ("scrapinghub", "wcxb")]
        pages = len(list(iter_sources(folders))[:: a.every])
        mine, theirs = (counts[tool] - counts["nothing"] for tool in ("newsread", "trafilatura"))
        print(f"{pages} HTML pages (every {a.every}th of scrapinghub and wcxb), instructions per page:")
        print(f"  newsread clean        {mine / pages / 1e6:8.1f} M")
        print(f"  trafilatura.extract   {theirs / pages / 1e6:8.1f} M")
        print(f"newsread / trafilatura: {mine / theirs:.2f}x")
        return 0
    if a.reader:
        few, many = counted(a.folder, 0, reader=True), counted(a.folder, a.pages, reader=True)
        print(f"{a.folder}: {(many - few) / a.pages / 1e6:.3f} M instructions per page (the reader's worker path)")
        return 0
    if a.passes < 2:
        raise SystemExit("--passes must be at least 2")
    from newsread.cleaners import load_pages

    pages = sum(1 for p in load_pages([a.folder]) if p.error is None)
    one, many = counted(a.folder, 1), counted(a.folder, a.passes)
    per_page = (many - one) / ((a.passes - 1) * pages)
    print(f"{pages} pages; {one:,} instructions for 1 pass, {many:,} for {a.passes}")
    print(f"pipeline: {per_page / 1e6:.3f} M instructions per page")
    return 0
