"""The page model: removals resolve overlaps, the clean body is the original minus annotated spans."""

from __future__ import annotations

import copy
import dataclasses
import pickle
import random
import re

import pytest

from newsread.cleaners import Annotation, Block, CleanedPage, Context, Mark, text_page
from newsread.cleaners.model import effective_removals, find_words

TEXT = "Headline here\n\nFirst paragraph of the story.\n\u00a0\nSecond paragraph #tag #other\nAdvertisement\n"


def ann(page_text: str, needle: str, cleaner: str = "c", reason: str = "r") -> Annotation:
    start = page_text.index(needle)
    return Annotation(start, start + len(needle), cleaner, reason)


def test_blocks_are_non_blank_lines_that_point_into_the_original() -> None:
    page = text_page("p", TEXT)
    assert [b.text for b in page.blocks] == [
        "Headline here",
        "First paragraph of the story.",
        "Second paragraph #tag #other",
        "Advertisement",
    ]  # the nbsp-only line is blank
    assert all(page.text[b.start : b.end] == b.text for b in page.blocks)


def test_body_is_original_minus_removed_spans_including_partial_lines() -> None:
    page = text_page("p", TEXT)
    anns = (ann(TEXT, "Headline here"), ann(TEXT, " #tag #other"), ann(TEXT, "Advertisement"))
    cleaned = CleanedPage(page, anns)
    assert cleaned.paragraphs == ["First paragraph of the story.", "Second paragraph"]
    assert cleaned.body == "First paragraph of the story.\n\nSecond paragraph"


def test_segments_cover_the_original_exactly_once() -> None:
    page = text_page("p", TEXT)
    cleaned = CleanedPage(page, (ann(TEXT, "paragraph of"), ann(TEXT, "#tag")))
    segs = list(cleaned.segments())
    assert "".join(TEXT[s.start : s.end] for s in segs) == TEXT
    assert [TEXT[s.start : s.end] for s in segs if s.annotation] == ["paragraph of", "#tag"]


def test_overlapping_removals_belong_to_the_earlier_cleaner() -> None:
    text = "aaaa bbbb cccc dddd"
    first = Annotation(5, 14, "first", "x")  # "bbbb cccc"
    second = Annotation(0, 19, "second", "y")  # everything
    resolved = effective_removals([first, second])
    assert [(a.start, a.end, a.cleaner) for a in resolved] == [(0, 5, "second"), (5, 14, "first"), (14, 19, "second")]
    assert sum(a.end - a.start for a in resolved) == len(text)


def test_words_are_counted_per_cleaner_without_double_counting() -> None:
    page = text_page("p", TEXT)
    anns = (ann(TEXT, "Headline here", "meta"), ann(TEXT, "Headline", "other"), ann(TEXT, "Advertisement", "ads"))
    cleaned = CleanedPage(page, anns)
    assert cleaned.removed_by() == {"meta": 2, "ads": 1}
    assert cleaned.words_removed == 3


def test_metadata_comes_from_annotations_that_supply_a_field() -> None:
    page = text_page("p", TEXT)
    start = TEXT.index("Headline here")
    cleaned = CleanedPage(page, (Annotation(start, start + 13, "metadata", "title line", "title", "Headline here"),))
    assert cleaned.title == "Headline here"
    assert "Headline here" not in cleaned.body


def test_marks_and_annotations_are_immutable_values() -> None:
    """Named tuples: a cleaner, the pipeline, a cache or a batch worker may compare, hash, copy and pickle them."""
    mark = Mark(3, 9, "ad marker")
    assert mark == Mark(start=3, end=9, reason="ad marker") == Mark.block(Block(0, 3, 9, "ad ad"), "ad marker")
    assert hash(mark) == hash(Mark(3, 9, "ad marker")) and type(Mark.block(Block(0, 3, 9, "x"), "x")) is Mark
    assert (mark.field, mark.value) == (None, None)
    with pytest.raises(AttributeError):
        mark.start = 4  # type: ignore[misc]
    stamped = Annotation(3, 9, "ad_markers", "ad marker", "title", "T")
    for value in (mark, stamped):
        assert pickle.loads(pickle.dumps(value)) == value  # batch workers and caches pickle them
        assert copy.copy(value) == value == copy.deepcopy(value)
    assert stamped._replace(end=12) == Annotation(3, 12, "ad_markers", "ad marker", "title", "T")

    # A plugin's own kind of mark (methods, no more fields) is made the same way.
    assert PlainMark(1, 2, "r") == PlainMark(1, 2, "r") and PlainMark(1, 2, "r").end == 2
    assert type(PlainMark.block(Block(0, 1, 2, "x"), "r")) is PlainMark


class PlainMark(Mark):
    pass


