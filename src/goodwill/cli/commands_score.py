"""`goodwill score`, `goodwill backtest-health` and `goodwill evaluate`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from goodwill.cli.context import _, console, lang, progress_bar, write_table
from goodwill.i18n import N_, format_money, format_number
from goodwill.report.words import STATUS_WORDS, TREND_WORDS
from goodwill.score import Snapshot
from goodwill.settings import Settings, write_overrides
from goodwill.signals.calibrate import Backtest
from goodwill.store import Store

Db = Annotated[Path, typer.Option("--db", help="The store file (DuckDB).")]
SettingsFile = Annotated[
    Path | None,
    typer.Option("--settings", help="Settings file (default: goodwill.toml beside the store)."),
]


def render_snapshot(snapshot: Snapshot, limit: int = 15) -> None:
    """Counts by status and the accounts that need attention, with their reasons."""
    lg = lang()
    t = snapshot.table
    counts = t["status"].value_counts()
    console.print(
        _(
            "Scored {n} customer accounts as of {date}: {risk} at risk, {watch} to watch, "
            "{healthy} healthy.",
            n=format_number(len(t), lg),
            date=snapshot.as_of.isoformat(),
            risk=format_number(int(counts.get("at_risk", 0)), lg),
            watch=format_number(int(counts.get("watch", 0)), lg),
            healthy=format_number(int(counts.get("healthy", 0)), lg),
        )
    )
    attention = snapshot.needing_attention(limit)
    if attention.empty:
        return
    wide = console.width >= 120  # on a narrow terminal: fewer columns, the reason below
    table = Table(title=_("Needs attention"), title_justify="left", show_lines=not wide)
    headers = [N_("account"), N_("name"), N_("health"), N_("status"), N_("CLV 12 months")]
    if wide:
        headers[2:2] = [N_("account manager")]
        headers += [N_("trend"), N_("main reason")]
    for header in headers:
        numeric = header in ("health", "CLV 12 months")
        table.add_column(_(header), justify="right" if numeric else "left")
    for account_id, row in attention.iterrows():
        reasons = snapshot.reasons.get(str(account_id), [])
        clv = row["clv_12m"]
        reason = reasons[0].text(lg) if reasons else ""
        cells = [
            str(account_id),
            str(row["name"]),
            format_number(float(row["health"]), lg),
            _(STATUS_WORDS[str(row["status"])]),
            format_money(float(clv), lg) if clv == clv else "-",
        ]
        if wide:
            cells[2:2] = [str(row["owner"] or "")]
            cells += [_(TREND_WORDS.get(str(row["trend"]), str(row["trend"]))), reason]
            table.add_row(*cells)
        else:
            if reason:
                cells[1] = f"{escape(cells[1])}\n[dim]{escape(reason)}[/dim]"
            table.add_row(*cells)
    console.print(table)


def score_command(
    db: Db = Path("goodwill.duckdb"),
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Score as of this date (default: last order).")
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Also write the snapshot to CSV or Parquet.")
    ] = None,
    settings: SettingsFile = None,
) -> None:
    """Score every customer's value and health as of a date, and save the snapshot."""
    from goodwill.score import score

    with Store.open(db, create=False) as store, progress_bar() as progress:
        snapshot = score(
            store, as_of, settings=Settings.for_store(store.path, settings), progress=progress
        )
    if out is not None:
        write_table(snapshot.export_frame(lang()), out)
    render_snapshot(snapshot)


def backtest_health(
    db: Db = Path("goodwill.duckdb"),
    fit: Annotated[
        bool,
        typer.Option("--fit", help="Fit the weights and thresholds on this history and save them."),
    ] = False,
    settings: SettingsFile = None,
) -> None:
    """Check how well health predicted churn on your own history (AUC, lift); --fit tunes it."""
    from goodwill.signals.calibrate import backtest, calibrate, history

    with Store.open(db, create=False) as store, progress_bar() as progress:
        current = Settings.for_store(store.path, settings)
        if fit:
            tuned, before, after = calibrate(store, current, progress=progress)
        else:
            before = backtest(history(store, current, progress=progress))
    table = Table(title=_("Health against observed churn within 90 days"), title_justify="left")
    table.add_column("")
    table.add_column(_("current settings"), justify="right")
    if fit:
        table.add_column(_("fitted"), justify="right")
    rows: list[tuple[str, Callable[[Backtest], str]]] = [
        (N_("month ends"), lambda b: str(len(b.dates))),
        (N_("account-months"), lambda b: format_number(b.observations, lang())),
        (N_("churn rate"), lambda b: f"{100 * b.churn_rate:.1f}%"),
        (N_("ROC AUC"), lambda b: f"{b.auc:.3f}"),
        (N_("lift in the 10% least healthy"), lambda b: f"{b.lift_top10:.2f}×"),
        (N_("share at risk"), lambda b: f"{100 * b.at_risk_share:.1f}%"),
        (N_("churn among at risk, × the rate"), lambda b: f"{b.at_risk_lift:.2f}×"),
    ]
    for label, cell in rows:
        table.add_row(_(label), cell(before), *([cell(after)] if fit else []))
    console.print(table)
    if fit:
        target = settings or store.path.parent / "goodwill.toml"
        h = tuned["health"]
        write_overrides(
            Path(target),
            {"health": {"weights": dict(h["weights"]), "at_risk_below": h["at_risk_below"],
                        "watch_below": h["watch_below"]}},
        )  # fmt: skip
        console.print(_("Fitted weights and thresholds written to {file}.", file=str(target)))
    console.print(
        _(
            "Churn here means: a last order, with no other in the {days} days or more after it "
            "(setting health.churn_silence_days).",
            days=int(current["health"]["churn_silence_days"]),
        )
    )


