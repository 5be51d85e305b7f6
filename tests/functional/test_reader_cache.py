"""The reader's side of the result cache: reopening is instant, changes are noticed, damage is survived,
and a page served from the cache is exactly the page cleaned afresh."""

from __future__ import annotations

import json
import os
import pickle
import shutil
import sqlite3
import threading
from collections.abc import Iterable
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

import pytest

from bench.corpus import build
from newsread.cleaners import Config, Page, Pipeline, iter_sources, load_page, to_record
from newsread.cleaners import batch as batch_module
from newsread.cleaners import cache as cache_module
from newsread.cleaners import session as session_module
from newsread.cleaners.batch import Job
from newsread.cleaners.builtin import site_template
from newsread.cleaners.cache import ResultCache, clean_source
from newsread.tui import library as library_module
from newsread.tui.library import Library

from ..conftest import SEEDS, spy_calls
from ..hostile import build as build_hostile
from .test_folder_learning import site_folder

PAGES = 40


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline.default()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    out = tmp_path / "pages"
    build(PAGES, out, seed=11)
    return out


def opened(folder: Path, pipeline: Pipeline, cache: Path, *, jobs: int = 1) -> Library:
    library = Library([str(folder)], pipeline, cache_dir=cache, jobs=jobs)
    library.discover()
    return library


def shown(library: Library) -> list[tuple[object, ...]]:
    return [(s.id, s.title, s.words_kept, s.words_removed, sorted(s.removed_by.items())) for s in library.summaries]


def test_reopening_an_unchanged_folder_cleans_nothing(folder: Path, pipeline: Pipeline, tmp_path: Path) -> None:
    before = sorted((p, p.stat().st_mtime_ns) for p in folder.rglob("*"))
    first = opened(folder, pipeline, tmp_path / "cache")
    assert first.from_cache == 0 and not first.complete
    first.clean_all()  # in a worker process
    assert first.complete and first.warnings == []
    cleaned = shown(first)
    first.close()
    again = opened(folder, pipeline, tmp_path / "cache", jobs=0)
    # Every summary is there as soon as the folder is listed, no page read or cleaned.
    assert again.complete and again.from_cache == PAGES
    assert shown(again) == cleaned
    assert any(row[3] for row in cleaned)  # the pages did have something removed
    again.close()
    assert sorted((p, p.stat().st_mtime_ns) for p in folder.rglob("*")) == before  # nothing written into the folder


def test_whoever_sees_a_reopened_folder_complete_sees_its_pages_counted_from_the_cache(
    folder: Path, pipeline: Pipeline, tmp_path: Path
) -> None:
    first = opened(folder, pipeline, tmp_path / "cache")
    first.clean_all()
    first.close()
    seen: list[tuple[int, int]] = []

    def listen(event: object) -> None:  # told from the thread that recalls, as the reader is
        if isinstance(event, session_module.Progress) and event.total and event.done == event.total:
            seen.append((again.done, again.from_cache))

    again = Library([str(folder)], pipeline, cache_dir=tmp_path / "cache", jobs=0, listener=listen)
    again.discover()
    # (Once counted after the pages were shown: a reader polling `complete` on another thread could read 0.)
    assert again.complete and seen and seen[0] == (PAGES, PAGES)
    again.close()


def test_a_changed_page_is_cleaned_again(folder: Path, pipeline: Pipeline, tmp_path: Path) -> None:
    first = opened(folder, pipeline, tmp_path / "cache")
    first.clean_all()
    first.close()
    page = sorted(folder.rglob("*.txt"))[3]
    old = next(s for s, src in zip(first.summaries, first.sources, strict=True) if src.path == page)
    page.write_text("A brand new headline about the harbour today\n" + "The harbour opened a new pier. " * 30 + "\n")
    again = opened(folder, pipeline, tmp_path / "cache", jobs=0)
    assert again.from_cache == PAGES - 1
    index = next(i for i, s in enumerate(again.sources) if s.path == page)
    assert not again.summaries[index].cleaned
    again.clean_all()
    new = again.summaries[index]
    assert again.complete and new.cleaned and (new.title, new.words_kept) != (old.title, old.words_kept)
    again.close()


def test_toggling_a_cleaner_recomputes_and_toggling_back_is_served_from_the_cache(
    folder: Path, pipeline: Pipeline, tmp_path: Path
) -> None:
    library = opened(folder, pipeline, tmp_path / "cache", jobs=0)
    library.clean_all()
    with_all = shown(library)
    removing = max(pipeline.active, key=lambda s: library.folder_removed_by().get(s.name, 0)).name
    library.toggle(removing)
    assert library.done == 0
    library.clean_all()
    without = shown(library)
    assert without != with_all and library.from_cache == 0
    assert removing not in library.folder_removed_by()
    library.toggle(removing)
    library.clean_all()
    assert library.from_cache == PAGES and shown(library) == with_all
    library.close()


