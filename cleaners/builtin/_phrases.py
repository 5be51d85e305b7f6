"""Faster equivalents of long phrase-list patterns, for yes/no tests of whole lines.

A pattern like ``^[\\W_]*(?:share|subscribe|search|…)[\\W_]*$`` is one alternation that Python's regex
engine tries alternative by alternative at every line. Factoring the alternatives by their first letters
(``s(?:hare|ubscribe|earch)``) lets it skip whole groups at once. The rewritten pattern matches exactly the
same lines (the same language); which alternative matched, and so any group's position, may differ: use it
only to ask whether a line matches.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

WRAPPER_START = r"^[\W_]*(?:"
_SPECIAL = frozenset("\\()[]{}.|?*+^$#")
_QUANTIFIERS = frozenset("?*+{")


def _units(src: str, start: int = 0) -> Iterator[tuple[int, str, bool]]:
    """The units of a regex source from ``start``: an escape (two characters) or one character, with its
    position and whether it is syntax (neither an escape nor inside a character class)."""
    i, in_class = start, False
    while i < len(src):
        c = src[i]
        if c == "\\":
            yield i, src[i : i + 2], False
            i += 2
            continue
        if in_class:
            in_class = c != "]"
            yield i, c, False
        elif c == "[":
            in_class = True
            yield i, c, False
            if src[i + 1 : i + 2] == "]":  # a ']' first in a class is literal
                i += 1
                yield i, "]", False
        else:
            yield i, c, True
        i += 1


def _source(pattern: re.Pattern[str]) -> str:
    """The pattern's source with verbose-mode whitespace removed (the patterns here have no comments)."""
    src = pattern.pattern
    if not pattern.flags & re.VERBOSE:
        return src
    out: list[str] = []
    for _, unit, syntax in _units(src):
        if syntax and unit == "#":
            raise ValueError("verbose pattern with a comment")
        if not (syntax and unit.isspace()):
            out.append(unit)
    return "".join(out)


def split_alternatives(src: str) -> list[str]:
    """The top-level alternatives of a regex source (``|`` outside groups and character classes)."""
    parts: list[str] = []
    depth = start = 0
    for i, c, syntax in _units(src):
        if not syntax:
            continue
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            parts.append(src[start:i])
            start = i + 1
    parts.append(src[start:])
    return parts


def _literal_head(alt: str) -> str | None:
    """The alternative's first character when it is a plain literal not under a quantifier, else None."""
    if not alt or alt[0] in _SPECIAL or alt[1:2] in _QUANTIFIERS:
        return None
    return alt[0]


def _group_end(src: str, start: int) -> int:
    """The position of the ``)`` closing the group opened at ``start``."""
    depth = 0
    for i, c, syntax in _units(src, start):
        if syntax and c == "(":
            depth += 1
        elif syntax and c == ")":
            depth -= 1
            if depth == 0:
                return i
    raise ValueError(f"unbalanced group in {src[:40]!r}")


def _expanded(alt: str, limit: int = 64) -> list[str]:
    """An alternative that starts with a group, ``(?:a|b)rest`` or ``(?:a|b)?rest``, as the alternatives
    ``arest|brest(|rest)``: their first letters can then be factored too."""
    if not alt.startswith("(?:"):
        return [alt]
    end = _group_end(alt, 0)
    after = alt[end + 1 : end + 2]
    if after in ("*", "+", "{") or alt[end + 2 : end + 3] in ("?", "+"):
        return [alt]  # repeated, lazy or possessive: left as it is
    optional = after == "?"
    rest = alt[end + 2 :] if optional else alt[end + 1 :]
    out = [a + rest for a in split_alternatives(alt[3:end])]
    if optional:
        out.append(rest)
    if len(out) > limit:
        return [alt]
    return [x for a in out for x in _expanded(a, limit)]


def _factored(alts: Sequence[str], keep_order: bool = False) -> str:
    """``alts`` as one alternation, alternatives that start with the same literal grouped under it (recursively).

    With ``keep_order`` the engine still tries, at any position, the alternatives that can match there in their
    original order, so a match is not only found where it was but also spans what it spanned: an alternative
    that does not start with a literal closes the groups before it."""
    parts: list[str | tuple[str, list[str]]] = []
    groups: dict[str, list[str]] = {}
    for alt in (x for a in alts for x in _expanded(a)):
        head = _literal_head(alt)
        if head is None:
            parts.append(alt)
            if keep_order:
                groups = {}  # later alternatives may not jump ahead of this one
        elif head in groups:
            groups[head].append(alt[1:])
        else:
            groups[head] = [alt[1:]]
            parts.append((head, groups[head]))
    if not keep_order:  # alternatives without a literal head first: as good as any order for a yes/no test
        parts.sort(key=lambda part: isinstance(part, tuple))
    out = []
    for part in parts:
        if isinstance(part, str):
            out.append(part)
        elif len(part[1]) == 1:
            out.append(part[0] + part[1][0])
        else:
            out.append(f"{re.escape(part[0])}(?:{_factored(part[1], keep_order)})")
    return "|".join(out)


