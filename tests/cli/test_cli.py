"""The command line as a user meets it: help, Dutch and English, and no tracebacks."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from goodwill.cli.main import app, main
from tests.conftest import ACCOUNTS_CSV, write

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str, lang: str = "en", cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GOODWILL_LANG": lang, "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "goodwill", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=120,
    )


def command_names() -> list[str]:
    import typer.main

    group = typer.main.get_command(app)
    names: list[str] = []
    for name, cmd in group.commands.items():  # type: ignore[attr-defined]
        names.append(name)
        for sub in getattr(cmd, "commands", {}):
            names.append(f"{name} {sub}")
    return names


def test_help_lists_every_command_with_a_line_of_help() -> None:
    out = run("--help")
    assert out.returncode == 0
    for name in command_names():
        assert name.split()[0] in out.stdout


def test_version() -> None:
    out = run("--version")
    assert out.returncode == 0 and out.stdout.startswith("goodwill ")


def test_every_command_is_documented_in_docs_cli_md() -> None:
    doc = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    missing = [n for n in command_names() if f"goodwill {n}" not in doc]
    assert not missing, f"document these in docs/cli.md: {missing}"


def test_import_then_list_then_export_roundtrip(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    acc = write(tmp_path / "accounts.csv", ACCOUNTS_CSV)
    out = run("import", "accounts", str(acc), "--db", str(db))
    assert out.returncode == 0, out.stderr
    assert "Imported" in out.stdout
    listing = run("imports", "--db", str(db), lang="nl")
    assert (
        listing.returncode == 0 and "accounts.csv" in listing.stdout and "gedaan" in listing.stdout
    )
    target = tmp_path / "out.csv"
    exported = run("export", "accounts", "--to", str(target), "--db", str(db), "--convention", "nl")
    assert exported.returncode == 0, exported.stderr
    assert target.read_text(encoding="utf-8").startswith("account_id;name;kind")


@pytest.mark.parametrize(
    ("setup", "args", "needle"),
    [
        ("empty", ["import", "orders", "{f}", "--db", "{db}"], "0 bytes"),
        ("header", ["import", "orders", "{f}", "--db", "{db}"], "no rows"),
        ("binary", ["import", "orders", "{f}", "--db", "{db}"], "binary"),
        ("none", ["import", "orders", "{tmp}/missing.csv", "--db", "{db}"], "does not exist"),
        ("ok", ["import", "orders", "{f}", "--db", "{tmp}/nope/s.duckdb"], "does not exist"),
        ("notdb", ["import", "orders", "{f}", "--db", "{f}"], "not a goodwill store"),
        ("bad", ["import", "orders", "{f}", "--db", "{db}"], "is not a number"),
        ("ok", ["import", "nosuchtable", "{f}", "--db", "{db}"], "unknown table"),
        ("ok", ["imports", "undo", "42", "--db", "{db}"], "no import #42"),
        ("ok", ["export", "orders", "--to", "{tmp}/x.docx", "--db", "{db}"], "cannot tell"),
        ("ok", ["import", "orders", "{f}", "--db", "{db}", "--separator", "x"], "not supported"),
        ("ok", ["--lang", "fr", "imports", "--db", "{db}"], "nl or en"),
    ],
)
def test_bad_input_gets_one_clear_message_and_exit_2(
    tmp_path: Path, setup: str, args: list[str], needle: str
) -> None:
    db = tmp_path / "s.duckdb"
    assert (
        main(["import", "accounts", str(write(tmp_path / "a.csv", ACCOUNTS_CSV)), "--db", str(db)])
        == 0
    )
    f = tmp_path / "orders.csv"
    contents = {
        "empty": b"",
        "header": b"order_id,account_id,ordered_on,amount\n",
        "binary": bytes(range(256)) * 20,
        "notdb": b"hello",
        "bad": b"order_id,account_id,ordered_on,amount\nO1,A1,2024-01-01,veel\n",
        "ok": b"order_id,account_id,ordered_on,amount\nO1,A1,2024-01-01,1\n",
    }
    if setup != "none":
        f.write_bytes(contents[setup])
    argv = [a.format(f=f, db=db, tmp=tmp_path) for a in args]
    out = run(*argv)
    assert out.returncode == 2, (out.stdout, out.stderr)
    assert "Traceback" not in out.stderr + out.stdout
    assert needle in out.stderr


def test_messages_in_dutch(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    main(["import", "accounts", str(write(tmp_path / "a.csv", ACCOUNTS_CSV)), "--db", str(db)])
    f = write(
        tmp_path / "o.csv", "ordernummer;klantnummer;orderdatum;bedrag\nO1;A1;01-01-2024;veel\n"
    )
    out = run("--lang", "nl", "import", "orders", str(f), "--db", str(db))
    assert out.returncode == 2
    assert "'veel' is geen getal" in out.stderr
    assert "Er is niets naar de opslag geschreven." in out.stderr


def test_a_million_bad_rows_get_one_message(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    main(["import", "accounts", str(write(tmp_path / "a.csv", ACCOUNTS_CSV)), "--db", str(db)])
    f = tmp_path / "orders.csv"
    with f.open("w") as fh:
        fh.write("order_id,account_id,ordered_on,amount\n")
        fh.writelines(f"O{i},A1,2024-01-01,x{i}\n" for i in range(1_000_000))
    errors = tmp_path / "errors.csv"
    out = run("import", "orders", str(f), "--db", str(db), "--errors", str(errors))
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert "1,000,000 problems found" in out.stderr
    assert "999,980 more not shown" in out.stderr
    assert sum(1 for _ in errors.open()) == 1_000_001


def test_ctrl_c_leaves_the_store_as_it_was(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    main(["import", "accounts", str(write(tmp_path / "a.csv", ACCOUNTS_CSV)), "--db", str(db)])
    f = tmp_path / "orders.csv"
    with f.open("w") as fh:
        fh.write("order_id;account_id;ordered_on;amount\n")
        fh.writelines(
            f"O{i};A{1 + i % 2};{1 + i % 28:02d}-01-2024;{i},50\n" for i in range(3_000_000)
        )
    proc = subprocess.Popen(
        [sys.executable, "-m", "goodwill", "import", "orders", str(f), "--db", str(db)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob(".goodwill-import-*")) and time.monotonic() < deadline:
        time.sleep(0.05)  # wait until the import is under way
    time.sleep(0.3)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    assert "the store is as it was" in err
    from goodwill.store import Store

    with Store.open(db) as store:
        assert store.count("orders") == 0
        assert len(store.imports()) == 1


def test_an_older_store_is_upgraded_once_and_the_command_says_so(tmp_path: Path) -> None:
    """tests/fixtures/store-v1.duckdb was written by goodwill 0.1: the first command
    that opens it says it upgrades it (on stderr, in the user's language); the next
    command opens it without a word."""
    import shutil

    from goodwill.store.migrations import SCHEMA_VERSION

    db = tmp_path / "old.duckdb"
    shutil.copy(Path(__file__).parents[1] / "fixtures" / "store-v1.duckdb", db)
    first = run("imports", "--db", str(db), lang="nl")
    assert first.returncode == 0, first.stderr
    said = " ".join(first.stderr.split())
    assert f"De opslag old.duckdb wordt bijgewerkt van versie 1 naar {SCHEMA_VERSION}" in said
    assert "bijgewerkt" not in first.stdout  # a note on stderr; the listing on stdout
    again = run("imports", "--db", str(db))
    assert again.returncode == 0 and "pgrad" not in again.stderr, again.stderr
