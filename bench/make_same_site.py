"""Generate a same-site test set: SITES sites x PAGES pages of text dumps with known gold bodies (deterministic).

Each site has its own template (menu, breadcrumb, footer, widgets, list headings,
share line, with per-page variations such as dates and view counts); some
stories are syndicated: several pages, on one site or across sites, carry the
same article paragraphs. Usage:

    python bench/make_same_site.py OUT_DIR [--sites 10] [--pages 10] [--seed 7]

writes OUT_DIR/pages/<site>/<n>.txt and OUT_DIR/gold/<site>/<n>.txt (flat ids: <site>_<n>.txt).
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

WORDS = (
    "government council minister report river city market workers union budget court police storm harbour "
    "school hospital election farmers bridge energy prices museum festival league coach season villagers "
    "engineers contract pipeline airport railway committee inquiry evidence residents mayor protest "
    "agreement talks officials spokesperson analysts shares exports drought flood wildfire vaccine study"
).split()
VERBS = "said announced warned agreed rejected confirmed expected planned approved delayed reported".split()
SECTIONS = "Home News World Business Sport Culture Science Opinion Video Travel Health Tech".split()


def sentence(rng: random.Random, n: int) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    words.insert(rng.randrange(2, n), rng.choice(VERBS))
    words.insert(rng.randrange(3, n), "the")
    return " ".join(words).capitalize() + "."


def paragraph(rng: random.Random) -> str:
    return " ".join(sentence(rng, rng.randint(9, 18)) for _ in range(rng.randint(1, 3)))


def site_template(rng: random.Random, k: int) -> dict[str, list[str]]:
    name = f"{rng.choice(['Daily', 'Morning', 'Valley', 'Harbour', 'Metro'])} {rng.choice(['Courier', 'Post', 'Ledger', 'Herald', 'Times'])} {k}"
    menu = rng.sample(SECTIONS, rng.randint(5, 9))
    style = k % 3
    head = [name] if style else []
    head += [" | ".join(menu)] if style != 1 else [f"- {m}" for m in menu]
    footer = [
        f"© 2024 {name}. All rights reserved.",
        rng.choice(["Privacy Policy | Terms of Use | Contact", "About us · Careers · Advertise with us"]),
    ]
    if k % 2:
        footer.insert(0, "Sign up for our newsletter to get the best stories delivered to your inbox every morning.")
    widgets = rng.sample(["Advertisement", "Share this article", "Follow us on social media", "Comments (0)"], 2)
    lists = rng.sample(["Most read", "Related stories", "Trending now", "Editor's picks"], 2)
    return {"name": [name], "head": head, "footer": footer, "widgets": widgets, "lists": lists}


def make(out: Path, sites: int, pages: int, seed: int) -> None:
    rng = random.Random(seed)
    shared_stories = [[paragraph(rng) for _ in range(rng.randint(4, 7))] for _ in range(max(2, sites // 3))]
    for k in range(sites):
        t = site_template(rng, k)
        for n in range(pages):
            if n % 4 == 0:  # a syndicated story, shared by pages here and on other sites
                body = list(shared_stories[(k + n) % len(shared_stories)])
            else:
                body = [paragraph(rng) for _ in range(rng.randint(3, 8))]
            title = sentence(rng, 7).rstrip(".")
            lines = list(t["head"])
            lines.append(f"{t['head'][-1].split(' | ')[0].lstrip('- ')} > {rng.choice(SECTIONS)}")
            lines += [title, f"Published {rng.randint(1, 28)} March 2024, {rng.randint(0, 23)}:{rng.randint(10, 59)}"]
            text_lines = list(body)
            text_lines.insert(rng.randint(1, len(text_lines)), t["widgets"][0])
            lines += text_lines
            lines.append(t["widgets"][1])
            for heading in t["lists"]:
                lines.append(heading)
                lines += [f"- {sentence(rng, 6).rstrip('.')}" for _ in range(rng.randint(3, 5))]
            lines += t["footer"]
            page_id = f"site{k:02d}_{n:02d}.txt"
            (out / "pages").mkdir(parents=True, exist_ok=True)
            (out / "gold").mkdir(parents=True, exist_ok=True)
            (out / "pages" / page_id).write_text("\n".join(lines) + "\n", encoding="utf-8")
            (out / "gold" / page_id).write_text("\n\n".join(body) + "\n", encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--sites", type=int, default=10)
    ap.add_argument("--pages", type=int, default=10)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    make(args.out, args.sites, args.pages, args.seed)


if __name__ == "__main__":
    main()
