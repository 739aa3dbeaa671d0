from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

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
