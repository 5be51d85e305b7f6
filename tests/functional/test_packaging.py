"""Packaging: the wheel holds every subpackage and data file; a third-party cleaner installs and runs."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

from ..conftest import REPO

pytestmark = [pytest.mark.slow]


def find_subpackages(root: Path, prefix: str) -> set[str]:
    return {
        prefix + ("." + ".".join(p.parent.relative_to(root).parts) if p.parent != root else "")
        for p in root.rglob("__init__.py")
        if "__pycache__" not in p.parts
    }


def test_wheel_contains_every_subpackage_and_data_file(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(REPO),
        ],
        check=True,
        capture_output=True,
    )
    [wheel] = tmp_path.glob("newsread-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = find_subpackages(REPO / "cleaners", "newsread.cleaners") | find_subpackages(REPO / "tui", "newsread.tui")
    for package in expected:
        assert package.replace(".", "/") + "/__init__.py" in names, package
    assert "newsread/__init__.py" not in names  # newsread is a namespace package
    data = [p.relative_to(REPO) for p in [*REPO.glob("tui/**/*.tcss"), *REPO.glob("*/py.typed")]]
    assert data
    for path in data:
        top, *rest = path.parts
        assert "/".join(["newsread", top, *rest]) in names, path
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "[newsread.cleaners]" in text and "newsread = newsread.tui.launch:main" in text


PLUGIN = """
from newsread.cleaners import BaseCleaner, Mark


class WeatherWidget(BaseCleaner):
    name = "weather_widget"
    description = "Removes weather widgets."

    def annotate(self, page, context):
        for block in context.remaining():
            if block.text.startswith("Weather:"):
                yield Mark.block(block, "weather widget")
"""

PYPROJECT = """
[build-system]
requires = ["setuptools>=69"]
build-backend = "setuptools.build_meta"

[project]
name = "newsread-weather"
version = "1.0"

[project.entry-points."newsread.cleaners"]
weather_widget = "newsread_weather:WeatherWidget"
"""


def test_a_third_party_cleaner_installs_through_the_entry_point_and_runs(tmp_path: Path) -> None:
    src = tmp_path / "plugin"
    src.mkdir()
    (src / "pyproject.toml").write_text(textwrap.dedent(PYPROJECT), encoding="utf-8")
    (src / "newsread_weather.py").write_text(textwrap.dedent(PLUGIN), encoding="utf-8")
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "--target",
            str(target),
            str(src),
        ],
        check=True,
        capture_output=True,
    )
    page = tmp_path / "pages" / "p.txt"
    page.parent.mkdir()
    page.write_text(
        "Council approves the budget\nWeather: 21°C sunny\nThe council met on Tuesday to discuss the budget.\n",
        encoding="utf-8",
    )
    env = {"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    listing = subprocess.run(
        [sys.executable, "-m", "newsread.tui.cli", "cleaners"], capture_output=True, text=True, env=env, check=True
    )
    assert "weather_widget" in listing.stdout and "plugin newsread-weather 1.0" in listing.stdout
    cleaned = subprocess.run(
        [sys.executable, "-m", "newsread.tui.cli", "clean", str(page)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    record = json.loads(cleaned.stdout)
    assert "Weather" not in record["body"] and "council met" in record["body"]
    assert {"cleaner": "weather_widget", "reason": "weather widget", "text": "Weather: 21°C sunny"} in record["removed"]
