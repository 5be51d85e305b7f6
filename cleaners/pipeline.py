"""Running cleaners over pages: order, isolation, validation of what they return."""

from __future__ import annotations

import hashlib
import io
import json
import signal
import sys
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from operator import itemgetter
from typing import Any, Protocol

from .base import Cleaner, Context, fits_in_chunks
from .config import Config, load_config
from .loading import DEFAULT_MAX_BYTES
from .model import Annotation, CleanedPage, CleanerError, Mark, Page
from .registry import CleanerInfo, RegistryError, discover_entry_points, load_cleaner_file, ordered, unique_names

try:  # the C function behind ``signal.signal`` (see _Deadline); it has no type stubs
    from _signal import signal as _set_handler  # type: ignore[import-not-found,unused-ignore]
except ImportError:  # another Python implementation
    _set_handler = signal.signal

MAX_REASON = 200


@dataclass(frozen=True, slots=True)
class Stage:
    """One cleaner in a pipeline, built or not, and whether it runs."""

    info: CleanerInfo
    enabled: bool
    options: dict[str, Any]
    cleaner: Cleaner | None  # None when building it failed (see Pipeline.problems)

    @property
    def name(self) -> str:
        return self.info.name


class Pipeline:
    """An ordered list of cleaners. ``clean(page)`` never raises because of a cleaner."""

    def __init__(
        self,
        stages: Sequence[Stage],
        problems: Sequence[str] = (),
        *,
        max_seconds: float | None = None,
        max_bytes: int = DEFAULT_MAX_BYTES,
        max_learn_seconds: float | None = None,
    ) -> None:
        self.stages: tuple[Stage, ...] = tuple(stages)
        self.problems: list[str] = list(problems)
        self.max_seconds = max_seconds  # per page; None: no limit
        # The config's page limit travels with the cleaners, so whatever loads pages for this pipeline (the
        # command, the export, the reader, a worker process) applies the same one: see FolderSession.load.
        self.max_bytes = max_bytes
        # How long each folder-level cleaner may learn from the folder (None: no limit; see learning.fit_watched).
        self.max_learn_seconds = max_learn_seconds
        self._folder: dict[str, Any] = {}
        self._plan: tuple[tuple[Stage, ...], list[_Step]] | None = None  # see _steps

    # -- building -------------------------------------------------------------------------------
    @classmethod
    def from_infos(
        cls,
        infos: Iterable[CleanerInfo],
        config: Config | None = None,
        *,
        enable: Iterable[str] = (),
        disable: Iterable[str] = (),
        problems: list[str] | None = None,
    ) -> Pipeline:
        config = config or Config()
        problems = [*(problems or []), *config.warnings]
        infos = ordered(unique_names(infos, problems), config.order)
        names = {i.name for i in infos}
        enable, disable = set(enable), set(disable)
        for name in sorted((enable | disable | set(config.enabled) | set(config.options) | set(config.order)) - names):
            problems.append(f"no cleaner named {name!r} (see `newsread cleaners`)")
        stages = []
        for info in infos:
            on = config.enabled.get(info.name, info.enabled_by_default)
            if info.name in enable:
                on = True
            if info.name in disable:
                on = False
            options = dict(config.options.get(info.name, {}))
            if info.name == "user_rules" and config.rules:
                options.setdefault("rules", config.rules)
            try:
                built: Cleaner | None = info.build(options)
            except Exception as exc:
                problems.append(f"cleaner {info.name!r} could not be set up: {exc}")
                built, on = None, False
            stages.append(Stage(info, on, options, built))
        return cls(
            stages,
            problems,
            max_seconds=config.max_clean_seconds,
            max_bytes=config.max_page_bytes,
            max_learn_seconds=config.max_learn_seconds,
        )

    @classmethod
    def default(
        cls,
        config: Config | None = None,
        *,
        enable: Iterable[str] = (),
        disable: Iterable[str] = (),
    ) -> Pipeline:
        """Every registered cleaner, plus the config's cleaner files, set up as the config says."""
        problems: list[str] = []
        if config is None:
            config = load_config(None)
        infos = discover_entry_points(problems)
        for path in config.cleaner_files:
            try:
                infos.extend(load_cleaner_file(path))
            except RegistryError as exc:
                problems.append(str(exc))
        return cls.from_infos(infos, config, enable=enable, disable=disable, problems=problems)

    def toggled(self, name: str, enabled: bool | None = None) -> Pipeline:
        """A copy with cleaner ``name`` switched (or set to ``enabled``); what was fitted is kept."""
        stages = [
            replace(s, enabled=(not s.enabled if enabled is None else enabled) and s.cleaner is not None)
            if s.name == name
            else s
            for s in self.stages
        ]
        return self._with_stages(stages)

    def _with_stages(self, stages: list[Stage]) -> Pipeline:
        """A copy with ``stages`` instead of this pipeline's, the same limits and what was fitted kept."""
        new = Pipeline(stages, self.problems, max_seconds=self.max_seconds, max_bytes=self.max_bytes)
        new.max_learn_seconds = self.max_learn_seconds
        new._folder = dict(self._folder)
        return new

    def parts(self, name: str) -> dict[str, tuple[bool, str]]:
        """The parts of cleaner ``name`` a person may switch off one by one (say, main_content's judges): each
        part's name -> (whether it is on, what it is). Empty for a cleaner without such parts."""
        stage = next((s for s in self.stages if s.name == name), None)
        cleaner = stage.cleaner if stage is not None else None
        described = getattr(cleaner, "parts", None)
        parts_on = getattr(cleaner, "parts_on", None)
        if not described or not callable(parts_on):
            return {}
        on = parts_on()
        return {part: (bool(on.get(part, False)), str(what)) for part, what in described.items()}

    def with_part(self, name: str, part: str, on: bool | None = None) -> Pipeline:
        """A copy with part ``part`` of cleaner ``name`` switched (or set to ``on``), through the cleaner's options
        (so the result cache and worker processes tell the two apart); what was fitted is kept."""
        stages = list(self.stages)
        for i, stage in enumerate(stages):
            if stage.name != name or stage.cleaner is None:
                continue
            now = self.parts(name)
            if part not in now:
                raise ValueError(f"cleaner {name!r} has no part named {part!r}")
            wanted = not now[part][0] if on is None else on
            changed: dict[str, Any] = stage.cleaner.part_options(part, wanted)  # type: ignore[attr-defined]
            defaults = getattr(stage.cleaner, "options", {})
            options = {k: v for k, v in stage.options.items() if k not in changed}
            # An option back at its default is left out: the cache key is the one of the cleaner as first built.
            options.update({k: v for k, v in changed.items() if k not in defaults or defaults[k] != v})
            stages[i] = replace(stage, options=options, cleaner=stage.info.build(options))
        return self._with_stages(stages)

    # -- what the folder taught -----------------------------------------------------------------
    @property
    def folder_state(self) -> dict[str, Any]:
        """What folder-level cleaners learned, by cleaner name (sent to worker processes, kept by the cache)."""
        return self._folder

    def adopt(self, state: Mapping[str, Any]) -> None:
        """Take what folder-level cleaners learned elsewhere (in worker processes, from the result cache)."""
        self._folder.update(state)

    # -- introspection --------------------------------------------------------------------------
    @property
    def active(self) -> list[Stage]:
        return [s for s in self.stages if s.enabled and s.cleaner is not None]

    @property
    def fitters(self) -> list[Stage]:
        """The active stages whose cleaner learns from the whole folder (has ``fit``)."""
        return [s for s in self.active if callable(getattr(s.cleaner, "fit", None))]

    def fingerprint(self) -> str:
        """Identifies what this pipeline would produce: for caches of cleaned pages."""
        from .version import __version__

        desc = [(s.name, s.info.origin, sorted((k, repr(v)) for k, v in s.options.items())) for s in self.active]
        blob = json.dumps([__version__, desc], sort_keys=True, default=repr).encode()
        return hashlib.sha256(blob).hexdigest()[:16]

    # -- running --------------------------------------------------------------------------------
    def fit(self, pages: Iterable[Page]) -> None:
        """Give folder-level cleaners the whole folder once, before pages are cleaned."""
        fitters = self.fitters
        if not fitters:
            return
        # One fitter (the usual case) reads the pages as they come: a big folder is never all in memory.
        materialised = pages if len(fitters) == 1 else list(pages)
        for stage in fitters:
            try:
                self._folder[stage.name] = stage.cleaner.fit(materialised)  # type: ignore[union-attr]
            except Exception as exc:
                self.problems.append(f"cleaner {stage.name!r} failed to learn from the folder: {exc}")

    def prepare(self, page: Page) -> None:
        """Let folder-level cleaners work out once what both learning and cleaning need of ``page`` (a cleaner's
        optional ``prepare(page)``, which keeps it in ``page.facts``). Called where a page is read to be kept for
        both (see FolderSession.learn), outside the learning limit: it must be quick. A cleaner whose ``prepare``
        fails works it out again where it needs it."""
        for stage in self.fitters:
            prepare = getattr(stage.cleaner, "prepare", None)
            if callable(prepare):
                before = set(page.facts)
                try:
                    prepare(page)
                except Exception:  # (what it kept so far is not taken for the whole)
                    for key in set(page.facts) - before:
                        del page.facts[key]

    def fits_in_chunks(self) -> bool:
        """Whether every active folder-level cleaner can learn from the folder read in parts (``fit_chunk`` and
        ``fit_merge``; then :meth:`fit_chunk` and :meth:`fit_merge` may stand for :meth:`fit`)."""
        fitters = self.fitters
        return bool(fitters) and all(fits_in_chunks(s.cleaner) for s in fitters)

    def fit_chunk(self, pages: Iterable[Page]) -> dict[str, Any]:
        """The map step of :meth:`fit` over consecutive pages of the folder: what each folder-level cleaner keeps
        of them, by name (a :class:`FitFailed` for a cleaner that failed). Meant for worker processes."""
        fitters = self.fitters
        materialised = pages if len(fitters) == 1 else list(pages)
        out: dict[str, Any] = {}
        for stage in fitters:
            try:
                out[stage.name] = stage.cleaner.fit_chunk(materialised)  # type: ignore[union-attr]
            except Exception as exc:
                out[stage.name] = FitFailed(str(exc))
        return out

    def fit_merge(self, chunks: Sequence[Mapping[str, Any]]) -> None:
        """The reduce step: learn the folder from :meth:`fit_chunk`'s results for consecutive parts of it, in
        folder order. What the cleaners learn is what :meth:`fit` over every page would have taught them."""
        for stage in self.fitters:
            parts = [chunk.get(stage.name) for chunk in chunks]
            failed = next((p for p in parts if isinstance(p, FitFailed) or p is None), False)
            try:
                if failed is not False:
                    raise RuntimeError(failed.message if isinstance(failed, FitFailed) else "a part was not read")
                self._folder[stage.name] = stage.cleaner.fit_merge(parts)  # type: ignore[union-attr]
            except Exception as exc:
                self.problems.append(f"cleaner {stage.name!r} failed to learn from the folder: {exc}")

    def clean(self, page: Page, memory: StageMemory | None = None) -> CleanedPage:
        """Every active cleaner over ``page``, in order. ``memory`` may give a stage's result instead of running
        it, and is given the result of each stage that ran (the result cache is one)."""
        if page.error is not None:
            return CleanedPage(page, ())
        context = Context(page, folder=self._folder)
        annotations: list[Annotation] = []
        errors: list[CleanerError] = []
        with _Deadline(self.max_seconds) as deadline:
            try:
                self._run(page, context, annotations, errors, deadline, memory)
            except CleaningTimeout:  # the timer fired between two cleaners: keep what is done
                context.note(f"cleaning stopped at the {self.max_seconds:g} s limit")
                if memory is not None:
                    memory.cut_short()
        return CleanedPage(page, tuple(annotations), tuple(errors), tuple(context.notes))

    def _run(
        self,
        page: Page,
        context: Context,
        annotations: list[Annotation],
        errors: list[CleanerError],
        deadline: _Deadline,
        memory: StageMemory | None,
    ) -> None:
        steps = self._steps()
        printed = _captured  # a worker's stdout (see capture_stdout): what a cleaner prints is reported, not output
        for position, (stage, cleaner, name) in enumerate(steps):
            formats = getattr(cleaner, "formats", None)
            if formats is not None and page.format not in formats:
                continue
            if memory is not None:
                known = memory.recall(position, stage)
                if known is not None:
                    stamped, error, notes = known
                    for note in notes:
                        context.note(note)
                    if error is not None:
                        errors.append(CleanerError(name, error))
                    if stamped:
                        annotations.extend(stamped)
                        context.note_removed(stamped)
                    continue
            if deadline.passed():
                skipped = ", ".join(step[2] for step in steps[position:])
                context.note(f"cleaning stopped at the {self.max_seconds:g} s limit; not run: {skipped}")
                if memory is not None:
                    memory.cut_short()
                break
            noted = len(context.notes)
            try:
                marks = list(cleaner.annotate(page, context))
            except CleaningTimeout:
                errors.append(CleanerError(name, f"stopped at the {self.max_seconds:g} s limit for a page"))
                if memory is not None:
                    memory.cut_short()  # what follows depends on the clock: remember none of it
                continue
            except Exception as exc:  # one cleaner failing must not cost the page the others' work
                message = f"{type(exc).__name__}: {exc}"
                errors.append(CleanerError(name, message))
                if memory is not None:
                    memory.keep(position, stage, ([], message, tuple(context.notes[noted:])))
                continue
            except SystemExit as exc:  # sys.exit() in a cleaner ends neither the run nor the page
                errors.append(CleanerError(name, f"called sys.exit({exc.code!r}); ignored"))
                if memory is not None:
                    memory.cut_short()  # not a result to remember: the cleaner did not finish
                continue
            finally:
                if printed is not None and printed.tell():
                    _report_printed(printed, name, context)
            if not marks:  # many cleaners find nothing on a page: nothing to stamp or note
                if memory is not None:
                    memory.keep(position, stage, ([], None, tuple(context.notes[noted:])))
                continue
            stamped, bad = _stamp(marks, name, len(page.text))
            if bad:
                errors.append(CleanerError(name, bad))
            annotations.extend(stamped)
            context.note_removed(stamped)
            if memory is not None:
                memory.keep(position, stage, (stamped, bad, tuple(context.notes[noted:])))

    def _steps(self) -> list[_Step]:
        """The active stages, each with its cleaner and its name. Made once for the stages (a pipeline's stages are
        replaced, never changed: see ``toggled``)."""
        plan = self._plan
        if plan is None or plan[0] is not self.stages:
            steps = [(s, s.cleaner, s.name) for s in self.active]
            plan = self._plan = (self.stages, steps)
        return plan[1]

    def clean_all(self, pages: Iterable[Page]) -> list[CleanedPage]:
        pages = list(pages)
        self.fit(pages)
        return [self.clean(p) for p in pages]


