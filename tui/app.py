"""The reader: a folder of pages beside the selected page, in clean, original or diff view; keyboard first.

It presents what the engine decided and decides nothing itself. The app is split by job, each a class it is
built from (see :mod:`.reader_base`): :mod:`.bindings` (the keys and the help screen), :mod:`.background`
(the work behind the screen and the folder session's messages), :mod:`.triage_actions` (marks, decisions,
tags, the filter, the export) and :mod:`.list_order` (the list's width, order and folded stories). What is
left here: the layout, opening pages, the views, the panels, search, and starting the app.
"""

from __future__ import annotations

import os
import subprocess
import sys
import webbrowser
from collections.abc import Iterable
from contextlib import suppress
from functools import partial
from pathlib import Path
from typing import ClassVar

from textual import events
from textual.app import ComposeResult, SuspendNotSupported, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Input

from newsread.cleaners import Pipeline, default_config_path, render

from .background import HOUSEKEEPING_SECONDS, BackgroundWork
from .bindings import PROMPT_ACTIONS, READER_BINDINGS, TRIAGE_BINDINGS, help_sections
from .documents import RemovalGroup
from .library import one_line
from .list_order import LIST_STEP, ListOrder
from .process import collect_rarely, restore_thresholds, resume_collections, terminal_problem
from .settings import (
    READING_WIDTH_MAX,
    READING_WIDTH_MIN,
    ConfigEditError,
    default_settings_path,
    save_cleaner_switches,
)
from .triage import default_state_path
from .triage_actions import TriageActions
from .widgets import (
    CleanersPanel,
    PageList,
    ReadingPane,
    RemovalDetails,
    SearchBar,
    StatusBar,
)
from .widgets.help_screen import HelpScreen, key_label
from .widgets.prompt_bar import PromptBar
from .widgets.reading_pane import View
from .widgets.titles import set_border_title

__all__ = ["TRIAGE_BINDINGS", "NewsreadApp", "run_app"]

ZOOM_BELOW = 110  # narrower than this, opening a page gives the reader the whole width
CLEANING_NOTE_AFTER = 0.1  # seconds a page being cleaned on demand may take before the reader says so


class ReaderScreen(Screen[None]):
    """The one screen of the reader; the help and removal details are modal screens above it."""

    def on_resize(self, event: events.Resize) -> None:
        app = self.app
        if isinstance(app, NewsreadApp):
            app._fit_list()  # the list's width is a share of the terminal's (the App is not told of a resize)


