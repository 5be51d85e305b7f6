"""Features of a line of text that the built-in cleaners share: size, sentence-ness, headline-ness, script."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from functools import lru_cache
from itertools import accumulate
from operator import itemgetter
from typing import TypeVar

from ..model import ASCII_WORD_BYTES, COMMON_PUNCTUATION, WORD_OR_HIGH_BYTES, Block, Page, words_of_pieces
from ._phrases import any_line_gate

WORD = re.compile(r"\w+")
# Scripts written without spaces: a run of them is one \w+ "word", so count their characters instead.
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af\u0e00-\u0e7f]")
LIST_MARK = re.compile(r"^(?:[-*•·▪►»›–—]|\d{1,2}[.)])\s+")

# The commonest function words of the languages news is scraped in. A line of prose has some; a headline
# list, a menu or a tag cloud has few.
STOPWORDS = frozenset(
    """
    a an the and or but of to in on at by for with from as is are was were be been being has have had do does did
    it its this that these those he she they we you i his her their our your him them who which what when where
    why how not no than then so if into over after before about up out more most said says will would can could
    should may might also just there here all some any one two new while since during against between under
    der die das und ist im den zu mit von nicht ein eine auf für sich des dem auch es an als wie bei nach aus
    le la les et est un une du des en que qui dans pour pas sur au avec ce il elle sont par plus ont été
    el los las y es un una del en que por con para se lo como su al más pero fue ha sus le
    il lo gli e è di che per non con si una sono da nel della alla ma anche
    o os as e é um uma do da em que para com não se na no por mais
    de het een en is van op te dat met voor niet zijn aan er ook als
    и в не на что с по как это он она они к из за от у о же но а так было
    """.split()
)


# What one line is, as the cleaners ask (each function reads the line's features: see ``line_features``).
def word_count(text: str) -> int:
    """Words, counting characters of space-less scripts (Chinese, Japanese, Korean, Thai) two to a word."""
    return line_features(text)[2]


def tokens(text: str) -> list[str]:
    """Lower-cased words (``\\w+``). Shared between callers: read them, never change them."""
    return line_features(text)[1]


def ends_like_sentence(text: str) -> bool:
    """The line ends with a full stop, question or exclamation mark, ellipsis, colon or semicolon, maybe inside
    closing quotes or brackets, or with a closing quote."""
    return line_features(text)[3]


def is_list_item(text: str) -> bool:
    """The line starts with a bullet or a number of one or two digits (``1.``, ``2)``), then white space."""
    return line_features(text)[4]


def is_prose(text: str) -> bool:
    """A sentence or more of running text: 10 words or more, with function words (an eighth of its words or
    more), or 25 words that end like a sentence, or in a space-less script; not a title-case line of fewer than
    30 words that does not end like a sentence."""
    return line_features(text)[5]


def is_headline_like(text: str) -> bool:
    """A short line that names a story rather than telling it: 3 to 30 words (a list mark aside), no full stop
    at the end."""
    return line_features(text)[6]


def strip_list_mark(text: str) -> str:
    return LIST_MARK.sub("", text, count=1)


@lru_cache(maxsize=8192)
def has_cjk(text: str) -> bool:
    return bool(CJK.search(text))


@lru_cache(maxsize=8192)
def is_title_case(text: str) -> bool:
    """Most words capitalised, as headlines are written ("Why Movies Went From 15 Minutes To Two Hours").

    For an ASCII line without the regex: each character made U (capital), l (small letter), d (digit or _) or a
    space, a word starts after a space, so counting " U" and " l" counts the words that start with a capital and
    with a letter."""
    if not text.isascii():
        words = [w for w in WORD.findall(text) if w[0].isalpha()]
        if len(words) < 4:
            return False
        return sum(1 for w in words if w[0].isupper()) >= 0.75 * len(words)
    shape = b" " + text.encode().translate(ASCII_CASE_BYTES)
    capital, small = shape.count(b" U"), shape.count(b" l")
    if capital + small < 4:
        return False
    return capital >= 0.75 * (capital + small)


ASCII_CASE_BYTES = bytes(
    ord("U") if chr(c).isupper() else ord("l") if chr(c).islower() else ord("d") if chr(c).isalnum() or c == 95 else 32
    for c in range(128)
) + bytes(32 for _ in range(128, 256))


# Letter ranges of the scripts news is written in; anything else counts as OTHER.
SCRIPTS = {
    "LATIN": "A-Za-z\u00c0-\u024f\u1e00-\u1eff",
    "CYRILLIC": "\u0400-\u04ff",
    "GREEK": "\u0370-\u03ff",
    "ARABIC": "\u0600-\u06ff",
    "HEBREW": "\u0590-\u05ff",
    "DEVANAGARI": "\u0900-\u097f",
    "THAI": "\u0e00-\u0e7f",
    "HANGUL": "\uac00-\ud7af\u1100-\u11ff\u3130-\u318f",
    "CJK": "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff",
}
_SCRIPT_RES = {name: re.compile(f"[{chars}]") for name, chars in SCRIPTS.items()}


def script_of(ch: str) -> str:
    """A coarse script name for a letter: LATIN, CYRILLIC, HANGUL, CJK, ARABIC … (OTHER for the rest)."""
    if ch.isascii():
        return "LATIN" if ch.isalpha() else "OTHER"
    for name, pattern in _SCRIPT_RES.items():
        if pattern.match(ch):
            return name
    return "OTHER"


_ASCII_LETTER_BYTES = bytes(range(65, 91)) + bytes(range(97, 123))


def dominant_script(text: str, sample: int = 3000) -> str:
    piece = text[:sample]
    # Shortcut: when ASCII letters outnumber all non-ASCII characters, no other script can have more letters.
    ascii_only = piece.encode("ascii", "ignore")
    ascii_letters = len(ascii_only) - len(ascii_only.translate(None, _ASCII_LETTER_BYTES))
    if ascii_letters > len(piece) - len(ascii_only):
        return "LATIN"
    counts = {name: len(pattern.findall(piece)) for name, pattern in _SCRIPT_RES.items()}
    best = max(counts, key=lambda k: counts[k])
    return best if counts[best] else ""


def normalise_for_match(text: str) -> str:
    """Lower-case words only: for comparing lines regardless of punctuation, case and spacing."""
    return " ".join(tokens(text))


_CLOSING_QUOTES = frozenset('"”’»')
_CLOSERS = "\"'”’»)]"
_ENDERS = frozenset(".!?。！？…:;")
_CLOSER_SET = frozenset(_CLOSERS)
_FULL_STOPS = frozenset(".。;")  # what ``is_headline_like`` refuses at a line's end (but "...")
_LIST_START = frozenset("-*•·▪►»›–—")


class PageLines:
    """Every block's line features (see ``line_features``), computed once per page in one pass and shared by the
    cleaners.

    Arrays are indexed by ``Block.index``: a cleaner reads a page's lines so rather than through the per-text
    functions above (the same answers), as calling them line by line, cleaner after cleaner, cost most of the
    cleaning time. The arrays and the token lists are shared (short lines' features are remembered across
    pages): read them, never change them.
    """

    __slots__ = (
        "_gate_hits",
        "_joined",
        "_script",
        "blocks",
        "digit",
        "ends",
        "farm",
        "headline",
        "item",
        "listed",
        "low",
        "plain",
        "prose",
        "recased",
        "text",
        "toks",
        "wc",
    )

    def __init__(self, blocks: tuple[Block, ...], text: str) -> None:
        self.blocks = blocks
        self.text = text
        self._script: str | None = None
        known = _SHORT_LINES
        remember = known.get
        feats: list[_LineFeatures] = []
        add = feats.append
        for b in blocks:  # in index order: a block's index is its position
            t = b.text
            if len(t) <= _SHORT:
                f = remember(t)
                if f is None:
                    f = _line_features(t)
                    if len(known) >= _SHORT_LIMIT:
                        known.clear()
                    known[t] = f
            else:
                f = _line_features(t)
            add(f)
        # The lines' tuples turned into one tuple per feature (zip in C rather than a store per feature a line).
        if feats:
            low, toks, wc, ends, listed, prose, headline, item, plain, farm, digit, recased = zip(*feats, strict=True)
        else:
            low = toks = wc = ends = listed = prose = headline = item = plain = farm = digit = recased = ()
        self.low: tuple[str, ...] = low
        self.toks: tuple[list[str], ...] = toks
        self.wc: tuple[int, ...] = wc
        self.ends: tuple[bool, ...] = ends
        self.listed: tuple[bool, ...] = listed
        self.prose: tuple[bool, ...] = prose
        self.headline: tuple[bool, ...] = headline
        # For link farms: a headline item (4 to 30 words), a plain one (no sentence end either), a line that may
        # belong to a list of links at all (1 to 30 words, no sentence unless a question, short or listed).
        self.item: tuple[bool, ...] = item
        self.plain: tuple[bool, ...] = plain
        self.farm: tuple[bool, ...] = farm
        # A line of 14 words or fewer holding a digit (``\d``: any script's): what datelines and a card's small
        # print have. (Longer lines are not looked at: searching a long non-ASCII line cost more than the rest.)
        self.digit: tuple[bool, ...] = digit
        # Lower-casing changed the line's length (Turkish İ): offsets in ``low`` are not the line's.
        self.recased: tuple[bool, ...] = recased
        self._joined: tuple[str, list[int]] | None = None
        self._gate_hits: tuple[object, list[list[int]]] | None = None  # see ``SharedGates``

    def joined_low(self) -> tuple[str, list[int]]:
        """The lower-cased lines joined as ``joined_lines`` does (for tests of many lines at once), made once."""
        if self._joined is None:
            self._joined = joined_lines(self.low)
        return self._joined

    @property
    def cjk(self) -> bool:
        """Whether the page has characters of a space-less script (looked for when asked: no cleaner needs it)."""
        return CJK.search(self.text) is not None

    @property
    def script(self) -> str:
        """The page's dominant script (see ``dominant_script``), computed when first asked for."""
        if self._script is None:
            self._script = dominant_script(self.text)
        return self._script


