"""`python -m bench quality`: its table rows parse and score only the pages that ran."""

from __future__ import annotations

import shutil
from pathlib import Path
from types import ModuleType

import pytest

from ..conftest import REPO

SCORER = REPO.parent / "shared" / "bench" / "score.py"

pytestmark = pytest.mark.skipif(not SCORER.exists(), reason="needs ../shared/bench beside the repository")

ARTICLE = (
    "The council voted on Tuesday to keep the old library open for another ten years after a long debate. "
    "Residents had collected more than four thousand signatures asking for the building to be saved."
)


def quality() -> ModuleType:
    from bench import quality

    return quality


def fake_shared(root: Path) -> Path:
    bench = root / "bench"
    for sub in ("html", "text", "gold"):
        (bench / "scrapinghub" / sub).mkdir(parents=True)
    shutil.copy(SCORER, bench / "score.py")
    for i in range(3):
        # The third page's gold shares nothing with its page: scoring it would pull recall down.
        gold = ARTICLE if i < 2 else "words that appear nowhere in the page at all, not one of them"
        (bench / "scrapinghub" / "gold" / f"p{i}.txt").write_text(gold, encoding="utf-8")
        (bench / "scrapinghub" / "text" / f"p{i}.txt").write_text(f"Home\nNews\n{ARTICLE}\n", encoding="utf-8")
        html = f"<html><body><nav>Home News</nav><article><p>{ARTICLE}</p></article></body></html>"
        (bench / "scrapinghub" / "html" / f"p{i}.html").write_text(html, encoding="utf-8")
    return root


def rows(out: str) -> dict[tuple[str, str], list[str]]:
    """(input, tool) -> the row's cells, from the Markdown table printed."""
    table = [line for line in out.splitlines() if line.startswith("| ") and not line.startswith("| set ")]
    cells = [[c.strip() for c in line.strip("|").split("|")] for line in table]
    return {(c[1], c[2]): c for c in cells}


def test_limit_scores_only_the_pages_that_ran(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shared = fake_shared(tmp_path)
    quality().main(["--shared", str(shared), "--tools", "newsread", "--limit", "2", "--no-time"])
    got = rows(capsys.readouterr().out)
    assert set(got) == {("html", "**newsread**"), ("text", "**newsread**"), ("text", "keep everything")}
    keep_all = got[("text", "keep everything")]
    assert keep_all[0] == "scrapinghub (2)"
    assert float(keep_all[4]) == 1.0  # recall over the two pages that ran, not the third
    assert float(got[("html", "**newsread**")][4]) == 1.0


def test_old_positional_form_runs_one_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shared = fake_shared(tmp_path)
    quality().main(["text", "--shared", str(shared), "--tools", "newsread", "--no-time"])
    got = rows(capsys.readouterr().out)
    assert {fmt for fmt, _ in got} == {"text"}
    assert got[("text", "keep everything")][0] == "scrapinghub (3)"
