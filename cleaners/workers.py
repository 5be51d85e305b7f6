"""Worker processes that can be stopped: the pool behind batch cleaning and the reader.

A cleaner may get stuck where no signal reaches it (C code such as ``sum(range(10**13))``, or a plugin that
ignores SIGALRM), call ``os._exit`` or crash its process. Cleaning therefore runs in worker processes watched by
the caller: each worker says in shared memory which page it is on and since when, and a worker that is still on
a page well past the page's time limit is killed, as is one that ends by itself; the caller is told which page
it was on (:class:`WorkerLost`) and a fresh worker takes its place. The pool has ``concurrent.futures``'
``submit`` (a :class:`~concurrent.futures.Future` per call) and an ``urgent`` lane for the reader's page.

Workers are started with ``spawn`` (safe next to threads), or forked for a caller without threads (see
``start``). What a worker writes to its standard output never reaches the caller's: its file descriptor 1 goes to
the null device and ``sys.stdout`` is captured (see :func:`~newsread.cleaners.pipeline.capture_stdout`), so only
the caller writes output. Workers ignore Ctrl-C: the caller stops them.
"""

from __future__ import annotations

import atexit
import contextlib
import multiprocessing
import os
import signal
import sys
import threading
import time
import weakref
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any

from .collector import frozen_for_fork

IDLE = 0.0  # progress[0] between pages
KEEP_SETUPS = 4  # a worker keeps what the latest few setups gave it (the reader toggles cleaners: a job each)


class WorkerLost(Exception):
    """The worker running a call was stopped (it overran a page's time limit) or ended by itself.

    ``position``: the page of the call's chunk it was on (-1: none, say while building its pipeline).
    """

    def __init__(self, message: str, position: int) -> None:
        super().__init__(message)
        self.message = message
        self.position = position


class Abandoned(WorkerLost):
    """The call was given up (its worker stopped) for a more urgent one: see ``abandonable`` in
    :meth:`Workers.submit`. Not the page's fault: nothing is to be said about it."""


ABANDON_AFTER = 0.5  # seconds an abandonable call runs before an urgent one waiting for its worker takes it


# -- worker side ----------------------------------------------------------------------------------
_progress: Any = None  # this worker's shared [page started at (time.monotonic), page position]
_setups: dict[str, Any] = {}  # what calls were given once (see Workers.submit's ``setup``), by key


def given(key: str) -> Any:
    """What ``setup`` gave this worker under ``key`` (see :meth:`Workers.submit`)."""
    return _setups[key]


def page_started(position: int) -> None:
    """Tell the caller that page ``position`` of the current call starts now (no-op outside a worker)."""
    progress = _progress
    if progress is not None:
        progress[1] = position
        progress[0] = time.monotonic()  # (CLOCK_MONOTONIC: the same clock in every process)


def page_done() -> None:
    progress = _progress
    if progress is not None:
        progress[0] = IDLE


def _serve(conn: Connection, progress: Any, init: Callable[..., None], init_args: tuple[Any, ...], quiet: bool) -> None:
    global _progress
    _progress = progress
    with contextlib.suppress(ValueError, OSError, AttributeError):  # Ctrl-C is the caller's: it stops the workers
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    from .pipeline import capture_stdout

    with contextlib.suppress(OSError):  # writes to fd 1 (C code, os.write) go nowhere, never into the output
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        if quiet:  # (and to fd 2: the reader's screen is the terminal's)
            os.dup2(null, 2)
            sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - this process's for its life
        os.close(null)
    capture_stdout()
    init(*init_args)
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        fn, args, setup = message
        if setup is not None:  # sent once per worker (say, a job's pipeline and what the folder taught)
            _setups[setup[0]] = setup[1]
            while len(_setups) > KEEP_SETUPS:  # (the caller forgets the same ones: see Workers._dispatch)
                _setups.pop(next(iter(_setups)))
        try:
            reply: tuple[str, Any] = ("ok", fn(*args))
        except BaseException as exc:
            reply = ("error", exc)
        finally:
            progress[0] = IDLE
        try:
            conn.send(reply)
        except OSError:  # the caller is gone (killed, say): so is this worker, quietly
            return
        except Exception as exc:  # a result that cannot be pickled
            try:
                conn.send(("error", RuntimeError(f"the worker could not send its result back: {exc}")))
            except OSError:
                return


