from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import pytest

from goodwill._typing import Engine

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

CDNOW = Path(__file__).resolve().parents[1] / "data" / "cdnow"


@pytest.fixture(scope="session")
def cdnow_orders() -> pd.DataFrame:
    """Every purchase of the CDNOW 1/10th sample (Fader, Hardie & Lee 2005) as orders."""
    raw = pd.read_csv(
        CDNOW / "CDNOW_sample.txt",
        sep=r"\s+",
        header=None,
        names=["master_id", "sample_id", "date", "cds", "dollars"],
        dtype={"date": str},
    )
    return pd.DataFrame(
        {
            "account_id": raw["sample_id"].astype(str),
            "ordered_on": pd.to_datetime(raw["date"], format="%Y%m%d"),
            "amount": raw["dollars"].astype(float),
        }
    )


# -- engines: every summary case runs on DuckDB and on Spark (local mode) ------------------

SPARK_TEST_CONFIG = {
    "spark.sql.shuffle.partitions": "2",
    "spark.default.parallelism": "2",
    "spark.ui.enabled": "false",
}


def _spark_missing() -> str | None:
    """Why the Spark suite cannot run here, or None."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "PySpark is not installed (make install, or pip install -e '.[spark]')"
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        return "Java 17 is not installed (apt-get install openjdk-17-jre-headless)"
    return None


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


@pytest.fixture(scope="session")
def spark() -> Iterator[SparkSession]:
    """One local Spark for the whole run (per xdist worker): start-up takes ~15 s."""
    reason = _spark_missing()
    if reason is not None:
        if _in_ci():
            pytest.fail(f"CI=true and {reason}: the Spark suite must run in CI.", pytrace=False)
        pytest.skip(reason)
    from goodwill.features.spark import spark_session

    session = spark_session("local[2]", app_name="goodwill-tests", config=SPARK_TEST_CONFIG)
    yield session
    session.stop()


ENGINES = [pytest.param("duckdb"), pytest.param("spark", marks=pytest.mark.spark)]


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> Engine:
    """The engine a summary case runs on; the Spark one brings up the session first."""
    name: Engine = request.param
    if name == "spark":
        request.getfixturevalue("spark")
    return name
