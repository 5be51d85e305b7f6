"""The engine is a pure library: importing it (and cleaning a page) never loads Textual."""

from __future__ import annotations

import subprocess
import sys


def test_engine_never_imports_textual() -> None:
    code = (
        "import sys\n"
        "import newsread.cleaners as c\n"
        "c.Pipeline.default().clean(c.text_page('p', 'Hello world.\\nAdvertisement\\n'))\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