# -- caller side ----------------------------------------------------------------------------------
_open: weakref.WeakSet[Workers] = weakref.WeakSet()  # pools not shut down (see _stop_at_exit)
_exit_hook = threading.Lock()
_hooked: list[bool] = []


def _stop_at_exit() -> None:
    """The interpreter is ending with pools still open (a caller that never shut them down, a test): stop their
    workers now. Else multiprocessing's own exit handler, which runs after this one, stops them under their pool's
    watching thread, which starts replacements that the ending interpreter leaves half-started ("EOFError: Ran
    out of input" from each on standard error)."""
    pools = list(_open)
    for pool in pools:
        pool.terminate()
    deadline = time.monotonic() + 3.0
    for pool in pools:
        pool._thread.join(max(0.0, deadline - time.monotonic()))


@dataclass(eq=False)
class _Task:
    fn: Callable[..., Any]
    args: tuple[Any, ...]
    future: Future[Any]
    watched: bool
    setup: tuple[str, Any] | None = None
    urgent: bool = False
    abandonable: bool = False
    seq: int = 0  # order of submission


@dataclass(eq=False)
class _Slot:
    process: Any
    conn: Connection
    progress: Any
    task: _Task | None = None
    since: float = 0.0
    known: dict[str, None] = field(default_factory=dict)  # setup keys this worker keeps, oldest first
    answered: int = 0  # calls it answered


