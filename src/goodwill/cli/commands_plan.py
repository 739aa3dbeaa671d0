"""`goodwill plan` and `goodwill plan-review`: the weekly plan, and whether it worked."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from goodwill.cli.commands_score import Db, SettingsFile
from goodwill.cli.context import _, console, lang, progress_bar, write_table
from goodwill.i18n import N_, format_money, format_number
from goodwill.settings import Settings
from goodwill.store import Store

if TYPE_CHECKING:
    from goodwill.plan import Plan

Week = Annotated[str, typer.Option("--week", help="The ISO week to plan, e.g. 2026-W48.")]


def render_plan(plan: Plan, limit: int = 20) -> None:
    """The plan per account manager, its best actions with their purposes, and how many
    accounts are on the list of where time does not pay."""
    lg = lang()
    from goodwill.plan.calendar import ACTION_WORDS

    a = plan.actions
    console.print(
        _(
            "Plan for {week} (facts up to {date}): {n} actions, {hours} hours, expected value "
            "{value} net of the time; {held} eligible accounts held out.",
            week=plan.week,
            date=plan.as_of.isoformat(),
            n=format_number(len(a), lg),
            hours=format_number(float(a["hours"].sum()), lg, 1),
            value=format_money(float(a["net"].sum()), lg),
            held=format_number(int(plan.eligible["held_out"].sum()), lg),
        )
    )
    for note in plan.notes:
        console.print(note)
    owners = Table(title=_("Per account manager"), title_justify="left")
    for header in (N_("account manager"), N_("actions"), N_("hours"), N_("capacity"),
                   N_("net value")):  # fmt: skip
        owners.add_column(_(header), justify="left" if header == "account manager" else "right")
    for owner, cap in sorted(plan.capacity.items()):
        rows = a[a["owner"] == owner]
        owners.add_row(
            owner,
            str(len(rows)),
            format_number(float(rows["hours"].sum()), lg, 1),
            format_number(cap, lg, 1),
            format_money(float(rows["net"].sum()), lg),
        )
    console.print(owners)
    if len(a):
        table = Table(title=_("This week"), title_justify="left", show_lines=True)
        for header in (N_("account manager"), N_("account"), N_("action"), N_("hours"),
                       N_("net value"), N_("purpose")):  # fmt: skip
            table.add_column(_(header))
        for _i, r in a.sort_values("net", ascending=False).head(limit).iterrows():
            table.add_row(
                str(r["owner"]),
                f"{r['name']} ({r['account_id']})",
                _(ACTION_WORDS[str(r["action"])]),
                format_number(float(r["hours"]), lg, 2),
                format_money(float(r["net"]), lg),
                r["purpose"].text(lg),
            )
        console.print(table)
    console.print(
        _("Where time does not pay: {n} accounts (serve them by e-mail or self-service).",
          n=format_number(len(plan.stop), lg))
    )  # fmt: skip


def plan_command(
    week: Week,
    db: Db = Path("goodwill.duckdb"),
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the actions to CSV or Parquet.")
    ] = None,
    calendar: Annotated[
        Path | None,
        typer.Option("--calendar", help="Folder for each account manager's week as .ics."),
    ] = None,
    digest: Annotated[
        Path | None,
        typer.Option("--digest", help="Folder for each account manager's Monday digest."),
    ] = None,
    as_html: Annotated[bool, typer.Option("--html", help="Digests as HTML e-mail bodies.")] = False,
    limit: Annotated[int, typer.Option("--limit", help="Actions to list.")] = 20,
    settings: SettingsFile = None,
    strategy: Annotated[
        Path | None,
        typer.Option(
            "--strategy",
            help="Strategy profile buyer's tests are qualified against (TOML, see "
            "docs/strategy.example.toml; default: everything fits).",
        ),
    ] = None,
) -> None:
    """Plan a week: which accounts get which action, within each account manager's hours."""
    from goodwill.plan import plan_week, week_start
    from goodwill.plan.calendar import digest as make_digest
    from goodwill.plan.calendar import ics
    from goodwill.plan.saved import save_plan
    from goodwill.plan.week import facts_date
    from goodwill.qualify import StrategyProfile
    from goodwill.score import score

    lg = lang()
    profile = StrategyProfile.load(strategy)
    with Store.open(db, create=False) as store, progress_bar() as progress:
        conf = Settings.for_store(store.path, settings)
        as_of, ends_early = facts_date(store, week_start(week))
        snapshot = score(store, as_of, settings=conf, progress=progress)
        plan = plan_week(store, week, conf, snapshot=snapshot, profile=profile)
        if ends_early:
            plan.notes.append(
                _("the data ends on {date}: the plan rests on the facts up to then",
                  date=as_of.isoformat())
            )  # fmt: skip
        save_plan(store, plan, conf)
    render_plan(plan, limit)
    a = plan.actions
    if out is not None:
        frame = a.assign(purpose=plan.purposes(lg))[
            ["owner", "account_id", "name", "action", "hours", "expected_value", "cost", "net",
             "purpose"]
        ]  # fmt: skip
        write_table(frame, out)
    for folder, write in ((calendar, "ics"), (digest, "digest")):
        if folder is None:
            continue
        folder.mkdir(parents=True, exist_ok=True)
        for owner in sorted(plan.capacity):
            if write == "ics":
                (folder / f"{owner}-{plan.week}.ics").write_text(ics(plan, owner, lg),
                                                                 encoding="utf-8")  # fmt: skip
            else:
                suffix = "html" if as_html else "txt"
                text = make_digest(plan, owner, lg, as_html=as_html)
                (folder / f"{owner}-{plan.week}.{suffix}").write_text(text, encoding="utf-8")


