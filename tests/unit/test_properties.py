"""Properties of the engine on arbitrary text, checked with hypothesis against the default pipeline."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsread.cleaners import Config, Pipeline, html_page, text_page

PIPELINE = Pipeline.default(Config())
WORD = re.compile(r"\w+")

# Text that looks like scraped pages: words, punctuation, list marks, hashtags, controls, many scripts.
pieces = st.sampled_from(
    [
        "Related",
        "- ",
        "Advertisement",
        "#tag",
        "MORE: ",
        "\n",
        "\n\n",
        "\u00a0",
        "“",
        "”",
        ". ",
        "Home > News",
        "© 2024",
        "\x1b[31m",
        "\u202e",
        "Putin",
        "Пекин",
        "北京",
        "ソウル",
        "!",
        "?",
        "Share on Facebook",
    ]
)
texts = st.lists(st.one_of(st.text(max_size=40), pieces), max_size=60).map("".join)
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(texts)
def test_cleaning_never_raises_and_is_deterministic(text: str) -> None:
    first = PIPELINE.clean(text_page("p", text))
    second = PIPELINE.clean(text_page("p", text))
    assert first.annotations == second.annotations
    assert first.body == second.body
    assert not first.errors, first.errors


@SETTINGS
@given(texts)
def test_body_is_text_of_the_original_in_original_order(text: str) -> None:
    cleaned = PIPELINE.clean(text_page("p", text))
    original_words = WORD.findall(text)
    body_words = WORD.findall(cleaned.body)
    # Every word of the body is a word of the original, in the same order (a subsequence). A removal inside
    # a word may cut it, so compare on word starts that survive whole.
    position = 0
    joined = " ".join(original_words)
    for word in body_words:
        found = joined.find(word, position)
        assert found >= 0, (word, text)
        position = found + len(word)


@SETTINGS
@given(texts)
def test_every_removal_has_a_cleaner_a_reason_and_a_place_in_the_page(text: str) -> None:
    cleaned = PIPELINE.clean(text_page("p", text))
    for a in cleaned.annotations:
        assert a.cleaner and a.reason.strip()
        assert 0 <= a.start < a.end <= len(text)
    covered = sum(a.end - a.start for a in cleaned.removals)
    assert covered <= len(text)


@SETTINGS
@given(
    st.lists(
        st.one_of(
            st.text(max_size=30),
            st.sampled_from(
                [
                    "<p>",
                    "</p>",
                    "<div>",
                    "<a href=x>",
                    "</a>",
                    "<script>",
                    "</script>",
                    "<li>",
                    "<br>",
                    "<h1>",
                    "&amp;",
                    "&#x1b;",
                    "<!--",
                    "-->",
                ]
            ),
        ),
        max_size=50,
    ).map("".join)
)
def test_html_of_any_shape_cleans_without_raising(markup: str) -> None:
    cleaned = PIPELINE.clean(html_page("p.html", markup))
    assert not cleaned.errors, cleaned.errors
    assert all(cleaned.page.text[b.start : b.end] == b.text for b in cleaned.page.blocks)


# Blocks as site_template compares them: spacing of every kind, digits, cased letters of several scripts, long and
# short (the digits of blocks over 160 characters count).
block_texts = st.lists(
    st.one_of(
        st.text(max_size=20),
        st.sampled_from([" ", "  ", "\t", "\u00a0", "\u2009", "\u3000", "\x1c", "\u2028", "2024", "Straße", "İ", "“"]),
        st.sampled_from(["Home", "NEWS", "Ελλάδα", "ПЕКИН", "a" * 150]),
    ),
    max_size=30,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(block_texts)
def test_site_template_compares_blocks_by_folded_case_single_spacing_and_short_blocks_digits(text: str) -> None:
    from newsread.cleaners.builtin.site_template import block_key, normalise

    spaced = " ".join(text.casefold().split())
    expected = spaced if len(spaced) > 160 else re.sub(r"\d+", "0", spaced)
    assert normalise(text) == expected
    # Blocks that read the same but for case and spacing are one block, and so are short ones but for their figures.
    assert block_key(text) == block_key(f"  {text.translate(SWAP_ASCII_CASE)}\t") == block_key(expected)


SWAP_ASCII_CASE = str.maketrans(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
)
