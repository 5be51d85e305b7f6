"""The corpora every benchmark reads: the shared dev sets beside the repository, and generated folders.

Shared dev sets: ``../shared/bench`` next to the repository (or ``$NEWSREAD_SHARED/bench``), each set a
folder with ``html/``, ``text/`` and ``gold/`` (see its README); ``seeds`` is the repository's own
``seeds/`` with its gold in the shared folder.

Generated folders: N varied scraped text pages, deterministically from a seed, built once into a work
folder (default ``/tmp/nr-bench``) and reused::

    python -m bench make-folder 10000 /tmp/nr-10k [--seed 1]

Pages vary by site (each site has its own header, navigation and footer template), language (word lists in
English, German, French, Spanish), article length (a few lines to several KB), and which boilerplate they
carry (ad markers, "related" link farms, share/social tails, newsletter promos, cookie notices, duplicated
paragraphs). Files go into per-site subfolders. Write them outside the repository.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
WORKDIR = Path(os.environ.get("NEWSREAD_BENCH_WORKDIR", "/tmp/nr-bench"))
SETS = ("seeds", "scrapinghub", "wcxb")
FORMATS = ("html", "text")


def shared_dir() -> Path:
    """The shared folder: ``$NEWSREAD_SHARED``, else ``shared/`` beside the repository."""
    return Path(os.environ.get("NEWSREAD_SHARED") or REPO.parent / "shared")


def bench_dir(shared: Path | None = None) -> Path:
    """The shared dev sets (``SHARED/bench``); a clear error if they are not there."""
    bench = (shared or shared_dir()) / "bench"
    if not (bench / "score.py").exists():
        raise SystemExit(f"no dev sets at {bench} (put shared/ beside the repository or set NEWSREAD_SHARED)")
    return bench


def dev_set(set_name: str, fmt: str, shared: Path | None = None) -> tuple[Path, Path] | None:
    """(pages folder, gold folder) of one dev set in one format, or None if there is no such set."""
    bench = bench_dir(shared)
    if set_name == "seeds":
        if fmt != "text":
            return None
        src, gold = REPO / "seeds", bench / "seeds" / "gold"
    else:
        src, gold = bench / set_name / fmt, bench / set_name / "gold"
    return (src, gold) if src.is_dir() and gold.is_dir() else None


def bench_process(*args: str, env: dict[str, str] | None = None) -> tuple[list[str], dict[str, str]]:
    """The command line and environment that run ``python -m bench ARGS`` in a new process, from any folder."""
    env = dict(os.environ if env is None else env)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH", "")) if p)
    return [sys.executable, "-m", "bench", *args], env


def synthetic(count: int, workdir: Path = WORKDIR, seed: int = 1) -> Path:
    """A generated folder of ``count`` pages in ``workdir``, built on first use and reused."""
    folder = workdir / (f"pages-{count}" if seed == 1 else f"pages-{count}-seed{seed}")
    done = folder / ".complete"
    if not done.exists():
        build(count, folder, seed)
        done.write_text("")
    return folder


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


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench make-folder", description="Build a synthetic folder of N pages.")
    ap.add_argument("count", type=int)
    ap.add_argument("out", type=Path)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    build(args.count, args.out, args.seed)
    return 0
