"""`python -m bench train-main-content`: which of a page's blocks its training counts as the article's."""

from __future__ import annotations

from bench.train_main_content import labels

GOLD = (
    "Harbour vote\n"
    "The city council voted on Tuesday to expand the harbour, ending a long debate.\n"
    "What happens next\n"
    "The first ships could dock at the new quay within three years.\n"
    "Salt\nPepper\nOil\n"
    "The mayor thanked the residents who came to the meeting."
)
STORY = [
    "Harbour vote",
    "The city council voted on Tuesday to expand the harbour, ending a long debate.",
    "Photo: the old quay",
    "What happens next",
    "The first ships could dock at the new quay within three years.",
    "Salt",
    "Pepper",
    "Oil",
    "The mayor thanked the residents who came to the meeting.",
]


def test_the_articles_own_blocks_are_the_article_even_short_ones_and_across_a_caption() -> None:
    got = dict(zip(STORY, labels(STORY, GOLD), strict=True))
    assert [t for t, k in got.items() if not k] == ["Photo: the old quay"]


def test_a_menu_or_table_of_contents_whose_words_the_gold_has_is_not_the_article() -> None:
    page = ["Home", "Oil", "What happens next", "Harbour vote", *STORY, "What happens next", "Salt"]
    got = labels(page, GOLD)
    assert got[:4] == [False] * 4  # the menu and the table of contents before the story
    assert got[4:-2] == labels(STORY, GOLD)
    assert got[-2:] == [False, False]  # the same words again after the story: "related", not the article


def test_a_long_block_whose_shingles_are_in_the_gold_is_the_article_wherever_it_is() -> None:
    moved = [STORY[4], "Share this", STORY[1]]
    assert labels(moved, GOLD) == [True, False, True]
