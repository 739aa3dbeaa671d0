"""The purchase-rhythm summary (frequency, recency, T, spend) per account, in DuckDB SQL.

Definitions, as in the customer-base-analysis literature (Fader, Hardie & Lee 2005):

- a *purchase day* is a calendar day with at least one order line of amount >= 0 (a day
  of returns only is no purchase; a free order is one); its spend is the day's net amount;
  test orders (``is_test``) never count;
- ``frequency`` = purchase days − 1 (repeat purchase days);
- ``recency`` = time from the first to the last purchase day, ``T`` = time from the first
  purchase day to the end of the observation (``as_of`` or ``calibration_end``, inclusive),
  in days (``period="D"``) or days / 7 (``period="W"``, not whole weeks);
- ``monetary_value`` = mean spend per repeat purchase day (0 without repeat purchases).

With ``calibration_end`` the summary is split: the ``_cal`` columns describe the accounts
whose first purchase is on or before ``calibration_end``, and the ``_holdout`` columns
count their purchase days after it, up to ``holdout_end``. Everything is computed inside
DuckDB; only the per-account result comes back as a pandas DataFrame.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pandas as pd

from goodwill._typing import Engine, Period
from goodwill.errors import GoodwillError, InputFileError

if TYPE_CHECKING:
    from goodwill.store import Store

__all__ = ["FeatureInputError", "rfm_summary"]

DateLike = dt.date | str | pd.Timestamp
_DAYS_PER_PERIOD: dict[str, float] = {"D": 1.0, "W": 7.0}


class FeatureInputError(GoodwillError, ValueError):
    """A feature was asked for with arguments that cannot work (candidate for goodwill.errors)."""


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _as_date(value: DateLike | None, name: str) -> dt.date | None:
    if value is None:
        return None
    try:
        stamp = pd.Timestamp(value)
    except (ValueError, TypeError) as err:
        raise FeatureInputError(
            f"{name} must be a date such as '1997-09-30'; got {value!r}."
        ) from err
    if pd.isna(stamp):
        raise FeatureInputError(f"{name} must be a date such as '1997-09-30'; got {value!r}.")
    return stamp.date()


def _default_memory_limit() -> str:
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):  # pragma: no cover - non-POSIX
        return "4GB"
    return f"{max(1, int(total * 0.5 / 2**30))}GB"


def _open_parquet_connection() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(
        config={
            "autoinstall_known_extensions": False,
            "autoload_known_extensions": False,
            "memory_limit": _default_memory_limit(),
        }
    )
    con.execute("SET enable_progress_bar = false")
    return con


def _has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    # execute(), not sql(): DuckDB refuses sql() while a caller's result is still open
    row = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = $name",
        {"name": name},
    ).fetchall()
    return bool(row and row[0][0])


def rfm_summary(
    source: Store | duckdb.DuckDBPyConnection | str | os.PathLike[str],
    *,
    as_of: DateLike | None = None,
    calibration_end: DateLike | None = None,
    holdout_end: DateLike | None = None,
    period: Period = "D",
    customers_only: bool = True,
    table: str = "orders",
    account_col: str = "account_id",
    date_col: str = "ordered_on",
    amount_col: str = "amount",
    engine: Engine = "duckdb",
) -> pd.DataFrame:
    """Frequency, recency, T and mean repeat spend per account as of a day.

    Parameters
    ----------
    source:
        A :class:`~goodwill.store.Store`, a DuckDB connection holding an orders table, or
        the path of a Parquet file of orders.
    as_of:
        The last day observed (inclusive); later orders are ignored. Default: the last
        order day in the data.
    calibration_end, holdout_end:
        Split the observation: fit on orders up to ``calibration_end`` (inclusive),
        compare with ``(calibration_end, holdout_end]``. ``holdout_end`` defaults to
        ``as_of``.
    period:
        ``"D"`` for days or ``"W"`` for weeks (days / 7).
    customers_only:
        Count only orders of accounts whose ``kind`` is ``customer`` (a missing kind
        counts as customer). Applies when the source has an ``accounts`` table; a Parquet
        file of orders is taken as it is.
    table, account_col, date_col, amount_col:
        Where the orders are and what their columns are called.
    engine:
        ``"duckdb"`` (default) or ``"spark"``: the same summary computed by Apache Spark
        (``pip install 'goodwill[spark]'``, Java 17) in the active SparkSession or a new
        local one; a path may then also be a folder of Parquet files or a URI such as
        ``s3a://bucket/orders/``. See :mod:`goodwill.features.spark` and docs/scale.md.

    Returns
    -------
    pandas.DataFrame indexed by ``account_id`` with ``frequency``, ``recency``, ``T``,
    ``monetary_value`` — or, with ``calibration_end``, ``frequency_cal``, ``recency_cal``,
    ``T_cal``, ``monetary_value_cal``, ``frequency_holdout``, ``monetary_value_holdout``
    and ``duration_holdout``.
    """
    if period not in _DAYS_PER_PERIOD:
        raise FeatureInputError(f"period must be 'D' (days) or 'W' (weeks); got {period!r}.")
    if engine not in ("duckdb", "spark"):
        raise FeatureInputError(f"engine must be 'duckdb' or 'spark'; got {engine!r}.")
    as_of_day = _as_date(as_of, "as_of")
    cal_end = _as_date(calibration_end, "calibration_end")
    hold_end = _as_date(holdout_end, "holdout_end")
    if hold_end is not None and cal_end is None:
        raise FeatureInputError("holdout_end needs calibration_end: where does the holdout start?")
    if hold_end is not None and as_of_day is not None and hold_end > as_of_day:
        raise FeatureInputError(
            f"holdout_end {hold_end} is after as_of {as_of_day}: nothing after as_of may be used."
        )
    end = hold_end or as_of_day
    if cal_end is not None and end is not None and cal_end > end:
        raise FeatureInputError(f"calibration_end {cal_end} is after the end of the holdout {end}.")
    if engine == "spark":
        from goodwill.features.spark import spark_rfm_summary

        return spark_rfm_summary(
            source,
            end=end,
            cal_end=cal_end,
            days_per_period=_DAYS_PER_PERIOD[period],
            customers_only=customers_only,
            table=table,
            account_col=account_col,
            date_col=date_col,
            amount_col=amount_col,
        )

    own_connection = False
    if isinstance(source, duckdb.DuckDBPyConnection):
        con = source
    elif isinstance(source, (str, os.PathLike)):
        path = Path(source)
        if not path.is_file():
            raise InputFileError(
                f"no Parquet file at {path}; give a Store, a connection or a file."
            )
        con = _open_parquet_connection()
        own_connection = True
    elif isinstance(getattr(source, "con", None), duckdb.DuckDBPyConnection):
        con = source.con
    else:
        raise FeatureInputError(
            "source must be a Store, a DuckDB connection or a Parquet path; "
            f"got {type(source).__name__}."
        )
    try:
        params: dict[str, object] = {}
        if own_connection:
            relation = "read_parquet($path)"
            params["path"] = str(source)
        else:
            if not _has_table(con, table):
                raise FeatureInputError(f"the database has no table {table!r} of orders.")
            relation = _ident(table)
        described = con.execute(f"SELECT * FROM {relation} LIMIT 0", params).description or []
        columns = {str(d[0]) for d in described}
        missing = [c for c in (account_col, date_col, amount_col) if c not in columns]
        if missing:
            raise FeatureInputError(
                f"the orders have no column(s) {missing}; found {sorted(columns)}. "
                "Name them with account_col=, date_col=, amount_col=."
            )
        where = []
        if "is_test" in columns:
            where.append("NOT coalesce(is_test, false)")
        if customers_only and not own_connection and _has_table(con, "accounts"):
            where.append(
                f"{_ident(account_col)} IN (SELECT account_id FROM accounts "
                "WHERE coalesce(kind, 'customer') = 'customer')"
            )
        sql, query_params = _summary_sql(
            relation,
            account=_ident(account_col),
            day=f"CAST({_ident(date_col)} AS DATE)",
            amount=_ident(amount_col),
            where=where,
            end=end,
            cal_end=cal_end,
            days_per_period=_DAYS_PER_PERIOD[period],
        )
        result: pd.DataFrame = con.execute(sql, {**params, **query_params}).df()
    finally:
        if own_connection:
            con.close()
    result = result.set_index("account_id")
    result.index.name = "account_id"
    return result


def _summary_sql(
    relation: str,
    *,
    account: str,
    day: str,
    amount: str,
    where: list[str],
    end: dt.date | None,
    cal_end: dt.date | None,
    days_per_period: float,
) -> tuple[str, dict[str, object]]:
    params: dict[str, object] = {}
    conditions = list(where)
    if end is not None:
        conditions.append(f"{day} <= $end")
        params["end"] = end
    filter_sql = f"WHERE {' AND '.join(conditions)}" if conditions else ""
    days = (
        # summed as DECIMAL: exact, so the same orders give the same spend bit for bit
        # whatever order DuckDB's threads add them in (amounts beyond 6 decimals round)
        f"SELECT {account} AS account_id, {day} AS day, "
        f"sum(CAST({amount} AS DECIMAL(38, 6))) AS spend "
        f"FROM {relation} {filter_sql} GROUP BY ALL HAVING max({amount}) >= 0"
    )
    scale = f"{days_per_period!r}"
    end_expr = "CAST($end AS DATE)" if end is not None else "(SELECT max(day) FROM days)"

    def summary(obs_end: str, suffix: str, condition: str) -> str:
        return (
            "SELECT account_id, "
            f"CAST(count(*) - 1 AS BIGINT) AS frequency{suffix}, "
            f"date_diff('day', min(day), max(day)) / {scale} AS recency{suffix}, "
            f"date_diff('day', min(day), {obs_end}) / {scale} AS T{suffix}, "
            "CASE WHEN count(*) > 1 THEN "
            "CAST(sum(spend) - arg_min(spend, day) AS DOUBLE) / (count(*) - 1) "
            f"ELSE 0.0 END AS monetary_value{suffix} "
            f"FROM days {condition} GROUP BY account_id"
        )

    if cal_end is None:
        return f"WITH days AS ({days}) {summary(end_expr, '', '')}", params

    params["cal"] = cal_end
    cal_day = "CAST($cal AS DATE)"
    cal = summary(cal_day, "_cal", f"WHERE day <= {cal_day}")
    hold = (
        "SELECT account_id, count(*) AS frequency_holdout, "
        "CAST(avg(spend) AS DOUBLE) AS monetary_value_holdout "
        f"FROM days WHERE day > {cal_day} GROUP BY account_id"
    )
    sql = (
        f"WITH days AS ({days}), cal AS ({cal}), hold AS ({hold}) "
        "SELECT cal.*, CAST(coalesce(hold.frequency_holdout, 0) AS BIGINT) AS frequency_holdout, "
        "coalesce(hold.monetary_value_holdout, 0.0) AS monetary_value_holdout, "
        f"date_diff('day', {cal_day}, {end_expr}) / {scale} AS duration_holdout "
        "FROM cal LEFT JOIN hold USING (account_id)"
    )
    return sql, params
