"""The reader's settings that persist between runs: theme, list width, sort order, diff layout, reading width.

They live in ``reader.toml`` beside the cleaners' ``config.toml`` in the user config folder (the
cleaners' file rejects settings it does not know, so the reader keeps its own). The reader writes
this file whenever one of them changes; a missing or damaged file means the defaults (and a notice),
never a reader that does not open.
"""

from __future__ import annotations

import json
import os
import tempfile
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path

import platformdirs

SETTINGS_NAME = "reader.toml"
SORTS = ("name", "date", "site", "kept", "removed")
DIFF_LAYOUTS = ("side-by-side", "inline")
ANIMATIONS = ("auto", "on", "off")
READING_WIDTH = 78  # the clean view's measure: long lines are hard to read
READING_WIDTH_MIN = 40
READING_WIDTH_MAX = 200
LIST_WIDTH_MIN = 24
LIST_WIDTH_MAX = 160


def default_settings_path() -> Path:
    return Path(platformdirs.user_config_dir("newsread")) / SETTINGS_NAME


@dataclass(slots=True)
class Settings:
    theme: str = ""  # "": the reader's default (ansi-dark on 16 colours, else Textual's)
    list_width: int = 0  # columns; 0: a share of the terminal (see NewsreadApp.list_width)
    sort: str = "name"
    diff_layout: str = "side-by-side"
    reading_width: int = READING_WIDTH
    animations: str = "auto"  # scrolling animation: on, off, or auto (off over ssh)

    def to_toml(self) -> str:
        lines = ["# newsread reader settings: written by the reader when you change them (see the README)."]
        for f in fields(self):
            value = getattr(self, f.name)
            shown = ("true" if value else "false") if isinstance(value, bool) else json.dumps(value)
            lines.append(f"{f.name} = {shown}")
        return "\n".join(lines) + "\n"


def parse_settings(data: dict[str, object]) -> tuple[Settings, list[str]]:
    """Settings from a parsed TOML table, and a note for each value not understood (that one keeps its default)."""
    settings = Settings()
    problems: list[str] = []
    known = {f.name: f for f in fields(Settings)}
    for key, value in data.items():
        if key not in known:
            problems.append(f"unknown setting {key!r}")
            continue
        default = getattr(settings, key)
        if isinstance(default, bool):
            ok = isinstance(value, bool)
        elif isinstance(default, int):
            ok = isinstance(value, int) and not isinstance(value, bool)
        else:
            ok = isinstance(value, str)
        if key == "sort":
            ok = ok and value in SORTS
        elif key == "diff_layout":
            ok = ok and value in DIFF_LAYOUTS
        elif key == "animations":
            ok = ok and value in ANIMATIONS
        elif key == "reading_width":
            ok = ok and READING_WIDTH_MIN <= value <= READING_WIDTH_MAX  # type: ignore[operator]
        elif key == "list_width":
            ok = ok and (value == 0 or LIST_WIDTH_MIN <= value <= LIST_WIDTH_MAX)  # type: ignore[operator]
        if ok:
            setattr(settings, key, value)
        else:
            problems.append(f"{key} = {value!r} is not understood; using {default!r}")
    return settings, problems


def load_settings(path: Path | None) -> tuple[Settings, list[str]]:
    """The settings in ``path`` (None: defaults, nothing read), and what was wrong with the file if anything."""
    if path is None or not path.exists():
        return Settings(), []
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return Settings(), [f"cannot read {path} ({exc}); using the default settings"]
    settings, problems = parse_settings(data)
    return settings, [f"{path}: {p}" for p in problems]


def save_settings(settings: Settings, path: Path) -> None:
    """Write ``settings`` to ``path`` whole or not at all (a temporary file renamed over it). Raises OSError."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".reader-", suffix=".toml", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(settings.to_toml())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
