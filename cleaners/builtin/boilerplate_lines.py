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
)


def line_features(
    page: Page, removed: Sequence[bool], lines: PageLines | None = None, only: Sequence[int] | None = None
) -> list[list[float]]:
    """A row of numbers (see FEATURES) for each line of a text page (or the lines ``only`` names, in order);
    ``removed`` says which lines the cleaners before this one removed whole."""
    lines = lines or page_lines(page)
    blocks = page.blocks
    n = len(blocks)
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
                sum(1 for t in toks if t in STOPWORDS) / len(toks) if toks else 0.0,
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
            ]
        )
    return rows


class BoilerplateLines(BaseCleaner):
    name = "boilerplate_lines"
    description = "Removes lines of text pages that read as page chrome by their form, neighbours and place."
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

    def annotate(self, page: Page, context: Context) -> Iterable[Mark]:
        blocks = page.blocks
        if not blocks:
            return ()
        removed = context.removed_mask()
        if len(removed) - sum(removed) < MIN_LINES:
            return ()
        model = self.model
        lines = page_lines(page)
        prose, wc = lines.prose, lines.wc
        candidates = [k for k in range(len(blocks)) if not removed[k] and not (prose[k] and wc[k] >= LONG_PARAGRAPH)]
        marks = []
        for k, row in zip(candidates, line_features(page, removed, lines, candidates), strict=True):
            chance = model.probability(row)
            if chance < model.threshold:
                marks.append(Mark.block(blocks[k], f"reads as page chrome, not article text ({1 - chance:.0%} sure)"))
        return marks