# Short lines come back, on a page and on every page of a site (menus, share bars, footers): their
# features are remembered, up to a limit, by text.
_SHORT = 60
_SHORT_LIMIT = 8192
_LineFeatures = tuple[str, list[str], int, bool, bool, bool, bool, bool, bool, bool, bool, bool]
_SHORT_LINES: dict[str, _LineFeatures] = {}
_STOP = STOPWORDS.__contains__
DIGIT = re.compile(r"\d")
# Digits made 1, every other byte 0: a line holds a digit when its bytes so translated hold a 1. (``translate`` with
# bytes to delete builds its tables at every call; ``in`` with the int 1 is a memchr, with b"\x01" it first fails
# to read the needle as an int, an error raised and cleared.)
_ASCII_DIGIT_MARKS = bytes(1 if chr(c).isdigit() and c < 128 else 0 for c in range(256))


def _line_features(t: str) -> _LineFeatures:
    """(lower-cased, tokens, word count, ends like a sentence, list item, prose, headline-like, headline item,
    plain headline item, link-farm line, short line holding a digit, lower-casing changed the length) of a line:
    what the functions above (``word_count`` …) give, and what link farms and metadata read (see PageLines).

    The one implementation of these rules. Spelled out for speed (bytes translated and split rather than regexes
    where the answer is the same: ``tests/unit/test_line_features.py`` checks them against the regexes)."""
    low, toks, wide, encoded = _lowered(t)
    # Lower-casing can change the length (Turkish İ): count words on the original then.
    n = len(toks) if len(low) == len(t) else len(WORD.findall(t))
    # \d of an ASCII line in C (see ``_ASCII_DIGIT_MARKS``); of a line of 14 words or fewer only.
    digit = n <= 14 and (
        1 in encoded.translate(_ASCII_DIGIT_MARKS) if encoded is not None else DIGIT.search(t) is not None
    )
    cjk = wide and CJK.search(t) is not None  # (lower-casing neither makes nor removes such letters)
    if cjk:
        n += len(CJK.findall(t)) // 2
    s = t.rstrip()
    # The tests of the line's end below read its last character (one slice) instead of calling ``endswith``.
    last = s[-1:]
    # Ends like a sentence: an ender, maybe inside closers (stripped only when the line ends with one), or a quote.
    ends = last in _CLOSING_QUOTES or (s.rstrip(_CLOSERS)[-1:] if last in _CLOSER_SET else last) in _ENDERS
    # ``LIST_MARK``: a bullet and whitespace (spelled out: most list lines have one), or a number.
    first = t[:1]
    body: str | None = None  # the item without its mark
    if first in _LIST_START:
        if t[1:2].isspace():
            body = t[1:].lstrip()
    elif first.isdecimal():
        mark = LIST_MARK.match(t)
        if mark is not None:
            body = t[mark.end() :]
    listed = body is not None
    prose = False
    if n >= 10:
        if cjk:
            prose = True
        elif n < 30 and not ends and is_title_case(t):
            prose = False
        else:
            prose = (n >= 25 and ends) or (bool(toks) and sum(map(_STOP, toks)) / len(toks) >= 0.12)
    # Headline-like, and (for lists of links) a headline item of 4+ words and a plain one (no sentence end):
    # a list item is judged without its mark. Its words are the line's but for a number ("12."); a second
    # mark, or digits counted as Thai letters, take the plain rules.
    # A line that can belong to a list of links: 1 to 30 words, and a list item, short, or no sentence (a question
    # may be a headline).
    farm = 0 < n <= 30 and (listed or n <= 6 or not ends or last == "?")
    words = n
    if body is not None:
        if cjk or ((body[:1] in _LIST_START or body[:1].isdecimal()) and LIST_MARK.match(body)):
            # The item's own words and end, read from the features of the item without its mark (a shorter line).
            inner = line_features(body)
            bare = body.rstrip()
            headline = 3 <= inner[2] <= 30 and not (bare[-1:] in _FULL_STOPS and not bare.endswith("..."))
            item = 4 <= inner[2] <= 30 and inner[6] and n <= 30
            plain = item and not inner[3] and not bare.endswith(("!", "~"))
            return low, toks, n, ends, listed, prose, headline, item, plain, farm, digit, len(low) != len(t)
        if first.isdecimal():
            words -= 1
    headline = 3 <= words <= 30 and not (last in _FULL_STOPS and not s.endswith("..."))
    item = headline and words >= 4 and n <= 30
    plain = item and not ends and last != "~"  # (a line ending with "!" ends like a sentence)
    return low, toks, n, ends, listed, prose, headline, item, plain, farm, digit, len(low) != len(t)