def plan_review_command(
    db: Db = Path("goodwill.duckdb"),
    weeks: Annotated[int, typer.Option("--weeks", help="Weeks of plans to review.")] = 12,
    settings: SettingsFile = None,
) -> None:
    """Were the planned actions done, and did the plan help (against its hold-out)?"""
    from goodwill.plan.review import review

    lg = lang()
    with Store.open(db, create=False) as store:
        result = review(store, weeks, Settings.for_store(store.path, settings))
    if result.weeks.empty:
        console.print(_("No saved plans yet: make one with goodwill plan --week."))
        return
    table = Table(title=_("Plans"), title_justify="left")
    for header in (N_("week"), N_("planned"), N_("done"), N_("held out")):
        table.add_column(_(header), justify="left" if header == "week" else "right")
    for _i, w in result.weeks.iterrows():
        done = w["done"]
        shown = "-" if done is None or done != done else str(int(done))
        table.add_row(str(w["week"]), str(int(w["planned"])), shown, str(int(w["held_out"])))
    console.print(table)
    if len(result.owners):
        owners = Table(title=_("Done per account manager"), title_justify="left")
        for header in (N_("account manager"), N_("planned"), N_("done")):
            owners.add_column(_(header))
        for owner, r in result.owners.iterrows():
            owners.add_row(str(owner), str(int(r["planned"])),
                           f"{int(r['done'])} ({100 * r['done_share']:.0f}%)")  # fmt: skip
        console.print(owners)
    e = result.effect
    if e is None:
        console.print(
            _("No effect measured: it needs held-out accounts whose outcome weeks have passed "
              "(set plan.holdout_share).")
        )  # fmt: skip
    else:
        console.print(
            _(
                "Effect of the plan on revenue over the outcome weeks: {diff} per account "
                "(95% interval {low} to {high}); {kept} kept against {held} held out.",
                diff=format_money(e.difference, lg),
                low=format_money(e.low, lg),
                high=format_money(e.high, lg),
                kept=format_number(e.kept, lg),
                held=format_number(e.held_out, lg),
            )
        )


def register(app: typer.Typer) -> None:
    app.command("plan")(plan_command)
    app.command("plan-review")(plan_review_command)
