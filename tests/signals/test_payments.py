"""Payment behaviour, credit advice and the cover what-if on hand-made invoices whose
days beyond terms are known: paid early, on time and late, partly paid, still open,
credit notes, growing delays, over the limit, cover withdrawn."""

from __future__ import annotations

import datetime as dt
import math
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from goodwill.score import score
from goodwill.settings import Settings
from goodwill.signals.credit import cover_withdrawn_what_if, credit_advice
from goodwill.signals.payments import COLUMNS, payment_behaviour, payment_reasons
from goodwill.store import Store

AS_OF = dt.date(2025, 6, 30)

#: account -> (credit_limit, insured_limit); terms are 30 days for every account
ACCOUNTS = {
    "E": (10000, 10000),  # pays early
    "L": (10000, 10000),  # pays 20 days late, always
    "P": (10000, 10000),  # paid part of an invoice 10 days late; the rest still open
    "S": (10000, 10000),  # one invoice still open, 60 days past due
    "X": (10000, 10000),  # one invoice open 100 days past due
    "C": (10000, 10000),  # on time, and a credit note not yet settled
    "G": (20000, 20000),  # on time for a year, then 25 days late: growing delays
    "M": (1000, 1000),  # a big invoice, not yet due, over the credit limit
    "W": (20000, 0),  # the insurer withdrew cover; 8,000 open, not yet due
    "B": (50000, 40000),  # a good payer with 12,000 open, not yet due
    "T": (10000, 10000),  # paid after the as-of date
    "N": (10000, 10000),  # no invoices
}


def _own_source() -> dict[str, str]:
    """PYTHONPATH kept, so the command runs this checkout's source (a worktree's), not
    the installed one, which may read an older store version."""
    return {k: v for k, v in os.environ.items() if k == "PYTHONPATH"}


def d(days: int) -> dt.date:
    return AS_OF + dt.timedelta(days=days)


def invoices() -> list[tuple[str, int, int, float, int | None, float | None]]:
    """(account, issued, due, amount, paid, paid amount) with days relative to AS_OF."""
    rows: list[tuple[str, int, int, float, int | None, float | None]] = [
        ("E", -130, -100, 1000, -105, 1000),
        ("E", -60, -30, 1000, -35, 1000),
        ("P", -70, -40, 1000, -30, 600),
        ("S", -90, -60, 500, None, None),
        ("X", -130, -100, 800, None, None),
        ("C", -80, -50, 1000, -50, 1000),
        ("C", -20, 10, -200, None, None),
        ("M", -20, 10, 3000, None, None),
        ("W", -20, 10, 8000, None, None),
        ("B", -20, 10, 12000, None, None),
        ("T", -40, -10, 1000, 5, 1000),
        ("G", -115, -85, 1000, -60, 1000),
        ("G", -85, -55, 1000, -30, 1000),
        ("G", -55, -25, 1000, None, None),
    ]
    rows += [("L", due - 30, due, 1000, due + 20, 1000) for due in (-200, -150, -80, -40)]
    rows += [("G", due - 30, due, 1000, due, 1000) for due in range(-330, -119, 30)]
    return rows