@dataclass(frozen=True, slots=True)
class FitFailed:
    """What :meth:`Pipeline.fit_chunk` gives for a cleaner that failed to read its part of the folder."""

    message: str


# What one stage made of a page: its annotations, its error (None: none), the notes it added.
StageOutcome = tuple[list[Annotation], str | None, tuple[str, ...]]


class StageMemory(Protocol):
    """Where :meth:`Pipeline.clean` finds what a stage made of the page before, and keeps what it makes now."""

    def recall(self, position: int, stage: Stage) -> StageOutcome | None:
        """The outcome of active stage ``position`` on this page, if known (then the stage does not run)."""
        ...

    def keep(self, position: int, stage: Stage, outcome: StageOutcome) -> None:
        """What active stage ``position`` just made of the page."""
        ...

    def cut_short(self) -> None:
        """The time limit stopped cleaning: what follows depends on the clock, keep and recall no more."""
        ...


_captured: io.StringIO | None = None  # see capture_stdout


def capture_stdout() -> None:
    """In a worker process whose parent writes the output: what cleaners print (``print()``, or anything written
    to ``sys.stdout``) is kept from the output and reported as a note on the page. Writes to the file descriptor
    itself are the caller's to redirect."""
    global _captured
    _captured = io.StringIO()
    sys.stdout = _captured


