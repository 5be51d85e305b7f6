"""The ``newsread`` command: ``newsread PATH`` opens the reader; ``clean``, ``diff`` and ``cleaners`` work in batch."""

from __future__ import annotations

import functools
import json
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from newsread.cleaners import (
    FORMATS,
    CleanedPage,
    ConfigError,
    Pipeline,
    iter_sources,
    load_config,
    load_page,
    render,
    to_record,
)
from newsread.cleaners import __version__ as engine_version
from newsread.cleaners.batch import PipelineSpec, clean_ordered
from newsread.cleaners.cache import default_cache_dir

from .difftext import diff_lines

app = typer.Typer(
    name="newsread",
    help="Read folders of raw scraped news in the terminal: boilerplate stripped, every removal explained.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
)

PathsArg = Annotated[
    list[Path], typer.Argument(help="Folders or files of pages (.txt, .html, .gz …).", show_default=False)
]
ConfigOpt = Annotated[
    Path | None, typer.Option("--config", "-c", help="Config file (TOML). Default: the user config file.")
]
EnableOpt = Annotated[list[str], typer.Option("--enable", "-e", help="Turn a cleaner on for this run (repeatable).")]
DisableOpt = Annotated[list[str], typer.Option("--disable", "-d", help="Turn a cleaner off for this run (repeatable).")]


def fail(message: str, code: int = 2) -> typer.Exit:
    typer.echo(f"newsread: {message}", err=True)
    return typer.Exit(code)


def build_pipeline(config: Path | None, enable: list[str], disable: list[str]) -> Pipeline:
    try:
        cfg = load_config(config)
    except ConfigError as exc:
        raise fail(str(exc)) from exc
    pipeline = Pipeline.default(cfg, enable=enable, disable=disable)
    for problem in pipeline.problems:
        typer.echo(f"newsread: warning: {problem}", err=True)
    return pipeline


def check_paths(paths: list[Path]) -> None:
    for p in paths:
        if not p.exists() and not p.is_symlink():
            raise fail(f"no such file or folder: {p}")


def _is_within(child: Path, parent: Path) -> bool:
    try:
        child.resolve().relative_to(parent.resolve())
        return True
    except ValueError:
        return False


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


@app.command("open")
def open_(
    paths: PathsArg,
    config: ConfigOpt = None,
    enable: EnableOpt = [],  # noqa: B006 - typer reads the default, it is never mutated
    disable: DisableOpt = [],  # noqa: B006
) -> None:
    """Open folders or files in the reader (what `newsread PATH` does)."""
    check_paths(paths)
    pipeline = build_pipeline(config, enable, disable)
    from .app import run_app  # Textual is imported only when the reader opens

    run_app([str(p) for p in paths], pipeline)


