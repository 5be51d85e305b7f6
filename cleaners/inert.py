"""Making page text safe to show in a terminal: control and bidi characters become visible, inert symbols."""

from __future__ import annotations

import re

# C0 controls but tab and newline, DEL, C1 controls, and the bidi embedding/override/isolate characters,
# which can reorder what a terminal shows (Trojan Source).
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")


def _visible(m: re.Match[str]) -> str:
    ch = m.group()
    code = ord(ch)
    if code < 0x20:
        return chr(0x2400 + code)  # ␛ for ESC, ␍ for CR …
    if code == 0x7F:
        return "␡"
    return f"<U+{code:04X}>"


def inert(text: str) -> str:
    """``text`` with every character that could drive a terminal replaced by a visible stand-in."""
    return _UNSAFE.sub(_visible, text)