def _lowered(t: str) -> tuple[str, list[str], bool, bytes | None]:
    """(``t`` lower-cased, its words, whether it may hold letters of a space-less script, its lower-cased UTF-8
    bytes when they are ASCII): the words are what ``WORD.findall`` gives of the lower-cased text."""
    spaced: str | None = None  # the text with its common punctuation made spaces, when that leaves it ASCII
    present = ""  # that punctuation, when it does not
    if t.isascii():
        low = t.lower()
    else:
        spaced, present = _punctuation_spaced(t)
        # Lower-casing a non-ASCII text looks every character up; when its only non-ASCII characters are that
        # punctuation (most such lines: curly quotes, dashes), which has no case, lowering the ASCII letters of
        # its UTF-8 bytes gives the same.
        low = t.lower() if spaced is None else t.encode().lower().decode()
    # ASCII words are [A-Za-z0-9_] runs: every other byte made a space, then split, gives what
    # ``WORD.findall`` gives, a quarter faster (most lines of most pages are ASCII).
    if low.isascii():
        encoded = low.encode()
        return low, encoded.translate(ASCII_WORD_BYTES).decode().split(), False, encoded
    if spaced is not None:  # the words of the text lowered, with the punctuation made spaces: as above
        return low, spaced.encode().translate(_ASCII_LOWER_WORD_BYTES).decode().split(), False, None
    toks, wide = _words(low, present)
    return low, toks, wide, None


