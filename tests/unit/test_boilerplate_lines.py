"""boilerplate_lines: the line model of text pages, and what it must never remove."""

from __future__ import annotations

import json
import re
from pathlib import Path

from newsread.cleaners import Config, Pipeline, text_page
from newsread.cleaners.builtin._lines import word_count
from newsread.cleaners.builtin.boilerplate_lines import (
    COMMENTS_AFTER,
    FEATURES,
    LONG_PARAGRAPH,
    SPAN_FEATURES,
    _glued,
    line_features,
    span_features,
)

from .test_builtin_cleaners import PARAGRAPHS

HEADLINES = [
    "Storm warning issued for the north coast tonight",
    "Local bakery wins national bread award again",
    "Council approves new cycle lanes in the centre",
    "Ferry timetable changes from Monday",
    "School reopens after flood repairs",
    "Fishermen protest over new quotas",
    "Museum unveils restored lighthouse lens",
]
ALL = Pipeline.default(Config())
ALONE = Pipeline.default(Config(), disable=[s.name for s in ALL.stages if s.name != "boilerplate_lines"])


def removed_by_model(lines: list[str]) -> dict[str, str]:
    cleaned = ALONE.clean(text_page("p.txt", "\n".join(lines)))
    return {cleaned.page.text[a.start : a.end]: a.reason for a in cleaned.removals}


def test_a_list_of_other_stories_after_the_article_goes_and_the_article_stays() -> None:
    removed = removed_by_model([*PARAGRAPHS, *HEADLINES])
    assert not set(PARAGRAPHS) & set(removed)
    assert len(set(HEADLINES) & set(removed)) >= 5
    # after the article: the page footer by the body stretch, or chrome by the line model alone
    assert all(r.startswith(("page footer, below the article body", "reads as page chrome")) for r in removed.values())
    assert all("line model" in r for r in removed.values())


def test_a_long_paragraph_is_never_removed_whatever_surrounds_it() -> None:
    story = " ".join(PARAGRAPHS * 4) + " #harbour #council #news"  # one line, as some dumps have the article
    removed = removed_by_model(["Home", "News", "Sport", "Weather", "Sign in", story, "Back to Top", *HEADLINES])
    assert story not in removed


def test_a_page_of_a_few_lines_is_left_alone() -> None:
    assert removed_by_model(["Breakfast", "Eat within an hour of waking", "Lunch", "Share"]) == {}


def test_every_line_gets_every_feature() -> None:
    page = text_page("p.txt", "\n".join([*PARAGRAPHS, *HEADLINES]))
    rows = line_features(page, [False] * len(page.blocks))
    assert len(rows) == len(page.blocks) and all(len(r) == len(FEATURES) for r in rows)


def test_a_short_reply_closing_the_article_is_kept_and_the_footer_goes() -> None:
    # A closing quote and a one-line reply look like chrome to a line read alone; after prose they are the story.
    closing = ['"We will see the first ships within three years," the mayor said.', '"I agree," the minister replied.']
    removed = removed_by_model(["Home", "News", "Sport", *PARAGRAPHS, *closing, *HEADLINES])
    assert not set(closing) & set(removed)
    assert len(set(HEADLINES) & set(removed)) >= 5


def test_a_teaser_for_another_story_above_the_article_goes_with_a_reason() -> None:
    teaser = "Shares in the national railway rose sharply after a surprise profit forecast for the winter."
    more = [
        "Engineers will dredge the channel first, so that larger vessels can reach the berths at low tide.",
        "The harbour board expects cargo traffic to double within ten years once the quay is finished.",
        "Residents near the seafront asked for limits on lorry traffic through the old streets at night.",
        "A fund for the fishing fleet will pay for new moorings while the work goes on around them.",
    ]
    page = ["Home", "News", "Markets rally", teaser, *PARAGRAPHS, *more, *HEADLINES]
    cleaned = ALL.clean(text_page("p.txt", "\n".join(page)))
    reasons = {cleaned.page.text[a.start : a.end]: a.reason for a in cleaned.removals}
    assert reasons.get(teaser, "").startswith("teaser for another story")
    assert all(p in cleaned.body for p in PARAGRAPHS + more)


MORE = [
    "Engineers will dredge the channel first, so that larger vessels can reach the berths at low tide.",
    "The harbour board expects cargo traffic to double within ten years once the quay is finished.",
    "Residents near the seafront asked for limits on lorry traffic through the old streets at night.",
    "A fund for the fishing fleet will pay for new moorings while the work goes on around them.",
]
TITLE = "Harbour expansion approved after a decade of debate"


