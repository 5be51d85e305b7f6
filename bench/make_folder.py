"""Build a synthetic folder of N varied scraped text pages, deterministically from a seed.

    python bench/make_folder.py 10000 /tmp/nr-10k [--seed 1]

Pages vary by site (each site has its own header, navigation and footer
template), language (word lists in English, German, French, Spanish), article
length (a few lines to several KB), and which boilerplate they carry (ad
markers, "related" link farms, share/social tails, newsletter promos, cookie
notices, duplicated paragraphs). Files go into per-site subfolders. Write them
outside the repository (e.g. /tmp).
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

WORDS = {
    "en": "the council harbour said on monday new plan would residents water city river police report school "
    "government minister budget year people after week market workers strike road bridge rain storm election "
    "museum festival hospital doctors court judge company shares price energy farmers village train station".split(),
    "de": "der die das stadt hafen sagte am montag neue plan würde bewohner wasser fluss polizei bericht schule "
    "regierung minister haushalt jahr menschen nach woche markt arbeiter streik straße brücke regen sturm wahl "
    "museum fest krankenhaus ärzte gericht richter firma aktien preis energie bauern dorf zug bahnhof".split(),
    "fr": "le la les ville port a dit lundi nouveau plan habitants eau fleuve police rapport école gouvernement "
    "ministre budget année gens après semaine marché ouvriers grève route pont pluie tempête élection musée "
    "festival hôpital médecins tribunal juge entreprise actions prix énergie agriculteurs village train gare".split(),
    "es": "el la los ciudad puerto dijo lunes nuevo plan vecinos agua río policía informe escuela gobierno ministro "
    "presupuesto año gente después semana mercado trabajadores huelga carretera puente lluvia tormenta elección "
    "museo festival hospital médicos tribunal juez empresa acciones precio energía agricultores pueblo tren".split(),
}
CHROME = {
    "en": ("Home | World | Politics | Business | Sport | Culture", "Related stories", "Share this article",
           "Advertisement", "Subscribe to our newsletter for the latest news",
           "We use cookies to improve your experience",
           "All rights reserved"),
    "de": ("Startseite | Welt | Politik | Wirtschaft | Sport | Kultur", "Mehr zum Thema", "Artikel teilen",
           "Anzeige", "Abonnieren Sie unseren Newsletter", "Wir verwenden Cookies", "Alle Rechte vorbehalten"),
    "fr": ("Accueil | Monde | Politique | Économie | Sport | Culture", "À lire aussi", "Partager cet article",
           "Publicité", "Abonnez-vous à notre newsletter", "Nous utilisons des cookies", "Tous droits réservés"),
    "es": ("Portada | Mundo | Política | Economía | Deportes | Cultura", "Noticias relacionadas", "Compartir",
           "Publicidad", "Suscríbete a nuestro boletín", "Usamos cookies", "Todos los derechos reservados"),
}  # fmt: skip


def sentence(rng: random.Random, words: list[str], lo: int = 8, hi: int = 24) -> str:
    n = rng.randint(lo, hi)
    s = " ".join(rng.choice(words) for _ in range(n))
    return s[0].upper() + s[1:] + rng.choice([".", ".", ".", "?", "!"])


def paragraph(rng: random.Random, words: list[str]) -> str:
    return " ".join(sentence(rng, words) for _ in range(rng.randint(1, 6)))


def make_page(rng: random.Random, site: int, lang: str, n: int) -> str:
    words = WORDS[lang]
    nav, related, share, ad, promo, cookie, rights = CHROME[lang]
    site_name = f"The {['Daily', 'Morning', 'Evening', 'Weekly', 'Local'][site % 5]} Site{site}"
    lines: list[str] = []
    style = site % 4  # each site has a template of its own
    if style != 3:
        lines.append(site_name)
    if style in (0, 1):
        lines.append(nav)
    if rng.random() < 0.3:
        lines.append(cookie)
    title = sentence(rng, words, 5, 11).rstrip(".?!")
    lines.append(title)
    lines.append(f"{2020 + n % 6}-{1 + n % 12:02d}-{1 + n % 28:02d}")
    if rng.random() < 0.6:
        lines.append(f"By {rng.choice(['Ann', 'Jo', 'Lee', 'Sam', 'Kim'])} {rng.choice(['Berg', 'Diaz', 'Roy'])}")
    paras = [paragraph(rng, words) for _ in range(rng.choice([2, 4, 6, 10, 16, 30]))]
    for k, para in enumerate(paras):
        lines.append(para)
        if rng.random() < 0.08:
            lines.append(ad)
        if rng.random() < 0.04:
            lines.append(promo)
        if k == 1 and rng.random() < 0.1:
            lines.append(para)  # a scraper duplicated a paragraph
    if rng.random() < 0.5:
        lines.append(related)
        lines.extend(sentence(rng, words, 4, 9).rstrip(".?!") for _ in range(rng.randint(3, 10)))
    if rng.random() < 0.4:
        lines.append(f"{share}: Facebook Twitter Email")
    lines.append(f"© {2020 + n % 6} {site_name}. {rights}.")
    gap = "\n\n" if style == 2 else "\n"
    return gap.join(lines) + "\n"


def build(count: int, out: Path, seed: int = 1) -> None:
    rng = random.Random(seed)
    sites = max(5, count // 200)
    for n in range(count):
        site = rng.randrange(sites)
        lang = list(WORDS)[site % len(WORDS)] if rng.random() < 0.9 else rng.choice(list(WORDS))
        folder = out / f"site{site:04d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"page{n:06d}.txt").write_text(make_page(rng, site, lang, n), encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("count", type=int)
    ap.add_argument("out", type=Path)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    build(args.count, args.out, args.seed)


if __name__ == "__main__":
    main()
