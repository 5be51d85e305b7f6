"""The reader app (built in the reader issue)."""

from __future__ import annotations

from pathlib import Path

from newsread.cleaners import Pipeline


def run_app(paths: list[str], pipeline: Pipeline, state: Path | None = None) -> None:
    raise SystemExit("newsread: the reader is not built yet; use `newsread clean` or `newsread diff`")
