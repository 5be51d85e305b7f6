"""The reader's settings file, and cleaner switches saved into the cleaners' config file without harming it."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsread.cleaners import load_config
from newsread.tui.settings import (
    ConfigEditError,
    Settings,
    load_settings,
    parse_settings,
    save_cleaner_switches,
    save_settings,
)


def test_settings_round_trip_and_bad_values_keep_their_defaults(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "reader.toml"
    chosen = Settings(theme="nord", list_width=52, sort="removed", diff_layout="inline", reading_width=90)
    save_settings(chosen, path)
    assert load_settings(path) == (chosen, [])
    settings, problems = parse_settings({"sort": "size", "reading_width": 5, "list_width": True, "colour": "red"})
    assert settings == Settings() and len(problems) == 4
    path.write_text("sort = [", encoding="utf-8")
    settings, problems = load_settings(path)
    assert settings == Settings() and "cannot read" in problems[0]


def test_a_switch_makes_the_config_file_when_there_is_none(tmp_path: Path) -> None:
    path = tmp_path / "newsread" / "config.toml"
    save_cleaner_switches(path, {"link_farms": False})
    assert load_config(path).enabled == {"link_farms": False}


def test_a_switch_changes_only_its_line_of_an_existing_config(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    original = (
        "# my settings\n"
        'order = ["metadata"]\n\n'
        "[cleaners.link_farms]  # noisy on my folders\n"
        "min_links = 4\n\n"
        "[cleaners.site_chrome]\n"
        "enabled = true\n"
        "min_pages = 3\n"
    )
    path.write_text(original, encoding="utf-8")
    save_cleaner_switches(path, {"link_farms": False, "site_chrome": False, "ad_markers": False})
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# my settings\n") and "# noisy on my folders" in text
    config = load_config(path)
    assert config.enabled == {"link_farms": False, "site_chrome": False, "ad_markers": False}
    assert config.options == {"link_farms": {"min_links": 4}, "site_chrome": {"min_pages": 3}}
    assert config.order == ["metadata"]
    assert text.count("enabled") == 3


@pytest.mark.parametrize(
    "content",
    ["[cleaners]\nlink_farms = { min_links = 4 }\n", "this is = not [valid"],
    ids=["inline table", "not TOML"],
)
def test_a_config_that_cannot_be_edited_safely_is_left_alone(tmp_path: Path, content: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigEditError):
        save_cleaner_switches(path, {"link_farms": False})
    assert path.read_text(encoding="utf-8") == content
    assert [p.name for p in tmp_path.iterdir()] == ["config.toml"]  # no temporary file left
