"""The purchase-rhythm summary on Apache Spark: the same definition as :mod:`.rfm`.

``rfm_summary(source, ..., engine="spark")`` lands here after :func:`.rfm.rfm_summary` has
checked its arguments. The definitions (purchase day, frequency, recency, T, monetary
value, the calibration/holdout split) are those of :mod:`goodwill.features.rfm`, written
with the DataFrame API; a shared test suite (``tests/features``) runs every case on both
engines and requires counts and days to be identical and sums equal within 1e-9.

What Spark reads is always Parquet:

- a path or URI (``/data/orders.parquet``, a folder of part files, ``s3a://bucket/orders/``)
  is read as it is; like the DuckDB engine it is taken as orders only, so
  ``customers_only`` has no accounts table to consult;
- a :class:`~goodwill.store.Store` or a DuckDB connection is first exported by DuckDB
  (``COPY ... TO ... (FORMAT parquet)``, streaming, only the columns needed) into a
  temporary folder that Spark then reads; the ``accounts`` table goes along when it
  exists, so ``customers_only`` works as on DuckDB. A temporary folder on this machine is
  readable by a local Spark only: for a cluster, export to shared storage and pass the path.

Days are computed without the session's time zone: a date stays a date, a timestamp
without time zone (Parquet ``isAdjustedToUTC=false``, what pandas and DuckDB write for
naive times) gives its wall-clock day, and a timestamp with time zone gives its day in UTC.
Sessions made by :func:`spark_session` also set ``spark.sql.session.timeZone`` to UTC.

PySpark is an optional extra (``pip install 'goodwill[spark]'``) and needs Java 17; it is
imported only when a Spark summary is asked for.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pandas as pd
import pyarrow as pa

from goodwill.errors import GoodwillError, InputFileError
from goodwill.features.rfm import FeatureInputError

if TYPE_CHECKING:
    from pyspark.sql import Column, SparkSession
    from pyspark.sql import DataFrame as SparkDataFrame

    from goodwill.store import Store

__all__ = ["SparkJobError", "SparkUnavailableError", "spark_session"]

INSTALL_HINT = "pip install 'goodwill[spark]' (PySpark 4) and install Java 17"

#: Settings of every session :func:`spark_session` builds (yours win where you give them).
DEFAULT_CONFIG: dict[str, str] = {
    "spark.sql.session.timeZone": "UTC",
    "spark.ui.showConsoleProgress": "false",
}
#: Added for local masters (``local``, ``local[2]``, ``local[*]``): no web UI to serve.
LOCAL_CONFIG: dict[str, str] = {
    "spark.ui.enabled": "false",
    "spark.driver.bindAddress": "127.0.0.1",
    "spark.driver.host": "127.0.0.1",
}

_MICROS_PER_DAY = 86_400_000_000
#: A day's spend is summed exactly in this type, as in :mod:`.rfm` (amounts round to 6 decimals).
SPEND_TYPE = "decimal(38,6)"


class SparkUnavailableError(GoodwillError, ImportError):
    """PySpark or Java is missing, or Spark could not start."""


class SparkJobError(GoodwillError, RuntimeError):
    """Spark started but the summary's job failed (memory, a lost executor, bad data)."""


def _require_pyspark() -> None:
    try:
        import pyspark.sql  # noqa: F401
    except ImportError as err:
        raise SparkUnavailableError(
            "engine='spark' needs PySpark, which is not installed: {hint}", hint=INSTALL_HINT
        ) from err


def _java_found() -> bool:
    home = os.environ.get("JAVA_HOME")
    if home and (Path(home) / "bin" / "java").exists():
        return True
    return shutil.which("java") is not None


def _under_spark_submit() -> bool:
    """Whether spark-submit (or PYSPARK_SUBMIT_ARGS) chooses the master of a new session."""
    return "PYSPARK_GATEWAY_PORT" in os.environ or "--master" in os.environ.get(
        "PYSPARK_SUBMIT_ARGS", ""
    )


