"""The shared per-page line features and the fast paths built on them give the answers the plain rules give."""

from __future__ import annotations

import re

import pytest

from newsread.cleaners import Config, Pipeline, text_page
from newsread.cleaners.builtin import _lines, link_farms
from newsread.cleaners.builtin.duplicates import shingle_hashes, shingles
from newsread.cleaners.builtin.site_chrome import chrome_reason

from .test_builtin_cleaners import PARAGRAPHS

PIPELINE = Pipeline.default(Config())

LINES = [
    "The council voted on Tuesday to expand the harbour, ending a debate that had lasted for a decade.",
    "Why Movies Went From 15 Minutes To Two Hours And What It Means For You",
    '"We will not give up," the harbour master said.',
    "- Storm warning issued for the north coast tonight",
    "12. Ferry timetable changes",
    "İstanbul'da yeni köprü açıldı ve trafik rahatladı, dedi belediye başkanı dün akşam.",
    "北京市政府今天宣布了新的交通计划，以缓解城市拥堵问题。",
    "“We won’t stop — not now, not ever,” the café_owner said…",
    "Cafe\u0301 owners · 12 ° warmer « today »",  # a combining mark and rarer punctuation: the regex path
    "Город объявил о новом мосте — «сегодня»",
    "Share",
    "Read more…",
    "Advertisement",
    "A short line; with a semicolon;",
    "   ",
    "12. " + " ".join(["Word"] * 30),  # a numbered item of 30 words after its number: 31 on the line
    "Is this the headline of a farm?",
    "Price ٣ dinars",  # an Arabic-Indic digit
    "© 2024 Société_Générale−Paris, tous droits réservés",  # a sign inside a piece, "_": the regex on that piece
    "كَتَبَ الوَلَدُ الدَّرْسَ فِي المَدْرَسَةِ",  # combining marks in every word
    "“Breaking” News — Today’s TOP Stories…",  # non-ASCII only by punctuation that has no case
    "Kelvin \u212a — “sign”",  # a letter whose lower case is ASCII
]


# The rules as regexes: what the line features (spelled out for speed in ``_lines``) must give.
WORD = re.compile(r"\w+")
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af\u0e00-\u0e7f]")
SENTENCE_END = re.compile(r"[.!?。！？…:;][\"'”’»)\]]*\s*$|[\"”’»]\s*$")
LIST_MARK = re.compile(r"^(?:[-*•·▪►»›–—]|\d{1,2}[.)])\s+")


def word_count(text: str) -> int:
    return len(WORD.findall(text)) + len(CJK.findall(text)) // 2


def ends_like_sentence(text: str) -> bool:
    return SENTENCE_END.search(text) is not None


def is_title_case(text: str) -> bool:
    words = [w for w in WORD.findall(text) if w[0].isalpha()]
    return len(words) >= 4 and sum(1 for w in words if w[0].isupper()) >= 0.75 * len(words)


def is_prose(text: str) -> bool:
    n = word_count(text)
    if n < 10:
        return False
    if CJK.search(text):
        return True
    if n < 30 and is_title_case(text) and not ends_like_sentence(text):
        return False
    toks = WORD.findall(text.lower())
    stopwords = sum(1 for t in toks if t in _lines.STOPWORDS) / len(toks) if toks else 0.0
    return stopwords >= 0.12 or (n >= 25 and ends_like_sentence(text))


def is_headline_like(text: str) -> bool:
    body = LIST_MARK.sub("", text, count=1).rstrip()
    return 3 <= word_count(body) <= 30 and not (body.endswith((".", "。", ";")) and not body.endswith("..."))


def is_farm_item(text: str) -> bool:
    """A line that can belong to a list of links: a headline, a list item, or a short line."""
    n = word_count(text)
    if n == 0 or n > 30:
        return False
    return LIST_MARK.match(text) is not None or n <= 6 or not ends_like_sentence(text) or text.rstrip().endswith("?")


def is_headline_item(text: str) -> bool:
    body = LIST_MARK.sub("", text, count=1)
    return 4 <= word_count(body) <= 30 and is_headline_like(body) and word_count(text) <= 30