@pytest.mark.parametrize(
    "text",
    [
        "The council voted on Tuesday, 12-3, to expand the harbour_side.",
        "“We won’t stop — not now,” the café owner said… «today»\xa0again",
        "İstanbul'da yeni köprü açıldı; Город объявил о новом мосте",
        "北京市政府今天宣布 了新的交通计划",
        "Cafe\u0301 owners · 12 ° warmer",  # a combining mark: not a word character, the regex decides
        "Price ٣ dinars, ½ off²",  # digits and numbers of other scripts
        "em\u2003space and ideographic\u3000space, ___ and _",
        "",
        "… — «»",
    ],
)
def test_words_are_what_the_word_regex_finds(text: str) -> None:
    # Word counts (the list's figures, the summary) and the story signatures read words through find_words.
    assert find_words(text) == re.findall(r"\w+", text)


def test_words_of_random_text_are_what_the_word_regex_finds() -> None:
    rnd = random.Random(7)
    alphabet = "ab Σσς İıßẞﬁǅ東京데이터_0123 ’“”—…\xa0«»\u0301\u2003.,;-٣²½é\x1f"
    for _ in range(5000):
        text = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 30)))
        assert find_words(text) == re.findall(r"\w+", text), repr(text)


def test_blocks_made_by_the_loaders_are_frozen_block_values() -> None:
    block = text_page("p", "  first line\n\nsecond\n").blocks[0]
    assert block == Block(0, 2, 12, "first line") and type(block) is Block
    assert hash(block) == hash(Block(0, 2, 12, "first line"))
    assert pickle.loads(pickle.dumps(block)) == block and copy.copy(block) == block
    with pytest.raises(dataclasses.FrozenInstanceError):
        block.text = "changed"  # type: ignore[misc]


def test_a_cleaned_page_survives_pickling_copying_and_replacing() -> None:
    """The reader's workers send cleaned pages back pickled: nothing a user sees may change on the way."""
    page = text_page("p", TEXT)
    anns = (
        ann(TEXT, "Headline here", "meta"),
        ann(TEXT, "Headline", "other"),
        ann(TEXT, " #tag #other"),
        Annotation(TEXT.index("Advertisement"), len(TEXT) - 1, "ads", "ad", "site", "S"),
    )
    given = CleanedPage(page, anns)
    assert given.metadata == {"site": "S"} and given.removed_by() == {"meta": 2, "c": 2, "ads": 1}
    for copied in (pickle.loads(pickle.dumps(given)), copy.copy(given), dataclasses.replace(given, cleaning_notes=())):
        assert copied == given and copied.annotations == anns
        assert (copied.body, copied.metadata, copied.removals) == (given.body, given.metadata, given.removals)


def test_the_context_knows_what_was_removed_and_which_blocks_remain() -> None:
    page = text_page("p", TEXT)
    first = ann(TEXT, "Headline here", "meta")
    context = Context(page, removed=[first])
    context.note_removed([Annotation(0, 4, "c", "r")])
    assert context.removed == [first, Annotation(0, 4, "c", "r")] and context.removed[0] is first
    assert context.removed_by("c") and not context.removed_by("x")
    assert [b.text for b in context.remaining()] == [b.text for b in page.blocks[1:]]


def test_removals_resolve_overlaps_character_by_character() -> None:
    """Each character belongs to the first annotation covering it, whichever way removals are found (a shortcut
    is taken when no spans overlap): checked against that rule applied to each character."""
    rng = random.Random(7)
    for _ in range(2000):
        anns = []
        for k in range(rng.randint(0, 7)):
            start = rng.randint(0, 30)
            anns.append(Annotation(start, start + rng.randint(0, 6), f"c{k}", "r"))
        owners = [next((k for k, a in enumerate(anns) if a.start <= i < a.end), -1) for i in range(40)]
        expected = []
        for i, k in enumerate(owners):
            if k < 0:
                continue
            if expected and expected[-1][2] == k and expected[-1][1] == i:
                expected[-1][1] = i + 1
            else:
                expected.append([i, i + 1, k])
        runs = [Annotation(s, e, anns[k].cleaner, anns[k].reason) for s, e, k in expected]
        assert list(effective_removals(anns)) == runs, anns


def test_a_block_kept_whole_is_a_paragraph_with_its_spacing_normalised() -> None:
    lines = ["Spaced once between words.", "Two  spaces", "A\ttab", "No\u00a0break", "Thin\u2009space", "Zero\u200bw"]
    page = text_page("p", "\n".join(lines))
    cleaned = CleanedPage(page, ())
    assert cleaned.paragraphs == [
        "Spaced once between words.",
        "Two spaces",
        "A tab",
        "No break",
        "Thin space",
        "Zero\u200bw",  # (not white space: it stays)
    ]
    assert cleaned.paragraph_blocks == list(range(len(lines)))
    # A block kept in part: the pieces around what was removed, one space between them.
    cut = ann(page.text, "tab")
    assert CleanedPage(page, (ann(page.text, "Two  "), cut)).paragraphs[1:3] == ["spaces", "A"]
