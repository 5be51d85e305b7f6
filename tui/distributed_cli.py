"""``newsread clean --scheduler ADDRESS`` / ``--cluster local[:N]``: the command-line side of a Dask run.

Kept apart from ``cli.py`` (one call from ``clean``): the engine part is ``newsread.cleaners.distributed``.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path

import typer

from newsread.cleaners import inert
from newsread.cleaners.batch import PipelineSpec, rebuildable
from newsread.cleaners.cache import default_cache_dir
from newsread.cleaners.session import cache_problem

from .cli_common import build_pipeline, check_paths, fail, shown

_URL = re.compile(r"([A-Za-z][A-Za-z0-9+.-]+)://(.*)", re.S)
_ONE_SLASH = re.compile(r"([A-Za-z][A-Za-z0-9+.-]+):/(?!/)(.*)", re.S)


def as_url(path: str) -> str:
    """A command-line path or URL, as given (``clean`` takes its arguments as text: a ``Path`` would fold
    ``s3://b/x`` into ``s3:/b/x``). Raises ValueError for what is neither a local path that exists nor a
    well-formed URL: ``s3:/bucket/x`` (one slash), or ``s3://`` naming no bucket."""
    text = str(path)
    if os.path.lexists(text):
        return text
    m = _URL.fullmatch(text)
    if m is not None:
        scheme, rest = m.groups()
        if scheme.lower() not in ("file", "local") and not rest.strip("/"):
            raise ValueError(f"{text}: a URL names a bucket or host after {scheme}:// (say {scheme}://BUCKET/…)")
        return text
    m = _ONE_SLASH.fullmatch(text)
    if m is not None and len(m.group(1)) > 1:  # (one letter: a Windows drive)
        scheme, rest = m.groups()
        raise ValueError(f"{text}: no such file or folder, nor a URL (a URL has two slashes: {scheme}://{rest})")
    return text


def clean_on_cluster(
    paths: list[str],
    out: str | None,
    fmt: str | None,
    config: Path | None,
    enable: list[str],
    disable: list[str],
    max_page_mb: float | None,
    max_seconds: float | None,
    max_learn_seconds: float | None,
    scheduler: str | None,
    cluster: str | None,
    partition_pages: int,
    cache_dir: Path | None,
    use_cache: bool,
) -> None:
    """``newsread clean`` on Dask: JSONL on stdout, into one ``.jsonl`` file, or a folder of parts (path or URL).
    The result cache (``cache_dir``, else the default folder, as a local run's) is used by a local cluster's
    workers; by a remote cluster's only when ``--cache-dir`` names it (a folder every worker can open)."""
    from newsread.cleaners.distributed import (
        DaskMissing,
        RunError,
        check_output,
        clean_on_dask,
        connect,
        parse_cluster,
        require_dask,
    )

    if scheduler is not None and cluster is not None:
        raise fail("give --scheduler or --cluster, not both")
    if fmt not in (None, "jsonl"):
        raise fail(f"--format {fmt}: a Dask run writes JSONL only (leave out --format, or use --format jsonl)")
    try:
        require_dask()
        if cluster is not None:
            parse_cluster(cluster)
    except (DaskMissing, ValueError) as exc:
        raise fail(str(exc)) from exc
    logging.getLogger("distributed").setLevel(logging.WARNING)  # (a local cluster says much at INFO level)
    try:
        inputs = [as_url(p) for p in paths]
        target = as_url(out) if out is not None else None
    except ValueError as exc:
        raise fail(shown(str(exc))) from exc
    check_paths([Path(i) for i in inputs if "://" not in i])
    try:  # (before a cluster starts: a missing bucket, missing credentials, an output over an input …)
        check_output(target, inputs)
    except RunError as exc:
        raise fail(shown(str(exc))) from exc
    with contextlib.redirect_stdout(sys.stderr):  # (what cleaners print while built: never into the output)
        pipeline, _ = build_pipeline(
            config,
            enable,
            disable,
            max_page_mb=max_page_mb,
            max_seconds=max_seconds,
            max_learn_seconds=max_learn_seconds,
        )
        spec = PipelineSpec.of(pipeline)
        same = rebuildable(pipeline, spec)
    if not same:
        raise fail("these cleaners cannot be rebuilt on Dask workers (cleaners made in code): run without --scheduler")
    # (a remote cluster's workers may not see this machine's cache folder: only one named is taken as shared)
    cache = _cache_for(cache_dir, use_cache and (scheduler is None or cache_dir is not None), inputs)
    from .progress import progress_bar

    with contextlib.ExitStack() as stack:
        advance: list[Callable[[], None]] = [lambda: None]

        def on_total(total: int) -> None:
            advance[0] = stack.enter_context(progress_bar(total))

        def on_progress(pages: int) -> None:
            for _ in range(pages):
                advance[0]()

        def on_error(page_id: str, error: str) -> None:
            typer.echo(f"newsread: {shown(page_id)}: {shown(error)}", err=True)

        try:
            client = stack.enter_context(connect(scheduler, cluster))
            if scheduler is not None:
                typer.echo(f"newsread: Dask dashboard: {client.dashboard_link}", err=True)
            result = clean_on_dask(
                client,
                inputs,
                spec,
                out=target,
                partition_pages=partition_pages,
                on_error=on_error,
                on_warning=lambda msg: typer.echo(f"newsread: warning: {inert(msg)}", err=True),
                progress=on_progress,
                on_total=on_total,
                pipeline=pipeline,
                cache_dir=cache,
            )
        except RunError as exc:
            raise fail(shown(str(exc))) from exc
        except Exception as exc:  # a lost scheduler, a task that failed each time Dask ran it, a full disk
            raise fail(f"the Dask run failed: {shown(type(exc).__name__)}: {shown(str(exc))}", 1) from exc
    if result.failures and out is not None:
        typer.echo(f"newsread: {result.failures} of {result.pages} page(s) could not be read", err=True)
    if out is not None:
        typer.echo(f"newsread: {result.pages} page(s) in {result.parts} partition(s) to {shown(out)}", err=True)


def _cache_for(cache_dir: Path | None, wanted: bool, inputs: list[str]) -> str | None:
    """The result cache folder the workers use (absolute: they may run elsewhere), or None: none (not ``wanted``,
    or inside an input folder: a warning says so)."""
    if not wanted:
        return None
    folder = Path(os.path.abspath((cache_dir or default_cache_dir()).expanduser()))
    problem = cache_problem(folder, [i for i in inputs if "://" not in i])
    if problem is not None:
        typer.echo(f"newsread: warning: {shown(problem)}", err=True)
        return None
    return str(folder)
