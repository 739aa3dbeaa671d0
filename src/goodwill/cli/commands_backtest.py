"""`goodwill backtest`: fit a purchase model on a calibration period, compare with the holdout."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from goodwill.cli.context import _, console, lang
from goodwill.errors import GoodwillError
from goodwill.i18n import N_, format_number
from goodwill.store import Store

#: words used as table headers, marked for translation
WORDS = (
    N_("calibration frequency"),
    N_("accounts"),
    N_("actual per account"),
    N_("predicted per account"),
    N_("actual total"),
    N_("predicted total"),
    N_("purchase model"),
    N_("log-likelihood"),
    N_("holdout MAE"),
    N_("holdout RMSE"),
    N_("fit failed"),
)


def _num(value: float, decimals: int) -> str:
    return "–" if not math.isfinite(value) else format_number(value, lang(), decimals)


def backtest(
    db: Annotated[Path, typer.Option("--db", help="The store file (DuckDB).")] = Path(
        "goodwill.duckdb"
    ),
    calibration_end: Annotated[
        str,
        typer.Option("--calibration-end", help="Last day of the calibration period (YYYY-MM-DD)."),
    ] = "",
    holdout_end: Annotated[
        str, typer.Option("--holdout-end", help="Last day of the holdout (YYYY-MM-DD).")
    ] = "",
    model: Annotated[
        str,
        typer.Option(
            "--model",
            help="bgnbd, pnbd, mbgnbd, or auto (fit all three, keep the lowest holdout MAE).",
        ),
    ] = "bgnbd",
    period: Annotated[
        str, typer.Option("--period", help="Time unit of the model: W (weeks) or D (days).")
    ] = "W",
    report: Annotated[
        Path | None,
        typer.Option("--report", help="Write the tracking chart and tables to this HTML file."),
    ] = None,
) -> None:
    """Fit a purchase model up to a date and compare its forecast with what happened after."""
    from goodwill.backtest import purchase_backtest
    from goodwill.backtest.purchases import BACKTEST_MODELS

    if not calibration_end or not holdout_end:
        raise GoodwillError(N_("give both --calibration-end and --holdout-end (YYYY-MM-DD)"))
    if model not in BACKTEST_MODELS:
        raise GoodwillError(
            N_("--model must be one of {choices}, not '{value}'"),
            choices=", ".join(BACKTEST_MODELS),
            value=model,
        )
    if period not in ("W", "D"):
        raise GoodwillError(N_("--period must be W or D, not '{value}'"), value=period)
    with Store.open(db, create=False) as store:
        result = purchase_backtest(
            store,
            calibration_end,
            holdout_end,
            model=model,  # type: ignore[arg-type]
            period=period,  # type: ignore[arg-type]
        )
    unit = _("weeks") if result.period == "W" else _("days")
    console.print(
        _(
            "{model} fitted on {accounts} accounts' purchases up to {calibration_end}; "
            "holdout {calibration_end} to {holdout_end} ({length} {unit})",
            model=result.model_class,
            accounts=format_number(result.accounts, lang()),
            calibration_end=result.calibration_end.isoformat(),
            holdout_end=result.holdout_end.isoformat(),
            length=_num(result.holdout_length, 1),
            unit=unit,
        ),
        style="bold",
    )
    table = Table(title=_("Repeat purchases in the holdout"), title_justify="left")
    for header in WORDS[:6]:
        table.add_column(_(header), justify="right")
    for row in result.by_frequency:
        table.add_row(
            row.label,
            _num(row.accounts, 0),
            _num(row.actual_mean, 3),
            _num(row.predicted_mean, 3),
            _num(row.actual_total, 0),
            _num(row.predicted_total, 1),
        )
    table.add_section()
    table.add_row(
        _("total"),
        _num(result.accounts, 0),
        _num(result.actual_total / result.accounts, 3),
        _num(result.predicted_total / result.accounts, 3),
        _num(result.actual_total, 0),
        _num(result.predicted_total, 1),
    )
    console.print(table)
    console.print(
        _(
            "Per account: mean absolute error {mae}, root mean squared error {rmse}",
            mae=_num(result.mae, 4),
            rmse=_num(result.rmse, 4),
        )
    )
    if result.selection is not None:
        chosen = Table(
            title=_(
                "Models compared (the lowest holdout MAE is chosen: {best})", best=result.model
            ),
            title_justify="left",
        )
        for header in WORDS[6:10]:
            chosen.add_column(_(header), justify="left" if header == "purchase model" else "right")
        for c in result.selection.candidates:
            if c.ok:
                chosen.add_row(c.name, _num(c.log_likelihood, 2), _num(c.mae, 4), _num(c.rmse, 4))
            else:
                chosen.add_row(c.name, _("fit failed"), "–", "–")
        console.print(chosen)
    if report is not None:
        from goodwill.report import write_tracking_html

        path = write_tracking_html(result, report, lang())
        console.print(_("Tracking chart written to {path}", path=str(path)))


def register(app: typer.Typer) -> None:
    app.command("backtest")(backtest)