@app.command()
def clean(
    paths: PathsArg,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write one file per page into this folder.")] = None,
    fmt: Annotated[
        str | None,
        typer.Option("--format", "-f", help="text, markdown or jsonl. Default: jsonl on stdout, text with --out."),
    ] = None,
    config: ConfigOpt = None,
    enable: EnableOpt = [],  # noqa: B006
    disable: DisableOpt = [],  # noqa: B006
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=1, help="Clean with this many processes.")] = 1,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Neither read nor write the result cache.")] = False,
    cache_dir: Annotated[
        Path | None,
        typer.Option("--cache-dir", help="Result cache folder. Default: $NEWSREAD_CACHE_DIR or the user cache dir."),
    ] = None,
) -> None:
    """Clean pages in batch: one article per page into --out, or JSON lines on stdout."""
    check_paths(paths)
    fmt = fmt or ("text" if out else "jsonl")
    if fmt not in FORMATS:
        raise fail(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
    if out is not None:
        for p in paths:
            if p.is_dir() and _is_within(out, p):
                raise fail(f"--out {out} is inside the input folder {p}: newsread never writes into what it reads")
        out.mkdir(parents=True, exist_ok=True)
    use_cache = not no_cache
    cache_folder = cache_dir if cache_dir is not None else default_cache_dir()
    if use_cache and any(p.is_dir() and _is_within(cache_folder, p) for p in paths):
        typer.echo(f"newsread: warning: cache {cache_folder} is inside an input folder; not using it", err=True)
        use_cache = False
    pipeline = build_pipeline(config, enable, disable)
    spec = PipelineSpec.of(pipeline, config)
    sources = list(iter_sources(paths))
    fitting = any(callable(getattr(s.cleaner, "fit", None)) for s in pipeline.active)
    if fitting:
        pipeline.fit(load_page(s) for s in sources)

    from .progress import progress_bar

    jsonl_out = None
    if fmt == "jsonl" and out is not None:
        jsonl_out = open(out / "newsread.jsonl", "w", encoding="utf-8")  # noqa: SIM115 - closed below
    failures = 0
    results = clean_ordered(
        sources,
        spec,
        functools.partial(render_output, fmt),
        jobs=jobs,
        pipeline=pipeline,
        cache_dir=cache_folder,
        use_cache=use_cache,
        on_warning=lambda msg: typer.echo(f"newsread: warning: {msg}", err=True),
    )
    try:
        with progress_bar(len(sources)) as advance:
            for source, (error, output) in zip(sources, results, strict=True):
                if error:
                    failures += 1
                    typer.echo(f"newsread: {source.id}: {error}", err=True)
                if fmt == "jsonl":
                    if jsonl_out is not None:
                        jsonl_out.write(output)
                    else:
                        sys.stdout.write(output)
                elif out is not None:
                    if error is None:
                        target = out / output_name(source.id, fmt)
                        target.parent.mkdir(parents=True, exist_ok=True)
                        target.write_text(output, encoding="utf-8")
                else:
                    sys.stdout.write(f"===== {source.id}\n{output}\n")
                advance()
    finally:
        if jsonl_out is not None:
            jsonl_out.close()
    if failures and out is not None:
        typer.echo(f"newsread: {failures} of {len(sources)} page(s) could not be read", err=True)


def render_output(fmt: str, cleaned: CleanedPage) -> tuple[str | None, str]:
    """One page's batch output (made in the worker process) and its load error, if any."""
    if fmt == "jsonl":
        return cleaned.page.error, json.dumps(to_record(cleaned), ensure_ascii=False) + "\n"
    return cleaned.page.error, render(cleaned, fmt)


def output_name(page_id: str, fmt: str) -> str:
    """The output file for a page id: its extension (and .gz) replaced by .txt or .md."""
    stem = page_id
    if stem.lower().endswith(".gz"):
        stem = stem[:-3]
    base, ext = os.path.splitext(stem)
    if ext and "/" not in ext:
        stem = base
    return stem + (".md" if fmt == "markdown" else ".txt")


@app.command()
def diff(
    file: Annotated[Path, typer.Argument(help="The page to show.", show_default=False)],
    config: ConfigOpt = None,
    enable: EnableOpt = [],  # noqa: B006
    disable: DisableOpt = [],  # noqa: B006
    color: Annotated[
        bool | None,
        typer.Option("--color/--no-color", help="Force colour on or off (default: when a terminal)."),
    ] = None,
) -> None:
    """Show a page's original with every removed span marked and labelled by its cleaner."""
    check_paths([file])
    if file.is_dir():
        raise fail(f"{file} is a folder: `newsread diff` shows one page")
    pipeline = build_pipeline(config, enable, disable)
    sources = list(iter_sources([file]))
    cleaned = pipeline.clean(load_page(sources[0]))
    if cleaned.page.error:
        raise fail(f"{file}: {cleaned.page.error}", 1)
    from rich.console import Console

    console = Console(
        force_terminal=color if color is not None else None,
        no_color=(color is False) or None,
        highlight=False,
        soft_wrap=True,
    )
    styled = console.is_terminal and color is not False
    for line in diff_lines(cleaned, styled=styled):
        console.print(line)
    for err in cleaned.errors:
        typer.echo(f"newsread: cleaner {err.cleaner} failed on this page: {err.message}", err=True)


@app.command("cleaners")
def list_cleaners(
    config: ConfigOpt = None,
    enable: EnableOpt = [],  # noqa: B006
    disable: DisableOpt = [],  # noqa: B006
) -> None:
    """List every cleaner: its order, on/off, origin and what it removes."""
    pipeline = build_pipeline(config, enable, disable)
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console(highlight=False)
    if not console.is_terminal:  # for scripts: one tab-separated line per cleaner, never wrapped
        for i, stage in enumerate(pipeline.stages, 1):
            state = "on" if stage.enabled else "off"
            typer.echo(f"{i}\t{stage.name}\t{state}\t{stage.info.origin}\t{stage.info.description}")
        return
    table = Table(box=None, pad_edge=False, show_edge=False)
    for col in ("#", "cleaner", "on", "origin", "removes"):
        table.add_column(col, overflow="fold")
    for i, stage in enumerate(pipeline.stages, 1):
        table.add_row(
            str(i),
            stage.name,
            "on" if stage.enabled else "off",
            escape(stage.info.origin),
            escape(stage.info.description),
        )
    console.print(table)


COMMANDS = {"open", "clean", "diff", "cleaners"}
OPEN_OPTIONS = {"-c", "--config", "-e", "--enable", "-d", "--disable"}


def main(argv: list[str] | None = None) -> None:
    """Entry point: ``newsread PATH`` is short for ``newsread open PATH``."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args and (args[0] in OPEN_OPTIONS or (args[0] not in COMMANDS and not args[0].startswith("-"))):
        args.insert(0, "open")
    app(args=args, prog_name="newsread")


if __name__ == "__main__":
    main()
