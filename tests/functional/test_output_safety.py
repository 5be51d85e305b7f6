"""The installed command's output: never over an input, one file per page, clear messages when writing fails."""

from __future__ import annotations

import gzip
import json
import os
import resource
import subprocess
import sys
import urllib.parse
from pathlib import Path

import pytest

from .. import hostile

pytestmark = [pytest.mark.functional, pytest.mark.slow]

NEWSREAD = [sys.executable, "-m", "newsread.tui.cli"]
PAGE = "Harbour expansion approved\nThe city council voted on Tuesday to expand the harbour after a long debate.\n"


def run(*args: str, fsize: int | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    def limit() -> None:
        if fsize is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))

    return subprocess.run([*NEWSREAD, *args], capture_output=True, text=True, timeout=300, preexec_fn=limit, cwd=cwd)


def test_clean_never_rewrites_an_input_reached_through_out(tmp_path: Path) -> None:
    p = tmp_path / "P"
    for name in ("a", "b"):
        (p / name).mkdir(parents=True)
        (p / name / f"{name}.txt").write_text(PAGE + name)
    before = hostile.listing(p)
    result = run("clean", str(p / "a"), str(p / "b"), "--format", "text", "--out", str(p))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "2 page(s) not written" in result.stderr
    single = run("clean", str(p / "a" / "a.txt"), "--format", "text", "--out", str(p / "a"))
    assert single.returncode == 1 and "would be the input" in single.stderr
    assert hostile.listing(p) == before  # not a byte written in P/a or P/b


