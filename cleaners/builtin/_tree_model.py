"""A small gradient-boosted tree model, read from JSON and evaluated in plain Python (no numpy at run time).

The model is trained by ``bench/train_main_content.py`` (scikit-learn, only there) and stored as its trees: for
each, parallel lists of the split feature, threshold, left and right child (-1 at a leaf) and leaf value. It is
turned into one Python expression, compiled once: walking the trees' arrays node by node costs several times
as much, for every block of every page.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

Row = Sequence[float]


class TreeModel:
    """``probability(row)``: how likely a block described by ``row`` (see ``features``) is article text."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.features: tuple[str, ...] = tuple(data["features"])
        self.threshold = float(data["threshold"])
        self.trained_on: str = str(data.get("trained_on", ""))
        # A second stage, if the file has one: a model of the same rows with more features made from this one's
        # probabilities (the cleaner that reads the file makes them).
        self.second: TreeModel | None = TreeModel(data["second"]) if data.get("second") else None
        trees = data["trees"]
        for tree in trees:
            _check(tree, len(self.features))
        terms = " + ".join(_expression(tree, 0) for tree in trees) or "0.0"
        raw = f"{float(data['bias'])!r} + {float(data['rate'])!r} * ({terms})"
        # Each row unpacked into one local a feature (``_`` for those no tree splits on) once, rather than a
        # subscript at every split the row goes through (three a tree of depth three).
        used = {int(f) for t in trees for f, left in zip(t["feature"], t["left"], strict=True) if int(left) != -1}
        names = "".join(f"x{f}, " if f in used else "_, " for f in range(len(self.features)))
        # The source is made from numbers and indices checked above, never from text of the file. The sum for each
        # row of a page in one call (a call per row costs as much as its trees), compiled once: one row is a page
        # of one row.
        self._raws: Callable[[Sequence[Row]], list[float]] = eval(
            compile(f"lambda rows: [{raw} for ({names}) in rows]", "<tree model>", "eval")
        )

    def probability(self, row: Row) -> float:
        return _sigmoid(self._raws((row,))[0])

    def probabilities(self, rows: Sequence[Row]) -> list[float]:
        """``probability`` of each row."""
        exp = math.exp
        return [1.0 / (1.0 + exp(-raw)) if raw > -700 else 0.0 for raw in self._raws(rows)]  # (``_sigmoid``)

    @classmethod
    def load(cls, path: str | Path | None = None, default: str = "main_content_model.json") -> TreeModel:
        """The model stored at ``path``, or the one shipped with newsread."""
        if path is None:
            text = resources.files(__package__).joinpath(default).read_text(encoding="utf-8")
        else:
            text = Path(path).read_text(encoding="utf-8")
        return cls(json.loads(text))


def _sigmoid(raw: float) -> float:
    return 1.0 / (1.0 + math.exp(-raw)) if raw > -700 else 0.0


def _check(tree: dict[str, list[Any]], width: int) -> None:
    size = len(tree["feature"])
    for key in ("threshold", "left", "right", "value"):
        if len(tree[key]) != size:
            raise ValueError(f"a tree's {key!r} has {len(tree[key])} entries, its 'feature' {size}")
    for node in range(size):
        left, right = int(tree["left"][node]), int(tree["right"][node])
        if left == -1:
            float(tree["value"][node])
            continue
        if not (node < left < size and node < right < size and 0 <= int(tree["feature"][node]) < width):
            raise ValueError(f"a tree's node {node} points outside the tree or the features")
        float(tree["threshold"][node])


def _expression(tree: dict[str, list[Any]], node: int) -> str:
    left = int(tree["left"][node])
    if left == -1:
        return repr(float(tree["value"][node]))
    feature, threshold = int(tree["feature"][node]), float(tree["threshold"][node])
    right = int(tree["right"][node])
    return f"({_expression(tree, left)} if x{feature} <= {threshold!r} else {_expression(tree, right)})"
