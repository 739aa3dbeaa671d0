"""The command line: thin Typer shells over the library."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `goodwill` script; returns the exit code.

    The command modules are imported here, inside the guard, so that Ctrl-C during
    start-up also ends with a message instead of a traceback.
    """
    try:
        from goodwill.cli.main import main as run

        return run(argv)
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        return 130