def test_a_list_of_other_stories_inside_the_article_goes_and_the_story_around_it_stays() -> None:
    # "Read also" between two halves of the story: the short title-like lines go, the paragraphs after them stay.
    page = ["Home", "News", "Sport", TITLE, *PARAGRAPHS, "Read also", *HEADLINES[:4], *MORE, "Back to top"]
    cleaned = ALL.clean(text_page("p.txt", "\n".join(page)))
    assert all(p in cleaned.body for p in PARAGRAPHS + MORE)
    assert not any(h in cleaned.body for h in HEADLINES[:4])


def test_a_table_the_article_announces_is_kept() -> None:
    # A table flattened to one cell a line: short lines, but digits and a paragraph that announces them.
    table = ["Port", "Ships", "Cargo", "Northport", "112", "3.4 million", "Southport", "87", "2.1 million"]
    intro = "Traffic at the two ports last year is shown in the table below:"
    page = ["Home", "News", "Sport", TITLE, *PARAGRAPHS, intro, *table, *MORE, *HEADLINES]
    cleaned = ALL.clean(text_page("p.txt", "\n".join(page)))
    assert all(p in cleaned.body for p in [*PARAGRAPHS, intro, *MORE])
    assert all(cell in cleaned.paragraphs for cell in table)
    assert sum(h not in cleaned.body for h in HEADLINES) >= 5


def test_a_line_knows_its_run_of_prose_and_what_was_cut_between_it_and_the_article() -> None:
    # The comments below an article are prose too: what tells them apart is that the other cleaners cut
    # comments' author lines above them.
    comments = [
        "Jane Smith on March 3, 2024 at 4:12 pm said:",
        "I walk along the harbour every day and I think the new quay will ruin the view for all who live here.",
        "Tom on March 3, 2024 at 6:40 pm said:",
        "Great news for the town, it is about time something was done about the port and the jobs it brings.",
    ]
    glued = "Ferry Timetable Changes From MondayThe ferry company said on Friday that the boats would sail later."
    tail = ["Advertisement", HEADLINES[0]]
    page = text_page("p.txt", "\n".join([glued, TITLE, *PARAGRAPHS, *MORE, *comments, *tail]))
    n = len(page.blocks) - len(tail)
    author = [b.text.endswith("said:") for b in page.blocks]
    cut = [a or b.text == "Advertisement" for a, b in zip(author, page.blocks, strict=True)]
    kept = [i for i in range(len(cut)) if not cut[i]]
    rows = dict(zip(kept, line_features(page, cut, only=kept, comment=author), strict=True))
    f = {name: {i: row[k] for i, row in rows.items()} for k, name in enumerate(FEATURES)}
    first, reply = 2, n - 1  # an article paragraph, the last comment
    assert f["glued"][0] > 0 and f["glued"][first] == 0
    assert f["comments_above"][reply] > f["comments_above"][n - 3] > 0 == f["comments_above"][first]
    assert f["cut_between"][n + 1] > 0 and f["cut_between"][first] == 0
    assert f["run_share"][first] == 1 and f["run_words"][first] > 0


def test_small_print_and_a_long_bio_are_seen_for_what_they_say() -> None:
    # site_chrome reads lines of up to 60 words and only in their whole form; the line model weighs the words.
    bio = (
        "Jane Doe is a senior business reporter for the Harbour Post, covering shipping, ports and trade. "
        + "Before that she wrote about the fishing fleet for ten years. " * 5
    )
    small = "No spam, we promise. You can unsubscribe at any time and we will never share your email address."
    page = text_page("p.txt", "\n".join([TITLE, *PARAGRAPHS, bio, small]))
    rows = line_features(page, [False] * len(page.blocks))
    f = {name: [row[k] for row in rows] for k, name in enumerate(FEATURES)}
    n = len(page.blocks)
    assert f["bio"][n - 2] == 1 and f["bio"][1] == 0
    assert f["prompt_words"][n - 1] > 0.5 and f["prompt_words"][1] == 0


CARDS = [
    "Bakery wins the national bread award again",
    "The family bakery on Quay Street took the top prize for its sourdough for the third year running.",
    "Ferry timetable changes from Monday",
    "Boats to the islands will leave half an hour later on weekdays while the pier is repaired.",
    "Museum unveils the restored lighthouse lens",
    "The lens, made in Paris in 1871, went back on show after two years of careful work by volunteers...",
]


