"""Learning from a folder where it can be stopped: a folder-level cleaner's ``fit`` runs in a process of its own.

A cleaner's ``fit`` may get stuck where no signal reaches it (C code such as ``sum(range(10**13))``), run for hours
on a catastrophic regular expression or end its process. :func:`fit_watched` therefore runs the folder-level
cleaners of a pipeline in a forked child process that tells the caller, through a pipe, which cleaner it starts
and what each one learned. A cleaner still learning ``seconds`` after it started (``[limits] max_learn_seconds``)
has its process killed: it learns nothing, exactly as when its ``fit`` raises (it cleans every page without what
the folder would teach it; a problem says so), and the cleaners after it learn in a fresh child. The same when
the process ends under a cleaner (``os._exit``, a crash). Nothing of the caller is changed by the child: what is
learned comes back pickled (what the result cache and the worker processes need anyway).

Where there is no ``fork`` (Windows; or a caller that asks for ``spawn``), the child is started afresh: it cannot
be handed the caller's pipeline and pages, so the caller gives a :class:`Recipe` — how to build the same pipeline
(say, ``PipelineSpec.build``) and the folder's sources — and the child builds it and reads the pages itself. A
cleaner the recipe does not build (one made in code) learns in the caller's process, unwatched, as does every
cleaner when there is no limit, or neither fork nor a recipe.
"""

from __future__ import annotations

import contextlib
import io
import multiprocessing
import os
import pickle
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from .collector import frozen_for_fork
from .loading import DEFAULT_MAX_BYTES, Source, load_page
from .model import Page
from .pipeline import Pipeline, Stage

SPAWN_GRACE = 60.0  # seconds a spawned child may take to start Python and build the pipeline (not learning yet)
LEARNS_NOTHING = "it cleans without what the folder would teach it"
LEARNS_THEM_NOTHING = "they clean without what the folder would teach them"


class LearningStopped(Exception):
    """Learning the folder in worker processes overran its time limit: the workers were stopped."""


@dataclass(frozen=True, slots=True)
class Recipe:
    """What a child started afresh (``spawn``) needs to learn the folder: how to build the caller's pipeline (a
    picklable callable, say ``PipelineSpec.build``) and the folder's pages, read there within ``max_bytes``."""

    build: Callable[[], Pipeline]
    sources: Sequence[Source]
    max_bytes: int = DEFAULT_MAX_BYTES

    def pages(self) -> Iterator[Page]:
        return (load_page(s, max_bytes=self.max_bytes) for s in self.sources)


def start_method(recipe: Recipe | None = None, start: str | None = None) -> str | None:
    """How :func:`fit_watched` starts its child here: ``fork`` where there is one (unless ``start`` says
    ``spawn``), else ``spawn`` given a recipe; None: it cannot (learning is then unwatched)."""
    if multiprocessing.current_process().daemon:  # (a worker process may start none)
        return None
    forks = "fork" in multiprocessing.get_all_start_methods() and start != "spawn"
    return "fork" if forks else "spawn" if recipe is not None and _picklable(recipe) else None


def _picklable(recipe: Recipe) -> bool:
    """Whether ``recipe`` can be sent to a spawned child (else starting one fails half-way: the child, reading an
    empty pipe, prints "EOFError: Ran out of input")."""
    try:
        pickle.dumps(recipe)
    except Exception:
        return False
    return True


def can_watch(seconds: float | None, recipe: Recipe | None = None, start: str | None = None) -> bool:
    """Whether :func:`fit_watched` can stop a cleaner at ``seconds`` here (a limit is set, and a child can be
    started: see :func:`start_method`)."""
    return bool(seconds) and start_method(recipe, start) is not None


def stopped_in_parts(names: list[str], why: object) -> str:
    """The problem of cleaners learning in parts together whose workers were stopped at the limit."""
    which = ", ".join(map(repr, names))
    return f"{why} (max_learn_seconds for each of {which}); none of them learned anything, {LEARNS_THEM_NOTHING}"


def overran(name: str, seconds: float) -> str:
    """The problem of a cleaner still learning after ``seconds``."""
    return (
        f"cleaner {name!r} did not finish learning from the folder within {seconds:g} s (max_learn_seconds):"
        f" stopped; {LEARNS_NOTHING}"
    )


def fit_watched(
    pipeline: Pipeline,
    pages: Iterable[Page],
    seconds: float | None,
    *,
    quiet: bool = False,
    recipe: Recipe | None = None,
    start: str | None = None,
) -> None:
    """``pipeline.fit(pages)``, each folder-level cleaner stopped ``seconds`` after it started learning (see the
    module's docstring); problems go to ``pipeline.problems``. ``pages`` is iterated in a forked child only (a
    generator here is left as it is: a fresh child iterates it again from the start); a spawned child reads the
    pages of ``recipe`` instead. ``start``: ``spawn`` to spawn even where there is fork (see
    :func:`start_method`). ``quiet``: the child's standard error goes to the null device (the reader draws on the
    terminal). Its standard output always does; what a cleaner prints with ``print`` goes where this process's
    ``sys.stdout`` does when forked (``newsread clean`` sends it to standard error), to standard error when
    spawned."""
    if not pipeline.fitters:
        return
    method = start_method(recipe, start)
    if not seconds or method is None:
        pipeline.fit(pages)
        return
    todo = [s.name for s in pipeline.fitters]
    here: list[str] = []  # learned, but what they learned cannot be sent back (or not built there): learned here
    while todo:
        if method == "fork":
            done, unsent = _fit_in_child(pipeline, _child, (pipeline, pages), todo, seconds, quiet, method)
        else:
            done, unsent = _fit_in_child(pipeline, _spawned_child, (recipe,), todo, seconds, quiet, method)
        here += unsent
        todo = todo[done:]
    if here:
        _fit_here(pipeline, pages, here)


