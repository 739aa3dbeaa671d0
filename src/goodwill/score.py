"""Scoring as of a date: value, health with its reasons, saved as a snapshot.

``score(store, as_of)`` uses only facts dated on or before ``as_of``; scoring the same
date again replaces that date's snapshot, so every figure has a history. Each snapshot
records the settings, the fitted models and the imports it was computed from.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from goodwill._gc import gc_paused
from goodwill._typing import Lang
from goodwill.errors import GoodwillError
from goodwill.progress import ProgressCallback, noop
from goodwill.settings import Settings
from goodwill.signals.conduct import TABLE_COLUMNS as CONDUCT_COLUMNS
from goodwill.signals.conduct import Conduct, account_conduct
from goodwill.signals.facts import account_facts
from goodwill.signals.health import SIGNALS, health_signals, reasons_for
from goodwill.signals.payments import payment_behaviour
from goodwill.signals.profile import TABLE_COLUMNS, Profile, relationship_profile
from goodwill.signals.reasons import Reason
from goodwill.signals.seasonal import month_index
from goodwill.signals.service import service_facts
from goodwill.store import Store
from goodwill.store.migrations import SNAPSHOT_COLUMNS
from goodwill.value import ValueModels, account_value

#: the payment figures health's payment signal reads
PAYMENT_FACTS = ("payment_trend_days", "days_beyond_terms_3m", "days_beyond_terms_before")
#: the columns of a snapshot export, in order
EXPORT_COLUMNS = (
    "account_id", "name", "owner", "segment", "health", "status", "trend", "p_alive",
    "revenue_12m", "margin_12m", "expected_purchases_12m", "clv_12m", "cost_to_serve_12m",
    "net_value", "top_reason", "level", "level_change", "level_reason", "responsiveness",
    "response_effect", "responsiveness_reason", "payment_score", "payment_reason",
    "credit_advice", "credit_reason", "trust_index", "trust_reason", "service_neglected",
    "service_reason",
)  # fmt: skip


@dataclass
class Snapshot:
    """Scores of every customer account as of one date."""

    as_of: dt.date
    #: one row per account (index account_id): figures, statuses and signal columns
    table: pd.DataFrame
    #: per account, ranked reasons
    reasons: dict[str, list[Reason]]
    models: ValueModels = field(default_factory=ValueModels)
    settings: Settings = field(default_factory=Settings.load)
    #: level and responsiveness with their reasons (None when scored without them)
    profile: Profile | None = None
    #: payment behaviour, credit advice and trust with their reasons
    conduct: Conduct | None = None

    def export_frame(self, lang: Lang = "en") -> pd.DataFrame:
        """The snapshot as a flat table with the top reason in ``lang``."""
        frame = self.table.reset_index()
        ids = frame["account_id"].tolist()
        frame["top_reason"] = [
            self.reasons[a][0].text(lang) if self.reasons.get(a) else "" for a in ids
        ]
        level = self.profile.level_reasons if self.profile else {}
        response = self.profile.response_reasons if self.profile else {}
        frame["level_reason"] = [level[a][0].text(lang) if level.get(a) else "" for a in ids]
        frame["responsiveness_reason"] = [
            response[a][0].text(lang) if response.get(a) else "" for a in ids
        ]
        topics = self.conduct.reasons if self.conduct else {}
        for column, topic in (("payment_reason", "payment_reasons"),
                              ("credit_reason", "credit_reasons"),
                              ("trust_reason", "trust_reasons"),
                              ("service_reason", "service_reasons")):  # fmt: skip
            found = topics.get(topic, {})
            frame[column] = [found[a][0].text(lang) if found.get(a) else "" for a in ids]
        for col in ("level", "level_change", "responsiveness", "response_effect",
                    "payment_score", "credit_advice", "trust_index",
                    "service_neglected"):  # fmt: skip
            if col not in frame:
                frame[col] = None
        return frame[list(EXPORT_COLUMNS)]

    def needing_attention(self, limit: int = 20) -> pd.DataFrame:
        """At-risk and watch accounts, most valuable first; dormant accounts (no order
        for ``health.churn_silence_days``) are left out: they have already gone."""
        t = self.table
        flagged = t[t["status"].isin(["at_risk", "watch"]) & ~t["dormant"]].copy()
        flagged["_order"] = flagged["status"].map({"at_risk": 0, "watch": 1})
        flagged = flagged.sort_values(["_order", "clv_12m"], ascending=[True, False])
        return flagged.drop(columns="_order").head(limit)


def as_date(value: dt.date | str | None, store: Store) -> dt.date:
    if value is None:
        return store.order_span()[1]
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise GoodwillError("'{value}' is not a date like 2026-10-31", value=value) from exc


def score(
    store: Store,
    as_of: dt.date | str | None = None,
    *,
    settings: Settings | None = None,
    save: bool = True,
    profile: bool = True,
    progress: ProgressCallback | None = None,
) -> Snapshot:
    """Score every customer account as of ``as_of`` (default: the last order date) and,
    with ``save``, store the snapshot (replacing one of the same date). With ``profile``
    the snapshot also holds each account's relationship level and its response to our
    attention (:mod:`goodwill.signals.profile`) and the service its first orders got
    (:mod:`goodwill.signals.service`: a neglected first order leads its reasons); health
    and value do not depend on them. Payments, credit advice and trust always come with
    health (:mod:`goodwill.signals.conduct`)."""
    settings = settings or Settings.for_store(store.path)
    day = as_date(as_of, store)
    steps = 1.0 + profile + save
    report = progress or noop
    with gc_paused():
        report("value and health", 0.0, steps)
        snapshot = _score(store, day, settings)
        if profile:
            report("relationship level, response to our attention, service", 1.0, steps)
            snapshot = _with_profile(snapshot, relationship_profile(store.con, day, settings))
            snapshot = _with_service(snapshot, service_facts(store.con, day, settings))
        if save:
            report("saving the snapshot", steps - 1.0, steps)
            save_snapshot(store, snapshot)
        report("scored", steps, steps)
    return snapshot


def _score(store: Store, day: dt.date, settings: Settings) -> Snapshot:
    gathered = account_facts(store.con, day, settings)
    paid = payment_behaviour(store.con, day, settings)
    facts = gathered.accounts.join(paid[list(PAYMENT_FACTS)])
    season = month_index(gathered.monthly, day)
    value, models = account_value(gathered.purchases, facts["margin_rate"], settings)
    value = value.reindex(facts.index)
    signals = health_signals(facts, value["p_alive"], season, day, settings)
    # (the ids as a list: iterating an Arrow-backed index goes value by value)
    ids = facts.index.tolist()
    reasons = dict(zip(ids, reasons_for(signals, facts, settings), strict=True))
    conduct = account_conduct(paid, facts, settings)
    reasons = conduct.after_health(reasons)
    table = pd.DataFrame(index=facts.index)
    for col in ("name", "owner", "segment", "parent_id"):
        table[col] = facts[col]
    table["health"] = signals["health"].round(2)
    table["status"] = signals["status"]
    table["trend"] = _trend(store, day, table["health"], settings)
    silence = float(settings["health"]["churn_silence_days"])
    table["dormant"] = signals["days_since_order"] > silence
    table["p_alive"] = value["p_alive"]
    table["revenue_12m"] = facts["revenue_12m"]
    table["margin_12m"] = facts["margin_12m"]
    table["expected_purchases_12m"] = value["expected_purchases_12m"]
    table["clv_12m"] = value["clv_12m"]
    table["cost_to_serve_12m"] = facts["cost_to_serve_12m"]
    table["net_value"] = table["clv_12m"] - table["cost_to_serve_12m"]
    for col in signals.columns:
        if col not in ("health", "status", "p_alive"):
            table[col] = signals[col]
    for col in CONDUCT_COLUMNS:
        table[col] = conduct.table[col]
    return Snapshot(day, table, reasons, models, settings, conduct=conduct)


def _with_service(snapshot: Snapshot, served: pd.DataFrame) -> Snapshot:
    assert snapshot.conduct is not None
    conduct = snapshot.conduct.with_service(served, snapshot.settings)
    for col in ("size_class", "is_new", "service_neglected"):
        snapshot.table[col] = conduct.table[col]
    reasons = conduct.before(snapshot.reasons)
    return dataclasses.replace(snapshot, conduct=conduct, reasons=reasons)


def _with_profile(snapshot: Snapshot, profile: Profile) -> Snapshot:
    table = snapshot.table
    extra = profile.table.reindex(table.index)
    for col in TABLE_COLUMNS:
        table[col] = extra[col]
    table["responsiveness"] = table.pop("response_label")
    return dataclasses.replace(snapshot, profile=profile)


def _trend(store: Store, day: dt.date, health: pd.Series, settings: Settings) -> pd.Series:
    previous = store.con.execute(
        "SELECT account_id, health FROM health_snapshots WHERE as_of = "
        "(SELECT max(as_of) FROM health_snapshots WHERE as_of < ?)",
        [day],
    ).df()
    if previous.empty:
        return pd.Series("new", index=health.index)
    before = previous.set_index("account_id")["health"].reindex(health.index)
    change = health - before
    step = float(settings["health"]["trend_points"])
    return pd.Series(
        np.where(
            before.isna(),
            "new",
            np.where(
                change >= step, "improving", np.where(change <= -step, "deteriorating", "stable")
            ),
        ),
        index=health.index,
    )


_SIGNAL_VALUES = (
    "days_since_order", "order_gap_days", "order_expected_missed", "days_since_heard",
    "heard_gap_days", "heard_expected_missed", "complaint_expected_missed", "order_trend_ratio",
)  # fmt: skip


def _struct(fields: dict[str, str]) -> str:
    """SQL for a struct of ``fields`` (key -> SQL expression), keys in sorted order."""
    return "struct_pack(" + ", ".join(f'"{k}" := {v}' for k, v in sorted(fields.items())) + ")"


def _signal_columns(table: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """Every signal's points and baseline and the values behind them, as flat columns
    (rounded to 4 decimals) and the SQL that packs them into one JSON object per row."""
    columns = [f"{name}_{part}" for name in SIGNALS for part in ("points", "baseline")]
    frame = table[columns + list(_SIGNAL_VALUES)].astype(float).round(4)
    fields = {
        name: _struct({"points": f'"s__{name}_points"', "baseline": f'"s__{name}_baseline"'})
        for name in SIGNALS
    }
    fields.update({key: f'"s__{key}"' for key in _SIGNAL_VALUES})
    return frame.add_prefix("s__"), f"to_json({_struct(fields)})"


#: the profile's figures a snapshot row holds as columns
_PROFILE_FIGURES = ("level", "level_change", "responsiveness", "response_effect")
#: the conduct's figures a snapshot row holds as columns
_CONDUCT_FIGURES = ("payment_score", "credit_advice", "trust_index")
#: the figures a snapshot row holds as columns
_FIGURES = (
    "health", "status", "trend", "p_alive", "revenue_12m", "margin_12m",
    "expected_purchases_12m", "clv_12m", "cost_to_serve_12m", "net_value",
)  # fmt: skip


def save_snapshot(store: Store, snapshot: Snapshot) -> None:
    """Write ``snapshot`` to the store, replacing any snapshot of the same date."""
    from goodwill import __version__

    t = snapshot.table
    ids = t.index.tolist()
    n = len(ids)

    def column(name: str) -> Any:
        return t[name].to_numpy() if name in t else [None] * n

    signals, signals_sql = _signal_columns(t)
    parts = [
        pd.DataFrame(
            {
                "_row": np.arange(n),
                "as_of": snapshot.as_of,
                "account_id": ids,
                **{c: column(c) for c in _FIGURES},
                "reasons": [
                    json.dumps([r.to_dict() for r in snapshot.reasons.get(a, [])]) for a in ids
                ],
                **{c: column(c) for c in _PROFILE_FIGURES},
                **{c: column(c) for c in _CONDUCT_FIGURES},
            }
        ),
        signals.reset_index(drop=True),
    ]
    profile_sql = "NULL"
    if snapshot.profile is not None:
        profile, profile_sql = snapshot.profile.columns(ids)
        parts.append(profile.reset_index(drop=True))
    conduct_sql = "NULL"
    if snapshot.conduct is not None:
        conduct, conduct_sql = snapshot.conduct.columns(ids)
        parts.append(conduct.reset_index(drop=True))
    rows = pd.concat(parts, axis=1)
    packed = {"signals": signals_sql, "profile": profile_sql, "conduct": conduct_sql}
    select = ", ".join(packed.get(name, f'"{name}"') for name, _ in SNAPSHOT_COLUMNS)
    imports = store.con.execute(
        "SELECT import_id FROM goodwill_imports WHERE status = 'done' ORDER BY 1"
    ).fetchall()
    run = [
        snapshot.as_of,
        __version__,
        len(t),
        snapshot.settings.to_json(),
        json.dumps(
            {
                "purchase": snapshot.models.purchase,
                "spend": snapshot.models.spend,
                "notes": snapshot.models.notes,
            },
            sort_keys=True,
            default=str,
        ),
        json.dumps([int(i[0]) for i in imports]),
    ]
    con = store.con
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("DELETE FROM health_snapshots WHERE as_of = ?", [snapshot.as_of])
        con.execute("DELETE FROM snapshot_runs WHERE as_of = ?", [snapshot.as_of])
        con.register("_snapshot_rows", rows)
        con.execute(
            f"INSERT INTO health_snapshots SELECT {select} FROM _snapshot_rows ORDER BY _row"
        )
        con.unregister("_snapshot_rows")
        con.execute(
            "INSERT INTO snapshot_runs VALUES (?, current_localtimestamp(), ?, ?, ?, ?, ?)", run
        )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def load_snapshot(store: Store, as_of: dt.date) -> pd.DataFrame:
    """A saved snapshot as stored (one row per account)."""
    return store.con.execute(
        "SELECT * FROM health_snapshots WHERE as_of = ? ORDER BY account_id", [as_of]
    ).df()


def score_months(
    store: Store,
    *,
    warmup_days: int = 365,
    settings: Settings | None = None,
    progress: Any = None,
) -> list[Snapshot]:
    """Score and save every month end from ``warmup_days`` after the first order up to the
    last order date (which is scored too); returns the snapshots, oldest first."""
    from goodwill.signals.calibrate import month_ends

    first, last = store.order_span()
    dates = month_ends(first + dt.timedelta(days=warmup_days), last)
    if not dates or dates[-1] != last:
        dates.append(last)
    settings = settings or Settings.for_store(store.path)
    out = []
    for i, day in enumerate(dates):
        if progress is not None:
            progress("scoring", float(i), float(len(dates)))
        out.append(score(store, day, settings=settings))
    return out
