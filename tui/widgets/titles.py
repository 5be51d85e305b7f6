"""Border titles set only when they change.

Textual repaints a whole widget (every line of it, border and content) whenever its border title
or subtitle is assigned, even to the same text; the list's and the reader's titles are set on
every page change and every progress poll, so assigning them blindly redrew ~40 lines a time.
"""

from __future__ import annotations

from weakref import WeakKeyDictionary

from textual.widget import Widget

_last: WeakKeyDictionary[Widget, tuple[str | None, str | None]] = WeakKeyDictionary()


def set_border_title(widget: Widget, title: str) -> None:
    """``widget.border_title = title`` unless it is that already (markup, as given)."""
    old_title, old_subtitle = _last.get(widget, (None, None))
    if title != old_title:
        widget.border_title = title
        _last[widget] = (title, old_subtitle)


def set_border_subtitle(widget: Widget, subtitle: str) -> None:
    """``widget.border_subtitle = subtitle`` unless it is that already (markup, as given)."""
    old_title, old_subtitle = _last.get(widget, (None, None))
    if subtitle != old_subtitle:
        widget.border_subtitle = subtitle
        _last[widget] = (old_title, subtitle)
