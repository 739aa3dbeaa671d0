"""Same arguments, same bytes; stepping by hand is generating at once."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from goodwill.simulate import (
    UnknownActionError,
    World,
    habit_policy,
    make_config,
    write_world,
)
from tests.simulate.sim_helpers import END, write_small


def digests(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_same_arguments_same_bytes(tmp_path: Path, world_dir: Path) -> None:
    again = write_small(tmp_path / "again")
    first, second = digests(world_dir), digests(again)
    assert len(first) == 13  # 8 tables, 4 truth tables, parameters.json
    assert first == second


def test_other_seed_other_world(tmp_path: Path, world_dir: Path) -> None:
    other = write_small(tmp_path / "other", seed=8)
    first, second = digests(world_dir), digests(other)
    assert first["orders.csv"] != second["orders.csv"]
    assert first["accounts.csv"] != second["accounts.csv"]


def test_stepping_by_hand_equals_at_once(tmp_path: Path, world_dir: Path) -> None:
    world = World(make_config(accounts=600, years=2.0, end=END, seed=7))
    while not world.finished:
        world.step(habit_policy(world))
    write_world(world, tmp_path / "stepped")
    assert digests(tmp_path / "stepped") == digests(world_dir)


def test_actions_change_the_world(tmp_path: Path) -> None:
    cfg = make_config(accounts=200, years=0.5, end=END, seed=3)
    quiet, busy = World(cfg), World(cfg)
    while not quiet.finished:
        quiet.step({})
        busy.step({a: "visit" for a in busy.account_ids()[:50]})
    write_world(quiet, tmp_path / "quiet")
    write_world(busy, tmp_path / "busy")
    q = (tmp_path / "quiet" / "interactions.csv").read_text().count(",visit,")
    b = (tmp_path / "busy" / "interactions.csv").read_text().count(",visit,")
    assert q == 0
    assert b >= 50 * quiet.weeks * 0.9


def test_world_can_continue_past_its_end(tmp_path: Path) -> None:
    world = World(make_config(accounts=100, years=0.3, end=END, seed=2))
    while not world.finished:
        world.step(habit_policy(world))
    assert world.as_of == END
    world.step(habit_policy(world))
    assert world.as_of > END
    rows = write_world(world, tmp_path / "later")
    assert rows["orders"] > 0


def test_unknown_action_is_refused() -> None:
    world = World(make_config(accounts=50, years=0.2, end=END, seed=2))
    some = world.account_ids()[0]
    with pytest.raises(UnknownActionError, match="Unknown action 'dinner'"):
        world.step({some: "dinner"})
    with pytest.raises(UnknownActionError, match="Unknown account"):
        world.step({"nobody": "visit"})
