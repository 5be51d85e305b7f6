"""Output files: never written into or over an input, never over a file newsread did not write, one file per
page however names collide, and a failed write leaves the old file whole."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from newsread.cleaners.outfiles import MANIFEST, OutputError, OutputFolder, folder_holding, output_names


def page_outputs(folder: OutputFolder, ids: list[str], fmt: str = "text") -> dict[str, str]:
    written = {}
    for page_id in ids:
        wanted, alternative = output_names(page_id, fmt)
        written[page_id] = folder.write(wanted, f"clean text of {page_id}\n", alternative).name
    return written


def test_an_input_file_is_never_replaced_even_when_out_is_its_folder(tmp_path: Path) -> None:
    page = tmp_path / "a.txt"
    page.write_text("the original page")
    with OutputFolder(tmp_path, [page]) as folder, pytest.raises(OutputError, match="would be the input"):
        folder.write("a.txt", "clean text")
    assert page.read_text() == "the original page"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]


def test_no_file_is_created_inside_an_input_folder_given_as_an_output_path(tmp_path: Path) -> None:
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        (tmp_path / name / f"{name}.txt").write_text(f"page {name}")
    inputs = [tmp_path / "a", tmp_path / "b"]
    with OutputFolder(tmp_path, inputs) as folder:
        for name in ("a", "b"):
            with pytest.raises(OutputError, match="inside the input"):
                folder.write(f"{name}/{name}.txt", "clean")
            with pytest.raises(OutputError):
                folder.write(f"{name}/new.txt", "clean")
    assert (tmp_path / "a" / "a.txt").read_text() == "page a"
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == ["a.txt"]


def test_a_symlink_in_the_output_folder_does_not_lead_into_an_input(tmp_path: Path) -> None:
    news = tmp_path / "news"
    news.mkdir()
    (news / "x.txt").write_text("page")
    out = tmp_path / "out"
    out.mkdir()
    os.symlink(news, out / "sub")
    os.symlink(news / "x.txt", out / "y.txt")
    with OutputFolder(out, [news]) as folder:
        with pytest.raises(OutputError):
            folder.write("sub/x.txt", "clean")
        with pytest.raises(OutputError):
            folder.write("y.txt", "clean")
    assert sorted(p.name for p in news.iterdir()) == ["x.txt"] and (news / "x.txt").read_text() == "page"


def test_out_in_an_input_or_naming_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "file").write_text("not a folder")
    with pytest.raises(OutputError, match="inside the input folder"):
        OutputFolder(tmp_path / "in" / "out", [tmp_path / "in"])
    with pytest.raises(OutputError, match="is a file, not a folder"):
        OutputFolder(tmp_path / "file", [tmp_path / "in"])
    assert not (tmp_path / "in" / "out").exists() and (tmp_path / "file").read_text() == "not a folder"


def test_colliding_page_names_each_get_a_file_with_the_same_names_every_run(tmp_path: Path) -> None:
    ids = ["a", "a.html", "a.html.gz", "a.txt", "a.txt.txt"]
    out = tmp_path / "out"
    with OutputFolder(out, [tmp_path / "in"]) as folder:
        first = page_outputs(folder, ids)
    assert len(set(first.values())) == len(ids)
    assert first["a"] == "a.txt" and first["a.html"] == "a.html.txt" and first["a.html.gz"] == "a.html.gz.txt"
    assert {(out / name).read_text() for name in first.values()} == {f"clean text of {i}\n" for i in ids}
    with OutputFolder(out, [tmp_path / "in"]) as folder:  # again: the files it wrote are replaced, same names
        assert page_outputs(folder, ids) == first
    assert sorted(p.name for p in out.iterdir()) == sorted([MANIFEST, *first.values()])


def test_a_file_newsread_did_not_write_is_never_replaced(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "story.txt").write_text("my own notes")
    with OutputFolder(out, [tmp_path / "in"]) as folder:
        written = folder.write("story.txt", "clean", "story.html.txt")
    assert (out / "story.txt").read_text() == "my own notes"
    assert written.renamed and written.name == "story.html.txt" and "did not write" in written.why
    assert (out / "story.html.txt").read_text() == "clean"


def test_an_earlier_output_that_became_a_page_is_not_replaced(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with OutputFolder(out, [tmp_path / "in"]) as folder:
        folder.write("x.txt", "first run")
    news = tmp_path / "in"
    news.mkdir()
    os.symlink(out / "x.txt", news / "linked.txt")  # the folder being read now links to that output
    folder = OutputFolder(out, [news], lambda: [str(news / "linked.txt")])
    with folder, pytest.raises(OutputError, match="page being read"):
        folder.write("x.txt", "second run")
    assert (out / "x.txt").read_text() == "first run"


def test_a_failed_write_leaves_the_old_file_whole_and_no_temporary_file(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with OutputFolder(out, []) as folder:
        folder.write("newsread.jsonl", '{"id": "old"}\n')
    folder = OutputFolder(out, [])
    with folder, pytest.raises(OSError, match="No space"), folder.create("newsread.jsonl") as (fh, _):
        fh.write('{"id": "new, half written')
        raise OSError(28, "No space left on device")
    assert (out / "newsread.jsonl").read_text() == '{"id": "old"}\n'
    assert sorted(p.name for p in out.iterdir()) == [MANIFEST, "newsread.jsonl"]


def test_names_that_leave_the_output_folder_are_refused(tmp_path: Path) -> None:
    with OutputFolder(tmp_path / "out", []) as folder:
        for bad in ("../escape.txt", "/etc/passwd", "a/../../b.txt"):
            with pytest.raises(OutputError):
                folder.write(bad, "x")
    assert not (tmp_path / "escape.txt").exists()


def test_a_file_where_a_pages_folder_would_be_is_reported_for_that_page_only(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with OutputFolder(out, [tmp_path / "in"]) as folder:
        ids = ["a", "a.txt/x", "a.txt/y.html", "b.txt"]  # page "a" writes a.txt; a folder "a.txt" holds the next two
        results = {}
        for page_id in ids:
            wanted, alternative = output_names(page_id, "text")
            try:
                results[page_id] = folder.write(wanted, page_id, alternative).name
            except OutputError as exc:
                results[page_id] = str(exc)
    assert results["a"] == "a.txt" and results["b.txt"] == "b.txt"
    assert "a file is where its folder would be" in results["a.txt/x"]
    assert (out / "a.txt").read_text() == "a" and (out / "b.txt").read_text() == "b.txt"


def test_a_page_with_a_name_as_long_as_a_file_name_may_be_gets_a_file(tmp_path: Path) -> None:
    ids = ["n" * 255, "n" * 251 + ".htm", "n" * 251 + ".txt"]  # their outputs' names would be too long, or collide
    with OutputFolder(tmp_path / "out", []) as folder:
        written = page_outputs(folder, ids)
    assert len(set(written.values())) == 3 and all(len(name) <= 255 for name in written.values())
    assert {(tmp_path / "out" / n).read_text() for n in written.values()} == {f"clean text of {i}\n" for i in ids}


def _gone_pid() -> int:
    """The id of a process that has ended (its temporary files are stale)."""
    import subprocess
    import sys

    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_temporary_files_a_killed_run_left_are_removed_by_the_next_run(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "sub").mkdir(parents=True)
    dead = _gone_pid()
    stale = [out / f".newsread-tmp-{dead}-1", out / "sub" / f".newsread-tmp-{dead}-7"]
    for path in stale:
        path.write_text("half a page")
    live = out / f".newsread-tmp-{os.getppid()}-1"  # a run still going (this test's parent): left alone
    live.write_text("being written")
    others = [out / f".newsread-tmp-{dead}-x", out / "notes.txt", out / f"newsread-tmp-{dead}-1"]
    for path in others:
        path.write_text("not newsread's temporary file")
    link = out / f".newsread-tmp-{dead}-2"
    link.symlink_to(out / "notes.txt")
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "a.txt").write_text("A page.")
    (inputs / "sub").mkdir()
    (inputs / "sub" / "b.txt").write_text("Another page.")
    with OutputFolder(out, [inputs]) as folder:
        page_outputs(folder, ["a.txt", "sub/b.txt"])
    assert not any(p.exists() for p in stale)
    assert live.exists() and link.is_symlink() and all(p.exists() for p in others)
    assert (out / "a.txt").read_text() and (out / "sub" / "b.txt").read_text()


def test_an_input_named_like_a_stale_temporary_file_is_never_removed(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    page = out / f".newsread-tmp-{_gone_pid()}-1"  # an input file, in the output folder, named so
    page.write_text("A page that happens to have this name.")
    with OutputFolder(out, [page]) as folder:
        folder.write("other.txt", "text")
    assert page.read_text() == "A page that happens to have this name."


def test_an_input_folder_removed_while_open_holds_nothing_not_its_parent(tmp_path: Path) -> None:
    # The reader's triage state beside a folder that vanished while it was open was refused as "inside the
    # folder being read" (the missing folder taken for a file, its parent for the folder read), and not saved.
    state = tmp_path / "state" / "triage.sqlite3"
    gone = tmp_path / "pages"
    assert folder_holding(state, [gone]) is None
    page = tmp_path / "page.txt"
    page.write_text("a page\n", encoding="utf-8")
    assert folder_holding(state, [page]) == str(tmp_path)  # an input file's folder is still read
