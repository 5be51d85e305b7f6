"""Generate a same-site test set: folders of text dumps whose pages share a site's template, with known gold.

Article text is real: the gold bodies of the ScrapingHub benchmark
(``SHARED/bench/scrapinghub/gold``), one article per page. Each site gets
its own synthetic chrome, built from varied parts so no two sites look alike:
a header (name, tagline, menu as one line or a list, account links), a
breadcrumb and date line that change per page, promos *inside* the article that
read like prose ("Get our free morning briefing ..."), widgets, headline lists
whose headlines change from page to page, and a footer with a publisher's
notice and a cookie notice written as full sentences. Not every part is on every
page (a site's promo shows on most pages, not all).

Shared article text, which the learner must keep:

* wire stories syndicated across sites (the same body on pages of several sites);
* on some sites a running story: one article published again with an update on
  up to half of the site's pages (a paragraph added, one dropped);
* background paragraphs a site repeats inside different articles of a series.

``python -m bench same-site --write OUT_DIR [--sites 10] [--pages 10] [--seed 7]`` only writes the set:
``OUT_DIR/pages/<site>_<n>.txt`` and ``OUT_DIR/gold/<site>_<n>.txt`` (the gold body: paragraphs separated by
blank lines; the headline is not body). Deterministic for a seed.
"""

from __future__ import annotations

import random
from pathlib import Path

MAX_PARAGRAPHS = 14  # long articles are cut (in page and gold alike) to keep the set quick to clean

FIRST = ["Daily", "Morning", "Valley", "Harbour", "Metro", "County", "Northern", "Coastal", "Capital", "Evening"]
SECOND = ["Courier", "Post", "Ledger", "Herald", "Times", "Gazette", "Chronicle", "Observer", "Standard", "Dispatch"]
SECTIONS = "Home News World Business Sport Culture Science Opinion Video Travel Health Tech Politics Money Life".split()
TAGLINES = [
    "Independent journalism for {place} since {year}",
    "The voice of {place}",
    "News you can trust, every day",
    "{place}'s most read newspaper",
    "Reporting without fear or favour since {year}",
]
GIVEN = ["Anna", "Tom", "Maria", "Kofi", "Li", "Sara", "Omar"]
FAMILY = ["Berg", "Ng", "Costa", "Mensah", "Walsh", "Ito"]
PLACES = ["the valley", "the coast", "the north", "the city", "the county", "the islands", "the capital region"]
ACCOUNT = ["Sign in | Subscribe", "Log in · Register · Subscribe", "My account", "Subscribe now — 1 month free"]
IN_BODY_PROMOS = [
    "Get our free morning briefing: the day's most important news in five minutes, straight to your inbox.",
    "Support independent journalism: become a member today from as little as $5 a month and read without limits.",
    "Do you have a story we should be reporting on? Send us your tips, photos and videos, and we will get in touch.",
    "Download our app to follow the news as it happens, with alerts on the stories that matter to you.",
    "Story continues below",
    "Advertisement",
    "ADVERTISEMENT",
    "Continue reading the main story",
]
AFTER_BODY = [
    "Share this article: Facebook · X · WhatsApp · Email",
    "Share on Facebook Share on Twitter Share by email",
    "Was this article helpful? Yes No",
    "Comments are closed for this article.",
    "Join the conversation: read our community guidelines before you comment.",
    "Follow us on social media for the latest updates from our newsroom.",
]
LIST_HEADINGS = ["Most read", "Related stories", "Trending now", "Editor's picks", "More from {name}", "Latest news"]
COOKIE = [
    "We use cookies to improve your experience on our site and to show you relevant advertising. By continuing to "
    "browse you agree to our use of cookies.",
    "This website uses cookies to analyse traffic and personalise content. You can change your preferences at any "
    "time in the privacy settings.",
]
LEGAL = [
    "{name} is published by {name} Media Group Ltd, {num} Quay Street, registered in England and Wales under "
    "company number {reg}. All rights reserved.",
    "© {year} {name}. All rights reserved. Reproduction of any part of this website without permission is prohibited.",
    "{name} is a member of the Independent Press Standards Organisation and abides by the Editors' Code of Practice.",
]
LINKS = ["Privacy Policy | Terms of Use | Contact", "About us · Careers · Advertise with us", "Help | Sitemap | RSS"]
BACKGROUND = [
    "The inquiry was set up last year after a series of reports raised questions about how the contracts had been "
    "awarded, and it is expected to publish its findings in the spring.",
    "The dispute began when the regional council voted to close three of the valley's five branch libraries, a "
    "decision campaigners say was taken without proper consultation.",
    "The project, first proposed more than a decade ago, has been delayed repeatedly by funding disputes and legal "
    "challenges from residents living along the planned route.",
]


def load_articles(gold_dir: Path) -> list[list[str]]:
    """The gold bodies as lists of paragraphs (short ones and very long ones cut to a usable size)."""
    articles = []
    for path in sorted(gold_dir.glob("*.txt")):
        paras = [" ".join(p.split()) for p in path.read_text(encoding="utf-8").split("\n\n") if p.strip()]
        if len(paras) >= 3:
            articles.append(paras[:MAX_PARAGRAPHS])
    return articles


def invented_article(rng: random.Random, vocabulary: list[str]) -> list[str]:
    """An article of words drawn from the corpus (its word frequencies): for folders larger than the corpus."""
    paras = []
    for _ in range(rng.randint(4, MAX_PARAGRAPHS)):
        sentences = []
        for _ in range(rng.randint(1, 4)):
            words = rng.choices(vocabulary, k=rng.randint(8, 30))
            sentences.append(" ".join(words).capitalize() + ".")
        paras.append(" ".join(sentences))
    return paras


