"""Removes site chrome: breadcrumbs, navigation labels, share/follow lines, reaction and comment widgets,
newsletter and cookie prompts, copyright footers."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..base import BaseCleaner, Context
from ..model import Mark, Page
from ._lines import find_in_lines, lowered, page_lines, word_count
from ._phrases import factored, line_gate

_I = re.IGNORECASE

# Each kind: a pattern matched against a whole (short) line, and the reason shown in the diff.
BREADCRUMB = re.compile(r"^(?:current\s*:\s*)?(?:home|inicio|accueil|startseite|início|главная|首页)\s*[>»/›|]", _I)
SEPARATED = re.compile(r"\s[>»›]\s|[>»›]\s*\w")
UI_LABEL = re.compile(
    r"""^[\W_]*(?:view|views|print|email|e-mail|share|shares|comments?|login|log\s*in|log\s*out|logout|sign\s*in|sign\s*up|
    register|subscribe|search|menu|close|home|more|next|previous|prev|back|top|back\s+to\s+top|scroll\s+to\s+top|
    go\s+to\s+top|skip\s+to\s+(?:main\s+)?content|skip\s+to\s+navigation|jump\s+to\s+\w+|toggle\s+navigation|
    open\s+menu|close\s+menu|main\s+menu|navigation|expand|collapse|show\s+more|load\s+more|see\s+more|read\s+more|
    continue\s+reading|full\s+story|listen|listen\s+to\s+this\s+article|save|saved|bookmark|copy\s+link|
    link\s+copied|font\s+size|text\s+size|a\+?\s*a-?|reply|report|flag|like|follow|following|tags?|topics?|
    photo|photos|video|videos|gallery|image|audio|loading\.*|please\s+wait\.*|follow\s+us|share\s+this(?:\s+entry|\s+article|\s+story)?|
    show\s+more\s+sharing\s+options|website|
    zurück|suche|teilen|drucken|partager|imprimer|compartir|imprimir|condividi|stampa|compartilhar|поделиться)
    [\W_]*$""",
    _I | re.VERBOSE,
)
SOCIAL_WORDS = re.compile(
    r"\b(?:share|shares|shared|tweet|pin|email|e-mail|print|follow|us|on|this|the|article|story|page|via|with|to|a|"
    r"friend|click|opens?|in|new|window|link|copy|facebook|twitter|x|instagram|youtube|tiktok|linkedin|pinterest|"
    r"reddit|whatsapp|telegram|messenger|flipboard|tumblr|pocket|mix|sms|rss|feed|subscribe|like|siga|seguir|"
    r"compartir|compartilhar|compartilhe|teilen|partager|pint|baixar|download|save|google|vk|ok)\b",
    _I,
)
REACTION = re.compile(r"^[\w' ]{1,20}[!?]?\s*[(\[]\s*\d+\s*[)\]]$|^(?:👍|👎|❤️?|😂|😮|😢|😡)\s*\d*$")
COMMENT_COUNT = re.compile(
    r"^[\W_]*(?:\d+\s+(?:comments?|responses?|replies)|comments?\s*[(\[]\d+[)\]]|no\s+comments(?:\s+yet)?|"
    r"nessun\s+commento|\d+\s+(?:commenti|comentarios|comentários|kommentare|commentaires))[\W_]*$",
    _I,
)
COMMENT_HEADING = re.compile(
    r"^[\W_]*\d+\s+(?:responses?|comments?|replies|thoughts|reactions)\s+(?:to|on)\b.{0,200}$", _I
)
COMMENT_AUTHOR = re.compile(
    r"^[^\n]{1,60}?\s(?:says|said|wrote|writes|commented|replied|dice|disse|schreibt|écrit)\s*:?\s*$|"
    r"^[^\n]{1,60}?\s+on\s+.{4,40}\d{4}.{0,20}\s(?:said|says|wrote)\s*:?\s*$",
    _I,
)
COMMENTS = re.compile(
    r"""^[\W_]*(?:comments?|post\s+a\s+comment|leave\s+a\s+(?:comment|reply)|
    add\s+(?:a\s+)?comment|view\s+(?:all\s+)?comments|show\s+comments|hide\s+comments|join\s+the\s+(?:conversation|discussion)|
    be\s+the\s+first\s+to\s+comment|comments\s+are\s+closed|.*comments\s+powered\s+by\s+\w+|
    discussion|conversation|what\s+do\s+you\s+think\??|(?:top\s+rated|reader|readers'?|latest|recent|most\s+\w+)\s+comments|
    rating:\s*-?\d+\s+votes?|(?:view|show|see)\s+all(?:\s+comments)?|comentários|comentarios|kommentare|commentaires|commenti)[\W_]*$""",
    _I | re.VERBOSE,
)
MODERATION = re.compile(
    r"(?:please\s+(?:don'?t|do\s+not)\s+spam|comments?\s+(?:are|is|will\s+be)\s+(?:reviewed|moderated|approved)|"
    r"your\s+email\s+address\s+will\s+not\s+be\s+published|required\s+fields\s+are\s+marked|"
    r"you\s+must\s+be\s+logged\s+in\s+to\s+(?:post|comment)|log\s+in\s+to\s+(?:comment|reply)|"
    r"(?:please\s+)?(?:be\s+respectful|keep\s+it\s+civil)|community\s+guidelines|comment\s+policy|"
    r"comments?\s+(?:with|that)\b.{0,80}\bnot\s+be\s+approved|não\s+serão\s+aprovados|"
    r"save\s+my\s+name,\s+email|uses\s+akismet\s+to\s+reduce\s+spam|want\s+to\s+join\s+the\s+discussion|"
    r"^(?:name|e-?mail|website|comment)\s*\*$|notify\s+me\s+of\s+(?:new\s+|follow-up\s+)?(?:comments|posts))",
    _I,
)
NEWSLETTER = re.compile(
    r"(?:sign\s+up\s+(?:for|to)\s+(?:our\s+)?(?:\w+\s+){0,3}(?:newsletters?|alerts|emails?|updates)|"
    r"subscribe\s+(?:to\s+)?(?:our\s+)?(?:\w+\s+){0,2}(?:newsletters?|channel|podcast|updates)|"
    r"get\s+(?:the\s+)?(?:latest\s+)?(?:\w+\s+){0,3}(?:in|to|straight\s+to)\s+your\s+inbox|enter\s+your\s+email|"
    r"newsletter\s+sign[-\s]?up|(?:free\s+)?newsletters?$|thank\s+you\s+for\s+subscribing|"
    r"you\s+have\s+(?:successfully|succesfully)\s+subscribed|stay\s+up\s+to\s+date|no\s+thanks)",
    _I,
)
COOKIES = re.compile(
    r"(?:we\s+use\s+cookies|(?:this|our)\s+(?:web)?site\s+uses\s+cookies|accept\s+(?:all\s+)?cookies|"
    r"cookie\s+(?:policy|settings|preferences|consent)|by\s+continuing\s+to\s+(?:browse|use)\s+(?:this|our|the)\s+site)",
    _I,
)
COPYRIGHT = re.compile(
    r"^(?:©|\(c\)|copyright\b|all\s+rights\s+reserved)|all\s+rights\s+reserved\.?$|(?:todos\s+os|todos\s+los|tous)\s+"
    r"(?:direitos|derechos|droits)\s+(?:reservados|réservés)",
    _I,
)
FOOTER_LINKS = re.compile(
    r"^[\W_]*(?:privacy(?:\s+policy|\s+notice)?|terms(?:\s+of\s+(?:use|service))?|terms\s+(?:&|and)\s+conditions|"
    r"about\s+us|contact(?:\s+us)?|advertise(?:\s+with\s+us)?|careers|jobs|sitemap|site\s+map|accessibility|"
    r"cookie\s+policy|help|faq|imprint|impressum|datenschutz|mentions\s+légales|aviso\s+legal|"
    r"política\s+de\s+privacidad(?:e)?|(?:política\s+de\s+)?privacidade|quem\s+somos|fale\s+conosco)[\W_]*$",
    _I,
)
AUTHOR_BIO = re.compile(
    r"^(?:[A-Z][\w.'’-]+\s){1,3}(?:is|was|has\s+been)\s+(?:a|an|the)\s+(?:[\w-]+\s){0,5}(?:writer|reporter|editor|"
    r"correspondent|columnist|journalist|contributor|producer|author|critic|photographer|intern|freelancer|blogger|"
    r"analyst|anchor|host)\b"
)
BACK_TO_TOP = re.compile(
    r"^[\W_]*(?:back\s+to\s+top|to\s+top|top\s+of\s+page|voltar\s+ao\s+topo|nach\s+oben)[\W_]*$", _I
)


_LETTER_WORD = re.compile(r"[^\W\d_]+")


def _has_separator(text: str) -> bool:
    """Whether the line holds a character of ``SEPARATOR_CHARS``: one substring test per character (each a scan in
    C) costs far less than passing the line's characters one by one through a set."""
    return ">" in text or "/" in text or "|" in text or "»" in text or "›" in text


def _mostly_social(text: str, line: str, social_words: re.Pattern[str]) -> bool:
    """A share/follow line: nearly all its words are platform names and share vocabulary (caller checked that
    a platform or share word occurs). ``line``: the line as ``social_words`` reads it (see ``_Patterns``)."""
    words = _LETTER_WORD.findall(text)
    if not words or len(words) > 14:
        return False
    return len(social_words.findall(line)) >= 0.75 * len(words)


# Plain substrings that every line matching the expensive patterns must contain: a cheap first test.
PROMPT_HINTS = (
    "spam",
    "comment",
    "email",
    "e-mail",
    "required",
    "logged",
    "respect",
    "civil",
    "guideline",
    "policy",
    "approv",
    "aprovad",
    "akismet",
    "discussion",
    "notify",
    "sign",
    "subscri",
    "inbox",
    "newsletter",
    "thank",
    "stay",
    "no thanks",
    "cookie",
    "continuing",
)
PLATFORM_HINTS = (
    "facebook",
    "twitter",
    "whatsapp",
    "linkedin",
    "pinterest",
    "instagram",
    "reddit",
    "telegram",
    "email",
    "share",
    "tweet",
)
COPYRIGHT_HINTS = ("©", "(c)", "copyright", "rights", "direitos", "derechos", "droits")
AUTHOR_HINTS = ("says", "said", "wrote", "writes", "commented", "replied", "dice", "disse", "schreibt", "écrit")
SEPARATOR_CHARS = frozenset(">»›/|")
SEPARATORS = tuple(sorted(SEPARATOR_CHARS))  # (``_has_separator``'s, as a group for ``find_in_lines``)
BULLETS = frozenset("-*• ")  # stripped from a line before the tests


# The case-insensitive patterns, for lower-cased lines (see ``lowered``: much faster); long searches factored by
# first letters (see ``factored``: the same matches).
_BREADCRUMB = lowered(BREADCRUMB)
_UI_LABEL = lowered(UI_LABEL)
_SOCIAL_WORDS = lowered(SOCIAL_WORDS)
_COMMENT_COUNT = lowered(COMMENT_COUNT)
_COMMENT_HEADING = lowered(COMMENT_HEADING)
_COMMENT_AUTHOR = lowered(COMMENT_AUTHOR)
_COMMENTS = lowered(COMMENTS)
_MODERATION = factored(lowered(MODERATION))
_NEWSLETTER = factored(lowered(NEWSLETTER))
_COOKIES = factored(lowered(COOKIES))
_COPYRIGHT = lowered(COPYRIGHT)
_FOOTER_LINKS = lowered(FOOTER_LINKS)
_BACK_TO_TOP = lowered(BACK_TO_TOP)


# Short labels: any of these may match a line of ten words or fewer, or it is no label at all. The union,
# factored by first letters, settles most lines in one fast call (see ``line_gate``). But for one alternative of
# COMMENTS: ``.*comments powered by …`` runs to the line's end and back at every line, which cost more than all
# the others together. The gate leaves it out, and a line holding "comments" is asked about it (see
# gate in ``chrome_reason``): the lines that match are the same.
_POWERED = r".*comments\s+powered\s+by\s+\w+|"
_COMMENTS_LISTED = re.compile(_COMMENTS.pattern.replace(_POWERED, "", 1), _COMMENTS.flags)
assert _COMMENTS_LISTED.pattern != _COMMENTS.pattern and "powered" not in _COMMENTS_LISTED.pattern
_ANY_LABEL = line_gate(_BACK_TO_TOP, _UI_LABEL, _COMMENT_COUNT, _COMMENTS_LISTED, _FOOTER_LINKS)
# A reaction count ends with its bracket (the pattern's end may come before a final line break) or is an emoji.
_REACTION_ENDS = frozenset(")]\n")
_REACTION_STARTS = frozenset("👍👎❤😂😮😢😡")


def _hint_re(hints: tuple[str, ...]) -> re.Pattern[str]:
    """One regex scan of literals (a generator of `in` tests costs more), factored by first letters."""
    return factored(re.compile("|".join(map(re.escape, hints))))


_PROMPT_RE = _hint_re(PROMPT_HINTS)
_PLATFORM_RE = _hint_re(PLATFORM_HINTS)
_COPYRIGHT_RE = _hint_re(COPYRIGHT_HINTS)
_AUTHOR_RE = _hint_re(AUTHOR_HINTS)
# The hint groups, in the order of ``chrome_reason``'s ``hints``: found for a whole page at once.
HINT_GROUPS = (PROMPT_HINTS, PLATFORM_HINTS, COPYRIGHT_HINTS, AUTHOR_HINTS)
_ANY_HINT_RE = _hint_re(PROMPT_HINTS + PLATFORM_HINTS + COPYRIGHT_HINTS + AUTHOR_HINTS)


@dataclass(frozen=True, slots=True)
class _Patterns:
    """The patterns the rules of ``chrome_reason`` test, as they are matched against one form of the line. (Slots:
    a field is read in a few instructions, a named tuple's through a descriptor call.)"""

    breadcrumb: re.Pattern[str]
    any_label: re.Pattern[str]  # matches every line that one of the short labels below may match
    back_to_top: re.Pattern[str]
    ui_label: re.Pattern[str]
    comment_count: re.Pattern[str]
    comments: re.Pattern[str]
    footer_links: re.Pattern[str]
    social_words: re.Pattern[str]
    comment_heading: re.Pattern[str]
    comment_author: re.Pattern[str]
    moderation: re.Pattern[str]
    newsletter: re.Pattern[str]
    cookies: re.Pattern[str]
    copyright: re.Pattern[str]


# For the lower-cased line (the fast patterns: see ``lowered``) and, for the rare line whose lower-casing changes
# its length (Turkish İ), the case-insensitive patterns for the line itself.
_LOWER = _Patterns(
    _BREADCRUMB,
    _ANY_LABEL,
    _BACK_TO_TOP,
    _UI_LABEL,
    _COMMENT_COUNT,
    _COMMENTS,
    _FOOTER_LINKS,
    _SOCIAL_WORDS,
    _COMMENT_HEADING,
    _COMMENT_AUTHOR,
    _MODERATION,
    _NEWSLETTER,
    _COOKIES,
    _COPYRIGHT,
)
_CASED = _Patterns(
    BREADCRUMB,
    re.compile(""),  # (no gate: each label is tried)
    BACK_TO_TOP,
    UI_LABEL,
    COMMENT_COUNT,
    COMMENTS,
    FOOTER_LINKS,
    SOCIAL_WORDS,
    COMMENT_HEADING,
    COMMENT_AUTHOR,
    MODERATION,
    NEWSLETTER,
    COOKIES,
    COPYRIGHT,
)


def chrome_reason(
    text: str,
    low: str | None = None,
    n: int | None = None,
    hints: tuple[bool, bool, bool, bool] | None = None,
    separated: bool | None = None,
) -> str | None:
    """Why a line is site chrome, or None. Cheap tests guard the expensive patterns: most lines are prose.
    ``low`` (the line lower-cased) and ``n`` (its word count) may be given when already known, ``hints``:
    whether the line holds a prompt, platform, copyright or comment-author hint (see ``HINT_GROUPS``), and
    ``separated``: whether it holds one of ``SEPARATORS``. The hints are guards only: a pattern they guard
    matches no line without its hint (but see below for a line that lower-casing makes longer)."""
    if n is None:
        n = word_count(text)
    if n > 60:
        return None
    if low is None or len(low) != len(text):
        low = text.lower()
    if len(low) == len(text):
        p, line = _LOWER, low
    else:
        # Lower-casing changed the length (Turkish İ): match the original, case-insensitively. The hints found in
        # the lower-cased line guard nothing then ("RİGHTS" is "ri̇ghts" lower-cased, which a case-insensitive
        # "rights" matches): every pattern is tried, but for share/follow lines, which need a platform named.
        p, line = _CASED, text
        hints = (True, _PLATFORM_RE.search(low) is not None, True, True)
    if hints is None:
        hinted = _ANY_HINT_RE.search(low) is not None  # most lines hold none of the hints: one scan says so
        hints = (
            (hinted and _PROMPT_RE.search(low) is not None),
            (hinted and _PLATFORM_RE.search(low) is not None),
            (hinted and _COPYRIGHT_RE.search(low) is not None),
            (hinted and _AUTHOR_RE.search(low) is not None),
        )
    prompt, platform, copyright_, author = hints
    if n > 25:
        # Long lines are chrome only as prompts or bios: skip the short-line patterns.
        if text[:1].isupper() and AUTHOR_BIO.match(text):
            return "author bio"
        if prompt and p.moderation.search(line):
            return "comment moderation notice"
        if prompt and p.cookies.search(line):
            return "cookie prompt"
        return None
    if (_has_separator(text) if separated is None else separated) and (
        p.breadcrumb.match(line) or (n <= 14 and len(SEPARATED.findall(text)) >= 2 and "." not in text)
    ):
        return "breadcrumb"
    if n <= 10:
        if p.any_label.match(line) or ("comments" in low and p.comments.match(line)):  # any label (see _ANY_LABEL)
            if n <= 5 and p.back_to_top.match(line):
                return "back-to-top link"
            if n <= 6 and p.ui_label.match(line):
                return "navigation or widget label"
            if n <= 6 and REACTION.match(text):
                return "reaction widget"
            if n <= 6 and p.comment_count.match(line):
                return "comment count"
            if p.comments.match(line):
                return "comment section"
            if n <= 6 and p.footer_links.match(line):
                return "footer link"
        elif n <= 6 and (text[-1:] in _REACTION_ENDS or text[:1] in _REACTION_STARTS) and REACTION.match(text):
            return "reaction widget"  # no label matches: of the short-line kinds only a reaction count is left
    if n <= 14 and platform and _mostly_social(text, line, p.social_words):
        return "share/follow buttons"
    if text[:1].isdigit() and p.comment_heading.match(line):
        return "comment section"
    if n <= 14 and (author or low.rstrip().endswith(":")) and p.comment_author.match(line):
        return "comment author line"
    if n >= 4 and text[:1].isupper() and AUTHOR_BIO.match(text):  # a bio has a name, is, a and a role: 4+ words
        return "author bio"
    if prompt:
        if p.moderation.search(line):
            return "comment moderation notice"
        if p.newsletter.search(line):
            return "newsletter prompt"
        if p.cookies.search(line):
            return "cookie prompt"
    if copyright_ and p.copyright.search(line):
        return "copyright footer"
    return None


class SiteChrome(BaseCleaner):
    name = "site_chrome"
    description = "Removes breadcrumbs, navigation, share/follow lines, reaction and comment widgets, prompts, footers."
    order = 500

    def annotate(self, page: Page, context: Context) -> list[Mark]:
        lines = page_lines(page)
        low, wc = lines.low, lines.wc
        remaining = context.remaining()
        known = _SHORT_REASONS.get
        # Remembered answers first (one look-up per short line); the rest are worked out below. A line of
        # more than 60 words is never chrome.
        reasons = [
            (known(b.text, _MISSING) if len(b.text) <= 60 else _MISSING) if wc[b.index] <= 60 else None
            for b in remaining
        ]
        todo = [k for k, r in enumerate(reasons) if r is _MISSING]
        if todo:
            # Hints are looked for only where ``chrome_reason`` uses them (each word searched for scans all the
            # lines searched): every kind in lines of 14 words or fewer; prompts and copyright in longer ones, up to
            # 60 words (the long paragraphs are most of the text; copyright matters up to 25 only, and is found for
            # the longer lines with the rest rather than in a search of its own).
            # Separators (for breadcrumbs) are found in the same searches (a line's case does not change them,
            # nor does stripping its bullets).
            short = [k for k in todo if wc[remaining[k].index] <= 14]
            g0, g1, g2, g3, split = find_in_lines([low[remaining[k].index] for k in short], _SHORT_GROUPS)
            hinted = g0 | g1 | g2 | g3  # most lines hold no hint at all
            hints = {k: (j in g0, j in g1, j in g2, j in g3) if j in hinted else _NO_HINTS for j, k in enumerate(short)}
            separated = {short[j] for j in split}
            longer = [k for k in todo if wc[remaining[k].index] > 14]
            prompts, marks, split = find_in_lines([low[remaining[k].index] for k in longer], _LONGER_GROUPS)
            hints.update({k: (j in prompts, False, j in marks, False) for j, k in enumerate(longer)})
            separated.update(longer[j] for j in split)
            for k in todo:
                i = remaining[k].index
                reasons[k] = _line_reason(remaining[k].text, low[i], wc[i], hints[k], k in separated)
        return [Mark.block(b, r) for b, r in zip(remaining, reasons, strict=True) if r]  # type: ignore[arg-type]


_MISSING = object()
_NO_HINTS = (False, False, False, False)
_SHORT_GROUPS = (*HINT_GROUPS, SEPARATORS)
_LONGER_GROUPS = (PROMPT_HINTS, COPYRIGHT_HINTS, SEPARATORS)
_SHORT_REASONS: dict[str, str | None] = {}  # answers for short lines, which repeat: menus, share bars, footers
_SHORT_LIMIT = 8192


def line_chrome_reason(text: str, low: str, n: int, hints: tuple[bool, bool, bool, bool] | None = None) -> str | None:
    """``chrome_reason`` of a block (``low`` its lower-cased text, ``n`` its word count), bullets ignored.
    Short lines are remembered: a site's menu and footer lines come back on every page."""
    if len(text) <= 60:
        known = _SHORT_REASONS.get(text, _MISSING)
        if known is not _MISSING:
            return known  # type: ignore[return-value]
    return _line_reason(text, low, n, hints)


def _line_reason(
    text: str, low: str, n: int, hints: tuple[bool, bool, bool, bool] | None, separated: bool | None = None
) -> str | None:
    """``line_chrome_reason`` for a line not remembered yet; a short one is remembered now."""
    if text[:1] in BULLETS or text[-1:].isspace():
        # Bullets are not word characters: the word count stays; no hint starts with a bullet.
        bare = text.lstrip("-*• ").strip() or text
        reason = chrome_reason(bare, bare.lower(), n, hints, separated)
    else:
        reason = chrome_reason(text, low, n, hints, separated)
    if len(text) <= 60:
        if len(_SHORT_REASONS) >= _SHORT_LIMIT:
            _SHORT_REASONS.clear()
        _SHORT_REASONS[text] = reason
    return reason
