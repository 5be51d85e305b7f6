"""HTML pages: the visible text is the original, readability decides the main content, metadata from the page."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsread.cleaners import Config, Pipeline, html_page, load_pages

ARTICLE = [
    "The city council voted on Tuesday to expand the harbour, ending a debate that had lasted for more than a decade.",
    "Supporters said the project would bring jobs and trade to a region that has struggled since the mills closed.",
    "Opponents warned that the cost had doubled since the plan was first drawn up and that fishermen would lose out.",
    "The mayor said the first ships could dock at the new quay within three years if the work stays on schedule.",
]

PAGE = f"""<!doctype html><html><head><title>Harbour expansion approved | Harbour Gazette</title>
<meta property="og:site_name" content="Harbour Gazette">
<meta property="article:published_time" content="2024-03-12T09:00:00Z">
<link rel="canonical" href="https://example.org/harbour">
<script type="application/ld+json">{
    json.dumps(
        {
            "@type": "NewsArticle",
            "headline": "Harbour expansion approved",
            "author": {"@type": "Person", "name": "Jane Doe"},
        }
    )
}</script>
<style>.x {{ color: red }}</style></head>
<body>
<nav class="menu"><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li>
<li><a href="/sport">Sport</a></li></ul></nav>
<script>trackEverything()</script>
<div hidden>secret hidden text</div><p class="sr-only">Skip to content</p>
<article><h1>Harbour expansion approved</h1>
<figure><img src="a.jpg"><figcaption>The old quay at low tide. Photo: J. Smith</figcaption></figure>
{"".join(f"<p>{p}</p>" for p in ARTICLE)}
</article>
<aside><h3>Most read</h3><ul>
<li><a href="/1">Storm warning issued for the north coast tonight</a></li>
<li><a href="/2">Local bakery wins national bread award again</a></li>
<li><a href="/3">Council approves new cycle lanes in the centre</a></li></ul></aside>
<footer><p>© 2024 Harbour Gazette. All rights reserved.</p></footer>
</body></html>"""

PIPELINE = Pipeline.default(Config())


def test_original_is_the_visible_text_one_block_per_element() -> None:
    page = html_page("p.html", PAGE)
    texts = [b.text for b in page.blocks]
    assert "Home" in texts and ARTICLE[0] in texts
    assert not any("trackEverything" in t or "color: red" in t or "secret" in t or "Skip to" in t for t in texts)
    assert all(page.text[b.start : b.end] == b.text for b in page.blocks)
    link = next(b for b in page.blocks if b.text == "Storm warning issued for the north coast tonight")
    assert link.link_density == 1.0 and link.tag == "li"


def test_metadata_comes_from_meta_tags_and_json_ld() -> None:
    meta = html_page("p.html", PAGE).meta
    assert meta["title"] == "Harbour expansion approved"
    assert meta["site"] == "Harbour Gazette"
    assert meta["byline"] == "Jane Doe"
    assert meta["date"].startswith("2024-03-12")
    assert meta["url"] == "https://example.org/harbour"


def test_main_content_is_the_article_and_everything_else_is_labelled() -> None:
    cleaned = PIPELINE.clean(html_page("p.html", PAGE))
    assert cleaned.paragraphs == ARTICLE
    by = {cleaned.page.text[a.start : a.end]: (a.cleaner, a.reason) for a in cleaned.removals}
    assert by["Home"][0] == "readability_main"
    assert by["Harbour expansion approved"] == ("html_chrome", "headline")
    assert by["The old quay at low tide. Photo: J. Smith"][1] == "photo caption or credit"
    assert cleaned.metadata["title"] == "Harbour expansion approved"


def test_readability_crash_is_noted_and_the_text_cleaners_take_over(monkeypatch: pytest.MonkeyPatch) -> None:
    import newsread.cleaners.builtin.readability_main as rm

    class Broken:
        def __init__(self, *args: object, **kwargs: object) -> None:
            raise ValueError("boom")

    monkeypatch.setattr(rm, "Document", Broken)
    cleaned = PIPELINE.clean(html_page("p.html", PAGE))
    assert any("readability failed" in n for n in cleaned.notes)
    assert all(p in cleaned.body for p in ARTICLE)  # nothing lost
    assert "Home" not in cleaned.paragraphs  # the text cleaners still removed the menu


@pytest.mark.parametrize(
    "text, codec",
    [
        ("Президент России прибыл в Пекин с государственным визитом. Лидеры обсудили торговлю.", "cp1251"),
        ("俄罗斯总统普京抵达北京进行国事访问。两国领导人讨论了贸易、能源和安全合作问题。", "gbk"),
        ("ロシアのプーチン大統領は北京に到着し、習近平国家主席と会談した。", "shift_jis"),
    ],
)
def test_declared_charset_is_respected(tmp_path: Path, text: str, codec: str) -> None:
    markup = f'<html><head><meta charset="{codec}"><title>t</title></head><body><p>{text}</p></body></html>'
    (tmp_path / "page.html").write_bytes(markup.encode(codec))
    [page] = load_pages([tmp_path])
    assert page.error is None and page.format == "html"
    assert [b.text for b in page.blocks] == [text]


def test_deeply_nested_and_broken_markup_loads() -> None:
    markup = "<div>" * 1500 + "<p>deep text</p>" + "</span>" * 10 + "<p>unclosed <b>bold"
    page = html_page("deep.html", markup)
    assert "deep text" in [b.text for b in page.blocks]
    PIPELINE.clean(page)  # must not raise


def test_a_web_archive_opens_as_a_folder_of_its_html_pages(tmp_path: Path) -> None:
    from io import BytesIO

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    archive = tmp_path / "crawl.warc.gz"
    with open(archive, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for url, ctype, body in [
            (
                "https://example.org/a",
                "text/html; charset=windows-1251",
                PAGE.replace("Harbour", "Гавань").encode("cp1251"),
            ),
            ("https://example.org/logo.png", "image/png", b"\x89PNG..."),
            ("https://example.org/b", "text/html", PAGE.encode("utf-8")),
        ]:
            headers = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=BytesIO(body), http_headers=headers))
    pages = list(load_pages([tmp_path]))
    assert [p.id for p in pages] == ["crawl.warc.gz#1", "crawl.warc.gz#2"]  # the image is not a page
    first, second = pages
    assert first.meta["url"] == "https://example.org/a"
    assert "Гавань expansion approved" in first.text  # the HTTP header's charset was used
    cleaned = PIPELINE.clean(second)
    assert cleaned.paragraphs == ARTICLE
