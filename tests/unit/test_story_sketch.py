"""A page's story signature: its sketch (the smallest shingle of each bin) is the same whether or not its shingles are
all sorted; its words are the same whether or not the cleaners' line words are at hand."""

from __future__ import annotations

import random
import zlib

from newsread.cleaners import CleanedPage, Config, Pipeline, clusters, text_page
from newsread.cleaners.builtin import _lines
from newsread.cleaners.builtin._lines import lines_if_known
from newsread.cleaners.model import Annotation


def sketch_of_all_sorted(shingles: set[int]) -> tuple[int, ...]:
    mins: dict[int, int] = {}
    for value in sorted(shingles):
        mins.setdefault(value % clusters.SKETCH_BINS, value)
    return tuple(mins[b] for b in range(clusters.SKETCH_BINS)) if len(mins) == clusters.SKETCH_BINS else ()


def test_the_sketch_looked_for_among_the_smallest_shingles_is_the_sketch_of_them_all() -> None:
    rng = random.Random(3)
    for n in [*range(30), 100, 1600, 5000]:
        for _ in range(50):
            shingles = {rng.getrandbits(64) - 2**63 for _ in range(n)}
            assert clusters._sketch(shingles) == sketch_of_all_sorted(shingles)


def test_a_bin_empty_among_the_smallest_shingles_is_found_among_the_rest() -> None:
    rng = random.Random(5)
    # The smallest hundreds all in one bin: the other bins' smallest are far up the range.
    low = {-(2**63) + 12 * k for k in range(400)}
    shingles = low | {rng.getrandbits(64) - 2**63 for _ in range(200)}
    assert clusters._sketch(shingles) == sketch_of_all_sorted(shingles) != ()
    assert clusters._sketch(low) == ()  # one bin only: no sketch


def test_signatures_cluster_alike_in_one_range_and_in_several() -> None:
    rng = random.Random(7)
    words = [f"word{k}" for k in range(400)]
    story = [" ".join(rng.choice(words) for _ in range(40)) for _ in range(6)]
    pages = [story[:5], story[1:], [" ".join(rng.choice(words) for _ in range(40)) for _ in range(6)]]
    signatures = [(k, clusters.story_signature(None, p)) for k, p in enumerate(pages)]
    one = clusters.cluster_signatures(signatures)
    several = clusters.cluster_signatures(signatures, expected=10**5)  # (a big folder: many ranges)
    assert one == several == {0: 0, 1: 0, 2: 2}


def content_shingles(words: list[str]) -> set[int]:
    """The definition: every window of SHINGLE words with two or more long ones (over 3 characters), each word
    numbered by the crc32 of its UTF-8 bytes, hashed as a tuple."""
    ids = [zlib.crc32(w.encode("utf-8", "surrogatepass")) for w in words]
    n = clusters.SHINGLE
    return {
        hash(tuple(ids[k : k + n])) for k in range(len(words) - n + 1) if sum(len(w) > 3 for w in words[k : k + n]) >= 2
    }


def test_a_pages_shingles_are_its_content_windows_however_long_its_words() -> None:
    rng = random.Random(11)
    vocabulary = ["a", "of", "the", "and", "news", "mayor", "straße", "日本語", "x" * 300, "y" * 255, "z" * 256]
    for _ in range(300):
        words = [rng.choice(vocabulary) for _ in range(rng.randint(clusters.MIN_PARAGRAPH_WORDS, 60))]
        shingles, _ = clusters._shingles(None, [clusters._folded(words)])
        assert shingles == content_shingles([w.casefold() for w in words])


# A report long enough for the signature (paragraphs of 12 words or more), one line a paragraph.
REPORT = [
    "The city council voted on Tuesday to expand the harbour, ending a debate that had lasted for years.",
    "Supporters said the project would bring jobs and trade to a region that has struggled since the mills closed.",
    "Opponents warned that the cost had doubled since the plan was first drawn up and that fishermen would lose.",
    "Die Hauptstraße am Hafen bleibt während der Bauarbeiten gesperrt, sagte die Sprecherin der Stadt am Dienstag.",
    "Ferries from İstanbul and İzmir will call at the new quay once it opens, the shipping companies said on Monday.",
]


def cleaned_page(name: str, lines: list[str]) -> CleanedPage:
    return Pipeline.default(Config()).clean(text_page(name, "\n".join(lines)))


def test_a_signature_is_the_same_whether_or_not_the_cleaners_line_words_are_at_hand() -> None:
    cleaned = cleaned_page("a.txt", ["Home | News | Sport", *REPORT, "Share this story on Twitter"])
    assert lines_if_known(cleaned.page) is not None  # (the cleaners worked the page's lines out)
    assert -1 not in cleaned.paragraph_blocks[1:] and len(cleaned.paragraphs) >= len(REPORT)
    with_lines = clusters.signature_of(cleaned)
    _lines._CACHE.clear()
    assert lines_if_known(cleaned.page) is None
    assert clusters.signature_of(cleaned) == with_lines


def test_words_are_case_folded_in_a_signature_not_only_lower_cased() -> None:
    # "ß" folds to "ss" (lower-casing keeps it): two versions spelling a street differently share every shingle.
    # (And "İ" lower-cased is "i" and a combining dot, which is no word character: its words are not the line's.)
    one = clusters.signature_of(cleaned_page("one.txt", REPORT))
    other = clusters.signature_of(cleaned_page("other.txt", [*REPORT[:3], REPORT[3].replace("ß", "SS"), *REPORT[4:]]))
    assert one is not None and other is not None and len(one.shingles) > 20
    assert sorted(one.shingles) == sorted(other.shingles) and one.body == other.body


def test_a_paragraph_knows_the_block_it_is_unless_part_of_the_block_was_removed() -> None:
    text = "\n".join(REPORT)
    page = text_page("p.txt", text)
    second = page.blocks[1]
    cut = Annotation(second.start, second.start + 10, "test", "a test removal")
    cleaned = CleanedPage(page, (cut,))
    assert cleaned.paragraph_blocks == [0, -1, 2, 3, 4]
    assert cleaned.paragraphs[1] == second.text[10:].strip()
