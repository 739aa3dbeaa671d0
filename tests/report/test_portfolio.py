"""The portfolio report on a small scored world: one self-contained file, tables that
match the store, Dutch and English formats, the week's plan saved or computed, the
scatter's sample, the workbook, and the command with its errors."""

from __future__ import annotations

import datetime as dt
import html
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from goodwill.cli.main import app
from goodwill.plan import plan_week
from goodwill.plan.saved import save_plan, saved_actions
from goodwill.report import (
    portfolio_html,
    portfolio_report,
    write_portfolio_html,
    write_portfolio_xlsx,
)
from goodwill.report.assets import uplot
from goodwill.report.saved import NotScoredError
from goodwill.report.scatter import sample
from goodwill.settings import Settings
from goodwill.store import Store
from tests.conftest import ACCOUNTS_CSV, write
from tests.report.conftest import END, WEEK
from tests.report.read_html import Page, read_page


@pytest.fixture(scope="module")
def pages(scored_db: Path) -> dict[str, tuple[str, Page]]:
    """The report in English and in Dutch, as text and read back."""
    out = {}
    with Store.open(scored_db) as store:
        for lang in ("en", "nl"):
            text = portfolio_html(portfolio_report(store, lang=lang))  # type: ignore[arg-type]
            out[lang] = (text, read_page(text))
    return out


def _at_risk_ids(db: Path) -> list[str]:
    """The active accounts at risk, straight from the saved snapshot."""
    silence = Settings.load()["health"]["churn_silence_days"]
    with Store.open(db) as store:
        rows = store.con.execute(
            """SELECT account_id FROM health_snapshots
               WHERE as_of = ? AND status = 'at_risk'
                 AND NOT coalesce(CAST(json_extract(signals, '$.days_since_order') AS DOUBLE)
                                  > ?, false)
               ORDER BY 1""",
            [END, silence],
        ).fetchall()
    return [r[0] for r in rows]


def test_the_page_is_self_contained(pages: dict[str, tuple[str, Page]]) -> None:
    script, style = uplot()
    for text, page in pages.values():
        assert 'src="http' not in text and 'href="http' not in text
        assert "<link" not in text and "@import" not in text and "url(" not in text
        # every link is an anchor within the page; no script or image is fetched
        assert all(name == "href" and value.startswith("#") for _t, name, value in page.links)
        assert script in page.scripts and style in text  # uPlot inlined, unchanged
        assert "new uPlot(" in page.scripts[1]


def test_accounts_at_risk_are_those_of_the_snapshot(
    scored_db: Path, pages: dict[str, tuple[str, Page]]
) -> None:
    expected = _at_risk_ids(scored_db)
    assert expected, "the test world should have accounts at risk"
    for _text, page in pages.values():
        shown = [c.text for c in page.column("at_risk", "account_id")]
        assert sorted(shown) == expected
        assert page.figures["at_risk"].value == len(expected)
        net = [c.value for c in page.column("at_risk", "net_value")]
        assert net == sorted(net, reverse=True)  # the most valuable first
        assert all(c.text for c in page.column("at_risk", "reasons"))


def test_owner_and_segment_tables_add_up_to_the_snapshot(
    scored_db: Path, pages: dict[str, tuple[str, Page]]
) -> None:
    with Store.open(scored_db) as store:
        n, revenue, net = store.con.execute(
            "SELECT count(*), sum(revenue_12m), sum(net_value) FROM health_snapshots "
            "WHERE as_of = ?",
            [END],
        ).fetchone()  # type: ignore[misc]
        owners = store.con.execute(
            "SELECT DISTINCT coalesce(a.owner, '-') FROM health_snapshots s "
            "JOIN accounts a USING (account_id) WHERE as_of = ?",
            [END],
        ).fetchall()
    _text, page = pages["en"]
    for table in ("owners", "segments"):
        assert sum(c.value or 0 for c in page.column(table, "accounts")) == n
        assert sum(c.value or 0 for c in page.column(table, "revenue_12m")) == pytest.approx(
            revenue
        )
        assert sum(c.value or 0 for c in page.column(table, "net_value")) == pytest.approx(net)
        at_risk = sum(c.value or 0 for c in page.column(table, "at_risk"))
        assert at_risk == page.figures["at_risk"].value
    assert {c.text for c in page.column("owners", "owner")} == {o[0] for o in owners}
    assert page.figures["customers"].value == n
    assert page.figures["revenue"].value == pytest.approx(revenue)


