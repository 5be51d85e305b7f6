"""The built-in cleaners on small made-up pages: what a reader would notice was removed, kept, and why."""

from __future__ import annotations

from newsread.cleaners import CleanedPage, Config, Pipeline, text_page

PIPELINE = Pipeline.default(Config())

PARAGRAPHS = [
    "The city council voted on Tuesday to expand the harbour, ending a debate that had lasted for more than a decade.",
    "Supporters said the project would bring jobs and trade to a region that has struggled since the mills closed.",
    "Opponents warned that the cost had doubled since the plan was first drawn up and that fishermen would lose out.",
    "The mayor said the first ships could dock at the new quay within three years if the work stays on schedule.",
    "A public hearing on the environmental report is planned for next month at the town hall.",
]


def clean(text: str) -> CleanedPage:
    return PIPELINE.clean(text_page("page.txt", text))


def reasons(cleaned: CleanedPage, needle: str) -> list[tuple[str, str]]:
    text = cleaned.page.text
    return [(a.cleaner, a.reason) for a in cleaned.removals if needle in text[a.start : a.end]]


def test_headed_link_farm_is_removed_with_its_heading_named() -> None:
    page = "\n".join(
        [
            *PARAGRAPHS,
            "Most read",
            "- Storm warning issued for the north coast tonight",
            "- Local bakery wins national bread award again",
            "- Council approves new cycle lanes in the centre",
            "- Ferry timetable changes from next week explained",
        ]
    )
    cleaned = clean(page)
    assert "bakery" not in cleaned.body
    assert any(c == "link_farms" and "'Most read'" in r for c, r in reasons(cleaned, "bakery"))
    assert all(p in cleaned.body for p in PARAGRAPHS)


def test_a_link_farm_above_the_headline_ends_at_the_headline() -> None:
    # A "World News" list in the page header, then the headline and dateline (metadata removes them), then the
    # article, whose first lines have no sentence end: the list must not run on into the article.
    lead = "- Harbour expansion approved after a decade of debate in the council"
    page = "\n".join(
        [
            "World News",
            "- Storm warning issued for the north coast tonight",
            "- Local bakery wins national bread award again",
            "Home > News > Harbour expansion approved",
            "Harbour expansion approved",
            "Harbour Gazette March 12, 2024",
            lead,
            "- Supporters say the first ships could dock within three years",
            *PARAGRAPHS,
        ]
    )
    cleaned = clean(page)
    assert "bakery" not in cleaned.body
    assert lead.removeprefix("- ") in cleaned.body
    assert all(p in cleaned.body for p in PARAGRAPHS)


def test_link_farm_heading_in_other_languages() -> None:
    page = "\n".join(
        [*PARAGRAPHS, "Lesen Sie auch", "Neue Brücke über den Rhein eröffnet", "Bahnstreik legt Verkehr im Süden lahm"]
    )
    cleaned = clean(page)
    assert "Bahnstreik" not in cleaned.body
    assert reasons(cleaned, "Bahnstreik")[0][0] == "link_farms"


def test_short_real_quote_paragraph_stays() -> None:
    page = "\n".join([*PARAGRAPHS, '"We will not give up," the harbour master said.', "Related", "- A"])
    cleaned = clean(page)
    assert '"We will not give up," the harbour master said.' in cleaned.paragraphs


def test_repeated_paragraph_loses_its_second_copy_and_names_the_first() -> None:
    page = "\n".join([PARAGRAPHS[0], PARAGRAPHS[1], PARAGRAPHS[2], PARAGRAPHS[1], PARAGRAPHS[3], PARAGRAPHS[4]])
    cleaned = clean(page)
    assert cleaned.body.count(PARAGRAPHS[1]) == 1
    assert reasons(cleaned, "Supporters said") == [("duplicate_paragraphs", "duplicate of ¶2")]


