"""Pages/s of `newsread clean` on a local Dask cluster of 1, 2 and 4 workers, next to `--jobs N` on the same
machine, in the same run (interleaved, so both see the same load), at 1k and 10k generated pages.

    python -m bench dask-scale [--sizes 1000 10000] [--workers 1 2 4] [--workdir /tmp/nr-dask] [--repeat 1]
                               [--cache]

Folders are built by bench/corpus.py once and reused. Every run is a fresh `newsread clean --no-cache`
process writing JSONL to /dev/null: the Dask figures include starting the local cluster (about 2 s) and its
shutdown, as a user running the command sees them. Each Dask output is checked equal to the --jobs 1 output
(cmp of the JSONL). Prints a Markdown table and writes the raw figures to WORKDIR/dask_scale.json.

``--cache``: after those, two more Dask runs with a result cache (a fresh folder each row): the first fills it,
the second is served from it (both checked equal to --jobs 1); their pages/s are two more columns.
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from bench.corpus import build


def clean(folder: Path, out: Path, *args: str, cache: Path | None = None) -> float:
    """Wall seconds of one `newsread clean FOLDER --no-cache ARGS > out` (with the result cache in ``cache``)."""
    env = dict(os.environ, NEWSREAD_CACHE_DIR=str(cache or out.parent / "cache"))
    no_cache = [] if cache is not None else ["--no-cache"]
    cmd = [sys.executable, "-m", "newsread.tui.cli", "clean", str(folder), *no_cache, *args]
    start = time.perf_counter()
    with open(out, "w") as fh:
        subprocess.run(cmd, env=env, stdout=fh, stderr=subprocess.DEVNULL, check=True, timeout=7200)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench dask-scale", description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/nr-dask"))
    ap.add_argument("--repeat", type=int, default=1, help="runs of each; the best is kept")
    ap.add_argument("--cache", action="store_true", help="also Dask runs filling a result cache, then served from it")
    args = ap.parse_args(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)
    rows = []
    for size in args.sizes:
        folder = args.workdir / f"pages-{size}"
        if not folder.is_dir():
            build(size, folder, seed=1)
        reference = args.workdir / f"jobs1-{size}.jsonl"
        for n in args.workers:
            best: dict[str, float] = {}
            for _ in range(args.repeat):
                jobs_out = reference if n == 1 else args.workdir / f"jobs{n}-{size}.jsonl"
                t_jobs = clean(folder, jobs_out, "--jobs", str(n))
                dask_out = args.workdir / f"dask{n}-{size}.jsonl"
                part = str(max(250, size // (4 * n)))  # a few partitions a worker
                t_dask = clean(folder, dask_out, "--cluster", f"local:{n}", "--partition-pages", part)
                if not filecmp.cmp(dask_out, reference, shallow=False):
                    raise SystemExit(f"the Dask output of {size} pages on {n} workers differs from --jobs 1")
                best["jobs"] = min(best.get("jobs", t_jobs), t_jobs)
                best["dask"] = min(best.get("dask", t_dask), t_dask)
            row = {"pages": size, "workers": n, "jobs_s": best["jobs"], "dask_s": best["dask"]}
            if args.cache:
                cache = args.workdir / f"cache-{size}-{n}"
                shutil.rmtree(cache, ignore_errors=True)
                for kind in ("cold", "warm"):
                    out = args.workdir / f"dask{n}-{size}-{kind}.jsonl"
                    row[f"dask_{kind}_s"] = clean(folder, out, "--cluster", f"local:{n}", "--partition-pages", part,
                                                  cache=cache)  # fmt: skip
                    if not filecmp.cmp(out, reference, shallow=False):
                        raise SystemExit(f"the {kind}-cache Dask output of {size} pages on {n} workers differs")
            rows.append(row)
            print(json.dumps(row), file=sys.stderr, flush=True)
    (args.workdir / "dask_scale.json").write_text(json.dumps({"cores": os.cpu_count(), "rows": rows}, indent=1))
    print(f"cores: {os.cpu_count()}\n")
    cached = " Dask, cache filled pages/s | Dask, from the cache pages/s |" if args.cache else ""
    print(f"| pages | N | `--jobs N` pages/s | `--cluster local:N` pages/s | Dask / jobs |{cached}")
    print("|---:|---:|---:|---:|---:|" + "---:|" * (2 * args.cache))
    for r in rows:
        jobs, dask = r["pages"] / r["jobs_s"], r["pages"] / r["dask_s"]
        more = "".join(f" {r['pages'] / r[f'dask_{k}_s']:.0f} |" for k in ("cold", "warm") if f"dask_{k}_s" in r)
        print(f"| {r['pages']:,} | {r['workers']} | {jobs:.0f} | {dask:.0f} | {dask / jobs:.2f} |{more}")
    return 0
