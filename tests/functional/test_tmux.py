"""End to end: the real `newsread seeds/` in a tmux session, driven by keys, read off the screen."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from ..conftest import REPO

pytestmark = [pytest.mark.functional, pytest.mark.slow]

NEWSREAD = Path(sys.executable).parent / "newsread"


def screen(session: str) -> str:
    return subprocess.run(["tmux", "capture-pane", "-p", "-t", session], capture_output=True, text=True).stdout


def wait_for(session: str, text: str, timeout: float = 20.0) -> str:
    deadline = time.monotonic() + timeout
    shown = ""
    while time.monotonic() < deadline:
        shown = screen(session)
        if text in shown:
            return shown
        time.sleep(0.2)
    raise AssertionError(f"{text!r} never appeared; screen was:\n{shown}")


@pytest.mark.skipif(
    shutil.which("tmux") is None or not NEWSREAD.exists(), reason="needs tmux and the installed command"
)
def test_newsread_seeds_in_a_real_terminal() -> None:
    session = f"newsread-{uuid.uuid4().hex[:8]}"
    env = "TERM=xterm-256color"  # as over ssh: 256 colours, COLORTERM unset
    subprocess.run(
        ["tmux", "new-session", "-d", "-s", session, "-x", "100", "-y", "30", f"cd {REPO} && {env} {NEWSREAD} seeds/"],
        check=True,
    )
    try:
        wait_for(session, "TAIPEI, Taiwan (AP)")  # the clean article of the first page
        shown = wait_for(session, "5 pages")  # every page cleaned
        assert "Russian President Putin and Chinese" in shown
        subprocess.run(["tmux", "send-keys", "-t", session, "d"], check=True)
        shown = wait_for(session, "removals")
        assert "‹" in shown  # removed lines are labelled with their cleaner
        subprocess.run(["tmux", "send-keys", "-t", session, "j", "c"], check=True)
        wait_for(session, "HONG KONG")
        subprocess.run(["tmux", "send-keys", "-t", session, "?"], check=True)
        wait_for(session, "newsread — keys")
        # Escape then q in one burst reads as Alt+q (tmux's escape-time), as it would for a fast typist.
        subprocess.run(["tmux", "send-keys", "-t", session, "Escape"], check=True)
        time.sleep(0.8)
        subprocess.run(["tmux", "send-keys", "-t", session, "q"], check=True)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and subprocess.run(["tmux", "has-session", "-t", session]).returncode == 0:
            time.sleep(0.2)
        assert subprocess.run(["tmux", "has-session", "-t", session], capture_output=True).returncode != 0, "q quits"
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
