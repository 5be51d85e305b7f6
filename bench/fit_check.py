"""What ``site_template`` learns, checked against another revision of it and against learning in parts.

    python bench/fit_check.py [--against REV] FOLDER...

For each folder: the state learned by this checkout's ``fit_template`` and by the one at git revision REV
(default ``main``), compared field by field (groups with their labels, page counts and block counts;
page, site and header/footer groups) and as pickled bytes (what the result cache's keys are made of); then
the state merged from parts of the folder (``read_chunk`` of parts of 1, 7, 100 and 997 pages, each
result pickled and unpickled as between processes, then ``merge_template``) against the state of the
whole. Prints one line per folder and exits non-zero on any difference.
"""

from __future__ import annotations

import argparse
import importlib.util
import pickle
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType
from typing import Any

from newsread.cleaners import iter_sources, load_page
from newsread.cleaners.builtin import site_template as new

REPO = Path(__file__).resolve().parents[1]


def module_at(rev: str) -> ModuleType:
    """site_template.py as it is at ``rev``, imported beside this one (its relative imports resolve here)."""
    source = subprocess.run(
        ["git", "show", f"{rev}:cleaners/builtin/site_template.py"],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
    ).stdout
    path = Path(tempfile.mkdtemp()) / "reference_site_template.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("newsread.cleaners.builtin._reference_site_template", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def fields(state: Any) -> dict[str, Any]:
    """Every field of a TemplateState, in order (dicts as lists of items: their order is compared too)."""
    return {
        "groups": [(g.label, g.pages, list(g.counts.items())) for g in state.groups],
        "page_group": list(state.page_group.items()),
        "site_group": list(state.site_group.items()),
        "chrome_group": list(state.chrome_group.items()),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("folders", nargs="+", type=Path)
    ap.add_argument("--against", default="main", help="git revision to compare with (default: main)")
    args = ap.parse_args()
    old = module_at(args.against)
    failed = False
    for folder in args.folders:
        pages = [load_page(s) for s in iter_sources([folder])]
        t = time.process_time()
        before = old.fit_template(pages)
        t_old = time.process_time() - t
        t = time.process_time()
        after = new.fit_template(pages)
        t_new = time.process_time() - t
        a, b = fields(before), fields(after)
        differ = [name for name in a if a[name] != b[name]]
        # The old state rebuilt from this module's classes, so that both pickle under the same class names.
        groups = [new.SiteGroup(g.label, g.pages, g.counts) for g in before.groups]
        as_new = new.TemplateState(groups, before.page_group, before.site_group, before.chrome_group)
        same_bytes = pickle.dumps(as_new, protocol=5) == pickle.dumps(after, protocol=5)
        parts_ok = []
        for size in (1, 7, 100, 997):
            chunks = [
                pickle.loads(pickle.dumps(new.read_chunk(pages[i : i + size]))) for i in range(0, len(pages), size)
            ]
            parts_ok.append(pickle.dumps(new.merge_template(chunks), protocol=5) == pickle.dumps(after, protocol=5))
        ok = not differ and same_bytes and all(parts_ok)
        failed |= not ok
        print(
            f"{'OK  ' if ok else 'DIFF'} {folder}: {len(pages)} pages, {len(after.groups)} sites; "
            f"fields differing from {args.against}: {differ or 'none'}; same pickle: {same_bytes}; "
            f"parts of 1/7/100/997 pages merged = whole: {parts_ok}; fit CPU {t_old:.2f} s ({args.against}) "
            f"-> {t_new:.2f} s"
        )
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