def test_teaser_cards_and_commenters_are_told_from_the_article_by_their_rhythm() -> None:
    # Another story's card is a headline then one sentence, card after card; line by line it reads as prose.
    comments = ["harbourwatcher", MORE[0], "Tom B", MORE[1]]
    cut = "Council approves new cycle lanes in the centre of town after a long Update Ass..."
    page = text_page("p.txt", "\n".join([TITLE, *PARAGRAPHS, *CARDS, cut, *comments]))
    rows = line_features(page, [False] * len(page.blocks))
    f = {name: [row[k] for row in rows] for k, name in enumerate(FEATURES)}
    first, card = 1, 1 + len(PARAGRAPHS)
    # (the headline and the first paragraph are one such pair: the cards are three in a row)
    assert f["card_run"][card] > f["card_run"][first] and f["card_run"][card + 5] == f["card_run"][card]
    assert f["card_run"][first + 2] == 0
    assert f["cut_short"][card + 6] == 1 == f["cut_short"][card + 5]
    assert f["cut_short"][card + 3] == 0 == f["cut_short"][first]
    assert f["near_cut_short"][card + 4] > 0 == f["near_cut_short"][first]
    assert f["near_handles"][len(page.blocks) - 1] > f["near_handles"][first] == 0


def test_the_second_pass_sees_the_article_span_the_first_pass_verdicts_make() -> None:
    # Six lines of article the first pass is sure of, one it doubts among them, then a footer of teasers it
    # doubts, with one long teaser it took for article text: the span is the article, the lone teaser is outside.
    words = [40, 30, 35, 8, 30, 45, 25, 12, 10, 30, 9]
    chances = [0.9, 0.95, 0.9, 0.3, 0.9, 0.95, 0.2, 0.1, 0.2, 0.6, 0.1]
    kept = list(range(len(words)))
    candidates = [k for k in kept if k != 1]  # line 1 the cleaner may not remove: it counts as article text
    rows = span_features(kept, candidates, [chances[k] for k in candidates], words, 0.45)
    f = {name: dict(zip(candidates, (row[k] for row in rows), strict=True)) for k, name in enumerate(SPAN_FEATURES)}
    assert all(len(row) == len(SPAN_FEATURES) for row in rows)
    assert [k for k in candidates if f["in_span"][k]] == [0, 2, 3, 4, 5]
    assert f["span_after"][9] == 1 and f["span_distance"][9] > 0 and f["in_span"][9] == 0
    assert f["near_first"][3] > 0.8 > f["near_first"][9]
    assert f["first_below"][5] < 0.5 < f["first_below"][0]
    assert f["span_above"][0] == 0 and f["span_below"][5] == 0 and 0 < f["span_above"][3] < 1


def _stump(features: tuple[str, ...], name: str, below: float, above: float, threshold: float) -> dict[str, object]:
    """A model of one split on one feature: raw score ``below`` when it is at most 0.5, else ``above``."""
    tree = {"feature": [features.index(name), 0, 0], "threshold": [0.5, 0, 0], "left": [1, -1, -1]}
    tree |= {"right": [2, -1, -1], "value": [0.0, below, above]}
    return {"features": list(features), "threshold": threshold, "bias": 0.0, "rate": 1.0, "trees": [tree]}


STRANDED = "Sign up for the weekly letter and get the best of the harbour news, the ferry times and more."


def _two_passes(tmp_path: Path, raw: float) -> dict[str, str]:
    """The body of a page cleaned with a first pass that keeps prose (raw score ``raw``, ``-raw`` for the rest)
    alone, and with a second pass that removes what lies below the article span the first pass's verdicts make."""
    first = _stump(FEATURES, "prose", -raw, raw, 0.45)
    second = _stump(FEATURES + SPAN_FEATURES, "span_after", 3.0, -3.0, 0.40)
    one, two = tmp_path / "one.json", tmp_path / "two.json"
    one.write_text(json.dumps(first), encoding="utf-8")
    two.write_text(json.dumps({**first, "second": second}), encoding="utf-8")
    chrome = ["Most read", "Ferry times", "Weather", "Tides", "Jobs", "Events", "Contact", "Archive", "Help"]
    lines = ["Home", "News", TITLE, *PARAGRAPHS, *MORE, *chrome, STRANDED, "Back to top"]
    bodies = {}
    for name, model in (("one", one), ("two", two)):
        pipeline = Pipeline.default(Config(options={"boilerplate_lines": {"model": str(model)}}))
        bodies[name] = pipeline.clean(text_page("p.txt", "\n".join(lines))).body
    assert all(p in bodies["one"] and p in bodies["two"] for p in PARAGRAPHS + MORE)
    return bodies


