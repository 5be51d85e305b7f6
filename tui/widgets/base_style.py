"""A widget's base style (its colours over its ancestors'), computed once rather than for every line.

Textual's ``rich_style`` walks every ancestor's styles on each call (~0.1 ms); a Line API widget
asks for it on every line it draws, ~40 times a page change. It changes only when styles do
(a theme, a stylesheet reload): the widget calls :meth:`BaseStyle.clear` from ``notify_style_update``.
"""

from __future__ import annotations

from rich.style import Style
from textual.widget import Widget


class BaseStyle:
    """``widget.rich_style``, remembered until the styles change (or the theme does)."""

    def __init__(self, widget: Widget) -> None:
        self._widget = widget
        self._cached: tuple[str, Style] | None = None

    def get(self) -> Style:
        theme = self._widget.app.theme  # a theme switch re-applies every node's styles; the key makes it certain
        cached = self._cached
        if cached is None or cached[0] != theme:
            cached = self._cached = (theme, self._widget.rich_style)
        return cached[1]

    def clear(self) -> None:
        self._cached = None