def evaluate_command(
    world: Annotated[Path, typer.Option("--world", help="A world folder from goodwill simulate.")],
    calibrate: Annotated[
        bool, typer.Option("--calibrate/--no-calibrate", help="Fit weights on the world's history.")
    ] = True,
    plans: Annotated[
        bool,
        typer.Option("--plans", help="Play goodwill's plan and simple policies forward (issue 9)."),
    ] = False,
    seeds: Annotated[
        int, typer.Option("--seeds", min=1, help="With --plans: seeds seed..seed+N-1.")
    ] = 5,
    weeks: Annotated[
        int, typer.Option("--weeks", min=1, help="With --plans: weeks to play forward.")
    ] = 26,
) -> None:
    """Score a simulated world month by month and compare with its hidden truth."""
    from goodwill.evaluate import evaluate_world

    if plans:
        from goodwill.cli.commands_plans import run_plans

        run_plans(world, seeds, weeks)
        return

    with progress_bar() as progress:
        result = evaluate_world(world, calibrate=calibrate, progress=progress)
    console.print(
        _(
            "{n} account-months at {dates} month ends; churn within 90 days: {rate}.",
            n=format_number(result.observations, lang()),
            dates=len(result.as_of_dates),
            rate=f"{100 * result.churn_rate_90d:.1f}%",
        )
    )
    table = Table(title=_("Predicting churn within 90 days"), title_justify="left")
    table.add_column(_("score"))
    table.add_column("ROC AUC", justify="right")
    table.add_column(_("precision, top 10%"), justify="right")
    for name, auc in result.auc.items():
        table.add_row(name, f"{auc:.3f}", f"{result.precision_top10[name]:.3f}")
    console.print(table)
    best, best_auc = result.best_baseline()
    console.print(
        _("Health against the best baseline ({name}): {diff:+.3f} AUC.", name=best,
          diff=result.auc["health"] - best_auc)
    )  # fmt: skip
    console.print(
        _(
            "At risk: catches {recall} of the accounts that churn within 180 days, at "
            "{lift}× the base rate ({share} of accounts marked); median warning {lead} days "
            "before churn ({warned} of {churners} churners warned).",
            recall=f"{100 * result.alarm_recall_180d:.0f}%",
            lift=f"{result.alarm_lift_180d:.2f}",
            share=f"{100 * result.alarm_share_marked:.0f}%",
            lead=f"{result.median_lead_days:.0f}",
            warned=result.churners_warned,
            churners=result.churners,
        )
    )
    if result.level is not None:
        lv = result.level
        console.print(
            _(
                "Relationship level as of {date}: balanced accuracy {score} over {n} "
                "customers (recall: transactional {t}, fruitful {f}, growing together {g}).",
                date=lv.as_of.isoformat(),
                score=f"{lv.balanced_accuracy:.3f}",
                n=lv.n,
                t=f"{lv.recall.get('transactional', float('nan')):.2f}",
                f=f"{lv.recall.get('fruitful', float('nan')):.2f}",
                g=f"{lv.recall.get('growing_together', float('nan')):.2f}",
            )
        )
    if result.responsiveness is not None:
        rs = result.responsiveness
        console.print(
            _(
                "Response to our attention as of {date}: ROC AUC {auc} against the true "
                "responsive accounts; {share} of {n} accounts with a year of history "
                "labelled; 'responds' finds {recall} of the responsive ones.",
                date=rs.as_of.isoformat(),
                auc=f"{rs.auc:.3f}",
                share=f"{100 * rs.share_labelled:.0f}%",
                n=rs.n,
                recall=f"{100 * rs.recall:.0f}%" if rs.recall == rs.recall else "-",
            )
        )
    if result.payments is not None:
        pe = result.payments
        console.print(
            _(
                "Payment score over {dates} month ends: ROC AUC {auc} for the {troubled} "
                "account-months in financial trouble for 30 days or more, of {n}; credit "
                "advice tightens for {hit} of those and for {other} of the rest.",
                dates=len(pe.as_of),
                auc=f"{pe.auc:.3f}",
                troubled=format_number(pe.troubled, lang()),
                n=format_number(pe.n, lang()),
                hit=f"{100 * pe.troubled_flagged:.0f}%",
                other=f"{100 * pe.others_flagged:.0f}%",
            )
        )
    if result.service is not None:
        sv = result.service
        console.print(
            _(
                "Neglected new accounts as of {date} and a year before: the list finds "
                "{recall} of the {neglected} truly neglected, and {precision} of the {flagged} "
                "on it are.",
                date=sv.as_of.isoformat(),
                recall=f"{100 * sv.recall:.0f}%" if sv.recall == sv.recall else "-",
                neglected=sv.neglected,
                precision=f"{100 * sv.precision:.0f}%" if sv.precision == sv.precision else "-",
                flagged=sv.flagged,
            )
        )
    from goodwill.cli.evaluate_qualify import print_qualification

    print_qualification(result.qualification)
    for note in result.notes:
        console.print(note)


def register(app: typer.Typer) -> None:
    app.command("score")(score_command)
    app.command("backtest-health")(backtest_health)
    app.command("evaluate")(evaluate_command)