def test_a_second_pass_judges_a_line_by_the_article_span_around_it(tmp_path: Path) -> None:
    # A first pass that keeps prose and doubts the rest (chances of 0.73 and 0.27): a paragraph stranded under the
    # article's end, past a run of chrome, goes only with the second pass; the article's own paragraphs stay.
    bodies = _two_passes(tmp_path, 1.0)
    assert STRANDED in bodies["one"] and STRANDED not in bodies["two"]


def test_the_second_pass_leaves_the_lines_the_first_is_sure_of(tmp_path: Path) -> None:
    # The same first pass, sure of every line (chances of 0.95 and 0.05): the second pass judges none again.
    bodies = _two_passes(tmp_path, 3.0)
    assert STRANDED in bodies["one"] and STRANDED in bodies["two"]


def test_glued_words_are_counted_as_the_pattern_finds_them() -> None:
    # A headline run into its teaser ("…StudentA 24-year-old") is counted on the line's bytes, not by a regex:
    # the count must be the pattern's on any line, accented, Turkish or holding a lone surrogate.
    glued = re.compile(r"[a-z]{3}[A-Z]")
    lines = [
        "Town mourns studentA 24-year-old was found",
        "abcDefgHijkLmnoP",
        "ÉcoleNational caféOlé straßeBerlin İstanbulHaber",
        "abcdE\ud800xyzA",
        "no capitals at all here",
        "",
    ]
    for line in lines:
        assert _glued(line) == len(glued.findall(line)), line


def test_inside_the_body_an_authors_bio_is_the_models_to_judge_and_the_article_is_not(tmp_path: Path) -> None:
    # A model that doubts every line it is asked about shows which lines the rule keeps from it: inside the body
    # stretch, a long paragraph and the sentences that follow prose, but not a bio under the article, which is
    # prose too and follows the article's last paragraph.
    doubter = tmp_path / "doubter.json"
    doubter.write_text(json.dumps(_stump(FEATURES, "prose", -3.0, -3.0, 0.45)), encoding="utf-8")
    pipeline = Pipeline.default(Config(options={"boilerplate_lines": {"model": str(doubter)}}))
    long = " ".join(PARAGRAPHS)
    bio = (  # longer than site_chrome's own bio rule reads (60 words)
        "Jane Harper is a staff writer who covers the harbour, the council and the fishing fleet, and has reported"
        " on the expansion plan since it was first drawn up more than ten years ago. Before that she worked for"
        " papers on both coasts, wrote two books on the herring trade, and taught reporting at the college in"
        " town, where she still runs a summer course for young writers."
    )
    assert word_count(bio) > 60
    body = pipeline.clean(text_page("p.txt", "\n".join(["Home", "News", TITLE, long, *MORE, bio]))).body
    assert long in body and all(p in body for p in MORE[1:])
    assert bio not in body


def test_below_the_readers_comments_mark_a_long_comment_is_the_models_to_judge(tmp_path: Path) -> None:
    # A comment count under the headline (little article above it) changes nothing; one under the article starts
    # the readers' part of the page, where a long comment is prose too: the rule no longer keeps it from the model.
    doubter = tmp_path / "doubter.json"
    doubter.write_text(json.dumps(_stump(FEATURES, "prose", -3.0, -3.0, 0.45)), encoding="utf-8")
    pipeline = Pipeline.default(Config(options={"boilerplate_lines": {"model": str(doubter)}}))
    long = " ".join(PARAGRAPHS)
    comment = " ".join(MORE) + " I have lived by the harbour all my life and I think the council got this one right."
    assert word_count(comment) >= LONG_PARAGRAPH
    article = ["Home", "News", TITLE, "12 comments", long, *MORE]
    assert sum(map(word_count, [long, *MORE])) >= COMMENTS_AFTER
    body = pipeline.clean(text_page("p.txt", "\n".join([*article, "2 comments", comment, "Reply"]))).body
    assert long in body and all(p in body for p in MORE[1:])
    assert comment not in body