def lower_words(text: str) -> list[str]:
    """``WORD.findall(text.lower())``, without the regex where it can (as ``tokens``, for a text read once: an
    extractor's whole article, not remembered)."""
    return _lowered(text)[1]


def words_in(text: str) -> int:
    """``len(WORD.findall(text))``, without the regex where it can (see ``lower_words``)."""
    low, toks, _, _ = _lowered(text)
    # Lower-casing can change the length (Turkish İ): count words on the original then.
    return len(toks) if len(low) == len(text) else len(WORD.findall(text))


def line_features(text: str) -> _LineFeatures:
    """The features of one line, as ``_line_features`` says (remembered, as ``PageLines`` remembers short lines)."""
    if len(text) <= _SHORT:
        found = _SHORT_LINES.get(text)
        if found is not None:
            return found
    return _features(text)


_features = lru_cache(maxsize=8192)(_line_features)


def _punctuation_spaced(text: str) -> tuple[str | None, str]:
    """``text`` (not ASCII) with the commonest punctuation made spaces if that leaves it ASCII, else None and the
    punctuation it holds."""
    present = ""
    for ch in COMMON_PUNCTUATION:
        if ch in text:
            text = text.replace(ch, " ")
            if text.isascii():  # (O(1): ``replace`` narrows the result) nothing else to replace
                return text, ""
            present += ch
    return None, present


