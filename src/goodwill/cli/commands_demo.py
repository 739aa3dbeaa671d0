"""`goodwill demo` and `goodwill overview`: build the demo world and look at a portfolio."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from goodwill.cli.context import _, console, lang, progress_bar
from goodwill.demo import DemoLogin
from goodwill.i18n import N_, format_money, format_number
from goodwill.overview import Overview, portfolio_overview
from goodwill.store import Store

KIND_WORDS = {"customer": N_("customers"), "prospect": N_("prospects"), "supplier": N_("suppliers")}


def render_overview(ov: Overview) -> None:
    """Print the overview as Rich tables in the chosen language."""
    lg = lang()
    if ov.as_of is not None:
        console.print(_("Portfolio as of {date}", date=ov.as_of.isoformat()), style="bold")
    kinds = Table(title=_("Accounts by kind"), title_justify="left")
    kinds.add_column(_("kind"))
    kinds.add_column(_("accounts"), justify="right")
    for kind, n in ov.by_kind:
        kinds.add_row(_(KIND_WORDS.get(kind, kind)), format_number(n, lg))
    console.print(kinds)
    for title, rows, label in (
        (N_("Customers by segment"), ov.by_segment, N_("segment")),
        (N_("Customers by account manager"), ov.by_owner, N_("account manager")),
    ):
        table = Table(title=_(title), title_justify="left")
        table.add_column(_(label))
        table.add_column(_("customers"), justify="right")
        table.add_column(_("revenue, last 12 months"), justify="right")
        for name, n, revenue in rows:
            table.add_row(name, format_number(n, lg), format_money(revenue, lg))
        console.print(table)
    years = Table(title=_("Revenue per year"), title_justify="left")
    for header in (N_("year"), N_("revenue"), N_("orders"), N_("ordering customers")):
        years.add_column(_(header), justify="right")
    for year, revenue, orders, buyers in ov.revenue_by_year:
        years.add_row(
            str(year),
            format_money(revenue, lg),
            format_number(orders, lg),
            format_number(buyers, lg),
        )
    console.print(years)
    top = Table(title=_("Largest customers, last 12 months"), title_justify="left")
    for header in (N_("account"), N_("name"), N_("segment"), N_("account manager")):
        top.add_column(_(header))
    top.add_column(_("revenue"), justify="right")
    for account_id, name, segment, owner, revenue in ov.largest:
        top.add_row(account_id, name, segment, owner, format_money(revenue, lg))
    console.print(top)


def render_logins(logins: list[DemoLogin]) -> None:
    """The demo users and their passwords (demo only: they are published)."""
    table = Table(title=_("Sign in to the dashboard as (demo passwords)"), title_justify="left")
    for header in (N_("name"), N_("password"), N_("role"), N_("owner code")):
        table.add_column(_(header))
    for login in logins:
        table.add_row(login.name, login.password, login.role, login.owner or "")
    console.print(table)


def demo(
    db: Annotated[Path, typer.Option("--db", help="Store file to create.")] = Path(
        "goodwill-demo.duckdb"
    ),
    accounts: Annotated[int, typer.Option("--accounts", help="Number of accounts.")] = 2000,
    years: Annotated[float, typer.Option("--years", help="Years of history.")] = 3.0,
    seed: Annotated[int, typer.Option("--seed", help="Random seed of the world.")] = 42,
    preset: Annotated[
        str, typer.Option("--preset", help="default, or hard (half the effects, double the noise).")
    ] = "default",
    serve: Annotated[
        bool,
        typer.Option("--serve/--no-serve", help="End by serving the dashboard (default) or not."),
    ] = True,
    host: Annotated[str, typer.Option("--host", help="Address the dashboard listens on.")] = (
        "127.0.0.1"
    ),
    port: Annotated[int, typer.Option("--port", help="Port the dashboard listens on.")] = 8765,
) -> None:
    """Simulate a demo world ending last month, import it, score it monthly, show the
    portfolio and the accounts that need attention, plan next week, and serve the
    dashboard (unless --no-serve)."""
    from goodwill.demo import build_demo

    with progress_bar() as progress:
        result = build_demo(
            db, accounts=accounts, years=years, seed=seed, preset=preset, progress=progress
        )
    rows = sum(r.inserted for r in result.imports)
    console.print(
        _(
            "Demo world {start} to {end}: {rows} rows imported into {db} (files in {world}).",
            start=result.start.isoformat(),
            end=result.end.isoformat(),
            rows=format_number(rows, lang()),
            db=str(result.db),
            world=str(result.world_dir),
        )
    )
    from goodwill.cli.commands_score import render_snapshot
    from goodwill.score import score_months

    with Store.open(result.db) as store:
        render_overview(portfolio_overview(store, as_of=result.end))
        with progress_bar() as progress:
            snapshots = score_months(store, progress=progress)
    console.print(
        _("Scored every month end from {first} to {last}.", first=snapshots[0].as_of.isoformat(),
          last=snapshots[-1].as_of.isoformat())
    )  # fmt: skip
    render_snapshot(snapshots[-1])
    # and next week's plan, from the last snapshot
    import datetime as dt

    from goodwill.cli.commands_plan import render_plan
    from goodwill.plan import plan_week, week_name
    from goodwill.plan.saved import save_plan

    last = snapshots[-1]
    monday = last.as_of + dt.timedelta(days=7 - last.as_of.weekday())
    with Store.open(result.db) as store:
        plan = plan_week(store, week_name(monday), last.settings, snapshot=last)
        save_plan(store, plan, last.settings)
    render_plan(plan, limit=8)
    from goodwill.demo import add_demo_users

    with Store.open(result.db) as store:
        render_logins(add_demo_users(store))
    if serve:
        from goodwill.cli.commands_serve import start

        start(result.db, host, port, lang())


def overview(
    db: Annotated[Path, typer.Option("--db", help="The store file (DuckDB).")] = Path(
        "goodwill.duckdb"
    ),
) -> None:
    """Show the portfolio: accounts by kind, segment and owner, revenue per year, the largest."""
    with Store.open(db, create=False) as store:
        render_overview(portfolio_overview(store))


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)
    app.command("overview")(overview)
