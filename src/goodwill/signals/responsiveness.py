"""Does this customer value our attention? Per account, how its order rate in the weeks
after our visits, calls, e-mails and events compares with its own other weeks, shrunk to
its segment by empirical Bayes, with an interval and a label.

See docs/responsiveness.md for the method, its assumptions and its measured quality.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Mapping
from typing import Any

import duckdb
import numpy as np
import pandas as pd
from scipy.stats import norm

from goodwill.errors import GoodwillError
from goodwill.settings import Settings
from goodwill.signals.attention import Panel, attention_panel
from goodwill.signals.reasons import Reason
from goodwill.signals.response_model import (
    Mixture,
    Posterior,
    exposure,
    mixture_posterior,
    mixture_prior,
    own_effect,
    portfolio_season,
)

LABELS = ("responds", "indifferent", "not_enough_evidence")

#: the columns :func:`responsiveness` returns, in order
COLUMNS = [
    "response_effect",
    "response_low",
    "response_high",
    "response_label",
    "response_p_positive",
    "response_p_group",
    "response_own_effect",
    "response_own_se",
    "response_background",
    "response_segment_share",
    "attention_12m",
    "attention_visits",
    "attention_calls",
    "attention_emails",
    "attention_events",
    "response_weeks_after",
    "response_weeks_other",
    "response_rate_after",
    "response_rate_other",
    "response_order_days",
]


def _settings(settings: Settings) -> dict[str, object]:
    table = dict(settings["responsiveness"])
    interval = float(table["interval"])
    if not 0 < interval < 1:
        raise GoodwillError(
            "responsiveness.interval must lie between 0 and 1 (it is {value})", value=interval
        )
    if not 0.5 <= float(table["p_responds"]) < 1:
        raise GoodwillError(
            "responsiveness.p_responds must lie between 0.5 and 1 (it is {value})",
            value=table["p_responds"],
        )
    return table


def _fit(
    effect: np.ndarray,
    se: np.ndarray,
    has_own: np.ndarray,
    segment: np.ndarray,
    t: dict[str, object],
) -> tuple[Mixture, np.ndarray, Posterior]:
    """The portfolio's two-group prior, each segment's share of responders (its accounts'
    posterior group probabilities, with the portfolio's share counted as
    ``min_segment_accounts`` pseudo-accounts), and the posterior under it."""
    sd_min = float(t["prior_sd_min"])  # type: ignore[arg-type]
    pseudo = float(t["min_segment_accounts"])  # type: ignore[arg-type]
    interval = float(t["interval"])  # type: ignore[arg-type]
    mix = mixture_prior(effect[has_own], se[has_own], sd_min)
    first = mixture_posterior(
        effect,
        se,
        mix.null_mean,
        np.full(effect.shape, mix.weight),
        mix.slab_mean,
        mix.slab_sd,
        interval,
    )
    share = np.full(effect.shape, mix.weight)
    for seg in np.unique(segment):
        members = segment == seg
        pool = members & has_own
        share[members] = (first.p_responds[pool].sum() + pseudo * mix.weight) / (
            pool.sum() + pseudo
        )
    post = mixture_posterior(effect, se, mix.null_mean, share, mix.slab_mean, mix.slab_sd, interval)
    return mix, share, post


def _rates(panel: Panel, expo: np.ndarray, observed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Order days per 4 weeks in the weeks after our attention and in the other weeks."""
    after = (expo > 0) & observed
    other = (expo <= 0) & observed
    n_after, n_other = after.sum(axis=1), other.sum(axis=1)

    def per_4_weeks(mask: np.ndarray, n: np.ndarray) -> np.ndarray:
        days = 4.0 * (panel.orders * mask).sum(axis=1)
        return np.asarray(np.divide(days, n, out=np.full(days.shape, np.nan), where=n > 0))

    return per_4_weeks(after, n_after), per_4_weeks(other, n_other)