def _words(low: str, present: str | None = None) -> tuple[list[str], bool]:
    """``WORD.findall`` of a non-ASCII line, without the regex when it can: the commonest punctuation made
    spaces and the ASCII split as above; if what is left of every piece is letters and digits (\\w), the
    pieces are the words. Otherwise (other punctuation, combining marks) the regex, on the pieces that need it.
    And whether the line may hold letters of a space-less script (see ``_THREE_BYTE_LEADS``). ``present``: which
    of that punctuation the line holds, when known (lower-casing neither makes nor removes it)."""
    text = low
    for ch in COMMON_PUNCTUATION if present is None else present:
        if ch in text:
            text = text.replace(ch, " ")
            if text.isascii():  # (O(1): ``replace`` narrows the result) only that punctuation: the ASCII split
                return text.encode().translate(ASCII_WORD_BYTES).decode().split(), False
    encoded = text.encode()
    wide = 1 in encoded.translate(_THREE_BYTE_LEADS)  # (see ``_ASCII_DIGIT_MARKS``)
    return words_of_pieces(encoded.translate(WORD_OR_HIGH_BYTES).decode().split()), wide


# ``ASCII_WORD_BYTES`` that also lowers A to Z (for a line not lowered yet).
_ASCII_LOWER_WORD_BYTES = bytes(
    c + 32 if 65 <= c <= 90 else c if chr(c).isascii() and (chr(c).isalnum() or c == 95) else 32 for c in range(256)
)
# ``CJK``'s letters (U+0E00 to U+FAFF) are three bytes in UTF-8, led by a byte from E0 to EF. Most non-ASCII lines
# have none once their common punctuation (’ “ — …, three bytes too) is made spaces: Latin, Cyrillic and the like
# take two. Finding none of those bytes (a C loop) settles the line without ``CJK.search``, costly per character.
_THREE_BYTE_LEADS = bytes(1 if 0xE0 <= c <= 0xEF else 0 for c in range(256))


