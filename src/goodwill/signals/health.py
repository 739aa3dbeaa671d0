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
from itertools import repeat
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
    "contact_rhythm",
    "engagement",
    "reciprocity",
    "p_alive",
    "complaint_silence",
    "order_trend",
    "year_on_year",
    "contacts",
    "promises",
    "complaint_response",
    "quotes_lost",
    "payment_trend",
)
#: pseudo-days of exposure behind the portfolio rate in each account's own rate
PRIOR_DAYS = 60.0
#: fraction of a signal's points an account at its own norm keeps
BASELINE = {
    "order_silence": float(np.exp(-1.0)),
    "heard_silence": float(np.exp(-1.0)),
    "contact_rhythm": 0.8,
    "engagement": 0.5,
    "reciprocity": 0.5,
    "order_rhythm": 0.8,
    "p_alive": 0.8,
    "complaint_silence": 1.0,
    "order_trend": 0.5,
    "year_on_year": 0.5,
    "contacts": 1.0,
    "promises": 0.9,
    "complaint_response": 0.8,
    "quotes_lost": 0.6,
    "payment_trend": 1.0,
}
#: a signal this many points below its baseline is worth a reason
MIN_SHORTFALL = 0.5
#: the facts the reasons quote (read as arrays once; the others are not needed there)
_REASON_FACTS = (
    "active_contacts", "departed_contacts", "complaint_n", "promises_due", "promises_broken",
    "unanswered_complaints", "quotes_decided", "quotes_lost",
)  # fmt: skip

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
class PortfolioLine:
    """A count against what accounts like it show: a line through the portfolio,
    ``log(count + ½) = a + b · log(driver + ½)``, fitted on the ``known`` accounts.

    Used twice: how often an account contacts us against accounts that *order* as often
    (engagement), and against accounts that *we contact* as often (reciprocity)."""

    expected: F  # the count expected from the account's driver
    residual: F  # log of actual against expected (+½ each), 0 at the portfolio's norm

    @classmethod
    def fit(cls, count: F, driver: F, known: NDArray[np.bool_]) -> PortfolioLine:
        x = np.log(np.nan_to_num(driver) + 0.5)
        y = np.log(np.nan_to_num(count) + 0.5)
        ok = known & np.isfinite(x) & np.isfinite(y)
        if ok.sum() >= 10 and np.ptp(x[ok]) > 0:
            slope, intercept = np.polyfit(x[ok], y[ok], 1)
        else:
            slope, intercept = 1.0, float(np.mean(y[ok] - x[ok])) if ok.any() else 0.0
        fitted = intercept + slope * x
        return cls(np.exp(fitted) - 0.5, np.where(ok, y - fitted, 0.0))


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

    # how often the account contacted us lately, against its own year before
    window = float(settings["health"]["trend_window_days"])
    lookback = float(settings["health"]["lookback_days"])
    contacts_recent = np.nan_to_num(_num(facts, "contacts_recent"))
    contacts_usual = np.nan_to_num(_num(facts, "contacts_before")) * window / lookback
    out["contacts_recent"] = contacts_recent
    out["contacts_usual"] = contacts_usual
    contact_rhythm_frac = np.minimum(1.0, (contacts_recent + 0.5) / (contacts_usual + 0.5))

    # how often it contacts us against accounts that buy as often (the portfolio's norm)
    exposure = np.clip(_days(as_of, facts["first_order"]), 1.0, lookback)
    engagement = PortfolioLine.fit(
        _num(facts, "contacts_12m") * lookback / exposure,
        _num(facts, "order_days_12m") * lookback / exposure,
        exposure >= lookback / 2,
    )
    out["contacts_12m"] = np.nan_to_num(_num(facts, "contacts_12m"))
    out["contacts_expected_12m"] = engagement.expected * exposure / lookback
    engagement_frac = 1.0 / (1.0 + np.exp(-2.0 * engagement.residual))

    # reciprocity: how often it contacted us lately against how often we reach out to it
    # (our outreach of the last 12 months, scaled to the window), against the portfolio
    ours = np.nan_to_num(_num(facts, "ours_12m")) * window / lookback
    reciprocity = PortfolioLine.fit(contacts_recent, ours, exposure >= window)
    out["ours_recent"] = ours
    out["contacts_expected_recent"] = reciprocity.expected
    reciprocity_frac = 1.0 / (1.0 + np.exp(-2.0 * reciprocity.residual))
    if not ours.sum():  # we record no outreach at all: no signal
        reciprocity_frac = np.full(len(out), BASELINE["reciprocity"])

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

    # order days in the last 12 months against the 12 months before (slow erosion, or a
    # competitor taking share), for accounts that ordered before that year began
    year_before = (
        _num(facts, "order_days_prev_12m")
        * lookback
        / np.clip(_days(as_of, facts["first_order"]) - lookback, 1.0, lookback)
    )
    old_enough = _days(as_of, facts["first_order"]) >= lookback + window
    year_ratio = (np.nan_to_num(_num(facts, "order_days_12m")) + 1.0) / (year_before + 1.0)
    out["order_days_12m"] = np.nan_to_num(_num(facts, "order_days_12m"))
    out["order_days_year_before"] = np.where(old_enough, year_before, np.nan)
    year_frac = np.where(old_enough, 0.5 + 0.5 * np.tanh(np.log(year_ratio)), 0.5)

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

    # payment delays growing: the last 3 months' days beyond terms against the 9 months
    # before (goodwill.signals.payments, one definition); no invoices: no signal
    if "payment_trend_days" in facts:
        growth = np.clip(np.nan_to_num(_num(facts, "payment_trend_days")), 0.0, None)
        scale = float(settings["payments"]["trend_days_scale"])
        payment_frac = np.exp(-growth / scale)
        out["payment_trend_days"] = np.nan_to_num(_num(facts, "payment_trend_days"))
        out["days_beyond_terms_3m"] = _num(facts, "days_beyond_terms_3m")
        out["days_beyond_terms_before"] = _num(facts, "days_beyond_terms_before")
    else:
        payment_frac = np.full(len(out), BASELINE["payment_trend"])
        for col in ("payment_trend_days", "days_beyond_terms_3m", "days_beyond_terms_before"):
            out[col] = np.nan

    fractions = {
        "payment_trend": payment_frac,
        "order_silence": order_frac,
        "heard_silence": heard_frac,
        "contact_rhythm": contact_rhythm_frac,
        "engagement": engagement_frac,
        "reciprocity": reciprocity_frac,
        "order_rhythm": order_rhythm_frac,
        "p_alive": alive_frac,
        "complaint_silence": complaint_frac,
        "order_trend": trend_frac,
        "year_on_year": year_frac,
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
    f = facts.reindex(signals.index)
    col = {c: signals[c].to_numpy() for c in signals.columns}
    fact = {c: f[c].to_numpy() for c in _REASON_FACTS}

    contacts_recorded = bool(fact["active_contacts"].sum() + fact["departed_contacts"].sum())

    def flagged(signal: str, where: Any = True) -> NDArray[np.intp]:
        short = col[f"{signal}_baseline"] - col[f"{signal}_points"] >= MIN_SHORTFALL
        return np.flatnonzero(short & np.asarray(where, dtype=bool))

    # every reason, and per reason its account (position), shortfall and signal's rank:
    # collected per signal in bulk, put in each account's order with one sort at the end
    made: list[Reason] = []
    rows: list[NDArray[np.intp]] = []
    shortfalls: list[NDArray[np.float64]] = []
    ranks: list[NDArray[np.intp]] = []
    rank = {name: i for i, name in enumerate(sorted(SIGNALS))}

    def bulk(signal: str, code: str, where: Any, **params: list[Any]) -> None:
        at = flagged(signal, where)
        if not len(at):
            return
        pts = col[f"{signal}_points"].astype(float)[at]
        base = col[f"{signal}_baseline"].astype(float)[at]
        names, chosen = list(params), at.tolist()
        if names:
            values = zip(*([param[i] for i in chosen] for param in params.values()), strict=True)
            given = [dict(zip(names, v, strict=True)) for v in values]
        else:
            given = [{} for _ in chosen]
        same = repeat(signal), repeat(code)
        made.extend(map(Reason, *same, pts.tolist(), base.tolist(), given))
        rows.append(at)
        shortfalls.append(base - pts)
        ranks.append(np.full(len(at), rank[signal], dtype=np.intp))

    def ints(values: Any) -> list[int]:
        out: list[int] = np.nan_to_num(np.asarray(values, dtype=float)).astype(np.int64).tolist()
        return out

    def rounded(values: Any, digits: int = 0) -> list[Any]:
        out: list[Any] = np.round(np.nan_to_num(np.asarray(values, dtype=float)), digits).tolist()
        return [int(x) for x in out] if digits == 0 else out

    window = [trend_window] * n
    bulk("order_silence", "order_silence", True, days=ints(col["days_since_order"]),
         gap=rounded(col["order_gap_days"]))  # fmt: skip
    bulk("heard_silence", "heard_silence", True, days=ints(col["days_since_heard"]),
         gap=rounded(col["heard_gap_days"]))  # fmt: skip
    bulk("contact_rhythm", "contact_rhythm", col["contacts_usual"] >= 1,
         recent=ints(col["contacts_recent"]), usual=rounded(col["contacts_usual"], 1),
         window=window)  # fmt: skip
    bulk("engagement", "engagement", col["contacts_expected_12m"] >= 2,
         n=ints(col["contacts_12m"]), usual=rounded(col["contacts_expected_12m"]))  # fmt: skip
    bulk("reciprocity", "reciprocity", col["contacts_expected_recent"] >= 1,
         n=ints(col["contacts_recent"]), ours=rounded(col["ours_recent"]),
         usual=rounded(col["contacts_expected_recent"]), window=window)  # fmt: skip
    bulk("order_rhythm", "order_rhythm", col["orders_usual"] >= 1,
         recent=ints(col["orders_recent"]), usual=rounded(col["orders_usual"], 1),
         window=window)  # fmt: skip
    alive = col["p_alive"].astype(float)
    bulk("p_alive", "p_alive", np.isfinite(alive), pct=rounded(100 * alive))
    bulk("complaint_silence", "complaint_silence", col["complaint_expected_missed"] > 0,
         n=ints(fact["complaint_n"]), days=ints(col["days_since_complaint"]))  # fmt: skip
    ratio = col["order_trend_ratio"].astype(float)
    bulk("order_trend", "order_trend", np.isfinite(ratio),
         pct=rounded(100 * (1 - np.minimum(ratio, 1.0))), window=window)  # fmt: skip
    before = col["order_days_year_before"].astype(float)
    bulk("year_on_year", "year_on_year", np.isfinite(before) & (before >= 2),
         n=ints(col["order_days_12m"]), before=rounded(before))  # fmt: skip
    departed = np.nan_to_num(fact["departed_contacts"].astype(float))
    active = np.nan_to_num(fact["active_contacts"].astype(float))
    recorded = np.full(n, contacts_recorded)
    bulk("contacts", "contacts_departed", recorded & (departed > 0), n=ints(departed),
         window=[departure_window] * n)  # fmt: skip
    bulk("contacts", "contacts_none", recorded & (departed == 0) & (active == 0))
    bulk("contacts", "contacts_single", recorded & (departed == 0) & (active == 1))
    due = fact["promises_due"].astype(float)
    bulk("promises", "promises", due > 0, broken=ints(fact["promises_broken"]),
         due=ints(due))  # fmt: skip
    unanswered = np.nan_to_num(fact["unanswered_complaints"].astype(float))
    hours = pd.to_numeric(f["response_hours"], errors="coerce").to_numpy(dtype=float)
    bulk("complaint_response", "complaint_unanswered", unanswered > 0, n=ints(unanswered))
    bulk("complaint_response", "complaint_response", (unanswered == 0) & np.isfinite(hours),
         hours=rounded(hours), norm=[round(norms.response_hours)] * n)  # fmt: skip
    decided = fact["quotes_decided"].astype(float)
    lost_to = f["lost_to"]
    named = lost_to.notna().to_numpy() & (lost_to.astype(str).str.len() > 0).to_numpy()
    counts = {"lost": ints(fact["quotes_lost"]), "decided": ints(decided)}
    bulk("quotes_lost", "quotes_lost_to", (decided > 0) & named,
         to=lost_to.astype(str).tolist(), **counts)  # fmt: skip
    bulk("quotes_lost", "quotes_lost", (decided > 0) & ~named, **counts)
    growing = col["payment_trend_days"].astype(float)
    bulk("payment_trend", "payment_growing", np.isfinite(growing) & (growing > 0),
         days=rounded(col["days_beyond_terms_3m"]),
         before=rounded(col["days_beyond_terms_before"]))  # fmt: skip
    if not made:
        return [[] for _ in range(n)]
    # per account (in order): largest shortfall first, ties by signal name
    at = np.concatenate(rows)
    order = np.lexsort((np.concatenate(ranks), -np.concatenate(shortfalls), at))
    ranked = [made[j] for j in order.tolist()]
    ends = np.cumsum(np.bincount(at, minlength=n)).tolist()
    return [ranked[lo:hi] for lo, hi in zip([0, *ends[:-1]], ends, strict=True)]