def responsiveness(
    con: duckdb.DuckDBPyConnection, as_of: dt.date, settings: Settings
) -> pd.DataFrame:
    """One row per customer account created by ``as_of`` (index ``account_id``), from
    the facts dated on or before it. Effects are relative changes of the order rate
    (0.25 = 25 % more order days in the weeks after our attention than otherwise,
    seasonally adjusted); see :data:`COLUMNS` and docs/responsiveness.md."""
    t = _settings(settings)
    panel = attention_panel(con, as_of, t)
    observed = panel.observed()
    window = int(float(t["window_weeks"]))  # type: ignore[arg-type]
    expo = exposure(panel.dose, window)
    season = portfolio_season(panel.orders, observed)
    own = own_effect(panel.orders, expo, season, observed, float(t["own_penalty_sd"]))  # type: ignore[arg-type]
    min_weeks = float(t["min_weeks"])  # type: ignore[arg-type]
    has_own = (
        (own.se <= float(t["max_own_se"]))  # type: ignore[arg-type]
        & (own.weeks_after >= min_weeks)
        & (own.weeks_other >= min_weeks)
        & (own.order_days >= float(t["min_order_days"]))  # type: ignore[arg-type]
    )
    segment = panel.accounts["segment"].to_numpy(dtype=str)
    mix, share, post = _fit(own.effect, own.se, has_own, segment, t)
    # the account's own upper bound beyond the background, without the prior: an account
    # is called indifferent only when its own weeks rule out a large response too
    z = float(norm.ppf(0.5 + float(t["interval"]) / 2))  # type: ignore[arg-type]
    own_high = own.effect - mix.null_mean + z * own.se
    label = np.where(
        has_own & (post.p_positive >= float(t["p_responds"])),  # type: ignore[arg-type]
        "responds",
        np.where(
            has_own
            & (post.high <= float(t["indifferent_margin"]))  # type: ignore[arg-type]
            & (own_high <= float(t["indifferent_own_high"])),  # type: ignore[arg-type]
            "indifferent",
            "not_enough_evidence",
        ),
    )
    rate_after, rate_other = _rates(panel, expo, observed)
    out = pd.DataFrame(
        {
            "response_effect": np.expm1(post.mean),
            "response_low": np.expm1(post.low),
            "response_high": np.expm1(post.high),
            "response_label": label,
            "response_p_positive": post.p_positive,
            "response_p_group": post.p_responds,
            "response_own_effect": np.where(
                np.isfinite(own.se), np.expm1(own.effect - mix.null_mean), np.nan
            ),
            "response_own_se": own.se,
            "response_background": np.expm1(mix.null_mean),
            "response_segment_share": share,
            "attention_12m": panel.contacts_12m.astype(int),
            "attention_visits": _count(panel, "visit"),
            "attention_calls": _count(panel, "call"),
            "attention_emails": _count(panel, "email"),
            "attention_events": _count(panel, "event"),
            "response_weeks_after": own.weeks_after.astype(int),
            "response_weeks_other": own.weeks_other.astype(int),
            "response_rate_after": rate_after,
            "response_rate_other": rate_other,
            "response_order_days": own.order_days.astype(int),
        },
        index=panel.accounts.index,
    )
    out.index.name = "account_id"
    return out[COLUMNS]


def _count(panel: Panel, channel: str) -> np.ndarray:
    counts = panel.contacts.get(channel, np.zeros(len(panel.accounts)))
    return np.asarray(counts, dtype=int)


def _pct(x: float) -> int:
    return round(100 * x)


def response_reasons(row: Mapping[Hashable, Any] | pd.Series, window_weeks: int) -> list[Reason]:
    """The reason behind one account's label (a row of :func:`responsiveness`)."""
    label = str(row["response_label"])
    contacts = int(
        row["attention_visits"]
        + row["attention_calls"]
        + row["attention_emails"]
        + row["attention_events"]
    )
    params: dict[str, object] = {
        "pct": abs(_pct(float(row["response_effect"]))),
        "low": _pct(float(row["response_low"])),
        "high": _pct(float(row["response_high"])),
        "contacts": contacts,
        "window": window_weeks,
    }
    if label == "not_enough_evidence":
        code = "response_unknown"
        params = {"contacts": contacts, "weeks": int(row["response_weeks_after"])}
    elif label == "responds":
        code = "response_responds"
    elif float(row["response_effect"]) >= 0:
        code = "response_indifferent"
    else:
        code = "response_indifferent_less"
    return [Reason("responsiveness", code, 0.0, 0.0, params)]


def all_response_reasons(frame: pd.DataFrame, settings: Settings) -> dict[str, list[Reason]]:
    """:func:`response_reasons` for every account of a :func:`responsiveness` frame."""
    window = int(float(settings["responsiveness"]["window_weeks"]))
    # rows as dicts: a Series per row (iterrows) cost 4 s of scoring 44,000 accounts
    rows = zip(frame.index, frame.to_dict("records"), strict=True)
    return {str(acc): response_reasons(row, window) for acc, row in rows}