def test_dutch_and_english_formats(pages: dict[str, tuple[str, Page]]) -> None:
    en_text, en = html.unescape(pages["en"][0]), pages["en"][1]
    nl_text, nl = html.unescape(pages["nl"][0]), pages["nl"][1]
    assert (en.lang, nl.lang) == ("en", "nl")
    revenue = en.figures["revenue"].value
    assert revenue is not None and revenue > 1000
    assert re.fullmatch(r"€\d{1,3}(,\d{3})+", en.figures["revenue"].text)
    assert re.fullmatch(r"€ \d{1,3}(\.\d{3})+", nl.figures["revenue"].text)
    assert en.figures["revenue"].value == nl.figures["revenue"].value
    assert "June 2025" in en_text and "juni 2025" in nl_text
    assert "Accounts at risk" in en_text and "Relaties met risico" in nl_text
    assert "Het weekplan" in nl_text and "The week's plan" in en_text
    # reasons in the page's language
    nl_reasons = " ".join(c.text for c in nl.column("at_risk", "reasons"))
    en_reasons = " ".join(c.text for c in en.column("at_risk", "reasons"))
    assert nl_reasons != en_reasons and re.search(r"\b(dagen|keer|klant)", nl_reasons)
    hours = [c.text for c in nl.column("plan_actions", "hours")]
    assert any("," in h for h in hours) and not any("." in h for h in hours)


def test_computed_plan_is_shown_and_said_to_be_unsaved(
    scored_db: Path, pages: dict[str, tuple[str, Page]]
) -> None:
    text, page = pages["en"]
    assert f"No plan was saved for {WEEK}" in text
    assert page.tables["plan_actions"], "the plan has actions"
    assert page.tables["stop"], "and a list of where time does not pay"
    # per account manager: one table each, and their counts in the summary
    counts = {
        o.text: int(n.value or 0)
        for o, n in zip(page.column("plan_owners", "owner"), page.column("plan_owners", "actions"),
                        strict=True)
    }  # fmt: skip
    assert sum(counts.values()) == len(page.tables["plan_actions"])
    assert set(page.owners) <= set(counts)
    planned = {c.text for c in page.column("plan_actions", "account_id")}
    assert not planned & {c.text for c in page.column("stop", "account_id")}
    assert all(c.text for c in page.column("plan_actions", "purpose"))
    # the report saved nothing: no plan, and still the one snapshot
    with Store.open(scored_db) as store:
        assert store.con.execute("SELECT count(*) FROM plans").fetchone() == (0,)
        assert store.con.execute("SELECT count(*) FROM snapshot_runs").fetchone() == (1,)


def test_a_saved_plan_is_shown_as_saved(scored_copy: Path) -> None:
    conf = Settings.load()
    with Store.open(scored_copy) as store:
        plan = plan_week(store, WEEK, conf, seed=7)
        save_plan(store, plan, conf)
        saved = saved_actions(store, WEEK)
        report = portfolio_report(store, lang="en")
    assert report.plan.saved and report.plan.week == WEEK
    page = read_page(portfolio_html(report))
    assert sorted(c.text for c in page.column("plan_actions", "account_id")) == sorted(
        saved["account_id"]
    )
    nets = [c.value for c in page.column("plan_actions", "net")]
    assert sum(v or 0 for v in nets) == pytest.approx(float(saved["net"].sum()))
    assert "No plan was saved" not in portfolio_html(report)
    expected_stop = plan.stop.index.tolist()
    assert sorted(c.text for c in page.column("stop", "account_id")) == sorted(expected_stop)


