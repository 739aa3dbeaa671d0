"""Account value (klantwaarde): predicted purchases and 12-month CLV from the purchase
rhythm, as of a date.

BG/NBD (purchase rhythm) and Gamma-Gamma (spend) are fitted on every customer's history
up to ``as_of``, in weeks. ``clv_12m`` is the predicted *margin* over the next 365 days,
discounted: expected purchases × expected spend × the account's own margin rate (or the
default), per 30-day step. ``net_value`` = ``clv_12m`` − cost to serve over the last 12
months: the one definition used everywhere.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from goodwill.errors import ConvergenceError
from goodwill.models import BetaGeo, GammaGamma, clv
from goodwill.settings import Settings

T = TypeVar("T")
WEEK_DAYS = 7.0
HORIZON_DAYS = 365.0


@dataclass
class ValueModels:
    """The fitted models behind a snapshot (as dictionaries), and what failed."""

    purchase: dict[str, Any] | None = None
    spend: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)


def _fit_purchase(rfm: pd.DataFrame, notes: list[str]) -> BetaGeo | None:
    for penalizer in (0.0, 0.001, 0.01):
        try:
            return BetaGeo(penalizer=penalizer).fit(rfm["frequency"], rfm["recency"], rfm["T"])
        except ConvergenceError as exc:
            notes.append(f"BG/NBD with penalizer {penalizer}: {str(exc).splitlines()[0]}")
    return None


def _fit_spend(rfm: pd.DataFrame, notes: list[str]) -> GammaGamma | None:
    repeat = rfm[(rfm["frequency"] > 0) & (rfm["monetary_value"] > 0)]
    if len(repeat) < 20:
        notes.append("Gamma-Gamma: fewer than 20 repeat customers with positive spend")
        return None
    for penalizer in (0.0, 0.001, 0.01, 0.1):
        try:
            model = GammaGamma(penalizer=penalizer).fit(
                repeat["frequency"], repeat["monetary_value"]
            )
        except ConvergenceError as exc:
            notes.append(f"Gamma-Gamma with penalizer {penalizer}: {str(exc).splitlines()[0]}")
            continue
        if model.params_["q"] > 1:  # else the spend distribution has no finite mean
            return model
        notes.append(f"Gamma-Gamma with penalizer {penalizer}: q <= 1 (no finite mean spend)")
    return None


def _quiet(function: Callable[..., T]) -> Callable[..., T]:
    """Run a model step with NumPy's floating-point warnings silenced: the models return
    finite values or fail with a ConvergenceError, and the library never prints."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> T:
        with np.errstate(all="ignore"):
            return function(*args, **kwargs)

    return wrapper


@_quiet
def account_value(
    purchases: pd.DataFrame, margin_rate: pd.Series, settings: Settings
) -> tuple[pd.DataFrame, ValueModels]:
    """Per customer account in ``purchases`` (the purchase summary in weeks, as
    ``rfm_summary(store, as_of=..., period="W")`` gives it): ``p_alive``,
    ``expected_purchases_12m`` and ``clv_12m`` (NaN where a model could not be fitted)."""
    # sorted, so that the same history always gives the same fit, bit for bit
    rfm = purchases.sort_index()
    out = pd.DataFrame(index=rfm.index)
    models = ValueModels()
    if len(rfm) < 10:
        models.notes.append("fewer than 10 customers with purchases: no purchase model")
        for col in ("p_alive", "expected_purchases_12m", "clv_12m"):
            out[col] = np.nan
        return out, models
    f, r, t = rfm["frequency"], rfm["recency"], rfm["T"]
    purchase = _fit_purchase(rfm, models.notes)
    if purchase is None:
        for col in ("p_alive", "expected_purchases_12m", "clv_12m"):
            out[col] = np.nan
        return out, models
    models.purchase = purchase.to_dict()
    out["p_alive"] = purchase.p_alive(f, r, t)
    out["expected_purchases_12m"] = purchase.expected_purchases(HORIZON_DAYS / WEEK_DAYS, f, r, t)
    spend = _fit_spend(rfm, models.notes)
    if spend is None:
        out["clv_12m"] = np.nan
        return out, models
    models.spend = spend.to_dict()
    default_rate = float(settings["value"]["default_margin_rate"])
    margins = margin_rate.reindex(rfm.index).fillna(default_rate).clip(lower=0.0)
    # returns and credit notes can leave an account's mean repeat spend at or below zero:
    # its own evidence then says "about nothing", and the model shrinks that to the mean
    monetary = rfm["monetary_value"].clip(lower=0.0)
    negative = int((rfm["monetary_value"] < 0).sum())
    if negative:
        models.notes.append(
            f"{negative} account(s) with net negative repeat spend (returns): counted as 0"
        )
    out["clv_12m"] = clv(
        purchase,
        spend,
        f,
        r,
        t,
        monetary,
        period_days=WEEK_DAYS,
        horizon_days=HORIZON_DAYS,
        discount_rate_per_year=float(settings["value"]["discount_rate_per_year"]),
        margin=margins.to_numpy(dtype=float),
    )
    return out, models
