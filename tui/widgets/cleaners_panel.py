"""The cleaners panel: every cleaner, on or off, and how many words it removed from this page and the folder;
under a cleaner decided by several judges (main_content), each judge on its own line, switched on or off alike."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from newsread.cleaners import Pipeline, inert

NAME_WIDTH = 22


class CleanerOptions(OptionList):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Next cleaner", show=False),
        Binding("k", "cursor_up", "Previous cleaner", show=False),
        Binding("g", "first", "First cleaner", show=False),
        Binding("G", "last", "Last cleaner", show=False),
        Binding("enter,space,x", "select", "Turn the cleaner on or off (the page is cleaned again)", show=False),
    ]


class CleanersPanel(Vertical):
    """Shown under the reader; Enter or space switches the highlighted cleaner and the page is cleaned again."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", "Close the cleaners panel (as q closes every other panel)", show=False),
        Binding("W", "app.save_cleaners", "Save the cleaners switched this run to the config file", show=False),
    ]

    class Toggled(Message):
        """Cleaner ``name`` (or its part ``part``, say one of its judges) is to be switched."""

        def __init__(self, name: str, part: str | None = None) -> None:
            super().__init__()
            self.name = name
            self.part = part

    class Closed(Message):
        pass

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._rows: list[tuple[str, str | None]] = []  # each row's cleaner and part (None: the cleaner itself)
        self._descriptions: dict[tuple[str, str | None], str] = {}

    def compose(self) -> ComposeResult:
        yield Static(id="cleaners-header")
        yield CleanerOptions(id="cleaner-options")
        yield Static(id="cleaner-description")

    def on_mount(self) -> None:
        self.border_title = "Cleaners"
        self.border_subtitle = "Enter/space: on or off (this run) · W: save · Esc: close"

    def fit_to(self, screen_height: int) -> None:
        """At most half the screen, so the page being re-cleaned stays in view above."""
        self.options.styles.max_height = max(3, screen_height // 2 - 4)

    @property
    def options(self) -> CleanerOptions:
        return self.query_one(CleanerOptions)

    def update_counts(
        self,
        pipeline: Pipeline,
        page: dict[str, int] | None,
        folder: dict[str, int],
        done: int,
        total: int,
    ) -> None:
        """Redraw every row; the highlighted row stays where it is."""
        header = Text("    " + "cleaner".ljust(NAME_WIDTH) + "  page".rjust(7) + "  folder".rjust(9))
        if done < total:
            header.append(f"  (folder: {done}/{total} pages so far)", style="dim")
        self.query_one("#cleaners-header", Static).update(header)
        options = self.options
        keys: list[tuple[str, str | None]] = []
        rows = []
        for stage in pipeline.stages:
            keys.append((stage.name, None))
            mark = "[x]" if stage.enabled else "[ ]"
            if stage.cleaner is None:
                mark = "[!]"
            name = Text(inert(stage.name), no_wrap=True)
            name.truncate(NAME_WIDTH, overflow="ellipsis", pad=True)
            on_page = "" if page is None else str(page.get(stage.name, 0))
            row = Text(f"{mark} ", style="" if stage.enabled else "dim")
            row.append_text(name)
            row.append(on_page.rjust(7))
            row.append(str(folder.get(stage.name, 0)).rjust(9))
            rows.append(row)
            self._descriptions[(stage.name, None)] = inert(
                f"{stage.name} ({stage.info.origin}): {stage.info.description or 'no description'}"
            )
            parts = pipeline.parts(stage.name)
            for k, (part, (on, what)) in enumerate(parts.items()):
                keys.append((stage.name, part))
                branch = "└" if k == len(parts) - 1 else "├"
                label = Text(f"  {branch} {'[x]' if on else '[ ]'} ", style="" if on and stage.enabled else "dim")
                label.append(inert(part))
                rows.append(label)
                self._descriptions[(stage.name, part)] = inert(
                    f"{stage.name}, judge {part}: {what}"
                    + ("" if stage.enabled else f" (switch {stage.name} on first)")
                )
        if keys != self._rows:
            self._rows = keys
            highlighted = options.highlighted or 0
            options.set_options(Option(row, id=f"cleaner-{i}") for i, row in enumerate(rows))
            options.highlighted = min(highlighted, len(rows) - 1) if rows else None
        else:
            for i, row in enumerate(rows):
                options.replace_option_prompt_at_index(i, row)
        self._describe()

    def _describe(self) -> None:
        index = self.options.highlighted
        text = ""
        if index is not None and 0 <= index < len(self._rows):
            text = self._descriptions.get(self._rows[index], "")
        self.query_one("#cleaner-description", Static).update(Text(text, style="italic"))

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self._describe()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if 0 <= event.option_index < len(self._rows):
            self.post_message(self.Toggled(*self._rows[event.option_index]))

    def action_close(self) -> None:
        self.post_message(self.Closed())

    def focus_list(self) -> None:
        self.options.focus()
