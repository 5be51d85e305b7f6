"""The page list's shape: its width, its sort order, stories folded to one row, and its title.

What the list shows is a list of page indices (``PageList.rows``); this part of the reader decides it from the
filter's pages, the sort order and the folding, and keeps the cursor on the page in hand when it changes.
"""

from __future__ import annotations

from rich.text import Text

from .dates import sort_key
from .reader_base import ReaderBase, counted
from .settings import LIST_WIDTH_MAX, LIST_WIDTH_MIN, SORTS
from .widgets import StoryVersions
from .widgets.titles import set_border_subtitle, set_border_title

LIST_STEP = 4  # columns < and > widen or narrow the list by
READER_MIN = 30  # columns the reading pane keeps beside the list, however wide the list is asked to be
SORT_NAMES = {
    "name": "file name",
    "date": "date (newest first)",
    "site": "site",
    "kept": "words kept (most first)",
    "removed": "words removed (most first)",
}


class ListOrder(ReaderBase):
    """The list's width (< >), sort order (O), folded stories (z Z) and story versions (V)."""

    def list_width_for(self, total: int) -> int:
        """The list's width in a terminal ``total`` columns wide: the remembered width, or 40% of the terminal
        (at least 40 columns, at most 64); the reading pane keeps READER_MIN columns either way."""
        wanted = self.settings.list_width or min(max(40, total * 40 // 100), 64)
        return max(min(wanted, total - READER_MIN), min(LIST_WIDTH_MIN, total))

    def _fit_list(self) -> None:
        width = self.list_width_for(self.size.width)
        if self.page_list.styles.width is None or self.page_list.styles.width.value != width:
            self.page_list.styles.width = width
            self.call_after_refresh(self._list_title)  # the columns that fit may have changed

    def action_list_width(self, step: int) -> None:
        if not self.page_list.display:
            self.status.say("the list is hidden: f shows it")
            return
        current = self.list_width_for(self.size.width)
        wanted = max(LIST_WIDTH_MIN, min(LIST_WIDTH_MAX, current + step * LIST_STEP))
        self.settings.list_width = wanted
        width = self.list_width_for(self.size.width)
        if width == current:
            self.settings.list_width = current
            self.status.say("the list is as narrow as it gets" if step < 0 else "the list is as wide as it gets here")
            return
        self._fit_list()
        self.status.say(f"list {width} columns wide{self._save_settings()}")

    def action_sort(self) -> None:
        key = SORTS[(SORTS.index(self.page_list.sort_key) + 1) % len(SORTS)]
        self.page_list.sort_key = key
        self.settings.sort = key
        self._show_order(keep=self.page_in_hand)
        self._list_title()
        self.status.say(f"sorted by {SORT_NAMES[key]}{self._save_settings()}")

    def _ordered(self, pages: list[int] | None) -> list[int] | None:
        """``pages`` (None: every page) in the list's order: sorted, and with stories folded to one row if they
        are; None when that is every page in folder order."""
        library = self.library
        self._sorted_for = self._order_basis()
        ordered = self._sorted(pages)
        if not self._folded and not self._toggled_stories:
            return ordered
        return self._fold(list(range(len(library))) if ordered is None else ordered)

    def _story_folded(self, head: int) -> bool:
        """Whether the story whose first page is ``head`` shows as one row: z folds every story, Z toggles one."""
        return self._folded != (head in self._toggled_stories)

    def _sorted(self, pages: list[int] | None) -> list[int] | None:
        key = self.page_list.sort_key
        if key == "name":
            return pages
        summaries = self.library.summaries
        chosen = range(len(summaries)) if pages is None else pages
        # Pages not cleaned yet (or without the field) go last, in folder order; a sort is stable.
        if key == "date":  # dates newest first (tui.dates.sort_key), then those that cannot be read
            keys = {i: k for i in chosen if (k := sort_key(summaries[i].date or "")) is not None}
            days = sorted(keys, key=keys.__getitem__, reverse=True)
            return days + [i for i in chosen if i not in keys]
        if key == "site":
            with_site = sorted(
                (i for i in chosen if summaries[i].site), key=lambda i: (summaries[i].site or "").casefold()
            )
            return with_site + [i for i in chosen if not summaries[i].site]
        field = "words_kept" if key == "kept" else "words_removed"
        cleaned = sorted((i for i in chosen if summaries[i].cleaned), key=lambda i: -getattr(summaries[i], field))
        return cleaned + [i for i in chosen if not summaries[i].cleaned]

    def _fold(self, ordered: list[int]) -> list[int]:
        """One row per folded story (its first page in ``ordered``); with stories folded (z), an opened one's
        other versions follow its row; with every page listed, an opened story's pages stay where they are."""
        library = self.library
        place = {page: k for k, page in enumerate(ordered)}
        out: list[int] = []
        seen: set[int] = set()
        for page in ordered:
            members = library.cluster_members(page)
            if len(members) == 1:
                out.append(page)
                continue
            head = members[0]
            folded = self._story_folded(head)
            if not folded and not self._folded:
                out.append(page)
                continue
            if head in seen:
                continue
            seen.add(head)
            out.append(page)
            if not folded:
                shown = sorted((m for m in members if m in place and m != page), key=place.__getitem__)
                out.extend(shown)
        return out

    def _order_basis(self) -> tuple[int, bool, int]:
        """What the list's order was made from: pages found, cleaning done, the stories found."""
        library = self.library
        stories = self._folded or bool(self._toggled_stories)
        return len(library), library.complete, library.clusters_generation if stories else -1

    def action_fold_stories(self) -> None:
        self._folded = not self._folded
        self._toggled_stories.clear()
        self._show_order(keep=self.page_in_hand)
        self._list_title()
        if self._folded:
            pages = len(self._filtered) if self._filtered is not None else len(self.library)
            shown = f"{counted(self.page_list.count, 'row')} for {counted(pages, 'page')}"
            self.status.say(f"stories folded: {shown} (Z opens one)", lasting=True)
        else:
            self.status.say("every page listed", lasting=True)

    def _story_in_hand(self) -> tuple[int, list[int]] | None:
        """The page in hand and its story's versions, or None (said on the status line) when it has none."""
        page = self.page_in_hand
        if page < 0:
            return None
        members = self.library.cluster_members(page)
        if len(members) < 2:
            self.status.say(self.no_other_version())
            return None
        return page, members

    def action_story_versions(self) -> None:
        story = self._story_in_hand()
        if story is None:
            return
        page, members = story
        versions = self._version_rows(members)

        def chosen(index: int | None) -> None:
            if index is None or index == self.current:
                return
            if not self.page_list.move_to_page(index):
                if self._story_folded(members[0]):  # folded away: open its story, then go to it
                    self._toggled_stories ^= {members[0]}
                    self._show_order(keep=self.current)
                if not self.page_list.move_to_page(index):
                    self.open_page(index)  # not in the filtered list: read it all the same
                    self.status.say("this version is not in the filtered list (Esc clears the filter)")

        self.push_screen(StoryVersions(versions, page), chosen)

    def action_open_story(self) -> None:
        story = self._story_in_hand()
        if story is None:
            return
        page, members = story
        head = members[0]
        self._toggled_stories ^= {head}  # this story only: the others stay as they are
        if self._story_folded(head):
            said = f"story folded: {counted(len(members), 'version')} in one row (Z opens it)"
        else:
            said = f"story opened: {counted(len(members), 'version')}"
        self._show_order(keep=page)
        self._list_title()
        self.status.say(said)

    def _show_order(self, keep: int) -> None:
        """Show the filter's pages (or every page) in the sort order; the cursor stays on page ``keep``."""
        rows = self._ordered(self._filtered)
        if rows is not None and keep not in rows and keep >= 0:
            head = self.library.cluster_members(keep)[0]  # folded away: the cursor goes to its story's row
            keep = next((r for r in rows if self.library.cluster_members(r)[0] == head), keep)
        self.page_list.show_rows(rows, keep=keep)
        self._triage_changed()
        self._show_source()

    def _resort_if_due(self) -> None:
        """A sorted list is sorted again when pages are found and when cleaning ends (values arrive as pages are
        cleaned: sorting on each would move rows under the reader)."""
        stories = self._folded or self._toggled_stories
        if (self.page_list.sort_key != "name" or stories) and self._sorted_for != self._order_basis():
            self._show_order(keep=self.page_in_hand)

    def _version_rows(self, members: list[int]) -> list[tuple[int, Text]]:
        """The story screen's (V) lines: each version with its triage glyphs as the list shows them."""
        rows = []
        for i in members:
            line = self.page_list.glyphs(self.triage.states.get(i), i in self.triage.marked)
            line.append(" " + self._version_line(i))
            rows.append((i, line))
        return rows

    def _refresh_story_screen(self) -> None:
        """Triage changed while the story screen (V) shows: its glyphs follow."""
        screen = self.screen
        if isinstance(screen, StoryVersions):
            screen.update_versions(self._version_rows([i for i, _ in screen.versions]))

    def _version_line(self, index: int) -> str:
        """One version of a story as the versions section lists it: title, then what tells it apart."""
        summary = self.library.summaries[index]
        facts = [summary.site or "", (summary.date or "")[:10], f"{counted(summary.words_kept, 'word')}"]
        return f"{summary.label}  ({' · '.join(f for f in facts if f)})"

    def _list_title(self) -> None:
        library = self.library
        total = len(library)
        shown = self.page_list.count
        if not library.discovered:
            title = "Pages"
        elif self.filter_line:
            title = f"Pages {shown:,}/{total:,}"
        else:
            title = f"Pages {total:,}"
        if self.page_list.sort_key != "name":
            title += f" by {self.page_list.sort_key}"
        if self._folded:
            title += " · stories folded"
        elif self._toggled_stories:
            title += f" · {counted(len(self._toggled_stories), 'story', 'stories')} folded"
        set_border_title(self.page_list, title)  # every poll: assigned unchanged, it would redraw the whole list
        set_border_subtitle(self.page_list, self.page_list.columns_label())
