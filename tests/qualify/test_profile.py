"""The strategy profile: the example file loads, bad files are refused clearly."""

from __future__ import annotations

from pathlib import Path

import pytest

from goodwill.qualify.profile import StrategyError, StrategyProfile

ROOT = Path(__file__).resolve().parents[2]


def test_the_documented_example_loads() -> None:
    profile = StrategyProfile.load(ROOT / "docs" / "strategy.example.toml")
    assert profile.segments == {"food", "bouw"}
    assert profile.countries == {"nl", "be"}
    assert "noord-holland" in profile.regions
    assert (profile.employees_min, profile.employees_max) == (10, 1000)
    assert profile.min_yearly_value_eur == 5000.0
    assert profile.new_accounts_per_quarter == 20
    assert profile.source == "strategy.example.toml"


def test_without_a_file_everything_fits() -> None:
    profile = StrategyProfile.load(None)
    assert profile == StrategyProfile()
    assert not profile.segments and profile.employees_min is None
    assert profile.min_yearly_value_eur == 0.0 and profile.new_accounts_per_quarter is None


@pytest.mark.parametrize(
    ("text", "english", "dutch"),
    [
        ("segmnets = ['food']", "strategy.toml: unknown key 'segmnets'; a strategy file knows",
         "onbekende sleutel 'segmnets'"),
        ("segments = 'food'", "strategy.toml: 'segments' must be a list of names, like "
         "segments = [\"a\", \"b\"], not 'food'", "moet een lijst van namen zijn"),
        ("employees_min = 2.5", "'employees_min' must be a whole number of at least 0, like "
         "employees_min = 10, not 2.5", "moet een geheel getal"),
        ("new_accounts_per_quarter = -1", "'new_accounts_per_quarter' must be a whole number",
         "geheel getal"),
        ("min_yearly_value_eur = 'veel'", "'min_yearly_value_eur' must be an amount in euros "
         "of at least 0, like min_yearly_value_eur = 5000, not 'veel'", "bedrag in euro's"),
        ("employees_min = 50\nemployees_max = 10", "employees_min (50) is above employees_max "
         "(10); swap them", "verwissel ze"),
        ("segments = [", "strategy.toml is not valid TOML", "geen geldige TOML"),
    ],
)  # fmt: skip
def test_a_bad_file_says_what_is_wrong_and_the_fix(
    tmp_path: Path, text: str, english: str, dutch: str
) -> None:
    path = tmp_path / "strategy.toml"
    path.write_text(text + "\n", encoding="utf-8")
    with pytest.raises(StrategyError) as caught:
        StrategyProfile.load(path)
    assert english in str(caught.value)
    assert dutch in caught.value.message("nl")
    assert isinstance(caught.value, ValueError)


def test_a_missing_file_points_at_the_example(tmp_path: Path) -> None:
    with pytest.raises(StrategyError, match=r"strategy\.example\.toml"):
        StrategyProfile.load(tmp_path / "nope.toml")
