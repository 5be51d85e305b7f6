"""Learning from the whole folder: a site's template (site_template) and story clusters (clusters)."""

from __future__ import annotations

import json
import pickle
import random
import re
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from newsread.cleaners import Pipeline, load_pages
from newsread.cleaners import clusters as clusters_module
from newsread.cleaners.base import Context
from newsread.cleaners.builtin.site_template import SiteTemplate, fit_template
from newsread.cleaners.clusters import StoryIndex, cluster_pages, compare_versions, story_signature
from newsread.cleaners.model import Page
from newsread.cleaners.textpage import text_page

from ..conftest import SEEDS

WORDS = (
    "council harbour river market workers budget court storm school hospital election farmers bridge energy "
    "prices museum festival league season villagers engineers contract railway committee inquiry evidence "
    "residents mayor protest agreement officials analysts exports drought flood wildfire vaccine study"
).split()
VERBS = "said announced warned agreed rejected confirmed expected approved delayed reported".split()

HEADER = ["Riverside Gazette", "Your town, your news", "Home | Local | Sport | Business | Opinion"]
PROMO = "Get our free morning newsletter with the stories that matter to you, delivered every day before seven."
FOOTER = [
    "Riverside Gazette is published by Riverside Media Ltd, registered in Wales under number 0123456.",
    "Privacy | Terms | Contact us",
]
SHARED_STORY = [
    "The regional transport authority said on Tuesday that the new railway line would open in the spring, "
    "two years later than first planned, after engineers found problems with the tunnel lining.",
    "Officials said the delay would add about forty million to the cost of the project, which has been "
    "criticised by residents living along the route for noise during night-time construction work.",
    "The authority's chief executive said passengers would see the benefits within months of the opening, "
    "with journeys between the two cities cut by almost half an hour.",
]


def paragraph(rng: random.Random) -> str:
    sentences = []
    for _ in range(rng.randint(2, 3)):
        words = [rng.choice(WORDS) for _ in range(rng.randint(10, 16))]
        words.insert(3, rng.choice(VERBS))
        sentences.append(" ".join(words).capitalize() + ".")
    return " ".join(sentences)


def site_folder(n: int = 8, seed: int = 3) -> tuple[list[Page], dict[str, list[str]]]:
    """``n`` pages of one site; pages 0-2 carry the same syndicated story. Returns pages and their article."""
    rng = random.Random(seed)
    pages, articles = [], {}
    for i in range(n):
        body = list(SHARED_STORY) if i < 3 else [paragraph(rng) for _ in range(rng.randint(3, 6))]
        lines = [*HEADER, f"Headline number {i} about the {rng.choice(WORDS)}", f"Published {i + 1} May 2024"]
        lines += [*body[:2], PROMO, *body[2:]]
        lines += FOOTER
        page_id = f"p{i}.txt"
        pages.append(text_page(page_id, "\n".join(lines) + "\n"))
        articles[page_id] = body
    return pages, articles


def learner_marks(pages: list[Page]) -> dict[str, list[tuple[str, str]]]:
    cleaner = SiteTemplate()
    state = cleaner.fit(pages)
    out = {}
    for page in pages:
        marks = cleaner.annotate(page, Context(page=page, folder={cleaner.name: state}))
        out[page.id] = [(page.text[m.start : m.end], m.reason) for m in marks]
    return out


def test_template_blocks_are_removed_with_the_number_of_pages_they_are_on() -> None:
    pages, _ = site_folder()
    marks = learner_marks(pages)
    for page in pages:
        removed = dict(marks[page.id])
        for line in [*HEADER, PROMO, *FOOTER]:
            assert line in removed, (page.id, line)
            m = re.fullmatch(r"site template: on (\d+) of (\d+) pages of .+", removed[line])
            assert m is not None, removed[line]
            on_pages = sum(1 for p in pages if line in p.text.splitlines())
            assert (int(m.group(1)), int(m.group(2))) == (on_pages, len(pages))


def test_syndicated_paragraphs_and_page_own_text_are_kept() -> None:
    pages, articles = site_folder()
    pipeline = Pipeline.default()
    cleaned = pipeline.clean_all(pages)
    for page in cleaned:
        body = page.body
        for para in articles[page.id]:
            assert para in body, (page.id, para[:40])
        assert PROMO not in body and FOOTER[0] not in body
        assert any(a.cleaner == "site_template" for a in page.removals)


