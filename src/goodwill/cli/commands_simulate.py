"""`goodwill simulate`: write a demo world (eight tables and its hidden truth) to a folder.

A thin shell over :mod:`goodwill.simulate`: parse the arguments, run the stepping loop
with a progress bar, write the files, show what was written.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from goodwill.cli.context import _, console, progress_bar
from goodwill.simulate import PRESETS, default_end, make_config, simulate, write_world
from goodwill.simulate.errors import SimulationConfigError


def parse_end(value: str | None) -> dt.date:
    """``YYYY-MM-DD`` as a date; empty means the last day of last month."""
    if value is None or value == "":
        return default_end()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise SimulationConfigError(
            f"--end must be a date like 2025-12-31, got {value!r}."
        ) from None


def _check_out(out: Path, overwrite: bool) -> None:
    if out.exists() and not out.is_dir():
        raise SimulationConfigError(f"--out {out} is a file; give a folder.")
    if out.is_dir() and any(out.iterdir()) and not overwrite:
        raise SimulationConfigError(
            f"--out {out} is not empty; choose a new folder or add --overwrite."
        )


def simulate_command(
    out: Annotated[Path, typer.Option("--out", help="Folder to write the world into.")] = Path(
        "goodwill-world"
    ),
    accounts: Annotated[
        int,
        typer.Option("--accounts", help="Number of accounts (customers, prospects, suppliers)."),
    ] = 2000,
    years: Annotated[float, typer.Option("--years", help="Years of history up to --end.")] = 3.0,
    end: Annotated[
        str | None,
        typer.Option(
            "--end", help="Last day of the world, YYYY-MM-DD (default: end of last month)."
        ),
    ] = None,
    seed: Annotated[
        int, typer.Option("--seed", help="Random seed; same arguments, same bytes.")
    ] = 0,
    preset: Annotated[
        str, typer.Option("--preset", help="default, or hard (half the effects, double the noise).")
    ] = "default",
    overwrite: Annotated[
        bool, typer.Option("--overwrite", help="Write into a folder that is not empty.")
    ] = False,
) -> None:
    """Simulate a B2B supplier's accounts and write the eight tables plus truth/ to a folder."""
    if preset not in PRESETS:
        raise SimulationConfigError(
            f"--preset must be one of: {', '.join(PRESETS)}; got {preset!r}."
        )
    config = make_config(preset, accounts=accounts, years=years, end=parse_end(end), seed=seed)
    _check_out(out, overwrite)
    with progress_bar() as callback:

        def weekly(done: int, total: int) -> None:
            if callback is not None:
                callback(_("simulating"), float(done), float(total))

        world = simulate(config, progress=weekly)
        if callback is not None:
            callback(_("writing"), 0.0, 0.0)
        rows = write_world(world, out)
    table = Table(title=_("World written to {out}", out=str(out)), title_justify="left")
    table.add_column(_("file"))
    table.add_column(_("rows"), justify="right")
    for name, count in rows.items():
        table.add_row(f"{name}.csv", f"{count:,}")
    console.print(table)
    console.print(
        _(
            "{start} to {end}, preset {preset}, seed {seed}. The truth under truth/ is for "
            "goodwill evaluate only.",
            start=config.start.isoformat(),
            end=world.as_of.isoformat(),
            preset=preset,
            seed=seed,
        )
    )


def register(app: typer.Typer) -> None:
    """Add `goodwill simulate` to the app."""
    app.command("simulate")(simulate_command)
