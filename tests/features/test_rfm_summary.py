"""rfm_summary: the literature's definitions, computed in DuckDB, on every kind of source.

The golden file is the CDNOW 39-week calibration summary used by Fader, Hardie & Lee
(2005), "Counting Your Customers the Easy Way", Marketing Science 24(2): calibration ends
1997-09-30 inclusive; frequency = distinct purchase days − 1; recency and T in days / 7;
zbar = mean spend per repeat purchase day (rounded half up to cents in the file).
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from goodwill._typing import Engine
from goodwill.errors import InputFileError
from goodwill.features import FeatureInputError, rfm_summary

CDNOW = Path(__file__).resolve().parents[1] / "data" / "cdnow"


def _connection_with(
    orders: pd.DataFrame, accounts: pd.DataFrame | None = None
) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.register("orders_df", orders)
    con.execute("CREATE TABLE orders AS SELECT * FROM orders_df")
    con.unregister("orders_df")
    if accounts is not None:
        con.register("accounts_df", accounts)
        con.execute("CREATE TABLE accounts AS SELECT * FROM accounts_df")
        con.unregister("accounts_df")
    return con


def _half_up(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def test_rebuilds_the_cdnow_calibration_summary_exactly(
    cdnow_orders: pd.DataFrame, engine: Engine
) -> None:
    con = _connection_with(cdnow_orders)
    ours = rfm_summary(con, as_of="1997-09-30", period="W", engine=engine)
    ours.index = ours.index.astype(int)
    ref = pd.read_csv(CDNOW / "cdnow_customers_summary_with_transactions.csv", index_col="ID")
    assert sorted(ours.index) == sorted(ref.index)  # all 2,357 customers, none more
    ours = ours.loc[ref.index]
    assert (ours["frequency"] == ref["x"]).all()
    assert (ours["recency"].round(2) == ref["t_x"]).all()
    assert (ours["T"].round(2) == ref["T"]).all()
    # zbar: our mean in exact cents, rounded half up like the file
    for x, m, zbar in zip(ours["frequency"], ours["monetary_value"], ref["zbar"], strict=True):
        if x == 0:
            assert m == 0 and zbar == 0
            continue
        total_cents = Decimal(round(m * x * 100))
        assert _half_up(total_cents / 100 / x) == Decimal(str(zbar)).quantize(Decimal("0.01"))
    plain = pd.read_csv(CDNOW / "cdnow_customers_summary.csv", index_col="ID")
    assert (ours["recency"].round(2) == plain["recency"]).all()


def test_calibration_and_holdout_split(cdnow_orders: pd.DataFrame, engine: Engine) -> None:
    con = _connection_with(cdnow_orders)
    split = rfm_summary(
        con, calibration_end="1997-09-30", holdout_end="1998-06-30", period="W", engine=engine
    )
    whole = rfm_summary(con, as_of="1997-09-30", period="W", engine=engine)
    assert len(split) == len(whole) == 2357
    cal = split[["frequency_cal", "recency_cal", "T_cal", "monetary_value_cal"]]
    cal.columns = pd.Index(["frequency", "recency", "T", "monetary_value"])
    pd.testing.assert_frame_equal(cal.sort_index(), whole.sort_index())
    assert (split["duration_holdout"] == 273 / 7).all()  # 1997-10-01 .. 1998-06-30
    later = rfm_summary(con, as_of="1998-06-30", period="W", engine=engine).loc[split.index]
    # every purchase day after calibration is a holdout purchase
    assert (split["frequency_holdout"] == later["frequency"] - split["frequency_cal"]).all()


ORDERS = pd.DataFrame(
    {
        "account_id": ["a", "a", "a", "a", "a", "b", "c", "c", "d"],
        "ordered_on": pd.to_datetime(
            [
                "2024-01-01 09:00", "2024-01-01 17:00",  # one purchase day, 30 + 10
                "2024-01-15 00:00", "2024-01-20 00:00",  # the 20th is a return only: no purchase
                "2024-03-01 00:00",  # after as_of in most tests
                "2024-01-10 00:00", "2024-01-05 00:00", "2024-01-12 00:00", "2024-01-02 00:00",
            ]
        ),
        "amount": [30.0, 10.0, 20.0, -5.0, 99.0, 7.0, 1.0, 3.0, 50.0],
        "is_test": [False, False, False, False, False, False, False, False, True],
    }
)  # fmt: skip


def test_definitions_by_hand(engine: Engine) -> None:
    con = _connection_with(ORDERS)
    s = rfm_summary(con, as_of=dt.date(2024, 1, 31), engine=engine)
    assert set(s.index) == {"a", "b", "c"}  # d has only a test order
    a, b, c = s.loc["a"], s.loc["b"], s.loc["c"]
    assert (a["frequency"], a["recency"], a["T"], a["monetary_value"]) == (1, 14.0, 30.0, 20.0)
    assert (b["frequency"], b["recency"], b["T"], b["monetary_value"]) == (0, 0.0, 21.0, 0.0)
    assert (c["frequency"], c["recency"], c["T"], c["monetary_value"]) == (1, 7.0, 26.0, 3.0)
    weeks = rfm_summary(con, as_of="2024-01-31", period="W", engine=engine)
    np.testing.assert_allclose(weeks["T"].loc[["a", "b", "c"]], np.array([30, 21, 26]) / 7)
    # default as_of: the last order day, so a's March order counts
    latest = rfm_summary(con, engine=engine)
    assert latest.loc["a", "frequency"] == 2 and latest.loc["b", "T"] == 51.0


def test_customers_only_uses_account_kind(engine: Engine) -> None:
    accounts = pd.DataFrame({"account_id": ["a", "b", "c"], "kind": ["customer", "supplier", None]})
    con = _connection_with(ORDERS, accounts)
    assert set(rfm_summary(con, as_of="2024-01-31", engine=engine).index) == {"a", "c"}
    everyone = rfm_summary(con, as_of="2024-01-31", customers_only=False, engine=engine)
    assert set(everyone.index) == {"a", "b", "c"}


def test_parquet_source_with_other_column_names(tmp_path: Path, engine: Engine) -> None:
    renamed = ORDERS.rename(
        columns={"account_id": "klant", "ordered_on": "datum", "amount": "bedrag"}
    )
    path = tmp_path / "orders.parquet"
    renamed.to_parquet(path)
    from_file = rfm_summary(
        path,
        as_of="2024-01-31",
        account_col="klant",
        date_col="datum",
        amount_col="bedrag",
        engine=engine,
    )
    from_db = rfm_summary(_connection_with(ORDERS), as_of="2024-01-31", engine=engine)
    pd.testing.assert_frame_equal(from_file.sort_index(), from_db.sort_index())


def test_through_a_real_store(tmp_path: Path, engine: Engine) -> None:
    from goodwill.store import Store

    (tmp_path / "accounts.csv").write_text(
        "account_id,name,kind\na,Alfa BV,customer\nb,Bravo BV,supplier\n"
        "c,Charlie BV,customer\nd,Delta BV,customer\n"
    )
    orders = ORDERS.assign(order_id=[f"o{i}" for i in range(len(ORDERS))])
    orders.to_csv(tmp_path / "orders.csv", index=False)
    with Store.open(tmp_path / "s.duckdb") as store:
        store.import_file("accounts", tmp_path / "accounts.csv")
        store.import_file("orders", tmp_path / "orders.csv")
        s = rfm_summary(store, as_of="2024-01-31", engine=engine)
        assert store.count("orders") == len(ORDERS)  # the store's connection is still usable
    assert set(s.index) == {"a", "c"}
    assert (s.loc["a", "frequency"], s.loc["a", "T"], s.loc["c", "monetary_value"]) == (
        1,
        30.0,
        3.0,
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"period": "M"}, "period"),
        ({"holdout_end": "2024-02-01"}, "calibration_end"),
        ({"calibration_end": "2024-02-01", "holdout_end": "2024-01-01"}, "after"),
        (
            {"as_of": "2024-01-01", "calibration_end": "2023-12-01", "holdout_end": "2024-02-01"},
            "as_of",
        ),
        ({"as_of": "not a date"}, "date"),
        ({"amount_col": "revenue"}, "revenue"),
    ],
)
def test_bad_arguments_say_what_to_do(
    kwargs: dict[str, object], message: str, engine: Engine
) -> None:
    with pytest.raises(FeatureInputError, match=message):
        rfm_summary(_connection_with(ORDERS), **kwargs, engine=engine)  # type: ignore[arg-type]


def test_missing_parquet_file(tmp_path: Path, engine: Engine) -> None:
    with pytest.raises(InputFileError, match="no Parquet file"):
        rfm_summary(tmp_path / "nope.parquet", engine=engine)
