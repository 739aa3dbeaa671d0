from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

CDNOW = Path(__file__).resolve().parents[1] / "data" / "cdnow"


@pytest.fixture(scope="session")
def cdnow() -> pd.DataFrame:
    """The CDNOW 39-week calibration summary (Fader, Hardie & Lee 2005), indexed by ID."""
    return pd.read_csv(CDNOW / "cdnow_customers_summary_with_transactions.csv", index_col="ID")
