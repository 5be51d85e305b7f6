"""Hostile and broken input: every page gets a result or a clear message, nothing crashes, nothing is
written into the folder being read, and nothing reaches the terminal as a control sequence."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from newsread.cleaners import BaseCleaner, CleanerInfo, Config, Context, Mark, Page, Pipeline, load_pages, text_page

from .. import hostile


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, str]]]:
    folder = tmp_path_factory.mktemp("hostile")
    broken = hostile.build(folder)
    with hostile.read_only(folder):  # newsread must never need to write there
        yield folder, broken


listing = hostile.listing


def test_engine_loads_and_cleans_every_page_without_raising(corpus: tuple[Path, dict[str, str]]) -> None:
    folder, broken = corpus
    pipeline = Pipeline.default(Config())
    pages = {p.id: p for p in load_pages([folder])}
    for name, what in broken.items():
        assert pages[name].error, f"{what} should be reported"
    for page in pages.values():
        cleaned = pipeline.clean(page)  # never raises
        assert cleaned.page is page
    assert "deep text" in pages["nested.html"].text
    assert pages["good.txt"].error is None
    assert "Президент" in pages["cp1251.txt"].text and "北京" in pages["gbk.txt"].text
    assert "プーチン" in pages["sjis.txt"].text and "président" in pages["latin1.txt"].text
    assert "Supporters said" in pages["invalid-utf8.txt"].text  # the readable part survives
    assert pages["scripts.html"].error is None and pages["scripts.html"].blocks == ()
    assert "loop/again" not in " ".join(pages)  # the loop is entered once at most


def test_pages_that_came_out_empty_or_rejected_are_read_with_a_note(corpus: tuple[Path, dict[str, str]]) -> None:
    folder, _ = corpus
    pages = {p.id: p for p in load_pages([folder])}
    for name, phrase in hostile.READABLE.items():
        page = pages[name]
        assert page.error is None and phrase in page.text, name
    for name in ("noscript-only.html", "utf16-no-bom.html", "stray-nul.txt", "lying-charset.html", "cut.warc#1"):
        assert pages[name].notes, f"{name}: what was done to read it is said"
    assert pages["text-named.warc"].notes and pages["deeper-than-libxml2.html"].notes


def test_batch_run_reports_bad_pages_and_writes_nothing_into_the_input(
    corpus: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    folder, broken = corpus
    before = listing(folder)
    result = subprocess.run(
        [sys.executable, "-m", "newsread.tui.cli", "clean", str(folder), "--max-seconds", "30"],
        capture_output=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    assert listing(folder) == before
    records = [json.loads(line) for line in result.stdout.decode("utf-8").splitlines()]
    by_id = {r["id"]: r for r in records}
    for name in broken:
        assert by_id[name]["error"], name
    assert by_id["good.txt"]["error"] is None and "Supporters said" in by_id["good.txt"]["body"]
    assert any(r["id"].startswith("latin1-") and "\ufffd" in r["id"] for r in records)  # undecodable name shown
    assert b"\x1b" not in result.stdout  # JSON escapes controls …
    assert hostile.ESC_NAME in by_id  # … and keeps the real name
    assert b"\x1b" not in result.stderr


def test_text_output_to_a_terminal_is_inert(corpus: tuple[Path, dict[str, str]]) -> None:
    from newsread.tui.cli import shown

    text = (corpus[0] / "controls.txt").read_text(encoding="utf-8")
    safe = shown(text)
    assert not any(ch in safe for ch in ("\x1b", "\x07", "\x9b", "\u202e"))
    assert "␛" in safe and "<U+202E>" in safe


def test_diff_of_a_page_with_control_sequences_is_inert(corpus: tuple[Path, dict[str, str]]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "newsread.tui.cli", "diff", str(corpus[0] / "controls.txt"), "--color"],
        capture_output=True,
        timeout=120,
    )
    assert result.returncode == 0
    out = result.stdout.decode()
    assert "\x1b]0;" not in out and "\x07" not in out and "\u202e" not in out and "\x1b[2J" not in out
    assert "␛" in out


class Hang(BaseCleaner):
    name = "hang"
    description = "loops forever"

    def annotate(self, page: Page, context: Context) -> Sequence[Mark]:
        while True:
            pass


class Late(BaseCleaner):
    name = "late"
    description = "runs after the hang"

    def annotate(self, page: Page, context: Context) -> Sequence[Mark]:
        return [Mark(0, 4, "late")]


def test_a_hanging_cleaner_is_stopped_at_the_time_limit_and_reported() -> None:
    infos = [CleanerInfo(c.name, c.description, "test", i, True, c) for i, c in enumerate((Hang, Late))]
    config = Config(max_clean_seconds=0.3)
    cleaned = Pipeline.from_infos(infos, config).clean(text_page("p", "Some text here.\n"))
    assert [(e.cleaner, "limit" in e.message) for e in cleaned.errors] == [("hang", True)]
    assert any("limit" in n and "late" in n for n in cleaned.notes)


def test_pages_over_the_size_limit_are_reported(tmp_path: Path) -> None:
    (tmp_path / "big.txt").write_bytes(b"a" * 3_000_000)
    [page] = load_pages([tmp_path], max_bytes=1_000_000)
    assert page.error and "limit" in page.error


def test_unreadable_file_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import newsread.cleaners.loading as loading

    path = tmp_path / "secret.txt"
    path.write_text("x")
    path.chmod(0)
    if os.geteuid() == 0:  # root reads whatever the permissions say: make the read fail as it would for a user

        def denied(*args: object, **kwargs: object) -> object:
            raise PermissionError(13, "Permission denied")

        monkeypatch.setattr(loading, "open_regular", denied)
    [page] = load_pages([tmp_path])
    assert page.error == "permission denied"


def test_file_that_vanishes_after_listing_is_reported(tmp_path: Path) -> None:
    from newsread.cleaners import iter_sources, load_page

    (tmp_path / "gone.txt").write_text("soon gone")
    [source] = list(iter_sources([tmp_path]))
    (tmp_path / "gone.txt").unlink()
    assert "not found" in (load_page(source).error or "")
