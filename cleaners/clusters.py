"""Story clusters: versions of the same story (syndicated copies, rewrites of one report) grouped together.

Two pages are versions of one story when they share several rare word
sequences (5-word shingles of title and body: quotes and sentences taken from
the same report) — found through an inverted index on shingles, never by
comparing every pair — and clusters are the connected groups (union-find).
Shingles found on very many pages are phrases or boilerplate, not evidence.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from .model import CleanedPage

_WORD = re.compile(r"\w+")
SHINGLE = 5
MIN_SHARED = 4  # shared rare shingles that make two pages one story
MAX_DF = 100  # a shingle on more pages than this is a stock phrase: it links nothing


def _tokens(text: str) -> list[str]:
    return [w.casefold() for w in _WORD.findall(text)]


def _shingles(tokens: Sequence[str], n: int = SHINGLE) -> set[int]:
    # A shingle made of short words only ("and it is in the") is grammar, not content.
    return {
        hash(tuple(tokens[i : i + n]))
        for i in range(len(tokens) - n + 1)
        if sum(1 for t in tokens[i : i + n] if len(t) > 3) >= 2
    }


def _page_text(cleaned: CleanedPage) -> str:
    title = cleaned.title or ""
    return f"{title}\n{cleaned.body}" if title else cleaned.body


def cluster_pages(
    pages: Sequence[CleanedPage], *, min_shared: int = MIN_SHARED, max_df: int = MAX_DF
) -> dict[str, str]:
    """Page id -> cluster id for every page; the cluster id is the id of the cluster's first page."""
    ids = [p.id for p in pages]
    index: dict[int, list[int]] = {}
    for i, page in enumerate(pages):
        if page.page.error is not None:
            continue
        for sh in _shingles(_tokens(_page_text(page))):
            index.setdefault(sh, []).append(i)
    shared: Counter[tuple[int, int]] = Counter()
    for members in index.values():
        if 1 < len(members) <= max_df:
            for a in range(len(members)):
                for b in range(a + 1, len(members)):
                    shared[members[a], members[b]] += 1
    parent = list(range(len(pages)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for (a, b), n in shared.items():
        if n >= min_shared:
            ra, rb = find(a), find(b)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
    return {ids[i]: ids[find(i)] for i in range(len(pages))}


def cluster_members(clusters: dict[str, str]) -> dict[str, list[str]]:
    """Cluster id -> its page ids, in the order given."""
    out: dict[str, list[str]] = {}
    for page_id, cluster in clusters.items():
        out.setdefault(cluster, []).append(page_id)
    return out


@dataclass(frozen=True, slots=True)
class ParagraphMatch:
    """One paragraph of a version and where the other version has it."""

    index: int
    text: str
    status: str  # "same" (in the other version), "reworded" (partly there), "only here"
    other_index: int | None  # the best-matching paragraph of the other version
    overlap: float  # share of this paragraph's word triples found in that paragraph


def compare_versions(a: CleanedPage | Sequence[str], b: CleanedPage | Sequence[str]) -> list[ParagraphMatch]:
    """Paragraph by paragraph: which paragraphs of ``a`` are in ``b``, reworded there, or only in ``a``."""
    pa = a.paragraphs if isinstance(a, CleanedPage) else list(a)
    pb = b.paragraphs if isinstance(b, CleanedPage) else list(b)
    where: dict[int, list[int]] = {}
    for j, para in enumerate(pb):
        for sh in _triples(para):
            where.setdefault(sh, []).append(j)
    out = []
    for i, para in enumerate(pa):
        mine = _triples(para)
        hits: Counter[int] = Counter()
        for sh in mine:
            for j in set(where.get(sh, ())):
                hits[j] += 1
        best, n = hits.most_common(1)[0] if hits else (None, 0)
        overlap = n / len(mine) if mine else 0.0
        status = "same" if overlap >= 0.6 else "reworded" if overlap >= 0.2 else "only here"
        out.append(ParagraphMatch(i, para, status, best if status != "only here" else None, round(overlap, 3)))
    return out


def _triples(text: str) -> set[int]:
    t = _tokens(text)
    if len(t) < 3:
        return {hash(tuple(t))} if t else set()
    return {hash(tuple(t[i : i + 3])) for i in range(len(t) - 2)}
