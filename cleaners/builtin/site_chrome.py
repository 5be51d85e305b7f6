"""Removes site chrome: breadcrumbs, navigation labels, share/follow lines, reaction and comment widgets,
newsletter and cookie prompts, copyright footers."""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..base import BaseCleaner, Context
from ..model import Mark, Page
from ._lines import word_count

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


def _mostly_social(text: str) -> bool:
    """A share/follow line: nearly all its words are platform names and share vocabulary."""
    words = re.findall(r"[^\W\d_]+", text)
    if not words or len(words) > 14:
        return False
    social = len(SOCIAL_WORDS.findall(text))
    has_platform = re.search(
        r"facebook|twitter|whatsapp|linkedin|pinterest|instagram|reddit|telegram|email|share|tweet", text, _I
    )
    return bool(has_platform) and social >= 0.75 * len(words)


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


_HINT_RES: dict[tuple[str, ...], re.Pattern[str]] = {}


def _has(low: str, hints: tuple[str, ...]) -> bool:
    """Whether any hint occurs in ``low``: one regex scan of literals (a generator of `in` tests costs more)."""
    pattern = _HINT_RES.get(hints)
    if pattern is None:
        pattern = _HINT_RES[hints] = re.compile("|".join(map(re.escape, hints)))
    return pattern.search(low) is not None


def chrome_reason(text: str) -> str | None:
    """Why a line is site chrome, or None. Cheap tests guard the expensive patterns: most lines are prose."""
    n = word_count(text)
    if n > 60:
        return None
    low = text.lower()
    prompt = _has(low, PROMPT_HINTS)
    if n > 25:
        # Long lines are chrome only as prompts or bios: skip the short-line patterns.
        if text[:1].isupper() and AUTHOR_BIO.match(text):
            return "author bio"
        if prompt and MODERATION.search(text):
            return "comment moderation notice"
        if prompt and COOKIES.search(text):
            return "cookie prompt"
        return None
    if not SEPARATOR_CHARS.isdisjoint(text) and (
        BREADCRUMB.match(text) or (n <= 14 and len(SEPARATED.findall(text)) >= 2 and "." not in text)
    ):
        return "breadcrumb"
    if n <= 10:
        if n <= 5 and BACK_TO_TOP.match(text):
            return "back-to-top link"
        if n <= 6 and UI_LABEL.match(text):
            return "navigation or widget label"
        if n <= 6 and REACTION.match(text):
            return "reaction widget"
        if n <= 6 and COMMENT_COUNT.match(text):
            return "comment count"
        if COMMENTS.match(text):
            return "comment section"
        if n <= 6 and FOOTER_LINKS.match(text):
            return "footer link"
    if n <= 14 and _has(low, PLATFORM_HINTS) and _mostly_social(text):
        return "share/follow buttons"
    if text[:1].isdigit() and COMMENT_HEADING.match(text):
        return "comment section"
    if n <= 14 and (low.rstrip().endswith(":") or _has(low, AUTHOR_HINTS)) and COMMENT_AUTHOR.match(text):
        return "comment author line"
    if text[:1].isupper() and AUTHOR_BIO.match(text):
        return "author bio"
    if prompt:
        if MODERATION.search(text):
            return "comment moderation notice"
        if NEWSLETTER.search(text):
            return "newsletter prompt"
        if COOKIES.search(text):
            return "cookie prompt"
    if _has(low, COPYRIGHT_HINTS) and COPYRIGHT.search(text):
        return "copyright footer"
    return None


class SiteChrome(BaseCleaner):
    name = "site_chrome"
    description = "Removes breadcrumbs, navigation, share/follow lines, reaction and comment widgets, prompts, footers."
    order = 500

    def annotate(self, page: Page, context: Context) -> Iterable[Mark]:
        for block in context.remaining():
            reason = chrome_reason(block.text.lstrip("-*• ").strip() or block.text)
            if reason:
                yield Mark.block(block, reason)