def is_plain_headline(text: str) -> bool:
    body = LIST_MARK.sub("", text, count=1).rstrip()
    return is_headline_item(text) and not ends_like_sentence(body) and not body.endswith(("!", "~"))


def test_line_features_are_what_the_rules_say() -> None:
    page = text_page("p.txt", "\n".join(LINES))
    lines = _lines.page_lines(page)
    for b in page.blocks:
        i, t = b.index, b.text
        # A page's features, and one line's (the per-text functions).
        assert lines.wc[i] == _lines.word_count(t) == word_count(t), t
        assert lines.toks[i] == _lines.tokens(t) == WORD.findall(t.lower()), t
        assert lines.ends[i] == _lines.ends_like_sentence(t) == ends_like_sentence(t), t
        assert lines.listed[i] == _lines.is_list_item(t) == (LIST_MARK.match(t) is not None), t
        assert lines.prose[i] == _lines.is_prose(t) == is_prose(t), t
        assert lines.headline[i] == _lines.is_headline_like(t) == is_headline_like(t), t
        assert _lines.is_title_case(t) == is_title_case(t), t
        assert lines.low[i] == t.lower()
        # What link farms and metadata read.
        assert lines.farm[i] == is_farm_item(t), t
        assert lines.item[i] == is_headline_item(t), t
        assert lines.plain[i] == is_plain_headline(t), t
        assert lines.digit[i] == (word_count(t) <= 14 and re.search(r"\d", t) is not None), t


def test_an_articles_words_are_what_the_pattern_finds() -> None:
    # An extractor's whole article (many lines, mixed scripts) is read once, not line by line.
    article = "\n".join(LINES)
    for text in [*LINES, article, "\n\n".join(reversed(LINES)), "İİİ Kelvin \u212a"]:
        assert _lines.lower_words(text) == WORD.findall(text.lower()), text
        assert _lines.words_in(text) == len(WORD.findall(text)), text


def test_sentence_ends_are_what_the_pattern_finds() -> None:
    for text in ["Done.", 'He said "yes."', "Over?", "No end", "Quote »", "(aside.)", "", "Wait...", "Trailing ]"]:
        assert _lines.ends_like_sentence(text) == ends_like_sentence(text), text
        assert _lines.ends_like_sentence(text + " \n") == ends_like_sentence(text + " \n"), text


def test_lowered_pattern_matches_what_the_case_insensitive_one_does() -> None:
    pattern = re.compile(r"^[\W_]*(?:read\s+more|advertisement)[\W_]*$", re.IGNORECASE)
    fast = _lines.lowered(pattern)
    for line in ["READ MORE", "- Read more -", "Advertisement", "Read the rest", "advertisements"]:
        assert bool(fast.match(line.lower())) == bool(pattern.match(line)), line


def test_lowered_refuses_a_pattern_with_capitals() -> None:
    with pytest.raises(ValueError):
        _lines.lowered(re.compile(r"[A-Z]\w+ says", re.IGNORECASE))


def test_find_in_lines_reports_each_line_once_and_never_across_lines() -> None:
    texts = ["share this story", "no hint here", "sha", "re and share and share", "©2024"]
    found = _lines.find_in_lines(texts, (("share",), ("©", "(c)"), ("hare\nno",)))
    assert found == [{0, 3}, {4}, set()]


def test_chrome_verdicts_do_not_depend_on_lower_casing_changing_the_length() -> None:
    # Lower-casing "İ" gives two characters: the case-insensitive patterns are used for such lines.
    assert chrome_reason("© 2024 İstanbul Times. All rights reserved.") == "copyright footer"
    assert chrome_reason("© 2024 Istanbul Times. All rights reserved.") == "copyright footer"
    assert chrome_reason("Share on Facebook") == chrome_reason("SHARE ON FACEBOOK") == "share/follow buttons"
    # The hints that guard the patterns are looked for in the lower-cased line, where "İ" no longer reads as "i":
    # they guard nothing for such a line, and it is judged as its plain twin is.
    for line, reason in [
        ("2019 Spacenews, Inc. All Rİghts Reserved", "copyright footer"),
        ("- Cookİe Preferences", "cookie prompt"),
        ("Requİred fields are marked *", "comment moderation notice"),
        ("- Enter your emaİl*", "newsletter prompt"),
        ("Share on Facebook İ", "share/follow buttons"),
        ("Follow us on this page İ", None),  # share vocabulary, but no platform named
    ]:
        assert chrome_reason(line) == chrome_reason(line.replace("İ", "I")) == reason, line


