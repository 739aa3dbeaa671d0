"""`goodwill credit`: payment behaviour and credit advice, and the what-if of credit
insurance cover withdrawn."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from goodwill.cli.commands_score import Db, SettingsFile
from goodwill.cli.context import _, console, lang, write_table
from goodwill.errors import GoodwillError
from goodwill.i18n import N_, format_money, format_number
from goodwill.report.words import ADVICE_WORDS
from goodwill.score import as_date
from goodwill.settings import Settings
from goodwill.signals.credit import ADVICE, cover_withdrawn_what_if, credit_advice
from goodwill.signals.payments import payment_behaviour, payment_reasons
from goodwill.store import Store


def _money(value: float) -> str:
    return format_money(value, lang()) if value == value else "-"


def credit_command(
    db: Db = Path("goodwill.duckdb"),
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="As of this date (default: last order).")
    ] = None,
    withdraw: Annotated[
        list[str] | None,
        typer.Option(
            "--withdraw-cover", help="What if the insurer withdraws this account's cover?"
        ),
    ] = None,
    withdraw_all: Annotated[
        bool, typer.Option("--withdraw-all", help="What if the insurer withdraws all cover?")
    ] = False,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write every account's figures to CSV/Parquet.")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", help="Accounts to list.")] = 20,
    settings: SettingsFile = None,
) -> None:
    """Payment behaviour and credit advice per account; with --withdraw-cover or
    --withdraw-all, which accounts change advice when insurance cover is withdrawn."""
    lg = lang()
    with Store.open(db, create=False) as store:
        day = as_date(as_of, store)
        conf = Settings.for_store(store.path, settings)
        paid = payment_behaviour(store.con, day, conf)
    unknown = sorted(set(withdraw or []) - set(paid.index.astype(str)))
    if unknown:
        raise GoodwillError(
            "no customer account {ids} in {db}: --withdraw-cover takes an account_id",
            ids=", ".join(unknown),
            db=db.name,
        )
    advice, reasons = credit_advice(paid, conf)
    texts = payment_reasons(paid, conf)
    counts = advice["credit_advice"].value_counts()
    console.print(
        _(
            "Credit advice for {n} customer accounts as of {date}: {keep} keep, {tighten} "
            "tighten, {prepay} prepayment only.",
            n=format_number(len(advice), lg),
            date=day.isoformat(),
            keep=format_number(int(counts.get("keep", 0)), lg),
            tighten=format_number(int(counts.get("tighten", 0)), lg),
            prepay=format_number(int(counts.get("prepayment", 0)), lg),
        )
    )
    flagged = paid.join(advice)[advice["credit_advice"] != "keep"].copy()
    flagged["_rank"] = flagged["credit_advice"].map({a: i for i, a in enumerate(reversed(ADVICE))})
    flagged = flagged.sort_values(["_rank", "open_amount"], ascending=[True, False]).head(limit)
    if len(flagged):
        table = Table(title=_("Tighten or stop credit"), title_justify="left", show_lines=True)
        for header in (N_("account"), N_("advice"), N_("payment score"), N_("open"),
                       N_("overdue"), N_("suggested"), N_("main reason")):  # fmt: skip
            table.add_column(_(header))
        for acc, row in flagged.iterrows():
            why = reasons.get(str(acc), []) or texts.get(str(acc), [])
            suggested = ""
            if row["credit_advice"] == "tighten":
                suggested = _(
                    "{terms} days, limit {limit}",
                    terms=int(row["suggested_terms_days"]),
                    limit=_money(float(row["suggested_limit"])),
                )
            table.add_row(
                str(acc),
                _(ADVICE_WORDS[str(row["credit_advice"])]),
                format_number(float(row["payment_score"]), lg)
                if row["payment_score"] == row["payment_score"]
                else "-",
                _money(float(row["open_amount"])),
                _money(float(row["overdue_amount"])),
                suggested,
                why[0].text(lg) if why else "",
            )
        console.print(table)
    if withdraw or withdraw_all:
        changes = cover_withdrawn_what_if(paid, conf, None if withdraw_all else withdraw)
        scope = _("all accounts") if withdraw_all else ", ".join(withdraw or [])
        console.print(
            _(
                "If credit insurance cover is withdrawn ({scope}): {n} account(s) change advice.",
                scope=scope,
                n=format_number(len(changes), lg),
            )
        )
        if len(changes):
            table = Table(title_justify="left")
            for header in (N_("account"), N_("advice now"), N_("without cover"), N_("open"),
                           N_("payment score")):  # fmt: skip
                table.add_column(_(header))
            for acc, row in changes.head(limit).iterrows():
                table.add_row(
                    str(acc),
                    _(ADVICE_WORDS[str(row["advice_now"])]),
                    _(ADVICE_WORDS[str(row["advice_without_cover"])]),
                    _money(float(row["open_amount"])),
                    format_number(float(row["payment_score"]), lg)
                    if row["payment_score"] == row["payment_score"]
                    else "-",
                )
            console.print(table)
    if out is not None:
        write_table(paid.join(advice), out, index=True)


def register(app: typer.Typer) -> None:
    app.command("credit")(credit_command)