def spark_session(
    master: str | SparkSession | None = None,
    *,
    app_name: str = "goodwill",
    config: Mapping[str, str] | None = None,
) -> SparkSession:
    """A SparkSession for goodwill's features: the one given, the active one, or a new one.

    Parameters
    ----------
    master:
        An existing :class:`pyspark.sql.SparkSession` (returned as it is), or a master URL
        (``"local[2]"``, ``"spark://host:7077"``, ``"yarn"``, ``"k8s://https://host:443"``)
        for a new session, or ``None``: the active session when there is one (under
        ``spark-submit`` or in a notebook), else a new session with the master Spark is
        configured with under ``spark-submit``, or else ``local[*]`` on this machine.
    app_name:
        The application name shown in the cluster's UI.
    config:
        Spark settings for a new session, e.g. ``{"spark.driver.memory": "8g"}``; they
        override :data:`DEFAULT_CONFIG` (which sets the session time zone to UTC).
    """
    _require_pyspark()
    from pyspark.sql import SparkSession

    if isinstance(master, SparkSession):
        return master
    if master is None:
        active = SparkSession.getActiveSession()
        if active is not None:
            return active
        if not _under_spark_submit():
            master = "local[*]"
    if "PYSPARK_GATEWAY_PORT" not in os.environ and not _java_found():  # the driver's own JVM
        raise SparkUnavailableError(
            "Spark needs Java 17 and no java was found (PATH or JAVA_HOME): {hint}",
            hint=INSTALL_HINT,
        )
    local = master is not None and master.startswith("local")
    settings = dict(DEFAULT_CONFIG)
    if local:
        settings.update(LOCAL_CONFIG)
    settings.update(config or {})
    builder = SparkSession.builder.appName(app_name)
    if master is not None:
        builder = builder.master(master)
    for key, value in settings.items():
        builder = builder.config(key, value)
    with warnings.catch_warnings():
        # PySpark 4.x warns about pandas 3 at start-up; goodwill hands Spark no pandas.
        warnings.filterwarnings("ignore", message=".*PySpark does not yet fully support pandas")
        try:
            session: SparkSession = builder.getOrCreate()
        except Exception as err:
            raise SparkUnavailableError(
                "Spark could not start ({reason}); check that Java 17 is installed: {hint}",
                reason=str(err).splitlines()[0] if str(err) else type(err).__name__,
                hint=INSTALL_HINT,
            ) from err
    if local:
        session.sparkContext.setLogLevel("ERROR")
    return session


# -- the engine ----------------------------------------------------------------------------


def spark_rfm_summary(
    source: Store | duckdb.DuckDBPyConnection | str | os.PathLike[str],
    *,
    end: dt.date | None,
    cal_end: dt.date | None,
    days_per_period: float,
    customers_only: bool,
    table: str,
    account_col: str,
    date_col: str,
    amount_col: str,
) -> pd.DataFrame:
    """The summary of :func:`goodwill.features.rfm_summary` computed by Spark.

    Arguments arrive checked by :func:`goodwill.features.rfm.rfm_summary`; call that.
    """
    spark = spark_session()
    with _parquet_inputs(
        source,
        customers_only=customers_only,
        table=table,
        columns=(account_col, date_col, amount_col),
    ) as (orders_uri, accounts_uri):
        orders = _read_parquet(spark, orders_uri, orders_uri)
        accounts = None if accounts_uri is None else _read_parquet(spark, accounts_uri, "accounts")
        frame = summary_frame(
            orders,
            accounts=accounts,
            end=end,
            cal_end=cal_end,
            days_per_period=days_per_period,
            account_col=account_col,
            date_col=date_col,
            amount_col=amount_col,
        )
        try:
            arrow = frame.toArrow()
        except Exception as err:
            raise SparkJobError(
                "the Spark job for the summary failed: {reason} See the Spark driver log; "
                "for memory, raise spark.driver.memory and spark.driver.maxResultSize.",
                reason=str(err).strip().splitlines()[0] if str(err).strip() else repr(err),
            ) from err
    result: pd.DataFrame = _with_duckdb_types(arrow).to_pandas()
    result = result.set_index("account_id")
    result.index.name = "account_id"
    return result


