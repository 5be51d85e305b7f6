"""The reader's non-Textual parts: wrapping, the documents each view shows, the folder being cleaned."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from newsread.cleaners import Annotation, CleanedPage, CleanerInfo, Pipeline, text_page
from newsread.tui.documents import (
    block_removals,
    clean_document,
    inline_diff_document,
    original_document,
    removal_groups,
    side_by_side_document,
)
from newsread.tui.library import Library
from newsread.tui.widgets.status_bar import progress_text
from newsread.tui.wrap import line_starts

from ..conftest import WordCleaner


def pipeline() -> Pipeline:
    info = CleanerInfo("word_cleaner", "removes blocks with a word", "test", 0, True, WordCleaner)
    return Pipeline.from_infos([info])


# -- wrapping --------------------------------------------------------------------------------------------
@settings(max_examples=300, deadline=None)
@given(
    text=st.text(alphabet=st.sampled_from(list("ab cd  efg 서울 xyz\u00e9\u4e2d")), max_size=200),
    width=st.integers(min_value=1, max_value=40),
    indent=st.integers(min_value=0, max_value=4),
)
def test_wrapped_lines_fit_and_cover_the_text(text: str, width: int, indent: int) -> None:
    rest = max(1, width - indent)
    starts = line_starts(text, width, rest)
    assert starts[0] == 0 and starts == sorted(set(starts))
    ends = [*starts[1:], len(text)]
    for i, (s, e) in enumerate(zip(starts, ends, strict=True)):
        limit = width if i == 0 else rest
        visible = text[s:e].rstrip()
        # A line fits unless it is a single character wider than the line (a CJK character in one cell).
        assert cell_len(visible) <= limit or len(visible) == 1


def test_wrapping_breaks_between_words() -> None:
    text = "the quick brown fox jumps"
    starts = line_starts(text, 10)
    assert [text[s:e].rstrip() for s, e in zip(starts, [*starts[1:], len(text)], strict=True)] == [
        "the quick",
        "brown fox",
        "jumps",
    ]


# -- documents -------------------------------------------------------------------------------------------
PAGE = "Title line of the story\nAdvertisement\nFirst paragraph of the story.\nAdvertisement here too\nEnd."


def cleaned_page() -> CleanedPage:
    return pipeline().clean(text_page("p.txt", PAGE))


def test_clean_view_keeps_only_what_the_cleaners_left() -> None:
    rows = [r.left.plain for r in clean_document(cleaned_page()).rows]
    assert "First paragraph of the story." in rows and "End." in rows
    assert not any("Advertisement" in r for r in rows)


def test_original_view_is_the_page_line_for_line() -> None:
    assert [r.left.plain for r in original_document(cleaned_page()).rows] == PAGE.split("\n")


def test_diffs_mark_and_label_every_removal() -> None:
    cleaned = cleaned_page()
    inline = [r.left.plain for r in inline_diff_document(cleaned).rows]
    assert inline[1] == "- Advertisement  ‹word_cleaner: contains 'Advertisement'›"
    # A run of rows removed for one reason is labelled once; a kept row between two runs means two labels.
    assert inline[3].startswith("- Advertisement here too  ‹word_cleaner")
    side = side_by_side_document(cleaned)
    assert side.split and len(side.rows) == len(cleaned.page.blocks)
    right = side.rows[1].right
    assert right is not None and right.plain == "‹word_cleaner: contains 'Advertisement'›"
    assert [g.first_row for g in side.groups] == [1, 3]


def test_partial_removals_and_spans_over_several_blocks() -> None:
    page = text_page("p.txt", "keep this [promo] and this\nline two\nline three\nlast line")
    text = page.text

    promo = text.index("[promo]")
    two = text.index("line two")
    three_end = text.index("line three") + len("line three")
    cleaned = CleanedPage(
        page,
        (
            Annotation(promo, promo + len("[promo]"), "promos", "promo tag"),
            Annotation(two, three_end, "farms", "two lines"),
        ),
    )
    assert block_removals(cleaned) == [[0], [1], [1], []]
    groups = removal_groups(cleaned, block_removals(cleaned))
    assert [(g.cleaner, g.first_row, g.last_row) for g in groups] == [("promos", 0, 0), ("farms", 1, 2)]
    side = side_by_side_document(cleaned)
    assert side.rows[0].left.plain.startswith("~ keep this [promo]")
    assert side.rows[0].right is not None and side.rows[0].right.plain.startswith("keep this and this")


def test_control_characters_never_reach_a_view() -> None:
    cleaned = pipeline().clean(text_page("p.txt", "Evil \x1b]0;title\x07 line\nAdvertisement \x1b[2J\nok line"))
    for doc in (
        clean_document(cleaned),
        original_document(cleaned),
        inline_diff_document(cleaned),
        side_by_side_document(cleaned),
    ):
        for row in doc.rows:
            for text in (row.left, row.right):
                if text is not None:
                    assert "\x1b" not in text.plain and "\x07" not in text.plain


# -- the folder ------------------------------------------------------------------------------------------
def folder(tmp_path: Path) -> Path:
    for i, body in enumerate(["Story one\nAdvertisement\nText.", "Story two\nText two.", "Advertisement\nThree."]):
        (tmp_path / f"{i}.txt").write_text(body)
    return tmp_path


def test_library_cleans_counts_and_shows_progress(tmp_path: Path) -> None:
    library = Library([str(folder(tmp_path))], pipeline())
    assert progress_text(library).plain == "finding pages…"
    library.discover()
    assert len(library) == 3 and library.done == 0
    library.clean(0)
    assert library.done == 1 and not library.complete
    assert progress_text(library).plain.startswith("cleaning 1/3")
    assert library.peek(0) is not None and library.peek(1) is None
    library.clean(1)
    library.clean(2, keep=False)
    assert library.complete and library.peek(2) is None
    assert progress_text(library).plain == "3 pages"
    assert library.folder_removed_by() == {"word_cleaner": 2}
    assert library.summaries[0].words_removed == 1 and library.summaries[1].words_removed == 0


def test_switching_a_cleaner_off_makes_every_page_pending_again(tmp_path: Path) -> None:
    library = Library([str(folder(tmp_path))], pipeline())
    library.discover()
    for i in range(3):
        library.clean(i)
    version = library.version
    assert library.toggle("word_cleaner") is False
    assert library.version > version and library.done == 0 and library.peek(0) is None
    # Old summaries stay on show until the page is cleaned again.
    assert library.summaries[0].words_removed == 1
    cleaned = library.clean(0)
    assert cleaned.removals == () and library.summaries[0].words_removed == 0
    assert library.folder_removed_by() == {}


def test_progress_while_the_folder_is_learned_says_so_without_an_empty_bar() -> None:
    """Learning a big folder takes seconds with no page cleaned: "learning from the folder 0/10,000 ░░░░"
    looked stuck; it says what is happening instead, and the bar comes back with the first page cleaned."""
    from newsread.tui.library import LEARNING

    class Learning:
        discovered, complete, phase = True, False, LEARNING
        done = 0

        def errors(self) -> int:
            return 0

        def __len__(self) -> int:
            return 10_000

    folder = Learning()
    assert progress_text(folder).plain == "learning from the folder (10,000 pages) …"
    folder.done = 12
    assert progress_text(folder).plain.startswith("learning from the folder 12/10,000 ")
