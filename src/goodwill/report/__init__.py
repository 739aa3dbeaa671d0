"""Reports: explanation objects rendered as self-contained HTML pages (and Excel).

Members are imported on first use, so that the command line can read the report's word
lists without loading the models behind the backtest page.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__all__ = [
    "PortfolioReport",
    "portfolio_html",
    "portfolio_report",
    "portfolio_xlsx",
    "tracking_html",
    "write_portfolio_html",
    "write_portfolio_xlsx",
    "write_tracking_html",
]

_HOMES = {
    "tracking_html": "goodwill.report.tracking",
    "write_tracking_html": "goodwill.report.tracking",
    "PortfolioReport": "goodwill.report.portfolio",
    "portfolio_report": "goodwill.report.portfolio",
    "portfolio_html": "goodwill.report.page",
    "write_portfolio_html": "goodwill.report.page",
    "portfolio_xlsx": "goodwill.report.workbook",
    "write_portfolio_xlsx": "goodwill.report.workbook",
}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'goodwill.report' has no attribute {name!r}")