def test_article_captured_twice_keeps_its_first_copy() -> None:
    page = "\n\n\u00a0\n\n".join([*PARAGRAPHS, *PARAGRAPHS])
    cleaned = clean(page)
    assert cleaned.paragraphs == PARAGRAPHS
    assert all("article captured twice" in r for c, r in reasons(cleaned, PARAGRAPHS[2]))


def test_repeated_short_data_lines_are_content() -> None:
    meal = "Eat within an hour of waking"
    page = "\n".join([PARAGRAPHS[0], "Breakfast", meal, "Lunch", meal])
    cleaned = clean(page)
    assert cleaned.body.count(meal) == 2


def test_ad_markers_in_several_languages() -> None:
    markers = ("Advertisement", "ADVERTISEMENT", "Story continues below advertisement", "Anzeige", "Publicité", "广告")
    for marker in markers:
        cleaned = clean("\n".join([PARAGRAPHS[0], PARAGRAPHS[1], marker, PARAGRAPHS[2], PARAGRAPHS[3]]))
        assert marker not in cleaned.body, marker
        assert reasons(cleaned, marker) == [("ad_markers", "ad marker")]


def test_hashtag_tail_inside_a_paragraph_goes_but_the_paragraph_stays() -> None:
    long = " ".join(PARAGRAPHS)
    cleaned = clean(f"Harbour expansion vote approved\n{long} #harbour #council #vote 📣 Twitter : 2024-05-01\n")
    assert cleaned.body == long
    assert reasons(cleaned, "#harbour")[0][0] == "social_tails"


def test_inline_promo_and_chrome_lines_are_removed_with_reasons() -> None:
    page = "\n".join(
        [
            "Home > News > Local",
            PARAGRAPHS[0],
            "READ MORE: Ferry timetable changes from next week",
            PARAGRAPHS[1],
            "Share on Facebook",
            PARAGRAPHS[2],
            PARAGRAPHS[3],
            "Sign up for our daily newsletter",
            "© 2024 Harbour Gazette. All rights reserved.",
        ]
    )
    cleaned = clean(page)
    got = {text: reasons(cleaned, text)[0][1] for text in ("Home > News", "READ MORE", "Share on", "Sign up", "© 2024")}
    assert got["Home > News"] == "breadcrumb"
    assert got["READ MORE"].startswith("promo for another story")
    assert got["Share on"] == "share/follow buttons"
    assert got["Sign up"] == "newsletter prompt"
    assert got["© 2024"] == "copyright footer"
    assert cleaned.paragraphs == PARAGRAPHS[:4]


def test_metadata_lines_become_fields_not_body() -> None:
    page = "\n".join(
        ["Harbour expansion approved after decade of debate", "By Jane Doe", "Published: 12 March 2024", *PARAGRAPHS]
    )
    cleaned = clean(page)
    meta = cleaned.metadata
    assert meta["title"] == "Harbour expansion approved after decade of debate"
    assert meta["byline"] == "Jane Doe"
    assert "2024" in meta["date"]
    assert cleaned.paragraphs == PARAGRAPHS


def test_comment_thread_after_the_article_is_not_body() -> None:
    page = "\n".join(
        [
            *PARAGRAPHS,
            "12 responses to “Harbour expansion approved”",
            "harbourfan says:",
            "March 12, 2024 at 9:14 am",
            "About time this got done, the old quay has been falling apart for years now honestly.",
            "skeptic99 says:",
            "March 12, 2024 at 9:20 am",
            "Wait until you see the bill for it, the council has never delivered anything on budget.",
        ]
    )
    cleaned = clean(page)
    assert cleaned.paragraphs == PARAGRAPHS


def test_menu_above_the_article_is_page_header() -> None:
    menu = [f"- {w}" for w in ("News", "Sport", "Business", "Culture", "Weather", "Opinion", "Video")]
    cleaned = clean("\n".join([*menu, *PARAGRAPHS, "- Contact", "- Privacy", "- Jobs"]))
    assert cleaned.paragraphs == PARAGRAPHS
    assert {c for c, _ in reasons(cleaned, "Sport")} <= {"boilerplate_lines", "site_chrome", "link_farms"}