def factored(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """``pattern`` (an alternation, or one group holding one) with its alternatives factored by their first
    letters, keeping their order: it finds the same matches, spanning the same text, faster."""
    src = _source(pattern)
    if _unsafe(src):
        raise ValueError(f"cannot regroup {src[:40]!r}")
    alts = split_alternatives(src)
    if len(alts) == 1 and src.startswith("(?:") and _group_end(src, 0) == len(src) - 1:
        alts = split_alternatives(src[3:-1])
    return re.compile(_factored(alts, keep_order=True), pattern.flags & ~re.VERBOSE)


def _unsafe(src: str) -> bool:
    """Constructs whose meaning could change when alternatives are regrouped: groups that capture or are
    referred to, lookarounds, possessive and atomic forms, inline flags."""
    for i, unit, syntax in _units(src):
        if unit[:1] == "\\" and unit[1:].isdigit():
            return True  # a back-reference
        if syntax and ((unit == "(" and src[i + 1 : i + 3] != "?:") or (unit in "*+?}" and src[i + 1 : i + 2] == "+")):
            return True  # a capturing or special group, or a possessive quantifier
    return False


def line_gate(*patterns: re.Pattern[str]) -> re.Pattern[str]:
    """One pattern matching exactly the lines that any of ``patterns`` matches, each of the form
    ``^[\\W_]*(?:alternatives)TAIL`` with the same TAIL (``[\\W_]*$`` for a phrase alone on its line) and the
    same flags but for VERBOSE (checked). Named groups of the tail become plain groups."""
    flags = {p.flags & ~re.VERBOSE for p in patterns}
    if len(flags) != 1:
        raise ValueError("patterns with different flags")
    alts: list[str] = []
    tails: set[str] = set()
    for p in patterns:
        src = _source(p)
        if not src.startswith(WRAPPER_START):
            raise ValueError(f"not a phrase list at the start of a line: {src[:40]!r}")
        end = _group_end(src, len(WRAPPER_START) - 3)
        inner, tail = src[len(WRAPPER_START) : end], re.sub(r"\(\?P<\w+>", "(?:", src[end + 1 :])
        if _unsafe(inner) or _unsafe(tail) or not tail.endswith("$"):
            raise ValueError(f"cannot regroup {src[:40]!r}")
        alts.extend(split_alternatives(inner))
        tails.add(tail)
    if len(tails) != 1:
        raise ValueError("patterns with different tails")
    return re.compile(WRAPPER_START[:-3] + "(?:" + _factored(alts) + ")" + tails.pop(), flags.pop())


def any_line_gate(*gates: re.Pattern[str]) -> re.Pattern[str]:
    """One pattern matching exactly the lines that any of ``gates`` matches, each of the form
    ``^[\\W_]*(?:alternatives)TAIL`` (``line_gate``'s; tails may differ) with the same flags: the leading
    ``[\\W_]*`` is tried once for all of them, and so are their alternatives, each with its gate's tail, factored
    together by their first letters (the gates one after the other cost a try of each gate's first letters at
    every line)."""
    flags = {g.flags for g in gates}
    if len(flags) != 1:
        raise ValueError("gates with different flags")
    alts: list[str] = []
    for g in gates:
        src = _source(g)
        if not src.startswith(WRAPPER_START) or _unsafe(src):
            raise ValueError(f"not a line gate: {src[:40]!r}")
        end = _group_end(src, len(WRAPPER_START) - 3)
        tail = src[end + 1 :]
        if len(split_alternatives(tail)) != 1:
            raise ValueError(f"a gate's tail with alternatives: {tail[:40]!r}")
        alts.extend(alt + tail for alt in split_alternatives(src[len(WRAPPER_START) : end]))
    # Each gate's alternatives are factored already: grouping them by first letter across the gates is enough
    # (factoring them all again, deeper, costs more to build and compile than it saves).
    parts: list[str] = []
    groups: dict[str, list[str]] = {}
    for alt in alts:
        head = _literal_head(alt)
        if head is None:
            parts.append(alt)
        elif head in groups:
            groups[head].append(alt[1:])
        else:
            groups[head] = [alt[1:]]
    parts += [
        head + rest[0] if len(rest) == 1 else f"{re.escape(head)}(?:{'|'.join(rest)})" for head, rest in groups.items()
    ]
    return re.compile(WRAPPER_START[:-3] + "(?:" + "|".join(parts) + ")", flags.pop())
