"""Removes lines of a plain-text page that the other cleaners left but that read as page chrome, not article.

A text dump has no markup to tell a menu from a paragraph: only each line's form (length, sentence ends, list
marks, function words, digits), its neighbours, where it stands against the article's prose, and what the
cleaners before this one removed around it. A small model, trained on pages of many sites
(``bench/train_boilerplate_lines.py``) and shipped with newsread, weighs those and removes a line only when it
is clearly not article text: losing a paragraph costs a reader more than keeping a line.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from itertools import accumulate
from operator import attrgetter
from typing import Any, ClassVar

from ..base import BaseCleaner, Context
from ..model import Mark, Page
from ._lines import ASCII_CASE_BYTES, STOPWORDS, PageLines, find_in_lines, page_lines
from ._tree_model import TreeModel
from .outside_article import body_stretch, leading_teaser
from .site_chrome import AUTHOR_BIO

MODEL_FILE = "boilerplate_lines_model.json"
_FAR = 20  # lines: "far from the prose" beyond this
# A paragraph of prose this long (words) is what an article is made of: the model's guess never outweighs it
# (long boilerplate prose, a cookie notice or an author's bio, is for site_chrome, which knows what it says).
LONG_PARAGRAPH = 80
# Below a comment mark (a comment count, a comment section's heading, a commenter's line) that this many words of
# the article's prose come before, the page is its readers' (a long comment is prose too): the rule above yields
# there, and the model judges every line.
COMMENTS_AFTER = 150
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
    # The line's neighbourhood among the lines still kept (the removed ones skipped):
    "title_run",  # log of the run of short title-like lines it belongs to (3-12 words, no sentence): a link list
    "short_run",  # the same for short lines of any length from one word (a menu)
    "near_prose",  # share of prose lines among the 5 kept lines each side
    "near_ends",  # share of lines that end like a sentence there
    "near_titles",  # share of title-like lines there
    "near_digits",  # share of short lines holding a digit there (a table's cells, not a menu)
    "in_longest",  # inside the page's longest run of prose (gaps of up to 2 other lines)
    "longest_distance",  # kept lines to that run, capped at 20, over 20
    "before_longest",
    "after_longest",
    "colon_before",  # the nearest prose line above ends with a colon: it announces a list or a table
    "after_headline",  # below the headline the metadata cleaner found
    "headline_distance",  # kept lines to the headline, capped at 20, over 20
    "no_headline",
    # Where the line stands against the article's runs of prose and what the other cleaners found:
    "glued",  # words joined without a space, lower case to upper ("…StudentA 24-year-old"): a headline and its teaser
    "run_words",  # log of the words of the run of prose the line is in (0: none): the article is the long runs
    "run_share",  # that run's words over the longest run's
    "cut_between",  # log of the lines the other cleaners removed between the line and the longest run of prose
    "comments_above",  # log of the comments' author lines and headings the other cleaners cut above the line
    "listed_run",  # log of the run of list items the line belongs to
    # What the line says, whatever its length (site_chrome's own rules stop at 60 words and need a whole form):
    "prompt_words",  # words of a site's prompts and small print: subscribe, newsletter, inbox, rights, trademark…
    "bio",  # opens like an author's bio: a name, then "is a …" writer, reporter, editor…
    # Other stories' teaser cards and readers' comments, which read as prose line by line (among the kept lines):
    "card_run",  # log of the title-then-sentence pairs in a row the line is in (a card: a headline, its summary)
    "near_glued",  # share of headlines glued to their summaries among the 5 kept lines each side
    "cut_short",  # the line ends in an ellipsis after a word ("…Update Ass..."): a teaser cut to fit its card
    "near_cut_short",  # share of such lines there
    "near_handles",  # share of one- or two-word lines that do not end like a sentence there (commenters' names)
)
# The second pass (a model of the same rows and these, trained on the first pass's held-out chances): a line is
# also judged by the first pass's verdicts around it, and by the article span those verdicts make.
SPAN_FEATURES: tuple[str, ...] = (
    "first",  # the first pass's chance that the line is article text
    "near_first",  # the mean first-pass chance of the 2 kept lines each side (a line it may not remove counts 1)
    "wide_first",  # the same over 6 lines each side
    "in_span",  # inside the article span: the run of kept lines whose chances, less the threshold, by words, add most
    "span_distance",  # kept lines to that span, capped at 20, over 20
    "span_before",
    "span_after",
    "span_above",  # share of the span's words above the line (inside it: how far into the article it is)
    "span_below",  # share of the span's words below the line
    "first_above",  # the mean first-pass chance of the kept lines above the line, by words
    "first_below",  # the same below: under the article's end, most of what follows is chrome
)
_text = attrgetter("text")
# A page of more lines than this (no article: a log, a dump of tiny lines) is judged by the first pass alone, so
# that it is cleaned within the time limit the reader and the command give a page.
SECOND_PASS_MAX_LINES = 20_000
# The second pass judges again only the lines the first pass doubts (a chance from 0.15 to under 0.85): on both dev
# sets it changed no verdict of a line the first pass was surer of but on one page, and there it kept chrome; those
# lines keep the first pass's chance (see bench/README.md, "Speed").
SECOND_PASS_BAND = (0.15, 0.85)
_NEAR = 5  # kept lines each side that make a line's neighbourhood


def _glued(text: str) -> int:
    """How many times three small ASCII letters run into a capital ("…StudentA 24-year-old"): the matches of
    ``[a-z]{3}[A-Z]``, counted in C on the line's bytes made U, l or other (which cannot overlap)."""
    return text.encode("utf-8", "surrogatepass").translate(ASCII_CASE_BYTES).count(b"lllU")