def test_shingle_hashes_are_the_hashes_of_the_shingles() -> None:
    words = "the mayor said the first ships could dock at the new quay".split()
    assert shingle_hashes(words) == {hash(s) for s in shingles(words)}
    assert shingle_hashes(["two", "words"]) == {hash(("two", "words"))}


def test_near_duplicate_paragraph_is_still_found_and_named() -> None:
    edited = PARAGRAPHS[1].replace(" closed.", ".")  # the last word cut off: a near-duplicate
    page = "\n".join([*PARAGRAPHS[:3], edited, PARAGRAPHS[3], PARAGRAPHS[4]])
    cleaned = PIPELINE.clean(text_page("page.txt", page))
    assert edited not in cleaned.body and PARAGRAPHS[1] in cleaned.body
    removed = [a.reason for a in cleaned.removals if page[a.start : a.end] == edited]
    assert removed == ["near-duplicate of ¶2"]


def test_templated_paragraphs_that_differ_in_their_facts_are_not_near_duplicates() -> None:
    # A comparison or an events page repeats one paragraph's template with another name and number in it: each
    # says something the others do not, and the gold of both dev sets keeps every one.
    template = (
        "{} sails to the outer islands every morning from the old harbour, and tickets can be bought at the quay, "
        "on board or online up to an hour before the boat leaves, with a discount for residents of the islands."
    )
    variants = [template.format(name) for name in ("Seabird", "Kestrel", "Osprey")]
    page = "\n".join([*PARAGRAPHS[:3], *variants, *PARAGRAPHS[3:]])
    cleaned = PIPELINE.clean(text_page("page.txt", page))
    assert all(v in cleaned.paragraphs for v in variants)


def test_paragraphs_sharing_a_phrase_are_not_near_duplicates() -> None:
    other = "Supporters said the project would bring a new ferry line and a bigger market to the old town square."
    page = "\n".join([*PARAGRAPHS, other])
    cleaned = PIPELINE.clean(text_page("page.txt", page))
    assert other in cleaned.body


def test_cleaning_a_page_again_gives_the_same_result() -> None:
    # Line features and short-line verdicts are remembered between pages: that must not change any answer.
    page = "\n".join(["Home > News > Local", "Share", "Advertisement", *PARAGRAPHS, "Most read", "- A story", "Share"])
    first = PIPELINE.clean(text_page("a.txt", page))
    PIPELINE.clean(text_page("b.txt", "Share\nSomething else entirely, a line of its own."))
    second = PIPELINE.clean(text_page("a.txt", page))
    assert first.removals == second.removals
    assert first.body == second.body


def test_shared_gates_find_what_each_gate_finds_alone() -> None:
    from newsread.cleaners.builtin import ad_markers, inline_promos

    texts = [
        *LINES,
        "Advertisement",
        "- Related Stories -",
        "READ MORE: The mayor's plan for the harbour",
        "More: the harbour",
        "Most read",
        "Story continues below advertisement",
        "Related",
    ]
    page = text_page("g.txt", "\n".join(texts))
    lines = _lines.page_lines(page)
    gates = [
        (ad_markers._AD_KEY, ad_markers._AD_LOW),
        (inline_promos._PROMO_KEY, inline_promos._PROMO_GATE),
        (link_farms._HEADING_KEY, link_farms._HEADING),
    ]
    for key, gate in gates:
        alone = [i for i, low in enumerate(lines.low) if gate.match(low)]
        assert alone, gate.pattern[:40]  # each gate has lines to find here
        assert _lines.SHARED_GATES.matching(lines, key) == alone
