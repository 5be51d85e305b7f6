"""Pages per second: `newsread clean` end to end next to the pipeline alone and trafilatura, in one run.

usage: python -m bench speed [--sets scrapinghub,wcxb] [--formats text,html] [--rounds 2] [--jobs N]
                             [--cpu N] [--no-cleaners]

The pages are the dev sets' whole-page text dumps and the same pages' HTML (default: both sets, 890 pages
each). For each format, every round runs, each in a fresh process, in an order rotated from round to round:

- ``pipeline alone``: the pages loaded into memory first (not timed), then ``Pipeline.default(Config())``
  cleans each once, with nothing remembered from before; the time of the cleaning calls only, one CPU;
- ``newsread clean --jobs 1``: the installed command on the same folders, pinned to one CPU, with an empty
  result cache of its own (cold), JSON lines to /dev/null; wall time from start to exit, so start-up,
  reading the files, learning from the folder and writing the records all count;
- ``newsread clean --jobs N``: the same on every CPU this process may use (N of them), not pinned (its CPU
  time is not shown: the workers' time is not all counted);
- ``trafilatura`` (HTML only): ``trafilatura.extract`` with its defaults on each page's markup, decoded
  by newsread's decoder outside the timing; the extraction calls only, one CPU.

Each figure is the best of the rounds by wall time; CPU seconds are shown too, as a shared machine slows
wall time more than CPU time (the load average is printed). Also
printed: start-up (the command cleaning one page), and where the pipeline's time goes per cleaner (a
second pass over the pages, each stage timed through the pipeline's StageMemory seam: the cache's seam).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.corpus import REPO, bench_dir, bench_process

SETS = ("scrapinghub", "wcxb")
FORMATS = ("text", "html")


# --- what runs in the measured processes -------------------------------------------------------------------


class StageTimer:
    """A StageMemory that remembers nothing and times each stage: recall starts the clock, keep stops it."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._start = 0.0

    def recall(self, position: int, stage: Any) -> None:
        self._start = time.perf_counter()
        return None

    def keep(self, position: int, stage: Any, outcome: object) -> None:
        took = time.perf_counter() - self._start
        self.seconds[stage.name] = self.seconds.get(stage.name, 0.0) + took

    def cut_short(self) -> None:
        pass


def pipeline_alone(folders: list[Path], cleaners: bool) -> dict[str, Any]:
    from newsread.cleaners import Config, Pipeline, load_pages

    pages = [p for p in load_pages(folders) if p.error is None]
    pipeline = Pipeline.default(Config())
    clean = pipeline.clean
    start, cpu = time.perf_counter(), time.process_time()
    for page in pages:
        clean(page)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    result: dict[str, Any] = {"pages": len(pages), "seconds": seconds, "cpu": cpu}
    if cleaners:
        timer = StageTimer()
        for page in pages:
            clean(page, timer)
        result["cleaners"] = timer.seconds
    return result


def trafilatura_alone(folders: list[Path]) -> dict[str, Any]:
    import trafilatura

    from newsread.cleaners import decode, iter_sources
    from newsread.cleaners.loading import page_format, read_bytes

    markups = []
    for source in iter_sources(folders):
        _, gz = page_format(source.name)
        markups.append(decode(read_bytes(source.file, gz), html=True).text)
    extract: Callable[[str], Any] = trafilatura.extract
    start, cpu = time.perf_counter(), time.process_time()
    for markup in markups:
        extract(markup)
    return {"pages": len(markups), "seconds": time.perf_counter() - start, "cpu": time.process_time() - cpu}


# --- the runner ------------------------------------------------------------------------------------------------


def newsread_command() -> list[str]:
    found = shutil.which("newsread", path=str(Path(sys.executable).parent)) or shutil.which("newsread")
    if found is None:
        raise SystemExit("the newsread command is not installed (pip install -e . in this environment)")
    return [found]


