"""Reading a world's truth (``truth/accounts.csv`` and, when there, the monthly latent
state), with one clear error for a folder that has none."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from goodwill.errors import GoodwillError


def read_truth(world: Path) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """``truth/accounts.csv`` (``churn_on`` as dates) and ``truth/latent_monthly.csv``
    (None when the world has no such file)."""
    truth_file = world / "truth" / "accounts.csv"
    if not truth_file.exists():
        raise GoodwillError(
            "{world} has no truth/accounts.csv; evaluate needs a world written by "
            "goodwill simulate (or one in the same format)",
            world=world,
        )
    truth = pd.read_csv(truth_file, dtype={"account_id": str}, parse_dates=["churn_on"])
    latent_file = world / "truth" / "latent_monthly.csv"
    latent = (
        pd.read_csv(latent_file, dtype={"account_id": str, "month": str})
        if latent_file.exists()
        else None
    )
    return truth, latent
