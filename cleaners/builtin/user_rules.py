"""User rules from the config: a regular expression and a reason, no Python needed."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

from ..base import BaseCleaner, Context
from ..model import Mark, Page


class UserRules(BaseCleaner):
    name = "user_rules"
    description = "Removes what the [[rules]] of your config match (pattern and reason)."
    order = 50
    options: ClassVar[Mapping[str, Any]] = {"rules": []}

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.rules: list[tuple[re.Pattern[str], str, bool]] = []
        for i, rule in enumerate(self.settings["rules"], 1):
            flags = re.IGNORECASE if rule.get("ignore_case", False) else 0
            try:
                pattern = re.compile(rule["pattern"], flags)
            except (re.error, KeyError, TypeError) as exc:
                raise ValueError(f"rule {i}: bad pattern: {exc}") from exc
            reason = str(rule.get("reason") or f"user rule {i}")
            # whole_line (default): a match removes its whole block; otherwise only the matched text.
            self.rules.append((pattern, reason, bool(rule.get("whole_line", True))))

    def annotate(self, page: Page, context: Context) -> Iterable[Mark]:
        if not self.rules:
            return
        for block in context.remaining():
            for pattern, reason, whole in self.rules:
                if whole:
                    if pattern.search(block.text):
                        yield Mark.block(block, reason)
                        break
                else:
                    for m in pattern.finditer(block.text):
                        if m.end() > m.start():
                            yield Mark(block.start + m.start(), block.start + m.end(), reason)
