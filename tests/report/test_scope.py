"""The report of one account manager (``portfolio_report(scope=owner)``): every part of it
is the whole report's part for that owner — the figures their row of the per-owner table,
the tables their rows, the scatter their accounts, the week's plan their actions, stop
list and capacity — and an owner without accounts gets an empty report, not an error."""

from __future__ import annotations

import io
from collections import Counter
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from goodwill.report import (
    PortfolioReport,
    portfolio_html,
    portfolio_report,
    portfolio_xlsx,
    write_portfolio_xlsx,
)
from goodwill.report.tables import Table
from goodwill.store import Store
from tests.report.read_html import SAME_AS_OWNER_COLUMN as SAME
from tests.report.read_html import read_page


@pytest.fixture(scope="module")
def reports(scored_db: Path) -> tuple[PortfolioReport, PortfolioReport, dict[str, str]]:
    """The whole report, the report of the owner with the most accounts at risk, and
    every account's owner."""
    with Store.open(scored_db) as store:
        whole = portfolio_report(store)
        owner = Counter(whole.at_risk.column("owner")).most_common(1)[0][0]
        mine = portfolio_report(store, scope=owner)
        rows = store.con.execute("SELECT account_id, owner FROM accounts").fetchall()
    return whole, mine, {str(a): str(o) for a, o in rows}


def rows_of(table: Table, owner: str) -> list[tuple[Any, ...]]:
    return [r for r, o in zip(table.rows, table.column("owner"), strict=True) if o == owner]


def same_rows(a: list[tuple[Any, ...]], b: list[tuple[Any, ...]]) -> bool:
    """Equal rows, sums of money equal up to the order they were added in."""
    return len(a) == len(b) and all(
        len(x) == len(y)
        and all(
            u == pytest.approx(v, nan_ok=True) if isinstance(u, float) else u == v
            for u, v in zip(x, y, strict=True)
        )
        for x, y in zip(a, b, strict=True)
    )


def test_every_table_is_the_owners_part_of_the_whole(
    reports: tuple[PortfolioReport, PortfolioReport, dict[str, str]],
) -> None:
    whole, mine, _owners = reports
    owner = mine.scope
    assert owner is not None and mine.at_risk.rows, "an owner with accounts at risk"
    for name in ("owners", "at_risk", "plan_owners", "plan_actions", "stop"):
        part = next(t for t in whole.tables if t.key == name)
        scoped = next(t for t in mine.tables if t.key == name)
        assert same_rows(scoped.rows, rows_of(part, owner)), name
    assert mine.plan.actions.rows, "the owner has actions this week"
    assert len(mine.at_risk.rows) < len(whole.at_risk.rows)
    assert sum(mine.segments.column("accounts")) == mine.owners.column("accounts")[0]
    assert (mine.plan.week, mine.plan.as_of, mine.plan.saved) == (
        whole.plan.week,
        whole.plan.as_of,
        whole.plan.saved,
    )


def test_the_figures_are_the_owners_row(
    reports: tuple[PortfolioReport, PortfolioReport, dict[str, str]],
) -> None:
    whole, mine, owners = reports
    row = dict(
        zip(
            [c.key for c in whole.owners.columns],
            rows_of(whole.owners, mine.scope or "")[0],
            strict=True,
        )
    )
    figures = {f.key: f.value for f in mine.figures}
    for figure, column in SAME.items():
        assert figures[figure] == pytest.approx(row[column]), figure
    assert figures["accounts"] == sum(1 for o in owners.values() if o == mine.scope)
    assert figures["accounts"] < len(owners)
    assert mine.title.startswith(f"Portfolio report of {mine.scope} as of")


def test_the_scatter_shows_only_the_owners_accounts(
    reports: tuple[PortfolioReport, PortfolioReport, dict[str, str]],
) -> None:
    whole, mine, owners = reports
    ids = mine.scatter["id"]
    assert ids and {owners[i] for i in ids} == {mine.scope}
    assert set(ids) == {i for i in whole.scatter["id"] if owners[i] == mine.scope}
    page = read_page(portfolio_html(mine))
    assert [c.text for c in page.column("owners", "owner")] == [mine.scope]
    assert page.figures["customers"].value == len(ids)


def test_an_owner_without_accounts_gets_an_empty_report(scored_db: Path) -> None:
    with Store.open(scored_db) as store:
        empty = portfolio_report(store, scope="NOBODY", lang="nl")
    assert all(not t.rows for t in empty.tables) and not empty.scatter["id"]
    assert {f.key: f.value for f in empty.figures}["accounts"] == 0
    assert all(f.value == 0 for f in empty.figures)
    assert "NOBODY" in portfolio_html(empty)
    book = openpyxl.load_workbook(io.BytesIO(portfolio_xlsx(empty)), read_only=True)
    assert ("accountmanager", "NOBODY") in list(book["overzicht"].iter_rows(values_only=True))


def test_the_workbook_in_memory_is_the_workbook_written(
    reports: tuple[PortfolioReport, PortfolioReport, dict[str, str]], tmp_path: Path
) -> None:
    _whole, mine, _owners = reports

    def cells(source: Any) -> dict[str, list[tuple[Any, ...]]]:
        book = openpyxl.load_workbook(source, read_only=True)
        return {s.title: list(s.iter_rows(values_only=True)) for s in book}

    written = cells(write_portfolio_xlsx(mine, tmp_path / "mine.xlsx"))
    assert cells(io.BytesIO(portfolio_xlsx(mine))) == written
    assert ("account manager", mine.scope) in written["summary"]
