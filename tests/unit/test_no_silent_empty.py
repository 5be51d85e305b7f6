"""No silent empty or partial page: what can be read is read, and a note says what was done and why."""

from __future__ import annotations

import html
import json
from pathlib import Path

import pytest

from newsread.cleaners import Config, Pipeline, html_page, page_from_bytes
from newsread.cleaners.htmlpage import flatten_deep_markup

PIPELINE = Pipeline.default(Config())
ARTICLE = [
    "The city council voted on Tuesday to expand the harbour, ending a debate that had lasted for more than a decade.",
    "Supporters said the project would bring jobs and trade to a region that has struggled since the mills closed.",
    "Opponents warned that the cost had doubled since the plan was first drawn up and that fishermen would lose out.",
    "The mayor said the first ships could dock at the new quay within three years if the work stays on schedule.",
]
PARAS = "".join(f"<p>{p}</p>" for p in ARTICLE)
PAGE = (
    f"<html><head><title>Harbour vote</title></head><body><article><h1>Harbour vote</h1>{PARAS}</article></body></html>"
)


def clean_text(page_markup: str) -> str:
    return PIPELINE.clean(html_page("p.html", page_markup)).body


# -- XHTML ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["page.xhtml", "page.html", "page"])
def test_xhtml_with_an_xml_declaration_is_read(name: str) -> None:
    xhtml = (
        '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" '
        '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">\n'
        + PAGE.replace("<html>", '<html xmlns="http://www.w3.org/1999/xhtml">')
    )
    from newsread.cleaners.loading import page_format

    page = page_from_bytes(name, xhtml.encode(), fmt=page_format(name)[0])
    assert page.format == "html" and page.error is None
    assert PIPELINE.clean(page).paragraphs == ARTICLE


@pytest.mark.parametrize(
    ("declared", "text"),
    [
        ("ISO-8859-1", "Le président général de la délégation a quitté la réunion du conseil."),
        ("koi8-r", "Президент России прибыл в Пекин с государственным визитом."),
        ("Shift_JIS", "日本の首相は本日、東京で記者会見を開き、新しい経済政策を発表した。"),
        ("UTF-16", "Le président général de la délégation a quitté la réunion du conseil."),
    ],
)
def test_xhtml_whose_only_charset_is_its_xml_declaration_is_read_in_it(declared: str, text: str) -> None:
    # Older XHTML pages state their charset only in the XML declaration (no <meta charset>, no HTTP header).
    import codecs

    xhtml = (
        f"<?xml version='1.0' encoding='{declared}'?>\n"
        f'<html xmlns="http://www.w3.org/1999/xhtml"><head><title>t</title></head><body><p>{text * 4}</p>'
        f"{PARAS}</body></html>"
    )
    page = page_from_bytes("page.xhtml", xhtml.encode(declared), fmt=None)
    assert page.error is None and page.format == "html"
    assert text in page.text and ARTICLE[0] in page.text
    assert page.encoding == codecs.lookup(declared).name
    assert page.notes == []


# -- deep nesting --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("depth", [2100, 6000])
def test_nesting_past_the_parsers_limit_keeps_the_rest_of_the_page(depth: int) -> None:
    markup = (
        f"<html><body><p>{ARTICLE[0]}</p>{'<div>' * depth}<p>{ARTICLE[1]}</p>{'</div>' * depth}{PARAS}</body></html>"
    )
    page = html_page("deep.html", markup)
    texts = [b.text for b in page.blocks]
    assert texts[:2] == ARTICLE[:2] and texts[-4:] == ARTICLE  # the text after the deep part is there
    assert any("flattened" in n for n in page.notes)


def test_ordinary_nesting_is_parsed_as_it_was_and_says_nothing() -> None:
    markup = f"<html><body>{'<div>' * 1500}{PARAS}{'</div>' * 1500}</body></html>"
    page = html_page("deep.html", markup)
    assert [b.text for b in page.blocks] == ARTICLE and page.notes == []


def test_flattening_keeps_text_and_separates_blocks() -> None:
    markup = "<div><div><p>one</p><p>two <b>bold</b></p></div></div><p>after</p>"
    flat = flatten_deep_markup(markup, 1)
    assert flat.count("<div") == 1 and "one" in flat and "<b>" not in flat
    page = html_page("x.html", f"<html><body>{flat}</body></html>")
    assert [b.text for b in page.blocks] == ["one", "two bold", "after"]


# -- text only where a browser would not show it ----------------------------------------------------------------


@pytest.mark.parametrize(
    "body, where",
    [
        (f"<noscript>{PARAS}</noscript><div id=app></div>", "noscript"),
        (f"<template>{PARAS}</template>", "template"),
        (f'<div hidden><div class="d-none">{PARAS}</div></div>', "hidden"),
        (f'<div style="display:none">{PARAS}</div><p>Loading…</p>', "hidden"),
        (f'<iframe srcdoc="{html.escape(PAGE)}"></iframe>', "srcdoc"),
    ],
)
def test_text_only_outside_the_visible_page_is_read_with_a_note(body: str, where: str) -> None:
    page = html_page("p.html", f"<html><head><title>Harbour vote</title></head><body>{body}</body></html>")
    assert all(p in page.text for p in ARTICLE)
    assert any(where.split()[0] in n or "visible text" in n for n in page.notes)
    cleaned = PIPELINE.clean(page)
    assert all(p in cleaned.body for p in ARTICLE)  # the cleaners see the text too (readability included)


