"""Features of a line of text that the built-in cleaners share: size, sentence-ness, headline-ness, script."""

from __future__ import annotations

import re
from functools import lru_cache

WORD = re.compile(r"\w+")
# Scripts written without spaces: a run of them is one \w+ "word", so count their characters instead.
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af\u0e00-\u0e7f]")
SENTENCE_END = re.compile(r"[.!?。！？…:;][\"'”’»)\]]*\s*$|[\"”’»]\s*$")
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


@lru_cache(maxsize=4096)
def word_count(text: str) -> int:
    """Words, counting characters of space-less scripts (Chinese, Japanese, Korean, Thai) two to a word."""
    words = len(WORD.findall(text))
    cjk = len(CJK.findall(text))
    return words + cjk // 2 if cjk else words


@lru_cache(maxsize=8192)
def tokens(text: str) -> tuple[str, ...]:
    """Lower-cased words. Cached: several cleaners ask about the same lines of a page."""
    return tuple(WORD.findall(text.lower()))


@lru_cache(maxsize=8192)
def stopword_ratio(text: str) -> float:
    toks = tokens(text)
    if not toks:
        return 0.0
    return sum(1 for t in toks if t in STOPWORDS) / len(toks)


@lru_cache(maxsize=8192)
def ends_like_sentence(text: str) -> bool:
    return bool(SENTENCE_END.search(text))


@lru_cache(maxsize=8192)
def is_list_item(text: str) -> bool:
    return bool(LIST_MARK.match(text))


def strip_list_mark(text: str) -> str:
    return LIST_MARK.sub("", text, count=1)


@lru_cache(maxsize=8192)
def has_cjk(text: str) -> bool:
    return bool(CJK.search(text))


@lru_cache(maxsize=8192)
def is_title_case(text: str) -> bool:
    """Most words capitalised, as headlines are written ("Why Movies Went From 15 Minutes To Two Hours")."""
    words = [w for w in WORD.findall(text) if w[0].isalpha()]
    if len(words) < 4:
        return False
    return sum(1 for w in words if w[0].isupper()) >= 0.75 * len(words)


@lru_cache(maxsize=8192)
def is_prose(text: str, min_words: int = 10) -> bool:
    """A sentence or more of running text: long enough, with function words (or in a space-less script)."""
    n = word_count(text)
    if n < min_words:
        return False
    if has_cjk(text):
        return True
    if n < 30 and is_title_case(text) and not ends_like_sentence(text):
        return False
    return stopword_ratio(text) >= 0.12 or (n >= 25 and ends_like_sentence(text))


@lru_cache(maxsize=8192)
def is_headline_like(text: str) -> bool:
    """A short line that names a story rather than telling it: few words, no full stop at the end."""
    body = strip_list_mark(text)
    n = word_count(body)
    if n < 3 or n > 30:
        return False
    return not (body.rstrip().endswith((".", "。", ";")) and not body.rstrip().endswith("..."))


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
    for name, pattern in _SCRIPT_RES.items():
        if pattern.match(ch):
            return name
    return "OTHER"


def dominant_script(text: str, sample: int = 3000) -> str:
    piece = text[:sample]
    counts = {name: len(pattern.findall(piece)) for name, pattern in _SCRIPT_RES.items()}
    best = max(counts, key=lambda k: counts[k])
    return best if counts[best] else ""


def normalise_for_match(text: str) -> str:
    """Lower-case words only: for comparing lines regardless of punctuation, case and spacing."""
    return " ".join(tokens(text))
