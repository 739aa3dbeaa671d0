"""Presets, validation, and documentation of every parameter."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest

from goodwill.simulate import SimulationConfigError, make_config, parameter_docs

DOCS = Path(__file__).resolve().parents[2] / "docs" / "simulator.md"


def test_hard_halves_effects_and_doubles_noise() -> None:
    default, hard = make_config("default"), make_config("hard")
    effects, noises = default.fields_by_role("effect"), default.fields_by_role("noise")
    assert len(effects) >= 10 and len(noises) >= 3
    for name in effects:
        assert getattr(hard, name) == pytest.approx(getattr(default, name) / 2), name
    for name in noises:
        assert getattr(hard, name) == pytest.approx(getattr(default, name) * 2), name
    for f in dataclasses.fields(default):
        if f.name not in effects and f.name not in noises and f.name != "preset":
            assert getattr(hard, f.name) == getattr(default, f.name), f.name


def test_hard_world_records_halved_effects(tmp_path: Path) -> None:
    """The truth of a hard world carries the halved effect sizes it was made with."""
    from tests.simulate.sim_helpers import write_small

    out = write_small(tmp_path / "hard", preset="hard", accounts=300, years=1.0)
    params = json.loads((out / "truth" / "parameters.json").read_text())
    default = make_config("default")
    assert params["config"]["preset"] == "hard"
    assert params["config"]["response_effect_mean"] == default.response_effect_mean / 2
    assert params["config"]["purpose_noise"] == default.purpose_noise * 2
    with (out / "truth" / "accounts.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    effects = [float(r["response_effect"]) for r in rows if r["responsive"] == "1"]
    assert all(float(r["response_effect"]) == 0 for r in rows if r["responsive"] == "0")
    assert sum(effects) / len(effects) == pytest.approx(default.response_effect_mean / 2, rel=0.2)


@pytest.mark.parametrize(
    ("overrides", "fragment"),
    [
        ({"accounts": 5}, "accounts must be"),
        ({"years": 0}, "years must be"),
        ({"quiet_share": 1.5}, "quiet_share must be between 0 and 1"),
        ({"seed": -1}, "seed must be"),
        ({"leaving_weeks_min": 9, "leaving_weeks_max": 3}, "leaving_weeks_min"),
        ({"no_such_thing": 1}, "Unknown simulator parameter"),
        ({"end": dt.datetime(2025, 1, 1, 12, 0)}, "end must be a date"),
    ],
)
def test_bad_parameters_are_refused(overrides: dict[str, object], fragment: str) -> None:
    with pytest.raises(SimulationConfigError, match=fragment):
        make_config(**overrides)  # type: ignore[arg-type]


def test_unknown_preset() -> None:
    with pytest.raises(SimulationConfigError, match="Unknown preset 'easy'"):
        make_config("easy")


def test_every_parameter_is_documented() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for name, default, role, doc in parameter_docs():
        assert doc, f"{name} has no docstring"
        assert f"`{name}`" in text, f"{name} missing from docs/simulator.md"
        if role:
            assert role in ("effect", "noise")
        del default
