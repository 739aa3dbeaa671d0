"""The portfolio report's tables as an Excel workbook: a summary sheet, then one sheet per
table, the header row bold and frozen, numbers as numbers (money with a euro format),
dates as dates.

Written with XlsxWriter, the writer goodwill already depends on (``goodwill export``), so
the report needs no extra package.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

from goodwill.i18n import N_, gettext
from goodwill.report.page import ReportWriteError
from goodwill.report.portfolio import PortfolioReport
from goodwill.report.tables import Kind, Table, missing

__all__ = ["portfolio_xlsx", "write_portfolio_xlsx"]

_FORMATS: dict[str, dict[str, Any]] = {
    "bold": {"bold": True, "bottom": 1},
    "money": {"num_format": '"€" #,##0'},
    "int": {"num_format": "#,##0"},
    "number": {"num_format": "#,##0.0#"},
    "date": {"num_format": "yyyy-mm-dd"},
    "text": {"text_wrap": False},
}


def _sheet_name(title: str, taken: set[str]) -> str:
    """A valid, unique sheet name (at most 31 characters, none of ``[]:*?/\\``)."""
    base = re.sub(r"[\[\]:*?/\\]", " ", title).strip()[:31] or "sheet"
    name, n = base, 2
    while name.lower() in taken:
        suffix = f" {n}"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name


def _write(sheet: Any, row: int, col: int, value: Any, kind: Kind, formats: Any) -> None:
    if missing(value) or value == "":
        sheet.write_blank(row, col, None)
    elif kind == "date":
        sheet.write_datetime(row, col, dt.datetime.combine(value, dt.time()), formats["date"])
    elif kind in ("int", "number", "money"):
        sheet.write_number(row, col, float(value), formats[kind])
    else:
        sheet.write_string(row, col, str(value))


def _table_sheet(book: Any, table: Table, name: str, formats: Any) -> None:
    sheet = book.add_worksheet(name)
    for col, column in enumerate(table.columns):
        sheet.write_string(0, col, column.title, formats["bold"])
        sheet.set_column(col, col, 16 if column.numeric else 28)
    for r, values in enumerate(table.rows, start=1):
        for col, (value, column) in enumerate(zip(values, table.columns, strict=True)):
            _write(sheet, r, col, value, column.kind, formats)
    sheet.freeze_panes(1, 0)
    if table.rows:
        sheet.autofilter(0, 0, len(table.rows), len(table.columns) - 1)


def _fill(book: Any, report: PortfolioReport) -> None:
    """The summary sheet and one sheet per table of ``report``, in ``book``."""
    lg = report.lang
    formats = {key: book.add_format(spec) for key, spec in _FORMATS.items()}
    taken: set[str] = set()
    summary = book.add_worksheet(_sheet_name(gettext("summary", lg), taken))
    summary.write_string(0, 0, gettext("figure", lg), formats["bold"])
    summary.write_string(0, 1, gettext("value", lg), formats["bold"])
    p = report.plan
    scope: list[tuple[str, Any, Kind]] = (
        [] if report.scope is None else [(gettext("account manager", lg), report.scope, "text")]
    )
    rows: list[tuple[str, Any, Kind]] = [
        (gettext("snapshot date", lg), report.as_of, "date"),
        *scope,
        *((f.label, f.value, f.kind) for f in report.figures),
        (gettext("week", lg), p.week, "text"),
        (gettext("plan on the facts up to", lg), p.as_of, "date"),
        (gettext("plan saved", lg), gettext(N_("yes") if p.saved else N_("no"), lg), "text"),
    ]
    for r, (label, value, kind) in enumerate(rows, start=1):
        summary.write_string(r, 0, label)
        _write(summary, r, 1, value, kind, formats)
    summary.set_column(0, 0, 36)
    summary.set_column(1, 1, 16)
    summary.freeze_panes(1, 0)
    for table in report.tables:
        _table_sheet(book, table, _sheet_name(table.sheet, taken), formats)


def portfolio_xlsx(report: PortfolioReport) -> bytes:
    """The report's tables as the bytes of an .xlsx workbook (for a download)."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    _fill(book, report)
    book.close()
    return buffer.getvalue()


def write_portfolio_xlsx(report: PortfolioReport, path: str | Path) -> Path:
    """Write the report's tables to ``path`` (an .xlsx workbook) and return the path."""
    import xlsxwriter
    from xlsxwriter.exceptions import FileCreateError

    target = Path(path)
    tmp = target.with_name(f".{target.name}.tmp")
    try:
        book = xlsxwriter.Workbook(str(tmp))
        _fill(book, report)
        book.close()
        tmp.replace(target)
    except (OSError, FileCreateError) as exc:
        tmp.unlink(missing_ok=True)
        raise ReportWriteError(
            "cannot write {file}: {reason}; choose another path",
            file=target,
            reason=getattr(exc, "strerror", None) or str(exc),
        ) from exc
    return target
