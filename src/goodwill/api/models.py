"""The API's response bodies as pydantic models, so OpenAPI describes every field:
numbers are numbers, dates ISO 8601, and what may be missing is declared nullable."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, Field


class Reason(BaseModel):
    """Why a score is lower (or an advice given): data, with its sentence."""

    signal: str = Field(description="the signal, such as order_silence or credit")
    code: str = Field(description="the finding, such as order_silence or credit_score_weak")
    points: float = Field(description="the points the signal scored")
    baseline: float = Field(description="the points at the account's own norm")
    params: dict[str, Any] = Field(description="the numbers in the sentence")
    text: str = Field(description="the sentence, in the language asked for")


class Paged(BaseModel):
    """Paging of a list: ``next`` is the path of the next page, null on the last."""

    total: int = Field(description="items in the whole list (after filters)")
    limit: int
    offset: int
    next: str | None = Field(description="path and query of the next page; null on the last")


class AccountSummary(BaseModel):
    account_id: str
    name: str | None
    kind: str | None = Field(description="customer, prospect or supplier")
    owner: str | None = Field(description="the account manager's code")
    segment: str | None
    parent_id: str | None = Field(
        description="the group's parent account (null when not in the caller's scope)"
    )
    scored: bool = Field(description="the account is in the latest snapshot")
    health: float | None = Field(description="0-100")
    status: str | None = Field(description="at_risk, watch or healthy")
    trend: str | None
    level: str | None = Field(description="transactional, fruitful or growing_together")
    responsiveness: str | None
    revenue_12m: float | None
    clv_12m: float | None = Field(description="predicted margin, next 12 months")
    net_value: float | None
    credit_advice: str | None = Field(description="prepayment, tighten or keep")
    payment_score: float | None
    needs_attention: bool
    top_reason: Reason | None


class AccountPage(Paged):
    as_of: dt.date | None = Field(description="the latest snapshot's date")
    items: list[AccountSummary]


class AccountRef(BaseModel):
    account_id: str
    name: str | None


class Figures(BaseModel):
    """An account's figures in one snapshot."""

    as_of: dt.date
    health: float | None
    status: str | None
    trend: str | None
    p_alive: float | None = Field(description="chance it still buys from us, 0-1")
    revenue_12m: float | None
    margin_12m: float | None
    expected_purchases_12m: float | None
    clv_12m: float | None
    cost_to_serve_12m: float | None
    net_value: float | None
    trust_index: float | None


class LevelView(BaseModel):
    level: str | None
    change: str | None = Field(description="up, down or same against a year ago")
    year_ago: str | None
    method: str | None
    reasons: list[Reason]


class ResponsivenessView(BaseModel):
    label: str | None = Field(description="responds, indifferent or not_enough_evidence")
    effect: float | None = Field(description="relative change of orders after our contacts")
    low: float | None
    high: float | None
    reasons: list[Reason]


class PaymentView(BaseModel):
    payment_score: float | None
    credit_advice: str | None
    payment_terms_days: float | None
    open_amount: float | None
    overdue_amount: float | None
    oldest_overdue_days: float | None
    days_beyond_terms_3m: float | None
    days_beyond_terms_12m: float | None
    share_paid_late_12m: float | None
    credit_limit: float | None
    insured_limit: float | None
    suggested_terms_days: float | None
    suggested_limit: float | None
    cover_withdrawn: bool | None
    payment_reasons: list[Reason]
    credit_reasons: list[Reason]


class AccountDetail(BaseModel):
    account_id: str
    name: str | None
    kind: str | None
    owner: str | None
    segment: str | None
    country: str | None
    region: str | None
    postcode: str | None
    employees: int | None
    currency: str | None
    created_on: dt.date | None
    payment_terms_days: int | None
    credit_limit: float | None
    insured_limit: float | None
    parent: AccountRef | None = Field(description="the group's parent, when in scope")
    members: list[AccountRef] = Field(description="the group's members in scope")
    as_of: dt.date | None = Field(description="the latest snapshot with this account")
    figures: Figures | None
    reasons: list[Reason]
    level: LevelView | None
    responsiveness: ResponsivenessView | None
    payment: PaymentView | None


