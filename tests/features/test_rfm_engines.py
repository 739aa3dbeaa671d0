"""One conformance suite for the summary engines (the Ibis habit): every case runs on each
engine and must give what DuckDB gives — counts and days identical, sums within 1e-9
relative. Known gaps are declared on the test as strict xfails, so closing one is noticed.

The by-hand and golden cases (CDNOW, Fader, Hardie & Lee 2005) run on both engines in
``test_rfm_summary.py``; here the engines are compared with each other on the same inputs:
CDNOW whole and split, the hand-made edge cases, and a seeded messy history with returns,
free orders, test orders, times of day, several lines a day and non-customer accounts.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from goodwill._typing import Engine
from goodwill.errors import InputFileError
from goodwill.features import FeatureInputError, rfm_summary
from tests.features.test_rfm_summary import ORDERS, _connection_with

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

SUMS = ("monetary_value", "monetary_value_cal", "monetary_value_holdout")


def assert_same_summary(got: pd.DataFrame, want: pd.DataFrame) -> None:
    """Same accounts, columns and types; counts and day-based figures exact; sums 1e-9."""
    assert list(got.columns) == list(want.columns)
    assert got.index.name == want.index.name == "account_id"
    got, want = got.sort_index(), want.sort_index()
    assert got.index.tolist() == want.index.tolist()
    for name in want.columns:
        assert got[name].dtype == want[name].dtype, name
        if name in SUMS:
            np.testing.assert_allclose(got[name], want[name], rtol=1e-9, atol=0, err_msg=name)
        else:  # frequency, recency, T, duration: whole days (or days / 7), identical
            np.testing.assert_array_equal(got[name], want[name], err_msg=name)


def _messy_history(seed: int = 7, accounts: int = 1500) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Orders with returns, free orders, test orders (True/False/missing), times of day
    and several lines a day; accounts of every kind."""
    rng = np.random.default_rng(seed)
    n = accounts * 12
    ids = np.array([f"K{i:05d}" for i in range(accounts)])
    who = rng.integers(0, accounts, n)
    start = np.datetime64("2022-01-01T00:00:00", "s")
    seconds = rng.integers(0, 2 * 365 * 86_400, n).astype("timedelta64[s]")
    amount = np.round(rng.lognormal(3.5, 1.0, n), 2)
    returns = rng.random(n) < 0.1
    amount[returns] = -np.round(amount[returns] * rng.uniform(0.1, 1.0, returns.sum()), 2)
    amount[rng.random(n) < 0.02] = 0.0  # free orders still make a purchase day
    is_test = pd.array(rng.random(n) < 0.03, dtype="boolean")
    is_test[rng.random(n) < 0.05] = pd.NA
    orders = pd.DataFrame(
        {
            "account_id": ids[who],
            "ordered_on": (start + seconds).astype("datetime64[us]"),
            "amount": amount,
            "is_test": is_test,
        }
    )
    # the same account twice on one day: one purchase day, the day's net spend
    twice = orders.sample(n=accounts, random_state=seed).assign(amount=lambda d: d["amount"] / 3)
    orders = pd.concat([orders, twice], ignore_index=True)
    kinds = rng.choice(np.array(["customer", "supplier", "prospect", None]), accounts)
    return orders, pd.DataFrame({"account_id": ids, "kind": kinds})


@pytest.fixture(scope="module")
def messy() -> tuple[pd.DataFrame, pd.DataFrame]:
    return _messy_history()


Source = Callable[[], duckdb.DuckDBPyConnection]
CASES: dict[str, tuple[str, dict[str, Any]]] = {
    "cdnow-weeks-as-of": ("cdnow", {"as_of": "1997-09-30", "period": "W"}),
    "cdnow-days-to-last-order": ("cdnow", {}),
    "cdnow-split-weeks": (
        "cdnow",
        {"calibration_end": "1997-09-30", "holdout_end": "1998-06-30", "period": "W"},
    ),
    "cdnow-split-days-to-last-order": ("cdnow", {"calibration_end": "1997-12-31"}),
    "hand-as-of": ("hand", {"as_of": "2024-01-31"}),
    "hand-to-last-order-weeks": ("hand", {"period": "W"}),
    "hand-split": ("hand", {"calibration_end": "2024-01-12", "holdout_end": "2024-03-01"}),
    "hand-split-at-first-day": ("hand", {"calibration_end": "2024-01-01"}),
    "hand-before-any-order": ("hand", {"as_of": "2023-12-31"}),
    "messy-as-of": ("messy", {"as_of": "2023-06-30"}),
    "messy-everyone": ("messy", {"as_of": "2023-06-30", "customers_only": False}),
    "messy-split-weeks": (
        "messy",
        {"calibration_end": "2023-03-31", "holdout_end": "2023-09-30", "period": "W"},
    ),
    "messy-split-days-to-last-order": ("messy", {"calibration_end": "2022-12-31"}),
}


