"""What every command shares: the language, the Rich consoles, progress bars, and the
runner that turns a :class:`GoodwillError` into one clear line and exit code 2."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from goodwill._typing import Lang
from goodwill.errors import GoodwillError, ImportValidationError
from goodwill.i18n import N_, gettext, normalize_lang
from goodwill.ingest.problems import COLUMN_WORDS
from goodwill.progress import ProgressCallback
from goodwill.store import on_upgrade

#: words used as table headers and statuses, marked for translation
WORDS = (
    N_("import"),
    N_("table"),
    N_("rows"),
    N_("inserted"),
    N_("updated"),
    N_("unchanged"),
    N_("read as"),
    N_("when"),
    N_("status"),
    N_("done"),
    N_("undone"),
    N_("final"),
    N_("error"),
)

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)
_state: dict[str, Lang] = {}


def set_lang(value: str | None) -> None:
    if value is not None and value.lower() not in ("nl", "en"):
        raise GoodwillError("--lang must be nl or en, not '{value}'", value=value)
    _state["lang"] = normalize_lang(value)


def lang() -> Lang:
    return _state.get("lang") or normalize_lang(None)


def _(message: str, **params: Any) -> str:
    """Translate a CLI message into the chosen language."""
    return gettext(message, lang(), **params)


@contextmanager
def progress_bar(enabled: bool = True) -> Iterator[ProgressCallback | None]:
    """A Rich progress bar on stderr, fed by the library's progress callback."""
    if not enabled or not err_console.is_terminal:
        yield None
        return
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    ) as bar:
        task = bar.add_task("", total=100)

        def callback(label: str, done: float, total: float) -> None:
            pct = 100.0 * done / total if total else 0.0
            bar.update(task, description=label, completed=pct)

        yield callback


def fail(message: str) -> None:
    err_console.print(f"[bold red]{_('error')}:[/] {message}", soft_wrap=True)


def show_error(exc: GoodwillError) -> None:
    fail(exc.message(lang()))
    if isinstance(exc, ImportValidationError) and isinstance(exc.problems, list):
        from rich.table import Table

        table = Table(title=_("{n} problems found", n=f"{exc.total:,}"), title_justify="left")
        for header in COLUMN_WORDS:
            table.add_column(_(header))
        for p in exc.problems:
            table.add_row(p.file, str(p.row or ""), p.column, p.value or "", p.message(lang()))
        err_console.print(table)
        if exc.total > len(exc.problems):
            err_console.print(
                _(
                    "{n} more not shown; write them all to a file with --errors FILE",
                    n=f"{exc.total - len(exc.problems):,}",
                )
            )
        err_console.print(_("Nothing was written to the store."))


def _upgrading(path: Path, old: int, new: int) -> None:
    err_console.print(
        _(
            "Upgrading the store {path} from version {old} to {new}: once, and it can take "
            "a minute on a large store …",
            path=path.name,
            old=old,
            new=new,
        )
    )


def run_app(app: typer.Typer, argv: list[str]) -> int:
    """Run the Typer app; return its exit code without ever showing a traceback."""
    on_upgrade(_upgrading)  # the library never prints: the command line says it
    try:
        app(args=argv, prog_name="goodwill", standalone_mode=True)
    except SystemExit as exc:
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else 2)
    except GoodwillError as exc:
        show_error(exc)
        return exc.exit_code
    except KeyboardInterrupt:
        fail(_("interrupted; the store is as it was before this command"))
        return 130
    except OSError as exc:
        fail(f"{exc.strerror or exc}: {exc.filename or ''}".strip(": "))
        return 2
    except Exception as exc:  # a bug: say so plainly, once, without a traceback
        text = str(exc).splitlines()[0] if str(exc) else ""
        fail(
            _(
                "unexpected internal error ({kind}: {text}); please report it",
                kind=type(exc).__name__,
                text=text,
            )
        )
        return 3
    return 0


def write_table(frame: Any, out: Path, *, index: bool = False) -> None:
    """Write ``frame`` (a pandas DataFrame) to ``out`` as CSV or Parquet, by its suffix."""
    suffix = out.suffix.lower()
    if suffix == ".parquet":
        frame.to_parquet(out, index=index)
    elif suffix in (".csv", ".txt"):
        frame.to_csv(out, index=index)
    else:
        raise GoodwillError("--out must end in .csv or .parquet, not {file}", file=out.name)
