"""Removes lines of a plain-text page that the other cleaners left but that read as page chrome, not article.

A text dump has no markup to tell a menu from a paragraph: only each line's form (length, sentence ends, list
marks, function words, digits), its neighbours, where it stands against the article's prose, and what the
cleaners before this one removed around it. A small model, trained on pages of many sites
(``bench/train_boilerplate_lines.py``) and shipped with newsread, weighs those and removes a line only when it
is clearly not article text: losing a paragraph costs a reader more than keeping a line.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, ClassVar

from ..base import BaseCleaner, Context
from ..model import Mark, Page
from ._lines import STOPWORDS, PageLines, page_lines
from ._tree_model import TreeModel
from .outside_article import body_stretch, leading_teaser

MODEL_FILE = "boilerplate_lines_model.json"
_FAR = 20  # lines: "far from the prose" beyond this
# A paragraph of prose this long (words) is what an article is made of: the model's guess never outweighs it
# (long boilerplate prose, a cookie notice or an author's bio, is for site_chrome, which knows what it says).
LONG_PARAGRAPH = 80
# The model learned from whole-page dumps (a page's chrome and its article): on a page of a few lines left
# (a note, an article already cleaned) it has nothing to weigh a line against, and it leaves the page alone.
MIN_LINES = 6

FEATURES: tuple[str, ...] = (
    "log_words",
    "log_chars",
    "sentence_end",
    "listed",
    "prose",
    "headline",
    "farm_item",
    "digit",
    "stopwords",
    "upper",
    "separators",
    "position",
    "kept_before",
    "removed_prev",
    "removed_next",
    "removed_window",
    "prose_prev",
    "prose_next",
    "prose_before",
    "prose_after",
    "inside_prose",
    "repeated",
    "relative_words",
    "page_removed",
    "in_body",
    "above_body",
    "below_body",
    "body_distance",
    "body_share",
)


def line_features(
    page: Page,
    removed: Sequence[bool],
    lines: PageLines | None = None,
    only: Sequence[int] | None = None,
    body: tuple[int, int] | None = None,
) -> list[list[float]]:
    """A row of numbers (see FEATURES) for each line of a text page (or the lines ``only`` names, in order);
    ``removed`` says which lines the cleaners before this one removed whole, ``body`` the first and last line
    of the article body as outside_article's stretch finds it (None: no clear body)."""
    lines = lines or page_lines(page)
    blocks = page.blocks
    n = len(blocks)
    first_body, last_body = body if body is not None else (n, -1)
    wc, prose = lines.wc, lines.prose
    kept_prose = [prose[i] and not removed[i] for i in range(n)]
    # Distance to the nearest kept prose line before and after each line.
    before, after = [_FAR] * n, [_FAR] * n
    last = -_FAR
    for i in range(n):
        before[i] = min(_FAR, i - last)
        if kept_prose[i]:
            last = i
    last = n + _FAR
    for i in range(n - 1, -1, -1):
        after[i] = min(_FAR, last - i)
        if kept_prose[i]:
            last = i
    first_prose = next((i for i in range(n) if kept_prose[i]), n)
    last_prose = next((i for i in range(n - 1, -1, -1) if kept_prose[i]), -1)
    kept_words = [0 if removed[i] else wc[i] for i in range(n)]
    total = max(1, sum(kept_words))
    longest = max(1, max(wc, default=1))
    page_removed = sum(removed) / max(1, n)
    seen: dict[str, int] = {}
    for b in blocks:
        seen[b.text] = seen.get(b.text, 0) + 1
    running_before = [0] * n
    running = 0
    for i in range(n):
        running_before[i] = running
        running += kept_words[i]
    body_words = sum(kept_words[first_body : last_body + 1])
    body_share = body_words / total
    rows: list[list[float]] = []
    isupper, isalpha = str.isupper, str.isalpha
    for i in range(n) if only is None else only:
        text = blocks[i].text
        toks = lines.toks[i]
        lo, hi = max(0, i - 3), min(n, i + 4)
        letters = sum(map(isalpha, text)) or 1
        rows.append(
            [
                math.log1p(wc[i]),
                math.log1p(len(text)),
                1.0 if lines.ends[i] else 0.0,
                1.0 if lines.listed[i] else 0.0,
                1.0 if prose[i] else 0.0,
                1.0 if lines.headline[i] else 0.0,
                1.0 if lines.item[i] else 0.0,
                1.0 if lines.digit[i] else 0.0,
                sum(map(STOPWORDS.__contains__, toks)) / len(toks) if toks else 0.0,
                sum(map(isupper, text)) / letters,
                float(sum(text.count(c) for c in "|›»•·")),
                i / max(1, n - 1),
                running_before[i] / total,
                1.0 if i == 0 or removed[i - 1] else 0.0,
                1.0 if i + 1 >= n or removed[i + 1] else 0.0,
                sum(removed[lo:hi]) / (hi - lo),
                1.0 if i and prose[i - 1] else 0.0,
                1.0 if i + 1 < n and prose[i + 1] else 0.0,
                before[i] / _FAR,
                after[i] / _FAR,
                1.0 if first_prose <= i <= last_prose else 0.0,
                1.0 if seen[text] > 1 else 0.0,
                wc[i] / longest,
                page_removed,
                1.0 if first_body <= i <= last_body else 0.0,
                1.0 if i < first_body <= last_body else 0.0,
                1.0 if first_body <= last_body < i else 0.0,
                min(_FAR, max(first_body - i, i - last_body, 0)) / _FAR if body is not None else 1.0,
                body_share,
            ]
        )
    return rows