def children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run_timed(cmd: list[str], cpus: set[int], stdout: Any, env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall and CPU seconds (the process and its children) of one command on ``cpus``."""

    def pin() -> None:
        if hasattr(os, "sched_setaffinity"):
            os.sched_setaffinity(0, cpus)

    cpu = children_cpu()
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, preexec_fn=pin, stdout=stdout, stderr=subprocess.PIPE, check=False)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stderr.decode()[-2000:]}")
    return wall, children_cpu() - cpu


def command_run(folders: list[Path], jobs: int, cpus: set[int]) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        cache, out = Path(tmp) / "cache", Path(tmp) / "out.jsonl"
        cmd = [*newsread_command(), "clean", *map(str, folders), "--jobs", str(jobs), "--cache-dir", str(cache)]
        with out.open("wb") as sink:
            wall, cpu = run_timed(cmd, cpus, sink)
        with out.open("rb") as written:
            pages = sum(1 for _ in written)
    # CPU: the command and the processes it waited for (with --jobs N its workers may not all be counted)
    return {"pages": pages, "seconds": wall, **({"cpu": cpu} if jobs == 1 else {})}


def inner_run(kind: str, folders: list[Path], cpu: int, cleaners: bool = False) -> dict[str, Any]:
    args = ["speed", "--inner", kind, *map(str, folders), *(["--cleaners-inner"] if cleaners else [])]
    cmd, env = bench_process(*args)
    with tempfile.TemporaryFile() as sink:
        run_timed(cmd, {cpu}, sink, env)
        sink.seek(0)
        result: dict[str, Any] = json.loads(sink.read().decode().strip().splitlines()[-1])
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench speed", description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--sets", default=",".join(SETS), help="comma-separated, of scrapinghub,wcxb")
    ap.add_argument("--formats", default=",".join(FORMATS), help="text,html")
    ap.add_argument("--rounds", type=int, default=2, help="rounds of every measurement (best kept)")
    ap.add_argument("--jobs", type=int, help="workers of the all-CPU run (default: every CPU allowed)")
    ap.add_argument("--cpu", type=int, help="the one CPU of the one-CPU runs (default: the first allowed)")
    ap.add_argument("--no-cleaners", action="store_true", help="skip the per-cleaner pass")
    ap.add_argument("--inner", choices=("pipeline", "trafilatura"), help=argparse.SUPPRESS)
    ap.add_argument("--cleaners-inner", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("folders", nargs="*", type=Path, help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.inner:
        got = pipeline_alone(a.folders, a.cleaners_inner) if a.inner == "pipeline" else trafilatura_alone(a.folders)
        print(json.dumps(got))
        return 0

    allowed = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else list(range(os.cpu_count() or 1))
    one = a.cpu if a.cpu in allowed else allowed[0]
    jobs = a.jobs or len(allowed)
    bench = bench_dir()
    sets = [s for s in a.sets.split(",") if s]
    formats = [f for f in a.formats.split(",") if f]
    has_trafilatura = importlib.util.find_spec("trafilatura") is not None
    print(f"load average before: {os.getloadavg()[0]:.2f}; one-CPU runs on CPU {one}; --jobs {jobs} on {allowed}")

    # start-up: the command on one page (a seed), cold
    seed = sorted((REPO / "seeds").iterdir())[0]
    startup = min(command_run([seed], 1, {one})["seconds"] for _ in range(max(1, a.rounds)))

    rows: list[tuple[str, str, dict[str, Any]]] = []
    breakdown: dict[str, dict[str, float]] = {}
    for fmt in formats:
        folders = [bench / s / fmt for s in sets]
        missing = [f for f in folders if not f.is_dir()]
        if missing:
            raise SystemExit(f"no pages at {', '.join(map(str, missing))}")
        runs: dict[str, Callable[[], dict[str, Any]]] = {
            "pipeline alone (one CPU)": lambda folders=folders: inner_run("pipeline", folders, one),
            "`newsread clean --jobs 1` (one CPU)": lambda folders=folders: command_run(folders, 1, {one}),
            f"`newsread clean --jobs {jobs}` ({len(allowed)} CPUs)": lambda folders=folders: command_run(
                folders, jobs, set(allowed)
            ),
        }
        if fmt == "html" and has_trafilatura:
            runs["trafilatura.extract (one CPU)"] = lambda folders=folders: inner_run("trafilatura", folders, one)
        best: dict[str, dict[str, Any]] = {}
        names = list(runs)
        for r in range(a.rounds):
            for name in names[r % len(names) :] + names[: r % len(names)]:
                got = runs[name]()
                print(f"  {fmt} round {r + 1}: {name}: {got['pages']} pages in {got['seconds']:.2f} s", file=sys.stderr)
                if name not in best or got["seconds"] < best[name]["seconds"]:
                    best[name] = got
        rows += [(fmt, name, best[name]) for name in names]
        if not a.no_cleaners:
            timed = inner_run("pipeline", folders, one, cleaners=True)
            breakdown[fmt] = {k: v / timed["pages"] for k, v in timed["cleaners"].items()}

    print(f"load average after: {os.getloadavg()[0]:.2f}")
    print(
        f"\n{' + '.join(sets)}; best of {a.rounds} round(s); start-up (`newsread clean` of one page): {startup:.2f} s\n"
    )
    print("| input | what | pages | wall s | CPU s | pages/s | ms/page | × pipeline alone (wall) | (CPU) |")
    print("|---|---|---|---|---|---|---|---|---|")
    for fmt in formats:
        base = next(r for f, n, r in rows if f == fmt and n.startswith("pipeline"))
        for f, name, r in rows:
            if f != fmt:
                continue
            cpu, cpu_ratio = (f"{r['cpu']:.2f}", f"{r['cpu'] / base['cpu']:.2f}×") if "cpu" in r else ("–", "–")
            print(
                f"| {fmt} | {name} | {r['pages']} | {r['seconds']:.2f} | {cpu} | {r['pages'] / r['seconds']:,.0f} "
                f"| {r['seconds'] / r['pages'] * 1000:.2f} | {r['seconds'] / base['seconds']:.2f}× | {cpu_ratio} |"
            )
    for fmt, per in breakdown.items():
        print(f"\nwhere the pipeline's time goes, {fmt} (ms/page, a second pass, each stage timed):")
        for name, seconds in sorted(per.items(), key=lambda kv: -kv[1]):
            print(f"  {name:22} {seconds * 1000:6.3f}")
    return 0
