"""The layers of newsread, from the bottom: engine < folder session < triage < reader < command line.

A module imports only from its own layer or the layers below it, and no module imports itself back through others
(no import cycle), counting imports inside functions too (a lazy import is still a dependency). The imports are
read from the source (nothing is imported), so a violation fails here before it runs anywhere.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = {"cleaners": "newsread.cleaners", "tui": "newsread.tui"}

# Layers, bottom first: each module's layer is given by the longest prefix listed (see layer_of).
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    ("engine", ("newsread.cleaners",)),
    ("folder session", ("newsread.cleaners.session",)),
    (
        "triage",
        (
            "newsread.tui.triage",
            "newsread.tui.triage_session",
            "newsread.tui.filter_syntax",
            "newsread.tui.dates",  # (the list's and the filter's one form of a date)
            "newsread.tui.export",
        ),
    ),
    (
        "reader",
        (
            "newsread.tui",  # the package itself, and what the reader is made of
            "newsread.tui.app",
            "newsread.tui.reader_base",
            "newsread.tui.bindings",
            "newsread.tui.list_order",
            "newsread.tui.background",
            "newsread.tui.triage_actions",
            "newsread.tui.library",
            "newsread.tui.messages",
            "newsread.tui.process",
            "newsread.tui.widgets",
            "newsread.tui.documents",
            "newsread.tui.difftext",
            "newsread.tui.wrap",
            "newsread.tui.settings",
        ),
    ),
    (
        "command line",
        (
            "newsread.tui.cli",
            "newsread.tui.cli_common",
            "newsread.tui.distributed_cli",
            "newsread.tui.launch",
            "newsread.tui.commands",
            "newsread.tui.progress",
        ),
    ),
]


def modules() -> dict[str, Path]:
    found = {}
    for folder, package in PACKAGES.items():
        for path in sorted((ROOT / folder).rglob("*.py")):
            parts = path.relative_to(ROOT / folder).with_suffix("").parts
            name = ".".join((package, *parts)).removesuffix(".__init__")
            found[name] = path
    return found


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """The newsread modules ``name`` imports, anywhere in it (also inside functions)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            # ``from . import messages``: the submodule, when it is one; else the module the names come from
            targets = [f"{module}.{a.name}" if f"{module}.{a.name}" in known else module for a in node.names]
        else:
            continue
        out.update(t for t in targets if t in known and t != name)
    return out


def layer_of(name: str) -> int:
    best, level = "", -1
    for index, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if (name == prefix or name.startswith(prefix + ".")) and len(prefix) > len(best):
                best, level = prefix, index
    return level


def graph() -> dict[str, set[str]]:
    found = modules()
    return {name: imports_of(name, path, set(found)) for name, path in found.items()}


def upward_imports(deps: dict[str, set[str]]) -> list[str]:
    bad = []
    for name, targets in sorted(deps.items()):
        for target in sorted(targets):
            if layer_of(target) > layer_of(name):
                bad.append(f"{name} ({LAYERS[layer_of(name)][0]}) imports {target} ({LAYERS[layer_of(target)][0]})")
    return bad


def cycles(deps: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of modules larger than one (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in deps.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                group.append(top)
                if top == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(deps):
        if node not in index:
            visit(node)
    return found


def test_every_module_has_a_layer() -> None:
    assert [name for name in modules() if layer_of(name) < 0] == []


def test_no_module_imports_from_a_layer_above_its_own() -> None:
    assert upward_imports(graph()) == []


def test_no_import_cycles() -> None:
    assert cycles(graph()) == []


def test_the_checks_fail_on_a_violation() -> None:
    deps = graph()
    deps["newsread.cleaners.pipeline"] = {*deps["newsread.cleaners.pipeline"], "newsread.tui.app"}
    assert upward_imports(deps) == ["newsread.cleaners.pipeline (engine) imports newsread.tui.app (reader)"]
    deps = graph()
    deps["newsread.tui.process"] = {"newsread.tui.launch"}  # launch imports process: a cycle
    (cycle,) = cycles(deps)
    assert {"newsread.tui.launch", "newsread.tui.process"} <= set(cycle)


@pytest.mark.parametrize("package", ["newsread.tui", "newsread.cleaners"])
def test_importing_a_package_changes_no_environment(package: str) -> None:
    import os
    import subprocess
    import sys

    code = (
        f"import os, json; before = dict(os.environ); import {package}; print(json.dumps(dict(os.environ) == before))"
    )
    env = {k: v for k, v in os.environ.items() if k != "TEXTUAL_FPS"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert out.stdout.strip() == "true"


def test_the_engine_tunes_the_garbage_collector_in_one_module() -> None:
    # Freezing before a fork and a batch run's thresholds: one place, which the entry point and the pools call.
    tuning = [name for name, path in modules().items() if name.startswith("newsread.cleaners") and uses_gc(path)]
    assert tuning == ["newsread.cleaners.collector"]


def uses_gc(path: Path) -> bool:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import) and any(alias.name == "gc" for alias in node.names):
            return True
        if isinstance(node, ast.ImportFrom) and node.module == "gc":
            return True
    return False


def test_newsread_clean_collects_young_garbage_less_often_from_its_entry_point() -> None:
    import gc

    from newsread.cleaners.collector import BATCH_YOUNG_THRESHOLD
    from newsread.tui.cli import main

    before = gc.get_threshold()
    gc.set_threshold(700, *before[1:])  # Python's own (a command run earlier in this process may have set it)
    try:
        with pytest.raises(SystemExit):
            main(["clean", "--help"])
        assert gc.get_threshold()[0] == BATCH_YOUNG_THRESHOLD
    finally:
        gc.set_threshold(*before)


def test_objects_frozen_for_a_fork_are_thawed_after_it_unless_asked_not_to() -> None:
    import gc

    from newsread.cleaners.collector import frozen_for_fork

    gc.unfreeze()  # (whatever an earlier test in this process froze)
    try:
        with frozen_for_fork():
            assert gc.get_freeze_count() > 0
        assert gc.get_freeze_count() == 0
        with frozen_for_fork(thaw=False):
            pass
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
