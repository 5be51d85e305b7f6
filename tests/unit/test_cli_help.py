"""``--help`` of every command names values (``--out DIR``, ``PATH...``), never Python types."""

from __future__ import annotations

import re

import pytest
import typer.main
from typer.testing import CliRunner

from newsread.tui.cli import app

COMMANDS = [
    [],
    ["open"],
    ["export"],
    ["clean"],
    ["diff"],
    ["cleaners"],
    ["cache"],
    ["cache", "where"],
    ["cache", "clear"],
]


def help_of(words: list[str], flag: str = "--help") -> str:
    result = CliRunner().invoke(app, [*words, flag], env={"COLUMNS": "80", "NO_COLOR": "1"})
    assert result.exit_code == 0, result.output
    return result.output


def test_every_command_is_in_the_list() -> None:
    group = typer.main.get_command(app)
    listed = {tuple(c) for c in COMMANDS}
    assert {(name,) for name in group.commands} <= listed  # type: ignore[attr-defined]


@pytest.mark.parametrize("words", COMMANDS, ids=lambda w: " ".join(w) or "newsread")
def test_help_shows_no_type_noise(words: list[str]) -> None:
    text = help_of(words)
    assert help_of(words, "-h") == text
    assert not re.search(r"<[a-z]+(\[[^]]*\])?>", text), text  # <bool>, <list[Path]>, <path>, <int>
    assert "list[" not in text and "{PATH}" not in text
    assert text.startswith(f"Usage: newsread {' '.join(words)}".rstrip() + " [OPTIONS]")
    assert "-h, --help  " in text and all(len(line) <= 80 for line in text.splitlines())


def test_options_and_arguments_name_their_values() -> None:
    text = help_of(["clean"])
    assert "Usage: newsread clean [OPTIONS] PATH..." in text
    assert re.search(r"^  PATH\.\.\.  +Folders or files of pages", text, re.M)
    for option in ("-o, --out DIR", "-f, --format FORMAT", "-j, --jobs N", "--cluster local[:N]"):
        assert re.search(rf"^  {re.escape(option)}  ", text, re.M), option
    assert re.search(r"^  --no-cache  +Neither read", text, re.M)  # a flag takes no value
    assert "[default: 1]" in text  # --jobs
    diff = help_of(["diff"])
    assert "Usage: newsread diff [OPTIONS] FILE" in diff and "--color / --no-color  " in diff
    top = help_of([])
    # Every command's first sentence whole, not cut to the width.
    assert "Show a page's original with every removed span marked and labelled\n" in top
