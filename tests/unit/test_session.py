"""The folder session: its steps taken one by one give what the session gives, it reads each page once, and it
tells what happens as events."""

from __future__ import annotations

import os
import pickle
import time
from pathlib import Path

import pytest

from bench.corpus import build
from newsread.cleaners import Config, Pipeline, loading
from newsread.cleaners.clusters import signature_of
from newsread.cleaners.output import json_line, record_line, record_members, to_record
from newsread.cleaners.session import (
    CLOCK_LAG_NS,
    Event,
    FolderLearned,
    FolderSession,
    PageCleaned,
    PagesFound,
    Problem,
    Progress,
    StoriesFound,
    clean_pages,
    find_stories,
    folder_changes,
    learn_merge,
    learn_part,
    list_pages,
)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("pages")
    build(40, root, seed=3)
    return root


def record(cleaned: object) -> tuple[str, object]:
    return to_record(cleaned)["body"], signature_of(cleaned)  # type: ignore[arg-type]


def test_the_steps_one_by_one_give_what_the_session_gives(folder: Path) -> None:
    events: list[Event] = []
    session = FolderSession([folder], Pipeline.default(Config()), jobs=0, use_cache=False, listener=events.append)
    sources = session.discover()
    session.learn()
    whole = list(session.clean_ordered(record))
    stories = session.stories((i, sig) for i, (_, sig) in enumerate(whole))

    assert list_pages([folder]) == sources
    spec = session.spec
    parts = [learn_part(spec, sources[:15]), learn_part(spec, sources[15:])]  # as a distributed runner maps them
    learned, problems = learn_merge(spec, parts)
    assert problems == [] and pickle.dumps(learned) == pickle.dumps(session.pipeline.folder_state)
    by_parts = clean_pages(spec, learned, sources[:20], record) + clean_pages(spec, learned, sources[20:], record)
    assert by_parts == whole
    assert find_stories((i, sig) for i, (_, sig) in enumerate(by_parts)) == stories

    kinds = [type(e) for e in events]
    assert kinds[:2] == [PagesFound, FolderLearned] and kinds[-1] is StoriesFound
    assert kinds[2:-1] == [PageCleaned, Progress] * len(sources)
    assert events[-2] == Progress(len(sources), len(sources))


