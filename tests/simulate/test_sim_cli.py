"""`goodwill simulate`: writes a world; a bad argument is one clear line and exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from goodwill.cli.main import main


def test_simulate_writes_a_world(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "world"
    code = main(
        ["simulate", "--accounts", "120", "--years", "0.5", "--end", "2025-03-31",
         "--seed", "5", "--out", str(out)]
    )  # fmt: skip
    assert code == 0
    assert (out / "orders.csv").stat().st_size > 0
    assert (out / "truth" / "latent_monthly.csv").exists()
    assert "orders.csv" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--accounts", "3"], "accounts must be"),
        (["--end", "31-12-2025"], "--end must be a date like"),
        (["--preset", "easy"], "--preset must be one of"),
        (["--years", "-2"], "years must be"),
    ],
)
def test_bad_argument_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], fragment: str
) -> None:
    code = main(["simulate", *args, "--out", str(tmp_path / "w")])
    err = capsys.readouterr().err
    assert code == 2
    assert fragment in err
    assert "Traceback" not in err


def test_refuses_a_folder_that_is_not_empty(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    code = main(["simulate", "--accounts", "20", "--years", "0.2", "--out", str(tmp_path)])
    assert code == 2
    assert "not empty" in capsys.readouterr().err
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_every_option_is_documented() -> None:
    import typer.main

    from goodwill.cli.main import app

    docs = (Path(__file__).resolve().parents[2] / "docs" / "simulator.md").read_text()
    command = typer.main.get_command(app)
    simulate = command.commands["simulate"]  # type: ignore[attr-defined]
    options = [o for p in simulate.params for o in p.opts if o.startswith("--")]
    assert "--accounts" in options
    for option in options:
        assert f"`{option}" in docs, f"{option} missing from docs/simulator.md"