def _report_printed(printed: io.StringIO, name: str, context: Context) -> None:
    text = printed.getvalue()
    printed.seek(0)
    printed.truncate()
    shown = " ".join(text.split())
    if len(shown) > 120:
        shown = shown[:117] + "..."
    context.note(f"cleaner {name!r} printed to stdout (not part of the output): {shown!r}")


class CleaningTimeout(Exception):
    """Raised inside a cleaner that runs past the page's time limit (main thread only)."""


class _Deadline:
    """A page's time budget. Checked between cleaners everywhere; on the main thread an interval timer also
    interrupts a cleaner stuck in Python code (a thread cannot be interrupted, so the reader's workers rely
    on the checks between cleaners)."""

    def __init__(self, seconds: float | None) -> None:
        self.seconds = seconds
        self.end = 0.0
        self._armed = False
        self._previous: Any = None

    # The handler is set through the C function behind ``signal.signal``: the module's wrapper turns numbers
    # into enums and back, which cost most of the ~10 µs a page spent arming the timer.
    def __enter__(self) -> _Deadline:
        if self.seconds:
            self.end = time.monotonic() + self.seconds
            if _TIMER and threading.current_thread() is threading.main_thread():
                self._previous = _set_handler(_SIGALRM, _raise_timeout)
                signal.setitimer(signal.ITIMER_REAL, self.seconds)
                self._armed = True
        return self

    def passed(self) -> bool:
        return bool(self.seconds) and time.monotonic() >= self.end

    def __exit__(self, *exc: object) -> None:
        if self._armed:
            signal.setitimer(signal.ITIMER_REAL, 0)
            _set_handler(_SIGALRM, self._previous)


