"""``/plans``: the weeks planned, and one saved plan — its actions with their purposes
and where our time does not pay — limited to the caller's accounts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request

from goodwill.api import models, present
from goodwill.api.errors import ApiError
from goodwill.api.params import LangQuery, Reader, clean, lang_of
from goodwill.api.scope import visible
from goodwill.dashboard.week import load_plan, plan_summaries
from goodwill.plan import week_name, week_start
from goodwill.web.templating import state_of

router = APIRouter(tags=["plans"])

Week = Annotated[
    str,
    Path(
        pattern=r"^\d{4}-[Ww]\d{1,2}$",
        description="an ISO week such as 2026-W48",
        examples=["2025-W27"],
    ),
]


@router.get("/plans", operation_id="listPlans")
def list_plans(request: Request, principal: Reader) -> models.PlanList:
    """Every saved plan, newest week first, with how many of its actions are the caller's."""
    with state_of(request).reading() as store:
        frame = plan_summaries(store, principal.scope)
    return models.PlanList(
        items=[
            models.PlanSummary(
                week=str(r["week"]),
                as_of=present.as_date(r["as_of"]),
                created_at=present.as_datetime(r["created_at"]),
                actions=int(r["actions"]),
            )
            for r in present.records(frame)
        ]
    )


@router.get("/plans/{week}", operation_id="getPlan")
def get_plan(
    request: Request, principal: Reader, week: Week, lang: LangQuery = None
) -> models.PlanDetail:
    """The saved plan of ``week``: every action (per account manager, best first) with
    its purpose, and the stop list (accounts where time does not pay). An account
    manager sees the actions and stop list of their own accounts and their own hours."""
    state = state_of(request)
    language = lang_of(request, lang)
    name = week_name(week_start(week))
    with state.reading() as store:
        plan = load_plan(store, name, state.settings)
        if plan is None:
            raise ApiError(
                "no plan saved for {week}; GET /api/v1/plans lists them", status=404, week=name
            )
        ids = [*plan.actions["account_id"].astype(str), *plan.stop.index.astype(str)]
        seen = visible(store, ids, principal.scope)
    actions = plan.actions[plan.actions["account_id"].astype(str).isin(seen)]
    stop = plan.stop[plan.stop.index.astype(str).isin(seen)]
    capacity = plan.capacity
    if principal.scope is not None:
        capacity = {k: v for k, v in capacity.items() if k == principal.scope}
    return models.PlanDetail(
        week=plan.week,
        as_of=plan.as_of,
        capacity=capacity,
        objective=clean(plan.objective),
        holdout_share=clean(plan.holdout_share),
        actions=[
            models.PlanAction(
                **{k: v for k, v in clean(row).items() if k != "purpose"},
                purpose=present.purpose(row["purpose"], language),
            )
            for row in actions.to_dict("records")
        ],
        stop=[
            models.StopEntry(account_id=str(i), **clean(row))
            for i, row in zip(stop.index, stop.to_dict("records"), strict=True)
        ],
    )