def test_each_page_is_read_once_to_learn_and_clean(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    read: list[str] = []
    real = loading.read_bytes

    def counting(path: str, gz: bool, max_bytes: int = loading.DEFAULT_MAX_BYTES) -> bytes:
        read.append(str(path))
        return real(path, gz, max_bytes)

    monkeypatch.setattr(loading, "read_bytes", counting)
    session = FolderSession([folder], Pipeline.default(Config()), jobs=0, use_cache=False)
    session.discover()
    session.learn()
    assert len(list(session.clean_ordered(record))) == len(session.sources)
    assert sorted(read) == sorted(s.file for s in session.sources)  # each once


def test_a_page_kept_for_cleaning_has_its_site_template_keys_made_once(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from newsread.cleaners.builtin import site_template
    from newsread.cleaners.builtin.site_template import DIGITS_UP_TO

    keyed: list[str] = []
    real = site_template.block_key
    monkeypatch.setattr(site_template, "block_key", lambda text: keyed.append(text) or real(text))
    monkeypatch.setattr(site_template, "_SHORT_KEYS", {})  # (short lines' keys are remembered across pages too)
    results = {}
    for keep in (0, 10**9):  # no page kept (each page keyed to learn, and again to clean), then every page
        keyed.clear()
        site_template._SHORT_KEYS.clear()
        session = FolderSession([folder], Pipeline.default(Config()), jobs=0, use_cache=False, keep_chars=keep)
        session.discover()
        session.learn()
        results[keep] = (list(session.clean_ordered(record)), list(keyed))
    (again, keyed_again), (once, keyed_once) = results[0], results[10**9]
    assert once == again  # the same output
    paragraphs = [b.text for s in session.sources for b in session.load(s).blocks if len(b.text) > DIGITS_UP_TO]
    assert sorted(t for t in keyed_once if len(t) > DIGITS_UP_TO) == sorted(paragraphs)  # each keyed once
    assert len([t for t in keyed_again if len(t) > DIGITS_UP_TO]) > len(paragraphs)


def test_pages_past_the_memory_budget_are_read_again(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    read: list[str] = []
    real = loading.read_bytes
    monkeypatch.setattr(
        loading, "read_bytes", lambda path, gz, max_bytes: read.append(path) or real(path, gz, max_bytes)
    )
    kept = FolderSession([folder], Pipeline.default(Config()), jobs=0, use_cache=False)
    kept.discover()
    kept.learn()
    whole = list(kept.clean_ordered(record))
    read.clear()
    session = FolderSession([folder], Pipeline.default(Config()), jobs=0, use_cache=False, keep_chars=0)
    session.discover()
    session.learn()
    assert list(session.clean_ordered(record)) == whole  # the same pages, however they were had
    assert len(read) == 2 * len(session.sources)


def test_a_cache_inside_the_folder_is_not_used_and_the_session_says_why(folder: Path) -> None:
    events: list[Event] = []
    session = FolderSession([folder], Pipeline.default(Config()), cache_dir=folder / "cache", listener=events.append)
    assert not session.use_cache
    assert events == [Problem(f"cache {folder / 'cache'} is inside the input folder {folder}; not using it")]


def test_a_record_finished_with_its_cluster_is_the_whole_record(folder: Path) -> None:
    pipeline = Pipeline.default(Config())
    for source in list_pages([folder])[:5]:
        cleaned = pipeline.clean(loading.load_page(source))
        for cluster in (None, "site0000/a.txt", 'odd "id"\u2028'):
            assert record_line(record_members(cleaned), cluster) == json_line(to_record(cleaned, cluster))


SETTLED = 2 * CLOCK_LAG_NS / 1e9


def test_looking_again_finds_pages_added_changed_and_removed_and_keeps_their_order(tmp_path: Path) -> None:
    folder = tmp_path / "pages"
    folder.mkdir()
    for name in ("a.txt", "b.txt", "c.txt", "d.txt"):
        (folder / name).write_text(f"Page {name}\nIts body.\n", encoding="utf-8")
    session = FolderSession([folder], Pipeline.default(), jobs=0, use_cache=False)
    time.sleep(SETTLED)  # (a file written in the very moment of a listing is looked at again at the next look)
    session.discover()
    session.look_again()  # (files written the very moment they were listed may have changed: looked at again)
    assert not session.look_again().any  # nothing written since: nothing changed
    (folder / "b.txt").unlink()
    (folder / "0_new.txt").write_text("A new page\nIts body.\n", encoding="utf-8")
    (folder / "c.txt").write_text("Page c, edited\nIts body.\n", encoding="utf-8")
    (folder / "d.txt").write_text("Page d, an older copy\nIts body.\n", encoding="utf-8")  # (as cp -p, rsync -t)
    old = session.listed_ns - 10**11  # a hundred seconds before the last look
    os.utime(folder / "d.txt", ns=(old, old))  # set into the past: its change time says it changed all the same
    time.sleep(SETTLED)
    changes = session.look_again()
    assert [s.id for s in changes.sources] == ["a.txt", "c.txt", "d.txt", "0_new.txt"]  # none moved; new ones last
    assert changes.before == [0, 2, 3, -1] and changes.moved() == {0: 0, 2: 1, 3: 2}
    assert (changes.added, changes.removed) == (1, 1)
    assert [changes.sources[i].id for i in changes.changed] == ["c.txt", "d.txt"]
    assert changes.relearn(Pipeline.default())  # site templates learn from every page
    assert not changes.relearn(Pipeline.default().toggled("site_template"))
    # Written just before that look: not reported again unless written again.
    again = session.look_again()
    assert not again.any
    (folder / "c.txt").write_text("Page c, edited twice over\nIts body.\n", encoding="utf-8")
    time.sleep(SETTLED)
    assert [again.sources[i].id for i in session.look_again().changed] == ["c.txt"]


def test_a_file_written_in_the_moment_of_a_look_is_changed_exactly_when_its_content_changed(tmp_path: Path) -> None:
    folder = tmp_path / "pages"
    folder.mkdir()
    for name in ("a.txt", "b.txt"):
        (folder / name).write_text(f"Page {name}\nIts body.\n", encoding="utf-8")
    time.sleep(SETTLED)
    session = FolderSession([folder], Pipeline.default(), jobs=0, use_cache=False)
    started = time.time_ns()
    session.listed(list_pages([folder]), started)
    assert not session.look_again().any
    page = folder / "a.txt"
    for text in ("Page a, edited\nIts body.\n", "Page a, EDITED\nIts body.\n"):  # (the same size, twice)
        page.write_text(text, encoding="utf-8")
        changes = session.look_again()
        assert [s.id for s in changes.sources] == ["a.txt", "b.txt"]
        assert [changes.sources[i].id for i in changes.changed] == ["a.txt"]
        # Looked at again within a moment of that look (its times cannot tell): nothing changed, nothing said.
        assert not session.look_again().any
        assert not session.look_again().any
    page.write_text("Page a, EDITED\nIts body.\n", encoding="utf-8")  # written again, the same words
    assert not session.look_again().any
    # Written while a look went on (after it began): changed at that look, and again only if written again.
    before, since = session.sources, session.listed_ns
    began = time.time_ns()
    page.write_text("Page a, edited during a look\nIts body.\n", encoding="utf-8")
    during = folder_changes([folder], before, since, session._recent, began)
    assert [during.sources[i].id for i in during.changed] == ["a.txt"]
    assert not folder_changes([folder], during.sources, began, during.recent).any
    page.write_text("Page a, edited after that look\nIts body.\n", encoding="utf-8")
    after = folder_changes([folder], during.sources, began, during.recent)
    assert [after.sources[i].id for i in after.changed] == ["a.txt"]
