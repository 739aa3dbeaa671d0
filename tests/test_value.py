"""Account value from a purchase summary: returns that outweigh an account's repeat
purchases must not stop the scoring of the whole portfolio."""

from __future__ import annotations

import numpy as np
import pandas as pd

from goodwill.settings import Settings
from goodwill.value import account_value


def _summary() -> pd.DataFrame:
    rng = np.random.default_rng(5)
    n = 200
    frequency = rng.integers(1, 25, n).astype(float)
    T = rng.uniform(60, 150, n)
    gone = rng.random(n) < 0.4  # some stopped buying long ago, the rest buy on
    recency = np.where(gone, T * rng.uniform(0.1, 0.5, n), T - rng.uniform(0, 5, n))
    monetary = rng.gamma(4.0, 250.0, n)
    frame = pd.DataFrame(
        {"frequency": frequency, "recency": recency, "T": T, "monetary_value": monetary},
        index=pd.Index([f"A{i:02d}" for i in range(n)], name="account_id"),
    )
    frame.loc["A00", "monetary_value"] = -39.85  # a credit note larger than the purchases
    frame.loc["A01"] = frame.loc["A00"]
    frame.loc["A01", "monetary_value"] = 0.0  # the same account, spending nothing net
    frame.loc["A02"] = frame.loc["A00"]
    frame.loc["A02", "monetary_value"] = 500.0  # ... and spending
    return frame


def test_net_negative_repeat_spend_counts_as_nothing_not_as_an_error() -> None:
    rfm = _summary()
    margin = pd.Series(0.3, index=rfm.index)
    value, models = account_value(rfm, margin, Settings.load())
    assert value["clv_12m"].notna().all()
    assert value.loc["A00", "clv_12m"] == value.loc["A01", "clv_12m"]  # clipped to 0
    assert value.loc["A00", "clv_12m"] > 0  # shrunk towards the portfolio's mean spend
    assert value.loc["A02", "clv_12m"] > 2 * value.loc["A00", "clv_12m"]
    assert any("net negative repeat spend" in note for note in models.notes)
