"""Scoring in a child process on a copy of the store: the same snapshot as scoring in
the process, nothing else written, errors kept, and scoring here when no copy can be
made."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from goodwill import rescore as rescore_module
from goodwill.errors import GoodwillError
from goodwill.rescore import SNAPSHOT_TABLES, Rescored, rescore
from goodwill.score import score
from goodwill.settings import Settings
from goodwill.store import Store
from tests.conftest import snapshot
from tests.web.world import END

AS_OF = dt.date(2025, 6, 15)  # not scored in the world store yet


def _copy(web_db: Path, folder: Path) -> Path:
    folder.mkdir()
    shutil.copyfile(web_db, folder / web_db.name)
    return folder / web_db.name


def _saved(store: Store, as_of: dt.date) -> dict[str, list[tuple[object, ...]]]:
    return {
        "health_snapshots": store.con.execute(
            "SELECT * FROM health_snapshots WHERE as_of = ? ORDER BY account_id", [as_of]
        ).fetchall(),
        # all but computed_at (when it ran)
        "snapshot_runs": store.con.execute(
            "SELECT * EXCLUDE (computed_at) FROM snapshot_runs WHERE as_of = ?", [as_of]
        ).fetchall(),
    }


def _others(store: Store) -> dict[str, object]:
    return {k: v for k, v in snapshot(store).items() if k not in SNAPSHOT_TABLES}


def test_the_child_saves_what_scoring_here_saves(web_db: Path, tmp_path: Path) -> None:
    settings = Settings.load()
    with Store.open(_copy(web_db, tmp_path / "here")) as here:
        score(here, AS_OF, settings=settings)
        expected = _saved(here, AS_OF)
    with Store.open(_copy(web_db, tmp_path / "apart")) as apart:
        before = _others(apart)
        earlier = _saved(apart, END)
        done = rescore(apart, AS_OF, settings)
        got = _saved(apart, AS_OF)
        assert done == Rescored(AS_OF, len(got["health_snapshots"]))
        assert len(got["health_snapshots"]) > 100
        assert got == expected
        assert _others(apart) == before  # nothing else written
        assert _saved(apart, END) == earlier  # other dates untouched
    assert sorted(p.name for p in (tmp_path / "apart").iterdir()) == [web_db.name]


def test_scoring_a_date_again_replaces_its_snapshot(web_db: Path, tmp_path: Path) -> None:
    settings = Settings.load()
    with Store.open(_copy(web_db, tmp_path / "again")) as store:
        rescore(store, END, settings)
        rows = store.con.execute(
            "SELECT count(*), count(DISTINCT account_id) FROM health_snapshots WHERE as_of = ?",
            [END],
        ).fetchone()
        runs = store.con.execute(
            "SELECT count(*) FROM snapshot_runs WHERE as_of = ?", [END]
        ).fetchone()
    assert rows is not None and rows[0] == rows[1] > 100
    assert runs == (1,)


def test_an_error_in_the_child_comes_back_as_itself(web_db: Path, tmp_path: Path) -> None:
    """A wrong setting is refused by the scoring in the child with the message it gives
    here, and nothing is saved."""
    data = {**Settings.load().data}
    data["responsiveness"] = {**data["responsiveness"], "interval": 1.5}
    bad = Settings(data, "bad.toml")
    with (
        Store.open(_copy(web_db, tmp_path / "here")) as here,
        pytest.raises(GoodwillError) as in_process,
    ):
        score(here, AS_OF, settings=bad)
    with Store.open(_copy(web_db, tmp_path / "apart")) as apart:
        with pytest.raises(GoodwillError) as apart_error:
            rescore(apart, AS_OF, bad)
        assert _saved(apart, AS_OF)["health_snapshots"] == []
    assert apart_error.value.message("en") == in_process.value.message("en")
    assert apart_error.value.message("nl") == in_process.value.message("nl")
    assert "responsiveness.interval" in apart_error.value.message("nl")


def test_without_room_for_a_copy_it_scores_here(
    web_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_room(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    path = _copy(web_db, tmp_path / "full")
    monkeypatch.setattr(rescore_module.shutil, "copyfile", no_room)
    with Store.open(path) as store:
        done = rescore(store, AS_OF, Settings.load())
        assert done.accounts == len(_saved(store, AS_OF)["health_snapshots"]) > 100
    assert sorted(p.name for p in (tmp_path / "full").iterdir()) == [web_db.name]
