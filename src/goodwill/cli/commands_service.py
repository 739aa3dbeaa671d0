"""`goodwill service`: service to small and new accounts, and the new accounts neglected."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.table import Table

from goodwill.cli.commands_score import Db, SettingsFile
from goodwill.cli.context import _, console, lang, set_lang
from goodwill.errors import GoodwillError
from goodwill.i18n import N_, format_number
from goodwill.settings import Settings
from goodwill.store import Store

GROUP_WORDS = {
    "small": N_("small"),
    "medium": N_("medium"),
    "large": N_("large"),
    "unknown": N_("size unknown"),
    "new": N_("new"),
    "established": N_("established"),
}


def _cell(value: float, decimals: int = 0, pct: bool = False) -> str:
    if value != value:
        return "-"
    return format_number(100 * value if pct else value, lang(), decimals) + ("%" if pct else "")


def render_comparison(comparison: pd.DataFrame, as_of: dt.date, n_first: int) -> None:
    table = Table(
        title=_("Service by size and age as of {date} (first {n} orders of new accounts, "
                "last {n} of established ones)", date=as_of.isoformat(), n=n_first),
        title_justify="left",
    )  # fmt: skip
    headers = [
        N_("accounts"),
        N_("with orders"),
        N_("confirmation hours"),
        N_("on time in full"),
        N_("days late"),
        N_("chasing us"),
        N_("days to our first contact"),
        N_("complaint response hours"),
        N_("complaint resolution hours"),
    ]
    table.add_column("")
    for header in headers:
        table.add_column(_(header), justify="right")
    for _i, row in comparison.iterrows():
        table.add_row(
            _(GROUP_WORDS[str(row["value"])]),
            format_number(int(row["accounts"]), lang()),
            format_number(int(row["with_orders"]), lang()),
            _cell(row["confirm_hours"], 1),
            _cell(row["otif_share"], pct=True),
            _cell(row["days_late"], 1),
            _cell(row["chasing_share"], pct=True),
            _cell(row["first_contact_days"]),
            _cell(row["complaint_response_hours"]),
            _cell(row["complaint_resolution_hours"]),
            end_section=str(row["value"]) in ("unknown",) or row is comparison.iloc[-1],
        )
    console.print(table)


def service_command(
    db: Db = Path("goodwill.duckdb"),
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="As of this date (default: last order).")
    ] = None,
    language: Annotated[
        str | None, typer.Option("--lang", help="Language of the output: nl or en.")
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Also write every account's service figures to CSV."),
    ] = None,
    settings: SettingsFile = None,
) -> None:
    """Service to small and new accounts against established ones; new accounts neglected."""
    from goodwill.signals.service import (
        neglected_new_accounts,
        service_comparison,
        service_facts,
        service_reasons,
    )

    if language is not None:
        set_lang(language)
    if out is not None and out.suffix.lower() not in (".csv", ".txt"):
        raise GoodwillError("--out must end in .csv, not {file}", file=out.name)
    with Store.open(db, create=False) as store:
        current = Settings.for_store(store.path, settings)
        if as_of is None:
            day = store.order_span()[1]
        else:
            try:
                day = dt.date.fromisoformat(as_of)
            except ValueError as exc:
                raise GoodwillError("'{value}' is not a date like 2026-10-31", value=as_of) from exc
        frame = service_facts(store.con, day, current)
    if frame.empty:
        raise GoodwillError("there are no customer accounts in the store as of {date}",
                            date=day.isoformat())  # fmt: skip
    n_first = int(current["service"]["first_orders"])
    render_comparison(service_comparison(frame), day, n_first)
    neglected = neglected_new_accounts(frame, current)
    reasons = service_reasons(frame, current)
    if out is not None:
        export = frame.copy()
        export["neglected"] = export.index.isin(neglected.index)
        export["reason"] = [
            "; ".join(r.text(lang()) for r in reasons.get(str(a), [])) for a in export.index
        ]
        export.reset_index().to_csv(out, index=False)
    if neglected.empty:
        console.print(_("No new account's first orders were served worse than the norm."))
        return
    table = Table(
        title=_("New accounts whose first orders were neglected ({n})", n=len(neglected)),
        title_justify="left",
        show_lines=True,
    )
    for header in (N_("account"), N_("name"), N_("size"), N_("first order"), N_("evidence")):
        table.add_column(_(header))
    for account_id, row in neglected.iterrows():
        rs = reasons.get(str(account_id), [])
        table.add_row(
            str(account_id),
            str(row["name"]),
            _(GROUP_WORDS[str(row["size_class"])]),
            str(row["first_order"]),
            "\n".join(r.text(lang()) for r in rs),
        )
    console.print(table)
    console.print(
        _("Norm: the {p}th percentile of the established accounts' own figures; neglected: "
          "at least {k} aspects of service beyond it.",
          p=int(current["service"]["norm_percentile"]),
          k=int(current["service"]["min_evidence"]))
    )  # fmt: skip


def register(app: typer.Typer) -> None:
    app.command("service")(service_command)
