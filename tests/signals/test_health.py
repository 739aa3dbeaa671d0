"""Health signals on small hand-made accounts whose answers are known."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from goodwill.score import score
from goodwill.settings import Settings
from goodwill.store import Store

AS_OF = dt.date(2024, 11, 29)


def _write(folder: Path, name: str, header: str, rows: list[str]) -> None:
    (folder / f"{name}.csv").write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")


@pytest.fixture
def hand_made(tmp_path: Path) -> Store:
    """Three customers with a known story each (plus steady ones for the portfolio)."""
    folder = tmp_path / "data"
    folder.mkdir()
    accounts = ["W,Weekly Until Silence", "D,Departures", "P,Promises And Quotes"]
    accounts += ["E,Calls Until August", "Q,Orders But Never Calls", "O,We Call They Do Not"]
    accounts += [f"S{i},Steady {i}" for i in range(8)]
    _write(folder, "accounts", "account_id,name", accounts)
    orders = []
    start = dt.date(2023, 1, 2)
    for week in range(0, 100):
        day = start + dt.timedelta(days=7 * week)
        if day <= dt.date(2024, 9, 30):  # W orders weekly, then goes silent for 60 days
            orders.append(f"W{week},W,{day},100")
        if day <= AS_OF:
            for acc in ["D", "P", "E", "Q", "O"] + [f"S{i}" for i in range(8)]:
                orders.append(f"{acc}{week},{acc},{day},50")
    orders.append("R1,S0,2024-11-27,-20")  # a day of returns only: no purchase day
    _write(folder, "orders", "order_id,account_id,ordered_on,amount", orders)
    # E calls every week until the end of August; the steady ones every other week; Q never
    calls = [
        f"I{acc}{week},{acc},{start + dt.timedelta(days=7 * week)},call,inbound"
        for week in range(0, 100)
        for acc in ["E"] + [f"S{i}" for i in range(8)]
        if start + dt.timedelta(days=7 * week) <= (dt.date(2024, 8, 31) if acc == "E" else AS_OF)
        and (acc == "E" or week % 2 == 0)
    ]
    # we call O every week and S0-S3 every other week; O never calls back
    calls += [
        f"U{acc}{week},{acc},{start + dt.timedelta(days=7 * week + 1)},call,outbound"
        for week in range(0, 100)
        for acc in ["O", "S0", "S1", "S2", "S3"]
        if start + dt.timedelta(days=7 * week + 1) <= AS_OF and (acc == "O" or week % 2 == 0)
    ]
    _write(folder, "interactions", "interaction_id,account_id,occurred_on,channel,direction", calls)
    _write(
        folder,
        "contacts",
        "contact_id,account_id,started_on,left_on",
        ["c1,D,2022-01-01,2024-08-01", "c2,D,2022-01-01,2024-10-15", "c3,D,2022-01-01,",
         "c4,P,2022-01-01,", "c5,P,2022-01-01,", "c6,W,2022-01-01,", "c7,W,2022-01-01,"]
        + [f"s{i}a,S{i},2022-01-01," for i in range(8)]
        + [f"s{i}b,S{i},2022-01-01," for i in range(8)],
    )  # fmt: skip
    _write(
        folder,
        "promises",
        "promise_id,account_id,made_on,due_on,kept_on",
        ["p1,P,2024-03-01,2024-03-10,2024-03-09", "p2,P,2024-05-01,2024-05-10,2024-05-20",
         "p3,P,2024-09-01,2024-09-10,", "p4,P,2024-11-01,2024-12-20,"],
    )  # fmt: skip
    _write(
        folder,
        "quotes",
        "quote_id,account_id,issued_on,amount,status,decided_on,lost_to",
        ["q1,P,2024-02-01,1000,lost,2024-02-20,Concurrent BV",
         "q2,P,2024-04-01,1000,lost,2024-04-20,Concurrent BV",
         "q3,P,2024-06-01,1000,lost,2024-06-20,Ander BV",
         "q4,P,2024-08-01,1000,won,2024-08-20,",
         "q5,P,2024-10-01,1000,lost,2024-12-20,Concurrent BV"],
    )  # fmt: skip
    _write(
        folder,
        "complaints",
        "complaint_id,account_id,opened_on,first_response_on",
        ["k1,P,2024-01-10 09:00,2024-01-10 10:00", "k2,P,2024-03-10 09:00,2024-03-11 09:00",
         "k3,P,2024-05-10 09:00,2024-05-10 11:00", "k4,P,2024-07-10 09:00,2024-07-12 09:00",
         "k5,S1,2024-06-10 09:00,2024-06-10 12:00"],
    )  # fmt: skip
    store = Store.open(tmp_path / "hand.duckdb")
    store.import_dir(folder)
    return store


def _reasons(store: Store, account: str) -> dict[str, dict[str, object]]:
    snap = score(store, AS_OF, settings=Settings.load(), save=False)
    return {r.code: r.params for r in snap.reasons[account]}


def test_silence_against_the_accounts_own_rhythm(hand_made: Store) -> None:
    snap = score(hand_made, AS_OF, settings=Settings.load(), save=False)
    row = snap.table.loc["W"]
    assert row["days_since_order"] == (AS_OF - dt.date(2024, 9, 30)).days == 60
    assert 6.5 <= row["order_gap_days"] <= 9.0  # weekly, shrunk a little towards the pool
    assert row["order_silence_points"] < 0.1 * row["order_silence_baseline"]
    params = {r.code: r.params for r in snap.reasons["W"]}
    assert params["order_silence"]["days"] == 60
    first = snap.reasons["W"][0]
    assert first.code in ("order_silence", "heard_silence")  # the largest shortfall first
    shortfalls = [r.shortfall for r in snap.reasons["W"]]
    assert shortfalls == sorted(shortfalls, reverse=True)
    steady = snap.table.loc["S0"]
    assert steady["health"] > row["health"]
    assert steady["status"] == "healthy"


def test_contact_rhythm_against_the_accounts_own_year(hand_made: Store) -> None:
    snap = score(hand_made, AS_OF, settings=Settings.load(), save=False)
    row = snap.table.loc["E"]
    assert row["contacts_recent"] == 0  # no call since the end of August
    # weekly calls in the year before the last 90 days, scaled to 90 days
    assert row["contacts_usual"] == pytest.approx(52 * 90 / 365, abs=0.3)
    assert row["contact_rhythm_points"] == pytest.approx(
        snap.settings["health"]["weights"]["contact_rhythm"] * 0.5 / (row["contacts_usual"] + 0.5)
    )
    params = {r.code: r.params for r in snap.reasons["E"]}
    assert params["contact_rhythm"] == {"recent": 0, "usual": round(row["contacts_usual"], 1),
                                        "window": 90}  # fmt: skip
    steady = snap.table.loc["S0"]
    assert steady["contact_rhythm_points"] > steady["contact_rhythm_baseline"]  # as usual
    assert "contact_rhythm" not in {r.code for r in snap.reasons["S0"]}


def test_engagement_against_accounts_that_order_as_often(hand_made: Store) -> None:
    snap = score(hand_made, AS_OF, settings=Settings.load(), save=False)
    quiet, steady = snap.table.loc["Q"], snap.table.loc["S0"]
    assert quiet["contacts_12m"] == 0
    # same order days as the steady accounts, which call every other week (26 a year);
    # the line through the portfolio puts the usual figure between Q's 0 and E's 52
    assert 5 < quiet["contacts_expected_12m"] < 40
    assert quiet["engagement_points"] < quiet["engagement_baseline"]
    assert steady["engagement_points"] > quiet["engagement_points"]
    params = {r.code: r.params for r in snap.reasons["Q"]}
    assert params["engagement"] == {"n": 0, "usual": round(quiet["contacts_expected_12m"])}


def test_reciprocity_against_accounts_we_contact_as_often(hand_made: Store) -> None:
    snap = score(hand_made, AS_OF, settings=Settings.load(), save=False)
    one_sided, steady = snap.table.loc["O"], snap.table.loc["S0"]
    # our weekly calls over the last 12 months, scaled to the 90-day window
    assert one_sided["ours_recent"] == pytest.approx(52 * 90 / 365, abs=0.3)
    assert steady["ours_recent"] == pytest.approx(26 * 90 / 365, abs=0.3)
    assert one_sided["contacts_recent"] == 0
    # S0-S3 answer our calls (they call every other week): they set the portfolio's norm
    assert one_sided["contacts_expected_recent"] > 2
    assert one_sided["reciprocity_points"] < 0.2 * one_sided["reciprocity_baseline"]
    assert steady["reciprocity_points"] > steady["reciprocity_baseline"]
    assert "reciprocity" not in {r.code for r in snap.reasons["S0"]}
    params = {r.code: r.params for r in snap.reasons["O"]}
    assert params["reciprocity"] == {
        "n": 0,
        "ours": round(one_sided["ours_recent"]),
        "usual": round(one_sided["contacts_expected_recent"]),
        "window": 90,
    }
    reason = next(r for r in snap.reasons["O"] if r.code == "reciprocity")
    assert reason.text("en").startswith("contacted us on 0 days in the last 90 days; accounts")
    assert reason.text("nl").startswith("nam de laatste 90 dagen op 0 dagen contact met ons op")


def test_orders_against_the_year_before(tmp_path: Path) -> None:
    """An account that ordered weekly and now every other week: 26 order days in the last
    12 months against 52 the year before. Younger accounts get no such signal."""
    folder = tmp_path / "data"
    folder.mkdir()
    _write(folder, "accounts", "account_id,name", ["H,Halved", "Y,Young"]
           + [f"S{i},Steady {i}" for i in range(6)])  # fmt: skip
    as_of = dt.date(2025, 12, 31)
    first = as_of - dt.timedelta(days=2 * 365 - 1)
    orders = []
    for w in range(104):
        day = first + dt.timedelta(days=7 * w)
        if day > as_of:
            break
        recent = day > as_of - dt.timedelta(days=365)
        if not recent or w % 2 == 0:
            orders.append(f"H{w},H,{day},10")
        if recent:
            orders.append(f"Y{w},Y,{day},10")
        orders += [f"S{i}-{w},S{i},{day},10" for i in range(6)]
    _write(folder, "orders", "order_id,account_id,ordered_on,amount", orders)
    with Store.open(tmp_path / "s.duckdb") as store:
        store.import_dir(folder)
        snap = score(store, as_of, settings=Settings.load(), save=False)
    halved, young, steady = (snap.table.loc[a] for a in ("H", "Y", "S0"))
    days = [dt.date.fromisoformat(o.split(",")[2]) for o in orders if o.startswith("H")]
    n = sum(d > as_of - dt.timedelta(days=365) for d in days)
    before = sum(d <= as_of - dt.timedelta(days=365) for d in days)
    assert n in (25, 26) and before in (52, 53)
    assert halved["order_days_12m"] == n
    exposure = (as_of - days[0]).days - 365  # the year before is one day short of a year
    assert halved["order_days_year_before"] == pytest.approx(before * 365 / exposure)
    weight = snap.settings["health"]["weights"]["year_on_year"]
    ratio = (n + 1) / (halved["order_days_year_before"] + 1)
    assert halved["year_on_year_points"] == pytest.approx(
        weight * (0.5 + 0.5 * np.tanh(np.log(ratio)))
    )
    assert steady["year_on_year_points"] == pytest.approx(steady["year_on_year_baseline"], abs=0.3)
    assert np.isnan(young["order_days_year_before"])
    assert young["year_on_year_points"] == young["year_on_year_baseline"]
    params = {r.code: r.params for r in snap.reasons["H"]}
    assert params["year_on_year"] == {"n": n, "before": round(halved["order_days_year_before"])}
    reason = next(r for r in snap.reasons["H"] if r.code == "year_on_year")
    assert reason.text("nl") == (
        f"bestelde de laatste 12 maanden op {n} dagen, tegen {params['year_on_year']['before']} "
        "in de 12 maanden daarvoor"
    )


def test_no_outreach_recorded_gives_no_reciprocity_signal(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    _write(folder, "accounts", "account_id,name", [f"A{i},Klant {i}" for i in range(6)])
    start = dt.date(2023, 1, 2)
    days = [start + dt.timedelta(days=7 * w) for w in range(90)]
    _write(folder, "orders", "order_id,account_id,ordered_on,amount",
           [f"O{i}-{w},A{i},{d},10" for i in range(6) for w, d in enumerate(days)])  # fmt: skip
    _write(folder, "interactions", "interaction_id,account_id,occurred_on,channel,direction",
           [f"I{i}-{w},A{i},{d},call,inbound" for i in range(6) for w, d in enumerate(days)
            if w % (i + 2) == 0])  # fmt: skip
    with Store.open(tmp_path / "s.duckdb") as store:
        store.import_dir(folder)
        snap = score(store, dt.date(2024, 9, 1), settings=Settings.load(), save=False)
    t = snap.table
    assert (t["reciprocity_points"] == t["reciprocity_baseline"]).all()
    assert not any(r.code == "reciprocity" for rs in snap.reasons.values() for r in rs)


def test_purchase_summary_is_the_rfm_summary(hand_made: Store) -> None:
    """The value models read the purchase summary from the facts; it must be exactly what
    rfm_summary gives (a day of returns only is no purchase day)."""
    from goodwill.features import rfm_summary
    from goodwill.signals.facts import account_facts

    facts = account_facts(hand_made.con, AS_OF, Settings.load())
    want = rfm_summary(hand_made, as_of=AS_OF, period="W").sort_index()
    got = facts.purchases.sort_index()[list(want.columns)]
    pd.testing.assert_frame_equal(got, want, check_exact=True, check_dtype=False)
    assert (
        facts.monthly["n"].sum()
        == hand_made.con.execute(
            "SELECT count(DISTINCT (account_id, CAST(ordered_on AS DATE))) FROM orders"
        ).fetchone()[0]
    )  # type: ignore[index]


def test_contacts_that_left(hand_made: Store) -> None:
    params = _reasons(hand_made, "D")
    assert params["contacts_departed"] == {"n": 2, "window": 180}


def test_promises_quotes_and_complaints(hand_made: Store) -> None:
    params = _reasons(hand_made, "P")
    # p1 kept in time, p2 kept late, p3 overdue; p4 is not due yet
    assert params["promises"] == {"broken": 2, "due": 3}
    # q5 was decided after the as-of date: at that date it was still open
    assert params["quotes_lost_to"] == {"lost": 3, "decided": 4, "to": "Concurrent BV"}
    # four complaints in the year, none for the last 142 days
    assert params["complaint_silence"]["n"] == 4
    assert params["complaint_silence"]["days"] == (AS_OF - dt.date(2024, 7, 10)).days


def test_reasons_render_in_both_languages(hand_made: Store) -> None:
    snap = score(hand_made, AS_OF, settings=Settings.load(), save=False)
    reason = next(r for r in snap.reasons["W"] if r.code == "order_silence")
    assert reason.text("en") == (
        "no order for 60 days, where this account normally orders every "
        f"{reason.params['gap']} days"
    )
    assert reason.text("nl").startswith("60 dagen geen order, terwijl deze klant normaal elke")


def test_tables_a_company_does_not_keep_give_no_signal(tmp_path: Path) -> None:
    """With only accounts and orders, contacts and quotes say nothing (no penalty, no
    reason); silence still speaks."""
    folder = tmp_path / "data"
    folder.mkdir()
    _write(folder, "accounts", "account_id,name", [f"A{i},Klant {i}" for i in range(12)])
    orders = [
        f"O{i}-{w},A{i},{dt.date(2023, 1, 2) + dt.timedelta(days=7 * w)},10"
        for i in range(12)
        for w in range(0, 90 if i else 60)
    ]
    _write(folder, "orders", "order_id,account_id,ordered_on,amount", orders)
    with Store.open(tmp_path / "s.duckdb") as store:
        store.import_dir(folder)
        snap = score(store, dt.date(2024, 9, 1), settings=Settings.load(), save=False)
    t = snap.table
    assert (t["contacts_points"] == t["contacts_baseline"]).all()
    assert (t["quotes_lost_points"] == t["quotes_lost_baseline"]).all()
    codes = {r.code for reasons in snap.reasons.values() for r in reasons}
    assert not codes & {"contacts_none", "contacts_single", "quotes_lost", "quotes_lost_to"}
    assert {r.code for r in snap.reasons["A0"]} >= {"order_silence", "p_alive"}