class BoilerplateLines(BaseCleaner):
    name = "boilerplate_lines"
    description = (
        "Removes the lines of text pages that read as page chrome: the page header and footer around the article"
        " body, and menus or lists among it (a line model, with the body stretch as one judge)."
    )
    order = 990  # last: it weighs what every other cleaner removed around a line
    formats = frozenset({"text"})
    options: ClassVar[Mapping[str, Any]] = {"model": None}

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._model: TreeModel | None = None

    @property
    def model(self) -> TreeModel:
        if self._model is None:
            self._model = TreeModel.load(self.settings["model"], MODEL_FILE)
            if self._model.features != FEATURES:
                raise ValueError("boilerplate_lines: the model was trained on other features than this newsread makes")
        return self._model

    def judged_lines(self, page: Page, context: Context) -> tuple[list[int], list[list[float]], tuple[int, int] | None]:
        """The lines the model may remove, their features, and the body stretch (the other judge)."""
        blocks = page.blocks
        removed = context.removed_mask()
        if len(removed) - sum(removed) < MIN_LINES:
            return [], [], None
        lines = page_lines(page)
        body = body_stretch(page, context, lines)
        first, last = body if body is not None else (0, len(blocks) - 1)
        prose, wc, ends = lines.prose, lines.wc, lines.ends
        # Inside the body, two kinds of line are the article whatever the model guesses: a long paragraph, and a
        # sentence that follows prose (a closing quote, a short reply): cutting one there cuts the story.
        candidates = [
            k
            for k in range(len(blocks))
            if not removed[k]
            and not (
                first <= k <= last and ((prose[k] and wc[k] >= LONG_PARAGRAPH) or (ends[k] and k and prose[k - 1]))
            )
        ]
        return candidates, line_features(page, removed, lines, candidates, body), body

    @staticmethod
    def teaser(page: Page, context: Context, body: tuple[int, int] | None) -> Iterable[Mark]:
        """A teaser for another story opening the body stretch (a rule judge: the model sees lines one by one)."""
        if body is None:
            return ()
        removed, lines, blocks = context.removed_mask(), page_lines(page), page.blocks
        kept = [blocks[k] for k in range(body[0], body[1] + 1) if not removed[k]]
        above = next((blocks[k] for k in range(body[0] - 1, -1, -1) if lines.wc[k] > 0), None)
        return leading_teaser(kept, above, lines)

    def annotate(self, page: Page, context: Context) -> Iterable[Mark]:
        if not page.blocks:
            return ()
        candidates, rows, body = self.judged_lines(page, context)
        if not candidates:
            return ()
        model = self.model
        blocks = page.blocks
        first, last = body if body is not None else (len(blocks), -1)
        marks = list(self.teaser(page, context, body))
        teaser = {m.start for m in marks}
        for k, chance in zip(candidates, model.probabilities(rows), strict=True):
            if chance >= model.threshold or blocks[k].start in teaser:
                continue
            sure = f"{1 - chance:.0%} sure"
            if k < first <= last:
                reason = f"page header, above the article body (line model {sure}; body stretch agrees)"
            elif first <= last < k:
                reason = f"page footer, below the article body (line model {sure}; body stretch agrees)"
            else:
                reason = f"reads as page chrome, not article text (line model {sure})"
            marks.append(Mark.block(blocks[k], reason))
        return marks
