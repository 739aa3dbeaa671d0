"""The portfolio report as data: headline figures, the tables by account manager and
segment, the accounts at risk, the scatter, and the week's plan — every text already in
the report's language. :mod:`goodwill.report.page` renders it as one HTML file,
:mod:`goodwill.report.workbook` as an Excel workbook.

Counts by status are over *active* customers: a dormant account (no order for longer
than ``health.churn_silence_days``) has already gone and is counted apart.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd

from goodwill._typing import Lang
from goodwill.i18n import N_, gettext
from goodwill.plan.calendar import ACTION_WORDS, STOP_WORDS
from goodwill.progress import ProgressCallback, noop
from goodwill.report.saved import SavedSnapshot, load_saved
from goodwill.report.scatter import scatter_points
from goodwill.report.scope import owned_accounts, scoped_snapshot, scoped_week_plan
from goodwill.report.tables import Column, Figure, Table, format_day
from goodwill.report.weekplan import WeekPlan, default_week, week_plan
from goodwill.report.words import ADVICE_WORDS, STATUS_WORDS, TREND_WORDS
from goodwill.settings import Settings
from goodwill.store import Store

__all__ = ["PlanSection", "PortfolioReport", "portfolio_report"]

#: how many reasons the at-risk table shows per account
REASONS_SHOWN = 2


@dataclass(frozen=True)
class PlanSection:
    """The week's plan as the report shows it."""

    week: str
    as_of: dt.date
    saved: bool
    notes: list[str]
    owners: Table
    actions: Table
    stop: Table


@dataclass(frozen=True)
class PortfolioReport:
    """Everything the report shows, in ``lang``."""

    lang: Lang
    title: str
    as_of: dt.date
    figures: list[Figure]
    owners: Table
    segments: Table
    at_risk: Table
    scatter: dict[str, Any]
    plan: PlanSection
    #: the owner code the report is limited to (``None``: every account)
    scope: str | None = None

    @property
    def tables(self) -> list[Table]:
        """Every table, in the order of the page."""
        p = self.plan
        return [self.owners, self.segments, self.at_risk, p.owners, p.actions, p.stop]


def _at_risk_mask(table: pd.DataFrame) -> pd.Series:
    return (table["status"] == "at_risk") & ~table["dormant"]


def _figures(store: Store, snap: SavedSnapshot, lang: Lang, scope: str | None) -> list[Figure]:
    t = snap.table
    active = t[~t["dormant"]]
    status = active["status"].value_counts()
    row = store.con.execute(
        "SELECT count(*) FROM accounts WHERE CAST($scope AS VARCHAR) IS NULL OR owner = $scope",
        {"scope": scope},
    ).fetchone()
    accounts = int(row[0]) if row else 0

    def total(column: str) -> float:
        return float(pd.to_numeric(t[column], errors="coerce").sum())

    return [
        Figure("accounts", gettext("accounts in the store", lang), accounts),
        Figure("customers", gettext("customer accounts scored", lang), len(t)),
        Figure("active", gettext("active customers", lang), len(active)),
        Figure("at_risk", gettext(STATUS_WORDS["at_risk"], lang), int(status.get("at_risk", 0))),
        Figure("watch", gettext(STATUS_WORDS["watch"], lang), int(status.get("watch", 0))),
        Figure("healthy", gettext(STATUS_WORDS["healthy"], lang), int(status.get("healthy", 0))),
        Figure("dormant", gettext("dormant (no longer ordering)", lang), int(t["dormant"].sum())),
        Figure("revenue", gettext("revenue, last 12 months", lang), total("revenue_12m"), "money"),
        Figure("margin", gettext("margin, last 12 months", lang), total("margin_12m"), "money"),
        Figure("clv", gettext("CLV 12 months", lang), total("clv_12m"), "money"),
        Figure("net_value", gettext("net value", lang), total("net_value"), "money"),
    ]


