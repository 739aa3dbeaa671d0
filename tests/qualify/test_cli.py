"""`goodwill qualify` on the hand-made portfolio: a table in English or Dutch, every
account written with --out, and clear errors."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from goodwill.cli.main import app, main
from tests.qualify.world import AS_OF, EXPECTED


@pytest.fixture
def db(qualify_db: Path, tmp_path: Path) -> Path:
    """A copy of the portfolio (a CLI run may write the order days to its store)."""
    return Path(shutil.copy(qualify_db, tmp_path / "store.duckdb"))


@pytest.fixture
def strategy(tmp_path: Path) -> Path:
    path = tmp_path / "strategy.toml"
    path.write_text(
        'segments = ["food"]\ncountries = ["NL"]\nregions = ["Noord", "Zuid"]\n'
        "employees_min = 5\nemployees_max = 500\nmin_yearly_value_eur = 3200\n",
        encoding="utf-8",
    )
    return path


def _run(*args: str) -> str:
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    return " ".join(result.output.split())


def test_english_table_and_every_account_to_csv(db: Path, strategy: Path, tmp_path: Path) -> None:
    out = tmp_path / "qualify.csv"
    text = _run("qualify", "--db", str(db), "--as-of", str(AS_OF), "--strategy", str(strategy),
                "--lang", "en", "--out", str(out))  # fmt: skip
    assert "Qualified 11 prospects and new accounts as of 2025-06-30: 4 to pursue, 5 to " \
        "serve efficiently, 2 to decline politely; 1 buyer's test(s)." in text  # fmt: skip
    assert "N_TEST" in text and "buyer's test" in text and "decline politely" in text
    written = pd.read_csv(out, index_col="account_id")
    assert written["advice"].to_dict() == EXPECTED
    assert written.loc["N_TEST", "reasons"].startswith("a small first order (€50")


def test_dutch_table(db: Path, strategy: Path) -> None:
    text = _run("qualify", "--db", str(db), "--as-of", str(AS_OF), "--strategy", str(strategy),
                "--lang", "nl")  # fmt: skip
    assert "4 volop oppakken, 5 efficiënt bedienen, 2 beleefd afwijzen" in text
    assert "inkoperstest" in text and "volop oppakken" in text


def test_errors_are_one_clear_line(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("employees_min = 'tien'\n", encoding="utf-8")
    assert main(["qualify", "--db", str(db), "--strategy", str(bad)]) == 2
    assert "'employees_min' must be a whole number" in capsys.readouterr().err
    assert main(["qualify", "--db", str(db), "--as-of", "30-06-2025"]) == 2
    assert "is not a date" in capsys.readouterr().err
    assert main(["qualify", "--db", str(db), "--as-of", "2020-01-01"]) == 2
    assert "no prospects or new accounts" in capsys.readouterr().err
