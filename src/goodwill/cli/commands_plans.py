"""`goodwill evaluate --plans`: play goodwill's plan and simple policies forward in a world."""

from __future__ import annotations

from pathlib import Path

from rich.table import Table

from goodwill.cli.context import _, console, lang, progress_bar
from goodwill.i18n import format_number
from goodwill.settings import Settings


def _money(x: float) -> str:
    return format_number(round(x), lang())


def run_plans(world: Path, seeds: int, weeks: int) -> None:
    """Evaluate the policies on seeds seed..seed+N-1 of the world's configuration."""
    from goodwill.evaluate.plans import GOODWILL, NONE, evaluate_plans, world_config

    cfg = world_config(world)
    settings = Settings.load()
    with progress_bar() as progress:
        result = evaluate_plans(
            list(range(cfg.seed, cfg.seed + seeds)),
            weeks=weeks,
            config=cfg,
            settings=settings,
            progress=progress,
        )
    first = min(result.start.values())
    console.print(
        _(
            "Playing policies forward: {weeks} weeks from {date}, seeds {first} to {last}, "
            "{hours} hours per account manager a week.",
            weeks=weeks,
            date=first.isoformat(),
            first=result.seeds[0],
            last=result.seeds[-1],
            hours=f"{float(settings['plan']['hours_per_week']):g}",
        )
    )
    table = Table(
        title=_("Net value: margin minus the cost of our time (EUR)"), title_justify="left"
    )
    table.add_column(_("policy"))
    table.add_column(_("mean value"), justify="right")
    table.add_column(_("against no action"), justify="right")
    table.add_column(_("95% interval"), justify="right")
    means = result.values().mean()
    for name in result.policies:
        if name == NONE:
            table.add_row(name, _money(float(means[name])), "", "")
            continue
        d = result.difference(name)
        table.add_row(
            name,
            _money(float(means[name])),
            _money(d.mean),
            f"[{_money(d.low)}, {_money(d.high)}]" if d.n > 1 else "-",
        )
    console.print(table)
    excess = result.excess(GOODWILL)
    if excess is None:
        console.print(
            _("goodwill's planner is not available yet: only the simple policies were compared.")
        )
        return
    console.print(
        _(
            "goodwill's plan against 1.1 × the best simple policy ({best}): {excess} per "
            "seed, 95% interval [{low}, {high}]: {verdict}.",
            best=result.best_simple() or "-",
            excess=_money(excess.mean),
            low=_money(excess.low),
            high=_money(excess.high),
            verdict=_("passed") if result.passes(GOODWILL) else _("not passed"),
        )
    )