class NewsreadApp(BackgroundWork, TriageActions, ListOrder):
    """The reader: the layout and what is not one of the jobs it is built from (see the module's docstring)."""

    CSS_PATH = "app.tcss"
    TITLE = "newsread"
    BINDINGS: ClassVar[list[BindingType]] = READER_BINDINGS

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The keys that open a prompt (:data:`.bindings.PROMPT_ACTIONS`, priority bindings) are the reader's
        only: not while a line is typed (a "/" in a folder's name) or another screen is up (t in "why")."""
        if action not in PROMPT_ACTIONS:
            return True
        return isinstance(self.screen, ReaderScreen) and not isinstance(self.focused, Input)

    # -- layout -------------------------------------------------------------------------------------
    def get_default_screen(self) -> Screen[None]:
        return ReaderScreen()

    def compose(self) -> ComposeResult:
        with Horizontal(id="main"):
            yield PageList(self.library, id="pages")
            yield ReadingPane(id="reader")
        yield CleanersPanel(id="cleaners")
        yield SearchBar(id="search")
        yield PromptBar(id="prompt")
        yield StatusBar(self.library, id="status")

    def on_mount(self) -> None:
        settings = self.settings
        if settings.theme and settings.theme in self.available_themes:
            self.theme = settings.theme
        elif settings.theme:
            self._settings_problems.append(f"no theme called {settings.theme!r}; using the default")
        elif not self.is_headless and self.console.color_system in ("standard", "windows"):
            self.theme = "ansi-dark"  # 16 colours: use the terminal's own palette rather than approximations
        self._start_theme = self.theme
        self.theme_changed_signal.subscribe(self, self._theme_changed)
        if settings.animations == "off" or (settings.animations == "auto" and _over_ssh()):
            self.animation_level = "none"
        self.reader.side_by_side = settings.diff_layout == "side-by-side"
        self.reader.reading_width = settings.reading_width
        self.page_list.sort_key = settings.sort
        for problem in self._settings_problems:
            self.notify(problem, title="settings", severity="warning", timeout=10, markup=False)
        self._fit_list()
        if settings.watch:
            self.set_interval(settings.watch, self._watch_tick)
        self.cleaners_panel.display = False
        self.query_one(SearchBar).display = False
        self.prompt.display = False
        self.page_list.states = self.triage.states
        self.page_list.marked = self.triage.marked
        self.page_list.on_highlight = self.open_page
        set_border_title(self.page_list, "Pages")
        self.page_list.focus()
        for problem in self.library.pipeline.problems:
            self.notify(problem, title="cleaners", severity="warning", timeout=8)
        self._gc_threshold = collect_rarely()
        warned = len(self.library.warnings)  # (told before the app ran; from now on as messages)
        self._relay.start(self)
        for warning in self.library.warnings[:warned]:
            self.notify(warning, title="cache", severity="warning", timeout=8)
        self.set_interval(HOUSEKEEPING_SECONDS, self._housekeeping)
        self.crawl()
        self.load_triage()

    # -- settings ---------------------------------------------------------------------------------------
    def _theme_changed(self, theme: object) -> None:
        """A theme picked (command palette, Change theme) is remembered; the one the reader starts with is not."""
        if self.theme == (self.settings.theme or self._start_theme):
            return
        self.settings.theme = self.theme
        self.status.say(f"theme {self.theme}{self._save_settings()}")

    def on_unmount(self) -> None:
        self._relay.stop()
        restore_thresholds(self._gc_threshold)
        resume_collections()
        self.library.close()
        self.triage.stop_writing()

    # -- opening pages ------------------------------------------------------------------------------
    def open_page(self, index: int, *, again: bool = False) -> None:
        """Show page ``index``; ``again``: the same page after the cleaners changed (keep the place)."""
        if not 0 <= index < len(self.library):
            return
        same_page = index == self.current
        self.current = index
        if not same_page:
            self._schedule_read(index)
            for bar in self.query(StatusBar):
                bar.page_changed()  # "redid: kept 1 page" is not about this page
        self._stop_cleaning_note()
        cleaned = self.library.peek(index)
        if cleaned is not None:
            self.reader.show(cleaned, same_page=same_page and again)
            self.call_after_refresh(self._after_shown, index, cleaned)
        else:
            if not again:
                # Said only if the page is slow to come: most come within a frame or two, and drawing the
                # note first cost each such key a second page drawn and a layout (the reader's scrollbar).
                self._cleaning_note = self.set_timer(CLEANING_NOTE_AFTER, partial(self._say_cleaning, index))
            self.clean_selected(index, same_page and again, self._next_in_list(), self.reader.ahead_order())
        self._show_source()
        self._panel_counts()

    def _say_cleaning(self, index: int) -> None:
        self._cleaning_note = None
        if not self.query(ReadingPane):
            return  # the app is closing: its widgets are gone, the timer not yet
        if index == self.current and self.library.peek(index) is None:
            self.reader.show(None, message=f"Cleaning {self.library.summaries[index].id} …")

    def _stop_cleaning_note(self) -> None:
        if self._cleaning_note is not None:
            self._cleaning_note.stop()
            self._cleaning_note = None

    def on_page_list_highlighted(self, event: PageList.Highlighted) -> None:
        self.open_page(event.index)

    def on_page_list_opened(self, event: PageList.Opened) -> None:
        if event.index != self.current:
            self.open_page(event.index)
        self._mark_read(event.index)  # Enter: read now, whatever the delay
        if self.size.width < ZOOM_BELOW and not self._zoomed:
            self._set_zoom(True)
            self._auto_zoomed = True
        self.reader.document_view.focus()

    def _set_zoom(self, zoomed: bool) -> None:
        self._zoomed = zoomed
        self.page_list.display = not zoomed
        if zoomed and self.page_list.has_focus:
            self.reader.document_view.focus()

    # -- where the page came from, and leaving the reader ------------------------------------------------------
    def page_source(self, index: int) -> tuple[str | None, str]:
        """Page ``index``'s URL (its own, once cleaned, else its web archive's; None if unknown) and file."""
        source = self.library.sources[index]
        cleaned = self.reader.cleaned if index == self.current else None
        url = (cleaned.metadata.get("url") if cleaned is not None else None) or source.url
        return url or None, os.path.abspath(source.file)

    def _show_source(self) -> None:
        """The reading pane's header: the page's place in the list and its URL, else its file."""
        index = self.current
        if not 0 <= index < len(self.library.sources):
            return
        pages = self.page_list
        place = ""
        if pages.current_page == index:
            shown = " shown" if self.filter_line else ""
            place = f"page {pages.cursor + 1:,} of {pages.count:,}{shown}"
        url, file = self.page_source(index)
        if url is None:
            with suppress(ValueError):  # another drive (Windows): the whole path
                relative = os.path.relpath(file)
                file = file if relative.startswith("..") else relative  # below the working folder: shorter
        self.reader.set_source(place, one_line(url or file))

    def action_browser(self) -> None:
        index = self.current
        if not 0 <= index < len(self.library.sources):
            return
        url, file = self.page_source(index)
        target = url or Path(file).as_uri()
        if _has_display():
            opened = webbrowser.open(target)  # a window of its own: the reader stays on screen
        else:
            try:
                with self.suspend():  # a browser in the terminal (lynx, w3m …) gets the screen until it quits
                    opened = webbrowser.open(target)
            except SuspendNotSupported:
                opened = webbrowser.open(target)
        if opened:  # (not the address itself: a long one would not fit the status line)
            self.status.say(f"opened the page's {'URL' if url else 'file'} in the browser")
        else:
            self.status.say("no web browser found: set $BROWSER (y copies the address)")

    def action_copy(self, what: str) -> None:
        index = self.current
        if not 0 <= index < len(self.library.sources):
            return
        if what == "text":
            cleaned = self.reader.cleaned
            if cleaned is None or cleaned.page.error:
                self.status.say("nothing to copy: this page has no clean text")
                return
            text, said = render(cleaned, "text"), "the clean text"
        else:
            url, file = self.page_source(index)
            text, said = (url, "the URL") if url else (file, "the path")
        self.copy_to_clipboard(text)
        refused = _clipboard_refused()
        # Short: it must fit an 80-column status line with the progress before it.
        self.status.say(f"copied {said}{refused or ' (OSC 52)'}", seconds=10)

    # -- actions ------------------------------------------------------------------------------------
    def action_view(self, view: View) -> None:
        if view == "diff" and self.reader.view == "diff":
            self.action_toggle_diff_layout()
        else:
            self.reader.set_view(view)

    def action_toggle_diff_layout(self) -> None:
        self.reader.toggle_diff_layout()
        self.settings.diff_layout = "side-by-side" if self.reader.side_by_side else "inline"
        self._save_settings()

    def action_reading_width(self, step: int) -> None:
        reader = self.reader
        width = max(READING_WIDTH_MIN, min(READING_WIDTH_MAX, reader.reading_width + step * LIST_STEP))
        if width == reader.reading_width:
            self.status.say(f"the reading width is {width}: as {'narrow' if step < 0 else 'wide'} as it goes")
            return
        reader.reading_width = width
        self.settings.reading_width = width
        wider = (
            "" if reader.document_view.text_width >= width else f" (the pane is {reader.document_view.text_width} wide)"
        )
        self.status.say(f"reading width {width}{wider}{self._save_settings()}")

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
            self.status.say("no removal on screen: ] goes to the next one" if reader.groups else "nothing was removed")
            return
        screen = RemovalDetails(reader.cleaned, *self._why_facts(group), step=self._step_why)

        def done(toggle: bool | None) -> None:
            if toggle:
                self.toggle_cleaner(screen.group.cleaner)  # (] and [ in the dialog may have moved on)

        self.push_screen(screen, done)

    def _why_facts(self, group: RemovalGroup) -> tuple[RemovalGroup, str, bool, str]:
        """What the "why" dialog says of ``group`` besides the page: the cleaner's description, whether it is on,
        and which removal of the page it is."""
        reader = self.reader
        stage = next((s for s in self.library.pipeline.stages if s.name == group.cleaner), None)
        position = f"removal {reader.group_index + 1} of {len(reader.groups)}"
        return group, stage.info.description if stage else "", stage.enabled if stage else True, position

    def _step_why(self, step: int) -> tuple[RemovalGroup, str, bool, str] | None:
        """] or [ in the "why" dialog: the diff moves to the next or previous removal, the dialog tells of it."""
        group = self.reader.step_removal(step)
        return self._why_facts(group) if group is not None else None

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
        if event.part is None:
            self.toggle_cleaner(event.name)
        else:
            self.toggle_part(event.name, event.part)

    def action_save_cleaners(self) -> None:
        switched = self._switched
        if not switched:
            self.status.say("no cleaner was switched in this run: nothing to save")
            return
        if self.config_file is None:
            self.status.say("no config file in this run: the switches last until you quit")
            return
        try:
            save_cleaner_switches(self.config_file, switched)
        except (ConfigEditError, OSError) as exc:
            self.notify(str(exc), title="cleaners not saved", severity="error", timeout=20, markup=False)
            return
        names = ", ".join(f"{name} {'on' if on else 'off'}" for name, on in sorted(switched.items()))
        self._switched_from.update(switched)
        self._switched = {}
        self.status.say(f"saved {names} in {self.config_file.name}", seconds=10, lasting=True)
        self.notify(f"saved {names} in {self.config_file}", title="cleaners", markup=False)

    def toggle_cleaner(self, name: str) -> None:
        on = self.library.toggle(name)
        if self._switched_from.setdefault(name, not on) == on:  # back as the config has it: nothing to keep
            self._switched.pop(name, None)
            self._reclean(f"{name} {'on' if on else 'off'}", " (as configured)")
            return
        self._switched[name] = on
        self._reclean(f"{name} {'on' if on else 'off'}", "; C then W keeps it")

    def toggle_part(self, name: str, part: str) -> None:
        """Switch part ``part`` of cleaner ``name`` (one of its judges) for this run: the folder is cleaned again
        and the diff shows what the cleaner decides without it (or with it)."""
        on = self.library.toggle_part(name, part)
        self._reclean(f"{name}: {part} {'on' if on else 'off'}", " (this run)")

    def _reclean(self, what: str, hint: str) -> None:
        """The folder is being cleaned again after ``what`` was switched: said until it is done (poll then says
        so), whatever page is opened meanwhile; the page on screen is shown again."""
        self._recleaning = what
        self._recleaning_hint = hint
        self._recleaning_done = ": {pages} cleaned again"
        self.status.say(f"{what}: cleaning again", seconds=None, lasting=True)
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
        wrapped = self.reader.step_match(step)
        if wrapped is None:
            query = self.reader.document_view.search_text
            self.status.say(f"no match for “{query}”" if query else "no search: / to search the page")
        elif wrapped:
            self.status.say("search wrapped to the top" if step > 0 else "search wrapped to the bottom")

    def action_step_page(self, step: int) -> None:
        pages = self.page_list
        if not 0 <= pages.cursor + step < pages.count:  # (from the reader, the list may be hidden: say so)
            shown = " shown" if self.filter_line else ""
            self.status.say(f"this is the {'last' if step > 0 else 'first'} page{shown}" if pages.count else "")
            return
        pages.move_to(pages.cursor + step)

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
        if self.page_list.has_focus and self.filter_line:
            self.set_filter("")
            self.status.say("filter cleared: every page shown", lasting=True)
            return
        if self._zoomed and self._auto_zoomed:
            self._set_zoom(False)
            self._auto_zoomed = False
        if self.page_list.display:
            self.page_list.focus()

    def action_help(self) -> None:
        self.push_screen(HelpScreen(self.help_sections()))

    def help_sections(self) -> list[tuple[str, list[tuple[str, str]]]]:
        return help_sections(self.BINDINGS)

    # -- command palette: every action ---------------------------------------------------------------
    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        for binding in self.BINDINGS:
            if not isinstance(binding, Binding) or binding.action in ("command_palette",):
                continue
            yield SystemCommand(
                binding.description, f"key: {key_label(binding.key)}", partial(self.run_action, binding.action)
            )
        yield from super().get_system_commands(screen)


def _has_display() -> bool:
    """A browser opened from here gets a window of its own (else it would take over this terminal)."""
    return sys.platform in ("darwin", "win32") or bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _clipboard_refused() -> str:
    """A note when the terminal is known to drop OSC 52 (tmux unless set-clipboard is on), else ""."""
    if not os.environ.get("TMUX"):
        return ""
    try:
        setting = subprocess.run(
            ["tmux", "show-options", "-gv", "set-clipboard"], capture_output=True, text=True, timeout=2
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""
    if setting == "on":
        return ""
    return "; tmux drops it: set -g set-clipboard on"


def _over_ssh() -> bool:
    return bool(os.environ.get("SSH_CONNECTION") or os.environ.get("SSH_TTY"))


def run_app(
    paths: list[str],
    pipeline: Pipeline,
    state: Path | None = None,
    *,
    use_cache: bool = True,
    config: Path | None = None,
) -> None:
    """Open the reader; triage is saved in ``state`` (default: the user state folder), cleaner switches the user
    saves in ``config`` (default: the user config file). Exits (status 2) with a
    message when the output is not a terminal: the full-screen reader is never drawn into a pipe."""
    problem = terminal_problem()
    if problem is not None:
        print(f"newsread: {problem}", file=sys.stderr)
        raise SystemExit(2)
    app = NewsreadApp(
        paths,
        pipeline,
        state or default_state_path(),
        use_cache=use_cache,
        settings=default_settings_path(),
        config_file=config or default_config_path(),
    )
    try:
        app.run()
    finally:
        app.triage.close()