@contextmanager
def _parquet_inputs(
    source: Store | duckdb.DuckDBPyConnection | str | os.PathLike[str],
    *,
    customers_only: bool,
    table: str,
    columns: tuple[str, ...],
) -> Iterator[tuple[str, str | None]]:
    """URIs of the orders (and accounts) as Parquet; a store is exported for the occasion."""
    if isinstance(source, (str, os.PathLike)):
        text = os.fspath(source)
        if "://" in text:
            yield text, None
            return
        path = Path(text).expanduser()
        if not path.exists():
            raise InputFileError(
                "no Parquet file at {path}; give a Store, a connection or a file.", path=path
            )
        yield path.resolve().as_uri(), None
        return
    if isinstance(source, duckdb.DuckDBPyConnection):
        con = source
    elif isinstance(getattr(source, "con", None), duckdb.DuckDBPyConnection):
        con = source.con
    else:
        raise FeatureInputError(
            "source must be a Store, a DuckDB connection or a Parquet path; got {kind}.",
            kind=type(source).__name__,
        )
    if not _has_table(con, table):
        raise FeatureInputError("the database has no table {table!r} of orders.", table=table)
    # execute(), not sql(): DuckDB 2 refuses sql() while a caller's result is still open
    described = con.execute(f"SELECT * FROM {_ident(table)} LIMIT 0").description or []
    present = {str(d[0]) for d in described}
    wanted = [c for c in (*columns, "is_test") if c in present]  # a missing one: said later
    folder = Path(tempfile.mkdtemp(prefix="goodwill-spark-"))
    try:
        orders = folder / "orders.parquet"
        select = ", ".join(_ident(c) for c in dict.fromkeys(wanted))
        _copy(con, f"SELECT {select} FROM {_ident(table)}", orders)
        accounts_uri = None
        if customers_only and _has_table(con, "accounts"):
            accounts = folder / "accounts.parquet"
            _copy(con, "SELECT account_id, kind FROM accounts", accounts)
            accounts_uri = accounts.as_uri()
        yield orders.as_uri(), accounts_uri
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    row = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = $name", {"name": name}
    ).fetchall()
    return bool(row and row[0][0])


def _copy(con: duckdb.DuckDBPyConnection, query: str, path: Path) -> None:
    target = str(path).replace("'", "''")
    con.execute(f"COPY ({query}) TO '{target}' (FORMAT parquet)")


def _read_parquet(spark: SparkSession, uri: str, shown: str) -> SparkDataFrame:
    from pyspark.errors import PySparkException

    try:
        return spark.read.parquet(uri)
    except PySparkException as err:
        condition = err.getCondition() or ""
        if condition == "PARQUET_TYPE_ILLEGAL":
            raise InputFileError(
                "Spark cannot read {path}: {reason} Nanosecond timestamps are the usual cause; "
                "write them in microseconds, e.g. pyarrow.parquet.write_table(table, path, "
                "coerce_timestamps='us').",
                path=shown,
                reason=str(err).splitlines()[0],
            ) from err
        if condition == "PATH_NOT_FOUND":
            raise InputFileError(
                "no Parquet file at {path}; give a Store, a connection or a file.", path=shown
            ) from err
        raise InputFileError(
            "Spark cannot read {path}: {reason}", path=shown, reason=str(err).splitlines()[0]
        ) from err


