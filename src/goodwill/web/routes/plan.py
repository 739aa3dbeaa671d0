"""``/plan``: this week's plan per account manager with purposes, where time does not
pay, calendar files, and how last weeks' plans went."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from goodwill.dashboard.week import (
    default_week,
    load_plan,
    planned_weeks,
    scoped_plan,
    scoped_review,
)
from goodwill.plan import plan_week, week_name, week_start
from goodwill.plan.calendar import ics
from goodwill.plan.review import Review, review
from goodwill.plan.saved import save_plan
from goodwill.store.order_days import order_days_current
from goodwill.web.access import Role
from goodwill.web.principals import AccountManager, Manager
from goodwill.web.templating import render, request_lang, state_of

router = APIRouter()
#: weeks of saved plans the review covers
REVIEW_WEEKS = 12


def _review(request: Request) -> Review:
    """The last weeks' plans reviewed, read once per write. The review reads the order
    days the store keeps; only when they are missing or stale (a store written by other
    means) does it rebuild them, and then it takes the writer's lock."""
    state = state_of(request)
    with state.reading() as store:
        if order_days_current(store.con):
            return review(store, REVIEW_WEEKS, state.settings)
    with state.writing() as store:
        return review(store, REVIEW_WEEKS, state.settings)


@router.get("/plan", response_class=HTMLResponse, name="plan")
def plan_page(
    request: Request,
    principal: AccountManager,
    week: str | None = None,
    owner: str | None = None,
) -> HTMLResponse:
    """The week's plan, its stop list and the review of past weeks — of an account
    manager's own accounts only (``principal.scope``)."""
    state = state_of(request)
    scope = principal.scope
    with state.reading() as store:
        chosen = week_name(week_start(week)) if week else default_week(store)
        plan = load_plan(store, chosen, state.settings)
        plan = scoped_plan(plan, scope) if plan is not None else None
        weeks = planned_weeks(store)
    past = None
    reviewed = None
    if weeks:
        reviewed = state.cached(("review", REVIEW_WEEKS), lambda: _review(request))
        with state.reading() as store:
            reviewed = scoped_review(store, reviewed, scope)
            past = reviewed.actions[reviewed.actions["week"] != chosen]
            names = store.con.execute(
                "SELECT account_id, name FROM accounts WHERE account_id IN (SELECT unnest(?))",
                [past["account_id"].astype(str).unique().tolist()],
            ).df()
        past = past.merge(names, on="account_id", how="left").sort_values(
            ["week", "owner", "account_id"], ascending=[False, True, True]
        )
    actions = plan.actions if plan is not None else None
    if actions is not None and owner:
        actions = actions[actions["owner"] == owner]
    return render(
        request,
        "plan.html",
        {
            "page_id": "plan",
            "week": chosen,
            "plan": plan,
            "actions": actions,
            "owner": owner or "",
            "weeks": weeks,
            "may_plan": principal.may(Role.MANAGER),
            "review": reviewed,
            "past": past,
        },
    )


@router.post("/plan", name="make_plan")
def make_plan(
    request: Request, _principal: Manager, week: Annotated[str, Form()]
) -> RedirectResponse:
    """Plan ``week`` (scoring the facts up to the day before it) and save the plan."""
    state = state_of(request)
    name = week_name(week_start(week))
    with state.writing() as store:
        plan = plan_week(store, name, state.settings, profile=state.strategy)
        save_plan(store, plan, state.settings)
    return RedirectResponse(
        request.url_for("plan").include_query_params(week=name), status_code=303
    )


_SAFE = re.compile(r"[^A-Za-z0-9_.-]+")


@router.get("/plan/{week}/{owner}.ics", name="plan_ics")
def plan_calendar(request: Request, principal: AccountManager, week: str, owner: str) -> Response:
    """An account manager's week as an iCalendar file (an account manager gets only their
    own: another owner's is not found)."""
    state = state_of(request)
    with state.reading() as store:
        plan = load_plan(store, week_name(week_start(week)), state.settings)
    plan = scoped_plan(plan, principal.scope) if plan is not None else None
    if plan is None or owner not in set(plan.actions["owner"]) | set(plan.capacity):
        return render(
            request,
            "not_found.html",
            {"page_id": "not_found", "what": f"{owner} {week}"},
            status_code=404,
        )
    body = ics(plan, owner, request_lang(request))
    filename = f"{_SAFE.sub('_', owner)}-{plan.week}.ics"
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