def _grouped(table: pd.DataFrame, by: str, key: str, lang: Lang) -> Table:
    t = table.assign(
        _active=~table["dormant"],
        _at_risk=_at_risk_mask(table),
        _watch=(table["status"] == "watch") & ~table["dormant"],
    )
    g = t.groupby(by, sort=False).agg(
        accounts=("name", "size"),
        active=("_active", "sum"),
        at_risk=("_at_risk", "sum"),
        watch=("_watch", "sum"),
        revenue=("revenue_12m", "sum"),
        margin=("margin_12m", "sum"),
        clv=("clv_12m", "sum"),
        net=("net_value", "sum"),
    )
    g = g.reset_index().sort_values(["revenue", by], ascending=[False, True])
    first = N_("account manager") if by == "owner" else N_("segment")
    columns = (
        Column(by, gettext(first, lang)),
        Column("accounts", gettext("accounts", lang), "int"),
        Column("active", gettext("active customers", lang), "int"),
        Column("at_risk", gettext("at risk", lang), "int"),
        Column("watch", gettext("watch", lang), "int"),
        Column("revenue_12m", gettext("revenue, last 12 months", lang), "money"),
        Column("margin_12m", gettext("margin, last 12 months", lang), "money"),
        Column("clv_12m", gettext("CLV 12 months", lang), "money"),
        Column("net_value", gettext("net value", lang), "money"),
    )
    rows = [
        (str(r[by]), int(r["accounts"]), int(r["active"]), int(r["at_risk"]), int(r["watch"]),
         float(r["revenue"]), float(r["margin"]), float(r["clv"]), float(r["net"]))
        for r in g.to_dict("records")
    ]  # fmt: skip
    title = gettext("By account manager", lang) if by == "owner" else gettext("By segment", lang)
    sheet = gettext("account managers", lang) if by == "owner" else gettext("segments", lang)
    return Table(key, title, sheet, columns, rows)


def _at_risk(snap: SavedSnapshot, lang: Lang) -> Table:
    t = snap.table[_at_risk_mask(snap.table)]
    t = t.sort_values(["net_value", "name"], ascending=[False, True], na_position="last")
    columns = (
        Column("account_id", gettext("account", lang)),
        Column("name", gettext("name", lang)),
        Column("owner", gettext("account manager", lang)),
        Column("net_value", gettext("net value", lang), "money"),
        Column("clv_12m", gettext("CLV 12 months", lang), "money"),
        Column("health", gettext("health", lang), "number"),
        Column("status", gettext("status", lang)),
        Column("trend", gettext("trend", lang)),
        Column("reasons", gettext("main reasons", lang)),
        Column("payment_score", gettext("payment score", lang), "number"),
        Column("credit_advice", gettext("credit advice", lang)),
        Column("credit_reason", gettext("why (credit)", lang)),
    )
    rows: list[tuple[Any, ...]] = []
    for account, r in zip(t.index.tolist(), t.to_dict("records"), strict=True):
        reasons = "; ".join(x.text(lang) for x in snap.reasons.get(account, [])[:REASONS_SHOWN])
        advice = r["credit_advice"]
        credit = gettext(ADVICE_WORDS[advice], lang) if advice in ADVICE_WORDS else ""
        why = snap.credit_reasons.get(account, [])
        trend = str(r["trend"])
        rows.append(
            (str(account), str(r["name"]), str(r["owner"]), float(r["net_value"]),
             float(r["clv_12m"]), float(r["health"]), gettext(STATUS_WORDS["at_risk"], lang),
             gettext(TREND_WORDS[trend], lang) if trend in TREND_WORDS else trend, reasons,
             r["payment_score"], credit, why[0].text(lang) if why else "")
        )  # fmt: skip
    return Table(
        "at_risk", gettext("Accounts at risk", lang), gettext("at risk", lang), columns, rows
    )


