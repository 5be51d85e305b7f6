"""The result cache: unchanged pages are not cleaned again, changes are, damage is survived, inputs are untouched."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from pathlib import Path

import pytest

from bench.corpus import build
from newsread.cleaners import BaseCleaner, CleanerInfo, Context, Mark, Page, Pipeline, iter_sources, load_page
from newsread.cleaners.cache import ResultCache, clean_source

CALLS: list[str] = []


class CountingWord(BaseCleaner):
    """Removes lines containing ``word``; records every page it really annotates."""

    name = "counting_word"
    description = "removes lines with a word"
    options = {"word": "Advertisement"}

    def annotate(self, page: Page, context: Context) -> Iterable[Mark]:
        CALLS.append(f"{self.name}:{page.id}")
        for block in context.remaining():
            if self.settings["word"] in block.text:
                yield Mark.block(block, f"contains {self.settings['word']!r}")


class CountingTail(CountingWord):
    name = "counting_tail"
    options = {"word": "Share this article"}


def pipeline(word: str = "Advertisement", tail: str = "Share this article") -> Pipeline:
    infos = [
        CleanerInfo("counting_word", "", "built-in", 1, True, lambda **o: CountingWord(**o)),
        CleanerInfo("counting_tail", "", "built-in", 2, True, lambda **o: CountingTail(**o)),
    ]
    from newsread.cleaners import Config

    cfg = Config(options={"counting_word": {"word": word}, "counting_tail": {"word": tail}})
    return Pipeline.from_infos(infos, cfg)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    out = tmp_path / "pages"
    build(30, out, seed=3)
    return out


def clean_folder(folder: Path, pipe: Pipeline, cache: ResultCache) -> list[tuple[str, list[str]]]:
    out = []
    for src in iter_sources([folder]):
        cleaned = clean_source(src, pipe, cache)
        out.append((cleaned.body, [f"{a.cleaner}:{a.reason}" for a in cleaned.removals]))
    cache.flush()
    return out


def uncached(folder: Path, pipe: Pipeline) -> list[tuple[str, list[str]]]:
    out = []
    for src in iter_sources([folder]):
        cleaned = pipe.clean(load_page(src))
        out.append((cleaned.body, [f"{a.cleaner}:{a.reason}" for a in cleaned.removals]))
    return out


def test_second_clean_is_served_from_cache_and_equals_a_fresh_clean(folder: Path, tmp_path: Path) -> None:
    expected = uncached(folder, pipeline())
    assert any(removed for _, removed in expected)  # the folder does exercise the cleaners
    CALLS.clear()
    with ResultCache(tmp_path / "cache") as cache:
        assert clean_folder(folder, pipeline(), cache) == expected
    assert len(CALLS) == 60
    CALLS.clear()
    with ResultCache(tmp_path / "cache") as cache:
        assert clean_folder(folder, pipeline(), cache) == expected
        assert cache.hits == 30 and cache.misses == 0
    assert CALLS == []


def test_changed_page_is_cleaned_again(folder: Path, tmp_path: Path) -> None:
    with ResultCache(tmp_path / "cache") as cache:
        clean_folder(folder, pipeline(), cache)
    page = next(folder.rglob("*.txt"))
    page.write_text("A new title\nAdvertisement\nFresh text about the river.\n", encoding="utf-8")
    CALLS.clear()
    with ResultCache(tmp_path / "cache") as cache:
        result = clean_folder(folder, pipeline(), cache)
    assert sorted(CALLS) == sorted(f"{n}:{page.relative_to(folder)}" for n in ("counting_word", "counting_tail"))
    assert result == uncached(folder, pipeline())


def test_option_change_recomputes_that_cleaner_and_later_ones_only(folder: Path, tmp_path: Path) -> None:
    with ResultCache(tmp_path / "cache") as cache:
        clean_folder(folder, pipeline(), cache)
    CALLS.clear()
    with ResultCache(tmp_path / "cache") as cache:
        result = clean_folder(folder, pipeline(tail="Facebook"), cache)
    assert len(CALLS) == 30 and all(c.startswith("counting_tail:") for c in CALLS)  # the first stage was reused
    assert result == uncached(folder, pipeline(tail="Facebook"))
    CALLS.clear()
    with ResultCache(tmp_path / "cache") as cache:
        result = clean_folder(folder, pipeline(word="Publicidad"), cache)
    assert len(CALLS) == 60  # the first stage changed, so both ran
    assert result == uncached(folder, pipeline(word="Publicidad"))


def test_switching_back_to_earlier_settings_cleans_nothing(folder: Path, tmp_path: Path) -> None:
    # A page's results under several settings live side by side: toggling back is free.
    for tail in ("Share this article", "Facebook"):
        with ResultCache(tmp_path / "cache") as cache:
            clean_folder(folder, pipeline(tail=tail), cache)
    expected = uncached(folder, pipeline())
    CALLS.clear()
    with ResultCache(tmp_path / "cache") as cache:
        assert clean_folder(folder, pipeline(), cache) == expected
        assert cache.hits == 30
    assert CALLS == []


def test_corrupt_cache_is_discarded_with_a_warning_and_rebuilt(folder: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    with ResultCache(cache_dir) as cache:
        clean_folder(folder, pipeline(), cache)
    db = cache_dir / "results.sqlite3"
    for extra in ("-wal", "-shm"):
        Path(str(db) + extra).unlink(missing_ok=True)
    db.write_bytes(b"this is not a database" * 100)
    with ResultCache(cache_dir) as cache:
        assert any("damaged" in w for w in cache.warnings)
        assert clean_folder(folder, pipeline(), cache) == uncached(folder, pipeline())
    CALLS.clear()
    with ResultCache(cache_dir) as cache:
        clean_folder(folder, pipeline(), cache)
        assert cache.warnings == [] and cache.hits == 30
    assert CALLS == []


def test_clean_command_writes_nothing_into_the_input_folder(folder: Path, tmp_path: Path) -> None:
    import subprocess

    before = sorted((p, p.stat().st_mtime_ns) for p in folder.rglob("*"))
    env = dict(os.environ, NEWSREAD_CACHE_DIR=str(tmp_path / "cache"))
    cmd = [sys.executable, "-m", "newsread.tui.cli", "clean", str(folder)]
    for _ in range(2):
        subprocess.run(cmd, env=env, capture_output=True, check=True, timeout=120)
    assert sorted((p, p.stat().st_mtime_ns) for p in folder.rglob("*")) == before
    assert (tmp_path / "cache" / "results.sqlite3").exists()
    # A cache folder pointed inside the input is refused rather than written there.
    env["NEWSREAD_CACHE_DIR"] = str(folder / "cache")
    result = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and f"is inside the input folder {folder}" in result.stderr
    assert not (folder / "cache").exists()


class _FullDisk:
    """A connection whose writes fail as on a full disk (reads go to the real one)."""

    def __init__(self, conn: object) -> None:
        self.conn = conn

    def execute(self, sql: str, *args: object) -> object:
        if sql.startswith("BEGIN"):
            import sqlite3

            raise sqlite3.OperationalError("database or disk is full")
        return self.conn.execute(sql, *args)  # type: ignore[attr-defined]

    def __getattr__(self, name: str) -> object:
        return getattr(self.conn, name)

    def __enter__(self) -> _FullDisk:
        return self

    def __exit__(self, *exc: object) -> None:
        pass


def test_a_full_disk_keeps_a_healthy_cache(tmp_path: Path) -> None:
    folder = tmp_path / "pages"
    build(4, folder, seed=3)
    sources = list(iter_sources([folder]))
    with ResultCache(tmp_path / "cache") as cache:
        for source in sources:
            clean_source(source, pipeline(), cache)
    cache = ResultCache(tmp_path / "cache")
    cache._conn = _FullDisk(cache._conn)  # type: ignore[assignment]
    clean_source(sources[0], pipeline(word="Other"), cache)  # a new result to write: the write fails
    cache.close()
    assert any("cannot be written" in w for w in cache.warnings) and not any("damaged" in w for w in cache.warnings)
    with ResultCache(tmp_path / "cache") as again:  # next run: the cache is whole and used
        assert again.warnings == []
        CALLS.clear()
        for source in sources:
            clean_source(source, pipeline(), again)
        assert CALLS == [] and again.hits == len(sources)


def test_an_intact_cache_that_cannot_be_written_is_read_not_called_damaged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3

    folder = tmp_path / "pages"
    build(4, folder, seed=4)
    sources = list(iter_sources([folder]))
    with ResultCache(tmp_path / "cache") as cache:
        for source in sources:
            clean_source(source, pipeline(), cache)
    size = (tmp_path / "cache" / "results.sqlite3").stat().st_size

    def read_only(self: ResultCache) -> sqlite3.Connection:  # as for a user without write permission there
        raise sqlite3.OperationalError("attempt to write a readonly database")

    monkeypatch.setattr(ResultCache, "_open", read_only)
    with ResultCache(tmp_path / "cache") as ro:
        assert ro.read_only and not any("damaged" in w for w in ro.warnings)
        CALLS.clear()
        for source in sources:
            clean_source(source, pipeline(), ro)
        assert CALLS == [] and ro.hits == len(sources)  # read from the cache …
        clean_source(sources[0], pipeline(word="Other"), ro)  # … and a new result is not written
    assert (tmp_path / "cache" / "results.sqlite3").stat().st_size == size
    assert not (tmp_path / "cache" / "results.sqlite3.damaged").exists()