def test_json_ld_article_body_is_read_when_the_page_shows_nothing() -> None:
    ld = json.dumps({"@type": "NewsArticle", "headline": "Harbour vote", "articleBody": "\n".join(ARTICLE)})
    markup = (
        f'<html><head><script type="application/ld+json">{ld}</script></head><body><div id=root></div></body></html>'
    )
    page = html_page("p.html", markup)
    assert [b.text for b in page.blocks] == ARTICLE
    assert any("JSON-LD" in n for n in page.notes)
    assert PIPELINE.clean(page).paragraphs == ARTICLE


def test_a_frameset_says_where_its_text_is_and_reads_noframes() -> None:
    markup = (
        '<html><frameset cols="20%,80%"><frame src="menu.html"><frame src="story.html">'
        f"<noframes><body>{PARAS}</body></noframes></frameset></html>"
    )
    page = html_page("p.html", markup)
    assert [b.text for b in page.blocks] == ARTICLE  # markup, not "<p>…" as text
    assert any("frameset" in n and "story.html" in n for n in page.notes)
    assert PIPELINE.clean(page).paragraphs == ARTICLE
    bare = html_page("p.html", '<html><frameset><frame src="story.html"></frameset></html>')
    assert bare.text == "" and any("story.html" in n for n in bare.notes)


def test_a_normal_page_ignores_its_hidden_text_and_noscript() -> None:
    markup = PAGE.replace("<article>", "<article><noscript>Enable JavaScript</noscript><div hidden>Secret</div>")
    page = html_page("p.html", markup)
    assert "Enable JavaScript" not in page.text and "Secret" not in page.text and page.notes == []


def test_a_page_with_no_text_anywhere_says_so() -> None:
    page = html_page("p.html", "<html><head><script>x()</script></head><body><script>y()</script></body></html>")
    cleaned = PIPELINE.clean(page)
    assert cleaned.body == "" and any("no visible text" in n for n in cleaned.notes)


# -- an empty clean text always says why ---------------------------------------------------------------------------


def test_a_clean_text_emptied_by_the_cleaners_says_which_removed_it() -> None:
    from newsread.cleaners import BaseCleaner, CleanerInfo, Context, Mark, Page

    class Everything(BaseCleaner):
        name = "everything"
        description = "removes every block"

        def annotate(self, page: Page, context: Context) -> list[Mark]:
            return [Mark.block(b, "test") for b in page.blocks]

    pipeline = Pipeline.from_infos([CleanerInfo("everything", "", "test", 0, True, Everything)], Config())
    cleaned = pipeline.clean(html_page("p.html", PAGE))
    assert cleaned.body == ""
    assert any("every block was removed" in n and "everything" in n for n in cleaned.notes)
    assert not any("every block" in n for n in PIPELINE.clean(html_page("p.html", PAGE)).notes)


# -- encodings ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-16"])
@pytest.mark.parametrize("fmt", ["html", None])
def test_utf16_with_and_without_a_byte_order_mark_is_read(codec: str, fmt: str | None) -> None:
    page = page_from_bytes("p.html", PAGE.encode(codec), fmt=fmt)  # type: ignore[arg-type]
    assert page.error is None and page.format == "html"
    assert [b.text for b in page.blocks][-4:] == ARTICLE
    assert page.encoding == "utf-16"
    assert (codec == "utf-16") != any("byte order mark" in n for n in page.notes)


@pytest.mark.parametrize("fmt", ["html", "text"])
def test_a_stray_nul_byte_does_not_make_a_page_binary(fmt: str) -> None:
    data = PAGE.encode() if fmt == "html" else "\n".join(ARTICLE).encode()
    at = data.index(b"debate")
    page = page_from_bytes("p", data[:at] + b"\x00" + data[at:], fmt=fmt)  # type: ignore[arg-type]
    assert page.error is None and "\ufffddebate" in page.text
    assert any("NUL" in n for n in page.notes)


def test_many_nul_bytes_are_still_binary() -> None:
    from newsread.cleaners.encoding import NotText

    with pytest.raises(NotText):
        page_from_bytes("p", ("word " * 200).encode().replace(b" ", b"\x00"), fmt=None)


FRENCH = "Le président général de la délégation américaine a quitté la réunion du conseil. " * 4


@pytest.mark.parametrize("declared", ["shift_jis", "euc_jp", "cp1251", "koi8-r"])
def test_a_meta_charset_that_lies_is_detected_and_noted(declared: str) -> None:
    markup = f'<html><head><meta charset="{declared}"></head><body><p>{FRENCH}</p></body></html>'
    page = page_from_bytes("p.html", markup.encode("cp1252"), fmt="html")
    assert "président général de la délégation" in page.text
    assert any(declared.replace("-", "") in n.replace("-", "").replace("_", "") or declared in n for n in page.notes)