def find_in_lines(texts: list[str], groups: tuple[tuple[str, ...], ...]) -> list[set[int]]:
    """For each group of words (none with a line break), the positions in ``texts`` of the texts holding one.

    One fast substring search per word over all the texts joined beats a regex of alternatives tried at
    every position of every text.
    """
    joined = "\n".join(texts)
    starts = list(accumulate(map((1).__add__, map(len, texts)), initial=0))  # each text's offset in ``joined``
    last = len(texts) - 1
    found: list[set[int]] = [set() for _ in groups]
    for w, owners in _search_plan(groups):
        at = joined.find(w)
        if at < 0:
            continue  # the usual case
        hits: set[int] = set()
        while at >= 0:
            k = bisect_right(starts, at) - 1
            hits.add(k)
            at = joined.find(w, starts[k + 1]) if k < last else -1  # on to the next text
        for g in owners:
            found[g] |= hits
    return found


@lru_cache(maxsize=64)
def _search_plan(groups: tuple[tuple[str, ...], ...]) -> tuple[tuple[str, tuple[int, ...]], ...]:
    """The words ``find_in_lines`` searches for, each once, with the groups it finds texts for. Each search
    scans all the texts, so none is wasted: a word in several groups is searched once, and a word holding
    another word of its group is not searched at all (a text holding it holds the other and is found anyway)."""
    owners: dict[str, list[int]] = {}
    for g, words in enumerate(groups):
        for w in words:
            if not any(v != w and v in w for v in words) and g not in owners.setdefault(w, []):
                owners[w].append(g)
    return tuple((w, tuple(gs)) for w, gs in owners.items() if gs)


class LineGate:
    """A yes/no test of whole lines (a pattern anchored at the line start with ``^``, e.g. from ``line_gate``)
    run over many lines at once.

    Calling ``match`` line by line costs a Python-level call per line, most of them failing on the first
    letter. Instead the lines are joined by line breaks and searched once with the pattern behind a line
    break, ``\n`` in place of ``^``: a literal first character lets the regex engine skip from line to line in
    C. Inside the joined text a line sees the same characters around it as alone but for what follows its end
    (a line break instead of the end of the text), where ``$`` (multi-line) and ``\b`` mean the same, so every
    line that matches alone is found. A match may run on into the next lines, so each search restarts at the
    line after the one found, and each line found is checked alone: a line that matches only because of what
    follows it is dropped.
    """

    __slots__ = ("gate", "scan")

    def __init__(self, gate: re.Pattern[str]) -> None:
        source = gate.pattern
        if not source.startswith("^") or gate.flags & re.VERBOSE or "\\Z" in source or "\\A" in source:
            raise ValueError(f"not a line test anchored at the start: {source[:40]!r}")
        self.gate = gate
        self.scan = re.compile("\n(?:" + source[1:] + ")", gate.flags | re.MULTILINE)

    def matching(self, texts: Sequence[str]) -> list[int]:
        """The positions in ``texts`` (lines holding no line break) of those that ``gate`` matches, in order."""
        if not texts:
            return []
        return self.matching_joined(texts, *joined_lines(texts))

    def matching_joined(self, texts: Sequence[str], joined: str, breaks: list[int]) -> list[int]:
        """``matching`` with the texts already joined (see ``joined_lines``)."""
        search = self.scan.search
        m = search(joined)
        if m is None:
            return []  # the usual case: one search says no line matches
        match = self.gate.match
        found: list[int] = []
        last = len(texts) - 1
        while m is not None:
            k = bisect_right(breaks, m.start()) - 1
            if match(texts[k]) is not None:
                found.append(k)
            m = search(joined, breaks[k + 1]) if k < last else None
        return found


def joined_lines(texts: Sequence[str]) -> tuple[str, list[int]]:
    """The texts (lines holding no line break) joined, each after a line break, and where each one's line break
    is: text k starts right after ``breaks[k]``."""
    return "\n" + "\n".join(texts), list(accumulate(map((1).__add__, map(len, texts)), initial=0))


def lines_holding(texts: Sequence[str], joined: str, breaks: list[int], chars: str) -> list[int]:
    """The positions in ``texts`` of the texts holding one of ``chars``, in order (``joined`` and ``breaks`` from
    ``joined_lines``): one fast substring search per character and line found."""
    found: set[int] = set()
    last = len(texts) - 1
    for ch in chars:
        at = joined.find(ch)
        while at >= 0:
            k = bisect_right(breaks, at) - 1
            found.add(k)
            at = joined.find(ch, breaks[k + 1]) if k < last else -1  # on to the next text
    return sorted(found)


