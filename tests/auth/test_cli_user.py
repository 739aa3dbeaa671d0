"""`goodwill user` through the CLI runner: add (password asked twice or from stdin),
list, passwd, disable, remove — with clear errors and no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from goodwill.auth import AuthBook, sign_in
from goodwill.cli.main import app
from goodwill.store import Store

runner = CliRunner()


def user(db: Path, *args: str, input: str | None = None) -> tuple[int, str]:
    result = runner.invoke(app, ["--lang", "en", "user", *args, "--db", str(db)], input=input)
    return result.exit_code, result.output


def test_user_add_list_passwd_disable_remove(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    Store.open(db).close()
    code, out = user(db, "add", "ada", "--role", "admin", input="first password\nfirst password\n")
    assert code == 0 and "Added ada (admin)" in out
    code, out = user(db, "add", "dj", "--role", "account-manager", "--owner", "DJ",
                     "--password-stdin", input="dj password 1\n")  # fmt: skip
    assert code == 0 and "no account has the owner code DJ" in out
    code, out = user(db, "list")
    assert code == 0 and "ada" in out and "account-manager" in out and "DJ" in out
    code, out = user(db, "passwd", "dj", "--password-stdin", input="dj password 2\n")
    assert code == 0
    with Store.open(db) as store:
        book = AuthBook.load(store)
    assert sign_in(book, "dj", "dj password 2").owner == "DJ"
    assert book.get("ada").password_hash.startswith("$argon2id$")
    assert user(db, "disable", "dj")[0] == 0
    assert "disabled" in user(db, "list")[1]
    assert user(db, "remove", "dj")[0] == 0
    assert "dj" not in user(db, "list")[1].split()


def test_user_errors_are_one_clear_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "s.duckdb"
    Store.open(db).close()
    from goodwill.cli.main import main

    cases = [
        (["add", "dj", "--role", "account-manager"], "needs the owner code"),
        (["add", "max", "--role", "manager"], "first user must be an administrator"),
        (["add", "x", "--role", "boss"], "unknown role 'boss'"),
        (["remove", "zed"], "there is no user 'zed'"),
    ]
    for args, fragment in cases:
        assert main(["user", *args, "--db", str(db)]) == 2, args
        err = capsys.readouterr().err
        assert fragment in err and "Traceback" not in err, (args, err)
    mismatch = user(db, "add", "ada", "--role", "admin", input="one password\nanother one\n")
    assert mismatch[0] != 0
    assert main(["user", "list", "--db", str(tmp_path / "none.duckdb")]) == 2