# The words of newsletter, subscription, cookie, affiliate and legal small print (a few languages).
_PROMPT = re.compile(
    r"\b(?:unsubscribe|newsletters?|inbox|subscri(?:be|bed|bing|ption|ptions|bers?)|sign(?:ing)?\s+up|"
    r"trademarks?|rights\s+reserved|privacy\s+policy|terms\s+(?:of|and)\s+(?:use|service|conditions)|cookies|"
    r"affiliate|commission|sponsored|copyright|click\s+here|follow\s+(?:us|him|her|me)|disclaimer|"
    r"permission|reproduced|redistributed|spam|e-?mail\s+address|download\s+(?:the|our)\s+app|"
    r"assinante|assine|inscreva|abonnieren|abonnez|suscr[ií]bete|iscriviti|registrieren)\b",
    re.IGNORECASE,
)
# A word or phrase each match of _PROMPT holds: lines holding none (most) are not matched at all (see find_in_lines).
_PROMPT_WORDS = (
    *("subscri", "newsletter", "inbox", "sign up", "signing up", "trademark", "rights reserved", "privacy policy"),
    *("terms of", "terms and", "cookies", "affiliate", "commission", "sponsored", "copyright", "click here"),
    *("follow ", "disclaimer", "permission", "reproduced", "redistributed", "spam", "mail address", "download "),
    *("assinante", "assine", "inscreva", "abonnieren", "abonnez", "suscr", "iscriviti", "registrieren"),
)
_SEPARATORS = "|›»•·"
# ASCII letters, and capitals, made 1, every other byte 0: a line's count of them is the count of 1s so translated.
_ASCII_LETTER_MARKS = bytes(1 if c < 128 and chr(c).isalpha() else 0 for c in range(256))
_ASCII_UPPER_MARKS = bytes(1 if c < 128 and chr(c).isupper() else 0 for c in range(256))
_GAP = 2  # other lines a run of prose may hold between two prose lines
_ELLIPSES = ("...", "…")


