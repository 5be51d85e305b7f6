"""A story's versions: every page of the folder telling the same story, with what tells each apart."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import OptionList
from textual.widgets.option_list import Option


class StoryVersions(ModalScreen[int | None]):
    """Dismissed with the page index chosen (Enter), or None (Esc)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", "Close", show=False),
        Binding("j", "down", "Next version", show=False),
        Binding("k", "up", "Previous version", show=False),
        Binding("plus,a", "triage('kept')", "Keep the highlighted version (again: undecided)", show=False),
        Binding("asterisk,S", "triage('starred')", "Star the highlighted version (again: undecided)", show=False),
        Binding("minus,D", "triage('discarded')", "Discard the highlighted version (again: undecided)", show=False),
        Binding("equals_sign", "triage('none')", "Clear the highlighted version's decision", show=False),
        Binding("x", "triage('mark')", "Mark or unmark the highlighted version", show=False),
    ]

    class Triage(Message):
        """A triage key on one version: ``what`` is a decision, or ``mark`` (mark or unmark it)."""

        def __init__(self, index: int, what: str) -> None:
            super().__init__()
            self.index = index
            self.what = what

    def __init__(self, versions: list[tuple[int, Text]], current: int) -> None:
        """``versions``: (page index, its line: triage glyphs as the list shows them, title, site, date, words)
        for every page of the story, in order."""
        super().__init__()
        self.versions = versions
        self.current = current

    def _options(self) -> list[Option]:
        options = []
        for index, line in self.versions:
            text = Text("› " if index == self.current else "  ", style="bold")
            text.append_text(line)  # already inert: titles and sites from the library's summaries
            options.append(Option(text, id=str(index)))
        return options

    def compose(self) -> ComposeResult:
        with Vertical(id="story-body"):
            yield OptionList(*self._options(), id="story-versions")

    def update_versions(self, versions: list[tuple[int, Text]]) -> None:
        """The same versions with their triage as it is now (a triage key pressed while this screen shows)."""
        self.versions = versions
        listing = self.query_one(OptionList)
        highlighted = listing.highlighted
        listing.clear_options()
        listing.add_options(self._options())
        listing.highlighted = highlighted

    def on_mount(self) -> None:
        body = self.query_one("#story-body")
        body.border_title = f"This story: {len(self.versions):,} versions"
        body.border_subtitle = "Enter reads one · + * - x triage it · Esc closes"
        versions = self.query_one(OptionList)
        versions.highlighted = next((k for k, (i, _) in enumerate(self.versions) if i == self.current), 0)
        versions.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(int(event.option.id or -1))

    def action_down(self) -> None:
        self.query_one(OptionList).action_cursor_down()

    def action_up(self) -> None:
        self.query_one(OptionList).action_cursor_up()

    def action_triage(self, what: str) -> None:
        """The app's triage keys act on the version highlighted here (the app redraws this list's glyphs)."""
        option = self.query_one(OptionList).highlighted_option
        if option is not None and option.id is not None:
            self.app.post_message(self.Triage(int(option.id), what))

    def action_close(self) -> None:
        self.dismiss(None)
