"""The status line: how far cleaning the folder has got, triage counts, the last thing that happened, and help."""

from __future__ import annotations

from typing import Protocol

from rich.text import Text
from textual.timer import Timer
from textual.widgets import Static

from ..library import LEARNING
from .page_list import DECISION_GLYPHS, MARKED, UNREAD


class Progress(Protocol):
    """What the status line reads of the folder (the reader's Library is one): how far its work has got."""

    @property
    def discovered(self) -> bool: ...
    @property
    def done(self) -> int: ...
    @property
    def complete(self) -> bool: ...
    @property
    def phase(self) -> str: ...
    def errors(self) -> int: ...
    def __len__(self) -> int: ...


HINT = "? help  / search  C cleaners  q quit"
BAR_WIDTH = 12
MAX_LINES = 3  # a long note wraps onto this many lines at most


def progress_text(library: Progress) -> Text:
    total = len(library)
    if not library.discovered:
        return Text(f"finding pages… {total:,}" if total else "finding pages…")
    if total == 0:
        return Text("no pages")
    done = library.done
    pages = f"{total:,} page{'s' if total != 1 else ''}"
    if library.phase == LEARNING and not done:
        # No page is cleaned while the folder is learned (seconds on a big one): "0/10,000 ░░░" looked stuck.
        return Text(f"{LEARNING} ({pages}) …")
    if library.complete:
        errors = library.errors()
        return Text(pages + (f" · {errors:,} unreadable" if errors else ""))
    filled = round(BAR_WIDTH * done / total)
    text = Text(f"{library.phase} {done:,}/{total:,} ")
    text.append("█" * filled, style="bold")
    text.append("░" * (BAR_WIDTH - filled), style="dim")
    return text


def triage_text(counts: dict[str, int], *, marked: int = 0, shown: int | None = None, unsaved: bool = False) -> Text:
    """Counts per status with the list's glyphs: ``•3 unread ✓1 ★0 ✗2 ?4 undecided``, then marks and filter."""
    text = Text()
    if unsaved:
        text.append("triage not saved ", style="bold")
    if counts:
        text.append(f"{UNREAD}{counts.get('unread', 0):,} unread")
        for status, glyph in DECISION_GLYPHS.items():
            text.append(f" {glyph}{counts.get(status, 0):,}")
        text.append(f" ?{counts.get('undecided', 0):,} undecided")
    if marked:
        text.append(f"  {MARKED}{marked:,} marked", style="bold")
    if shown is not None:
        text.append(f"  filter: {shown:,} shown", style="bold")
    return text


def _cut_at_word(text: Text, width: int) -> Text:
    """``text`` in ``width`` cells: cut after the last whole word that fits, with an ellipsis (never mid-word,
    unless one word is wider than the line)."""
    if text.cell_len <= width:
        return text.copy()
    plain = text.plain
    cut = plain.rfind(" ", 0, max(0, width - 1))
    line = text[: cut if cut > 0 else max(0, width - 1)]
    line.rstrip()
    line.append("…")
    if line.cell_len > width:  # wide characters: cells, not characters
        line.truncate(width, overflow="ellipsis")
    return line


class StatusBar(Static):
    def __init__(self, library: Progress, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.library = library
        self._note = ""
        self._lasting = False  # the note stays when another page is opened
        self._timer: Timer | None = None
        self.shown = Text()  # what the bar shows now
        self.triage = Text()  # triage counts, set by the app

    def say(self, message: str, *, seconds: float | None = 6.0, lasting: bool = False) -> None:
        """Show ``message`` beside the progress for ``seconds`` (None: until another note replaces it).

        A note is about the page in hand unless ``lasting``: opening another page clears it (:meth:`page_changed`).
        """
        self._note = message
        self._lasting = lasting
        self.redraw()
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(seconds, lambda: self.say("")) if message and seconds is not None else None

    @property
    def note(self) -> str:
        """The note shown now ("" for none)."""
        return self._note

    def page_changed(self) -> None:
        """Another page was opened: a note about the last one is stale."""
        if self._note and not self._lasting:
            self.say("")

    def redraw(self) -> None:
        width = self.size.width or 80
        left = progress_text(self.library)
        if self._note:  # before the counts: what just happened must not be cut off
            left.append("  ")
            left.append(self._note, style="italic")
        lines = [left]
        if self.triage:  # after the note: they are cut (between words) before it is
            left = left.copy()
            left.append("  ")
            left.append_text(self.triage)
        hint = HINT if width - left.cell_len >= len(HINT) + 2 else "? help"
        room = max(1, width - len(hint) - 1)
        if self._note and lines[0].cell_len > room:
            # A note too long for one line (an error, on an 80-column terminal) takes up to MAX_LINES lines,
            # cut between words, rather than losing its end: it is often what the user must do.
            wrapped = list(lines[0].wrap(self.app.console, room))
            lines = wrapped[:MAX_LINES]
            if len(wrapped) > MAX_LINES:
                lines[-1] = _cut_at_word(Text(" ").join([lines[-1], *wrapped[MAX_LINES:]]), room)
        else:
            lines = [_cut_at_word(left, room)]
        for line in lines[:-1]:
            line.rstrip()
        line = lines[-1]
        line.pad_right(max(0, width - line.cell_len - len(hint)))
        line.append(hint, style="dim")
        shown = Text("\n").join(lines)
        if shown == self.shown:
            return  # the progress is polled several times a second: an unchanged line costs nothing
        self.shown = shown
        height = len(lines)
        if self.styles.height is None or self.styles.height.value != height:
            self.styles.height = height  # the layout changes only when a long note comes or goes
            self.update(shown)
        else:
            self.update(shown, layout=False)  # of fixed height: no need to lay the screen out again

    def set_triage(self, text: Text) -> None:
        self.triage = text
        self.redraw()

    def on_resize(self) -> None:
        self.redraw()