class Workers:
    """``jobs`` worker processes, each started with ``init(*init_args)``, watched by a thread of the caller.

    ``limit``: a page's time limit in seconds (None: none). A worker still on one page ``limit`` plus a grace
    after it started (the pipeline's own timer stops most cleaners at ``limit``) is killed and replaced.
    """

    def __init__(
        self,
        jobs: int,
        init: Callable[..., None],
        init_args: tuple[Any, ...] = (),
        *,
        limit: float | None = None,
        start: str = "spawn",
        quiet: bool = False,
    ) -> None:
        # ``start``: "spawn", or "fork" where there is one (a worker is then ready in milliseconds, with whatever
        # the caller had built; only for a caller with no other threads: the initial workers are forked before
        # this pool's own thread starts, a replacement is forked from it). ``quiet``: the workers' standard error
        # goes to the null device too (the reader draws on the terminal; what a cleaner prints must not).
        if start not in multiprocessing.get_all_start_methods():
            start = "spawn"
        self._ctx: Any = multiprocessing.get_context(start)  # (a context of either kind: its Process differs)
        self._init = init
        self._init_args = init_args
        self._quiet = quiet
        self.limit = limit if limit and limit > 0 else None
        self.grace = max(1.0, (self.limit or 0.0) / 2)
        self._lock = threading.Lock()
        self._queue: deque[_Task] = deque()
        self._submitted = 0
        self._closed = False
        self._wake_r, self._wake_w = self._ctx.Pipe(duplex=False)
        self._slots = [self._start() for _ in range(max(1, jobs))]
        self._vacant = 0  # workers lost and not replaced yet (see _replace)
        self.replaced = 0  # workers stopped or lost and replaced
        self._thread = threading.Thread(target=self._supervise, name="newsread-workers", daemon=True)
        self._thread.start()
        with _exit_hook:
            _open.add(self)
            if not _hooked:  # (once, with the first pool: importing this module registers nothing)
                atexit.register(_stop_at_exit)
                _hooked.append(True)

    def _start(self) -> _Slot:
        ours, theirs = self._ctx.Pipe()
        progress = self._ctx.RawArray("d", 2)
        process = self._ctx.Process(
            target=_serve,
            args=(theirs, progress, self._init, self._init_args, self._quiet),
            daemon=True,
            name="newsread-worker",
        )
        forked = self._ctx.get_start_method() == "fork"
        with frozen_for_fork(thaw=False) if forked else contextlib.nullcontext():
            process.start()
        theirs.close()
        return _Slot(process, ours, progress)

    # -- the Executor's part ------------------------------------------------------------------------
    def submit(
        self,
        fn: Callable[..., Any],
        *args: Any,
        urgent: bool = False,
        watched: bool = True,
        setup: tuple[str, Any] | None = None,
        abandonable: bool = False,
    ) -> Future[Any]:
        """``fn(*args)`` in a worker. ``urgent``: ahead of every call not yet started. ``watched``: the call
        marks its pages (:func:`page_started`) and a page past the limit costs the worker. ``setup``: (key,
        value) sent to a worker only once, before its first call that names it; the call reads it with
        :func:`given`. ``abandonable``: the call may be given up (:class:`Abandoned`, its worker stopped and
        replaced) for an urgent call submitted later that has waited, once it has run ``ABANDON_AFTER`` seconds
        (the reader: a neighbour being prefetched, or a page left, stuck on a bad cleaner, for the page opened)."""
        future: Future[Any] = Future()
        with self._lock:
            self._submitted += 1
            task = _Task(fn, args, future, watched, setup, urgent, abandonable, self._submitted)
            if self._closed:
                raise RuntimeError("the workers are shut down")
            if urgent:
                self._queue.appendleft(task)
            else:
                self._queue.append(task)
        self._wake()
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
            queued = list(self._queue) if cancel_futures else []
            if cancel_futures:
                self._queue.clear()
        for task in queued:
            task.future.cancel()
        self._wake()
        if wait:
            self._thread.join()

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, kind: object, *exc: object) -> None:
        if kind is None:
            self.shutdown(cancel_futures=True)
        else:  # (Ctrl-C, an error): nothing in flight is waited for
            self.terminate()

    def _wake(self) -> None:
        with contextlib.suppress(OSError):
            self._wake_w.send_bytes(b"")

    # -- the watching thread -------------------------------------------------------------------------
    def _supervise(self) -> None:
        try:
            while True:
                with self._lock:
                    closed = self._closed
                    pending = bool(self._queue)
                if closed and not pending and all(s.task is None for s in self._slots):
                    break
                self._dispatch()
                self._make_way()
                busy = {s.conn: s for s in self._slots if s.task is not None}
                dead = {s.process.sentinel: s for s in self._slots}
                ready = wait([self._wake_r, *busy, *dead], timeout=self._timeout())
                for r in ready:
                    if r is self._wake_r:
                        with contextlib.suppress(EOFError, OSError):
                            while self._wake_r.poll():
                                self._wake_r.recv_bytes()
                    elif r in busy:
                        self._receive(busy[r])
                for r in ready:
                    if r in dead and dead[r] in self._slots and not dead[r].process.is_alive():
                        self._lost(dead[r], None)
                self._watch()
        finally:
            self._stop_all()

    def _timeout(self) -> float:
        return 0.1 if any(s.task is not None for s in self._slots) else 1.0  # (the watch, and _make_way)

    def _dispatch(self) -> None:
        while self._vacant:
            with self._lock:
                if not self._queue:
                    break
            self._vacant -= 1
            self._slots.append(self._start())
        for slot in list(self._slots):
            if slot.task is not None or slot not in self._slots:
                continue
            task = self._next_task()
            if task is None:
                return
            slot.task, slot.since = task, time.monotonic()
            setup = task.setup if task.setup is not None and task.setup[0] not in slot.known else None
            try:
                slot.conn.send((task.fn, task.args, setup))
                if setup is not None:
                    slot.known[setup[0]] = None
                    while len(slot.known) > KEEP_SETUPS:
                        slot.known.pop(next(iter(slot.known)))
            except (OSError, ValueError) as exc:  # the worker is gone: found by its sentinel
                self._finish(slot, exc=WorkerLost(f"the worker could not be given work: {exc}", -1))
                self._replace(slot)
            except Exception as exc:  # arguments that cannot be pickled
                self._finish(slot, exc=exc)

    def _make_way(self) -> None:
        """An urgent call waiting while every worker is busy takes the worker of an older abandonable call that has
        run a while (see ``submit``)."""
        with self._lock:
            head = self._queue[0] if self._queue else None
        if head is None or not head.urgent or any(s.task is None for s in self._slots):
            return
        now = time.monotonic()
        older = [
            s
            for s in self._slots
            if s.task is not None and s.task.abandonable and s.task.seq < head.seq and now - s.since >= ABANDON_AFTER
        ]
        if older:
            self._lost(min(older, key=lambda s: s.since), "given up for a more urgent page", abandoned=True)

    def _next_task(self) -> _Task | None:
        while True:
            with self._lock:
                task = self._queue.popleft() if self._queue else None
            if task is None or task.future.set_running_or_notify_cancel():  # (not one cancelled meanwhile)
                return task

    def _receive(self, slot: _Slot) -> None:
        try:
            kind, value = slot.conn.recv()
        except (EOFError, OSError):
            return  # it ended: its sentinel says so
        except Exception as exc:  # a result that cannot be unpickled here
            self._finish(slot, exc=RuntimeError(f"a worker's result could not be read: {exc}"))
            return
        slot.answered += 1
        if kind == "ok":
            self._finish(slot, value=value)
        else:
            self._finish(slot, exc=value)

    def _finish(self, slot: _Slot, *, value: Any = None, exc: BaseException | None = None) -> None:
        task, slot.task = slot.task, None
        if task is None:
            return
        if exc is not None:
            task.future.set_exception(exc)
        else:
            task.future.set_result(value)

    def _watch(self) -> None:
        if self.limit is None:
            return
        now = time.monotonic()
        for slot in list(self._slots):
            if slot.task is None or not slot.task.watched:
                continue
            started = slot.progress[0]
            if started > IDLE and now - started > self.limit + self.grace:
                self._lost(slot, f"cleaning did not stop at the {self.limit:g} s limit: its worker process was stopped")

    def _lost(self, slot: _Slot, why: str | None, *, abandoned: bool = False) -> None:
        """The worker of ``slot`` overran (``why``) or ended: its call fails with :class:`WorkerLost` (or
        :class:`Abandoned`); replaced."""
        position = int(slot.progress[1]) if slot.progress[0] > IDLE else -1
        if slot.process.is_alive():
            slot.process.kill()
        slot.process.join(5)
        if why is None:
            code = slot.process.exitcode
            how = f"exit status {code}" if code is not None and code >= 0 else f"signal {-(code or 0)}"
            why = f"its worker process ended ({how}): a cleaner may have exited or crashed"
        self._finish(slot, exc=(Abandoned if abandoned else WorkerLost)(why, position))
        self._replace(slot)

    def _replace(self, slot: _Slot) -> None:
        """A fresh worker for ``slot``'s: at once if it had worked (the next call need not wait for one to start),
        else when there is work (a worker that cannot even start is not started again and again meanwhile)."""
        with contextlib.suppress(OSError):
            slot.conn.close()
        with self._lock:
            closed = self._closed
            wanted = bool(self._queue) or (slot.answered > 0 and not closed)
        index = self._slots.index(slot)
        if closed and not wanted:
            self._slots.pop(index)
            return
        self.replaced += 1
        if wanted:
            self._slots[index] = self._start()
        else:
            self._slots.pop(index)
            self._vacant += 1

    def _stop_all(self) -> None:
        for slot in self._slots:
            with contextlib.suppress(OSError, ValueError):
                slot.conn.send(None)
        deadline = time.monotonic() + 2.0
        for slot in self._slots:
            slot.process.join(max(0.0, deadline - time.monotonic()))
            if slot.process.is_alive():
                slot.process.kill()
                slot.process.join(1)
            with contextlib.suppress(OSError):
                slot.conn.close()
        self._slots = []
        for task in self._queue:
            task.future.cancel()

    def pids(self) -> list[int]:
        """The worker processes' ids (for tests and measurements)."""
        return [s.process.pid for s in list(self._slots)]

    def terminate(self) -> None:
        """Stop every worker now (the reader is closing), whatever it is doing."""
        with self._lock:
            self._closed = True
            queued = list(self._queue)
            self._queue.clear()
        for task in queued:
            task.future.cancel()
        for slot in list(self._slots):
            with contextlib.suppress(OSError, ValueError):
                if slot.process.is_alive():
                    slot.process.kill()
        self._wake()
