"""Cross-validation by site for the training scripts: the dev pages, their sites' folds, and the held-out scoring.

A learned cleaner is reported on pages whose sites its model never saw: the sites are split into folds by a
stable hash of their names (the same split on every machine and run), a model is trained without each fold,
and the whole pipeline, with that model, cleans the fold's pages; the shared scorer scores them.
"""

from __future__ import annotations

import json
import subprocess
import sys
import zlib
from multiprocessing import Pool
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

SETS = ("scrapinghub", "wcxb")

Job = tuple[str, str, str]  # (set, page file, gold file)


def stem(name: str) -> str:
    for ext in (".gz", ".txt", ".html", ".htm"):
        name = name.removesuffix(ext)
    return name


def dev_pages(bench: Path, fmt: str) -> list[Job]:
    """Every page of both dev sets in ``fmt`` (``html`` or ``text``), with its gold."""
    return [
        (s, str(f), str(bench / s / "gold" / f"{stem(f.name)}.txt"))
        for s in SETS
        for f in sorted((bench / s / fmt).iterdir())
    ]


def sites(bench: Path) -> dict[tuple[str, str], str]:
    """(set, page stem) -> the page's site: one site's pages always fall in the same fold."""
    out = {}
    for key, url in json.loads((bench / "scrapinghub" / "urls.json").read_text()).items():
        out[("scrapinghub", key)] = urlparse(url).netloc.removeprefix("www.")
    for key, info in json.loads((bench / "wcxb" / "pages.json").read_text()).items():
        out[("wcxb", key)] = str(info["domain"]).removeprefix("www.")
    return out


def site_folds(bench: Path, jobs: list[Job], folds: int) -> list[int]:
    """The fold of each page: its site's name hashed, so that a site's pages are never split."""
    site_of = sites(bench)
    return [zlib.crc32(site_of[(s, stem(Path(path).name))].encode()) % folds for s, path, _ in jobs]


def held_out_bodies(cleaner: str, model_path: str, jobs: list[Job], out: Path) -> None:
    """The whole pipeline, ``cleaner`` reading the model at ``model_path``, over these pages (each alone, as
    score.py expects them), their bodies written to OUT/SET/STEM.txt."""
    from newsread.cleaners import Config, Pipeline, iter_sources, load_page

    pipeline = Pipeline.default(Config(options={cleaner: {"model": model_path}}))
    for set_name, path, _ in jobs:
        cleaned = pipeline.clean(load_page(next(iter_sources([path]))))
        (out / set_name).mkdir(parents=True, exist_ok=True)
        (out / set_name / f"{stem(Path(path).name)}.txt").write_text(cleaned.body, encoding="utf-8")


def _held_out(args: tuple[str, str, list[Job], str]) -> None:
    cleaner, model_path, jobs, out = args
    held_out_bodies(cleaner, model_path, jobs, Path(out))


def held_out_scores(
    cleaner: str,
    fmt: str,
    models: list[dict[str, Any]],
    jobs: list[Job],
    fold_of: list[int],
    work: Path,
    bench: Path,
    n: int,
) -> None:
    """Each fold's pages cleaned with ``models[fold]`` (into WORK/pred/SET/), ``n`` processes at a time, and
    scored by the shared scorer, set by set."""
    work.mkdir(parents=True, exist_ok=True)
    tasks = []
    for k, model in enumerate(models):
        path = work / f"fold{k}.json"
        path.write_text(json.dumps(model), encoding="utf-8")
        fold = [j for j, f in zip(jobs, fold_of, strict=True) if f == k]
        tasks.append((cleaner, str(path), fold, str(work / "pred")))
    with Pool(n) as pool:
        pool.map(_held_out, tasks)
    print(f"{cleaner}, cross-validated by site ({len(models)} folds: no page scored by a model that saw its site)")
    for s in SETS:
        print(f"\n{s} {fmt}:")
        sys.stdout.flush()
        subprocess.call([sys.executable, str(bench / "score.py"), str(bench / s / "gold"), str(work / "pred" / s)])
