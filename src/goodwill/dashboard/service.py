"""Service to small and new accounts as of a date: the comparison by size and age, and
the new accounts whose first orders were neglected, with their reasons."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from goodwill.settings import Settings
from goodwill.signals.reasons import Reason
from goodwill.signals.service import (
    neglected_new_accounts,
    service_comparison,
    service_facts,
    service_reasons,
)
from goodwill.store import Store


@dataclass(frozen=True)
class ServiceView:
    as_of: dt.date
    #: one row per group (value: small, medium, large, unknown, new, established)
    comparison: pd.DataFrame
    #: the neglected new accounts (index account_id): name, size_class, first_order ...
    neglected: pd.DataFrame
    reasons: dict[str, list[Reason]]
    first_orders: int
    norm_percentile: int
    min_evidence: int


def service_view(
    store: Store, as_of: dt.date, settings: Settings, scope: str | None = None
) -> ServiceView:
    """How we serve small and new accounts against the others, as of ``as_of``. With
    ``scope`` (an account manager's owner code) the comparison and the neglected accounts
    cover that owner's accounts only; the norms stay those of every account."""
    frame = service_facts(store.con, as_of, settings)
    cfg = settings["service"]
    neglected = neglected_new_accounts(frame, settings) if len(frame) else frame
    reasons = service_reasons(frame, settings) if len(frame) else {}
    if scope is not None:
        owned = {
            str(r[0])
            for r in store.con.execute(
                "SELECT account_id FROM accounts WHERE owner = ?", [scope]
            ).fetchall()
        }
        frame = frame[frame.index.isin(owned)]
        neglected = neglected[neglected.index.isin(owned)]
        reasons = {k: v for k, v in reasons.items() if k in owned}
    return ServiceView(
        as_of=as_of,
        comparison=service_comparison(frame) if len(frame) else pd.DataFrame(),
        neglected=neglected,
        reasons=reasons,
        first_orders=int(cfg["first_orders"]),
        norm_percentile=int(cfg["norm_percentile"]),
        min_evidence=int(cfg["min_evidence"]),
    )
