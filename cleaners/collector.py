"""Python's garbage collector in the processes the engine runs and starts, in one place.

Nothing here happens on import. Two things are tuned:

* around a fork (:func:`frozen_for_fork`): what the caller holds then is frozen (``gc.freeze``), so a forked
  child's collector never walks it, and the memory pages it shares with the caller are not copied for that;
* for a batch run (:func:`collect_young_less_often`, called by ``newsread clean``'s entry point before any
  work, so the worker processes it forks have it too): young collections less often.

The reader's own tuning (collections held while it starts, full ones when keys are still) is the front end's:
``newsread.tui.process``.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def frozen_for_fork(*, thaw: bool = True) -> Iterator[None]:
    """Freeze what this process holds while a child is forked within the block. ``thaw``: the caller's own
    collector walks those objects again afterwards (a process that lives on, as the reader); without it they stay
    frozen in the caller too (a pool's workers are forked for its whole run: what it held then lives as long)."""
    gc.freeze()
    try:
        yield
    finally:
        if thaw:
            gc.unfreeze()


# ``newsread clean``: a young collection once this many objects were made (Python: 700). Cleaning a page makes
# tens of thousands of short-lived containers (lines, spans, words); collected every 700, the few alive at that
# moment are walked and moved on, and every tenth time the middle generation with them. At 10,000 most are gone
# before a collection looks (bench/README.md has the figures).
BATCH_YOUNG_THRESHOLD = 10_000


def collect_young_less_often() -> None:
    """For a batch run (``newsread clean``, and the worker processes it forks): young collections less often (see
    :data:`BATCH_YOUNG_THRESHOLD`). Cyclic garbage waits a little longer; nothing else changes."""
    _, middle, old = gc.get_threshold()
    gc.set_threshold(BATCH_YOUNG_THRESHOLD, middle, old)
