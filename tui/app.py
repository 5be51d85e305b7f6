"""The reader: a list of pages beside a reading pane, driven from the keyboard.

It presents what the engine decided. Pages are cleaned by a background worker
thread (the selected page first), so the list is usable at once.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Sequence

from textual import on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input

from newsread.cleaners import CleanedPage, Pipeline, inert

from .folder import Folder
from .widgets import CleanersPanel, HelpScreen, PageList, ReadingPane

UI_BATCH_SECONDS = 0.1  # how often the worker pushes finished rows to the list


class NewsreadApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "newsread"

    BINDINGS = [
        Binding("q", "quit", "Quit"),
        Binding("question_mark", "help", "Help"),
        Binding("c,1", "view('clean')", "Clean"),
        Binding("o,2", "view('original')", "Original"),
        Binding("d,3", "view('diff')", "Diff"),
        Binding("f", "cleaners", "Cleaners"),
        Binding("slash", "search", "Search"),
        Binding("n", "match(1)", "Next match", show=False),
        Binding("p", "match(-1)", "Previous match", show=False),
        Binding("right_square_bracket", "removal(1)", "Next removal", show=False),
        Binding("left_square_bracket", "removal(-1)", "Previous removal", show=False),
        Binding("w", "why", "Why removed?", show=False),
        Binding("space", "page_down", "Page down", show=False),
        Binding("b", "page_up", "Page up", show=False),
        Binding("enter", "focus_reader", "Read", show=False),
        Binding("u", "next_unopened", "Next unopened", show=False),
        Binding("escape", "focus_list", "Back to list", show=False),
    ]

    def __init__(self, paths: Sequence[str | os.PathLike[str]], pipeline: Pipeline) -> None:
        super().__init__()
        self.folder = Folder(paths, pipeline)
        self.current = 0
        self.opened: set[int] = set()
        self.sub_title = f"cleaning 0/{len(self.folder)}…"

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="main"):
            yield PageList(self.folder, id="pages")
            yield ReadingPane(id="reader")
        yield CleanersPanel(id="cleaners")
        yield Input(placeholder="search this page (Enter: find, Esc: cancel)", id="search")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(PageList).focus()
        if len(self.folder):
            self.open_page(0)
        else:
            self.query_one(ReadingPane).show(None)
            self.notify("No pages found in the given paths.", severity="warning")
        self.clean_in_background()

    # -- background cleaning -----------------------------------------------------------------
    @work(thread=True, exclusive=True, group="clean")
    def clean_in_background(self) -> None:
        """Clean every page (the selected one first), pushing finished rows to the list in batches."""
        folder = self.folder
        generation = folder.generation
        pending: list[int] = []
        last_push = time.monotonic()
        order = [self.current, *(i for i in range(len(folder)) if i != self.current)]
        for index in order:
            if generation != folder.generation:
                return  # the pipeline changed: a new worker has started
            if folder.summary(index) is None:
                folder.clean(index)
            pending.append(index)
            if time.monotonic() - last_push >= UI_BATCH_SECONDS:
                self.call_from_thread(self._show_rows, pending, generation)
                pending = []
                last_push = time.monotonic()
        self.call_from_thread(self._show_rows, pending, generation)

    def _show_rows(self, indices: list[int], generation: int) -> None:
        if generation != self.folder.generation:
            return
        page_list = self.query_one(PageList)
        for index in indices:
            summary = self.folder.summary(index)
            if summary is not None:
                page_list.show_summary(index, summary)
        done, total = self.folder.cleaned_count(), len(self.folder)
        self.sub_title = f"{total} pages" if done >= total else f"cleaning {done}/{total}…"
        if self.query_one(CleanersPanel).display:
            self._refresh_cleaners_panel()

    # -- the selected page -------------------------------------------------------------------
    @on(DataTable.RowHighlighted, "#pages")
    def _row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.cursor_row != self.current or self.query_one(ReadingPane).cleaned is None:
            self.open_page(event.cursor_row)

    def open_page(self, index: int, *, keep_scroll: bool = False) -> None:
        self.current = index
        self.opened.add(index)
        self.load_page_now(index, self.folder.generation, keep_scroll)

    @work(thread=True, exclusive=True, group="open")
    def load_page_now(self, index: int, generation: int, keep_scroll: bool) -> None:
        cleaned = self.folder.clean(index)
        self.call_from_thread(self._show_page, index, cleaned, generation, keep_scroll)

    def _show_page(self, index: int, cleaned: CleanedPage, generation: int, keep_scroll: bool) -> None:
        if index != self.current or generation != self.folder.generation:
            return
        self.query_one(ReadingPane).show(cleaned, keep_scroll=keep_scroll)
        summary = self.folder.summary(index)
        if summary is not None:
            self.query_one(PageList).show_summary(index, summary)
        if self.query_one(CleanersPanel).display:
            self._refresh_cleaners_panel()

    # -- the command palette offers every action ----------------------------------------------
    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        commands = (
            ("Clean view", "The article as the cleaners left it (c)", lambda: self.action_view("clean")),
            ("Original view", "The page as loaded (o)", lambda: self.action_view("original")),
            (
                "Diff view",
                "What was removed, by which cleaner; again for side by side (d)",
                lambda: self.action_view("diff"),
            ),
            ("Next removal", "Jump to the next removed span in the diff (])", lambda: self.action_removal(1)),
            ("Previous removal", "Jump to the previous removed span in the diff ([)", lambda: self.action_removal(-1)),
            ("Why was this removed?", "The cleaner and reason of the current removal (w)", self.action_why),
            ("Search this page", "Find text in the current view (/)", self.action_search),
            ("Next match", "Next search match (n)", lambda: self.action_match(1)),
            ("Previous match", "Previous search match (p)", lambda: self.action_match(-1)),
            ("Cleaners panel", "Switch cleaners on or off and see what each removed (f)", self.action_cleaners),
            ("Next unopened page", "The next page not opened yet (u)", self.action_next_unopened),
            ("Keys", "Every key binding (?)", self.action_help),
        )
        for title, help_text, callback in commands:
            yield SystemCommand(title, help_text, callback)

    # -- actions -----------------------------------------------------------------------------
    def action_view(self, view: str) -> None:
        if view in ("clean", "original", "diff"):
            self.query_one(ReadingPane).set_view(view)  # type: ignore[arg-type]

    def action_page_down(self) -> None:
        self.query_one(ReadingPane).page_down()

    def action_page_up(self) -> None:
        self.query_one(ReadingPane).page_up()

    def action_focus_reader(self) -> None:
        self.query_one(ReadingPane).body.focus()

    def action_focus_list(self) -> None:
        search = self.query_one("#search", Input)
        if search.display:
            search.display = False
        self.query_one(PageList).focus()

    def action_removal(self, step: int) -> None:
        self.query_one(ReadingPane).next_removal(step)

    def action_why(self) -> None:
        pane = self.query_one(ReadingPane)
        removal = pane.current_removal or pane.next_removal(1)
        if removal is None or pane.cleaned is None:
            self.notify("Nothing was removed from this page.")
            return
        stage = next((s for s in self.folder.pipeline.stages if s.name == removal.cleaner), None)
        about = stage.info.description if stage else ""
        excerpt = inert(pane.cleaned.page.text[removal.start : removal.end])
        excerpt = excerpt if len(excerpt) <= 160 else excerpt[:157] + "…"
        self.notify(
            f"“{excerpt}”\n\nremoved by {removal.cleaner}: {inert(removal.reason)}\n{about}",
            title="Why was this removed?",
            timeout=12,
        )

    def action_search(self) -> None:
        search = self.query_one("#search", Input)
        search.display = True
        search.focus()

    @on(Input.Submitted, "#search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        event.input.display = False
        count = self.query_one(ReadingPane).search(event.value)
        if not count:
            self.notify(f"“{inert(event.value)}” is not in this view of the page.", severity="warning")
        self.query_one(ReadingPane).body.focus()

    def action_match(self, step: int) -> None:
        if not self.query_one(ReadingPane).next_match(step):
            self.notify("No search: press / to search this page.")

    def action_help(self) -> None:
        self.push_screen(HelpScreen())

    def action_next_unopened(self) -> None:
        for index in [*range(self.current + 1, len(self.folder)), *range(0, self.current)]:
            if index not in self.opened:
                self.query_one(PageList).move_cursor(row=index)
                return
        self.notify("Every page has been opened.")

    def action_cleaners(self) -> None:
        panel = self.query_one(CleanersPanel)
        panel.display = not panel.display
        if panel.display:
            self._refresh_cleaners_panel()
            panel.focus()
        else:
            self.query_one(PageList).focus()

    def _refresh_cleaners_panel(self) -> None:
        self.query_one(CleanersPanel).refresh_from(
            self.folder.pipeline, self.query_one(ReadingPane).cleaned, self.folder.removed_in_folder()
        )

    @on(CleanersPanel.Toggled)
    def _cleaner_toggled(self, event: CleanersPanel.Toggled) -> None:
        pipeline = self.folder.pipeline.toggled(event.name)
        self.folder.set_pipeline(pipeline)
        stage = next(s for s in pipeline.stages if s.name == event.name)
        self.notify(f"{event.name} {'on' if stage.enabled else 'off'}: cleaning again")
        self.open_page(self.current, keep_scroll=True)
        self.clean_in_background()


def run_app(paths: list[str], pipeline: Pipeline) -> None:
    NewsreadApp(paths, pipeline).run()