def test_background_paragraph_repeated_inside_articles_is_kept() -> None:
    rng = random.Random(5)
    background = (
        "The inquiry was set up last year after a series of reports raised questions about how the contracts "
        "had been awarded, and it is expected to publish its findings in the spring."
    )
    pages = []
    for i in range(8):
        body = [paragraph(rng) for _ in range(4)]
        if i % 2:
            body.insert(2, background)
        pages.append(text_page(f"p{i}.txt", "\n".join([*HEADER, *body, *FOOTER]) + "\n"))
    marks = learner_marks(pages)
    assert all(background not in dict(m) for m in marks.values())
    assert all(HEADER[0] in dict(m) for m in marks.values())


def test_pages_with_site_metadata_are_grouped_by_it_and_named_after_it() -> None:
    pages, _ = site_folder(6)
    for k, page in enumerate(pages):
        page.meta["site"] = "Example News" if k % 2 else "Other Daily"
    marks = learner_marks(pages)
    for k, page in enumerate(pages):
        reason = dict(marks[page.id])[FOOTER[1]]
        assert reason == f"site template: on 3 of 3 pages of {'Example News' if k % 2 else 'Other Daily'}"


def test_pages_of_different_sites_or_alone_lose_no_article_text() -> None:
    rng = random.Random(9)
    different = [
        text_page(f"s{i}.txt", "\n".join([f"Site number {i} {w}", *(paragraph(rng) for _ in range(4)), "Contact"]))
        for i, w in enumerate(WORDS[:6])
    ]
    marks = learner_marks(different)
    # At most the one line every page shares ("Contact") is taken for template; no article text, no headline.
    assert all({text for text, _ in m} <= {"Contact"} for m in marks.values())
    pages, _ = site_folder()
    alone = Pipeline.default()  # never fitted: each page on its own
    assert all(a.cleaner != "site_template" for p in pages for a in alone.clean(p).removals)


def test_a_folder_of_copies_of_one_article_keeps_the_article() -> None:
    text = "\n".join(SHARED_STORY) + "\n"
    pages = [text_page(f"copy{i}.txt", text) for i in range(5)]
    for page in Pipeline.default().clean_all(pages):
        assert all(p in page.body for p in SHARED_STORY)


def test_sites_are_told_apart_by_their_chrome() -> None:
    first, _ = site_folder(6, seed=1)
    other_header = ["Hillside Courier", "News from the hills since 1901", "Start | Region | Sport | Money"]
    second = [
        text_page(f"h{p.id}", p.text.replace("\n".join(HEADER), "\n".join(other_header)).replace("Riverside", "Hill"))
        for p in site_folder(6, seed=2)[0]
    ]
    state = fit_template([*first, *second])
    groups = {state.page_group[p.id] for p in first}, {state.page_group[p.id] for p in second}
    assert len(groups[0]) == 1 and len(groups[1]) == 1 and groups[0] != groups[1]


# -- story clusters ---------------------------------------------------------------------------------
def test_seed_reports_form_their_stories() -> None:
    cleaned = Pipeline.default().clean_all(load_pages([SEEDS]))
    clusters = cluster_pages(cleaned)
    by_cluster: dict[str, set[str]] = {}
    for page_id, cluster in clusters.items():
        by_cluster.setdefault(cluster, set()).add(page_id[:3])
    assert sorted(map(sorted, by_cluster.values())) == [["000", "001", "002"], ["003", "004"]]


def test_unrelated_pages_stay_alone_and_identical_copies_join() -> None:
    rng = random.Random(11)
    index: StoryIndex[int] = StoryIndex()
    bodies = [[paragraph(rng) for _ in range(4)] for _ in range(4)]
    for k, body in enumerate(bodies):
        index.add(k, story_signature(None, body))
    index.add(4, story_signature("A copy", bodies[2]))
    index.add(5, story_signature(None, ["Short."]))
    index.add(6, story_signature(None, ["Short."]))
    clusters = index.clusters()
    assert clusters == {0: 0, 1: 1, 2: 2, 3: 3, 4: 2, 5: 5, 6: 5}


