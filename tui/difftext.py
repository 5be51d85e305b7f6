"""The annotated original as lines: kept text plain, removed spans marked and labelled with cleaner and reason.

Shared by ``newsread diff`` and the reader's inline diff. Drawn from the
engine's annotations, never from a generic text diff.
"""

from __future__ import annotations

from collections.abc import Collection

from rich.style import StyleType
from rich.text import Text

from newsread.cleaners import Annotation, CleanedPage, inert

KEPT_MARK = "  "
REMOVED_MARK = "- "
PARTIAL_MARK = "~ "
REMOVED_STYLE = "red strike"
LABEL_STYLE = "italic dim"
MARK_STYLE = "red"
FOCUS_STYLE = "reverse"


def diff_lines(
    cleaned: CleanedPage,
    *,
    styled: bool = True,
    removed_style: StyleType = REMOVED_STYLE,
    label_style: StyleType = LABEL_STYLE,
    mark_style: StyleType = MARK_STYLE,
    focus: Collection[Annotation] = (),
    focus_style: StyleType = FOCUS_STYLE,
) -> list[Text]:
    """One line per block of the original. ``styled=False`` marks removals with [- -] for plain output.

    The reader passes its theme's styles, and ``focus``: removals to emphasise (the one being inspected).
    """
    lines: list[Text] = []
    text = cleaned.page.text
    last_label: tuple[str, str] | None = None
    for block in cleaned.page.blocks:
        segments = list(cleaned.segments(block.start, block.end))
        removed = [s for s in segments if s.annotation is not None and text[s.start : s.end].strip()]
        line = Text(no_wrap=False)
        if not removed:
            line.append(KEPT_MARK)
            line.append(inert(block.text))
            last_label = None
            lines.append(line)
            continue
        whole = len(removed) == 1 and all(
            s.annotation is not None or not text[s.start : s.end].strip() for s in segments
        )
        line.append(REMOVED_MARK if whole else PARTIAL_MARK, style=mark_style if styled else "")
        labels: list[tuple[str, str]] = []
        for seg in segments:
            piece = inert(text[seg.start : seg.end])
            ann = seg.annotation
            if ann is None:
                line.append(piece)
                continue
            if styled:
                line.append(piece, style=removed_style)
                if ann in focus:
                    line.stylize(focus_style, len(line) - len(piece))
            else:
                line.append(f"[-{piece}-]" if not whole else piece)
            label = (ann.cleaner, ann.reason)
            if label not in labels:
                labels.append(label)
        # A run of lines removed for one reason is labelled once, on its first line.
        if not (whole and labels and labels[0] == last_label):
            for cleaner, reason in labels:
                line.append("  ")
                line.append(f"‹{cleaner}: {inert(reason)}›", style=label_style if styled else "")
        last_label = labels[0] if whole and labels else None
        lines.append(line)
    return lines
