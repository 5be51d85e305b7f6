"""Open a folder in the reader (headless, driven by Textual's Pilot) and time what a person would notice.

    python -m bench reader-probe FOLDER [--keys 60] [--no-wait]    # prints one JSON object

Run by `python -m bench scale` in a fresh process per measurement, with NEWSREAD_CACHE_DIR
set, so "cold" and "cached" mean an empty and a filled result cache. Figures:

- ``first_screen_s``: from the interpreter starting (NEWSREAD_T0, set by the caller)
  to the list showing pages *and* a keypress (j) having moved the cursor and the
  reader showing that page: the first interactive screen.
- ``rows_s``: to the first rows in the list; ``discovered_s``: to every page listed.
- ``learned_s``: until the folder-level cleaners have learned from the folder (from the cache, or by
  reading every page); pages are cleaned in the background from then on.
- ``all_cleaned_s``: until every page has its summary (cleaned or from the cache).
- ``stories_s``: until the folder's story clusters are found (they need every page).
- ``busy_p95_ms`` / ``idle_p95_ms``: keypress (j, next page) to the reader having
  rendered that page, while background cleaning runs / after it finished.
- ``cpu_at_all_cleaned_s``: CPU seconds of the reader process and of its children (summed) by then, and of
  this probe's memory sampler (inside the reader's figure); ``thread_cpu_at_all_cleaned_s``: the reader's
  per live thread (MainThread: the screen; triage-index: the word index; ...). NEWSREAD_PROBE_PROFILE=FILE:
  a cProfile of the main thread.
- ``ui_rss_mb`` / ``worker_rss_mb``: peak resident memory of the reader process and
  of the largest worker process; ``total_rss_mb``: the largest sum of the reader and
  every process alive at the same moment (sampled every 0.1 s).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import newsread.tui  # noqa: F401  (before Textual: sets the reader's frame rate, as `newsread` does)
from newsread.tui.launch import hold_collections

hold_collections()  # no garbage collection until the folder is listed, as `newsread PATH` starts

T0 = float(os.environ.get("NEWSREAD_T0", time.time()))


def since() -> float:
    return time.time() - T0


def state_file() -> Path:
    """The triage state in a file, as `newsread DIR` keeps it (an in-memory one would hold every page's text),
    beside the result cache: fresh for a cold run, kept for a cached one."""
    folder = os.environ.get("NEWSREAD_CACHE_DIR") or tempfile.mkdtemp(prefix="newsread-probe-")
    return Path(folder) / "triage.sqlite3"


def watch_pages(app: Any) -> tuple[list[float], dict[str, float]]:
    """When each frame is handed to the driver, and (page id ->) when the reader was given each page.

    Pilot.press waits for the whole process to look idle (~100 ms on its own), so keys are posted as the
    terminal driver posts them, and a frame counts as drawn when the app hands it to the driver.
    """
    frames: list[float] = []
    shown: dict[str, float] = {}
    display = app._display

    def timed_display(screen: object, renderable: object) -> None:
        display(screen, renderable)
        if renderable is not None:
            frames.append(time.perf_counter())

    app._display = timed_display
    reader = app.reader
    show = reader.show

    def timed_show(cleaned: Any, **kwargs: object) -> None:
        show(cleaned, **kwargs)
        if cleaned is not None:
            shown[cleaned.id] = time.perf_counter()

    reader.show = timed_show
    return frames, shown


async def probe(folder: str, keys: int, wait: bool) -> dict[str, object]:
    from textual import events

    from newsread.cleaners import Pipeline
    from newsread.tui.app import NewsreadApp

    out: dict[str, object] = {"imported_s": since()}
    sampler = MemorySampler()
    sampling = asyncio.create_task(sampler.run())
    app = NewsreadApp([folder], Pipeline.default(), state_file())
    library = app.library
    async with app.run_test(size=(120, 40)):
        frames, shown = watch_pages(app)

        async def watch() -> None:
            while not library.discovered:
                await asyncio.sleep(0.005)
            out["discovered_s"] = since()

        async def watch_cleaned() -> None:
            # Timed here, not after the keys pressed meanwhile: a slow key must not delay the figure.
            while not library.complete:
                if "learned_s" not in out and library.learned and not library.learning:
                    out["learned_s"] = since()  # folder-level cleaners have learned: cleaning proper starts
                await asyncio.sleep(0.005)
            out["all_cleaned_s"] = since()
            out["cpu_at_all_cleaned_s"] = sampler.cpu()
            out["thread_cpu_at_all_cleaned_s"] = thread_cpu()
            while library.clusters_generation != library.generation:  # stories: found once every page is in
                await asyncio.sleep(0.005)
            out["stories_s"] = since()

        watcher = asyncio.create_task(watch())
        cleaned_watcher = asyncio.create_task(watch_cleaned())

        async def step() -> float:
            want = library.sources[app.page_list.cursor + 1].id
            shown.pop(want, None)
            start = time.perf_counter()
            app.post_message(events.Key("j", "j"))
            while want not in shown or not frames or frames[-1] < shown[want]:
                await asyncio.sleep(0.0005)
            # The first frame drawn after the reader was given the page.
            return (next(f for f in frames if f >= shown[want]) - start) * 1000

        while not len(library):
            await asyncio.sleep(0.002)
        out["rows_s"] = since()
        while app.reader.cleaned is None:
            await asyncio.sleep(0.002)
        await step()
        out["first_screen_s"] = since()

        async def pause_step() -> float:
            took = await step()
            await asyncio.sleep(0.02)  # a person does not press keys back to back
            return took

        busy = [await pause_step() for _ in range(keys) if not library.complete]
        await watcher
        out["pages"] = len(library)
        if wait:
            await cleaned_watcher
        out["from_cache"] = library.from_cache
        idle = [await pause_step() for _ in range(keys)] if library.complete else []
        out["busy_keys"] = len(busy)
        out["busy_p95_ms"] = p95(busy)
        out["idle_p95_ms"] = p95(idle)
        out["idle_p50_ms"] = p95(idle, 0.5)
        out["worker_rss_mb"] = sampler.child_peak
        out["total_rss_mb"] = sampler.total_peak
        sampling.cancel()
        cleaned_watcher.cancel()
        library.close()
    out["ui_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out["warnings"] = library.warnings
    return out


def _status_mb(pid: int, field: str) -> float:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith(field):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _cpu_s(pid: int, where: str = "") -> float:
    """User and system CPU seconds process ``pid`` (or the task at ``where``) used so far."""
    try:
        with open(f"{where or f'/proc/{pid}'}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def thread_cpu() -> dict[str, float]:
    """CPU seconds used so far by each live thread of this process, by its Python name (where the reader's own
    CPU goes: the screen, receiving results, the word index, hashing for triage)."""
    out: dict[str, float] = {}
    for thread in threading.enumerate():
        if thread.native_id is not None:
            name = thread.name.split(" ")[0]
            out[name] = round(out.get(name, 0.0) + _cpu_s(thread.native_id, f"/proc/self/task/{thread.native_id}"), 2)
    return out


def children() -> list[int]:
    """This process's child processes (background workers, one-off learning and clustering processes)."""
    found: list[int] = []
    for task in os.listdir("/proc/self/task"):
        try:
            with open(f"/proc/self/task/{task}/children") as fh:
                found += [int(p) for p in fh.read().split()]
        except OSError:
            continue
    return found


class MemorySampler:
    """Samples, every 0.1 s, the resident memory of this process and its children: the largest child's peak
    and the largest total (reader plus every process alive at the same moment)."""

    def __init__(self) -> None:
        self.child_peak = 0.0
        self.total_peak = 0.0
        self.child_cpu: dict[int, float] = {}  # CPU seconds each child used, as last sampled
        self.own_cpu = 0.0  # CPU seconds this sampler took in the reader's process (not the reader's work)

    def cpu(self) -> dict[str, float]:
        """CPU seconds used so far by the reader process and by its children (summed)."""
        me = resource.getrusage(resource.RUSAGE_SELF)
        return {
            "reader": round(me.ru_utime + me.ru_stime, 2),
            "children": round(sum(self.child_cpu.values()), 2),
            "probe_sampler": round(self.own_cpu, 2),
        }

    async def run(self) -> None:
        me = os.getpid()
        while True:
            start = time.thread_time()
            kids = children()
            for kid in kids:
                self.child_cpu[kid] = max(self.child_cpu.get(kid, 0.0), _cpu_s(kid))
            self.child_peak = max([self.child_peak, *(_status_mb(p, "VmHWM:") for p in kids)])
            total = _status_mb(me, "VmRSS:") + sum(_status_mb(p, "VmRSS:") for p in kids)
            self.total_peak = max(self.total_peak, total)
            self.own_cpu += time.thread_time() - start
            await asyncio.sleep(0.1)


def p95(values: list[float], q: float = 0.95) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench reader-probe")
    ap.add_argument("folder")
    ap.add_argument("--keys", type=int, default=60)
    ap.add_argument("--no-wait", action="store_true", help="do not wait for every page to be cleaned")
    args = ap.parse_args(argv)
    profile = os.environ.get("NEWSREAD_PROBE_PROFILE")  # a file: cProfile of the reader's main (UI) thread
    if profile:
        import cProfile

        with cProfile.Profile() as prof:
            result = asyncio.run(probe(args.folder, args.keys, not args.no_wait))
        prof.dump_stats(profile)
    else:
        result = asyncio.run(probe(args.folder, args.keys, not args.no_wait))
    json.dump(result, sys.stdout)
    print()
    return 0