def line_features(
    page: Page,
    removed: Sequence[bool],
    lines: PageLines | None = None,
    only: Sequence[int] | None = None,
    body: tuple[int, int] | None = None,
    headline: int | None = None,
    comment: Sequence[bool] | None = None,
) -> list[list[float]]:
    """A row of numbers (see FEATURES) for each line of a text page (or the lines ``only`` names, in order);
    ``removed`` says which lines the cleaners before this one removed whole, ``body`` the first and last line
    of the article body as outside_article's stretch finds it (None: no clear body), ``headline`` the line of
    the headline (None: none found), ``comment`` which removed lines were a comment's author line or heading."""
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
        before[i] = i - last if i - last < _FAR else _FAR
        if kept_prose[i]:
            last = i
    last = n + _FAR
    for i in range(n - 1, -1, -1):
        after[i] = last - i if last - i < _FAR else _FAR
        if kept_prose[i]:
            last = i
    first_prose = next((i for i in range(n) if kept_prose[i]), n)
    last_prose = next((i for i in range(n - 1, -1, -1) if kept_prose[i]), -1)
    kept_words = [0 if removed[i] else wc[i] for i in range(n)]
    total = max(1, sum(kept_words))
    longest = max(1, max(wc, default=1))
    page_removed = sum(removed) / max(1, n)
    last_position = max(1, n - 1)
    seen = Counter(map(_text, blocks))
    running_before = [0] * n
    running = 0
    for i in range(n):
        running_before[i] = running
        running += kept_words[i]
    body_words = sum(kept_words[first_body : last_body + 1])
    body_share = body_words / total
    cut = list(accumulate(removed, initial=0))  # lines removed before each line
    near = _neighbourhood(lines, removed, headline, comment, only, cut)
    rows: list[list[float]] = []
    isupper, isalpha = str.isupper, str.isalpha
    order = range(n) if only is None else only
    (prompted,) = find_in_lines([lines.low[i] for i in order], (_PROMPT_WORDS,))
    for row, i in enumerate(order):
        text = blocks[i].text
        head, tail = near[i]
        toks = lines.toks[i]
        lo, hi = i - 3 if i > 3 else 0, i + 4 if i + 4 < n else n
        # Lines from the body stretch (0 inside it), capped at _FAR.
        outside = first_body - i if first_body - i > i - last_body else i - last_body
        if text.isascii():  # (most lines) letters and capitals counted in C, and "|" the only separator it can hold
            encoded = text.encode()
            letters = encoded.translate(_ASCII_LETTER_MARKS).count(1) or 1
            upper = encoded.translate(_ASCII_UPPER_MARKS).count(1)
            separators = text.count("|")
        else:
            letters = sum(map(isalpha, text)) or 1
            upper = sum(map(isupper, text))
            separators = sum(text.count(c) for c in _SEPARATORS)
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
                upper / letters,
                float(separators),
                i / last_position,
                running_before[i] / total,
                1.0 if i == 0 or removed[i - 1] else 0.0,
                1.0 if i + 1 >= n or removed[i + 1] else 0.0,
                (cut[hi] - cut[lo]) / (hi - lo),
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
                ((outside if outside < _FAR else _FAR) if outside > 0 else 0) / _FAR if body is not None else 1.0,
                body_share,
                *head,
                min(3, len(_PROMPT.findall(text))) / 3 if row in prompted else 0.0,
                1.0 if AUTHOR_BIO.match(text) else 0.0,
                *tail,
            ]
        )
    return rows


def _runs(flags: Sequence[bool]) -> list[int]:
    """For each position, the length of the run of true flags it belongs to (0 where false)."""
    out = [0] * len(flags)
    j, m = 0, len(flags)
    while j < m:
        if not flags[j]:
            j += 1
            continue
        k = j
        while k < m and flags[k]:
            k += 1
        out[j:k] = [k - j] * (k - j)
        j = k
    return out


def _cut_short(text: str) -> bool:
    """The line ends in an ellipsis right after a word or a letter: text cut to fit a card, not a sentence's end."""
    end = text.rstrip()
    return end.endswith(_ELLIPSES) and end.rstrip(".…")[-1:].isalnum()