@pytest.mark.parametrize("case", list(CASES))
def test_every_engine_gives_the_duckdb_summary(
    case: str,
    engine: Engine,
    cdnow_orders: pd.DataFrame,
    messy: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    data, kwargs = CASES[case]
    if data == "cdnow":
        con = _connection_with(cdnow_orders)
    elif data == "hand":
        con = _connection_with(ORDERS)
    else:
        con = _connection_with(*messy)
    want = rfm_summary(con, **kwargs, engine="duckdb")
    got = rfm_summary(con, **kwargs, engine=engine)
    assert_same_summary(got, want)
    if data == "messy":
        assert len(want) > 100  # the case is not vacuous


@pytest.mark.parametrize(
    ("day_type", "amount_type"),
    [("DATE", "DECIMAL(12, 2)"), ("TIMESTAMP", "BIGINT"), ("TIMESTAMPTZ", "DOUBLE")],
)
def test_column_types(
    amount_type: str, day_type: str, engine: Engine, messy: tuple[pd.DataFrame, pd.DataFrame]
) -> None:
    """Exact amounts stay exact until the division (as in DuckDB); a date, a wall-clock
    timestamp and an instant (in UTC) give the same days."""
    con = _connection_with(*messy)
    con.execute("SET TimeZone = 'UTC'")
    con.execute(
        f"CREATE TABLE typed AS SELECT account_id, CAST(ordered_on AS {day_type}) AS ordered_on, "
        f"CAST(round(amount) AS {amount_type}) AS amount, is_test FROM orders"
    )
    kwargs: dict[str, Any] = {"calibration_end": "2023-03-31", "table": "typed"}
    assert_same_summary(
        rfm_summary(con, **kwargs, engine=engine), rfm_summary(con, **kwargs, engine="duckdb")
    )


@pytest.mark.spark
def test_spark_days_ignore_the_session_time_zone(spark: SparkSession) -> None:
    """An order at 23:30 UTC is on that UTC day even in a session set to Tokyo time."""
    orders = pd.DataFrame(
        {
            "account_id": ["a", "a", "a"],
            "ordered_on": pd.to_datetime(
                ["2024-01-01 23:30", "2024-01-02 00:30", "2024-01-09 23:59"], utc=True
            ),
            "amount": [1.0, 2.0, 4.0],
        }
    )
    con = _connection_with(orders)
    con.execute("SET TimeZone = 'UTC'")
    want = rfm_summary(con, engine="duckdb")
    assert want.loc["a", "frequency"] == 2  # 1, 2 and 9 January (UTC)
    before = spark.conf.get("spark.sql.session.timeZone")
    try:
        spark.conf.set("spark.sql.session.timeZone", "Asia/Tokyo")
        got = rfm_summary(con, engine="spark")
    finally:
        spark.conf.set("spark.sql.session.timeZone", before or "UTC")
    assert_same_summary(got, want)


def _parquet_folder(orders: pd.DataFrame, folder: Path, parts: int = 3) -> Path:
    folder.mkdir()
    for i, chunk in enumerate(np.array_split(np.arange(len(orders)), parts)):
        orders.iloc[chunk].to_parquet(folder / f"part-{i}.parquet", index=False)
    return folder


@pytest.mark.parametrize(
    "engine",
    [
        pytest.param(
            "duckdb",
            marks=pytest.mark.xfail(
                raises=InputFileError,
                strict=True,
                reason="the DuckDB engine reads one Parquet file, not a folder of parts",
            ),
        ),
        pytest.param("spark", marks=pytest.mark.spark),
    ],
    indirect=True,
)
def test_parquet_folder_of_parts(
    engine: Engine, tmp_path: Path, messy: tuple[pd.DataFrame, pd.DataFrame]
) -> None:
    orders = messy[0]
    whole = tmp_path / "orders.parquet"
    orders.to_parquet(whole, index=False)
    folder = _parquet_folder(orders, tmp_path / "orders")
    kwargs: dict[str, Any] = {"calibration_end": "2023-03-31", "period": "W"}
    assert_same_summary(
        rfm_summary(folder, **kwargs, engine=engine), rfm_summary(whole, **kwargs, engine="duckdb")
    )


@pytest.mark.parametrize(
    "engine",
    [
        pytest.param("duckdb"),
        pytest.param(
            "spark",
            marks=[
                pytest.mark.spark,
                pytest.mark.xfail(
                    raises=InputFileError,
                    strict=True,
                    reason="Spark cannot read Parquet TIMESTAMP(NANOS); it says how to rewrite",
                ),
            ],
        ),
    ],
    indirect=True,
)
def test_nanosecond_timestamps(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "orders_ns.parquet"
    stamps = pa.array(pd.to_datetime(ORDERS["ordered_on"]).astype("datetime64[ns]"))
    table = pa.table(
        {"account_id": ORDERS["account_id"], "ordered_on": stamps, "amount": ORDERS["amount"]}
    )
    pq.write_table(table, path, coerce_timestamps=None)
    assert pq.read_schema(path).field("ordered_on").type == pa.timestamp("ns")
    summary = rfm_summary(path, as_of="2024-01-31", engine=engine)
    assert summary.loc["a", "frequency"] == 1


@pytest.mark.spark
def test_nanosecond_error_says_what_to_do(spark: SparkSession, tmp_path: Path) -> None:
    path = tmp_path / "ns.parquet"
    pq.write_table(pa.table({"account_id": ["a"], "ordered_on": pa.array([1], pa.timestamp("ns"))}),
                   path)  # fmt: skip
    with pytest.raises(InputFileError, match="coerce_timestamps='us'"):
        rfm_summary(path, engine="spark")


def test_amounts_round_to_six_decimals_alike(engine: Engine) -> None:
    """Spend is summed exactly after rounding each amount to 6 decimals (7th-decimal ties
    included), so thirds and ties give the same sums on every engine."""
    orders = pd.DataFrame(
        {
            "account_id": ["a"] * 6 + ["b"] * 3,
            "ordered_on": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-02", "2024-01-03",
                                          "2024-01-04", "2024-01-05", "2024-01-01", "2024-01-02",
                                          "2024-01-03"]),
            "amount": [1.0000005, 0.1234565, -1.0000005, 10 / 3, 2.0000005, 1e-7,
                       1e6 + 1 / 3, 1 / 3, 2 / 3],
        }
    )  # fmt: skip
    con = _connection_with(orders)
    kwargs: dict[str, Any] = {"calibration_end": "2024-01-03"}
    want = rfm_summary(con, **kwargs, engine="duckdb")
    assert_same_summary(rfm_summary(con, **kwargs, engine=engine), want)
    assert want.loc["b", "monetary_value_cal"] == 0.5  # (0.333333 + 0.666667) / 2, exactly


