"""The reader's keys, and the help screen that lists them (the widgets' own keys are in each widget).

Reading keys are letters; triage keys are symbols and capitals, clear of them. Each binding's description is
what the help screen (?) and the command palette (:) show.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.binding import Binding, BindingType

from .widgets import CleanersPanel, DocumentView, PageList, ReadingPane, SearchBar, StoryVersions
from .widgets.cleaners_panel import CleanerOptions
from .widgets.help_screen import described
from .widgets.prompt_bar import PromptBar
from .widgets.removal_details import RemovalDetails

# Triage keys: symbols and capitals, clear of the reading keys (mutt/newsboat habits where there are some).
TRIAGE_BINDINGS: list[BindingType] = [
    Binding("plus,a", "decide('kept')", "Keep the page or the marked pages (marks cleared); again: undecided"),
    Binding("asterisk,S", "decide('starred')", "Star the page or the marked pages (marks cleared); again: undecided"),
    Binding("minus,D", "decide('discarded')", "Discard the page or the marked pages (marks cleared); again: undecided"),
    Binding("equals_sign", "decide('none')", "Clear the decision: back to undecided"),
    Binding("r", "toggle_read", "Mark read or unread (pages count as read after half a second on screen)"),
    Binding("t", "tag", "Tags: type tag to add, -tag to remove, several separated by commas", priority=True),
    Binding("x", "toggle_mark", "Mark or unmark the page and go to the next (actions then apply to the marks)"),
    Binding("A", "mark_shown", "Mark every page shown (or unmark them all)"),
    Binding("X", "clear_marks", "Clear the marks"),
    Binding("M", "mark_again", "Mark again the pages the last triage key acted on (it cleared their marks)"),
    Binding(
        "v", "mark_story", "Mark every version of this page's story (≡ in the list): triage keys then apply to all"
    ),
    Binding("u", "undo", "Undo the last triage action (also one from an earlier run) and bring back its marks"),
    Binding("U,ctrl+r", "redo", "Redo what was undone"),
    Binding("full_stop", "next_where('unread')", "Next unread page"),
    Binding("comma", "next_where('undecided')", "Next undecided page (neither kept, starred nor discarded)"),
    Binding(
        "F,l", "filter", "Filter the list: status:kept tag:x site:bbc date:2024-05 words (Esc clears)", priority=True
    ),
    Binding(
        "E",
        "export",
        "Export clean articles to a folder: marked pages, else those shown, else kept and starred",
        priority=True,
    ),
]

# Keys that open a line to type in. Textual hands each key to the widget focused when the key arrives, so the
# letters of "/Putin" typed fast (or arriving in one read over ssh) went to the list and ran as keys there (u
# undid, t asked for tags) before the search took the focus. These are priority bindings: the app runs them as
# the key arrives and the prompt takes the focus at once, so the keys after them land in it. Where a line is
# being typed, or another screen is up, they are not theirs (NewsreadApp.check_action).
PROMPT_ACTIONS = frozenset({"search", "filter", "tag", "export"})

# The reader's keys: the app's BINDINGS.
READER_BINDINGS: list[BindingType] = [
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
    Binding("slash", "search", "Search in the page", priority=True),
    Binding("n", "match(1)", "Next match"),
    Binding("p,N", "match(-1)", "Previous match"),
    Binding("J", "step_page(1)", "Next page"),
    Binding("K", "step_page(-1)", "Previous page"),
    Binding("space", "reader_page(1)", "Page the reader down"),
    Binding("b", "reader_page(-1)", "Page the reader up"),
    Binding("f", "zoom", "Reader full width (hide the list) or back"),
    Binding("less_than_sign", "list_width(-1)", "Narrow the list (remembered)"),
    Binding("greater_than_sign", "list_width(1)", "Widen the list (remembered)"),
    Binding("left_curly_bracket", "reading_width(-1)", "Narrower reading width of the clean view (remembered)"),
    Binding("right_curly_bracket", "reading_width(1)", "Wider reading width of the clean view (remembered)"),
    Binding("B", "browser", "Open the page's URL (else its file) in the web browser ($BROWSER)"),
    Binding("y", "copy('url')", "Copy the page's URL (else its file's path) to the clipboard (OSC 52)"),
    Binding("Y", "copy('text')", "Copy the page's clean text to the clipboard (OSC 52)"),
    Binding("V", "story_versions", "Every version of this page's story, with site, date and words: Enter reads one"),
    Binding("z", "fold_stories", "Fold each story's versions into one row (≡N), or list every page again"),
    Binding("Z", "open_story", "Open or fold the story under the cursor (its versions in rows of their own)"),
    Binding("R", "rescan", "Rescan the folder: new files join, changed ones are cleaned again, removed ones leave"),
    Binding("O", "sort", "Sort the list: file name, date, site, words kept, words removed (remembered)"),
    Binding("escape", "back_to_list", "Back: clear the search, or return to the list"),
    Binding("colon", "command_palette", "Command palette: every action by name"),
    *TRIAGE_BINDINGS,
]


def help_sections(bindings: Sequence[BindingType]) -> list[tuple[str, list[tuple[str, str]]]]:
    """The help screen (?): every key, by where it acts; ``bindings``: the app's own."""
    triage = {id(b) for b in TRIAGE_BINDINGS}
    cleaner_options = [b for b in CleanerOptions.BINDINGS if isinstance(b, Binding)]
    return [
        ("Anywhere", described(b for b in bindings if id(b) not in triage)),
        (
            "Triage (saved as you go; on the marked pages if any, which it then unmarks, else the page read)",
            described(TRIAGE_BINDINGS),
        ),
        (
            "Filter (F), tags (t), export (E)",
            [
                ("Enter", "Apply: the filter stays, the tags are set, the export starts"),
                *described(PromptBar.BINDINGS),
                ("status:", "unread, read, undecided, kept, starred, discarded (commas: any of them)"),
                ("tag: site:", 'a tag the page has (tag:"two words"); part of the site name'),
                ("date:", "2024, 2024-05, 2024-05-03 (or 20/11/2019), or a range 2024-01..2024-03"),
                ("", "a day that reads both ways (03/04/2019) finds either day, and pages dated so by either"),
                ("other words", "start words of the title or the clean text, in any order"),
            ],
        ),
        ("The page list", described(PageList.BINDINGS)),
        ("The reader", [*described(DocumentView.BINDINGS), *described(ReadingPane.BINDINGS)]),
        ("The cleaners panel (C)", described(cleaner_options) + described(CleanersPanel.BINDINGS)),
        ("Why was this removed? (w)", described(RemovalDetails.BINDINGS)),
        ("The story's versions (V)", [("Enter", "Read the highlighted version"), *described(StoryVersions.BINDINGS)]),
        ("Searching (/)", [("Enter", "Keep the matches and go back to reading"), *described(SearchBar.BINDINGS)]),
        ("Moving around", [("Tab, Shift+Tab", "Move between the list, the reader and the panel")]),
    ]