def test_long_pages_that_share_one_stock_sentence_are_not_chained_into_one_story() -> None:
    """Guides on one topic from many sites each share a disclosure or a stock sentence with the next: no story.
    Two reports that quote the same statement are one."""
    rng = random.Random(17)
    stock = [  # page k shares sentence k with page k + 1
        "We may earn a commission at no extra cost to you when readers purchase through affiliate links here.",
        "This guide will walk you through everything you need to know about choosing wisely this season.",
        "Prices and availability listed were accurate at publication but remain subject to change without notice.",
        "Our editors independently research, test and recommend the best products before writing any review.",
        "Sign up for the weekly newsletter to receive practical advice and exclusive offers straight to your inbox.",
    ]
    index: StoryIndex[int] = StoryIndex()
    for k in range(6):  # a chain of six pages, if a single shared sentence linked two pages
        body = [paragraph(rng) for _ in range(60)]
        body[5:5] = stock[k : k + 1]
        body[12:12] = stock[k - 1 : k] if k else []
        index.add(k, story_signature(None, body))
    quote = (
        "The harbour authority said the expansion would double container traffic within five years and create "
        "hundreds of permanent jobs along the northern waterfront districts."
    )
    index.add(6, story_signature(None, [paragraph(rng), quote, paragraph(rng)]))
    index.add(7, story_signature(None, [paragraph(rng), paragraph(rng), quote]))
    clusters = index.clusters()
    assert [clusters[k] for k in range(6)] == list(range(6))
    assert clusters[7] == clusters[6] == 6


