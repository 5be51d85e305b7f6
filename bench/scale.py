"""Measure newsread on large synthetic folders: the reader (first screen, all cleaned, keypress latency, memory)
and `newsread clean` pages/s at --jobs 1 and 2.

    python -m bench scale [--sizes 1000 10000 100000] [--workdir /tmp/nr-bench] [--clean-up-to 10000]

Folders are generated (bench/corpus.py: varied pages, per-site templates) once
and reused. Every measurement is a fresh process with its own cache folder:
"cold" starts from an empty result cache, "cached" reopens the same folder with
the cache the cold run filled. The reader is driven headless by
bench/reader_probe.py (see its docstring for what each figure means). Prints a
Markdown table and writes every raw figure to WORKDIR/scale.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from bench.corpus import WORKDIR, bench_process, synthetic


def probe(folder: Path, cache: Path, *extra: str) -> dict[str, object]:
    cmd, env = bench_process("reader-probe", str(folder), *extra)
    env.update(NEWSREAD_CACHE_DIR=str(cache), NEWSREAD_T0=repr(time.time()))
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True, timeout=3600)
    result: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def clean_run(folder: Path, jobs: int) -> dict[str, float]:
    """Wall and CPU seconds (every process) of `newsread clean --jobs N --no-cache` into /dev/null."""
    cmd = [sys.executable, "-m", "newsread.tui.cli", "clean", str(folder), "--jobs", str(jobs), "--no-cache"]
    code = (
        "import resource,subprocess,sys,time;t=time.perf_counter();"
        f"subprocess.run({cmd!r},stdout=subprocess.DEVNULL,check=True);"
        "w=time.perf_counter()-t;r=resource.getrusage(resource.RUSAGE_CHILDREN);"
        "print(w,r.ru_utime+r.ru_stime)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    wall, cpu = map(float, out.stdout.split())
    return {"wall_s": wall, "cpu_s": cpu}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench scale", description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    ap.add_argument("--workdir", type=Path, default=WORKDIR)
    ap.add_argument("--clean-up-to", type=int, default=10000, help="run `newsread clean` on folders up to this size")
    ap.add_argument("--keys", type=int, default=40)
    args = ap.parse_args(argv)
    results: dict[str, dict[str, object]] = {}
    for n in args.sizes:
        folder = synthetic(n, args.workdir)
        row: dict[str, object] = {"load_before": os.getloadavg()[0]}
        cache = args.workdir / f"cache-{n}"
        shutil.rmtree(cache, ignore_errors=True)
        row["cold"] = probe(folder, cache, "--keys", str(args.keys))
        row["cached"] = probe(folder, cache, "--keys", str(args.keys))
        row["cache_mb"] = sum(f.stat().st_size for f in cache.iterdir()) / 1e6
        shutil.rmtree(cache, ignore_errors=True)
        if n <= args.clean_up_to:
            row["clean_j1"] = clean_run(folder, 1)
            row["clean_j2"] = clean_run(folder, 2)
        row["load_after"] = os.getloadavg()[0]
        results[str(n)] = row
        print(json.dumps({n: row}), file=sys.stderr, flush=True)
        (args.workdir / "scale.json").write_text(json.dumps(results, indent=1))
    print(table(results))
    return 0


def table(results: dict[str, dict[str, object]]) -> str:
    def g(row: dict[str, object], *path: str) -> object:
        cur: object = row
        for key in path:
            cur = cur.get(key) if isinstance(cur, dict) else None
        return cur

    def f(value: object, fmt: str = "{:.2f}") -> str:
        return "–" if value is None else fmt.format(value)

    lines = [
        "| pages | first screen s (cold / cached) | all cleaned s (cold / cached) | stories found s (cold / cached) "
        "| clean p/s --jobs 1 / 2 | peak RSS MB (reader / largest worker / all at once) "
        "| keypress p95 ms (cleaning / idle) | cache MB |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for n, row in results.items():
        rates = []
        for j in ("clean_j1", "clean_j2"):
            wall = g(row, j, "wall_s")
            rates.append(f(int(n) / wall, "{:.0f}") if isinstance(wall, float) else "–")
        rss = max(float(g(row, k, "ui_rss_mb") or 0) for k in ("cold", "cached"))  # type: ignore[arg-type]
        total = max(float(g(row, k, "total_rss_mb") or 0) for k in ("cold", "cached"))  # type: ignore[arg-type]
        lines.append(
            f"| {int(n):,} | {f(g(row, 'cold', 'first_screen_s'))} / {f(g(row, 'cached', 'first_screen_s'))} "
            f"| {f(g(row, 'cold', 'all_cleaned_s'))} / {f(g(row, 'cached', 'all_cleaned_s'))} "
            f"| {f(g(row, 'cold', 'stories_s'))} / {f(g(row, 'cached', 'stories_s'))} "
            f"| {' / '.join(rates)} | {rss:.0f} / {f(g(row, 'cold', 'worker_rss_mb'), '{:.0f}')} / {total:.0f} "
            f"| {f(g(row, 'cold', 'busy_p95_ms'), '{:.0f}')} / {f(g(row, 'cached', 'idle_p95_ms'), '{:.0f}')} "
            f"| {f(row.get('cache_mb'), '{:.0f}')} |"
        )
    return "\n".join(lines)
