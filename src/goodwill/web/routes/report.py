"""``/report`` and ``/report.xlsx``: the portfolio report (``goodwill report``) as a
download — the self-contained HTML file or the workbook — of the accounts the signed-in
user may see (``principal.scope``)."""

from __future__ import annotations

import re

from fastapi import APIRouter, Request
from fastapi.responses import Response

from goodwill.plan import week_name, week_start
from goodwill.report.page import portfolio_html
from goodwill.report.portfolio import PortfolioReport, portfolio_report
from goodwill.report.saved import NotScoredError
from goodwill.report.workbook import portfolio_xlsx
from goodwill.web.access import Principal
from goodwill.web.principals import AccountManager
from goodwill.web.templating import render, request_lang, state_of

router = APIRouter()
_SAFE = re.compile(r"[^A-Za-z0-9_.-]+")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _report(request: Request, principal: Principal, week: str | None) -> PortfolioReport | None:
    """The report of the latest snapshot and ``week`` (default: the week after it) for
    ``principal``; ``None`` when nothing was scored yet."""
    state = state_of(request)
    chosen = week_name(week_start(week)) if week else None  # a malformed week: a clear 400
    with state.reading() as store:
        if state.latest_as_of(store) is None:
            return None
        try:
            return portfolio_report(
                store,
                week=chosen,
                lang=request_lang(request),
                settings=state.settings,
                scope=principal.scope,
            )
        except NotScoredError:
            return None


def _download(body: bytes | str, media_type: str, report: PortfolioReport, suffix: str) -> Response:
    owner = "" if report.scope is None else f"-{_SAFE.sub('_', report.scope)}"
    filename = f"goodwill-report{owner}-{report.as_of.isoformat()}.{suffix}"
    return Response(
        body,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get("/report", name="report")
def report_html(request: Request, principal: AccountManager, week: str | None = None) -> Response:
    """The portfolio report as one self-contained HTML file (``?week=2026-W48``)."""
    report = _report(request, principal, week)
    if report is None:
        return render(request, "empty.html", {"page_id": "report"})
    return _download(portfolio_html(report), "text/html; charset=utf-8", report, "html")


@router.get("/report.xlsx", name="report_xlsx")
def report_workbook(
    request: Request, principal: AccountManager, week: str | None = None
) -> Response:
    """The portfolio report's tables as an Excel workbook (``?week=2026-W48``)."""
    report = _report(request, principal, week)
    if report is None:
        return render(request, "empty.html", {"page_id": "report"})
    return _download(portfolio_xlsx(report), XLSX, report, "xlsx")
