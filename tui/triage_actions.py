"""The reader's triage keys: marks, decisions, read or unread, undo, tags, the filter and the export.

What they change lives in :mod:`.triage_session` (saved as it goes); this part of the reader asks for it, says
what was done in the status line and redraws the list. Keys that need the triage state say so until it is read.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import suppress
from functools import partial
from pathlib import Path
from typing import Any, cast

from textual import work

from newsread.cleaners import FORMATS, CleanedPage, Source

from .export import ExportError, write_export
from .filter_syntax import FilterSyntaxError, parse_filter, quote_tag
from .reader_base import ReaderBase, counted
from .triage import ActionResult, Decision, Filter, StateError
from .triage_session import place_key
from .widgets import StoryVersions
from .widgets.prompt_bar import PromptBar


class TriageActions(ReaderBase):
    """Triage keys (see :data:`.bindings.TRIAGE_BINDINGS`) and the prompt they open (tags, filter, export)."""

    def _targets(self) -> list[int]:
        """The marked pages, else the page in hand; none (said so) in a folder without pages."""
        targets = self.triage.targets(self.page_in_hand)
        if not targets:
            self.status.say("no page here to act on")
        return targets

    def _triage_ready(self) -> bool:
        if self.triage.ready:
            return True
        self.status.say(self.triage.failed or "triage is still loading (the pages are being hashed): try again soon")
        return False

    def _report(self, description: str) -> None:
        self._triage_changed()
        self.status.say(description)

    def _report_on_marks(self, *results: ActionResult) -> None:
        """Say what a triage key did; if it acted on the marked pages, they are cleared (M, or undoing the key,
        brings them back)."""
        description = "; ".join(r.description for r in results)
        if self.triage.use_up_marks(results):
            description += "; marks cleared (M marks them again)"
        self._report(description)

    def _failed(self, exc: StateError) -> None:
        self.notify(str(exc), title="triage", severity="error", timeout=15, markup=False)
        self._triage_changed()

    def _schedule_read(self, index: int) -> None:
        if self._read_timer is not None:
            self._read_timer.stop()
            self._read_timer = None
        if self.read_after <= 0:
            self._mark_read(index)
        else:
            self._read_timer = self.set_timer(self.read_after, partial(self._mark_read, index))

    def _mark_read(self, index: int) -> None:
        """Page ``index`` was read, if it is still the one on screen."""
        if index != self.current or not self.triage.ready:
            return
        try:
            changed = self.triage.opened(index)
        except StateError as exc:
            self._failed(exc)
            return
        with suppress(StateError):  # where the reader is: a convenience, never worth a notice of its own
            self.triage.remember_place(place_key(self.library.paths), index)
        if changed:
            self._triage_changed()

    def mark_pages(self, indices: Iterable[int]) -> None:
        """Add pages (library indices) to the marked selection; e.g. every page of a story cluster."""
        total = len(self.library)
        self.triage.marked.update(i for i in indices if 0 <= i < total)
        self._triage_changed()

    @property
    def marked(self) -> set[int]:
        """The marked selection: page indices triage actions apply to (instead of the page read)."""
        return self.triage.marked

    def action_toggle_mark(self) -> None:
        index = self.page_list.current_page
        if index < 0:
            return
        marked = self.triage.marked
        if index in marked:
            marked.discard(index)
        else:
            marked.add(index)
        self.page_list.move_to(self.page_list.cursor + 1)
        self._triage_changed()

    def action_mark_shown(self) -> None:
        shown = set(self.page_list.order)
        marked = self.triage.marked
        if shown and shown <= marked:
            marked.difference_update(shown)
            self._report(f"unmarked {counted(len(shown), 'page')}")
        else:
            self.mark_pages(shown)
            self._report(f"{counted(len(marked), 'page')} marked: triage keys now apply to them (X clears)")

    def action_mark_story(self) -> None:
        if self.page_in_hand < 0:
            return
        story = self.library.cluster_members(self.page_in_hand)
        if len(story) < 2:
            self._report(self.no_other_version())
            return
        self.mark_pages(story)
        self._report(f"{len(story)} versions of this story marked: triage keys now apply to the marks (X clears)")

    def action_mark_again(self) -> None:
        n = self.triage.mark_again()
        self._report(
            f"{counted(len(self.triage.marked), 'page')} marked again: triage keys apply to them (X clears)"
            if n
            else "no marks to bring back: M marks again the pages the last triage key acted on"
        )

    def on_story_versions_triage(self, event: StoryVersions.Triage) -> None:
        """A triage key in the story screen (V): on the version highlighted there, not on the marks."""
        if event.what == "mark":
            self.triage.marked ^= {event.index}
            self._triage_changed()
            return
        if not self._triage_ready():
            return
        try:
            result = self.triage.decide([event.index], cast(Decision, event.what))
        except StateError as exc:
            self._failed(exc)
            return
        self._report(result.description)

    def action_clear_marks(self) -> None:
        n = len(self.triage.marked)
        self.triage.marked.clear()
        self._report(f"cleared {counted(n, 'mark')}" if n else "no marks to clear")

    def action_decide(self, decision: Decision) -> None:
        if not self._triage_ready():
            return
        targets = self._targets()
        if not targets:
            return
        try:
            result = self.triage.decide(targets, decision)
        except StateError as exc:
            self._failed(exc)
            return
        self._report_on_marks(result)

    def action_toggle_read(self) -> None:
        if not self._triage_ready():
            return
        if self._read_timer is not None:  # pressing r on a fresh page: the timer must not undo the key
            self._read_timer.stop()
            self._read_timer = None
        targets = self._targets()
        if not targets:
            return
        try:
            result = self.triage.toggle_read(targets)
        except StateError as exc:
            self._failed(exc)
            return
        self._report_on_marks(result)

    def action_undo(self) -> None:
        if self._triage_ready():
            marks = len(self.triage.marked)
            try:
                description = self.triage.undo().description
            except StateError as exc:
                self._failed(exc)
                return
            back = len(self.triage.marked) - marks  # the marks the undone key had used up are marked again
            self._report(f"{description}; {counted(back, 'page')} marked again" if back else description)

    def action_redo(self) -> None:
        if self._triage_ready():
            marks = len(self.triage.marked)
            try:
                description = self.triage.redo().description
            except StateError as exc:
                self._failed(exc)
                return
            used = len(self.triage.marked) < marks  # the redone key uses its marks up again
            self._report(f"{description}; marks cleared (M marks them again)" if used else description)

    def action_next_where(self, status: str) -> None:
        if not self._triage_ready():
            return
        if status == "unread":
            found = self.triage.next_where(self.page_list.order, self.page_in_hand, lambda s: not s.read)
        else:
            found = self.triage.next_where(self.page_list.order, self.page_in_hand, lambda s: s.decision == "none")
        shown = " shown" if self.filter_line else ""
        if found is None:
            self.status.say(f"no other {status} page{shown}")
            return
        self.page_list.move_to_page(found)

    def action_tag(self) -> None:
        if not self._triage_ready():
            return
        targets = self._targets()
        if not targets:
            return
        tags = sorted({t for i in targets for t in (self.triage.states[i].tags if i in self.triage.states else ())})
        if self.triage.marked:
            which = f"the {counted(len(targets), 'marked page')}"
            verb = "has" if len(targets) == 1 else "have"
        else:
            which, verb = "this page", "has"
        has = f"{verb} {', '.join(tags)}" if tags else f"{verb} no tags"
        self.prompt.ask(
            "tag",
            "tags ",
            placeholder=[
                f"{which} {has} · tag adds, -tag removes, commas between (Enter, Esc)",
                f"{which} {has} · tag adds, -tag removes",
                f"{which} {has}",
            ],
        )

    def _apply_tags(self, line: str) -> None:
        add: list[str] = []
        remove: list[str] = []
        for item in line.split(","):
            item = " ".join(item.split())
            if item.startswith("-") and item[1:].strip():
                remove.append(item[1:].strip())
            elif item and item != "-":
                add.append(item)
        if not add and not remove:
            return
        try:
            results = self.triage.tag(self._targets(), add, remove)
        except StateError as exc:
            self._failed(exc)
            return
        self._report_on_marks(*results)

    def action_filter(self) -> None:
        if not self._triage_ready():
            return
        self.prompt.ask(
            "filter",
            "filter ",
            self.filter_line,
            placeholder=[
                "status:undecided tag:x site:bbc date:2024-05 words (Enter keeps it, Esc clears it)",
                "status:undecided tag:x site:bbc date:2024-05 words (Esc clears)",
                "status:undecided tag:x site:bbc date:2024-05 words",
            ],
        )

    def _parse(self, line: str) -> Filter | None:
        try:
            return parse_filter(line)
        except (FilterSyntaxError, ValueError) as exc:
            # Lasting: typing the filter moves the list, and the page opened then must not take the message away.
            self.status.say(str(exc), lasting=True)
            return None

    def set_filter(self, line: str) -> bool:
        """Show only the pages matching ``line`` (filter syntax); "" shows every page. False if not understood."""
        flt = self._parse(line)
        if flt is None or not self.triage.ready:
            return False
        self.filter_line = line.strip() if flt != Filter() else ""
        try:
            self._filtered = self.triage.query(flt) if self.filter_line else None
        except StateError as exc:
            self._failed(exc)
            return False
        self._show_order(keep=self.current)
        return True

    def filter_tag(self, tag: str) -> None:
        """Show the pages with ``tag`` (for the command palette and for scripts)."""
        self.set_filter(quote_tag(tag))

    def action_export(self) -> None:
        if not self._triage_ready():
            return
        what, indices = self._export_choice()
        if not indices:  # said before a folder is typed for nothing
            why = "the filter shows no page" if self._filtered is not None else "no page is kept or starred"
            self.status.say(f"nothing to export: {why} (x marks pages, F filters them)")
            return
        self.prompt.ask(
            "export",
            "export to ",
            placeholder=[
                f"folder [as markdown|text|jsonl] · {what} (Enter starts, Esc cancels)",
                f"folder [as markdown|text|jsonl] · {what}",
                f"folder · {what}",
            ],
        )

    def _export_choice(self) -> tuple[str, list[int]]:
        """What an export takes: the marked pages, else the pages the filter shows, else kept and starred ones."""
        triage = self.triage
        if triage.marked:
            return f"the {counted(len(triage.marked), 'marked page')}", sorted(triage.marked)
        if self._filtered is not None:
            return f"the {counted(len(self._filtered), 'page')} shown", list(self._filtered)
        chosen = triage.query(Filter(statuses=frozenset({"kept", "starred"})))
        return f"the {counted(len(chosen), 'kept and starred page')}", chosen

    def start_export(self, line: str) -> None:
        """Export what :meth:`_export_choice` picks to the folder (and format) in ``line``."""
        line = line.strip()
        fmt = "markdown"
        head, sep, tail = line.rpartition(" as ")
        if sep and tail.strip() in FORMATS:
            line, fmt = head.strip(), tail.strip()
        if not line:
            self.status.say("export: type the folder to write into")
            return
        out = Path(line).expanduser()
        what, indices = self._export_choice()
        chosen = self.triage.chosen(indices, self.library.sources)
        if not chosen:
            self.notify(f"nothing to export: {what}", title="export", severity="warning", markup=False)
            return
        self.status.say(f"exporting {what} to {out} …", seconds=60, lasting=True)
        self.export_pages(chosen, out, fmt)

    @work(thread=True, group="export")
    def export_pages(self, chosen: list[Any], out: Path, fmt: str) -> None:
        inputs = [Path(p) for p in self.library.paths]
        try:
            library = self.library
            files = library.sources
            index_of = {id(source): i for i, source in enumerate(files)}  # (chosen from these)

            def clean(source: Source) -> CleanedPage:  # by the reader's worker: a stuck page never freezes it
                return library.clean(index_of[id(source)], keep=False)

            result = write_export(
                chosen,
                library.pipeline,
                out,
                fmt=fmt,
                inputs=inputs,
                input_files=lambda: [s.file for s in files],
                clean=clean,
            )
        except (ExportError, OSError) as exc:
            with suppress(RuntimeError):
                self.call_from_thread(
                    partial(self.notify, str(exc), title="export failed", severity="error", timeout=20, markup=False)
                )
                self.call_from_thread(self.status.say, "")
            return
        where = out.resolve()
        failed = f"; {len(result.failed)} could not be read" if result.failed else ""
        if result.refused:
            failed += f"; {len(result.refused)} not written ({result.refused[0][1]})"
        if result.renamed:
            failed += f"; {len(result.renamed)} under another name (theirs was taken), e.g. {result.renamed[0][1].name}"
        message = f"exported {counted(len(result.page_ids), 'page')} as {fmt} to {where}{failed}"
        self.exported.append(where)
        with suppress(RuntimeError):
            self.call_from_thread(partial(self.notify, message, title="export", timeout=15, markup=False))
            self.call_from_thread(partial(self.status.say, message, lasting=True))

    def on_prompt_bar_changed(self, event: PromptBar.Changed) -> None:
        if event.purpose == "filter":
            ok = self.set_filter(event.value)
            if event.done and ok:
                self._close_prompt()
                shown = self.page_list.count
                matches = f"{counted(shown, 'page')} match{'es' if shown == 1 else ''}"
                self.status.say(matches if self.filter_line else "", lasting=True)
            return
        if not event.done:
            return
        self._close_prompt()
        if event.purpose == "tag":
            self._apply_tags(event.value)
        elif event.purpose == "export":
            self.start_export(event.value)

    def on_prompt_bar_cancelled(self, event: PromptBar.Cancelled) -> None:
        self._close_prompt()
        if event.purpose == "filter" and self.filter_line:
            self.set_filter("")
            self.status.say("filter cleared: every page shown", lasting=True)
        elif event.purpose == "filter":
            self.status.say("")  # what the filter said as it was typed (a term not understood) is over

    def _close_prompt(self) -> None:
        self.prompt.display = False
        self.prompt.purpose = ""
        self._focus_main()
