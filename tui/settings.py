"""The reader's settings that persist between runs: theme, list width, sort order, diff layout, reading width.

They live in ``reader.toml`` beside the cleaners' ``config.toml`` in the user config folder (the
cleaners' file rejects settings it does not know, so the reader keeps its own). The reader writes
this file whenever one of them changes; a missing or damaged file means the defaults (and a notice),
never a reader that does not open.
"""

from __future__ import annotations

import json
import os
import re
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
WATCH_MIN = 5
WATCH_MAX = 3600
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
    watch: int = 0  # seconds between looks for new files in the folder (as R does); 0: only when asked

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
        elif key == "watch":
            ok = ok and (value == 0 or WATCH_MIN <= value <= WATCH_MAX)  # type: ignore[operator]
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
    _write_whole(path, settings.to_toml())


def _write_whole(path: Path, text: str) -> None:
    """``text`` into ``path``, whole or not at all (a temporary file beside it renamed over it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".toml", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o7777)  # the file's own permissions, not the temporary's
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class ConfigEditError(Exception):
    """The cleaners' config file could not be changed safely; the message says what to do by hand."""


_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def save_cleaner_switches(path: Path, switches: dict[str, bool]) -> None:
    """Set ``enabled`` of each cleaner in ``switches`` in the cleaners' config file at ``path`` (made if missing),
    changing nothing else in it: a ``[cleaners.NAME]`` table gets its ``enabled`` line set (or one added); a
    cleaner without a table gets one at the end. The result is read back as the cleaners read it, and written
    (whole or not at all) only if it says what was asked; otherwise ConfigEditError. OSError if not writable."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigEditError(f"{path} is not valid TOML ({exc}): nothing saved") from exc
    lines = text.splitlines()
    for name, on in switches.items():
        value = f"enabled = {'true' if on else 'false'}"
        if not _BARE_KEY.fullmatch(name):
            raise ConfigEditError(f"cannot name the cleaner {name!r} in {path}: set it there by hand")
        header = re.compile(rf"\s*\[\s*cleaners\s*\.\s*{re.escape(name)}\s*\]\s*(#.*)?")
        at = next((i for i, line in enumerate(lines) if header.fullmatch(line)), None)
        if at is None:
            if lines and lines[-1].strip():
                lines.append("")
            lines += [f"[cleaners.{name}]", value]
            continue
        end = next((i for i in range(at + 1, len(lines)) if lines[i].lstrip().startswith("[")), len(lines))
        found = next((i for i in range(at + 1, end) if re.match(r"\s*enabled\s*=", lines[i])), None)
        if found is None:
            lines.insert(at + 1, value)
        else:
            lines[found] = value
    edited = "\n".join(lines) + "\n"
    from newsread.cleaners import ConfigError, parse_config

    try:
        config = parse_config(tomllib.loads(edited), path)
    except (tomllib.TOMLDecodeError, ConfigError) as exc:
        raise ConfigEditError(
            f"cannot change {path} safely ({exc}): set [cleaners.NAME] enabled there by hand"
        ) from exc
    wrong = [name for name, on in switches.items() if config.enabled.get(name) is not on]
    if wrong:
        raise ConfigEditError(f"cannot change {path} safely: set [cleaners.{wrong[0]}] enabled there by hand")
    _write_whole(path, edited)
