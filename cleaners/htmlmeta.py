"""Metadata an HTML page states about itself: title, date, author, site name, canonical URL.

Read from meta tags (Open Graph, article:*, Dublin Core, name=author …),
JSON-LD (NewsArticle and friends), <link rel=canonical>, <time datetime> and <title>.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
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
    return {k: v[:500] for k, v in meta.items() if v}
