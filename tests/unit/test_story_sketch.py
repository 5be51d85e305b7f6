"""A page's sketch (the smallest shingle of each bin) is the same whether or not its shingles are all sorted."""

from __future__ import annotations

import random
import zlib

from newsread.cleaners import clusters


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
        shingles, _ = clusters._shingles(None, [words])
        assert shingles == content_shingles([w.casefold() for w in words])
