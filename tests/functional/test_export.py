"""Export round trip: triage seed pages through the store, run `newsread export`, read what it wrote."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from newsread.cleaners import Pipeline, load_page, to_record
from newsread.tui.export import ExportError, export_pages
from newsread.tui.triage import Filter, open_store, track_paths

pytestmark = [pytest.mark.slow]

NEWSREAD = [sys.executable, "-m", "newsread.tui.cli"]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*NEWSREAD, *args], capture_output=True, text=True, timeout=120)


def snapshot(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.rglob("*")}


@pytest.fixture
def triaged(tmp_path: Path, seeds: Path) -> tuple[Path, Path, list[str]]:
    folder = tmp_path / "input"
    shutil.copytree(seeds, folder)
    state = tmp_path / "state" / "triage.sqlite3"
    store, notices = open_store(state)
    assert notices == []
    tracked = track_paths([folder])
    store.attach(ref for _, ref in tracked)
    ids = [s.id for s, _ in tracked]
    assert len(ids) >= 4
    store.keep(ids[0:2])
    store.star([ids[2]])
    store.discard([ids[3]])
    store.tag([ids[1], ids[2], ids[3]], "economy")
    store.opened(ids[0])
    store.close()
    return folder, state, ids


def test_export_jsonl_has_the_clean_record_and_triage_fields(
    triaged: tuple[Path, Path, list[str]], tmp_path: Path
) -> None:
    folder, state, ids = triaged
    before = snapshot(folder)
    out = tmp_path / "out"
    result = run(
        "export", str(folder), "--status", "kept,starred", "--format", "jsonl", "--out", str(out), "--state", str(state)
    )
    assert result.returncode == 0, result.stderr
    assert "exported 3 page(s)" in result.stderr
    records = [json.loads(line) for line in (out / "newsread.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in records] == ids[0:3]
    assert [r["triage"] for r in records] == [
        {"status": "kept", "tags": [], "read": True},
        {"status": "kept", "tags": ["economy"], "read": False},
        {"status": "starred", "tags": ["economy"], "read": False},
    ]
    pipeline = Pipeline.default()
    for record, page_id in zip(records, ids, strict=False):
        [source] = [s for s, _ in track_paths([folder]) if s.id == page_id]
        expected = to_record(pipeline.clean(load_page(source)))
        assert {k: v for k, v in record.items() if k != "triage"} == expected
    assert snapshot(folder) == before  # the input folder is never written


def test_export_markdown_by_tag_survives_a_renamed_file(triaged: tuple[Path, Path, list[str]], tmp_path: Path) -> None:
    folder, state, ids = triaged
    (folder / ids[2]).rename(folder / "renamed.txt")
    out = tmp_path / "md"
    result = run(
        "export", str(folder), "--status", "kept,starred,discarded", "--tag", "economy",
        "--format", "markdown", "--out", str(out), "--state", str(state),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    names = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
    stem = [i.rsplit(".", 1)[0] for i in ids]
    assert names == sorted([f"{stem[1]}.md", "renamed.md", f"{stem[3]}.md"])
    starred = (out / "renamed.md").read_text(encoding="utf-8")
    assert starred.startswith("# ") and starred.rstrip().endswith("*triage: starred · tags: economy*")
    # the clean body is there: a kept paragraph of the page appears in the export
    body = Pipeline.default().clean(load_page(next(s for s, _ in track_paths([folder]) if s.id == "renamed.txt"))).body
    assert body.split("\n\n")[0] in starred


def test_export_refuses_to_write_into_the_input_folder(triaged: tuple[Path, Path, list[str]]) -> None:
    folder, state, _ = triaged
    before = snapshot(folder)
    result = run("export", str(folder), "--out", str(folder / "exported"), "--state", str(state))
    assert result.returncode == 2 and "never writes into what it reads" in result.stderr
    result = run("export", str(folder), "--out", "/tmp/elsewhere-never", "--state", str(folder / "s.sqlite3"))
    assert result.returncode == 2 and "--state" in result.stderr
    result = run("--state", str(folder / "s.sqlite3"), str(folder))  # the reader refuses it too
    assert result.returncode == 2 and "--state" in result.stderr
    assert snapshot(folder) == before


def test_export_reports_a_bad_status_and_a_corrupt_state_clearly(
    triaged: tuple[Path, Path, list[str]], tmp_path: Path
) -> None:
    folder, state, _ = triaged
    result = run("export", str(folder), "--status", "loved", "--out", str(tmp_path / "o"), "--state", str(state))
    assert result.returncode == 2 and "unknown status loved" in result.stderr
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(b"\x00garbage" * 500)
    result = run("export", str(folder), "--out", str(tmp_path / "o"), "--state", str(bad))
    assert result.returncode == 2 and "not a readable newsread state" in result.stderr
    assert "Traceback" not in result.stderr and bad.read_bytes() == b"\x00garbage" * 500


def test_export_pages_api_is_what_the_app_calls(triaged: tuple[Path, Path, list[str]], tmp_path: Path) -> None:
    folder, state, ids = triaged
    store, _ = open_store(state)
    tracked = track_paths([folder])
    store.attach(ref for _, ref in tracked)
    ticks: list[int] = []
    result = export_pages(
        store,
        [s for s, _ in tracked],
        Pipeline.default(),
        tmp_path / "api",
        fmt="text",
        flt=Filter(statuses=frozenset({"discarded"})),
        inputs=[folder],
        progress=lambda: ticks.append(1),
    )
    assert result.page_ids == [ids[3]] and len(ticks) == 1
    assert result.files[0].read_text(encoding="utf-8").rstrip().endswith("[triage: discarded · tags: economy]")
    with pytest.raises(ExportError):
        export_pages(store, [], Pipeline.default(), folder / "x", fmt="text", flt=Filter(), inputs=[folder])


def test_export_says_so_when_nothing_matches(triaged: tuple[Path, Path, list[str]], tmp_path: Path) -> None:
    folder, state, _ = triaged
    out = tmp_path / "none"
    result = run(
        "export", str(folder), "--status", "discarded", "--tag", "nope", "--out", str(out), "--state", str(state)
    )
    assert result.returncode == 0 and "no page of" in result.stderr and "nothing written" in result.stderr
    assert not out.exists()
