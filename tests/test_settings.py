"""Settings: defaults, a user's overrides, and clear refusals."""

from __future__ import annotations

from pathlib import Path

import pytest

from goodwill.settings import Settings, SettingsError, defaults, dump_toml, write_overrides


def test_defaults_weights_add_up_to_100() -> None:
    weights = defaults()["health"]["weights"]
    assert abs(sum(weights.values()) - 100.0) < 1e-9


def test_a_user_file_overrides_only_what_it_names(tmp_path: Path) -> None:
    path = tmp_path / "goodwill.toml"
    path.write_text("[value.hourly_rate]\nvisit = 120\n[health]\nat_risk_below = 40\n")
    s = Settings.load(path)
    assert s["value"]["hourly_rate"]["visit"] == 120.0
    assert s["value"]["hourly_rate"]["call"] == defaults()["value"]["hourly_rate"]["call"]
    assert s["health"]["at_risk_below"] == 40.0
    assert Settings.for_store(tmp_path / "store.duckdb").data == s.data


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("[health]\natrisk_below = 40\n", "unknown setting 'health.atrisk_below'"),
        ("[health]\nat_risk_below = 'veel'\n", "must be a number"),
        ("[health]\nat_risk_below = -1\n", "cannot be negative"),
        ("[health\n", "not valid TOML"),
        ("health = 3\n", "must be a table"),
    ],
)
def test_bad_settings_are_refused_with_file_and_key(
    tmp_path: Path, text: str, fragment: str
) -> None:
    path = tmp_path / "goodwill.toml"
    path.write_text(text)
    with pytest.raises(SettingsError, match=fragment) as info:
        Settings.load(path)
    assert "goodwill.toml" in str(info.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="does not exist"):
        Settings.load(tmp_path / "nope.toml")


def test_written_overrides_load_back(tmp_path: Path) -> None:
    path = tmp_path / "goodwill.toml"
    path.write_text("[value]\ndefault_margin_rate = 0.3\n")
    write_overrides(path, {"health": {"weights": {"quotes_lost": 25.5}, "watch_below": 61.0}})
    s = Settings.load(path)
    assert s["value"]["default_margin_rate"] == 0.3
    assert s["health"]["weights"]["quotes_lost"] == 25.5
    assert s["health"]["watch_below"] == 61.0
    assert "[health.weights]" in dump_toml(s.data)


def test_owner_and_region_tables_take_any_key_but_only_numbers(tmp_path: Path) -> None:
    good = tmp_path / "good.toml"
    good.write_text("[plan.capacity]\nBP = 6\n[plan.travel_hours]\nLimburg = 2.0\n")
    s = Settings.load(good)
    assert s["plan"]["capacity"] == {"BP": 6.0}
    assert s["plan"]["travel_hours"] == {"Limburg": 2.0}
    for text, fragment in (("[plan.capacity]\nBP = -1\n", "cannot be negative"),
                           ("[plan.capacity]\nBP = 'lots'\n", "must be a number")):  # fmt: skip
        bad = tmp_path / "bad.toml"
        bad.write_text(text)
        with pytest.raises(SettingsError, match=fragment):
            Settings.load(bad)
