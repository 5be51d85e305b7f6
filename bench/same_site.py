"""Folder learning quality: F1 with the site_template learner on and off, each set cleaned as one folder.

    python -m bench same-site [--sites 10] [--pages 10] [--seed 7] [--worst 5] [--write DIR]

Sets, each cleaned the way ``newsread clean FOLDER`` does (the pipeline learns from the whole folder first):

* same-site: generated (bench/same_site_set.py) into a temp folder (pages of 10 sites sharing templates, syndicated
  and running stories, known gold), cleaned as one folder of all sites (the learner must find the sites) and as
  one folder per site (mean of the folders' F1);
* seeds: the five sample pages as one folder;
* text, html: the 181 ScrapingHub pages as one folder, as text dumps and as HTML (every page from a different
  site: the learner must find no site and remove nothing that matters).

Scores with SHARED/bench/score.py (4-word shingles; P/R averaged over pages, F1 their harmonic mean).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.corpus import REPO, bench_dir
from bench.same_site_set import make
from newsread.cleaners import Pipeline, iter_sources, load_page


def stem(page_id: str) -> str:
    name = Path(page_id).name
    for ext in (".gz", ".txt", ".html", ".htm"):
        name = name.removesuffix(ext)
    return name


def clean_folder(pages_dir: Path, pred_dir: Path, learner: bool) -> None:
    pipeline = Pipeline.default(disable=() if learner else ("site_template",))
    sources = list(iter_sources([pages_dir]))
    pipeline.fit(load_page(s) for s in sources)
    pred_dir.mkdir(parents=True, exist_ok=True)
    for source in sources:
        cleaned = pipeline.clean(load_page(source))
        (pred_dir / f"{stem(source.id)}.txt").write_text(cleaned.body + "\n", encoding="utf-8")


def score(gold_dir: Path, pred_dir: Path, worst: int = 0) -> dict[str, object]:
    out = pred_dir.parent / f"{pred_dir.name}.json"
    cmd = [sys.executable, str(bench_dir() / "score.py"), str(gold_dir), str(pred_dir), "--json", str(out)]
    if worst:
        cmd += ["--worst", str(worst)]
    shown = subprocess.run(cmd, check=True, capture_output=True, text=True)
    if worst:
        print(shown.stdout)
    result: dict[str, object] = json.loads(out.read_text())
    return result


def line(name: str, result: dict[str, object]) -> str:
    agg = result.get("summary", result)
    assert isinstance(agg, dict)
    keys = ("precision", "recall", "f1")
    return f"| {name} | " + " | ".join(f"{float(agg[k]):.3f}" for k in keys if k in agg) + " |"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench same-site", description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--sites", type=int, default=10)
    ap.add_argument("--pages", type=int, default=10)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--worst", type=int, default=0, help="show the N worst pages of the same-site set")
    ap.add_argument("--only-same-site", action="store_true")
    ap.add_argument("--write", type=Path, metavar="DIR", help="only write the same-site set into DIR/pages, DIR/gold")
    args = ap.parse_args(argv)
    bench = bench_dir()
    gold_dir = bench / "scrapinghub" / "gold"
    if args.write:
        make(args.write, gold_dir, args.sites, args.pages, args.seed)
        return 0
    sets = {"same-site": None, "seeds": (REPO / "seeds", bench / "seeds" / "gold")}
    if not args.only_same_site:
        sets["text"] = (bench / "scrapinghub" / "text", gold_dir)
        sets["html"] = (bench / "scrapinghub" / "html", gold_dir)
    else:
        del sets["seeds"]
    print("| set, learner | P | R | F1 |\n|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        make(root / "set", gold_dir, args.sites, args.pages, args.seed)
        for learner in (False, True):
            f1s = []
            for site in sorted({p.name.split("_")[0] for p in (root / "set" / "pages").iterdir()}):
                folder, gold = root / site / "pages", root / site / "gold"
                for kind, target in (("pages", folder), ("gold", gold)):
                    target.mkdir(parents=True)
                    for f in (root / "set" / kind).glob(f"{site}_*"):
                        (target / f.name).write_bytes(f.read_bytes())
                pred = root / site / f"pred-{learner}"
                clean_folder(folder, pred, learner)
                agg = score(gold, pred)["summary"]
                assert isinstance(agg, dict)
                f1s.append(float(agg["f1"]))
                shutil.rmtree(pred)
                shutil.rmtree(folder)
                shutil.rmtree(gold)
            print(
                f"| same-site, one folder per site (mean F1 of {len(f1s)}; lowest {min(f1s):.3f}), "
                f"learner {'on' if learner else 'off'} | | | {sum(f1s) / len(f1s):.3f} |"
            )
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        make(root / "set", gold_dir, args.sites, args.pages, args.seed)
        for name, where in sets.items():
            pages, gold = where or (root / "set" / "pages", root / "set" / "gold")
            for learner in (False, True):
                pred = root / f"{name}-{'on' if learner else 'off'}"
                clean_folder(pages, pred, learner)
                worst = args.worst if name == "same-site" and learner else 0
                print(line(f"{name}, learner {'on' if learner else 'off'}", score(gold, pred, worst)))
    return 0
