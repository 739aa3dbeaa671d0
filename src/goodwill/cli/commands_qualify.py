"""`goodwill qualify`: prospects and new accounts against the strategy — pursue, serve
efficiently or decline politely — with their potential and first reason."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.table import Table

from goodwill.cli.commands_score import Db, SettingsFile
from goodwill.cli.context import _, console, lang, set_lang, write_table
from goodwill.errors import GoodwillError
from goodwill.i18n import N_, format_money, format_number
from goodwill.qualify import ADVICE, StrategyProfile, qualify
from goodwill.report.words import GROUPING_WORDS, KIND_WORDS, QUALIFY_WORDS
from goodwill.score import as_date
from goodwill.settings import Settings
from goodwill.store import Store


def _money(value: float) -> str:
    return format_money(value, lang()) if value == value else "-"


def qualify_command(
    db: Db = Path("goodwill.duckdb"),
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="As of this date (default: last order).")
    ] = None,
    strategy: Annotated[
        Path | None,
        typer.Option(
            "--strategy",
            help="Strategy profile (TOML, see docs/strategy.example.toml; default: "
            "everything fits).",
        ),
    ] = None,
    language: Annotated[
        str | None, typer.Option("--lang", help="Language of the output: nl or en.")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", help="Accounts to list.")] = 30,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Write every qualified account to CSV/Parquet."),
    ] = None,
    settings: SettingsFile = None,
) -> None:
    """Qualify prospects and new accounts: fit with the strategy, potential from
    look-alike customers, effort, and advice with reasons."""
    if language is not None:
        set_lang(language)
    lg = lang()
    profile = StrategyProfile.load(strategy)
    with Store.open(db, create=False) as store:
        day = as_date(as_of, store)
        conf = Settings.for_store(store.path, settings)
        result = qualify(store.con, day, conf, profile)
    table = result.table
    if table.empty:
        raise GoodwillError(
            "there are no prospects or new accounts in the store as of {date}",
            date=day.isoformat(),
        )
    counts = table["advice"].value_counts()
    console.print(
        _(
            "Qualified {n} prospects and new accounts as of {date}: {pursue} to pursue, "
            "{serve} to serve efficiently, {decline} to decline politely; {tests} buyer's "
            "test(s).",
            n=format_number(len(table), lg),
            date=day.isoformat(),
            pursue=format_number(int(counts.get("pursue", 0)), lg),
            serve=format_number(int(counts.get("serve_efficiently", 0)), lg),
            decline=format_number(int(counts.get("decline_politely", 0)), lg),
            tests=format_number(int(table["buyer_test"].sum()), lg),
        )
    )
    rank = {a: i for i, a in enumerate(ADVICE)}
    shown = table.assign(
        _rank=table["advice"].map(rank), _potential=table["potential"].fillna(-1.0)
    ).sort_values(["_rank", "buyer_test", "_potential"], ascending=[True, False, False])
    grid = Table(title=_("Prospects and new accounts"), title_justify="left", show_lines=True)
    for header in (N_("account"), N_("name"), N_("kind"), N_("advice"), N_("potential a year"),
                   N_("look-alikes"), N_("main reason")):  # fmt: skip
        grid.add_column(_(header))
    for acc, row in shown.head(limit).iterrows():
        why = result.reasons.get(str(acc), [])
        advice = _(QUALIFY_WORDS[str(row["advice"])])
        if row["buyer_test"]:
            advice += "\n" + _("buyer's test")
        potential = _money(float(row["potential"]))
        if row["potential"] == row["potential"]:
            potential += "\n" + _(
                "{low} to {high}",
                low=_money(float(row["potential_low"])),
                high=_money(float(row["potential_high"])),
            )
        grid.add_row(
            str(acc),
            str(row["name"]),
            _(KIND_WORDS.get(str(row["kind"]), str(row["kind"]))),
            advice,
            potential,
            f"{format_number(int(row['lookalikes']), lg)}\n"
            + _(GROUPING_WORDS[str(row["grouping"])]),
            why[0].text(lg) if why else "",
        )
    console.print(grid)
    if len(table) > limit:
        console.print(_("{n} more not shown; write them all with --out FILE",
                        n=format_number(len(table) - limit, lg)))  # fmt: skip
    if out is not None:
        export = table.copy()
        export["reasons"] = [
            "; ".join(r.text(lg) for r in result.reasons.get(str(a), [])) for a in export.index
        ]
        write_table(pd.DataFrame(export), out, index=True)


def register(app: typer.Typer) -> None:
    app.command("qualify")(qualify_command)
