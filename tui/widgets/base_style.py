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


class ComponentStyles:
    """A widget's component styles (``.widget--name`` rules) as Rich styles that hold what those rules set, in the
    colours the terminal will show.

    Textual's partial component style drops a colour's alpha and leaves ``auto`` unresolved: ``$accent 35%`` came
    out as the full accent, and ``$text`` (``auto 87%``) as white whatever the theme (white on white in a light
    one). Here each colour is the one Textual blends over the widget's own background, and only the colours and
    text styles the rule sets are kept, so a component style still goes on top of others.
    """

    def __init__(self, widget: Widget, prefix: str) -> None:
        self._widget = widget
        self._prefix = prefix
        self._theme = ""
        self._cached: dict[str, Style] = {}

    def get(self, name: str) -> Style:
        widget = self._widget
        theme = widget.app.theme
        if theme != self._theme:
            self._cached.clear()
            self._theme = theme
        style = self._cached.get(name)
        if style is None:
            component = f"{self._prefix}--{name}"
            styles = widget.get_component_styles(component)
            full = widget.get_component_rich_style(component)
            style = (
                Style(
                    color=full.color if styles.has_rule("color") else None,
                    bgcolor=full.bgcolor if styles.has_rule("background") else None,
                )
                + styles.text_style
            )
            self._cached[name] = style
        return style

    def clear(self) -> None:
        self._cached.clear()
