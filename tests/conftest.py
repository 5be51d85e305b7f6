from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from newsread.cleaners import BaseCleaner, Context, Mark, Page

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
BENCH = REPO.parent / "shared" / "bench"


def copy_sample_pages(root: Path, sample: int) -> None:
    """Copy the seeds and the first ``sample`` pages of each dev set (when ../shared is there) into ``root``."""
    (root / "seeds").mkdir(parents=True, exist_ok=True)
    for page in sorted(SEEDS.iterdir()):
        (root / "seeds" / page.name).write_bytes(page.read_bytes())
    for name, folder in (("sh-text", "scrapinghub/text"), ("sh-html", "scrapinghub/html"), ("wcxb", "wcxb/html")):
        if (BENCH / folder).is_dir():
            (root / name).mkdir()
            for page in sorted((BENCH / folder).iterdir())[:sample]:
                (root / name / page.name).write_bytes(page.read_bytes())


class WordCleaner(BaseCleaner):
    """A test cleaner: removes every block that contains ``word``."""

    name = "word_cleaner"
    description = "removes blocks containing a word"
    options = {"word": "Advertisement"}

    def annotate(self, page: Page, context: Context) -> Iterable[Mark]:
        for block in context.remaining():
            if self.settings["word"] in block.text:
                yield Mark.block(block, f"contains {self.settings['word']!r}")


@pytest.fixture
def seeds() -> Path:
    return SEEDS


@pytest.fixture(autouse=True)
def _private_result_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests (and the commands they run) never use the user's result cache."""
    monkeypatch.setenv("NEWSREAD_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


def spy_calls(monkeypatch: pytest.MonkeyPatch, module: ModuleType, name: str) -> list[dict[str, Any]]:
    """The keyword arguments of every call of ``module.name`` from now on (the function still runs)."""
    calls: list[dict[str, Any]] = []
    real = getattr(module, name)

    def spied(*args: Any, **kwargs: Any) -> Any:
        calls.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, spied)
    return calls