def test_as_of_takes_the_latest_snapshot_on_or_before(scored_db: Path) -> None:
    with Store.open(scored_db) as store:
        later = portfolio_report(store, END + dt.timedelta(days=30), week=WEEK)
        assert later.as_of == END
        with pytest.raises(NotScoredError, match="no snapshot on or before 2020-01-01"):
            portfolio_report(store, dt.date(2020, 1, 1))


def test_the_scatter_keeps_every_account_at_risk() -> None:
    n = 5000
    rng = np.random.default_rng(1)
    table = pd.DataFrame(
        {"name": [f"A{i}" for i in range(n)], "level": "fruitful",
         "net_value": rng.normal(size=n), "health": rng.uniform(0, 100, n),
         "revenue_12m": rng.uniform(0, 1, n)},
        index=[f"A{i}" for i in range(n)],
    )  # fmt: skip
    risky = pd.Series(rng.random(n) < 0.1, index=table.index)
    shown = sample(table, risky, 2000)
    assert len(shown) == 2000
    assert set(table.index[risky]) <= set(shown.index)
    assert shown.index.is_unique
    many = pd.Series(True, index=table.index)
    assert len(sample(table, many, 2000)) == n  # all at risk: all kept


def test_the_chart_data_is_embedded(pages: dict[str, tuple[str, Page]]) -> None:
    _text, page = pages["en"]
    found = re.search(r"const d = (\{.*?\});\n", page.scripts[1], re.S)
    assert found
    data = json.loads(found.group(1))
    assert data["shown"] == data["total"] == page.figures["customers"].value
    assert len(data["x"]) == len(data["y"]) == len(data["revenue"]) == data["shown"]
    assert sum(data["risk"]) == page.figures["at_risk"].value
    assert [c["colour"] for c in data["legend"]] == ["#E69F00", "#56B4E9", "#009E73", "#999999"]


def test_the_workbook_holds_the_same_tables(scored_db: Path, tmp_path: Path) -> None:
    with Store.open(scored_db) as store:
        report = portfolio_report(store, lang="nl")
    path = write_portfolio_xlsx(report, tmp_path / "rapport.xlsx")
    book = openpyxl.load_workbook(path)
    assert len(book.sheetnames) == 1 + len(report.tables)
    summary = book[book.sheetnames[0]]
    assert summary["A1"].font.b and summary["B1"].font.b
    assert isinstance(summary["B2"].value, dt.datetime) and summary["B2"].value.date() == END
    assert summary["B2"].is_date
    for sheet, table in zip(book.worksheets[1:], report.tables, strict=True):
        rows = list(sheet.iter_rows(values_only=True))
        assert list(rows[0]) == [c.title for c in table.columns]
        assert all(cell.font.b for cell in sheet[1])
        assert len(rows) - 1 == len(table.rows)
        for got, want in zip(rows[1:], table.rows, strict=True):
            for value, expected, column in zip(got, want, table.columns, strict=True):
                if column.numeric:
                    if expected is None or expected != expected:
                        assert value is None
                    else:
                        assert isinstance(value, int | float)
                        assert value == pytest.approx(float(expected))
                else:
                    assert value == (expected or None)
    at_risk = book[report.at_risk.sheet]
    assert at_risk.max_row - 1 == len(report.at_risk.rows)


def _invoke(*args: str) -> object:
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})


