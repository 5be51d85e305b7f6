"""The ``newsread`` command: ``newsread PATH`` opens the reader; ``clean``, ``diff`` and ``cleaners`` work in batch.

Why one module over 600 lines: typer reads the commands' options from the functions' signatures, so every command
and its option declarations are listed here, where ``--help`` takes them from (the work itself is in the engine's
folder session, :mod:`newsread.cleaners.session`).
"""

from __future__ import annotations

import contextlib
import errno
import functools
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import IO, Annotated

import typer

from newsread.cleaners import (
    FORMATS,
    CleanedPage,
    inert,
    render,
)
from newsread.cleaners import __version__ as engine_version
from newsread.cleaners.cache import default_cache_dir
from newsread.cleaners.clusters import StorySignature, signature_of
from newsread.cleaners.collector import collect_young_less_often
from newsread.cleaners.outfiles import JSONL_NAME, OutputError, OutputFolder, Written, folder_holding, output_names
from newsread.cleaners.output import printable, record_line, record_members
from newsread.cleaners.session import Event, FolderLearned, FolderSession, Problem, list_pages

from .cli_common import build_pipeline, check_paths, fail, one_line, shown
from .cli_help import HelpCommand, HelpGroup
from .commands import COMMANDS
from .process import tune_frame_rate

app = typer.Typer(
    name="newsread",
    help="Read folders of raw scraped news in the terminal: boilerplate stripped, every removal explained.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
    # Help as wide as the terminal, up to a width still read at a glance (click's default stops at 80).
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 120},
    cls=HelpGroup,
)

