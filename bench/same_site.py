"""Same-site benchmark: F1 with the site_template learner on and off, the seeds check, and fit time on 10k pages.

    python bench/same_site.py [--big 10000]

Generates the set with make_same_site.py into a temp folder, cleans it with the
default pipeline (learner on, then off), scores with /work/shared/bench/score.py.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from newsread.cleaners import Pipeline, load_pages

HERE = Path(__file__).resolve().parent
SCORE = Path("/work/shared/bench/score.py")
SEEDS = Path("/work/shared/seeds")
SEED_GOLD = Path("/work/shared/bench/seeds/gold")
sys.path.insert(0, str(HERE))
from make_same_site import make  # noqa: E402


def run(pages_dir: Path, gold_dir: Path, pred_dir: Path, learner: bool) -> dict[str, float]:
    pipeline = Pipeline.default(disable=() if learner else ("site_template",))
    pred_dir.mkdir(parents=True, exist_ok=True)
    for cleaned in pipeline.clean_all(load_pages([pages_dir])):
        (pred_dir / Path(cleaned.id).name).write_text(cleaned.body + "\n", encoding="utf-8")
    out = pred_dir.parent / f"{pred_dir.name}.json"
    subprocess.run([sys.executable, str(SCORE), str(gold_dir), str(pred_dir), "--json", str(out)], check=True,
                   capture_output=True)
    return json.loads(out.read_text())


def summary(name: str, s: dict[str, object]) -> str:
    keys = ("precision", "recall", "f1", "loss")
    agg = s.get("summary", s)
    vals = " ".join(f"{k}={agg[k]:.3f}" for k in keys if isinstance(agg, dict) and k in agg)  # type: ignore[index]
    return f"{name}: {vals}"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--big", type=int, default=10000, help="pages in the fit-time folder (0: skip)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        make(root / "set", 10, 10, 7)
        for learner in (False, True):
            s = run(root / "set" / "pages", root / "set" / "gold", root / f"pred-{learner}", learner)
            print(summary(f"same-site 10x10, learner {'on' if learner else 'off'}", s))
        for learner in (False, True):
            s = run(SEEDS, SEED_GOLD, root / f"seeds-{learner}", learner)
            print(summary(f"seeds, learner {'on' if learner else 'off'}", s))
        if args.big:
            make(root / "big", args.big // 100, 100, 11)
            pages = list(load_pages([root / "big" / "pages"]))
            pipeline = Pipeline.default()
            t = time.perf_counter()
            pipeline.fit(pages)
            fit_s = time.perf_counter() - t
            t = time.perf_counter()
            cleaned = [pipeline.clean(p) for p in pages]
            clean_s = time.perf_counter() - t
            from newsread.cleaners.clusters import cluster_pages

            t = time.perf_counter()
            clusters = cluster_pages(cleaned)
            cl_s = time.perf_counter() - t
            print(f"{len(pages)} pages: fit {fit_s:.2f}s, clean {clean_s:.2f}s, "
                  f"clusters {cl_s:.2f}s ({len(set(clusters.values()))} clusters)")


if __name__ == "__main__":
    main()
