"""Metadata an HTML page states about itself: title, date, author, site name, canonical URL.

Read from meta tags (Open Graph, article:*, Dublin Core, name=author …),
JSON-LD (NewsArticle and friends), <link rel=canonical>, <time datetime> and <title>.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from typing import Any

import lxml.html

from .model import normalise_space

META_KEYS: dict[str, tuple[str, ...]] = {
    "title": ("og:title", "twitter:title", "dc.title", "headline", "sailthru.title"),
    "date": (
        "article:published_time",
        "og:article:published_time",
        "datepublished",
        "dc.date",
        "dc.date.issued",
        "date",
        "pubdate",
        "publishdate",
        "sailthru.date",
        "parsely-pub-date",
        "article:modified_time",
    ),
    "byline": ("author", "article:author", "dc.creator", "byl", "sailthru.author", "parsely-author", "twitter:creator"),
    "site": ("og:site_name", "application-name", "twitter:site", "publisher"),
    "url": ("og:url", "twitter:url"),
}
ARTICLE_TYPES = {
    "newsarticle",
    "article",
    "blogposting",
    "reportagenewsarticle",
    "webpage",
    "report",
    "analysisnewsarticle",
}


# What sites put between a headline and their own name in <title>: a spaced dash, bar, slash, guillemet or dot.
_TITLE_SEPARATOR = re.compile(r"\s+(?:[|\-–—/»·]|::)\s+|\s*\|\s*")
_WEB_ADDRESS = re.compile(r"(?:www\.)?[\w-]+(?:\.[\w-]+)+")


def _key(text: str) -> str:
    """Letters and digits only, case folded: "It's All Trip To Me" and "it’s all trip to me" compare equal."""
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def _names_site(part: str, site: str) -> bool:
    """Whether a part of a title is the site's name (its ``og:site_name`` or a longer or shorter form of it,
    "EcoFlow ZA" for "EcoFlow") or its web address."""
    key, site_key = _key(part), _key(site)
    if _WEB_ADDRESS.fullmatch(part.strip()):
        return True
    if len(key) < 3 or len(site_key) < 3:
        return False
    return key == site_key or key.startswith(site_key) or site_key.startswith(key)


def headline(title: str, site: str, headings: Iterable[str] = ()) -> str:
    """The page's headline from its <title>: without the site's name that pages add before or after it.

    A title that is a heading of the page plus a part after (or before) a separator is that heading; else a
    first or last part that names the site (or is a web address) is dropped. A title with no separator, or
    whose parts name nothing the page says of itself, is kept whole.
    """
    cuts = list(_TITLE_SEPARATOR.finditer(title))
    if not cuts:
        return title
    if site and title.casefold().endswith(site.casefold()):  # a site name that holds a separator itself
        for cut in cuts:
            if _key(title[cut.end() :]) == _key(site) and _key(title[: cut.start()]):
                return title[: cut.start()]
    keys = {_key(h) for h in headings} - {""}
    for cut in reversed(cuts):
        if _key(title[: cut.start()]) in keys:
            return title[: cut.start()]
    for cut in cuts:
        if _key(title[cut.end() :]) in keys:
            return title[cut.end() :]
    last, first = cuts[-1], cuts[0]
    if _names_site(title[last.end() :], site) and _key(title[: last.start()]):
        return title[: last.start()]
    if _names_site(title[: first.start()], site) and _key(title[first.end() :]):
        return title[first.end() :]
    return title


def _json_ld_items(root: lxml.html.HtmlElement) -> Iterator[dict[str, Any]]:
    for script in root.iterfind(".//script"):
        if (script.get("type") or "").lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text)
        except (ValueError, RecursionError):
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                if "@graph" in item:
                    stack.append(item["@graph"])
                yield item


def _name(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        name = value.get("name")
        return name if isinstance(name, str) else None
    if isinstance(value, list):
        names = [n for n in (_name(v) for v in value) if n]
        return ", ".join(names) if names else None
    return None


def html_metadata(root: lxml.html.HtmlElement) -> dict[str, str]:
    """Metadata from the page's head and structured data; empty values are left out."""
    meta: dict[str, str] = {}
    found: dict[str, str] = {}
    for el in root.iterfind(".//meta"):
        key = (el.get("property") or el.get("name") or el.get("itemprop") or "").strip().lower()
        content = el.get("content")
        if key and content and key not in found:
            found[key] = content
    for field, keys in META_KEYS.items():
        for key in keys:
            value = found.get(key)
            # A profile URL is no author name; only the url field takes addresses.
            if value and (field == "url" or not value.startswith(("http://", "https://"))):
                meta[field] = normalise_space(value)
                break
    for item in _json_ld_items(root):
        types = item.get("@type")
        kinds = {t.lower() for t in (types if isinstance(types, list) else [types]) if isinstance(t, str)}
        if not kinds & ARTICLE_TYPES:
            continue
        for field, key in (("title", "headline"), ("date", "datePublished"), ("url", "url")):
            value = item.get(key)
            if isinstance(value, str) and value and field not in meta:
                meta[field] = normalise_space(value)
        author = _name(item.get("author"))
        if author and "byline" not in meta:
            meta["byline"] = normalise_space(author)
        publisher = _name(item.get("publisher"))
        if publisher and "site" not in meta:
            meta["site"] = normalise_space(publisher)
    canonical = root.find(".//link[@rel='canonical']")
    if canonical is not None and canonical.get("href") and "url" not in meta:
        meta["url"] = canonical.get("href", "").strip()
    if "date" not in meta:
        time_el = root.find(".//time[@datetime]")
        if time_el is not None and time_el.get("datetime"):
            meta["date"] = time_el.get("datetime", "").strip()
    if "title" not in meta:
        title = root.findtext(".//title")
        if title and title.strip():
            meta["title"] = normalise_space(title)
    if "title" in meta:
        headings = [normalise_space(h.text_content()) for _, h in zip(range(5), root.iter("h1"), strict=False)]
        meta["title"] = headline(meta["title"], meta.get("site", ""), headings)
    return {k: v[:500] for k, v in meta.items() if v}