class SharedGates:
    """Line gates (see ``LineGate``) of several cleaners, run over a page's lower-cased lines together: one search
    of the page finds every line that any of them may match, and each line found is tested with each gate alone.
    A line sees the same characters in the one search as in each gate's own, so the lines each gate finds are
    those it would find alone. A cleaner adds its gate once (at import) and asks for the lines it matches."""

    __slots__ = ("_gates", "_scan")

    def __init__(self) -> None:
        self._gates: list[re.Pattern[str]] = []
        self._scan: LineGate | None = None

    def add(self, gate: re.Pattern[str]) -> int:
        """Adds a gate (of the form ``line_gate`` makes); returns its key for ``matching``."""
        self._gates.append(gate)
        self._scan = None  # the joint search is made when first needed: once, after every cleaner added its gate
        return len(self._gates) - 1

    def matching(self, lines: PageLines, key: int) -> list[int]:
        """The positions of the page's lower-cased lines that gate ``key`` matches, in order."""
        found = lines._gate_hits
        if found is None or found[0] is not self._scan:  # not searched yet, or with fewer gates
            scan = self._scan
            if scan is None:
                scan = self._scan = LineGate(any_line_gate(*self._gates))
            hits: list[list[int]] = [[] for _ in self._gates]
            low = lines.low
            for k in scan.matching_joined(low, *lines.joined_low()):
                for g, gate in enumerate(self._gates):
                    if gate.match(low[k]) is not None:
                        hits[g].append(k)
            found = lines._gate_hits = (scan, hits)
        return found[1][key]


# The gates of the built-in text cleaners (ad markers, promo labels, link-farm headings): one search a page.
SHARED_GATES = SharedGates()


T = TypeVar("T")


def gather(values: Sequence[T], index: Sequence[int]) -> Sequence[T]:
    """``[values[i] for i in index]`` in one call (``itemgetter`` loops in C): a feature of some of a page's lines,
    e.g. of those no earlier cleaner removed."""
    if len(index) > 1:
        return itemgetter(*index)(values)  # type: ignore[no-any-return]
    return [values[i] for i in index]  # (``itemgetter`` of one index gives the item itself)


_CACHE: dict[int, PageLines] = {}


def page_lines(page: Page) -> PageLines:
    """The page's line features, computed on first use. A few recent pages are kept (by their blocks)."""
    blocks = page.blocks
    found = _CACHE.get(id(blocks))
    if found is not None and found.blocks is blocks:
        return found
    lines = PageLines(blocks, page.text)
    if len(_CACHE) >= 8:
        _CACHE.clear()
    _CACHE[id(blocks)] = lines
    return lines


def lines_if_known(page: Page) -> PageLines | None:
    """The page's line features if they were worked out already (by the cleaners, see ``page_lines``), else None:
    for what follows the pipeline (the story signature), which needs them only when they cost nothing more."""
    found = _CACHE.get(id(page.blocks))
    return found if found is not None and found.blocks is page.blocks else None


_ESCAPE = re.compile(r"\\.|\(\?P")  # escapes and named groups may hold capitals


def lowered(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """A case-insensitive pattern recompiled to be run on lower-cased text instead.

    Python's regex engine skips an alternative whose first letter does not match only when matching
    case-sensitively, so a long list of phrases runs two to three times faster this way. Refuses a pattern
    with upper-case letters outside escapes (``\\S``, ``\\W``), which lower-cased text could never match.
    """
    source = pattern.pattern
    if _ESCAPE.sub("", source) != _ESCAPE.sub("", source).lower():
        raise ValueError(f"pattern has upper-case letters: {source[:60]!r}")
    return re.compile(source, pattern.flags & ~re.IGNORECASE)