def test_colliding_names_each_get_a_file_and_the_run_says_so(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a").write_text(PAGE + "from a")
    (folder / "a.txt").write_text(PAGE + "from a.txt")
    (folder / "a.html").write_text(f"<html><body><p>{PAGE} from a.html</p></body></html>")
    (folder / "a.html.gz").write_bytes(
        gzip.compress(f"<html><body><p>{PAGE} from a.html.gz</p></body></html>".encode())
    )
    out = tmp_path / "O"
    for _ in range(2):  # the same names on a second run, over the files of the first
        result = run("clean", str(folder), "--format", "text", "--out", str(out))
        assert result.returncode == 0, result.stderr
        files = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
        assert files == ["a.html.gz.txt", "a.html.txt", "a.txt", "a.txt.txt"]
        assert result.stderr.count("written as") == 3
    texts = {(out / f).read_text() for f in files}
    assert all(any(f"from {name}" in t for t in texts) for name in ("a\n", "a.txt", "a.html\n", "a.html.gz"))


def test_out_naming_a_file_is_a_message(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(PAGE)
    (tmp_path / "notes").write_text("mine")
    for command in (["clean"], ["export", "--state", str(tmp_path / "state.sqlite3")]):
        result = run(*command, str(tmp_path / "in"), "--out", str(tmp_path / "notes"))
        assert result.returncode == 2 and "is a file, not a folder" in result.stderr
        assert "Traceback" not in result.stderr
    assert (tmp_path / "notes").read_text() == "mine"


def test_a_file_size_limit_is_a_message_and_keeps_what_was_written(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for n in range(12):
        (folder / f"p{n:02}.txt").write_text(f"Headline {n}\n" + f"Paragraph {n} of the article. " * 200 + "\n")
    cache = tmp_path / "cache"
    assert run("clean", str(folder), "--cache-dir", str(cache)).returncode == 0  # a healthy cache
    result = run("clean", str(folder), "--cache-dir", str(cache), "--format", "jsonl", fsize=30_000)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "file size limit" in result.stderr and "written: the first" in result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert 0 < len(records) < 12 and records[0]["id"] == "p00.txt"  # what fitted is there, whole
    out = tmp_path / "O"
    (out).mkdir()
    (out / "p03.txt").write_text("not newsread's")
    limited = run("clean", str(folder), "--cache-dir", str(cache), "--out", str(out), fsize=4_000)
    assert limited.returncode == 1 and "file size limit" in limited.stderr and "Traceback" not in limited.stderr
    assert (out / "p03.txt").read_text() == "not newsread's"
    assert not [p for p in out.iterdir() if "tmp" in p.name]  # no half-written file left behind
    again = run("clean", str(folder), "--cache-dir", str(cache))
    assert again.returncode == 0 and "damaged" not in again.stderr  # the cache was never called damaged


def test_export_refuses_an_out_inside_the_input_and_replaces_its_jsonl_whole(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for n in range(6):  # JSONL of ~180 KB: more than the file size limit below, which the state file fits in
        (folder / f"p{n}.txt").write_text(f"Headline {n}\n" + f"Paragraph {n} of the article. " * 1000 + "\n")
    state = tmp_path / "state.sqlite3"
    args = ("--state", str(state), "--status", "undecided", "--format", "jsonl")
    inside = run("export", str(folder), "--out", str(folder / "x"), *args)
    assert inside.returncode == 2 and "never writes into" in inside.stderr and not (folder / "x").exists()
    out = tmp_path / "O"
    first = run("export", str(folder), "--out", str(out), *args)
    assert first.returncode == 0, first.stderr
    old = (out / "newsread.jsonl").read_bytes()
    failed = run("export", str(folder), "--out", str(out), *args, fsize=100_000)
    assert failed.returncode == 1 and "unchanged" in failed.stderr and "Traceback" not in failed.stderr
    assert (out / "newsread.jsonl").read_bytes() == old


def test_export_refuses_a_default_state_folder_inside_the_folder_being_read(tmp_path: Path) -> None:
    import os

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(PAGE)
    env = {**os.environ, "XDG_STATE_HOME": str(folder / "state")}
    result = subprocess.run(
        [*NEWSREAD, "export", str(folder), "--out", str(tmp_path / "O")], capture_output=True, text=True, env=env
    )
    assert result.returncode == 2 and "state file" in result.stderr and "inside the input folder" in result.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["a.txt"]


def test_bad_limits_on_the_command_line_are_messages(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(PAGE)
    for option, value in (("--max-seconds", "inf"), ("--max-page-mb", "1e8"), ("--max-learn-seconds", "inf")):
        result = run("clean", str(tmp_path), option, value)
        assert result.returncode == 2 and f"{option} must be a number" in result.stderr
        assert "Traceback" not in result.stderr and result.stdout == ""
    out = tmp_path.parent / f"{tmp_path.name}-out"
    for value in ("inf", "nan", "-1", "1e9"):
        for command in (("clean", str(tmp_path)), ("export", str(tmp_path), "--out", str(out))):
            result = run(*command, "--max-learn-seconds", value)
            assert result.returncode == 2 and "--max-learn-seconds" in result.stderr, result.stderr
            assert "Traceback" not in result.stderr and result.stdout == ""
    assert not out.exists()


def test_plugin_names_descriptions_and_missing_paths_are_printed_inert(tmp_path: Path) -> None:
    plugin = tmp_path / "evil.py"
    plugin.write_text(
        "from newsread.cleaners import Mark\n"
        "class Evil:\n"
        "    order = 0\n"
        "    name = 'evil\\x1b]0;pwned\\x07'\n"
        "    description = 'removes \\u202eelif.exe\\x9b31m and\\tmore'\n"
        "    def annotate(self, page, context):\n"
        "        return [Mark(0, 8, 'the first word')]\n"
    )
    config = tmp_path / "config.toml"
    config.write_text(f"cleaner_files = [{str(plugin)!r}]\n")
    listed = run("cleaners", "--config", str(config))
    assert listed.returncode == 0, listed.stderr
    row = next(line for line in listed.stdout.splitlines() if "evil" in line)
    assert not any(ch in row for ch in ("\x1b", "\x07", "\u202e", "\x9b"))
    assert "␛" in row and len(row.split("\t")) == 5  # shown, and one field each
    page = tmp_path / "page.txt"
    page.write_text(PAGE)
    for colour in ("--color", "--no-color"):
        shown = run("diff", str(page), "--config", str(config), colour)
        assert shown.returncode == 0 and "evil" in shown.stdout, shown.stderr
        assert "pwned" in shown.stdout and "\x1b]0;" not in shown.stdout and "\x07" not in shown.stdout
    missing = run("clean", str(tmp_path / "no\x1b[2Jsuch"))
    assert missing.returncode == 2 and "no such file or folder" in missing.stderr and "\x1b" not in missing.stderr


def test_batch_output_files_are_one_per_page_text_only_and_never_in_the_input(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "hostile"
    folder.mkdir()
    hostile.build(folder)
    listing = hostile.listing
    before = listing(folder)
    records = {
        r["id"]: r
        for r in map(
            json.loads,
            subprocess.run(
                [sys.executable, "-m", "newsread.tui.cli", "clean", str(folder), "--no-cache"],
                capture_output=True,
                timeout=600,
            )
            .stdout.decode("utf-8")
            .splitlines(),
        )
    }
    piped = subprocess.run(
        [sys.executable, "-m", "newsread.tui.cli", "clean", str(folder), "--no-cache", "-f", "text"],
        capture_output=True,
        timeout=600,
    )  # text on standard output, not a terminal: headers and bodies carry no control either
    assert b"\x1b" not in piped.stdout and b"\x07" not in piped.stdout and b"===== esc\xe2\x90\x9b[31m" in piped.stdout
    clip = records["clipboard.txt"]
    assert "52;c;" not in clip["body"] and not any(ch in clip["body"] for ch in ("\x1b", "\x9b", "\x08", "\x85"))
    assert "on Tuesday to expand the harbour" in clip["body"]
    odd = next(r for i, r in records.items() if i.startswith("latin1-"))
    assert os.path.exists(os.fsdecode(urllib.parse.unquote_to_bytes(odd["path_bytes"])))  # reopens the file
    out = tmp_path / "out"
    for fmt in ("text", "markdown"):
        result = subprocess.run(
            [sys.executable, "-m", "newsread.tui.cli", "clean", str(folder), "--no-cache", "-f", fmt, "-o", str(out)],
            capture_output=True,
            timeout=600,
        )
        assert result.returncode == 0, result.stderr.decode(errors="replace")
        ext = ".md" if fmt == "markdown" else ".txt"
        written = {p for p in out.rglob(f"*{ext}")}
        readable = [i for i, r in records.items() if r["error"] is None]
        assert len(written) == len(readable)  # one file per page, whatever names collide
        assert len([p for p in written if p.name.startswith("same")]) == len(hostile.SAME_NAMES)
        assert result.stderr.count(b"written as same") == len(hostile.SAME_NAMES) - 1
        for path in written:
            text = path.read_text(encoding="utf-8", errors="surrogateescape")
            assert not any(ch in text for ch in ("\x1b", "\x07", "\x9b", "\x08", "\x85")), path
        if fmt == "markdown":
            md = (out / "markdown.md").read_text(encoding="utf-8")
            assert "<script" not in md and "<a href" not in md and "](javascript:" not in md.replace("\\]", "")
    assert listing(folder) == before


def test_help_says_symlinks_are_followed_out_of_the_folder() -> None:
    for command in ("open", "clean", "export"):
        result = subprocess.run([*NEWSREAD, command, "--help"], capture_output=True, text=True, timeout=60,
                                env={**os.environ, "COLUMNS": "200"})  # fmt: skip
        widths = [len(line) for line in result.stdout.splitlines()]
        assert 100 < max(widths) <= 120  # as wide as the terminal, up to 120 columns (not held at 80)
        said = " ".join(result.stdout.split())  # (wrapped to that width)
        assert "Symlinks are followed, also to files and folders outside the folder" in said
