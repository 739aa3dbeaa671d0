"""`goodwill` command: the Typer app, global options and error handling.

Each command group lives in its own module with a ``register(app)`` function; this
module wires them together and turns every :class:`GoodwillError` into one clear line
and exit code 2 (never a traceback).
"""

from __future__ import annotations

import sys
from collections.abc import Callable

import typer

from goodwill.cli import (
    commands_backtest,
    commands_credit,
    commands_data,
    commands_demo,
    commands_ops,
    commands_plan,
    commands_privacy,
    commands_qualify,
    commands_report,
    commands_score,
    commands_serve,
    commands_service,
    commands_simulate,
    commands_user,
)
from goodwill.cli.context import set_lang

app = typer.Typer(
    name="goodwill",
    help="goodwill: what each B2B relationship is worth, whether it is healthy, "
    "and where sales time pays off.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode="rich",
)

REGISTRARS: list[Callable[[typer.Typer], None]] = [
    commands_data.register,
    commands_simulate.register,
    commands_demo.register,
    commands_score.register,
    commands_backtest.register,
    commands_credit.register,
    commands_service.register,
    commands_qualify.register,
    commands_plan.register,
    commands_serve.register,
    commands_report.register,
    commands_privacy.register,
    commands_ops.register,
    commands_user.register,
]
for _register in REGISTRARS:
    _register(app)


def _version(value: bool) -> None:
    if value:
        from goodwill import __version__

        typer.echo(f"goodwill {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    lang: str | None = typer.Option(
        None,
        "--lang",
        help="Language of messages and reports: nl or en (default: from GOODWILL_LANG or LANG).",
    ),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """goodwill: what each B2B relationship is worth, whether it is healthy, and where
    sales time pays off."""
    set_lang(lang)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `goodwill` script; returns the exit code."""
    from goodwill.cli.context import run_app

    return run_app(app, sys.argv[1:] if argv is None else argv)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
