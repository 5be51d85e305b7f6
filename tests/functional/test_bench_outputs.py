"""`python -m bench outputs`: the JSON lines saved before a change, compared byte for byte after it."""

from __future__ import annotations

import subprocess
from pathlib import Path

from bench.corpus import bench_process

from ..conftest import SEEDS


def fake_shared(root: Path) -> Path:
    """A shared folder whose dev sets are two seed pages each (the command only needs the folders)."""
    bench = root / "shared" / "bench"
    bench.mkdir(parents=True)
    (bench / "score.py").write_text("")
    for name in ("scrapinghub", "wcxb"):
        for fmt in ("html", "text"):
            (bench / name / fmt).mkdir(parents=True)
            for page in sorted(SEEDS.iterdir())[:2]:
                (bench / name / fmt / page.name).write_bytes(page.read_bytes())
    return root / "shared"


def outputs(shared: Path, *args: str) -> subprocess.CompletedProcess[str]:
    cmd, env = bench_process("outputs", *args, "--only", "seeds", "wcxb-text")
    env["NEWSREAD_SHARED"] = str(shared)
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)


def test_the_same_code_compares_identical_and_a_changed_record_is_named(tmp_path: Path) -> None:
    shared, saved = fake_shared(tmp_path), tmp_path / "before"
    done = outputs(shared, "--save", str(saved))
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in saved.iterdir()) == ["seeds.jsonl", "wcxb-text.jsonl"]
    assert len((saved / "seeds.jsonl").read_text().splitlines()) == len(list(SEEDS.iterdir()))

    same = outputs(shared, "--compare", str(saved))
    assert same.returncode == 0, same.stdout + same.stderr
    assert same.stdout.count("identical") == 2

    lines = (saved / "wcxb-text.jsonl").read_text().splitlines(keepends=True)
    lines[1] = lines[1].replace('"body": "', '"body": "x', 1)
    (saved / "wcxb-text.jsonl").write_text("".join(lines))
    changed = outputs(shared, "--compare", str(saved))
    assert changed.returncode == 1
    assert f"seeds: {len(list(SEEDS.iterdir()))} records, identical" in changed.stdout
    assert "wcxb-text: 2 records, line 2, byte" in changed.stdout