def _fit_in_child(
    pipeline: Pipeline,
    target: Callable[..., None],
    given: tuple[Any, ...],
    names: list[str],
    seconds: float,
    quiet: bool,
    method: str,
) -> tuple[int, list[str]]:
    """Fit the cleaners ``names`` (in that order) in a child running ``target(conn, *given, names, quiet)``.
    Returns how many of them are settled (learned, failed or stopped: the rest are to learn in a fresh child)
    and those to learn here instead."""
    ctx: Any = multiprocessing.get_context(method)
    ours, theirs = ctx.Pipe(duplex=False)
    args = (theirs, *given, names, quiet)
    child = ctx.Process(target=target, args=args, daemon=True, name="newsread-learn")
    with frozen_for_fork():
        child.start()
    theirs.close()
    settled = 0
    unsent: list[str] = []
    current: str | None = None
    deadline = time.monotonic() + seconds + (SPAWN_GRACE if method == "spawn" else 0.0)
    try:
        while settled < len(names):
            if not ours.poll(max(0.0, deadline - time.monotonic())):
                name = current or names[settled]
                pipeline.problems.append(overran(name, seconds))
                return settled + 1, unsent
            try:
                message = ours.recv()
            except (EOFError, OSError):  # the child ended under the cleaner learning
                child.join(5)
                name = current or names[settled]
                pipeline.problems.append(
                    f"cleaner {name!r} ended its process while learning from the folder ({_how(child.exitcode)});"
                    f" {LEARNS_NOTHING}"
                )
                return settled + 1, unsent
            except Exception as exc:  # what it learned cannot be read here
                name = current or names[settled]
                pipeline.problems.append(f"cleaner {name!r} failed to learn from the folder: {exc}")
                settled += 1
                current = None
                continue
            kind, name = message[0], message[1]
            if kind == "start":
                current, deadline = name, time.monotonic() + seconds
                continue
            settled += 1
            current = None
            if kind == "done":
                pipeline.adopt({name: message[2]})
            elif kind == "unsent":
                unsent.append(name)
            else:
                pipeline.problems.append(f"cleaner {name!r} failed to learn from the folder: {message[2]}")
        return settled, unsent
    finally:
        with contextlib.suppress(OSError):
            ours.close()
        if child.is_alive():
            child.kill()
        child.join(5)


def _how(code: int | None) -> str:
    if code is None:
        return "it did not end"
    return f"exit status {code}" if code >= 0 else f"signal {-code}"


def _quiet_output(quiet: bool) -> None:
    with contextlib.suppress(OSError):  # writes to fd 1 never reach the caller's output
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        if quiet:
            os.dup2(null, 2)
            sys.stderr = sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - this process's for its short life
        os.close(null)


def _child(conn: Connection, pipeline: Pipeline, pages: Iterable[Page], names: list[str], quiet: bool) -> None:
    _quiet_output(quiet)
    _learn(conn, pipeline, pages, names)


def _spawned_child(conn: Connection, recipe: Recipe, names: list[str], quiet: bool) -> None:
    _quiet_output(quiet)
    if not quiet:
        sys.stdout = sys.stderr  # (what a cleaner prints: on standard error, as in a forked child of newsread clean)
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # (what loading a cleaner file prints: said by the caller)
            pipeline = recipe.build()
    except Exception:  # (checked by the caller first; a cleaner file changed meanwhile, say): learned there
        for name in names:
            conn.send(("unsent", name))
        return
    _learn(conn, pipeline, recipe.pages(), names)


def _learn(conn: Connection, pipeline: Pipeline, pages: Iterable[Page], names: list[str]) -> None:
    """Learn ``names`` in this child, in that order, telling the caller as it goes. A name this pipeline has no
    cleaner of (one made in code, which a recipe cannot build) is left to the caller ("unsent")."""
    by_name = {s.name: s for s in pipeline.fitters}
    materialised = pages if sum(n in by_name for n in names) <= 1 else list(pages)
    for name in names:
        stage = by_name.get(name)
        if stage is None:
            conn.send(("unsent", name))
            continue
        conn.send(("start", stage.name))
        try:
            state = _fit_one(stage, materialised)
        except SystemExit as exc:
            conn.send(("failed", stage.name, f"called sys.exit({exc.code!r})"))
            continue
        except Exception as exc:
            conn.send(("failed", stage.name, str(exc)))
            continue
        try:
            conn.send(("done", stage.name, state))
        except Exception:  # (pickling failed before anything was written)
            conn.send(("unsent", stage.name))
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()


def _fit_one(stage: Stage, pages: Iterable[Page]) -> Any:
    return stage.cleaner.fit(pages)  # type: ignore[union-attr]


def _fit_here(pipeline: Pipeline, pages: Iterable[Page], names: list[str]) -> None:
    """Fit ``names`` in this process, unwatched: what they learned could not be sent from a child."""
    stages = [s for s in pipeline.fitters if s.name in names]
    materialised = pages if len(stages) == 1 else list(pages)
    for stage in stages:
        try:
            pipeline.adopt({stage.name: _fit_one(stage, materialised)})
        except Exception as exc:
            pipeline.problems.append(f"cleaner {stage.name!r} failed to learn from the folder: {exc}")
