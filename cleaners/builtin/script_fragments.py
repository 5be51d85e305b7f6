"""Removes a heading in another script glued to the start of a paragraph (a scraped title before a transcript)."""

from __future__ import annotations

from collections.abc import Iterable

from ..base import BaseCleaner, Context
from ..model import Mark, Page
from ._lines import page_lines, script_of, word_count


class ScriptFragments(BaseCleaner):
    name = "script_fragments"
    description = "Removes a run of text in another script glued to the start of a long paragraph."
    order = 650

    def annotate(self, page: Page, context: Context) -> Iterable[Mark]:
        lines = page_lines(page)
        wc = lines.wc
        for block in context.remaining():
            if wc[block.index] < 60:
                continue  # only long paragraphs: checked first, as most lines are short
            text = block.text
            first = next((c for c in text[:40] if c.isalpha()), "")
            if not first:
                continue
            main = lines.script  # the page's dominant script, worked out only when a paragraph is long
            if not main or script_of(first) == main:
                continue
            # Walk the letters from the start while they are in another script than the page's.
            cut = 0
            foreign_letters = 0
            for i, ch in enumerate(text):
                if ch.isalpha():
                    if script_of(ch) == main:
                        cut = i
                        break
                    foreign_letters += 1
            else:
                continue
            # Back up to the start of the word where the page's script resumes.
            while cut > 0 and not text[cut - 1].isspace():
                cut -= 1
            if foreign_letters >= 4 and cut > 0 and word_count(text[cut:]) >= 50:
                script = script_of(first).title()
                yield Mark(block.start, block.start + cut, f"heading in another script ({script}) before the paragraph")