def test_stories_found_range_by_range_through_files_are_the_stories_found_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A big folder is clustered one range of shingles at a time, spilled to temporary files: the stories must
    be exactly those found with everything in memory (shared quotes, rewrites, copies, unrelated pages)."""
    rng = random.Random(5)
    stories = [[paragraph(rng) for _ in range(5)] for _ in range(30)]
    index: StoryIndex[int] = StoryIndex()
    for k in range(120):
        story = stories[rng.randrange(len(stories))]
        kept = [p for p in story if rng.random() < 0.6] or story[:1]
        index.add(k, story_signature(None, kept + [paragraph(rng) for _ in range(rng.randrange(3))]))
    at_once = index.clusters()
    assert 10 < len(set(at_once.values())) < 120  # some pages joined, not all
    monkeypatch.setattr(clusters_module, "INDEX_SHINGLES", 500)  # dozens of ranges ...
    monkeypatch.setattr(clusters_module, "SPILL_IN_MEMORY", 1024)  # ... that go to files
    assert index.clusters() == at_once


def test_a_signature_kept_as_json_is_the_signature_made_in_memory() -> None:
    # Workers keep each page's signature unsorted and without its sketch; whoever reads it back finishes it.
    pipeline = Pipeline.default()
    for cleaned in pipeline.clean_all(load_pages([SEEDS])):
        made = clusters_module.signature_of(cleaned)
        assert made is not None and len(made.sketch) == clusters_module.SKETCH_BINS
        assert clusters_module.signature_from_json(clusters_module.signature_json_of(cleaned)) == made
        assert clusters_module.signature_from_json(clusters_module.signature_to_json(made)) == made
        # The text the result cache keeps of it (written without json.dumps) reads back as the same signature.
        text = clusters_module.signature_json_text(clusters_module.signature_json_of(cleaned))
        assert clusters_module.signature_from_json(json.loads(text)) == made
    assert json.loads(clusters_module.signature_json_text(None)) is None
    with pytest.raises(ValueError):
        clusters_module.signature_from_json(["not base64!", 1])


def test_compare_versions_paragraph_by_paragraph() -> None:
    rng = random.Random(4)
    p1, p2, p3, p4, p5 = (paragraph(rng) for _ in range(5))
    words = p2.split()
    reworded = " ".join([*words[: len(words) // 2], "meanwhile", "officials", "declined", "to", "comment"])
    result = compare_versions([p1, p2, p3], {"b": [p1, reworded, p4], "c": [p4, p5, p1]})
    status = [(p.index, [(m.version, m.index, m.same) for m in p.found]) for p in result.paragraphs]
    assert status == [(0, [("b", 0, True), ("c", 2, True)]), (1, [("b", 1, False)]), (2, [])]
    assert [p.index for p in result.adds] == [2]
    assert [(m.version, m.index, m.versions) for m in result.missing] == [("b", 2, ("b", "c")), ("c", 1, ("c",))]
    assert result.versions == ("b", "c")


def test_jsonl_records_carry_the_story_cluster(tmp_path: Path) -> None:
    folder = tmp_path / "pages"
    folder.mkdir()
    story = "\n".join(SHARED_STORY)
    (folder / "a.txt").write_text(f"Railway line delayed again\n{story}\n", encoding="utf-8")
    (folder / "b.txt").write_text(f"Tunnel problems push back railway\n{story}\nMore to follow.\n", encoding="utf-8")
    rng = random.Random(2)
    (folder / "c.txt").write_text("\n".join(paragraph(rng) for _ in range(4)) + "\n", encoding="utf-8")
    (folder / "d.txt").write_bytes(b"%PDF-1.7 binary")
    result = subprocess.run(
        [sys.executable, "-m", "newsread.tui.cli", "clean", str(folder)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    records = {r["id"]: r for r in map(json.loads, result.stdout.splitlines())}
    assert records["a.txt"]["cluster"] == records["b.txt"]["cluster"] == "a.txt"
    assert records["c.txt"]["cluster"] == "c.txt"
    assert records["d.txt"]["cluster"] is None


# -- learning a folder in parts (several worker processes) ------------------------------------------
def mixed_folder() -> list[Page]:
    """Two sites told apart by their chrome, pages named by their metadata (site, url), short pages, an empty
    page and one that could not be read: everything grouping looks at."""
    first, _ = site_folder(7, seed=1)
    other_header = ["Hillside Courier", "News from the hills since 1901", "Start | Region | Sport | Money"]
    second = [
        text_page(f"h{p.id}", p.text.replace("\n".join(HEADER), "\n".join(other_header)).replace("Riverside", "Hill"))
        for p in site_folder(6, seed=2)[0]
    ]
    named, _ = site_folder(5, seed=4)
    for k, page in enumerate(named):
        page.meta.update({"site": "Example  News"} if k % 2 else {"url": "https://www.example.org/a/b"})
        page.id = f"n{page.id}"
    short = [
        text_page(f"s{i}.txt", f"Riverside Gazette\nShort note {i}\nPrivacy | Terms | Contact us\n") for i in range(4)
    ]
    broken = Page.failed("broken.txt", None, "cannot read")
    return [*first[:3], text_page("empty.txt", "\n \n"), *second[:4], *named, broken, *first[3:], *short, *second[4:]]


def test_a_folder_learned_in_parts_is_learned_exactly_as_a_whole() -> None:
    pages = mixed_folder()
    cleaner = SiteTemplate()
    whole = cleaner.fit(pages)
    assert len(whole.groups) >= 3  # the test has something to get wrong: several sites, named several ways
    for size in (1, 2, 5, len(pages)):
        parts = [pages[i : i + size] for i in range(0, len(pages), size)]
        # Each part's result crosses a process boundary: it is pickled there and back.
        chunks = [pickle.loads(pickle.dumps(cleaner.fit_chunk(part))) for part in parts]
        merged = cleaner.fit_merge(chunks)
        assert merged == whole, size
        assert pickle.dumps(merged) == pickle.dumps(whole), size  # the same bytes: the same cache keys


def test_a_pipeline_learns_in_parts_as_a_whole_and_reports_a_part_that_failed() -> None:
    pages = mixed_folder()
    whole, parted = Pipeline.default(), Pipeline.default()
    assert parted.fits_in_chunks()
    whole.fit(pages)
    parted.fit_merge([parted.fit_chunk(pages[:9]), parted.fit_chunk(pages[9:])])
    assert parted._folder == whole._folder and not parted.problems

    class Fragile(SiteTemplate):
        def fit_chunk(self, pages: Iterable[Page]) -> Any:
            if any(p.error for p in pages):
                raise ValueError("cannot read this part")
            return super().fit_chunk(pages)

    fragile = Pipeline.default()
    fragile.stages = tuple(replace(s, cleaner=Fragile()) if s.name == "site_template" else s for s in fragile.stages)
    fragile.fit_merge([fragile.fit_chunk(pages[:2]), fragile.fit_chunk(pages)])
    assert "site_template" not in fragile._folder
    assert fragile.problems == ["cleaner 'site_template' failed to learn from the folder: cannot read this part"]
