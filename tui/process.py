"""How the processes newsread runs in are tuned: Textual's frame rate and Python's garbage collector, in one place.

Nothing here happens on import: the entry points (:mod:`newsread.tui.launch`, :mod:`newsread.tui.cli`) call
:func:`tune_frame_rate` and :func:`hold_collections`; the reader calls the rest as it starts, lists a folder and
waits for keys. The collector of a batch run and around forking worker processes is the engine's
(:mod:`newsread.cleaners.collector`: ``newsread clean`` calls it from its entry point).
"""

from __future__ import annotations

import gc
import os
import sys

# Python's full garbage collection walks every object the reader holds (~30 ms with a big folder open): left to
# its own schedule it fell on one key in twelve, the slowest ones. It runs when the keyboard and mouse have been
# still this long (seconds) instead; on its own only after GC_FULL_EVERY younger collections (Python: 10).
GC_IDLE_SECONDS = 1.0
GC_FULL_EVERY = 1000
HOLD_COLLECTIONS_AT_MOST = 5.0  # seconds: collections held for the start resume by then, even if listing goes on


def tune_frame_rate() -> None:
    """Textual draws what changed at most TEXTUAL_FPS times a second (its default: 60), so a key's page waits for
    the next such moment: at 120 it is on screen ~8 ms sooner (bench/README.md). Read when Textual is first
    imported: call this before. The user's own TEXTUAL_FPS wins."""
    os.environ.setdefault("TEXTUAL_FPS", "120")


_held = False  # collections are off for the reader's start (see hold_collections)


def hold_collections() -> None:
    """No cyclic garbage collection while the reader starts. Its imports, its cleaners and the folder's listing
    make hundreds of thousands of objects that live as long as the reader, and collections meanwhile only walk
    them again (60-80 ms of a 10k-page folder's reopen, one of them a full collection). The reader resumes
    collections once what the cache knows of the folder is shown (``resume_collections``)."""
    global _held
    if gc.isenabled():
        gc.disable()
        _held = True


def resume_collections() -> None:
    """Collections back on, if ``hold_collections`` turned them off."""
    global _held
    if _held:
        _held = False
        gc.enable()


def collections_held() -> bool:
    return _held


def freeze_listing() -> None:
    """A big folder is hundreds of thousands of long-lived objects (sources, summaries): keep the collector from
    walking them all again and again, which shows as pauses between keys. Call once the folder is listed."""
    gc.freeze()


def collect_rarely() -> tuple[int, int, int]:
    """Full collections only after GC_FULL_EVERY younger ones (see :func:`collect_when_idle`); returns the
    thresholds to put back with :func:`restore_thresholds` (tests run many readers in one process)."""
    before = gc.get_threshold()
    gc.set_threshold(before[0], before[1], GC_FULL_EVERY)
    return before


def restore_thresholds(thresholds: tuple[int, int, int]) -> None:
    gc.set_threshold(*thresholds)


def collect_when_idle(thresholds: tuple[int, int, int], idle_for: float) -> None:
    """A full garbage collection, if one is due by Python's own measure (``thresholds``, as they were before
    :func:`collect_rarely`), while no key has been pressed for ``idle_for`` seconds."""
    if gc.get_count()[2] >= thresholds[2] and idle_for >= GC_IDLE_SECONDS:
        gc.collect()


def terminal_problem() -> str | None:
    """Why the reader cannot be drawn here (its screen would go into a pipe or a file), or None."""
    if not sys.stdout.isatty():
        return (
            "the reader draws on a terminal, and the output is not one (a pipe or a file); "
            "to print the clean text use `newsread clean PATH`"
        )
    return None