def headline(rng: random.Random, articles: list[list[str]]) -> str:
    """A plausible headline: the opening words of some article's first sentence."""
    words = rng.choice(articles)[0].split()
    return " ".join(words[: rng.randint(6, 11)]).rstrip(",.;:")


class Site:
    """One site's template: which parts it has and how they look."""

    def __init__(self, rng: random.Random, k: int) -> None:
        self.rng = rng
        # Every site has a name of its own (as real ones do): 100 pairs, then a town's name as well.
        pair = k % (len(FIRST) * len(SECOND))
        self.name = f"{FIRST[pair % len(FIRST)]} {SECOND[(pair // len(FIRST) + pair) % len(SECOND)]}"
        if k >= len(FIRST) * len(SECOND):
            self.name += f" of {rng.choice(['North', 'South', 'East', 'West', 'Upper', 'Lower'])}town {k}"
        year = rng.randint(1850, 1990)
        self.tagline = rng.choice(TAGLINES).format(place=rng.choice(PLACES), year=year)
        self.menu = rng.sample(SECTIONS, rng.randint(5, 10))
        self.menu_style = rng.choice(["line", "list", "dashes"])
        self.account = rng.choice(ACCOUNT)
        self.promos = rng.sample(IN_BODY_PROMOS, rng.randint(1, 2))
        self.after = rng.sample(AFTER_BODY, rng.randint(1, 3))
        self.lists = [h.format(name=self.name) for h in rng.sample(LIST_HEADINGS, rng.randint(1, 3))]
        self.footer = [
            s.format(name=self.name, num=rng.randint(1, 99), reg=rng.randint(1000000, 9999999), year=2024)
            for s in rng.sample(LEGAL, rng.randint(1, 2))
        ]
        self.footer.append(rng.choice(LINKS))
        self.cookie = rng.choice(COOKIE) if rng.random() < 0.6 else None
        self.byline_style = rng.choice(["By {a}", "{a}, staff reporter", "Written by {a}"])
        self.date_style = rng.choice(["Published {d} March 2024, {h}:{m}", "{d}/03/2024 {h}:{m}", "Updated {h}:{m}"])

    def page(self, title: str, body: list[str], articles: list[list[str]]) -> list[str]:
        rng = self.rng
        lines: list[str] = []
        if self.cookie and rng.random() < 0.9:
            lines.append(self.cookie)
        lines += [self.name, self.tagline, self.account]
        if self.menu_style == "line":
            lines.append(" | ".join(self.menu))
        else:
            lines += [f"- {m}" if self.menu_style == "dashes" else m for m in self.menu]
        lines.append(f"Home › {rng.choice(SECTIONS)} › {rng.choice(SECTIONS)}")
        lines.append(title)
        author = f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}"
        lines.append(self.byline_style.format(a=author))
        lines.append(self.date_style.format(d=rng.randint(1, 28), h=rng.randint(0, 23), m=rng.randint(10, 59)))
        text = list(body)
        for promo in self.promos:
            if rng.random() < 0.85 and len(text) > 2:  # a promo is on most pages, not all
                text.insert(min(len(text) - 1, rng.randint(2, 4)), promo)
        lines += text
        lines += [a for a in self.after if rng.random() < 0.9]
        for heading in self.lists:
            lines.append(heading)
            lines += [f"- {headline(rng, articles)}" for _ in range(rng.randint(3, 6))]
        lines += self.footer
        return lines


def make(out: Path, gold_dir: Path, sites: int = 10, pages: int = 10, seed: int = 7) -> None:
    rng = random.Random(seed)
    articles = load_articles(gold_dir)
    pool = list(articles)
    rng.shuffle(pool)
    wire = [pool.pop() for _ in range(max(2, sites // 3))]  # syndicated across sites
    # Distinct words drawn evenly: invented articles share no phrases by chance (real ones rarely do either).
    vocabulary = sorted({w for a in articles for p in a for w in p.split()})

    def fresh() -> list[str]:
        return pool.pop() if pool else invented_article(rng, vocabulary)

    (out / "pages").mkdir(parents=True, exist_ok=True)
    (out / "gold").mkdir(parents=True, exist_ok=True)
    for k in range(sites):
        site = Site(rng, k)
        running = fresh()
        running_pages = set(rng.sample(range(pages), rng.randint(0, pages // 2))) if k % 2 else set()
        series = set(rng.sample(range(pages), pages // 3)) if k % 3 == 0 else set()
        background = rng.choice(BACKGROUND)
        for n in range(pages):
            if n in running_pages:  # the running story again, updated: a paragraph added, one dropped
                body = list(running)
                body.insert(rng.randint(1, len(body)), rng.choice(fresh()))
                del body[rng.randrange(1, len(body))]
            elif n % 4 == 1:
                body = list(wire[(k + n) % len(wire)])
            else:
                body = list(fresh())
            if n in series:
                body.insert(min(len(body), rng.randint(2, 4)), background)
            body = [p for p in body if p]
            lines = site.page(headline(rng, [body]), body, articles)  # its own headline; lists show others'
            page_id = f"site{k:02d}_{n:02d}.txt"
            (out / "pages" / page_id).write_text("\n".join(lines) + "\n", encoding="utf-8")
            (out / "gold" / page_id).write_text("\n\n".join(body) + "\n", encoding="utf-8")