def test_the_command_writes_both_files(scored_db: Path, tmp_path: Path) -> None:
    out, xlsx = tmp_path / "rapport.html", tmp_path / "rapport.xlsx"
    result = _invoke("--lang", "nl", "report", "--db", str(scored_db), "--out", str(out),
                     "--xlsx", str(xlsx), "--week", WEEK)  # fmt: skip
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert "Rapport per 2025-06-30 geschreven" in result.output  # type: ignore[attr-defined]
    page = read_page(out.read_text(encoding="utf-8"))
    assert page.lang == "nl" and len(page.tables["at_risk"]) == len(_at_risk_ids(scored_db))
    assert openpyxl.load_workbook(xlsx).sheetnames[0] == "overzicht"


def test_the_command_errors_are_clear(scored_db: Path, tmp_path: Path) -> None:
    out = str(tmp_path / "r.html")
    unscored = tmp_path / "unscored.duckdb"
    with Store.open(unscored) as store:
        store.import_file("accounts", write(tmp_path / "accounts.csv", ACCOUNTS_CSV))
    folder = tmp_path / "taken.html"
    folder.mkdir()
    cases = [
        (["--db", str(tmp_path / "none.duckdb"), "--out", out], "there is no store at"),
        (["--db", str(unscored), "--out", out], "has not been scored yet: run goodwill score"),
        (["--db", str(scored_db), "--out", str(tmp_path / "no" / "r.html")], "does not exist"),
        (["--db", str(scored_db), "--out", str(folder)], "cannot write"),
        (["--db", str(scored_db), "--out", str(tmp_path / "r.pdf")], "must end in .html"),
        (["--db", str(scored_db), "--out", out, "--xlsx", str(tmp_path / "r.csv")],
         "must end in .xlsx"),
        (["--db", str(scored_db), "--out", out, "--week", "2025-W99"], "is not a week"),
        (["--db", str(scored_db), "--out", out, "--as-of", "30-06-2025"], "is not a date"),
        (["--db", str(scored_db), "--out", out, "--as-of", "2020-01-01"],
         "no snapshot on or before 2020-01-01"),
    ]  # fmt: skip
    for args, message in cases:
        result = _invoke("--lang", "en", "report", *args)
        output = result.output  # type: ignore[attr-defined]
        assert result.exit_code == 2, (args, output)  # type: ignore[attr-defined]
        assert message in " ".join(output.split()), (args, output)
        assert "Traceback" not in output
    assert not Path(out).exists()
    nl = _invoke("--lang", "nl", "report", "--db", str(unscored), "--out", out)
    assert "is nog niet beoordeeld" in " ".join(nl.output.split())  # type: ignore[attr-defined]


def test_write_refuses_an_unwritable_path(scored_db: Path, tmp_path: Path) -> None:
    with Store.open(scored_db) as store:
        report = portfolio_report(store, week=WEEK)
    with pytest.raises(OSError, match="cannot write"):
        write_portfolio_html(report, tmp_path / "missing" / "r.html")
    with pytest.raises(OSError, match="cannot write"):
        write_portfolio_xlsx(report, tmp_path / "missing" / "r.xlsx")


def test_the_docs_example_runs(
    scored_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "report.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", doc, re.S)
    assert len(blocks) == 1
    shutil.copyfile(scored_db, tmp_path / "goodwill.duckdb")
    monkeypatch.chdir(tmp_path)
    exec(compile(blocks[0], "docs/report.md", "exec"), {"print": lambda *a, **k: None})
    assert (tmp_path / "portefeuille.html").stat().st_size > 50_000
    assert openpyxl.load_workbook(tmp_path / "portefeuille.xlsx").sheetnames[0] == "overzicht"


def test_the_installed_command_never_shows_a_traceback(tmp_path: Path) -> None:
    env = {**os.environ, "GOODWILL_LANG": "en", "COLUMNS": "200"}
    out = subprocess.run(
        [sys.executable, "-m", "goodwill", "report", "--db", str(tmp_path / "none.duckdb"),
         "--out", str(tmp_path / "r.html")],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert out.returncode == 2
    assert "there is no store at" in out.stderr and "Traceback" not in out.stderr