class SnapshotRow(BaseModel):
    """One account in one snapshot, with its ranked reasons."""

    as_of: dt.date
    account_id: str
    name: str | None
    owner: str | None
    health: float | None
    status: str | None
    trend: str | None
    level: str | None
    responsiveness: str | None
    revenue_12m: float | None
    clv_12m: float | None
    net_value: float | None
    payment_score: float | None
    credit_advice: str | None
    reasons: list[Reason]


class SnapshotPage(Paged):
    items: list[SnapshotRow]


class SnapshotRun(BaseModel):
    as_of: dt.date
    computed_at: dt.datetime | None
    accounts: int = Field(description="accounts scored (of those in the caller's scope)")
    goodwill_version: str | None


class SnapshotList(BaseModel):
    items: list[SnapshotRun] = Field(description="newest first")


class Purpose(BaseModel):
    code: str
    params: dict[str, Any]
    text: str


class PlanAction(BaseModel):
    owner: str | None
    account_id: str
    name: str | None
    action: str = Field(description="visit, call or email ...")
    hours: float | None
    expected_value: float | None = Field(description="value protected or won (EUR)")
    cost: float | None
    net: float | None
    purpose: Purpose


class StopEntry(BaseModel):
    """An account where our time does not pay."""

    account_id: str
    owner: str | None
    name: str | None
    why: str = Field(description="low_value or indifferent")
    suggestion: str = Field(description="self_service or email_only")
    margin_12m: float | None
    attention_12m: float | None
    cost_to_serve_12m: float | None


class PlanDetail(BaseModel):
    week: str
    as_of: dt.date
    capacity: dict[str, float] = Field(description="hours per account manager")
    objective: float | None = Field(description="net value planned over the whole plan")
    holdout_share: float | None
    actions: list[PlanAction]
    stop: list[StopEntry]


class PlanSummary(BaseModel):
    week: str
    as_of: dt.date | None
    created_at: dt.datetime | None
    actions: int = Field(description="actions (of those in the caller's scope)")


class PlanList(BaseModel):
    items: list[PlanSummary] = Field(description="newest week first")


class PaymentRow(BaseModel):
    account_id: str
    name: str | None
    owner: str | None
    credit_advice: str | None
    payment_score: float | None
    open_amount: float | None
    overdue_amount: float | None
    oldest_overdue_days: float | None
    days_beyond_terms_3m: float | None
    days_beyond_terms_12m: float | None
    suggested_terms_days: float | None
    suggested_limit: float | None
    credit_limit: float | None
    insured_limit: float | None
    reasons: list[Reason] = Field(description="credit reasons, then payment reasons")


class PaymentPage(Paged):
    as_of: dt.date | None
    items: list[PaymentRow]


JobStatus = Literal["queued", "running", "succeeded", "failed"]


class Problem(BaseModel):
    """One problem in an imported file."""

    file: str
    row: int = Field(description="line in a CSV (header = 1), sheet row, record; 0: the file")
    column: str
    value: str | None
    code: str
    problem: str
    fix: str


class ImportJob(BaseModel):
    job_id: str
    status: JobStatus
    table: str
    file_name: str
    size_bytes: int
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    import_id: int | None = Field(description="the import in the store's log, once written")
    rows: int | None
    inserted: int | None
    updated: int | None
    unchanged: int | None
    rescored_as_of: dt.date | None = Field(description="the snapshot scored again after it")
    message: str | None = Field(description="why it failed (or a note on a success)")
    problems: list[Problem] = Field(description="the first problems found (nothing written)")
    problems_total: int


class ImportLogEntry(BaseModel):
    import_id: int
    batch_id: int | None
    table: str
    file_name: str | None
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    rows_in_file: int | None
    inserted: int | None
    updated: int | None
    unchanged: int | None
    status: str | None
    undone_at: dt.datetime | None


class ImportLog(Paged):
    items: list[ImportLogEntry] = Field(description="newest first")
