"""The batch command line: clean, diff, cleaners, and the `newsread PATH` shortcut."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from newsread.tui import cli

NEWSREAD = [sys.executable, "-m", "newsread.tui.cli"]


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*NEWSREAD, *args], capture_output=True, text=True, cwd=cwd, timeout=120)


def make_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "story.txt").write_text(
        "A story about the harbour\nThe harbour reopened on Monday after a long repair.\nAdvertisement\n"
        "Fishermen said they were relieved.\n",
        encoding="utf-8",
    )
    (folder / "broken.txt").write_bytes(b"%PDF-1.7 binary")
    return folder


def test_clean_writes_jsonl_with_every_field_and_reports_bad_pages(tmp_path: Path) -> None:
    result = run("clean", str(make_folder(tmp_path)))
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in records] == ["broken.txt", "story.txt"]
    fields = {"id", "path", "format", "encoding", "title", "date", "site", "byline", "body", "removed", "error"}
    assert fields <= set(records[1])
    assert "PDF" in records[0]["error"] and "broken.txt" in result.stderr
    assert "The harbour reopened on Monday after a long repair." in records[1]["body"]
    for removed in records[1]["removed"]:
        assert removed["cleaner"] and removed["reason"] and removed["text"]


def test_clean_out_writes_one_file_per_page_and_never_into_the_input(tmp_path: Path) -> None:
    folder = make_folder(tmp_path)
    before = sorted(p.name for p in folder.iterdir())
    out = tmp_path / "out"
    result = run("clean", str(folder), "--out", str(out), "--format", "markdown")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == [".newsread-written", "story.md"]  # (what it wrote there)
    assert "harbour reopened" in (out / "story.md").read_text(encoding="utf-8")
    assert sorted(p.name for p in folder.iterdir()) == before
    inside = run("clean", str(folder), "--out", str(folder / "cleaned"))
    assert inside.returncode != 0 and "never writes into" in inside.stderr
    assert not (folder / "cleaned").exists()


def test_diff_marks_removed_spans_with_cleaner_and_reason(tmp_path: Path) -> None:
    cfg = tmp_path / "config.toml"
    cfg.write_text('[[rules]]\npattern = "^Fishermen"\nreason = "quote I do not want"\n', encoding="utf-8")
    result = run("diff", str(make_folder(tmp_path) / "story.txt"), "--config", str(cfg))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "\x1b[" not in result.stdout  # not a terminal: plain text
    assert any(line.startswith("- Fishermen") and "‹user_rules: quote I do not want›" in line for line in lines)
    assert any(line.startswith("  The harbour reopened") for line in lines)


def test_cleaners_lists_every_cleaner_with_origin_and_state(tmp_path: Path) -> None:
    result = run("cleaners", "--disable", "ad_markers")
    assert result.returncode == 0, result.stderr
    rows = {cols[1]: cols for cols in (line.split("\t") for line in result.stdout.splitlines())}
    assert rows["link_farms"][2:4] == ["on", "built-in"]
    assert rows["ad_markers"][2] == "off"
    assert all(cols[4] for cols in rows.values())  # every cleaner says what it removes


def test_missing_path_and_bad_config_get_clear_messages(tmp_path: Path) -> None:
    missing = run("clean", str(tmp_path / "nope"))
    assert missing.returncode == 2 and "no such file or folder" in missing.stderr
    bad = tmp_path / "bad.toml"
    bad.write_text("this is = not [valid", encoding="utf-8")
    result = run("clean", str(make_folder(tmp_path)), "--config", str(bad))
    assert result.returncode == 2 and "not valid TOML" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "argv, expected",
    [
        (["seeds/"], ["open", "seeds/"]),
        (["--config", "c.toml", "seeds/"], ["open", "--config", "c.toml", "seeds/"]),
        (["clean", "seeds/"], ["clean", "seeds/"]),
        (["--help"], ["--help"]),
    ],
)
def test_a_bare_path_opens_the_reader(monkeypatch: pytest.MonkeyPatch, argv: list[str], expected: list[str]) -> None:
    seen: list[list[str]] = []
    monkeypatch.setattr(cli, "app", lambda args, prog_name: seen.append(args))
    cli.main(argv)
    assert seen == [expected]


OPEN_WITHOUT_TYPER = """
import sys
import newsread.tui.app as app
app.run_app = lambda paths, pipeline, **kw: print("opened", paths, "typer" in sys.modules, len(pipeline.active) > 0)
from newsread.tui.launch import main
main(sys.argv[1:])
"""


def test_newsread_path_opens_the_reader_without_building_the_command_line(tmp_path: Path) -> None:
    # `newsread seeds/` is the commonest start: it must not pay ~0.1 s for typer and click first.
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "a.txt").write_text("A page.\n")
    run = subprocess.run(
        [sys.executable, "-c", OPEN_WITHOUT_TYPER, f"{folder}/"], capture_output=True, text=True, check=True
    )
    assert run.stdout.split() == ["opened", f"['{folder}']", "False", "True"]


@pytest.mark.parametrize(
    "argv",
    [["clean", "x"], ["--config", "c.toml", "x"], ["x", "--no-cache"], ["missing/"], []],
    ids=["command", "option first", "option after", "no such path", "nothing"],
)
def test_anything_but_existing_paths_goes_to_the_command_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, argv: list[str]
) -> None:
    from newsread.tui import launch

    monkeypatch.chdir(tmp_path)
    (tmp_path / "x").mkdir()
    (tmp_path / "clean").mkdir()  # a folder named like a command: the command still wins
    seen: list[list[str]] = []
    monkeypatch.setattr(cli, "main", lambda args: seen.append(args))
    monkeypatch.setattr(launch, "open_reader", lambda paths: pytest.fail("opened the reader directly"))
    launch.main(argv)
    assert seen == [argv]


def test_a_config_file_with_a_mistake_is_reported_by_the_command_line(tmp_path: Path) -> None:
    from newsread.cleaners.config import CONFIG_NAME

    (tmp_path / "cfg" / "newsread").mkdir(parents=True)
    (tmp_path / "cfg" / "newsread" / CONFIG_NAME).write_text("this is not toml = = \n")
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "cfg")}
    run = subprocess.run(
        [sys.executable, "-m", "newsread.tui.launch", str(tmp_path)], capture_output=True, text=True, env=env
    )
    assert run.returncode == 2 and run.stderr.startswith("newsread: ") and "Traceback" not in run.stderr


def test_output_names_replace_the_page_extension() -> None:
    from newsread.cleaners.outfiles import output_names

    assert output_names("a/b.html.gz", "markdown") == ("a/b.md", "a/b.html.gz.md")  # (the second: if taken)
    assert output_names("noext", "text")[0] == "noext.txt"
    assert output_names("v1.2/page", "text")[0] == "v1.2/page.txt"


def test_a_diff_for_a_terminal_goes_through_the_pager(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shown = tmp_path / "paged.txt"
    monkeypatch.setenv("PAGER", f"cat > {shown}")
    monkeypatch.delenv("LESS", raising=False)
    assert cli.page_text("one\ntwo ünïcode\n")
    assert shown.read_text(encoding="utf-8") == "one\ntwo ünïcode\n"
    for pager in ("", "cat"):  # no pager: the caller prints
        monkeypatch.setenv("PAGER", pager)
        assert not cli.page_text("x\n")


def test_a_piped_diff_is_never_paged(tmp_path: Path) -> None:
    folder = make_folder(tmp_path)
    env = {**os.environ, "PAGER": f"touch {tmp_path / 'paged'}; cat"}
    result = subprocess.run([*NEWSREAD, "diff", str(folder / "story.txt")], capture_output=True, text=True, env=env)
    assert result.returncode == 0 and "harbour" in result.stdout and not (tmp_path / "paged").exists()