_TIMER = hasattr(signal, "setitimer")  # not on Windows: there only the checks between cleaners apply
_SIGALRM = int(getattr(signal, "SIGALRM", 14))  # a plain number (the enum member costs a conversion a call)


def _raise_timeout(signum: int, frame: object) -> None:
    raise CleaningTimeout()


_Step = tuple[Stage, Any, str]  # see Pipeline._steps


def _stamp(marks: Sequence[Any], name: str, length: int) -> tuple[list[Annotation], str | None]:
    """Marks -> annotations with the cleaner's name; spans out of range or malformed are dropped and reported."""
    # The common case first: every mark a plain Mark with int offsets, its span on the page and a reason. The types
    # are checked in C, over all the marks at once, and a page's marks share a few reasons: each is checked once.
    # Any mark left out sends the whole list through the checks below instead.
    try:
        if (
            set(map(type, marks)) == _MARK
            and {*map(type, map(_START, marks)), *map(type, map(_END, marks))} == _INT
            and all(type(r) is str and 0 < len(r) <= MAX_REASON for r in set(map(_REASON, marks)))
        ):
            stamped = [
                _new(Annotation, (start, end, name, reason, field, value))
                for start, end, reason, field, value in marks
                if 0 <= start < end <= length
            ]
            if len(stamped) == len(marks):
                return stamped, None
    except TypeError:  # a reason that cannot be hashed
        pass
    out: list[Annotation] = []
    dropped = 0
    for m in marks:
        if (
            not isinstance(m, Mark)
            or not isinstance(m.start, int)
            or not isinstance(m.end, int)
            or not 0 <= m.start < m.end <= length
        ):
            dropped += 1
            continue
        reason = str(m.reason or "no reason given")[:MAX_REASON]
        out.append(_new(Annotation, (m.start, m.end, name, reason, m.field, m.value)))
    problem = f"returned {dropped} span(s) outside the page or not a Mark; ignored" if dropped else None
    return out, problem


_new: Any = tuple.__new__  # a named tuple of given values (see model._new)
_MARK = {Mark}
_INT = {int}
_START = itemgetter(0)
_END = itemgetter(1)
_REASON = itemgetter(2)
