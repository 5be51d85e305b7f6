"""End to end: the installed `newsread seeds/` in a real terminal (tmux), driven by keys, read off the screen.

It runs the real built-in cleaners, so it checks what does not depend on what they remove.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from ..conftest import SEEDS

pytestmark = [pytest.mark.functional, pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux")]

NEWSREAD = Path(sys.executable).parent / "newsread"


class Terminal:
    """A tmux server of its own (its own socket), so tests never touch a user's sessions or each other's."""

    def __init__(self, name: str) -> None:
        self.name = name

    def tmux(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["tmux", "-L", self.name, *args], capture_output=True, text=True, check=check)

    def keys(self, *keys: str, literal: bool = False) -> None:
        for key in keys:
            self.tmux("send-keys", "-t", self.name, *(["-l"] if literal else []), key)
            # A key sent right after Escape would arrive as Alt+key, as it would from a person typing that fast.
            time.sleep(0.25 if key == "Escape" else 0.02)

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", self.name, check=False).stdout

    def wait_for(self, check: Callable[[str], bool], what: str, timeout: float = 15.0) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if check(screen):
                return screen
            time.sleep(0.1)
        raise AssertionError(f"timed out waiting for {what}; the screen was:\n{screen}")

    def see(self, text: str, timeout: float = 15.0) -> str:
        return self.wait_for(lambda s: text in s, repr(text), timeout)


def start(width: int, height: int, env: dict[str, str]) -> Iterator[Terminal]:
    name = f"newsread-test-{uuid.uuid4().hex[:8]}"
    # Triage state goes to a throwaway folder, never the user's own state file.
    scratch = tempfile.mkdtemp(prefix="newsread-state-")
    env = {"XDG_STATE_HOME": scratch, "XDG_CONFIG_HOME": scratch, **env}
    settings = " ".join(f"{k}={v}" for k, v in env.items())
    # The shell prints a marker when newsread exits, so the test can see that q really quits.
    command = f"env -u COLORTERM {settings} {NEWSREAD} {SEEDS}; echo NEWSREAD-EXITED $?; sleep 30"
    terminal = Terminal(name)
    size = ["-x", str(width), "-y", str(height)]
    subprocess.run(
        ["tmux", "-L", name, "-f", os.devnull, "new-session", "-d", "-s", name, *size, command],
        check=True,
        env={**os.environ, "TMUX": ""},
    )
    try:
        yield terminal
    finally:
        terminal.tmux("kill-server", check=False)
        shutil.rmtree(scratch, ignore_errors=True)


@pytest.fixture
def terminal() -> Iterator[Terminal]:
    if not NEWSREAD.exists():
        pytest.skip(f"{NEWSREAD} is not installed")
    yield from start(100, 30, {"TERM": "xterm-256color"})


# A list row: cursor, mark, load status or unread dot, decision, a space, then the title.
ROW = re.compile(r"│[› ][ ◆][ •!·?][ ✓★✗] \S")


def test_read_the_seeds_in_a_real_terminal(terminal: Terminal) -> None:
    # Every page found and cleaned: the list has them all and the progress is done.
    screen = terminal.wait_for(lambda s: "Pages 5" in s and "5 pages" in s, "the five seeds")
    assert "? help" in screen
    assert "│›" in screen  # the cursor is on the first page
    # The list shows the five pages (unread: •) and the reader the first, in the clean view.
    assert sum(1 for line in screen.splitlines() if ROW.match(line)) >= 5
    assert "1 clean" in screen and "2 original" in screen and "3 diff" in screen

    terminal.keys("Enter")  # 100 columns: the page opens full width
    screen = terminal.wait_for(lambda s: "Pages 5" not in s, "the list to hide")
    terminal.keys("2")
    # The original view shows the raw page, first line included, whatever the cleaners removed.
    first_line = (SEEDS / "000_ef5eb7ee0bf81d53.txt").read_text(encoding="utf-8").splitlines()[0]
    screen = terminal.see(first_line[:30])

    terminal.keys("3")
    # The bottom border counts the removals.
    screen = terminal.wait_for(lambda s: "diff: side by side" in s and "removal" in s, "the diff and its removals")
    terminal.keys("]")
    screen = terminal.see("removal 1/")
    terminal.keys("w")
    screen = terminal.see("Why was this removed?")
    assert "Removed by" in screen and "Because" in screen
    terminal.keys("Escape")
    terminal.wait_for(lambda s: "Why was this removed?" not in s, "the details to close")

    terminal.keys("/")
    # Typed once the search bar shows, as a person does: keys already on their way when "/" is handled go to
    # the list (Textual forwards them to the widget focused when they arrive), and under load they were.
    terminal.see("/ search this page")
    terminal.keys("Putin", literal=True)
    terminal.keys("Enter")
    screen = terminal.see("match 1/")

    terminal.keys("?")
    screen = terminal.see("newsread keys")
    assert "Quit" in screen
    terminal.keys("Escape")
    terminal.wait_for(lambda s: "newsread keys" not in s, "help to close")

    terminal.keys("Escape", "Escape")  # clear the search, back to the list
    terminal.see("Pages 5")
    terminal.keys("j")
    terminal.keys("C")
    screen = terminal.see("Cleaners")
    assert "[x]" in screen
    terminal.keys("Escape")
    terminal.keys("q")
    terminal.see("NEWSREAD-EXITED 0")


@pytest.mark.parametrize(
    "env",
    [{"NO_COLOR": "1", "TERM": "xterm-256color"}, {"TERM": "xterm"}],
    ids=["no-color", "16-colours"],
)
def test_small_terminal_without_colour(env: dict[str, str]) -> None:
    if not NEWSREAD.exists():
        pytest.skip(f"{NEWSREAD} is not installed")
    for terminal in start(80, 24, env):
        screen = terminal.wait_for(lambda s: "Pages 5" in s and "5 pages" in s, "the five seeds")
        lines = screen.splitlines()
        assert len(lines) <= 24 and all(len(line) <= 80 for line in lines)
        assert "? help" in lines[-1] or "? help" in screen
        terminal.keys("Enter", "3")
        terminal.see("diff")
        terminal.keys("q")
        terminal.see("NEWSREAD-EXITED 0")


def newsread_pid(terminal: Terminal) -> int:
    shell = terminal.tmux("list-panes", "-t", terminal.name, "-F", "#{pane_pid}").stdout.split()[0]
    children = subprocess.run(["ps", "-ww", "-o", "pid=,args=", "--ppid", shell], capture_output=True, text=True).stdout
    found = [int(line.split()[0]) for line in children.splitlines() if "newsread" in line]
    assert found, f"no newsread under the pane shell {shell}: {children!r}"
    return found[0]


FIRST_PAGE_KEPT = re.compile(r"│› [ •]✓ Russian")  # the cursor's row, kept, under the page's title


def test_triage_survives_sigkill_and_shows_in_the_next_run(tmp_path: Path) -> None:
    if not NEWSREAD.exists():
        pytest.skip(f"{NEWSREAD} is not installed")
    env = {"TERM": "xterm-256color", "XDG_STATE_HOME": str(tmp_path / "state")}
    for terminal in start(100, 30, env):
        terminal.wait_for(lambda s: "Pages 5" in s and "?5 undecided" in s, "the seeds and their triage")
        terminal.keys("+", "j", "*")
        screen = terminal.see("starred 1 page")
        assert "✓1 ★1" in screen
        os.kill(newsread_pid(terminal), signal.SIGKILL)  # no chance to close or flush anything
        terminal.see("NEWSREAD-EXITED 137")
    for terminal in start(100, 30, env):
        # The first page, kept, in the list under its title (once cleaned: a busy machine may show its file
        # name first while "Russian" is already in the reading pane).
        screen = terminal.wait_for(
            lambda s: "✓1 ★1" in s and FIRST_PAGE_KEPT.search(s) is not None, "the killed run's triage"
        )
        assert "?3 undecided" in screen
        terminal.keys("q")
        terminal.see("NEWSREAD-EXITED 0")


def test_the_list_at_80x24_and_copying_in_tmux() -> None:
    """The list readable at 80x24 (title, words, story badges; a marked row stays marked under the cursor), the
    header's place and file, the position in the border, and y's note that tmux drops OSC 52 unless
    set-clipboard is on."""
    if not NEWSREAD.exists():
        pytest.skip(f"{NEWSREAD} is not installed")
    for terminal in start(80, 24, {"TERM": "xterm-256color"}):
        screen = terminal.wait_for(lambda s: "Pages 5" in s and "5 pages" in s and "≡3" in s, "the seeds' stories")
        rows = [line for line in screen.splitlines() if ROW.match(line)]
        assert len(rows) == 5 and all(re.search(r"≡\d +\d+( −\d+)? *│", row) for row in rows), rows
        # The header: the place, then the file (its path cut in the middle if need be); the position is in the
        # reading pane's bottom border.
        assert re.search(r"page 1 of 5 · \S*d53\.txt +│", screen), screen
        assert re.search(r"─ (\d+%|all) ─╯", screen), screen
        terminal.keys("x", "k")  # marked, and the cursor back on it
        terminal.wait_for(lambda s: "│›◆" in s, "the mark under the cursor")
        terminal.tmux("set-option", "-g", "set-clipboard", "external")  # tmux's default: programs' OSC 52 dropped
        terminal.keys("y")
        screen = terminal.see("copied the path")
        assert "tmux drops it: set -g set-clipboard on" in screen  # the whole note fits at 80 columns
        terminal.tmux("set-option", "-g", "set-clipboard", "on")
        terminal.keys("Y")
        screen = terminal.see("copied the clean text (OSC 52)")
        assert "tmux drops it" not in screen
        terminal.keys("q")
        terminal.see("NEWSREAD-EXITED 0")
