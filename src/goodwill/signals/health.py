"""The health scorecard: signals with their value, the account's own norm and points.

An additive scorecard (the PMML Scorecard vocabulary): each signal earns partial points
between 0 and its weight (``health.weights`` in the settings, adding up to 100), and a
*baseline* — the points of an account at its own norm. Health is the sum of the partial
points; the reasons are the signals furthest below their baseline, largest first.

Silence is measured against the account's own rhythm: from its activity in the year up
to its last order (or last contact), an empirical-Bayes rate per day, shrunk towards the
portfolio's; the *expected* activity over the silent days (rate × the portfolio's
seasonal index summed over those days) says how unusual the silence is. An account that
normally orders weekly and is silent for three weeks misses about three expected order
days and keeps ``exp(-3)`` (5 %) of the signal's points; a quiet August counts for less.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from goodwill.settings import Settings
from goodwill.signals.reasons import Reason
from goodwill.signals.seasonal import seasonal_days

SIGNALS = (
    "order_silence",
    "order_rhythm",
    "heard_silence",
    "heard_rhythm",
    "p_alive",
    "complaint_silence",
    "order_trend",
    "contacts",
    "promises",
    "complaint_response",
    "quotes_lost",
)
#: pseudo-days of exposure behind the portfolio rate in each account's own rate
PRIOR_DAYS = 60.0
#: fraction of a signal's points an account at its own norm keeps
BASELINE = {
    "order_silence": float(np.exp(-1.0)),
    "heard_silence": float(np.exp(-1.0)),
    "heard_rhythm": 0.8,
    "order_rhythm": 0.8,
    "p_alive": 0.8,
    "complaint_silence": 1.0,
    "order_trend": 0.5,
    "contacts": 1.0,
    "promises": 0.9,
    "complaint_response": 0.8,
    "quotes_lost": 0.6,
}
#: a signal this many points below its baseline is worth a reason
MIN_SHORTFALL = 0.5

F = NDArray[np.float64]


def _num(frame: pd.DataFrame, column: str) -> F:
    return pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)


def _days(later: dt.date, earlier: pd.Series) -> F:
    stamp = pd.to_datetime(earlier)
    return np.asarray((pd.Timestamp(later) - stamp).dt.days.to_numpy(dtype=float), dtype=float)


def _rate(events: F, span_days: F) -> F:
    """Events per day from ``events`` over ``span_days`` (the first event opens the span),
    shrunk towards the portfolio rate with :data:`PRIOR_DAYS` pseudo-days."""
    n = np.nan_to_num(events, nan=1.0)
    span = np.nan_to_num(span_days, nan=0.0)
    repeat = np.maximum(n - 1.0, 0.0)
    pooled = repeat.sum() / max(span.sum(), 1.0)
    return np.asarray((repeat + PRIOR_DAYS * pooled) / (span + PRIOR_DAYS), dtype=float)


@dataclass(frozen=True)
class Norms:
    """Portfolio norms the account-level signals are compared with."""

    response_hours: float
    broken_share: float
    lost_share: float

    @classmethod
    def of(cls, facts: pd.DataFrame) -> Norms:
        hours = pd.to_numeric(facts["response_hours"], errors="coerce").dropna()
        due = facts["promises_due"].sum()
        decided = facts["quotes_decided"].sum()
        return cls(
            response_hours=float(hours.median()) if len(hours) else 24.0,
            broken_share=float(facts["promises_broken"].sum() / due) if due else 0.1,
            lost_share=float(facts["quotes_lost"].sum() / decided) if decided else 0.5,
        )


def health_signals(
    facts: pd.DataFrame,
    p_alive: pd.Series,
    season: F,
    as_of: dt.date,
    settings: Settings,
) -> pd.DataFrame:
    """Per account and signal: the value, the norm, partial points and baseline; the total
    health and status. Columns ``<signal>_points`` and ``<signal>_baseline`` per signal."""
    weights = {k: float(v) for k, v in settings["health"]["weights"].items()}
    out = pd.DataFrame(index=facts.index)
    norms = Norms.of(facts)

    # order silence against the account's own rhythm, seasonally adjusted
    order_rate = _rate(_num(facts, "window_orders"), _num(facts, "window_span"))
    order_expected = order_rate * seasonal_days(season, facts["last_order"], as_of)
    out["days_since_order"] = _days(as_of, facts["last_order"])
    out["order_gap_days"] = 1.0 / order_rate
    out["order_expected_missed"] = order_expected
    order_frac = np.exp(-order_expected)

    heard_rate = _rate(_num(facts, "heard_n"), _num(facts, "heard_span"))
    heard_expected = heard_rate * seasonal_days(season, facts["last_heard"], as_of)
    out["days_since_heard"] = _days(as_of, facts["last_heard"])
    out["heard_gap_days"] = 1.0 / heard_rate
    out["heard_expected_missed"] = heard_expected
    heard_frac = np.exp(-heard_expected)

    # how often we heard from the account lately, against its own year before
    window = float(settings["health"]["trend_window_days"])
    lookback = float(settings["health"]["lookback_days"])
    heard_recent = np.nan_to_num(_num(facts, "heard_recent"))
    heard_usual = np.nan_to_num(_num(facts, "heard_before")) * window / lookback
    heard_ratio = (heard_recent + 0.5) / (heard_usual + 0.5)
    out["heard_recent"] = heard_recent
    out["heard_usual"] = heard_usual
    rhythm_frac = np.minimum(1.0, heard_ratio)
    orders_recent = np.nan_to_num(_num(facts, "orders_recent"))
    orders_usual = np.nan_to_num(_num(facts, "orders_before")) * window / lookback
    out["orders_recent"] = orders_recent
    out["orders_usual"] = orders_usual
    order_rhythm_frac = np.minimum(1.0, (orders_recent + 0.5) / (orders_usual + 0.5))

    alive = p_alive.reindex(facts.index).to_numpy(dtype=float)
    out["p_alive"] = alive
    alive_frac = np.where(np.isfinite(alive), alive, BASELINE["p_alive"])

    # complaints that stopped after being regular (three or more in a year)
    complaint_n = _num(facts, "complaint_n")
    regular = complaint_n >= 3
    complaint_rate = np.where(regular, complaint_n / lookback, 0.0)
    days_since_complaint = _days(as_of, facts["last_complaint"])
    quiet = np.nan_to_num(days_since_complaint) >= 30
    complaint_expected = np.where(
        regular & quiet, complaint_rate * np.nan_to_num(days_since_complaint), 0.0
    )
    out["days_since_complaint"] = days_since_complaint
    out["complaint_expected_missed"] = complaint_expected
    complaint_frac = np.exp(-complaint_expected)

    # order value in the recent window against the same window a year before
    recent, before = _num(facts, "revenue_recent"), _num(facts, "revenue_year_before")
    history = _days(as_of, facts["first_order"]) >= 365 + float(
        settings["health"]["trend_window_days"]
    )
    cushion = 0.1 * np.maximum(np.abs(before), 1.0)
    ratio = (np.maximum(recent, 0) + cushion) / (np.maximum(before, 0) + cushion)
    out["order_trend_ratio"] = np.where(history & (before > 0), ratio, np.nan)
    trend_frac = np.where(
        history & (before > 0), 0.5 + 0.5 * np.tanh(np.log(np.clip(ratio, 1e-3, 1e3))), 0.5
    )

    active, departed = _num(facts, "active_contacts"), _num(facts, "departed_contacts")
    contact_frac = np.where(active >= 2, 1.0, np.where(active == 1, 0.6, 0.25))
    contact_frac = contact_frac * 0.6**departed
    if not (active.sum() + departed.sum()):  # no contact persons recorded at all: no signal
        contact_frac = np.full(len(out), BASELINE["contacts"])

    due, broken = _num(facts, "promises_due"), _num(facts, "promises_broken")
    broken_share = (broken + 2 * norms.broken_share) / (due + 2)
    promise_frac = 1.0 - broken_share

    hours = _num(facts, "response_hours")
    unanswered = _num(facts, "unanswered_complaints")
    response_frac = np.where(
        np.isfinite(hours), np.minimum(1.0, norms.response_hours / np.maximum(hours, 0.1)), 1.0
    )
    response_frac = np.clip(response_frac * 0.7**unanswered, 0.0, 1.0)

    decided, lost = _num(facts, "quotes_decided"), _num(facts, "quotes_lost")
    lost_share = (lost + 2 * norms.lost_share) / (decided + 2)
    quote_frac = np.clip(1.0 - lost_share, 0.0, 1.0)
    if not decided.sum():  # no decided quotes recorded at all: no signal
        quote_frac = np.full(len(out), BASELINE["quotes_lost"])

    fractions = {
        "order_silence": order_frac,
        "heard_silence": heard_frac,
        "heard_rhythm": rhythm_frac,
        "order_rhythm": order_rhythm_frac,
        "p_alive": alive_frac,
        "complaint_silence": complaint_frac,
        "order_trend": trend_frac,
        "contacts": contact_frac,
        "promises": promise_frac,
        "complaint_response": response_frac,
        "quotes_lost": quote_frac,
    }
    total = np.zeros(len(out))
    for name in SIGNALS:
        w = weights.get(name, 0.0)
        out[f"{name}_points"] = w * np.clip(fractions[name], 0.0, 1.0)
        out[f"{name}_baseline"] = w * BASELINE[name]
        total += out[f"{name}_points"].to_numpy()
    out["health"] = np.clip(total, 0.0, 100.0)
    h = settings["health"]
    out["status"] = np.where(
        out["health"] < float(h["at_risk_below"]),
        "at_risk",
        np.where(out["health"] < float(h["watch_below"]), "watch", "healthy"),
    )
    out.attrs["norms"] = norms
    return out


def reasons_for(
    signals: pd.DataFrame, facts: pd.DataFrame, settings: Settings
) -> list[list[Reason]]:
    """Per account (in the order of ``signals``), the reasons it scores lower, largest
    shortfall first. Only signals at least :data:`MIN_SHORTFALL` points below their
    baseline become reasons; the work is done per signal over those accounts only."""
    norms: Norms = signals.attrs["norms"]
    trend_window = int(settings["health"]["trend_window_days"])
    departure_window = int(settings["health"]["departure_window_days"])
    n = len(signals)
    found: list[list[Reason]] = [[] for _ in range(n)]
    f = facts.reindex(signals.index)
    col = {c: signals[c].to_numpy() for c in signals.columns}
    fact = {c: f[c].to_numpy() for c in f.columns}

    contacts_recorded = bool(fact["active_contacts"].sum() + fact["departed_contacts"].sum())

    def flagged(signal: str, where: Any = True) -> NDArray[np.int64]:
        short = col[f"{signal}_baseline"] - col[f"{signal}_points"] >= MIN_SHORTFALL
        return np.flatnonzero(short & np.asarray(where, dtype=bool))

    def add(i: int, signal: str, code: str, **params: Any) -> None:
        points, base = float(col[f"{signal}_points"][i]), float(col[f"{signal}_baseline"][i])
        found[i].append(Reason(signal, code, points, base, params))

    for i in flagged("order_silence"):
        add(i, "order_silence", "order_silence", days=int(col["days_since_order"][i]),
            gap=round(float(col["order_gap_days"][i])))  # fmt: skip
    for i in flagged("heard_silence"):
        add(i, "heard_silence", "heard_silence", days=int(col["days_since_heard"][i]),
            gap=round(float(col["heard_gap_days"][i])))  # fmt: skip
    for i in flagged("heard_rhythm", col["heard_usual"] >= 1):
        add(i, "heard_rhythm", "heard_rhythm", recent=int(col["heard_recent"][i]),
            usual=round(float(col["heard_usual"][i]), 1), window=trend_window)  # fmt: skip
    for i in flagged("order_rhythm", col["orders_usual"] >= 1):
        add(i, "order_rhythm", "order_rhythm", recent=int(col["orders_recent"][i]),
            usual=round(float(col["orders_usual"][i]), 1), window=trend_window)  # fmt: skip
    for i in flagged("p_alive", np.isfinite(col["p_alive"].astype(float))):
        add(i, "p_alive", "p_alive", pct=round(100 * float(col["p_alive"][i])))
    for i in flagged("complaint_silence", col["complaint_expected_missed"] > 0):
        add(i, "complaint_silence", "complaint_silence", n=int(fact["complaint_n"][i]),
            days=int(col["days_since_complaint"][i]))  # fmt: skip
    ratio = col["order_trend_ratio"].astype(float)
    for i in flagged("order_trend", np.isfinite(ratio)):
        add(i, "order_trend", "order_trend", pct=round(100 * (1 - min(float(ratio[i]), 1.0))),
            window=trend_window)  # fmt: skip
    departed = fact["departed_contacts"].astype(int)
    active = fact["active_contacts"].astype(int)
    for i in flagged("contacts", contacts_recorded):
        if departed[i]:
            add(i, "contacts", "contacts_departed", n=int(departed[i]), window=departure_window)
        elif active[i] == 0:
            add(i, "contacts", "contacts_none")
        elif active[i] == 1:
            add(i, "contacts", "contacts_single")
    for i in flagged("promises", fact["promises_due"] > 0):
        add(i, "promises", "promises", broken=int(fact["promises_broken"][i]),
            due=int(fact["promises_due"][i]))  # fmt: skip
    hours = pd.to_numeric(f["response_hours"], errors="coerce").to_numpy(dtype=float)
    for i in flagged("complaint_response"):
        if fact["unanswered_complaints"][i]:
            add(i, "complaint_response", "complaint_unanswered",
                n=int(fact["unanswered_complaints"][i]))  # fmt: skip
        elif np.isfinite(hours[i]):
            add(i, "complaint_response", "complaint_response", hours=round(float(hours[i])),
                norm=round(norms.response_hours))  # fmt: skip
    for i in flagged("quotes_lost", fact["quotes_decided"] > 0):
        counts = {"lost": int(fact["quotes_lost"][i]), "decided": int(fact["quotes_decided"][i])}
        to = fact["lost_to"][i]
        if to is not None and pd.notna(to):
            add(i, "quotes_lost", "quotes_lost_to", to=str(to), **counts)
        else:
            add(i, "quotes_lost", "quotes_lost", **counts)
    for reasons in found:
        reasons.sort(key=lambda r: (-r.shortfall, r.signal))
    return found
