"""Churn as the data shows it, the label the health weights are fitted on."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from goodwill.settings import Settings
from goodwill.signals.calibrate import month_ends, observed_churn
from goodwill.store import Store


def test_churn_is_a_silence_that_never_ends(tmp_path: Path) -> None:
    """Left: the day after the last order, when nothing followed for 180 days up to the
    end of the data. A long pause followed by a return is no churn, and a silence still
    shorter than 180 days at the end of the data cannot be told yet."""
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "accounts.csv").write_text(
        "account_id,name,kind\nL,Left,customer\nP,Paused,customer\nR,Recent,customer\n"
        "S,Supplier,supplier\n",
        encoding="utf-8",
    )
    start = dt.date(2023, 1, 2)
    rows = ["order_id,account_id,ordered_on,amount"]
    for w in range(110):
        day = start + dt.timedelta(days=7 * w)
        if w < 40:
            rows.append(f"L{w},L,{day},10")
        if w < 30 or w > 70:  # a pause of 41 weeks (287 days), then back
            rows.append(f"P{w},P,{day},10")
        if w < 100:
            rows.append(f"R{w},R,{day},10")
        if w < 20:
            rows.append(f"S{w},S,{day},10")
    (folder / "orders.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    with Store.open(tmp_path / "s.duckdb") as store:
        store.import_dir(folder)
        churned = observed_churn(store, Settings.load())
    assert churned.to_dict() == {"L": pd.Timestamp(start + dt.timedelta(days=7 * 39 + 1))}


def test_month_ends() -> None:
    assert month_ends(dt.date(2024, 1, 15), dt.date(2024, 4, 30)) == [
        dt.date(2024, 1, 31),
        dt.date(2024, 2, 29),
        dt.date(2024, 3, 31),
        dt.date(2024, 4, 30),
    ]
