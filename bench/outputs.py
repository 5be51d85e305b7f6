"""python -m bench outputs --save DIR | --compare DIR: the check that a change left the output byte-identical.

Runs ``newsread clean --no-cache --format jsonl`` (one process, ``--jobs 1``, an empty user config) on the
seeds and on both dev sets in both formats (scrapinghub and wcxb, html and text), one folder per run as a user
would, and either saves the JSON lines into DIR (``--save``, before the change) or compares them with those
saved there, byte for byte (``--compare``, after it). Exits 1 when any differs, naming the first line that does.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.corpus import REPO, bench_dir


def folders() -> dict[str, Path]:
    """Name → folder of every corpus the check covers."""
    bench = bench_dir()
    found = {"seeds": REPO / "seeds"}
    for name in ("scrapinghub", "wcxb"):
        for fmt in ("html", "text"):
            found[f"{name}-{fmt}"] = bench / name / fmt
    return found


def jsonl_of(folder: Path) -> bytes:
    """``newsread clean --no-cache`` of FOLDER as JSON lines, with no user config read."""
    with tempfile.TemporaryDirectory(prefix="newsread-outputs-") as tmp:
        env = dict(os.environ, XDG_CONFIG_HOME=tmp, NEWSREAD_CACHE_DIR=tmp)
        cmd = [sys.executable, "-m", "newsread.tui.cli", "clean", "--no-cache", "--format", "jsonl", str(folder)]
        done = subprocess.run(cmd, env=env, capture_output=True, check=True, stdin=subprocess.DEVNULL)
    return done.stdout


def first_difference(old: bytes, new: bytes) -> str:
    """Where two outputs first differ, for the report."""
    for number, (a, b) in enumerate(zip(old.splitlines(), new.splitlines(), strict=False), 1):
        if a != b:
            at = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
            return f"line {number}, byte {at}: {a[max(0, at - 60) : at + 60]!r} / {b[max(0, at - 60) : at + 60]!r}"
    return f"{len(old.splitlines())} lines before, {len(new.splitlines())} now"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench outputs", description=__doc__.split("\n")[0])
    mode = ap.add_mutually_exclusive_group(required=True)
    mode.add_argument("--save", type=Path, metavar="DIR", help="write each corpus's JSON lines into DIR")
    mode.add_argument("--compare", type=Path, metavar="DIR", help="compare with the JSON lines saved in DIR")
    ap.add_argument("--only", nargs="*", help="only these corpora (seeds, scrapinghub-html, wcxb-text …)")
    a = ap.parse_args(argv)
    differ = 0
    for name, folder in folders().items():
        if a.only and name not in a.only:
            continue
        out = jsonl_of(folder)
        if a.save:
            a.save.mkdir(parents=True, exist_ok=True)
            (a.save / f"{name}.jsonl").write_bytes(out)
            print(f"{name}: {len(out.splitlines())} records saved")
            continue
        old = (a.compare / f"{name}.jsonl").read_bytes()
        same = old == out
        differ += not same
        print(f"{name}: {len(out.splitlines())} records, " + ("identical" if same else first_difference(old, out)))
    return 1 if differ else 0
