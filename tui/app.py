"""The reader: a folder of pages beside the selected page, in clean, original or diff view; keyboard first.

It presents what the engine decided and decides nothing itself. Pages are
found, loaded and cleaned by background workers (see :mod:`.library`); the
list fills in as they go and the page being read is always cleaned first.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import suppress
from functools import partial
from pathlib import Path
from typing import ClassVar

from textual import work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.worker import get_current_worker

from newsread.cleaners import CleanedPage, Pipeline

from .library import Library
from .widgets import (
    CleanersPanel,
    DocumentView,
    HelpScreen,
    PageList,
    ReadingPane,
    RemovalDetails,
    SearchBar,
    StatusBar,
)
from .widgets.help_screen import described
from .widgets.reading_pane import View

POLL_SECONDS = 0.15  # how often the list and progress pick up what the workers did
ZOOM_BELOW = 110  # narrower than this, opening a page gives the reader the whole width


class ReaderScreen(Screen[None]):
    """The one screen of the reader; the help and removal details are modal screens above it."""


class NewsreadApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "newsread"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit"),
        Binding("question_mark", "help", "Show every key (this screen)"),
        Binding("1,c", "view('clean')", "Clean view: the article as the cleaners left it"),
        Binding("2,o", "view('original')", "Original view: the page as loaded"),
        Binding("3,d", "view('diff')", "Diff view: what was removed and why (again: side by side / inline)"),
        Binding("s", "toggle_diff_layout", "Diff side by side or inline"),
        Binding("right_square_bracket", "removal(1)", "Next removal (opens the diff)"),
        Binding("left_square_bracket", "removal(-1)", "Previous removal"),
        Binding("w", "why", "Why was this removed? (the current or first visible removal)"),
        Binding("C", "cleaners", "Cleaners panel: switch cleaners on or off, see what each removed"),
        Binding("slash", "search", "Search in the page"),
        Binding("n", "match(1)", "Next match"),
        Binding("p,N", "match(-1)", "Previous match"),
        Binding("J", "step_page(1)", "Next page"),
        Binding("K", "step_page(-1)", "Previous page"),
        Binding("space", "reader_page(1)", "Page the reader down"),
        Binding("b", "reader_page(-1)", "Page the reader up"),
        Binding("f", "zoom", "Reader full width (hide the list) or back"),
        Binding("escape", "back_to_list", "Back: clear the search, or return to the list"),
        Binding("colon", "command_palette", "Command palette: every action by name"),
    ]

    def __init__(
        self, paths: Sequence[str], pipeline: Pipeline, *, use_cache: bool = True, jobs: int | None = None
    ) -> None:
        super().__init__()
        self.library = Library(paths, pipeline, use_cache=use_cache, jobs=jobs)
        self.current = -1  # index of the page in the reading pane
        self._seen_version = -1
        self._zoomed = False
        self._auto_zoomed = False

    # -- layout -------------------------------------------------------------------------------------
    def get_default_screen(self) -> Screen[None]:
        return ReaderScreen()

    def compose(self) -> ComposeResult:
        with Horizontal(id="main"):
            yield PageList(self.library, id="pages")
            yield ReadingPane(id="reader")
        yield CleanersPanel(id="cleaners")
        yield SearchBar(id="search")
        yield StatusBar(self.library, id="status")

    @property
    def page_list(self) -> PageList:
        return self.query_one(PageList)

    @property
    def reader(self) -> ReadingPane:
        return self.query_one(ReadingPane)

    @property
    def status(self) -> StatusBar:
        return self.query_one(StatusBar)

    @property
    def cleaners_panel(self) -> CleanersPanel:
        return self.query_one(CleanersPanel)

    def on_mount(self) -> None:
        if not self.is_headless and self.console.color_system in ("standard", "windows"):
            self.theme = "ansi-dark"  # 16 colours: use the terminal's own palette rather than approximations
        self.cleaners_panel.display = False
        self.query_one(SearchBar).display = False
        self.page_list.border_title = "Pages"
        self.page_list.border_subtitle = "words kept −removed"
        self.page_list.focus()
        for problem in self.library.pipeline.problems:
            self.notify(problem, title="cleaners", severity="warning", timeout=8)
        self.set_interval(POLL_SECONDS, self.poll)
        self.crawl()

    # -- background work ----------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="crawl")
    def crawl(self) -> None:
        """Find the pages (once), then clean every page not yet cleaned with the current cleaners."""
        worker = get_current_worker()
        self.library.clean_all(cancelled=lambda: worker.is_cancelled)  # CPU work in worker processes

    def on_unmount(self) -> None:
        self.library.close()

    @work(thread=True, exclusive=True, group="open")
    def clean_selected(self, index: int, same_page: bool) -> None:
        generation = self.library.generation  # before cleaning: a result of older cleaners is never shown as new
        cleaned = self.library.clean(index)
        if get_current_worker().is_cancelled:
            return  # another page was selected meanwhile, or the app is closing
        with suppress(RuntimeError):  # the app closed while the page was being cleaned
            self.call_from_thread(self._cleaned_ready, index, generation, cleaned, same_page)
        self.library.prefetch(index)

    @work(thread=True, exclusive=True, group="prefetch")
    def prefetch(self, index: int) -> None:
        """Clean the next pages into memory: stepping through the list then shows each at once."""
        self.library.prefetch(index)

    def _cleaned_ready(self, index: int, generation: int, cleaned: CleanedPage, same_page: bool) -> None:
        if index == self.current and generation == self.library.generation:
            self.reader.show(cleaned, same_page=same_page)
            self._panel_counts()

    def poll(self) -> None:
        library = self.library
        if library.version == self._seen_version:
            return
        self._seen_version = library.version
        while library.warnings:
            self.notify(library.warnings.pop(0), title="cache", severity="warning", timeout=8)
        self.page_list.sync()
        total = len(library)
        self.page_list.border_title = f"Pages {total}" if library.discovered else "Pages"
        self.status.redraw()
        if self.current < 0 and (total or library.discovered):  # the first page as soon as it is found
            if total:
                self.open_page(0)
            else:
                self.reader.show(None, message="No pages here: newsread reads .txt and .html files (also gzipped).")
        self._panel_counts()

    # -- opening pages ------------------------------------------------------------------------------
    def open_page(self, index: int, *, again: bool = False) -> None:
        """Show page ``index``; ``again``: the same page after the cleaners changed (keep the place)."""
        if not 0 <= index < len(self.library):
            return
        same_page = index == self.current
        self.current = index
        cleaned = self.library.peek(index)
        if cleaned is not None:
            self.reader.show(cleaned, same_page=same_page and again)
            self.prefetch(index)
        else:
            if not again:
                self.reader.show(None, message=f"Cleaning {self.library.summaries[index].id} …")
            self.clean_selected(index, same_page and again)
        self._panel_counts()

    def on_page_list_highlighted(self, event: PageList.Highlighted) -> None:
        self.open_page(event.index)

    def on_page_list_opened(self, event: PageList.Opened) -> None:
        if event.index != self.current:
            self.open_page(event.index)
        if self.size.width < ZOOM_BELOW and not self._zoomed:
            self._set_zoom(True)
            self._auto_zoomed = True
        self.reader.document_view.focus()

    def _set_zoom(self, zoomed: bool) -> None:
        self._zoomed = zoomed
        self.page_list.display = not zoomed
        if zoomed and self.page_list.has_focus:
            self.reader.document_view.focus()

    # -- actions ------------------------------------------------------------------------------------
    def action_view(self, view: View) -> None:
        if view == "diff" and self.reader.view == "diff":
            self.reader.toggle_diff_layout()
        else:
            self.reader.set_view(view)

    def action_toggle_diff_layout(self) -> None:
        self.reader.toggle_diff_layout()

    def action_removal(self, step: int) -> None:
        if self.reader.cleaned is None:
            return
        if self.reader.step_removal(step) is None:
            self.status.say("no removals on this page")

    def action_why(self) -> None:
        reader = self.reader
        if reader.cleaned is None:
            return
        if reader.view != "diff":
            reader.set_view("diff")
        group = reader.removal_on_screen()
        if group is None:
            self.status.say("no removal on screen: ] goes to the next one")
            return
        stage = next((s for s in self.library.pipeline.stages if s.name == group.cleaner), None)
        position = f"removal {reader.group_index + 1} of {len(reader.groups)}"
        screen = RemovalDetails(
            reader.cleaned,
            group,
            stage.info.description if stage else "",
            stage.enabled if stage else True,
            position,
        )

        def done(toggle: bool | None) -> None:
            if toggle:
                self.toggle_cleaner(group.cleaner)

        self.push_screen(screen, done)

    def action_cleaners(self) -> None:
        panel = self.cleaners_panel
        if panel.display and panel.options.has_focus:
            self._close_cleaners()
            return
        panel.display = True
        panel.fit_to(self.size.height)
        self._panel_counts()
        panel.focus_list()

    def _close_cleaners(self) -> None:
        self.cleaners_panel.display = False
        self._focus_main()

    def on_cleaners_panel_closed(self, event: CleanersPanel.Closed) -> None:
        self._close_cleaners()

    def on_cleaners_panel_toggled(self, event: CleanersPanel.Toggled) -> None:
        self.toggle_cleaner(event.name)

    def toggle_cleaner(self, name: str) -> None:
        on = self.library.toggle(name)
        self.status.say(f"{name} {'on' if on else 'off'}: cleaning again")
        self.crawl()
        self.open_page(self.current, again=True)

    def _panel_counts(self) -> None:
        panel = self.cleaners_panel
        if not panel.display:
            return
        cleaned = self.reader.cleaned
        fresh = cleaned is not None and self.library.peek(self.current) is cleaned
        library = self.library
        panel.update_counts(
            library.pipeline,
            cleaned.removed_by() if fresh and cleaned is not None else None,
            library.folder_removed_by(),
            library.done,
            len(library),
        )

    def action_search(self) -> None:
        self.query_one(SearchBar).open(self.reader.document_view.search_text)

    def on_search_bar_changed(self, event: SearchBar.Changed) -> None:
        found = self.reader.search(event.query)
        if event.done:
            self.query_one(SearchBar).display = False
            self.reader.document_view.focus()
            if event.query:
                self.status.say(f"{found} match{'es' if found != 1 else ''} for “{event.query}”" if found else "")
        if event.query and not found:
            self.status.say(f"no match for “{event.query}”")

    def on_search_bar_cancelled(self, event: SearchBar.Cancelled) -> None:
        self.query_one(SearchBar).display = False
        self.reader.search("")
        self.status.say("")
        self._focus_main()

    def action_match(self, step: int) -> None:
        if not self.reader.step_match(step):
            self.status.say(
                "no search: / to search the page" if not self.reader.document_view.search_text else "no match"
            )

    def action_step_page(self, step: int) -> None:
        self.page_list.move_to(self.page_list.cursor + step)

    def action_reader_page(self, step: int) -> None:
        view = self.reader.document_view
        if step > 0:
            view.action_page_down()
        else:
            view.action_page_up()

    def action_zoom(self) -> None:
        self._set_zoom(not self._zoomed)
        self._auto_zoomed = False

    def action_back_to_list(self) -> None:
        view = self.reader.document_view
        if view.search_text:
            self.reader.search("")
            self.status.say("")
            return
        if self._zoomed and self._auto_zoomed:
            self._set_zoom(False)
            self._auto_zoomed = False
        if self.page_list.display:
            self.page_list.focus()

    def _focus_main(self) -> None:
        if self.page_list.display and not self._zoomed:
            if not self.reader.document_view.has_focus:
                self.page_list.focus()
        else:
            self.reader.document_view.focus()

    def action_help(self) -> None:
        self.push_screen(HelpScreen(self.help_sections()))

    def help_sections(self) -> list[tuple[str, list[tuple[str, str]]]]:
        return [
            ("Anywhere", described(self.BINDINGS)),
            ("The page list", described(PageList.BINDINGS)),
            ("The reader", [*described(DocumentView.BINDINGS), *described(ReadingPane.BINDINGS)]),
            ("The cleaners panel (C)", described(_cleaner_option_bindings()) + described(CleanersPanel.BINDINGS)),
            ("Searching (/)", [("Enter", "Keep the matches and go back to reading"), *described(SearchBar.BINDINGS)]),
            ("Moving around", [("Tab, Shift+Tab", "Move between the list, the reader and the panel")]),
        ]

    # -- command palette: every action ---------------------------------------------------------------
    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        for binding in self.BINDINGS:
            if not isinstance(binding, Binding) or binding.action in ("command_palette",):
                continue
            yield SystemCommand(binding.description, f"key: {binding.key}", partial(self.run_action, binding.action))
        yield from super().get_system_commands(screen)


def _cleaner_option_bindings() -> list[Binding]:
    from .widgets.cleaners_panel import CleanerOptions

    return [b for b in CleanerOptions.BINDINGS if isinstance(b, Binding)]


def run_app(paths: list[str], pipeline: Pipeline, state: Path | None = None, *, use_cache: bool = True) -> None:
    # ``state`` is where triage lives (tui/triage.py); the reader's triage keys are not wired in yet,
    # so the reader opens the store only through `newsread export` for now.
    NewsreadApp(paths, pipeline, use_cache=use_cache).run()