PathsArg = Annotated[
    list[Path],
    typer.Argument(
        help="Folders or files of pages (.txt, .html, .gz …). Symlinks are followed, also to files and folders"
        " outside the folder (loops are entered once).",
        show_default=False,
        metavar="PATH",
    ),
]
# `clean`'s inputs may be URLs (on Dask): text, since a Path folds the two slashes of s3://bucket into one
SourcesArg = Annotated[
    list[str],
    typer.Argument(
        help="Folders or files of pages (.txt, .html, .gz …). Symlinks are followed, also to files and folders"
        " outside the folder (loops are entered once). With --cluster/--scheduler also URLs (s3://bucket/crawl/).",
        show_default=False,
        metavar="PATH",
    ),
]
ConfigOpt = Annotated[
    Path | None,
    typer.Option("--config", "-c", metavar="FILE", help="Config file (TOML). Default: the user config file."),
]
EnableOpt = Annotated[
    list[str], typer.Option("--enable", "-e", metavar="NAME", help="Turn a cleaner on for this run (repeatable).")
]
DisableOpt = Annotated[
    list[str], typer.Option("--disable", "-d", metavar="NAME", help="Turn a cleaner off for this run (repeatable).")
]
MaxLearnOpt = Annotated[
    float | None,
    typer.Option(
        "--max-learn-seconds",
        min=0.001,
        metavar="SECONDS",
        help="Stop a cleaner still learning from the folder after this long (it learns nothing; said).",
    ),
]
StateOpt = Annotated[
    Path | None,
    typer.Option(
        "--state", metavar="FILE", help="Triage state file (SQLite). Default: triage.sqlite3 in the user state folder."
    ),
]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"newsread {engine_version}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """Read folders of raw scraped news in the terminal. `newsread PATH` opens the reader."""


@app.command("open", cls=HelpCommand)
def open_(
    paths: PathsArg,
    config: ConfigOpt = None,
    enable: EnableOpt = [],  # noqa: B006 - typer reads the default, it is never mutated
    disable: DisableOpt = [],  # noqa: B006
    state: StateOpt = None,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Clean every page again: neither read nor write the result cache.")
    ] = False,
) -> None:
    """Open folders or files in the reader (what `newsread PATH` does)."""
    check_paths(paths)
    if state is not None:  # (the default one inside the folder: the reader says so and triages unsaved)
        check_state_path(state, paths)
    pipeline, _ = build_pipeline(config, enable, disable)
    from .app import run_app  # Textual is imported only when the reader opens

    run_app([str(p) for p in paths], pipeline, state=state, use_cache=not no_cache, config=config)


def check_state_path(state: Path | None, paths: list[Path]) -> None:
    """The state file may not live in an input folder: newsread never writes into what it reads (the default
    one is checked too: the user state folder may be inside the folder being read)."""
    from .triage import default_state_path

    target = state if state is not None else default_state_path()
    folder = folder_holding(target, paths)
    if folder is not None:
        what = "--state" if state is not None else "the state file"
        raise fail(
            f"{what} {shown(str(target))} is inside the input folder {shown(folder)}: newsread never writes into"
            " what it reads (use --state PATH for a file elsewhere)"
        )


@app.command(cls=HelpCommand)
def export(
    paths: PathsArg,
    out: Annotated[
        Path, typer.Option("--out", "-o", metavar="DIR", help="Folder to write the articles into.", show_default=False)
    ],
    status: Annotated[
        str,
        typer.Option(
            "--status",
            "-s",
            metavar="STATUSES",
            help="Comma-separated: kept, starred, discarded, undecided, read, unread (a page needs any one).",
        ),
    ] = "kept,starred",
    tag: Annotated[
        list[str],
        typer.Option("--tag", "-t", metavar="TAG", help="Only pages with this tag (repeatable: all of them)."),
    ] = [],  # noqa: B006
    fmt: Annotated[str, typer.Option("--format", "-f", metavar="FORMAT", help="markdown, text or jsonl.")] = "markdown",
    state: StateOpt = None,
    config: ConfigOpt = None,
    enable: EnableOpt = [],  # noqa: B006
    disable: DisableOpt = [],  # noqa: B006
    max_learn_seconds: MaxLearnOpt = None,
) -> None:
    """Write the clean articles of triaged pages (default: kept and starred) with their triage status."""
    from .export import ExportError, check_out_dir, select_for_export, write_export
    from .triage import Filter, StateError, open_store, track_paths

    check_paths(paths)
    statuses = frozenset(s.strip() for s in status.split(",") if s.strip())
    try:
        flt = Filter(statuses=statuses, tags=frozenset(tag))
    except ValueError as exc:
        raise fail(str(exc)) from exc
    if fmt not in FORMATS:
        raise fail(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
    check_state_path(state, paths)
    try:
        check_out_dir(out, paths)
    except ExportError as exc:
        raise fail(str(exc)) from exc
    pipeline, _ = build_pipeline(config, enable, disable, max_learn_seconds=max_learn_seconds)
    from .progress import progress_bar

    try:
        store, _ = open_store(state, for_writing=False)
        with store:
            tracked = track_paths(paths)
            store.attach(ref for _, ref in tracked)
            chosen = select_for_export(store, [s for s, _ in tracked], flt)
    except StateError as exc:
        raise fail(str(exc)) from exc
    if not chosen:
        typer.echo(
            f"newsread: no page of {len(tracked)} matches --status {status}"
            + (f" --tag {' --tag '.join(tag)}" if tag else "")
            + "; nothing written",
            err=True,
        )
        return
    session = FolderSession(paths, pipeline, use_cache=False, listener=say_problem)
    session.sources = [s for s, _ in tracked]
    session.learn()  # from the whole folder, as `clean` and the reader do
    try:
        with session.cleaner() as clean, progress_bar(len(chosen)) as advance:
            result = write_export(
                chosen, pipeline, out, fmt=fmt, inputs=paths, progress=advance,
                input_files=lambda: [s.file for s, _ in tracked], clean=clean,
            )  # fmt: skip
    except ExportError as exc:
        raise fail(shown(str(exc))) from exc
    except OSError as exc:
        kept = "the JSONL file there is unchanged" if fmt == "jsonl" else "the files written before it are kept"
        raise fail(f"writing into {shown(str(out))} failed: {shown(write_problem(exc))}; {kept}", 1) from exc
    for page_id, why in result.failed + result.refused:
        typer.echo(f"newsread: {shown(page_id)}: {shown(why)}", err=True)
    say_renamed(result.renamed)
    where = result.files[0] if fmt == "jsonl" and result.files else out
    typer.echo(f"newsread: exported {len(result.page_ids)} page(s) to {shown(str(where))}", err=True)
    if result.refused:
        raise fail(f"{len(result.refused)} page(s) not written (said above why); nothing was written into an input", 1)


@app.command(cls=HelpCommand)
def clean(
    given: SourcesArg,
    out_given: Annotated[
        str | None, typer.Option("--out", "-o", metavar="DIR", help="Write one file per page into this folder.")
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            help="text, markdown or jsonl. Default: jsonl on stdout, text with --out.",
        ),
    ] = None,
    config: ConfigOpt = None,
    enable: EnableOpt = [],  # noqa: B006
    disable: DisableOpt = [],  # noqa: B006
    max_page_mb: Annotated[
        float | None,
        typer.Option("--max-page-mb", min=0.001, metavar="MB", help="Pages larger than this are reported, not read."),
    ] = None,
    max_seconds: Annotated[
        float | None,
        typer.Option(
            "--max-seconds", min=0.001, metavar="SECONDS", help="Stop cleaning a page after this long (and say so)."
        ),
    ] = None,
    max_learn_seconds: MaxLearnOpt = None,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=1, metavar="N", help="Clean with this many processes.")] = 1,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Neither read nor write the result cache.")] = False,
    cache_dir: Annotated[
        Path | None,
        typer.Option(
            "--cache-dir",
            metavar="DIR",
            help="Result cache folder. Default: $NEWSREAD_CACHE_DIR or the user cache dir.",
        ),
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option("--scheduler", metavar="ADDRESS", help="Clean on this Dask scheduler (tcp://host:8786); JSONL."),
    ] = None,
    cluster: Annotated[
        str | None,
        typer.Option("--cluster", metavar="local[:N]", help="Clean on a local Dask cluster of N workers; JSONL."),
    ] = None,
    partition_pages: Annotated[
        int, typer.Option("--partition-pages", min=1, metavar="N", help="Pages per Dask partition (output part).")
    ] = 2000,
) -> None:
    """Clean pages in batch: one article per page into --out, or JSON lines on stdout."""
    if scheduler is not None or cluster is not None:
        from .distributed_cli import clean_on_cluster  # (Dask is imported only here)

        limits = (max_page_mb, max_seconds, max_learn_seconds)
        cache = (cache_dir, not no_cache)
        clean_on_cluster(
            given, out_given, fmt, config, enable, disable, *limits, scheduler, cluster, partition_pages, *cache
        )
        return
    for text in (*given, out_given or ""):
        if "://" in text and not os.path.lexists(text):
            raise fail(f"{shown(text)}: a URL is read and written on Dask: add --cluster local (or --scheduler)")
    paths = [Path(p) for p in given]
    out = Path(out_given) if out_given is not None else None
    check_paths(paths)
    fmt = fmt or ("text" if out else "jsonl")
    if fmt not in FORMATS:
        raise fail(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
    folder = None
    if out is not None:
        try:
            folder = OutputFolder(out, paths, lambda: [s.file for s in sources])
        except OutputError as exc:
            raise fail(shown(str(exc))) from exc
    # Only the output goes to stdout: what cleaners print while set up or learning the folder here goes to stderr
    # (while cleaning, in the workers, it becomes a note on the page).
    with contextlib.redirect_stdout(sys.stderr):
        pipeline, _ = build_pipeline(
            config,
            enable,
            disable,
            max_page_mb=max_page_mb,
            max_seconds=max_seconds,
            max_learn_seconds=max_learn_seconds,
        )
    session = FolderSession(
        paths, pipeline, jobs=jobs, use_cache=not no_cache, cache_dir=cache_dir, listener=say_problem
    )
    sources = session.discover()
    stdout = sys.stdout  # the output's: what cleaners print while learning or workers start goes to stderr
    to_terminal = stdout.isatty()
    with contextlib.redirect_stdout(sys.stderr):
        session.learn()
        results = session.clean_ordered(functools.partial(render_output, fmt))

        from .progress import progress_bar

        failures = 0
        refused: list[str] = []
        renamed: list[tuple[str, Written]] = []
        # JSONL records carry each page's story cluster, known only once every page is cleaned: records wait in
        # a temporary file (only each page's small story signature stays in memory) and are written at the end.
        signatures: list[tuple[int, StorySignature | None]] = []
        held = tempfile.TemporaryFile("w+", encoding="utf-8") if fmt == "jsonl" else None  # noqa: SIM115 - closed below
        held_ids: list[str] = []
        held_failed: OSError | None = None  # the temporary file could not be written (a full disk): stop, keep the rest
        written = copied = 0
        try:
            with progress_bar(len(sources)) as advance:
                for source, (error, output, signature) in zip(sources, results, strict=True):
                    if error:
                        failures += 1
                        typer.echo(f"newsread: {shown(source.id)}: {shown(error)}", err=True)
                    if held is not None:
                        try:
                            held.write(output)
                        except OSError as exc:
                            held_failed = exc
                            break
                        signatures.append((len(held_ids), signature))
                        held_ids.append(printable(source.id))
                    elif folder is not None:
                        if error is None:
                            wanted, alternative = output_names(source.id, fmt)
                            try:
                                done = folder.write(wanted, output, alternative)
                            except OutputError as exc:
                                refused.append(source.id)
                                typer.echo(f"newsread: {shown(source.id)}: {shown(str(exc))}", err=True)
                            else:
                                written += 1
                                if done.renamed:
                                    renamed.append((source.id, done))
                    else:
                        text = f"===== {inert(source.id)}\n{output}\n"  # (the id: its controls made inert)
                        stdout.write(shown(text) if to_terminal else text)
                    advance()
            if held is not None:
                if held_failed is not None:  # what was held is read back through a descriptor of its own
                    held = open(os.dup(held.fileno()), encoding="utf-8")  # noqa: SIM115 - closed below
                if folder is not None:
                    stories = session.stories(signatures)
                    with folder.create(JSONL_NAME) as (fh, done):
                        copied = write_with_clusters(held, held_ids, stories, fh)
                    written = 1
                    if done.renamed:
                        renamed.append(("", done))
                else:
                    copied = write_with_clusters(held, held_ids, session.stories(signatures), stdout)
                    stdout.flush()
        except OutputError as exc:  # (the JSONL file's own name: an input)
            raise fail(shown(str(exc)), 1) from exc
        except OSError as exc:  # a full disk, a file size limit, a closed pipe
            where = "standard output" if folder is None else shown(str(out))
            if folder is None:
                kept = "the output is incomplete"
            elif fmt == "jsonl":
                kept = "newsread.jsonl there is unchanged"
            else:
                kept = f"the {written} file(s) written before it are kept"
            raise fail(f"writing to {where} failed: {shown(write_problem(exc))}; {kept}", 1) from exc
        finally:
            if folder is not None:
                folder.close()
            if held is not None:
                held.close()
            # (Ctrl-C, a write error): a worker busy on a page is not waited for
            session.close(at_once=sys.exc_info()[0] is not None)
    say_renamed(renamed)
    if failures and out is not None:
        typer.echo(f"newsread: {failures} of {len(sources)} page(s) could not be read", err=True)
    if held_failed is not None:
        raise fail(
            f"holding the JSONL records in a temporary file failed: {shown(write_problem(held_failed))};"
            f" written: the first {copied} of {len(sources)} page(s)",
            1,
        )
    if refused:
        raise fail(f"{len(refused)} page(s) not written (said above why); nothing was written into an input", 1)


def write_problem(exc: OSError) -> str:
    """What went wrong writing, in words (a full disk, a file size limit) rather than an errno."""
    if exc.errno == errno.ENOSPC:
        return "the disk is full"
    if exc.errno == errno.EFBIG:
        return "the file size limit was reached (ulimit -f)"
    if exc.errno == errno.EDQUOT:
        return "the disk quota is used up"
    return exc.strerror or str(exc)


def say_renamed(renamed: list[tuple[str, Written]]) -> None:
    """Tell which pages went to another name than their usual one (another page or a file not newsread's had it)."""
    for page_id, done in renamed:
        whose = f"{shown(page_id)}: " if page_id else ""
        typer.echo(f"newsread: {whose}written as {shown(done.name)}, not {shown(done.wanted)}: {done.why}", err=True)


def render_output(fmt: str, cleaned: CleanedPage) -> tuple[str | None, str, StorySignature | None]:
    """One page's batch output (made in the worker process), its load error if any, and (for JSONL, whose
    records carry the story cluster) its story signature. A JSONL record comes without its cluster (one line
    of :func:`record_members`), finished by :func:`write_with_clusters`."""
    if fmt == "jsonl":
        return cleaned.page.error, record_members(cleaned) + "\n", signature_of(cleaned)
    return cleaned.page.error, render(cleaned, fmt), None


def say_problem(event: Event) -> None:
    """What the folder session says went wrong (the cache, the workers), as a warning on standard error."""
    if isinstance(event, Problem):
        typer.echo(f"newsread: warning: {shown(event.message)}", err=True)
    elif isinstance(event, FolderLearned):
        for problem in event.problems:
            typer.echo(f"newsread: warning: {inert(problem)}", err=True)


def write_with_clusters(held: IO[str], ids: list[str], clusters: dict[int, int], out: IO[str]) -> int:
    """Copy the held JSONL records (one :func:`record_members` a line) to ``out``, each finished with its story
    cluster (the id of the cluster's first page; null for a page that could not be read). Only the records of
    ``ids`` are copied, and only whole ones (after a failed write the file may end in part of a record). Returns
    how many were copied."""
    held.seek(0)
    copied = 0
    for k, line in zip(range(len(ids)), held, strict=False):
        if not line.endswith("\n"):  # cut short by the failed write
            break
        rep = clusters.get(k)
        out.write(record_line(line[:-1], ids[rep] if rep is not None else None))
        copied += 1
    return copied


@app.command(cls=HelpCommand)
def diff(
    file: Annotated[Path, typer.Argument(help="The page to show.", show_default=False, metavar="FILE")],
    config: ConfigOpt = None,
    enable: EnableOpt = [],  # noqa: B006
    disable: DisableOpt = [],  # noqa: B006
    color: Annotated[
        bool | None,
        typer.Option("--color/--no-color", help="Force colour on or off (default: when a terminal)."),
    ] = None,
    no_pager: Annotated[
        bool, typer.Option("--no-pager", help="Print at once, even to a terminal (default: through $PAGER).")
    ] = False,
) -> None:
    """Show a page's original with every removed span marked and labelled by its cleaner.

    In a terminal the output goes through $PAGER (`less -R` by default), as git does."""
    check_paths([file])
    if file.is_dir():
        raise fail(f"{file} is a folder: `newsread diff` shows one page")
    pipeline, _ = build_pipeline(config, enable, disable)
    sources = list_pages([file])
    if not sources:
        raise fail(f"{shown(str(file))}: no page in it", 1)
    with FolderSession([file], pipeline, use_cache=False).cleaner() as clean:
        cleaned = clean(sources[0])  # in a worker: a stuck cleaner is stopped at the limit, never hangs `diff`
    if cleaned.page.error:
        raise fail(f"{shown(str(file))}: {shown(cleaned.page.error)}", 1)
    from rich.console import Console

    from .difftext import diff_lines  # (rich is imported only for the diff)

    console = Console(
        force_terminal=color if color is not None else None,
        no_color=(color is False) or None,
        highlight=False,
        soft_wrap=True,
    )
    styled = console.is_terminal and color is not False
    paged = not no_pager and sys.stdout.isatty()
    if paged:
        with console.capture() as captured:
            for line in diff_lines(cleaned, styled=styled):
                console.print(line)
        if not page_text(captured.get()):
            sys.stdout.write(captured.get())
    else:
        for line in diff_lines(cleaned, styled=styled):
            console.print(line)
    for err in cleaned.errors:
        typer.echo(f"newsread: cleaner {shown(err.cleaner)} failed on this page: {shown(err.message)}", err=True)


def page_text(text: str) -> bool:
    """Show ``text`` through the user's pager ($PAGER, run by the shell as git does; default ``less -R``, with
    LESS=FRX unless set: one screen is printed and left on screen). False when there is none to use (PAGER is
    empty or ``cat``, or it cannot be started): then print it."""
    pager = os.environ.get("PAGER", "less -R").strip()
    if not pager or pager == "cat":
        return False
    env = {**os.environ, "LESS": os.environ.get("LESS", "FRX")}
    try:
        subprocess.run(pager, shell=True, input=text, text=True, env=env, check=False)  # the user's own command
    except OSError:
        return False
    except KeyboardInterrupt:  # ctrl+c in the pager: it is closed, and so is the diff
        pass
    return True


@app.command("cleaners", cls=HelpCommand)
def list_cleaners(
    config: ConfigOpt = None,
    enable: EnableOpt = [],  # noqa: B006
    disable: DisableOpt = [],  # noqa: B006
) -> None:
    """List every cleaner: its order, on/off, origin and what it removes."""
    pipeline, _ = build_pipeline(config, enable, disable)
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console(highlight=False)
    if not console.is_terminal:  # for scripts: one tab-separated line per cleaner, never wrapped
        for i, stage in enumerate(pipeline.stages, 1):
            state = "on" if stage.enabled else "off"
            name, origin, description = (one_line(t) for t in (stage.name, stage.info.origin, stage.info.description))
            typer.echo(f"{i}\t{name}\t{state}\t{origin}\t{description}")
        return
    table = Table(box=None, pad_edge=False, show_edge=False)
    for col in ("#", "cleaner", "on", "origin", "removes"):
        table.add_column(col, overflow="fold")
    for i, stage in enumerate(pipeline.stages, 1):
        table.add_row(
            str(i),
            escape(shown(stage.name)),
            "on" if stage.enabled else "off",
            escape(shown(stage.info.origin)),
            escape(shown(stage.info.description)),
        )
    console.print(table)


cache_app = typer.Typer(help="The result cache: where it is, and clearing it.", no_args_is_help=True, cls=HelpGroup)
app.add_typer(cache_app, name="cache")


@cache_app.command("where", cls=HelpCommand)
def cache_where() -> None:
    """Print the cache folder ($NEWSREAD_CACHE_DIR, or the user cache folder) and its size."""
    folder = default_cache_dir()
    size = sum(f.stat().st_size for f in folder.glob("results.sqlite3*")) if folder.is_dir() else 0
    typer.echo(f"{folder}\t{size / 1e6:.1f} MB")


@cache_app.command("clear", cls=HelpCommand)
def cache_clear() -> None:
    """Delete the result cache (every page is cleaned again next time; nothing else is lost)."""
    from newsread.cleaners.cache import clear_cache

    folder = default_cache_dir()
    freed = clear_cache(folder)
    typer.echo(f"newsread: cleared the cache in {folder} ({freed / 1e6:.1f} MB)", err=True)


OPEN_OPTIONS = {"-c", "--config", "-e", "--enable", "-d", "--disable", "--state", "--no-cache"}


def main(argv: list[str] | None = None) -> None:
    """Entry point: ``newsread PATH`` is short for ``newsread open PATH``."""
    args = list(sys.argv[1:] if argv is None else argv)
    tune_frame_rate()
    if args[:1] == ["clean"]:
        collect_young_less_often()
    if args and (args[0] in OPEN_OPTIONS or (args[0] not in COMMANDS and not args[0].startswith("-"))):
        args.insert(0, "open")
    app(args=args, prog_name="newsread")


if __name__ == "__main__":
    main()
