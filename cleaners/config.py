"""User configuration in TOML: which cleaners run, in what order, with what options, plus simple rules.

Example ``config.toml``::

    order = ["metadata", "duplicate_paragraphs"]   # these first, the rest in their usual order
    cleaner_files = ["~/newsread/my_cleaners.py"]  # cleaners in plain Python files, no packaging needed

    [cleaners.link_farms]
    enabled = true
    min_headlines = 3                              # per-cleaner options

    [[rules]]                                      # no Python needed
    pattern = "^Subscribe to our .* newsletter"
    reason = "newsletter prompt"
    ignore_case = true

    [limits]                                       # one pathological page must not hang a run
    max_page_mb = 64                               # larger pages are reported, not read
    max_clean_seconds = 20                         # cleaning a page stops (and says so) after this
    max_learn_seconds = 600                        # a cleaner still learning from the folder is stopped
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs

CONFIG_NAME = "config.toml"
DEFAULT_MAX_PAGE_MB = 64.0
DEFAULT_MAX_CLEAN_SECONDS = 20.0
DEFAULT_MAX_LEARN_SECONDS = 600.0


# [limits]: (smallest, largest, unit). A page over 1 GB is not a news page, and reading it would need that memory;
# a page that takes a day to clean is stuck. inf and nan are not limits.
LIMITS = {
    "max_page_mb": (0.001, 1024.0, "MB"),
    "max_clean_seconds": (0.001, 86400.0, "seconds"),
    "max_learn_seconds": (0.001, 86400.0, "seconds"),
}


RULE_KEYS = frozenset({"pattern", "reason", "ignore_case", "whole_line"})


class ConfigError(Exception):
    pass


def check_limit(key: str, value: object, what: str | None = None) -> float:
    """``value`` as the limit ``key`` (see LIMITS), or ConfigError saying what is allowed. ``what`` names it."""
    low, high, unit = LIMITS[key]
    name = what or f"[limits] {key}"
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(f"{name} must be a number of {unit}, not {value!r}")
    number = float(value)
    if not math.isfinite(number) or not low <= number <= high:
        raise ConfigError(f"{name} must be a number of {unit} from {low:g} to {high:g}, not {value!r}")
    return number


@dataclass(slots=True)
class Config:
    order: list[str] = field(default_factory=list)
    enabled: dict[str, bool] = field(default_factory=dict)
    options: dict[str, dict[str, Any]] = field(default_factory=dict)
    cleaner_files: list[Path] = field(default_factory=list)
    rules: list[dict[str, Any]] = field(default_factory=list)
    max_page_mb: float = DEFAULT_MAX_PAGE_MB
    max_clean_seconds: float = DEFAULT_MAX_CLEAN_SECONDS
    max_learn_seconds: float = DEFAULT_MAX_LEARN_SECONDS  # per folder-level cleaner (see learning.fit_watched)
    source: Path | None = None
    warnings: list[str] = field(default_factory=list)  # accepted, but probably a mistake (an unknown rule key)

    @property
    def max_page_bytes(self) -> int:
        return int(self.max_page_mb * 1024 * 1024)


def default_config_path() -> Path:
    return Path(platformdirs.user_config_dir("newsread")) / CONFIG_NAME


def _str_list(value: Any, what: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{what} must be a list of strings")
    return list(value)


def parse_config(data: dict[str, Any], source: Path | None = None) -> Config:
    where = f" in {source}" if source else ""
    cfg = Config(source=source)
    known = {"order", "cleaner_files", "cleaners", "rules", "limits"}
    unknown = set(data) - known
    if unknown:
        raise ConfigError(f"unknown setting(s) {', '.join(sorted(unknown))}{where}")
    cfg.order = _str_list(data.get("order", []), f"'order'{where}")
    base = source.parent if source else Path.cwd()
    cfg.cleaner_files = [
        (base / Path(p).expanduser()) for p in _str_list(data.get("cleaner_files", []), f"'cleaner_files'{where}")
    ]
    cleaners = data.get("cleaners", {})
    if not isinstance(cleaners, dict):
        raise ConfigError(f"[cleaners] must be a table{where}")
    for name, table in cleaners.items():
        if not isinstance(table, dict):
            raise ConfigError(f"[cleaners.{name}] must be a table{where}")
        opts = dict(table)
        if "enabled" in opts:
            enabled = opts.pop("enabled")
            if not isinstance(enabled, bool):
                raise ConfigError(f"[cleaners.{name}] enabled must be true or false{where}")
            cfg.enabled[name] = enabled
        if opts:
            cfg.options[name] = opts
    rules = data.get("rules", [])
    if not isinstance(rules, list) or not all(isinstance(r, dict) for r in rules):
        raise ConfigError(f"[[rules]] must be an array of tables{where}")
    for i, rule in enumerate(rules, 1):
        if not isinstance(rule.get("pattern"), str) or not rule["pattern"]:
            raise ConfigError(f"rule {i}{where} needs a 'pattern'")
        unknown_keys = sorted(set(rule) - RULE_KEYS)
        if unknown_keys:
            cfg.warnings.append(
                f"rule {i}{where}: unknown key(s) {', '.join(map(repr, unknown_keys))} ignored"
                f" (a rule has {', '.join(sorted(RULE_KEYS))})"
            )
    cfg.rules = [dict(r) for r in rules]
    limits = data.get("limits", {})
    if not isinstance(limits, dict):
        raise ConfigError(f"[limits] must be a table{where}")
    for key in limits:
        if key not in LIMITS:
            raise ConfigError(f"unknown limit {key!r}{where} ({', '.join(LIMITS)})")
        setattr(cfg, key, check_limit(key, limits[key], f"[limits] {key}{where}"))
    return cfg


def load_config(path: Path | None = None) -> Config:
    """Read ``path``, or the user's config file if it exists; no file means the defaults."""
    explicit = path is not None
    target = path if path is not None else default_config_path()
    try:
        exists = target.exists()
    except OSError as exc:  # (a folder on the way that cannot be searched)
        raise ConfigError(f"cannot read config {target}: {exc.strerror or exc}") from exc
    if not exists:
        if explicit:
            raise ConfigError(f"config file not found: {target}")
        return Config()
    try:
        data = tomllib.loads(target.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read config {target}: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config {target} is not valid TOML: {exc}") from exc
    return parse_config(data, target)
