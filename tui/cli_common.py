"""What every ``newsread`` command shares: failing with a message, the pipeline from the options, names shown
safely. Apart from the commands so that the Dask command (``distributed_cli``) uses it without a cycle."""

from __future__ import annotations

import difflib
from pathlib import Path

import typer

from newsread.cleaners import Config, ConfigError, Pipeline, inert, load_config
from newsread.cleaners.config import check_limit

from .commands import COMMANDS


def fail(message: str, code: int = 2) -> typer.Exit:
    typer.echo(f"newsread: {message}", err=True)
    return typer.Exit(code)


def build_pipeline(
    config: Path | None,
    enable: list[str],
    disable: list[str],
    *,
    max_page_mb: float | None = None,
    max_seconds: float | None = None,
    max_learn_seconds: float | None = None,
) -> tuple[Pipeline, Config]:
    try:
        cfg = load_config(config)
    except ConfigError as exc:
        raise fail(str(exc)) from exc
    try:
        if max_page_mb is not None:
            cfg.max_page_mb = check_limit("max_page_mb", max_page_mb, "--max-page-mb")
        if max_seconds is not None:
            cfg.max_clean_seconds = check_limit("max_clean_seconds", max_seconds, "--max-seconds")
        if max_learn_seconds is not None:
            cfg.max_learn_seconds = check_limit("max_learn_seconds", max_learn_seconds, "--max-learn-seconds")
    except ConfigError as exc:
        raise fail(str(exc)) from exc
    pipeline = Pipeline.default(cfg, enable=enable, disable=disable)
    for problem in pipeline.problems:
        typer.echo(f"newsread: warning: {inert(problem)}", err=True)
    return pipeline, cfg


def shown(text: str) -> str:
    """A file name or message as it may be printed: undecodable bytes replaced, controls made inert."""
    return inert(text.encode("utf-8", "surrogateescape").decode("utf-8", "replace"))


def one_line(text: str) -> str:
    """``text`` as one inert field of a tab-separated line (a tab or newline in it would make more fields)."""
    return shown(text.replace("\t", " ").replace("\n", " "))


def check_paths(paths: list[Path]) -> None:
    for p in paths:
        if not p.exists() and not p.is_symlink():
            near = difflib.get_close_matches(str(p), sorted(COMMANDS), n=1, cutoff=0.6) if p == paths[0] else []
            hint = f" (did you mean `newsread {near[0]}`?)" if near else ""
            raise fail(f"no such file or folder: {shown(str(p))}{hint}")