def summary_frame(
    orders: SparkDataFrame,
    *,
    accounts: SparkDataFrame | None,
    end: dt.date | None,
    cal_end: dt.date | None,
    days_per_period: float,
    account_col: str,
    date_col: str,
    amount_col: str,
) -> SparkDataFrame:
    """The summary as a lazy Spark DataFrame (one row per account), as in ``rfm._summary_sql``.

    Arguments as :func:`spark_rfm_summary` receives them (checked); nothing runs until the
    frame is collected or written.
    """
    from pyspark.sql import functions as F

    columns = set(orders.columns)
    missing = [c for c in (account_col, date_col, amount_col) if c not in columns]
    if missing:
        raise FeatureInputError(
            "the orders have no column(s) {missing}; found {found}. "
            "Name them with account_col=, date_col=, amount_col=.",
            missing=missing,
            found=sorted(columns),
        )
    lines = orders.select(
        F.col(account_col).alias("account_id"),
        _day(orders, date_col).alias("day"),
        F.col(amount_col).alias("amount"),
        *([F.col("is_test")] if "is_test" in columns else []),
    )
    if "is_test" in columns:
        lines = lines.where(~F.coalesce(F.col("is_test").cast("boolean"), F.lit(False)))
    if accounts is not None:
        customers = accounts.where(
            F.coalesce(F.col("kind"), F.lit("customer")) == F.lit("customer")
        ).select("account_id")
        lines = lines.join(customers, on="account_id", how="left_semi")
    if end is not None:
        lines = lines.where(F.col("day") <= F.lit(end))
    days = (
        lines.groupBy("account_id", "day")
        .agg(F.sum(F.col("amount").cast(SPEND_TYPE)).alias("spend"), F.max("amount").alias("_top"))
        .where(F.col("_top") >= 0)
        .select("account_id", "day", "spend")  # exact while the amounts are (DECIMAL, BIGINT)
    )
    scale = F.lit(float(days_per_period))
    if end is None:  # the last purchase day in the data, as DuckDB's (SELECT max(day) FROM days)
        days = days.crossJoin(F.broadcast(days.agg(F.max("day").alias("_end"))))
    else:
        days = days.withColumn("_end", F.lit(end))
    # One pass over each account's days: the calibration figures (all days when there is no
    # split) and, with a split, the holdout counts beside them.
    day = F.col("day")
    in_cal = F.lit(True) if cal_end is None else day <= F.lit(cal_end)
    suffix = "" if cal_end is None else "_cal"
    obs_end = F.max("_end") if cal_end is None else F.lit(cal_end)
    n = F.count(F.when(in_cal, F.lit(1)))
    first_day = F.min(F.when(in_cal, day))
    cal_spend = F.sum(F.when(in_cal, F.col("spend")))
    figures = [
        (n - 1).cast("long").alias(f"frequency{suffix}"),
        _per(F.datediff(F.max(F.when(in_cal, day)), first_day), scale).alias(f"recency{suffix}"),
        _per(F.datediff(obs_end, first_day), scale).alias(f"T{suffix}"),
        # as DuckDB: subtract the first day's spend exactly (DECIMAL), then divide in DOUBLE;
        # the first purchase day overall is the calibration's first day
        F.when(n > 1, (cal_spend - F.min_by("spend", "day")).cast("double") / (n - 1))
        .otherwise(F.lit(0.0))
        .alias(f"monetary_value{suffix}"),
    ]
    if cal_end is None:
        return days.groupBy("account_id").agg(*figures)
    held = day > F.lit(cal_end)
    m = F.count(F.when(held, F.lit(1)))
    figures += [
        m.cast("long").alias("frequency_holdout"),
        F.when(m > 0, F.sum(F.when(held, F.col("spend"))).cast("double") / m)
        .otherwise(F.lit(0.0))
        .alias("monetary_value_holdout"),
        _per(F.datediff(F.max("_end"), F.lit(cal_end)), scale).alias("duration_holdout"),
    ]
    summary = days.groupBy("account_id").agg(*figures, n.alias("_n"))
    return summary.where(F.col("_n") > 0).drop("_n")  # first purchase after calibration: out


def _per(days: Column, scale: Column) -> Column:
    """Whole days as DOUBLE divided by the period's length, as DuckDB's BIGINT / DOUBLE."""
    return days.cast("double") / scale


def _day(orders: SparkDataFrame, date_col: str) -> Column:
    """The calendar day of an order, the same on every engine whatever the time zone."""
    from pyspark.sql import functions as F
    from pyspark.sql.types import TimestampType

    column = F.col(date_col)
    if isinstance(orders.schema[date_col].dataType, TimestampType):  # an instant: its UTC day
        return F.date_from_unix_date(
            F.floor(F.unix_micros(column) / F.lit(_MICROS_PER_DAY)).cast("int")
        )
    return column.cast("date")  # a date, a wall-clock timestamp (TIMESTAMP_NTZ) or text


def _with_duckdb_types(arrow: pa.Table) -> pa.Table:
    """Spark's Arrow result with the column types DuckDB's summary has."""
    fields = []
    for field in arrow.schema:
        if field.name == "account_id":
            fields.append(field)
        elif field.name.startswith("frequency"):
            fields.append(pa.field(field.name, pa.int64(), nullable=field.nullable))
        else:
            fields.append(pa.field(field.name, pa.float64(), nullable=field.nullable))
    return arrow.cast(pa.schema(fields))