def _card_runs(title: Sequence[bool], sentence: Sequence[bool]) -> list[int]:
    """For each kept line, how many title-then-sentence pairs in a row (title, sentence, title, sentence…) it is
    part of (0: none)."""
    m = len(title)
    out = [0] * m
    j = 0
    while j + 1 < m:
        if not (title[j] and sentence[j + 1]):
            j += 1
            continue
        k = j
        while k + 1 < m and title[k] and sentence[k + 1]:
            k += 2
        out[j:k] = [(k - j) // 2] * (k - j)
        j = k
    return out


def _neighbourhood(
    lines: PageLines,
    removed: Sequence[bool],
    headline: int | None,
    comment: Sequence[bool] | None = None,
    only: Sequence[int] | None = None,
    cut: Sequence[int] | None = None,
) -> list[tuple[Sequence[float], Sequence[float]]]:
    """The neighbourhood features of each kept line (see FEATURES from ``title_run``) and ``glued``, by line index:
    those from ``title_run`` to ``listed_run`` (``glued`` among them), and those after ``bio`` (removed lines get
    empty ones, and so do the kept lines ``only``, when given, does not name). ``cut``: the running count of
    ``removed``, if made already."""
    wc, prose, ends, digit, low = lines.wc, lines.prose, lines.ends, lines.digit, lines.low
    seq = [i for i, gone in enumerate(removed) if not gone]
    m = len(seq)
    kept_prose = [prose[i] for i in seq]
    kept_ends = [ends[i] for i in seq]
    short = [not p and not e and 1 <= wc[i] <= 12 for p, e, i in zip(kept_prose, kept_ends, seq, strict=True)]
    title = [s and wc[i] >= 3 for s, i in zip(short, seq, strict=True)]
    title_run, short_run = _runs(title), _runs(short)
    # Running counts over the kept lines, for the neighbourhood's shares.
    n_prose, n_ends, n_titles, n_digits = (
        list(accumulate(flags, initial=0)) for flags in (kept_prose, kept_ends, title, [digit[i] for i in seq])
    )
    blocks = lines.blocks
    texts = [blocks[i].text for i in seq]
    glued = list(map(_glued, texts))  # (each line's count, for its own feature; a line holding one, for its near)
    cut_short = [t[-1:] in ".…" and _cut_short(t) for t in texts]  # (most lines end otherwise: one test says so)
    handles = [not e and 1 <= wc[i] <= 2 for e, i in zip(kept_ends, seq, strict=True)]
    cards = _card_runs(title, [p or e for p, e in zip(kept_prose, kept_ends, strict=True)])
    n_glued, n_cut, n_handles = (list(accumulate(flags, initial=0)) for flags in (map(bool, glued), cut_short, handles))
    said = list(accumulate(comment if comment is not None else [False] * len(removed), initial=0))
    # The runs of prose by words, other lines up to _GAP at a time allowed inside them, and the longest.
    best, lo, hi = 0, 0, -1
    run_words = [0] * m
    j = 0
    while j < m:
        if not kept_prose[j]:
            j += 1
            continue
        k, words, last, gap = j, 0, j, 0
        while k < m and gap <= _GAP:
            if kept_prose[k]:
                words, last, gap = words + wc[seq[k]], k, 0
            else:
                gap += 1
            k += 1
        run_words[j : last + 1] = [words] * (last + 1 - j)
        if words > best:
            best, lo, hi = words, j, last
        j = last + 1
    listed_run = _runs([lines.listed[i] for i in seq])
    if cut is None:
        cut = list(accumulate(removed, initial=0))
    head = None if headline is None else bisect_right(seq, headline - 1)
    out: list[tuple[Sequence[float], Sequence[float]]] = [((), ())] * len(removed)
    log1p, far = math.log1p, float(_FAR)
    colon = 0.0
    wanted = range(len(removed)) if only is None else set(only)
    for j, i in enumerate(seq):
        if i in wanted:  # (the others are walked only for the colon above the lines judged)
            a, z = j - _NEAR if j > _NEAR else 0, j + _NEAR + 1 if j + _NEAR + 1 < m else m
            others = float(z - a - 1) or 1.0
            distance = lo - j if j < lo else (j - hi if j > hi else 0)
            if hi < 0 or lo <= j <= hi:
                between = 0
            elif j > hi:
                between = cut[i] - cut[seq[hi] + 1]
            else:
                between = cut[seq[lo]] - cut[i + 1]
            g = glued[j]
            out[i] = (
                [
                    log1p(title_run[j]),
                    log1p(short_run[j]),
                    (n_prose[z] - n_prose[a] - n_prose[j + 1] + n_prose[j]) / others,
                    (n_ends[z] - n_ends[a] - n_ends[j + 1] + n_ends[j]) / others,
                    (n_titles[z] - n_titles[a] - n_titles[j + 1] + n_titles[j]) / others,
                    (n_digits[z] - n_digits[a] - n_digits[j + 1] + n_digits[j]) / others,
                    1.0 if distance == 0 else 0.0,
                    (distance if distance < _FAR else far) / far,
                    1.0 if j < lo else 0.0,
                    1.0 if j > hi else 0.0,
                    colon,
                    *(
                        (0.0, 0.0, 1.0)
                        if head is None or headline is None
                        else (1.0 if i > headline else 0.0, min(far, abs(j - head)) / far, 0.0)
                    ),
                    (g if g < 3 else 3) / 3,
                    log1p(run_words[j]),
                    run_words[j] / best if best else 0.0,
                    log1p(between),
                    log1p(said[i]),
                    log1p(listed_run[j]),
                ],
                [
                    log1p(cards[j]),
                    (n_glued[z] - n_glued[a] - n_glued[j + 1] + n_glued[j]) / others,
                    1.0 if cut_short[j] else 0.0,
                    (n_cut[z] - n_cut[a] - n_cut[j + 1] + n_cut[j]) / others,
                    (n_handles[z] - n_handles[a] - n_handles[j + 1] + n_handles[j]) / others,
                ],
            )
        if kept_prose[j]:
            colon = 1.0 if low[i].rstrip().endswith(":") else 0.0
    return out


def span_features(
    kept: Sequence[int],
    candidates: Sequence[int],
    chances: Sequence[float],
    wc: Sequence[int],
    threshold: float,
    judged: Sequence[int] | None = None,
) -> list[list[float]]:
    """A row of numbers (see SPAN_FEATURES) for each candidate line (or each of the candidates ``judged`` names, in
    order), from the first pass's ``chances`` for the candidates (in order); ``kept`` names the lines the other
    cleaners left (candidates among them, in order), the lines of it that are not candidates count as article
    text, ``wc`` gives each line's words."""
    chance_of = dict(zip(candidates, chances, strict=True))
    q = [chance_of.get(i, 1.0) for i in kept]
    words = [wc[i] for i in kept]
    m = len(kept)
    # The article span: the run of kept lines with the largest sum of (chance - threshold) * log(1 + words).
    best, lo, hi = 0.0, 0, -1
    total, start = 0.0, 0
    for j in range(m):
        if total <= 0:
            total, start = 0.0, j
        total += (q[j] - threshold) * math.log1p(words[j])
        if total > best:
            best, lo, hi = total, start, j
    weighted = [c * w for c, w in zip(q, words, strict=True)]
    acc_q, acc_qw = list(accumulate(q, initial=0.0)), list(accumulate(weighted, initial=0.0))
    acc_w = list(accumulate(words, initial=0))
    span_words = max(1, acc_w[hi + 1] - acc_w[lo]) if hi >= lo else 1
    position = {i: j for j, i in enumerate(kept)}
    far = float(_FAR)
    rows: list[list[float]] = []
    for i in candidates if judged is None else judged:
        j, chance = position[i], chance_of[i]
        a2, z2, a6, z6 = max(0, j - 2), min(m, j + 3), max(0, j - 6), min(m, j + 7)
        near = (acc_q[z2] - acc_q[a2] - q[j]) / max(1, z2 - a2 - 1)
        wide = (acc_q[z6] - acc_q[a6] - q[j]) / max(1, z6 - a6 - 1)
        distance = lo - j if j < lo else (j - hi if j > hi else 0)
        above = min(max(0, acc_w[j] - acc_w[lo]), span_words) if hi >= lo else 0
        below = min(max(0, acc_w[hi + 1] - acc_w[j + 1]), span_words) if hi >= lo else 0
        w_above, w_below = acc_w[j], acc_w[m] - acc_w[j + 1]
        rows.append(
            [
                chance,
                near,
                wide,
                1.0 if hi >= 0 and distance == 0 else 0.0,
                min(far, distance) / far if hi >= 0 else 1.0,
                1.0 if j < lo else 0.0,
                1.0 if hi >= 0 and j > hi else 0.0,
                above / span_words,
                below / span_words,
                acc_qw[j] / w_above if w_above else 1.0,
                (acc_qw[m] - acc_qw[j + 1]) / w_below if w_below else 1.0,
            ]
        )
    return rows


def headline_line(page: Page, context: Context) -> int | None:
    """The line the metadata cleaner took for the page's headline, if it found one."""
    for a in context.removed:
        if a.cleaner == "metadata" and a.field == "title":
            k = bisect_right([b.end for b in page.blocks], a.start)
            return k if k < len(page.blocks) else None
    return None


def comment_lines(page: Page, context: Context) -> list[bool]:
    """Which lines site_chrome removed as a comment's author line or a comment section's heading."""
    out = [False] * len(page.blocks)
    ends = [b.end for b in page.blocks]
    for a in context.removed:
        if a.cleaner == "site_chrome" and a.reason in _COMMENT_REASONS:
            k = bisect_right(ends, a.start)
            if k < len(out):
                out[k] = True
    return out


def comments_below(comment: Sequence[bool], removed: Sequence[bool], lines: PageLines) -> int:
    """The first line of the readers' comments (one past the last line when there are none): the first comment
    mark with COMMENTS_AFTER words or more of prose still kept above it."""
    words = 0
    prose, wc = lines.prose, lines.wc
    for k, mark in enumerate(comment):
        if mark and words >= COMMENTS_AFTER:
            return k
        if prose[k] and not removed[k]:
            words += wc[k]
    return len(comment)


_COMMENT_REASONS = frozenset({"comment author line", "comment section", "comment count"})


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
            model = TreeModel.load(self.settings["model"], MODEL_FILE)
            if model.features != FEATURES or (
                model.second is not None and model.second.features != FEATURES + SPAN_FEATURES
            ):
                raise ValueError("boilerplate_lines: the model was trained on other features than this newsread makes")
            self._model = model
        return self._model

    def chances(self, page: Page, context: Context, candidates: list[int], rows: list[list[float]]) -> list[float]:
        """Each candidate's chance of being article text: the first pass's, then (when the model has one) the
        second pass's for the lines the first doubts (see ``SECOND_PASS_BAND``), which also weighs the first
        pass's verdicts around the line."""
        model = self.model
        chances = model.probabilities(rows)
        if model.second is None or len(candidates) > SECOND_PASS_MAX_LINES:
            return chances
        low, high = SECOND_PASS_BAND
        doubted = [k for k, chance in enumerate(chances) if low <= chance < high]
        if not doubted:
            return chances
        removed = context.removed_mask()
        kept = [k for k, gone in enumerate(removed) if not gone]
        extra = span_features(
            kept, candidates, chances, page_lines(page).wc, model.threshold, [candidates[k] for k in doubted]
        )
        second = model.second.probabilities([rows[k] + e for k, e in zip(doubted, extra, strict=True)])
        for k, chance in zip(doubted, second, strict=True):
            chances[k] = chance
        return chances

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
        comment = comment_lines(page, context)
        last = min(last, comments_below(comment, removed, lines) - 1)
        # Inside the body, two kinds of line are the article whatever the model guesses: a long paragraph, and a
        # sentence that follows prose (a closing quote, a short reply): cutting one there cuts the story. Not a line
        # that opens like an author's bio, and nothing below the readers' comments (see COMMENTS_AFTER).
        candidates = [
            k
            for k in range(len(blocks))
            if not removed[k]
            and not (
                first <= k <= last
                and ((prose[k] and wc[k] >= LONG_PARAGRAPH) or (ends[k] and k and prose[k - 1]))
                and not AUTHOR_BIO.match(blocks[k].text)
            )
        ]
        rows = line_features(page, removed, lines, candidates, body, headline_line(page, context), comment)
        return candidates, rows, body

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
        threshold = model.threshold if model.second is None else model.second.threshold
        blocks = page.blocks
        first, last = body if body is not None else (len(blocks), -1)
        marks = list(self.teaser(page, context, body))
        teaser = {m.start for m in marks}
        for k, chance in zip(candidates, self.chances(page, context, candidates, rows), strict=True):
            if chance >= threshold or blocks[k].start in teaser:
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
