"""The headline of a text page is the article's title, not the site's name or another line of its template."""

from __future__ import annotations

import re
from pathlib import Path

from bench.corpus import build
from newsread.cleaners import Config, Pipeline, loading, text_page
from newsread.cleaners.cache import stage_fingerprints

ARTICLE = [
    "The council said on Monday that the new harbour plan would cost more than the budget allowed for this year.",
    "Residents who spoke at the hearing asked for the bridge to be kept open while the works go on next spring.",
    "A public hearing on the environmental report is planned for next month at the town hall, the council said.",
]


def title(text: str, pipeline: Pipeline | None = None) -> str | None:
    cleaned = (pipeline or Pipeline.default(Config())).clean(text_page("page.txt", text))
    return cleaned.title


def test_the_site_name_atop_a_page_is_no_headline_when_the_copyright_line_names_the_site() -> None:
    page = [
        "The Harbour Gazette",
        "Accept our cookies for a better visit",
        "Harbour plan will cost more than the council thought",
        "2024-03-01",
        *ARTICLE,
        "© 2024 The Harbour Gazette. All rights reserved.",
    ]
    assert title("\n".join(page)) == "Harbour plan will cost more than the council thought"
    # Without a copyright line naming it, the headline is still told by its words, which the article uses.
    assert title("\n".join(page[:-1])) == "Harbour plan will cost more than the council thought"


def test_a_text_dump_is_titled_with_its_headline_not_the_chrome_above_it() -> None:
    """A whole-page dump starts with the site's chrome: skip links, a sign-in bar, a menu, a breadcrumb; each is
    title-like, none is about the article. The headline is the line the article's own words are in."""
    chrome = [
        "Skip to contentSkip to site index",
        "Sign In Subscribe Today's Paper",
        "World Business Science Opinion",
        "Home > News > Local",
        "Continue reading the main story",
    ]
    page = [
        *chrome,
        "Harbour plan will cost more than the council thought",
        "Residents want the bridge kept open while the works go on",
        "By Ann Berg",
        *ARTICLE,
    ]
    assert title("\n".join(page)) == "Harbour plan will cost more than the council thought"
    for line in chrome:  # and each chrome line is no headline wherever it stands above it
        page = [line, "Harbour plan will cost more than the council thought", "By Ann Berg", *ARTICLE]
        assert title("\n".join(page)) == "Harbour plan will cost more than the council thought", line


def test_when_no_line_speaks_of_the_article_a_chrome_line_is_no_headline_either() -> None:
    """With no title-like line the article's words are in, the first lines' fallback took the chrome at the top
    ("Dow Jones, a News Corp company", "Watch CBSN Live") as the title. No title is honest; the reader then
    names the page by its file."""
    for line in (
        "Dow Jones, a News Corp company",
        "Got a tip for us? Let us know",
        "Watch CBSN Live",
        "Free shipping on orders over $50",
        "Primary Navigation Content",
    ):
        for page in ([line, *ARTICLE], [line, "Markets Opinion Lifestyle Real Estate", *ARTICLE]):
            cleaned = Pipeline.default(Config()).clean(text_page("page.txt", "\n".join(page)))
            assert cleaned.title is None, (line, cleaned.title)
            assert all(sentence in cleaned.body for sentence in ARTICLE)  # the article is all there


def test_a_bar_s_words_repeated_below_it_are_no_headline_but_a_title_line_s_are() -> None:
    """A headline the page repeats inside an earlier line is its <title> line or a breadcrumb; a menu bar whose
    words come again below ("Start free trial Log In", then "Start free trial") is neither."""
    headline = "Harbour plan will cost more than the council thought"
    for bar, line in (
        ("Start free trial Log In", "Start free trial"),
        ("All gists Back to GitHub Sign in Sign up", "Sign in Sign up"),
        ("Call Us: 423.602.2750", "423.602.2750"),
    ):
        assert title("\n".join([bar, line, headline, *ARTICLE])) == headline, line
    cleaned = Pipeline.default(Config()).clean(
        text_page("page.txt", "\n".join([f"{headline} | The Harbour Gazette", "Home > News", headline, *ARTICLE]))
    )
    assert (cleaned.title, cleaned.metadata.get("site")) == (headline, "The Harbour Gazette")
    for crumbs in (f"HomeLatest News{headline}", f"Home Local {headline}"):  # a breadcrumb without its separators
        assert title("\n".join([crumbs, headline, *ARTICLE])) == headline, crumbs


def test_a_picture_credit_or_a_byline_is_no_headline() -> None:
    for line in ("Photograph: Ann Berg for the Gazette", "Image credit: Harbour Authority", "By Ann Berg"):
        page = [line, "Harbour plan will cost more than the council thought", *ARTICLE]
        assert title("\n".join(page)) == "Harbour plan will cost more than the council thought", line


def test_on_a_generated_folder_the_headline_is_the_title_not_the_site_name(tmp_path: Path) -> None:
    build(120, tmp_path, seed=5)
    pages = [loading.load_page(s) for s in loading.iter_sources([tmp_path])]
    pipeline = Pipeline.default(Config())
    pipeline.fit(pages)
    right = 0
    site_names = set()
    for page in pages:
        lines = [line for line in page.text.splitlines() if line]
        dated = next(i for i, line in enumerate(lines) if re.fullmatch(r"\d{4}-\d\d-\d\d", line))
        got = pipeline.clean(page).title
        right += got == lines[dated - 1]  # the generator writes the title right above the date
        if lines[0].startswith("The ") and dated > 1:
            site_names.add(lines[0])
            assert got != lines[0], page.id  # never the site's name
    assert site_names and right >= 0.9 * len(pages)


def test_what_the_site_template_learned_is_in_the_metadata_cleaners_cache_key(tmp_path: Path) -> None:
    build(30, tmp_path, seed=5)
    pages = [loading.load_page(s) for s in loading.iter_sources([tmp_path])]
    learned, other = Pipeline.default(Config()), Pipeline.default(Config())
    learned.fit(pages)
    other.fit(pages[:20])
    names = [s.name for s in learned.active]
    at = names.index("metadata")
    first, second = stage_fingerprints(learned), stage_fingerprints(other)
    assert first[:at] == second[:at] and first[at] != second[at]  # (what the cleaners before it make: the same)
