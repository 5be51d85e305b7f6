"""python -m bench COMMAND [ARGS]: run one benchmark (`python -m bench` lists them, `COMMAND -h` its options)."""

from __future__ import annotations

import importlib
import sys

# command: (module, what it measures)
COMMANDS = {
    "quality": ("bench.quality", "F1 of every dev set, HTML and text, next to readability-lxml and trafilatura"),
    "speed": ("bench.speed", "pages/s: the pipeline alone, `newsread clean` end to end, trafilatura"),
    "instructions": ("bench.instructions", "instructions per page (cachegrind): speed independent of the load"),
    "scale": ("bench.scale", "large generated folders: first screen, all cleaned, memory, keys, clean pages/s"),
    "keys": ("bench.keys", "what one key costs the reader: lines rendered, layouts, wall time"),
    "reader-probe": ("bench.reader_probe", "open a folder in the reader headless and time it (one run of scale)"),
    "triage": ("bench.triage", "triage filters and keys on 10,000 pages, in the store and in the app"),
    "dask-scale": ("bench.dask_scale", "`newsread clean` on a local Dask cluster next to --jobs N, 1k and 10k pages"),
    "same-site": ("bench.same_site", "folder learning: F1 with site_template on and off on same-site folders"),
    "train-main-content": ("bench.train_main_content", "train main_content's block model; cross-validated F1"),
    "train-boilerplate-lines": ("bench.train_boilerplate_lines", "train boilerplate_lines' model; cross-validated"),
    "outputs": ("bench.outputs", "`newsread clean` JSONL of seeds and dev sets: save, or compare byte for byte"),
    "jobs-equal": ("bench.jobs_equal", "--jobs 2 = --jobs 1 byte for byte on 5,000 pages and the hostile corpus"),
    "make-folder": ("bench.corpus", "write a generated folder of N text pages"),
}


def usage() -> str:
    width = max(map(len, COMMANDS))
    rows = "\n".join(f"  {name:{width}}  {what}" for name, (_, what) in COMMANDS.items())
    return f"usage: python -m bench COMMAND [ARGS]   (COMMAND -h for its options)\n\n{rows}"


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help"):
        print(usage())
        return 0 if argv else 2
    name, *rest = argv
    if name not in COMMANDS:
        print(f"unknown command: {name}\n\n{usage()}", file=sys.stderr)
        return 2
    module = importlib.import_module(COMMANDS[name][0])
    return int(module.main(rest) or 0)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
