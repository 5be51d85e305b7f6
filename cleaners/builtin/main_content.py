"""Removes what is outside the main content of an HTML page, decided block by block by more than one judge.

Two established extractors judge the page: readability-lxml and trafilatura each give the article they find,
which is matched back to the page's blocks. Neither is right alone: readability often keeps too narrow a part
of the page, trafilatura sometimes too wide or another. A small model, trained on pages of many sites
(``bench/train_main_content.py``) and shipped with newsread, weighs their votes with the page's own structure
(text and link density, tag path, class and id words, position, siblings) and decides each block. Every
block it removes says which judges agreed, so the diff shows who decided.

When no judge finds a main content (a page of one paragraph, a failure), nothing is removed here and the page
says so; the text cleaners (with outside_article) then clean the whole page.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from ..base import BaseCleaner, Context
from ..model import Mark, Page
from ._block_features import FEATURES, block_features
from ._judges import PROSE_WORDS, kept_blocks, readability_text, trafilatura_text
from ._lines import page_lines
from ._tree_model import TreeModel

if TYPE_CHECKING:
    import lxml.html

JUDGES = ("readability", "trafilatura")


class MainContent(BaseCleaner):
    name = "main_content"
    description = (
        "Removes what is outside the main content of HTML pages: readability-lxml's and trafilatura's choices "
        "weighed with the page's structure, block by block."
    )
    order = 20
    formats = frozenset({"html"})
    options: ClassVar[Mapping[str, Any]] = {"judges": list(JUDGES), "model": None, "use_model": True}
    # What a person may switch off one by one (the reader's cleaners panel): each judge, and the learned model
    # (without it, a block goes when no judge that is on keeps it).
    parts: ClassVar[Mapping[str, str]] = {
        "readability": "readability-lxml's choice of the main content",
        "trafilatura": "trafilatura's choice of the main content",
        "model": "the learned model: weighs the judges' votes with the page's structure (off: a block goes when "
        "no judge keeps it)",
    }

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        unknown = [j for j in self.settings["judges"] if j not in JUDGES]
        if unknown:
            raise ValueError(f"main_content: unknown judge(s) {', '.join(unknown)} (known: {', '.join(JUDGES)})")
        self._model: TreeModel | None = None

    def parts_on(self) -> dict[str, bool]:
        """Which of :attr:`parts` are on."""
        judges = self.settings["judges"]
        return {**{j: j in judges for j in JUDGES}, "model": bool(self.settings["use_model"])}

    def part_options(self, part: str, on: bool) -> dict[str, Any]:
        """The options that switch ``part`` (one of :attr:`parts`) on or off, the others as they are."""
        if part == "model":
            return {"use_model": on}
        if part not in JUDGES:
            raise ValueError(f"main_content: no part named {part!r}")
        judges = self.settings["judges"]
        return {"judges": [j for j in JUDGES if (on if j == part else j in judges)]}

    @property
    def model(self) -> TreeModel:
        if self._model is None:
            self._model = TreeModel.load(self.settings["model"])
            if self._model.features != FEATURES:
                raise ValueError("main_content: the model was trained on other features than this newsread makes")
        return self._model

    def annotate(self, page: Page, context: Context) -> Iterable[Mark]:
        if not page.source or not page.blocks:
            return ()
        votes = self.votes(page, context)
        if votes["readability"] is None and votes["trafilatura"] is None:
            context.note("no judge found a main content; the whole page was cleaned by the text cleaners")
            return ()
        if not self.settings["use_model"]:
            return self._by_judges_alone(page, votes)
        model = self.model
        # The blocks the model decides: those the judges' agreement does not keep already.
        agreed = _agreed(votes)
        undecided = None if agreed is None else [not a for a in agreed]
        blocks = page.blocks if undecided is None else [b for b, u in zip(page.blocks, undecided, strict=True) if u]
        rows = block_features(page.blocks, votes["readability"], votes["trafilatura"], page_lines(page), undecided)
        marks = []
        reasons: dict[tuple[bool | None, ...], str] = {}  # the judges' votes on a block: few patterns a page
        threshold = model.threshold
        for block, chance in zip(blocks, model.probabilities(rows), strict=True):
            if chance < threshold:
                key = tuple(None if kept is None else kept[block.index] for kept in votes.values())
                reason = reasons.get(key)
                if reason is None:
                    reason = reasons[key] = _reason(block.index, votes)
                marks.append(Mark.block(block, reason))
        return marks

    def _by_judges_alone(self, page: Page, votes: Mapping[str, Sequence[bool] | None]) -> list[Mark]:
        """Without the model: a block goes when no judge that is on keeps it."""
        marks = []
        reasons: dict[tuple[bool | None, ...], str] = {}
        for block in page.blocks:
            key = tuple(None if kept is None else kept[block.index] for kept in votes.values())
            if any(key):
                continue
            reason = reasons.get(key)
            if reason is None:
                reason = reasons[key] = _reason(block.index, votes)
            marks.append(Mark.block(block, reason))
        return marks

    def votes(self, page: Page, context: Context) -> dict[str, list[bool] | None]:
        """Which blocks each judge keeps (None: the judge is off, failed, or found no main content)."""

        from ..htmlpage import parse_html

        source = page.source or ""

        def reparse() -> lxml.html.HtmlElement | None:
            return parse_html(source)

        # The loader's parse is handed over (readability changes the tree it is given; trafilatura works on a
        # copy, so it goes first); a second cleaning of the page parses the source again.
        tree, page.tree = page.tree, None
        if tree is None:
            tree = reparse()
        votes: dict[str, list[bool] | None] = dict.fromkeys(JUDGES)
        if tree is None:
            context.note("the page has no HTML to find the main content in")
            return votes
        judges = self.settings["judges"]
        if "trafilatura" in judges:
            prose = sum(n for n in page_lines(page).wc if n >= PROSE_WORDS)
            votes["trafilatura"] = _judge(page, context, "trafilatura", lambda: trafilatura_text(tree, prose))
        if "readability" in judges:
            votes["readability"] = _judge(page, context, "readability", lambda: readability_text(tree, reparse))
        return votes


def _judge(page: Page, context: Context, name: str, extract: Any) -> list[bool] | None:
    try:
        # The words of the page's lines, as the text cleaners after this one read them (made once for all).
        kept = kept_blocks(page.blocks, extract(), page_lines(page).toks)
    except Exception as exc:  # extractors have crashed on CJK and Cyrillic pages: never lose the page for it
        context.note(f"{name} failed ({type(exc).__name__}: {str(exc)[:80]}); the other judges decided")
        return None
    if kept is None:
        context.note(f"{name} found no main content; the other judges decided")
    return kept


def _agreed(votes: Mapping[str, Sequence[bool] | None]) -> list[bool] | None:
    """The blocks that are the article's whatever the structure says (None: a judge is off or found nothing).

    A block both judges keep, and a block one judge keeps between two both keep (a subheading or a list one
    of them skipped): losing a paragraph costs a reader more than a kept line, and two extractors rarely agree
    on chrome."""
    rd, tf = votes["readability"], votes["trafilatura"]
    if rd is None or tf is None:
        return None
    both = [r and t for r, t in zip(rd, tf, strict=True)]
    last = len(both) - 1
    return [
        b or ((r or t) and 0 < i < last and both[i - 1] and both[i + 1])
        for i, (b, r, t) in enumerate(zip(both, rd, tf, strict=True))
    ]


def _reason(index: int, votes: Mapping[str, Sequence[bool] | None]) -> str:
    """Which judges agree that the block is outside the main content, in words."""
    dropped = [name for name, kept in votes.items() if kept is not None and not kept[index]]
    keeping = [name for name, kept in votes.items() if kept is not None and kept[index]]
    if not keeping:
        if len(dropped) > 1:
            return f"outside the main content ({' and '.join(dropped)} agree)"
        return f"outside the main content ({dropped[0]})"
    if not dropped:
        return f"outside the main content (by the page's structure, though {' and '.join(keeping)} kept it)"
    judges, others = " and ".join(dropped), " and ".join(keeping)
    return f"outside the main content ({judges}, with the page's structure; {others} kept it)"