def test_garbled_text_in_a_declared_charset_that_does_decode_is_redetected() -> None:
    # Every accent sits inside a word: the bytes are valid shift_jis, but read as kanji wedged between letters.
    words = "Le président général de la délégation américaine a reçu les délégués. " * 4
    data = f'<html><head><meta charset="shift_jis"></head><body><p>{words}</p></body></html>'.encode("cp1252")
    data.decode("shift_jis")  # (the premise: it decodes)
    page = page_from_bytes("p.html", data, fmt="html")
    assert "président général" in page.text and page.encoding != "shift_jis"
    assert any("declares the charset shift_jis" in n for n in page.notes)


def test_a_real_page_in_its_declared_legacy_charset_has_no_note() -> None:
    text = "Президент России прибыл в Пекин с государственным визитом. Лидеры обсудили торговлю. " * 3
    markup = f'<html><head><meta charset="windows-1251"></head><body><p>{text}</p></body></html>'
    page = page_from_bytes("p.html", markup.encode("cp1251"), fmt="html")
    assert "Президент России" in page.text and page.notes == []


def test_results_cached_for_a_pages_bytes_by_an_older_loader_are_not_reused(monkeypatch: pytest.MonkeyPatch) -> None:
    from newsread.cleaners import cache

    before = set(cache.stage_fingerprints(PIPELINE)) - {None}  # (None: a folder-level cleaner not yet taught)
    monkeypatch.setattr(cache, "LOADER_VERSION", "an older one")
    assert before and not before & set(cache.stage_fingerprints(PIPELINE))  # the same bytes may load differently


def test_results_cached_by_an_installed_cleaner_are_not_reused_once_its_code_or_model_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An upgrade from a source checkout keeps the version number; the cleaner's files are what changed.
    from newsread.cleaners import cache
    from newsread.cleaners.pipeline import Pipeline, Stage
    from newsread.cleaners.registry import CleanerInfo

    plugin = tmp_path / "shipped_plugin"
    plugin.mkdir()
    (plugin / "__init__.py").write_text(
        "from newsread.cleaners import BaseCleaner\n"
        "class Trained(BaseCleaner):\n"
        "    name = 'trained'\n"
        "    def annotate(self, page, context):\n"
        "        return []\n",
        encoding="utf-8",
    )
    (plugin / "model.json").write_text('{"threshold": 0.45}', encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    from shipped_plugin import Trained  # type: ignore[import-not-found]

    info = CleanerInfo("trained", "a trained cleaner", "plugin shipped 1.0", 500, True, Trained)
    pipeline = Pipeline([Stage(info, True, {}, Trained())])
    before = cache.stage_fingerprints(pipeline)
    (plugin / "model.json").write_text('{"threshold": 0.4}', encoding="utf-8")
    cache._folder_stamp.cache_clear()  # (the next run: a new process)
    assert cache.stage_fingerprints(pipeline) != before


# -- parts React streamed into the page ---------------------------------------------------------------------------


def test_parts_react_streamed_in_are_read_where_a_browser_shows_them() -> None:
    # What React's streamed server rendering saves: the page's shell with a placeholder, and after its footer the
    # parts that were ready later, hidden until a script (gone from the saved page) moves them into place.
    markup = (
        "<html><body><header><nav><a href=/>Home</a></nav></header><main><h1>Harbour vote</h1>"
        '<template id="B:0"></template></main><footer><p>© The Paper</p></footer>'
        f'<div hidden id="S:0"><article>{PARAS}<template id="P:1"></template></article></div>'
        '<div hidden id="S:1"><p>The work starts in May.</p></div></body></html>'
    )
    page = html_page("p.html", markup)
    texts = [b.text for b in page.blocks]
    assert texts == ["Home", "Harbour vote", *ARTICLE, "The work starts in May.", "© The Paper"]
    assert page.notes == []
    assert all(p in PIPELINE.clean(page).body for p in ARTICLE)


def test_a_streamed_part_whose_place_is_missing_is_read_where_it_is() -> None:
    markup = (
        "<html><body><h1>Harbour vote</h1><p>Tail.</p>"
        f'<div hidden id="S:3"><article>{PARAS}</article></div></body></html>'
    )
    assert [b.text for b in html_page("p.html", markup).blocks] == ["Harbour vote", "Tail.", *ARTICLE]


def test_other_hidden_elements_stay_hidden_next_to_streamed_parts() -> None:
    markup = (
        f'<html><body><div hidden id="S:0"><article>{PARAS}</article></div><div hidden id="menu">Secret</div>'
        '<div hidden id="X:0">Other</div></body></html>'
    )
    text = html_page("p.html", markup).text
    assert "Secret" not in text and "Other" not in text and ARTICLE[0] in text
