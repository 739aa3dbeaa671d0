"""`goodwill evaluate`: the lines on qualification (potential and advice for new accounts
against the margin of their next three years)."""

from __future__ import annotations

from rich.table import Table

from goodwill.cli.context import _, console, lang
from goodwill.evaluate.qualify import (
    DEFAULT,
    HORIZON_DAYS,
    MINIMUM,
    NEW,
    PROSPECT,
    QualifyEvaluation,
)
from goodwill.i18n import N_, format_money, format_number
from goodwill.report.words import QUALIFY_WORDS


def _money(x: float) -> str:
    return format_money(x, lang()) if x == x else "-"


def _rho(x: float) -> str:
    return f"{x:.2f}" if x == x else "-"


def _times(x: float) -> str:
    return f"{x:.1f}" if x == x and x != float("inf") else "-"


def print_qualification(q: QualifyEvaluation | None) -> None:
    """The Spearman correlation of potential and three-year value, and the value per
    advice under the evaluation profile; one line when the world is too short."""
    if q is None:
        console.print(
            _(
                "Qualification not measured: the world is shorter than the {years} years "
                "it takes (a year of history before a date and {after} years after it).",
                years=1 + HORIZON_DAYS // 365,
                after=HORIZON_DAYS // 365,
            )
        )
        return
    lg = lang()
    console.print(
        _(
            "Qualification at {dates} dates from {first} to {last}: the potential ranks the "
            "margin of the next three years with a Spearman correlation of {rho} over {n} "
            "new accounts, and {rho_p} over {n_p} prospects that became customers.",
            dates=len(q.as_of),
            first=q.as_of[0].isoformat(),
            last=q.as_of[-1].isoformat(),
            rho=_rho(q.spearman(NEW)),
            n=format_number(q.n(NEW), lg),
            rho_p=_rho(q.spearman(PROSPECT)),
            n_p=format_number(q.n(PROSPECT), lg),
        )
    )
    stats = q.by_advice(MINIMUM, NEW)
    table = Table(
        title=_(
            "New accounts per advice, with the median customer's value as the minimum and "
            "the regions of half the customers as targets"
        ),
        title_justify="left",
    )
    for header in (N_("advice"), N_("accounts"), N_("mean over 3 years"),
                   N_("median over 3 years")):  # fmt: skip
        table.add_column(_(header), justify="left" if header == "advice" else "right")
    for advice, row in stats.iterrows():
        table.add_row(
            _(QUALIFY_WORDS[str(advice)]),
            format_number(int(row["n"]), lg),
            _money(float(row["mean"])),
            _money(float(row["median"])),
        )
    console.print(table)
    console.print(
        _(
            "Accounts advised to pursue bring {ratio}× the mean value of those advised to "
            "decline politely ({median}× the median).",
            ratio=_times(q.ratio(MINIMUM, NEW)),
            median=_times(q.ratio(MINIMUM, NEW, "median")),
        )
    )
    counts = q.by_advice(DEFAULT, NEW)["n"]
    console.print(
        _(
            "With the default strategy profile (everything fits, no minimum): {pursue} to "
            "pursue, {serve} to serve efficiently, {decline} to decline politely.",
            pursue=format_number(int(counts["pursue"]), lg),
            serve=format_number(int(counts["serve_efficiently"]), lg),
            decline=format_number(int(counts["decline_politely"]), lg),
        )
    )