def test_a_damaged_cache_file_is_rebuilt_without_crashing(folder: Path, pipeline: Pipeline, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "results.sqlite3").write_bytes(b"certainly not SQLite " * 200)
    library = opened(folder, pipeline, cache, jobs=0)
    library.clean_all()
    assert library.complete and any("damaged" in w for w in library.warnings)
    library.close()
    again = opened(folder, pipeline, cache, jobs=0)
    assert again.from_cache == PAGES
    again.close()


def test_a_cache_inside_the_folder_being_read_is_not_used(folder: Path, pipeline: Pipeline) -> None:
    library = opened(folder, pipeline, folder / "cache", jobs=0)
    library.clean_all()
    assert library.complete and not library.use_cache and library.warnings
    library.close()
    assert not (folder / "cache").exists()


def test_pages_from_the_cache_equal_pages_cleaned_afresh(tmp_path: Path) -> None:
    hostile = tmp_path / "hostile"
    hostile.mkdir()
    build_hostile(hostile)
    sources = list(iter_sources([SEEDS, hostile]))
    assert len(sources) > 10
    # Learned from these pages (a folder-level cleaner that has learned nothing is never cached), here and
    # not by whichever test happened to share the pipeline before.
    # No time limit: on a loaded machine the 200,000-line page can pass the default 20 s in one of the two
    # cleanings and not the other (a note then tells them apart); what is compared here is the cache.
    pipeline = Pipeline.default(Config(max_clean_seconds=86400))
    pipeline.fit(load_page(s) for s in sources)
    fresh = [json.dumps(to_record(pipeline.clean(load_page(s)))) for s in sources]
    for _ in ("cold", "warm"):
        with ResultCache(tmp_path / "cache") as cache:
            assert [json.dumps(to_record(clean_source(s, pipeline, cache))) for s in sources] == fresh
    with ResultCache(tmp_path / "cache") as cache:
        for s in sources:
            clean_source(s, pipeline, cache)
        assert cache.misses == 0 and cache.hits > 10  # the second time round, no cleaner ran