def _write(folder: Path) -> None:
    folder.mkdir()
    accounts = ["account_id,name,kind,created_on,payment_terms_days,credit_limit,insured_limit"]
    accounts += [
        f"{a},Account {a},customer,2023-01-01,30,{c},{i}" for a, (c, i) in ACCOUNTS.items()
    ]
    (folder / "accounts.csv").write_text("\n".join(accounts) + "\n", encoding="utf-8")
    lines = ["invoice_id,account_id,issued_on,due_on,amount,paid_on,paid_amount"]
    for n, (acc, issued, due, amount, paid, paid_amount) in enumerate(invoices()):
        paid_on = d(paid).isoformat() if paid is not None else ""
        paid_amt = "" if paid_amount is None else str(paid_amount)
        lines.append(f"I{n},{acc},{d(issued)},{d(due)},{amount},{paid_on},{paid_amt}")
    (folder / "invoices.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    orders = ["order_id,account_id,ordered_on,amount"]
    orders += [f"O{a}{k},{a},{d(-30 * k - 3)},1000" for a in ACCOUNTS for k in range(12)]
    (folder / "orders.csv").write_text("\n".join(orders) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("payments")
    _write(tmp / "world")
    with Store.open(tmp / "p.duckdb") as store:
        store.import_dir(tmp / "world")
    return tmp / "p.duckdb"


@pytest.fixture(scope="module")
def paid(store_path: Path) -> pd.DataFrame:
    with Store.open(store_path) as store:
        return payment_behaviour(store.con, AS_OF, Settings.load())


def test_days_beyond_terms_per_account(paid: pd.DataFrame) -> None:
    assert set(COLUMNS) <= set(paid.columns)
    e, late, part = paid.loc["E"], paid.loc["L"], paid.loc["P"]
    assert e["days_beyond_terms_3m"] == 0 and e["days_beyond_terms_12m"] == 0
    assert e["share_paid_late_12m"] == 0 and e["open_amount"] == 0
    assert late["days_beyond_terms_3m"] == pytest.approx(20)
    assert late["days_beyond_terms_before"] == pytest.approx(20)
    assert late["payment_trend_days"] == pytest.approx(0)
    assert late["share_paid_late_12m"] == 1.0 and late["late_invoices_12m"] == 4
    # partly paid: 600 paid 10 days late, 400 open 40 days past due
    assert part["days_beyond_terms_3m"] == pytest.approx((600 * 10 + 400 * 40) / 1000)
    assert part["open_amount"] == pytest.approx(400) and part["overdue_amount"] == pytest.approx(
        400
    )
    assert part["oldest_overdue_days"] == 40
    assert pd.Timestamp(part["oldest_open_due"]).date() == d(-40)


def test_open_items_count_as_late_from_their_due_date(paid: pd.DataFrame) -> None:
    s, x = paid.loc["S"], paid.loc["X"]
    assert s["days_beyond_terms_3m"] == 60 and s["oldest_overdue_days"] == 60
    assert x["oldest_overdue_days"] == 100 and x["overdue_amount"] == 800
    # not yet due: open, but not overdue and not late
    m = paid.loc["M"]
    assert m["open_amount"] == 3000 and m["overdue_amount"] == 0
    assert math.isnan(m["days_beyond_terms_3m"])


def test_credit_notes_lower_the_balance_and_are_never_late(paid: pd.DataFrame) -> None:
    c = paid.loc["C"]
    assert c["open_amount"] == pytest.approx(-200)
    assert c["days_beyond_terms_3m"] == 0 and c["share_paid_late_12m"] == 0
    assert c["payment_score"] == 100


def test_growing_delays(paid: pd.DataFrame) -> None:
    g = paid.loc["G"]
    assert g["days_beyond_terms_3m"] == pytest.approx(25)
    assert g["days_beyond_terms_before"] == pytest.approx(0)
    assert g["payment_trend_days"] == pytest.approx(25)
    assert g["payment_score"] < paid.loc["L"]["payment_score"] < paid.loc["E"]["payment_score"]


def test_point_in_time(store_path: Path, paid: pd.DataFrame) -> None:
    t = paid.loc["T"]  # paid 5 days after the as-of date: open, 10 days late, at the as-of
    assert t["open_amount"] == 1000 and t["days_beyond_terms_3m"] == 10
    with Store.open(store_path) as store:
        later = payment_behaviour(store.con, d(10), Settings.load()).loc["T"]
    assert later["open_amount"] == 0 and later["days_beyond_terms_3m"] == 15


def test_score_and_reasons(paid: pd.DataFrame) -> None:
    assert paid.loc["E", "payment_score"] == 100
    assert math.isnan(paid.loc["N", "payment_score"])  # no invoices: no score
    assert paid["payment_score"].dropna().between(0, 100).all()
    reasons = payment_reasons(paid, Settings.load())
    assert reasons["E"] == []
    codes = [r.code for r in reasons["G"]]
    assert codes[0] == "payment_growing_delay"
    text = {lang: reasons["G"][0].text(lang) for lang in ("en", "nl")}
    assert "25 days beyond terms in the last 3 months" in text["en"]
    assert "betalingen worden later: 25 dagen" in text["nl"]
    oldest = next(r for r in reasons["X"] if r.code == "payment_oldest_item")
    assert oldest.text("en") == f"the oldest open invoice (due {d(-100)}) is 100 days overdue"


def test_every_advice_branch(paid: pd.DataFrame) -> None:
    advice, reasons = credit_advice(paid, Settings.load())
    a = advice["credit_advice"]
    assert a["E"] == a["C"] == a["B"] == a["N"] == "keep"
    assert reasons["E"] == []
    # late on average: tighten, with the terms shortened by the delay (in weeks)
    assert a["L"] == "tighten"
    assert advice.loc["L", "suggested_terms_days"] == 9  # 30 - 21
    assert advice.loc["L", "suggested_limit"] == 500  # 4,000 a year: a month and the terms
    assert [r.code for r in reasons["L"]] == ["credit_paying_late", "credit_suggest"]
    # over the credit limit; over what we carry without cover
    assert a["M"] == "tighten" and reasons["M"][0].code == "credit_over_limit"
    assert a["W"] == "tighten" and bool(advice.loc["W", "cover_withdrawn"])
    assert "credit_over_cover" in [r.code for r in reasons["W"]]
    assert advice.loc["W", "suggested_limit"] <= 5000
    # an invoice 100 days overdue: prepayment only
    assert a["X"] == "prepayment" and reasons["X"][0].code == "credit_item_old"
    en, nl = reasons["X"][0].text("en"), reasons["X"][0].text("nl")
    assert "100 days overdue" in en and "alleen nog leveren tegen vooruitbetaling" in nl
    # a poor score: prepayment only
    assert paid.loc["S", "payment_score"] < 60
    assert a["G"] == "tighten"


def test_what_if_cover_is_withdrawn(paid: pd.DataFrame) -> None:
    one = cover_withdrawn_what_if(paid, Settings.load(), ["B"])
    assert one.index.tolist() == ["B"]
    assert one.loc["B", "advice_now"] == "keep"
    assert one.loc["B", "advice_without_cover"] == "tighten"
    assert one.loc["B", "suggested_limit"] <= 5000
    every = cover_withdrawn_what_if(paid, Settings.load())
    assert {"B", "G"} <= set(every.index)
    assert every.loc["G", "advice_without_cover"] == "prepayment"  # weak score, no cover
    assert "E" not in every.index and "W" not in every.index  # nothing open / already withdrawn


def test_payment_signal_in_health_and_snapshot(store_path: Path) -> None:
    with Store.open(store_path) as store:
        snap = score(store, AS_OF, settings=Settings.load(), save=False, profile=False)
    t = snap.table
    assert t.loc["G", "payment_trend_points"] < t.loc["G", "payment_trend_baseline"]
    assert t.loc["E", "payment_trend_points"] == t.loc["E", "payment_trend_baseline"]
    assert "payment_growing" in [r.code for r in snap.reasons["G"]]
    assert t.loc["X", "credit_advice"] == "prepayment"
    assert snap.reasons["X"][-1].code == "credit_item_old"  # the alert joins the reasons
    out = snap.export_frame("nl").set_index("account_id")
    assert out.loc["X", "credit_reason"].startswith("een factuur is 100 dagen over tijd")


def test_trust_index_on_known_facts() -> None:
    from goodwill.signals.trust import trust_index

    facts = pd.DataFrame(
        {
            "promises_due": [10, 10, 0, 0],
            "promises_broken": [0, 8, 0, 0],
            "response_hours": [2.0, 40.0, np.nan, 4.0],
            "unanswered_complaints": [0, 2, 0, 0],
            "contact_minutes_12m": [600.0, 600.0, 0.0, 600.0],
            "transactional_minutes_12m": [120.0, 540.0, 0.0, 600.0],
        },
        index=pd.Index(["GOOD", "POOR", "QUIET", "BUSY"], name="account_id"),
    )
    frame, reasons = trust_index(facts, Settings.load())
    t = frame["trust_index"]
    assert t["GOOD"] > t["QUIET"] > t["BUSY"] > t["POOR"]
    assert frame["trust_index"].between(0, 100).all()
    assert frame.loc["BUSY", "transactional_share_12m"] == 1.0
    assert reasons["GOOD"] == []
    assert [r.code for r in reasons["POOR"]] == [
        "trust_promises", "trust_complaints", "trust_transactional",
    ]  # fmt: skip
    assert reasons["POOR"][0].text("en") == "8 of 10 promises to this account were not kept on time"
    assert "toezeggingen" in reasons["POOR"][0].text("nl")


def test_credit_command(store_path: Path, tmp_path: Path) -> None:
    import subprocess
    import sys

    env = {"COLUMNS": "200", "PATH": "", "GOODWILL_LANG": "en", **_own_source()}
    db = tmp_path / "c.duckdb"
    db.write_bytes(store_path.read_bytes())
    out = subprocess.run(
        [sys.executable, "-m", "goodwill", "credit", "--db", str(db), "--as-of",
         AS_OF.isoformat(), "--withdraw-cover", "B", "--out", str(tmp_path / "credit.csv")],
        capture_output=True, text=True, env=env, timeout=300,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert "Credit advice for 12 customer accounts" in out.stdout
    assert "1 account(s) change advice" in out.stdout and "B" in out.stdout
    frame = pd.read_csv(tmp_path / "credit.csv").set_index("account_id")
    assert frame.loc["X", "credit_advice"] == "prepayment"
    nl = subprocess.run(
        [sys.executable, "-m", "goodwill", "--lang", "nl", "credit", "--db", str(db),
         "--as-of", AS_OF.isoformat(), "--withdraw-cover", "NOPE"],
        capture_output=True, text=True, env=env, timeout=300,
    )  # fmt: skip
    assert nl.returncode == 2 and "geen klant NOPE" in nl.stderr
