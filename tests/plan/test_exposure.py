"""What an action adds given the account's recent contacts (goodwill.plan.exposure), and
how the plan's value follows it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from goodwill.plan.exposure import added_exposure, exposure_ahead, recent_doses
from goodwill.plan.value import action_values
from goodwill.settings import Settings
from goodwill.store import Store

DOSES = {"visit": 1.0, "event": 1.0, "call": 0.5, "email": 0.1}


def test_without_recent_contacts_an_action_adds_its_dose_in_every_week() -> None:
    ahead = exposure_ahead(np.zeros((1, 3)), 4)
    assert ahead.tolist() == [[0.0, 0.0, 0.0, 0.0]]
    for dose in (1.0, 0.5, 0.1):
        assert added_exposure(ahead, dose)[0] == pytest.approx(4 * dose)


def test_recent_contacts_cover_the_weeks_ahead_and_do_not_add_up() -> None:
    # rows: visited last week; visited three weeks ago; called last week; called in each
    # of the last two weeks; an e-mail last week and a visit two weeks ago
    doses = np.array(
        [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0], [0.5, 0.0, 0.0], [0.5, 0.5, 0.0], [0.1, 1.0, 0.0]]
    )
    ahead = exposure_ahead(doses, 4)
    assert ahead.tolist() == [
        [1.0, 1.0, 1.0, 0.0],
        [1.0, 0.0, 0.0, 0.0],
        [0.5, 0.5, 0.5, 0.0],
        [0.5, 0.5, 0.5, 0.0],  # two calls renew each other: still a call's dose
        [1.0, 1.0, 0.1, 0.0],
    ]
    visit = added_exposure(ahead, 1.0)
    call = added_exposure(ahead, 0.5)
    assert visit.tolist() == pytest.approx([1.0, 3.0, 2.5, 2.5, 1.9])
    assert call.tolist() == pytest.approx([0.5, 1.5, 0.5, 0.5, 0.9])


def test_recent_doses_per_week_back_from_the_as_of_date(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "accounts.csv").write_text(
        "account_id,name,kind,owner\nA,Alpha,customer,AB\nB,Beta,customer,AB\n"
        "C,Gamma,customer,AB\n",
        encoding="utf-8",
    )
    # as of Sunday 2025-03-16: A visited that week and called the week before; B called
    # twice three weeks back (and e-mailed, inbound: not ours); C visited four weeks
    # back (outside a 4-week window's 3 weeks) and called after the as-of date
    (folder / "interactions.csv").write_text(
        "interaction_id,account_id,occurred_on,channel,direction\n"
        "I1,A,2025-03-10 10:00,visit,outbound\nI2,A,2025-03-07 10:00,call,outbound\n"
        "I3,B,2025-02-24 09:00,call,outbound\nI4,B,2025-02-28 09:00,call,outbound\n"
        "I5,B,2025-03-12 09:00,email,inbound\nI6,C,2025-02-20 10:00,visit,outbound\n"
        "I7,C,2025-03-17 10:00,call,outbound\n",
        encoding="utf-8",
    )
    with Store.open(tmp_path / "s.duckdb") as store:
        store.import_dir(folder)
        got = recent_doses(store.con, dt.date(2025, 3, 16), 4, DOSES)
    assert list(got.columns) == [1, 2, 3]
    assert got.loc["A"].tolist() == [1.0, 0.5, 0.0]
    assert got.loc["B"].tolist() == [0.0, 0.0, 1.0]
    assert "C" not in got.index


def _table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "owner": ["AB", "AB"],
            "name": ["x", "y"],
            "health": [80.0, 80.0],
            "status": ["healthy", "healthy"],
            "margin_12m": [520_000.0, 520_000.0],
            "dormant": [False, False],
            "credit_advice": ["keep", "keep"],
            "response_effect": [0.25, 0.25],
        },
        index=pd.Index(["FRESH", "VISITED"], name="account_id"),
    )


def test_a_visit_right_after_a_visit_is_worth_a_quarter() -> None:
    t = _table()
    none = pd.Series(dtype=object)
    alert = pd.Series(False, index=t.index)
    days = pd.Series({"VISITED": 3.0})
    recent = pd.DataFrame({1: [1.0], 2: [0.0], 3: [0.0]}, index=pd.Index(["VISITED"]))
    v = action_values(t, none, alert, days, Settings.load(), recent)
    # 0.25 × €10,000 a week × 4 weeks for a fresh account; one new week after a visit
    assert v.loc["FRESH", "value_visit"] == pytest.approx(10_000.0)
    assert v.loc["VISITED", "value_visit"] == pytest.approx(2_500.0)
    assert v.loc["VISITED", "value_call"] == pytest.approx(1_250.0)
    # by default no fixed pause: whether a contact pays again is in its value
    assert v["eligible"].all()