def test_a_connection_with_an_open_result(engine: Engine) -> None:
    """A caller's unfinished result (a fetchone) does not stop the summary (DuckDB 2)."""
    con = _connection_with(ORDERS)
    assert con.execute("SELECT * FROM orders").fetchone() is not None
    assert rfm_summary(con, as_of="2024-01-31", engine=engine).loc["a", "frequency"] == 1
    assert con.execute("SELECT count(*) FROM orders").fetchone() == (len(ORDERS),)


def test_unknown_engine_is_refused() -> None:
    with pytest.raises(FeatureInputError, match="engine must be 'duckdb' or 'spark'"):
        rfm_summary(_connection_with(ORDERS), engine="polars")  # type: ignore[arg-type]


# -- the Spark session and what happens without PySpark or Java ------------------------------


@pytest.mark.spark
def test_session_factory_returns_a_given_or_the_active_session(spark: SparkSession) -> None:
    from goodwill.features.spark import spark_session

    assert spark_session(spark) is spark
    assert spark_session() is spark  # the active session: what spark-submit made, or ours
    assert spark.conf.get("spark.sql.session.timeZone") == "UTC"
    assert spark.conf.get("spark.sql.shuffle.partitions") == "2"


@pytest.fixture
def without_pyspark(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setitem(sys.modules, "pyspark.sql", None)  # `import pyspark.sql` fails
    yield


@pytest.mark.usefixtures("without_pyspark")
def test_without_pyspark_the_error_says_how_to_install() -> None:
    from goodwill.features.spark import SparkUnavailableError

    with pytest.raises(SparkUnavailableError, match=r"pip install 'goodwill\[spark\]'") as err:
        rfm_summary(_connection_with(ORDERS), engine="spark")
    assert isinstance(err.value, ImportError) and "Java 17" in str(err.value)


@pytest.mark.spark
def test_without_java_the_error_says_so(
    spark: SparkSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    from goodwill.features import spark as spark_module

    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setattr(spark_module.shutil, "which", lambda _name: None)
    with pytest.raises(spark_module.SparkUnavailableError, match="Java 17"):
        spark_module.spark_session("local[1]")


def test_dates_in_the_window_are_inclusive(engine: Engine) -> None:
    """as_of is inclusive on every engine: an order on as_of counts, one a day later not."""
    con = _connection_with(ORDERS)
    on_day = rfm_summary(con, as_of=dt.date(2024, 3, 1), engine=engine)
    day_before = rfm_summary(con, as_of=dt.date(2024, 2, 29), engine=engine)
    assert on_day.loc["a", "frequency"] == day_before.loc["a", "frequency"] + 1