def test_cache_clear_deletes_the_cache_and_nothing_else(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from newsread.tui.cli import app

    cache = tmp_path / "cache"
    monkeypatch.setenv("NEWSREAD_CACHE_DIR", str(cache))
    runner = CliRunner()
    assert runner.invoke(app, ["clean", str(SEEDS)]).exit_code == 0
    assert (cache / "results.sqlite3").exists()
    (cache / "notes.txt").write_text("mine")
    assert str(cache) in runner.invoke(app, ["cache", "where"]).output
    assert runner.invoke(app, ["cache", "clear"]).exit_code == 0
    assert [p.name for p in cache.iterdir()] == ["notes.txt"]


def seed_stories(tmp_path: Path, cache: str) -> tuple[Path, Library, list[list[int]]]:
    """The seeds copied under ``tmp_path``, cleaned in this process with the cache ``tmp_path / cache``, and
    every page's story (its pages)."""
    folder = tmp_path / "seeds"
    if not folder.exists():
        shutil.copytree(SEEDS, folder)
    library = Library([str(folder)], Pipeline.default(), cache_dir=tmp_path / cache, jobs=0)
    library.clean_all()
    assert library.update_clusters()
    return folder, library, [library.cluster_members(i) for i in range(len(library))]


def test_reopening_reads_no_page_even_to_learn_from_the_folder_and_keeps_its_stories(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, first, stories = seed_stories(tmp_path, "cache")
    assert sorted(map(len, stories)) == [2, 2, 3, 3, 3]  # the seeds: one story of three reports, one of two
    cleaned = shown(first)
    first.close()

    def no_reading(*args: object, **kwargs: object) -> None:
        raise AssertionError("a page was read")

    monkeypatch.setattr(session_module, "load_page", no_reading)  # (every page the reader loads, it loads here)
    monkeypatch.setattr(cache_module, "load_keyed", no_reading)
    again = Library([str(folder)], Pipeline.default(), cache_dir=tmp_path / "cache", jobs=0)  # a new run
    again.clean_all()
    assert again.complete and again.from_cache == len(again) and shown(again) == cleaned
    # The stories come back with the summaries: nothing to group again.
    assert again.clusters_generation == again.generation and not again.update_clusters()
    assert [again.cluster_members(i) for i in range(len(again))] == stories


def test_stories_of_pages_cleaned_by_workers_come_from_the_cache_without_cleaning_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, alone, expected = seed_stories(tmp_path, "alone")
    alone.close()
    library = Library([str(folder)], Pipeline.default(), cache_dir=tmp_path / "cache", jobs=1)
    library.clean_all()  # in a worker process, which keeps each page's signature in the cache

    def no_cleaning(*args: object, **kwargs: object) -> None:
        raise AssertionError("a page was cleaned again to find its story")

    monkeypatch.setattr(library, "clean", no_cleaning)
    assert library.complete and library.update_clusters()
    assert [library.cluster_members(i) for i in range(len(library))] == expected
    library.close()


def test_a_damaged_folder_row_falls_back_to_page_by_page(folder: Path, pipeline: Pipeline, tmp_path: Path) -> None:
    first = opened(folder, pipeline, tmp_path / "cache", jobs=0)
    first.clean_all()
    cleaned = shown(first)
    first.close()
    with sqlite3.connect(tmp_path / "cache" / cache_module.DB_NAME) as db:
        assert db.execute("UPDATE folders SET value = x'00ff'").rowcount >= 1
    again = opened(folder, pipeline, tmp_path / "cache", jobs=0)
    again.recall()
    assert again.complete and again.from_cache == PAGES and shown(again) == cleaned
    assert again.warnings == []
    again.close()


def test_a_changed_page_makes_the_folder_learned_again_and_only_then(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fits: list[int] = []
    real = site_template.fit_template

    def counted(pages: Iterable[Page]) -> site_template.TemplateState:
        pages = list(pages)
        fits.append(len(pages))
        return real(pages)

    monkeypatch.setattr(site_template, "fit_template", counted)
    cache = tmp_path / "cache"
    for _ in range(2):
        library = Library([str(folder)], Pipeline.default(), cache_dir=cache, jobs=0)
        library.clean_all()
        before = {s.id: s.words_kept + s.words_removed for s in library.summaries}
        library.close()
    assert fits == [PAGES]  # learned once; the second run took what it learned from the cache
    page = sorted(folder.rglob("*.txt"))[3]
    page_id = page.relative_to(folder).as_posix()
    page.write_text(page.read_text(encoding="utf-8") + "\nA new closing paragraph, added after the first run.\n")
    library = Library([str(folder)], Pipeline.default(), cache_dir=cache, jobs=0)
    library.clean_all()
    assert fits == [PAGES, PAGES]  # the folder changed: learned again
    # A paragraph on one page teaches nothing about the site's template: the others' results still hold.
    assert library.complete and library.from_cache == PAGES - 1
    fresh = Library([str(folder)], Pipeline.default(), use_cache=False, jobs=0)
    fresh.clean_all()
    assert shown(library) == shown(fresh)  # what the cache gave is what cleaning afresh gives
    changed = next(s for s in library.summaries if s.id == page_id)
    assert changed.words_kept + changed.words_removed > before[page_id]  # the new text was seen


def test_learned_state_in_the_cache_never_runs_code(tmp_path: Path) -> None:
    marker = tmp_path / "ran"

    class Hostile:
        def __reduce__(self) -> tuple[object, ...]:
            return (os.system, (f"touch {marker}",))

    cache = ResultCache(tmp_path / "cache")
    cache.remember_fit(b"folder", "site_template", Hostile())
    assert cache.fit_state(b"folder", "site_template") is None
    assert not marker.exists()
    cache.remember_fit(b"folder", "site_template", {"plain": [1, 2]})
    assert cache.fit_state(b"folder", "site_template") == {"plain": [1, 2]}
    cache.close()


def test_a_page_asked_for_while_the_folder_is_learned_comes_at_once_and_says_it_is_not_final(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "site"
    folder.mkdir()
    for page in site_folder()[0]:  # pages of one site, with a promo inside every article
        (folder / page.id).write_text(page.text, encoding="utf-8")
    small = Library([str(folder)], Pipeline.default(), use_cache=False, jobs=0)
    small.discover()
    at_once = small.clean(0, wait=False)  # a small folder is learned first: it takes no time
    assert not small.learning and at_once.removed_by().get("site_template") and not at_once.cleaning_notes
    monkeypatch.setattr(library_module, "FIT_IN_WORKER", 2)  # as if the folder were big
    library = Library([str(folder)], Pipeline.default(), cache_dir=tmp_path / "cache", jobs=0)
    library.discover()
    early = library.clean(0, wait=False)
    assert library.learning and any("still being learned" in n for n in early.notes)
    assert "site_template" not in early.removed_by()
    assert not library.summaries[0].cleaned  # not listed as done
    library.prefetch(0)  # the folder may yet be learned from the cache in a moment: nothing cleaned ahead
    assert library.peek(1) is None
    # Kept while the folder is read to learn it, with its neighbours: stepping through the list is as fast.
    reading, read = threading.Event(), threading.Event()
    fit = library._fit

    def slow_fit(pipeline: Pipeline) -> None:
        reading.set()
        read.wait(10)
        fit(pipeline)

    monkeypatch.setattr(library, "_fit", slow_fit)
    learner = threading.Thread(target=library.ensure_fitted)
    learner.start()
    assert reading.wait(10)
    library.prefetch(0)
    assert library.peek(0) is early and all(library.peek(i) is not None for i in (1, 2))
    assert all("site_template" not in library.peek(i).removed_by() for i in (1, 2))  # type: ignore[union-attr]
    assert library.peek(1, unlearned=False) is None  # what must be final (an export, say) waits for the folder
    read.set()
    learner.join()
    waited = library.clean(1)
    assert waited.removed_by().get("site_template") and not library.learning and library.learned == 1
    assert all(library.peek(i) is None for i in (0, 2))  # cleaned without what was learned: dropped
    final = library.clean(0, wait=False)
    assert not any("still being learned" in n for n in final.notes) and library.summaries[0].cleaned
    assert final.removed_by().get("site_template")  # the site's menu and footer, learned from its other pages


def test_workers_take_what_the_folder_taught_from_the_cache_not_from_every_chunk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "site"
    folder.mkdir()
    for page in site_folder()[0]:
        (folder / page.id).write_text(page.text, encoding="utf-8")
    jobs: list[Job[Any]] = []
    real_of = Job.of

    def spied(*args: Any, **kwargs: Any) -> Job[Any]:
        job = real_of(*args, **kwargs)
        jobs.append(job)
        return job

    monkeypatch.setattr(Job, "of", spied)
    with_workers = Library([str(folder)], Pipeline.default(), cache_dir=tmp_path / "cache", jobs=1)
    with_workers.clean_all()
    with_workers.close()
    # A 100k-page folder's learned state is megabytes: sent with every chunk, it kept the reader busy.
    assert jobs and "site_template" not in jobs[-1].folder and "site_template" in jobs[-1].folder_keys
    alone = Library([str(folder)], Pipeline.default(), use_cache=False, jobs=0)
    alone.clean_all()
    assert with_workers.warnings == [] and shown(with_workers) == shown(alone)
    assert any(s.removed_by.get("site_template") for s in alone.summaries)


def test_a_big_folder_is_learned_by_every_worker_in_parts_and_learns_what_one_process_learns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "pages"
    build(PAGES, folder, seed=3)  # several sites, told apart by their chrome
    pages = [load_page(s) for s in iter_sources([folder])]
    alone = Pipeline.default()
    alone.fit(pages)
    assert len(alone._folder["site_template"].groups) > 1
    calls = spy_calls(monkeypatch, library_module, "fit_folder")
    monkeypatch.setattr(library_module, "FIT_IN_WORKER", 10)  # as if the folder were big
    monkeypatch.setattr(batch_module, "FIT_PART_PAGES", (3, 7))  # in several parts, for both workers
    library = Library([str(folder)], Pipeline.default(), cache_dir=tmp_path / "cache", jobs=2)
    try:
        library.ensure_fitted()
        assert [c["jobs"] for c in calls] == [2] and calls[0]["pool"] is not None
        learned = library._pipeline._folder["site_template"]
        assert learned == alone._folder["site_template"] and library.warnings == []
        assert pickle.dumps(learned) == pickle.dumps(alone._folder["site_template"])  # the same cache keys
        library.clean_all()  # the workers that learned the folder clean it
        assert all(s.cleaned for s in library.summaries)
    finally:
        library.close()
    by_one = Library([str(folder)], Pipeline.default(), use_cache=False, jobs=0)
    by_one.clean_all()
    assert shown(library) == shown(by_one)


def test_learning_falls_back_to_the_reader_when_a_worker_dies(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "pages"
    build(20, folder, seed=4)

    def dies(*args: Any, **kwargs: Any) -> Any:
        raise BrokenProcessPool("a worker was killed")

    monkeypatch.setattr(library_module, "fit_folder", dies)
    monkeypatch.setattr(library_module, "FIT_IN_WORKER", 10)
    library = Library([str(folder)], Pipeline.default(), use_cache=False, jobs=2)
    try:
        library.ensure_fitted()
        assert library._pool is None  # the broken pool is let go: cleaning starts a new one
        assert any("learning from the folder in a worker failed" in w for w in library.warnings)
        alone = Pipeline.default()
        alone.fit(load_page(s) for s in iter_sources([folder]))
        assert library._pipeline._folder["site_template"] == alone._folder["site_template"]
    finally:
        library.close()