def _plan_section(plan: WeekPlan, lang: Lang) -> PlanSection:
    a = plan.actions
    owner_rows = []
    for owner, cap in sorted(plan.capacity.items()):
        mine = a[a["owner"] == owner]
        owner_rows.append(
            (owner, len(mine), float(mine["hours"].sum()), float(cap), float(mine["net"].sum()))
        )
    owners = Table(
        "plan_owners",
        gettext("Per account manager", lang),
        gettext("plan per manager", lang),
        (
            Column("owner", gettext("account manager", lang)),
            Column("actions", gettext("actions", lang), "int"),
            Column("hours", gettext("hours", lang), "number", 1),
            Column("capacity", gettext("capacity", lang), "number", 1),
            Column("net", gettext("net value", lang), "money"),
        ),
        owner_rows,
    )
    action_rows = [
        (str(r["owner"]), str(r["account_id"]), str(r["name"]),
         gettext(ACTION_WORDS.get(str(r["action"]), str(r["action"])), lang), float(r["hours"]),
         float(r["expected_value"]), float(r["net"]), r["purpose"].text(lang))
        for r in a.sort_values(["owner", "net"], ascending=[True, False]).to_dict("records")
    ]  # fmt: skip
    actions = Table(
        "plan_actions",
        gettext("This week", lang),
        gettext("plan actions", lang),
        (
            Column("owner", gettext("account manager", lang)),
            Column("account_id", gettext("account", lang)),
            Column("name", gettext("name", lang)),
            Column("action", gettext("action", lang)),
            Column("hours", gettext("hours", lang), "number", 2),
            Column("expected_value", gettext("expected value", lang), "money"),
            Column("net", gettext("net value", lang), "money"),
            Column("purpose", gettext("purpose", lang)),
        ),
        action_rows,
    )
    s = plan.stop
    stop_rows = [
        (str(r["owner"]), str(account), str(r["name"]),
         gettext(STOP_WORDS.get(str(r["suggestion"]), str(r["suggestion"])), lang),
         float(r["margin_12m"]), r["attention_12m"], float(r["cost_to_serve_12m"]))
        for account, r in zip(s.index.tolist(), s.to_dict("records"), strict=True)
    ]  # fmt: skip
    stop = Table(
        "stop",
        gettext("Stop spending time here", lang),
        gettext("stop list", lang),
        (
            Column("owner", gettext("account manager", lang)),
            Column("account_id", gettext("account", lang)),
            Column("name", gettext("name", lang)),
            Column("suggestion", gettext("instead", lang)),
            Column("margin_12m", gettext("margin, last 12 months", lang), "money"),
            Column("attention_12m", gettext("our contacts, last 12 months", lang), "int"),
            Column("cost_to_serve_12m", gettext("cost to serve, last 12 months", lang), "money"),
        ),
        stop_rows,
    )
    texts = {
        "not_saved": gettext(
            "No plan was saved for {week}: this plan was computed for the report and not "
            "saved. goodwill plan --week {week} saves one, with its hold-out recorded for "
            "review.",
            lang,
            week=plan.week,
        ),
        "ends_early": gettext(
            "the data ends on {date}: the plan rests on the facts up to then",
            lang,
            date=plan.as_of.isoformat(),
        ),
        "stop_list_missing": gettext(
            "The snapshot this plan rests on ({date}) is no longer in the store: no stop list.",
            lang,
            date=plan.as_of.isoformat(),
        ),
    }
    notes = [texts[n] for n in plan.notes]
    return PlanSection(plan.week, plan.as_of, plan.saved, notes, owners, actions, stop)


def portfolio_report(
    store: Store,
    as_of: dt.date | None = None,
    *,
    week: str | None = None,
    lang: Lang = "en",
    settings: Settings | None = None,
    progress: ProgressCallback | None = None,
    scope: str | None = None,
) -> PortfolioReport:
    """The report of the latest snapshot on or before ``as_of`` and the plan of ``week``
    (default: the week after the snapshot; the saved plan, else one computed and not
    saved). With ``scope``, an owner code, every part of it covers only the accounts
    with that owner (:mod:`goodwill.report.scope`). Raises
    :class:`goodwill.report.saved.NotScoredError` when there is no snapshot."""
    report = progress or noop
    report("reading the snapshot", 0.0, 3.0)
    snap = load_saved(store, as_of)
    week = week or default_week(snap.as_of)
    report("the week's plan", 1.0, 3.0)
    plan = week_plan(store, week, settings)
    if scope is not None:
        owned = owned_accounts(store, scope)
        snap = scoped_snapshot(snap, owned)
        plan = scoped_week_plan(plan, scope, owned)
    report("writing the report", 2.0, 3.0)
    day = format_day(snap.as_of, lang)
    title = (
        gettext("Portfolio report as of {date}", lang, date=day)
        if scope is None
        else gettext("Portfolio report of {owner} as of {date}", lang, owner=scope, date=day)
    )
    return PortfolioReport(
        lang=lang,
        title=title,
        as_of=snap.as_of,
        figures=_figures(store, snap, lang, scope),
        owners=_grouped(snap.table, "owner", "owners", lang),
        segments=_grouped(snap.table, "segment", "segments", lang),
        at_risk=_at_risk(snap, lang),
        scatter=scatter_points(snap.table, _at_risk_mask(snap.table), lang),
        plan=_plan_section(plan, lang),
        scope=scope,
    )
