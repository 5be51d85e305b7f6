"""Folder learning at scale: time to fit site templates and to cluster stories on a large generated folder.

    python bench/folder_fit.py [--pages 10000] [--per-site 100] [--seed 11]

Generates ``--pages`` text pages (make_same_site.py: ``pages / per-site`` sites; real article text while the
ScrapingHub gold bodies last, then articles of words drawn from them; syndicated wire and running stories),
then measures on one core:

* loading the pages (for scale: the fit step has to read every page once);
* ``SiteTemplate.fit`` (grouping by site and counting blocks);
* cleaning every page with the default pipeline, fitted (for scale);
* story signatures of the cleaned pages, and clustering them (``StoryIndex.clusters``);
* the memory the fitted template state and the signatures hold.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from newsread.cleaners import Pipeline, iter_sources, load_page
from newsread.cleaners.builtin.site_template import SiteTemplate
from newsread.cleaners.clusters import StoryIndex, signature_of

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_same_site import make


def timed(label: str, start: tuple[float, float]) -> float:
    """Print CPU time (what this process used: the machine may be shared) and wall time since ``start``."""
    cpu, wall = time.process_time() - start[0], time.perf_counter() - start[1]
    print(f"| {label} | {cpu:.2f} s | {wall:.2f} s |")
    return cpu


def now() -> tuple[float, float]:
    return time.process_time(), time.perf_counter()


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--pages", type=int, default=10000)
    ap.add_argument("--per-site", type=int, default=100)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--no-clean", action="store_true", help="skip cleaning (signatures of the raw pages instead)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        make(root, max(1, args.pages // args.per_site), args.per_site, args.seed)
        sources = list(iter_sources([root / "pages"]))
        size = sum(s.path.stat().st_size for s in sources if s.path is not None)
        print(f"{len(sources)} pages, {size / len(sources) / 1024:.1f} KB each on average\n")
        print("| step | CPU | wall |\n|---|---|---|")
        t = now()
        pages = [load_page(s) for s in sources]
        timed("load every page", t)

        t = now()
        state = SiteTemplate().fit(pages)
        timed(f"site_template fit ({len(state.groups)} sites found)", t)
        tracemalloc.start()  # again, to measure what the state holds (tracing slows the fit down)
        state = SiteTemplate().fit(pages)
        state_bytes = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()

        pipeline = Pipeline.default()
        t = now()
        pipeline.fit(pages)
        timed("pipeline fit (every folder-level cleaner)", t)
        if args.no_clean:
            return
        t = now()
        cleaned = [pipeline.clean(p) for p in pages]
        took = timed("clean every page, fitted", t)
        removed = sum(1 for c in cleaned for a in c.removals if a.cleaner == "site_template")
        print(f"| ({len(pages) / took:.0f} pages/s of CPU; site_template removed {removed} spans) | | |")

        t = now()
        signatures = [signature_of(c) for c in cleaned]
        timed("story signatures of the cleaned pages", t)
        tracemalloc.start()
        index: StoryIndex[int] = StoryIndex()
        for k, c in enumerate(cleaned):
            index.add(k, signature_of(c))
        sig_bytes = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
        del signatures
        t = now()
        clusters = index.clusters()
        sizes: dict[int, int] = {}
        for first in clusters.values():
            sizes[first] = sizes.get(first, 0) + 1
        several = [n for n in sizes.values() if n > 1]
        timed(f"cluster ({len(several)} stories of 2+ pages, largest {max(several, default=1)})", t)
        print(f"\nmemory: template state {state_bytes / 2**20:.1f} MB, signatures {sig_bytes / 2**20:.1f} MB")


if __name__ == "__main__":
    main()
