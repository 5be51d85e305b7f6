"""Discovering cleaners: the ``newsread.cleaners`` entry points, cleaner files named in the config, user rules."""

from __future__ import annotations

import importlib.util
import inspect
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from typing import Any, cast

from .base import Cleaner

GROUP = "newsread.cleaners"
PLUGIN_ORDER = 2000  # cleaners that do not say otherwise run after the built-ins


@dataclass(frozen=True, slots=True)
class CleanerInfo:
    """A cleaner that can be built: where it came from and how to make it."""

    name: str
    description: str
    origin: str  # "built-in", "plugin <dist> <version>", "file <path>"
    order: int
    enabled_by_default: bool
    factory: Callable[..., Cleaner]

    def build(self, options: dict[str, Any] | None = None) -> Cleaner:
        return self.factory(**(options or {}))


class RegistryError(Exception):
    pass


def _info_from_object(obj: Any, fallback_name: str, origin: str) -> CleanerInfo:
    name = str(getattr(obj, "name", "") or fallback_name)
    description = str(getattr(obj, "description", "") or "").strip()
    if not description and inspect.getdoc(obj):
        description = (inspect.getdoc(obj) or "").splitlines()[0]
    order = int(getattr(obj, "order", PLUGIN_ORDER))
    enabled = bool(getattr(obj, "enabled_by_default", True))
    if inspect.isclass(obj):
        factory: Callable[..., Cleaner] = cast(Callable[..., Cleaner], obj)
    elif callable(getattr(obj, "annotate", None)):
        ready = obj

        def factory(**options: Any) -> Cleaner:
            if options:
                raise ValueError(f"{name}: takes no options")
            return ready  # type: ignore[no-any-return]

    else:
        raise RegistryError(f"{fallback_name}: {obj!r} is neither a cleaner class nor a cleaner object")
    return CleanerInfo(name, description, origin, order, enabled, factory)


def _origin(ep: EntryPoint) -> str:
    dist = ep.dist
    if dist is None:
        return "plugin"
    if dist.name == "newsread":
        return "built-in"
    return f"plugin {dist.name} {dist.version}"


def discover_entry_points(problems: list[str] | None = None) -> list[CleanerInfo]:
    """Every cleaner registered in the entry-point group; one that fails to load is reported, not fatal."""
    found: dict[str, CleanerInfo] = {}
    out: list[CleanerInfo] = []
    for ep in sorted(entry_points(group=GROUP), key=lambda e: e.name):
        try:
            info = _info_from_object(ep.load(), ep.name, _origin(ep))
        except Exception as exc:  # a broken plugin must not stop the reader
            if problems is not None:
                problems.append(f"cleaner {ep.name!r} ({_origin(ep)}) failed to load: {exc}")
            continue
        if info.name in found and found[info.name].origin == info.origin:
            continue  # the same package seen twice (editable and normal installs)
        found.setdefault(info.name, info)
        out.append(info)  # a plugin named like a built-in too: Pipeline.from_infos says it is not used
    return out


def load_cleaner_file(path: Path) -> list[CleanerInfo]:
    """Cleaners defined in a Python file: every class or object in it with a name, a description and annotate()."""
    module_name = f"newsread_user_cleaners_{abs(hash(str(path.resolve())))}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise RegistryError(f"cannot import cleaner file {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        raise RegistryError(f"cleaner file {path} failed to import: {exc}") from exc
    infos = []
    for attr, obj in vars(module).items():
        if attr.startswith("_") or getattr(obj, "__module__", module_name) != module_name:
            continue
        if getattr(obj, "name", None) and callable(getattr(obj, "annotate", None)):
            infos.append(_info_from_object(obj, attr, f"file {path}"))
    if not infos:
        raise RegistryError(f"cleaner file {path} defines no cleaner (a class with name, description, annotate)")
    return infos


def _rank(info: CleanerInfo) -> int:
    return 0 if info.origin == "built-in" else 1 if info.origin.startswith("plugin") else 2


def unique_names(infos: Iterable[CleanerInfo], problems: list[str]) -> list[CleanerInfo]:
    """One cleaner per name: a plugin or a cleaner file named like a built-in (or like an earlier one) is not
    used, with a problem saying so; otherwise both would run, and options and --disable would not know which."""
    items = list(infos)
    keep: dict[str, CleanerInfo] = {}
    for info in sorted(items, key=_rank):  # (stable: in their order within each kind)
        held = keep.get(info.name)
        if held is None:
            keep[info.name] = info
        elif held.origin != info.origin or held.factory is not info.factory:
            problems.append(
                f"cleaner {info.name!r} ({info.origin}) is not used: the {held.origin} cleaner has that name;"
                " give it another name"
            )
    chosen = set(map(id, keep.values()))
    return [i for i in items if id(i) in chosen]


def ordered(infos: Iterable[CleanerInfo], explicit: list[str] | None = None) -> list[CleanerInfo]:
    """Deterministic order: names in ``explicit`` first, in that order, then by (order, name)."""
    items = list(infos)
    rank = {name: i for i, name in enumerate(explicit or [])}
    return sorted(items, key=lambda c: (rank.get(c.name, len(rank)), c.order, c.name))
