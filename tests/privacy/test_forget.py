"""Forgetting a contact person or an employee: no trace left anywhere in the store, and
neither the next import nor an undo brings them back."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import duckdb
import pytest

from goodwill.privacy import ForgetError, forget_contact, forget_employee
from goodwill.store import Store
from tests.conftest import snapshot
from tests.privacy.conftest import Cli, traces


def _unique_contact(db: Path) -> tuple[str, str, str, str]:
    """(contact_id, account_id, name, email) of a contact whose name no one else has
    (the same name at another account is another person, and stays)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        row = con.execute(
            "SELECT contact_id, account_id, name, email FROM contacts c WHERE email IS NOT NULL "
            "AND (SELECT count(*) FROM contacts d WHERE d.name = c.name) = 1 "
            "AND EXISTS (SELECT 1 FROM interactions i WHERE i.contact_id = c.contact_id) "
            "ORDER BY contact_id LIMIT 1"
        ).fetchone()
    finally:
        con.close()
    assert row is not None
    return str(row[0]), str(row[1]), str(row[2]), str(row[3])


def _write_contacts(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def _contact_row(world: Path, contact_id: str) -> dict[str, str]:
    with (world / "contacts.csv").open(encoding="utf-8") as fh:
        return next(r for r in csv.DictReader(fh) if r["contact_id"] == contact_id)


def test_a_forgotten_contact_leaves_no_trace_and_stays_forgotten(
    own_db: Path, world_dir: Path, tmp_path: Path
) -> None:
    contact_id, account_id, name, email = _unique_contact(own_db)
    new_email = "new." + email
    with Store.open(own_db) as store:
        # an update import: the old version (name, old e-mail) goes to contacts_history
        row = {**_contact_row(world_dir, contact_id), "email": new_email, "role": "directeur"}
        update = store.import_file("contacts", _write_contacts(tmp_path / "update.csv", [row]))
        assert update.updated == 1
        # the person named in saved JSON, a plan's purpose and a promise's free text
        con = store.con
        con.execute(
            "UPDATE health_snapshots SET reasons = replace(reasons, '\"params\": {', "
            "'\"params\": {\"contact\": ' || to_json(?::VARCHAR) || ', ') "
            "WHERE account_id = ?",
            [name, account_id],
        )
        con.execute(
            "UPDATE plan_actions SET purpose = ? "
            "WHERE rowid = (SELECT min(rowid) FROM plan_actions)",
            [f'{{"code": "call", "params": {{"who": "{name}", "mail": "{email}"}}}}'],
        )
        con.execute(
            "UPDATE promises SET description = ? "
            "WHERE promise_id = (SELECT min(promise_id) FROM promises)",
            [f"offerte sturen naar {name.upper()} <{new_email}>"],
        )
        interactions = store.con.execute(
            "SELECT count(*) FROM interactions WHERE contact_id = ?", [contact_id]
        ).fetchone()
    for needle in (name, email, new_email):
        assert traces(own_db, needle), f"the setup should have put {needle} in the store"

    with Store.open(own_db) as store:
        report = forget_contact(store, contact_id, by="privacy officer")
    assert report.pseudonym.startswith("forgotten contact ")
    assert {"contacts", "contacts_history", "health_snapshots", "plan_actions", "promises"} <= set(
        report.tables()
    )
    for needle in (name, email, new_email):
        assert traces(own_db, needle) == [], needle
    with Store.open(own_db) as store:
        kept = store.con.execute(
            "SELECT name, email, role, account_id FROM contacts WHERE contact_id = ?", [contact_id]
        ).fetchall()
        assert kept == [(report.pseudonym, None, None, account_id)]
        # the references stay whole: the contact moments still point at the contact
        assert (
            store.con.execute(
                "SELECT count(*) FROM interactions WHERE contact_id = ?", [contact_id]
            ).fetchone()
            == interactions
        )

        # the original file again: anonymised on the way in, said in the report
        again = store.import_file("contacts", world_dir / "contacts.csv")
        assert again.anonymised == 1
        assert traces(store, name) == [] and traces(store, email) == []
        # undo of that import, and of the update, bring back only the pseudonym
        assert again.import_id is not None and update.import_id is not None
        store.undo(again.import_id)
        store.undo(update.import_id)
        assert store.con.execute(
            "SELECT name, email FROM contacts WHERE contact_id = ?", [contact_id]
        ).fetchall() == [(report.pseudonym, None)]
    for needle in (name, email, new_email):
        assert traces(own_db, needle) == [], needle


def test_the_suppression_list_names_no_one(own_db: Path) -> None:
    contact_id, _, name, _ = _unique_contact(own_db)
    with Store.open(own_db) as store:
        forget_contact(store, contact_id, by="officer")
        forget_employee(store, "TK", by="officer")
        rows = store.con.execute("SELECT kind, key_hash, forgotten_by FROM suppressions").fetchall()
    assert sorted(r[0] for r in rows) == ["contact", "employee"]
    for _kind, key_hash, by in rows:
        assert len(key_hash) == 64 and int(key_hash, 16) >= 0
        assert contact_id not in key_hash and by == "officer"
    assert not any(name.lower() in repr(r).lower() or "TK" in repr(r) for r in rows)


def test_a_forgotten_employee_leaves_no_trace_and_stays_forgotten(
    own_db: Path, world_dir: Path
) -> None:
    code = "TK"
    with Store.open(own_db) as store:
        store.con.execute(
            "INSERT INTO users VALUES (7, 'tk', 'account-manager', 'TK', 'argon2-hash', "
            "current_localtimestamp(), false, 0, NULL)"
        )
        store.con.execute("INSERT INTO sessions VALUES ('h', 7, 'c', NULL, NULL, NULL)")
        store.con.execute(
            "INSERT INTO access_log VALUES (current_localtimestamp(), 'TK', 'K100001', 'page')"
        )
        store.con.execute(
            "UPDATE promises SET description = 'TK belt terug' "
            "WHERE promise_id = (SELECT min(promise_id) FROM promises)"
        )
    assert len(traces(own_db, code, whole_word=True)) >= 6
    with Store.open(own_db) as store:
        report = forget_employee(store, " tk ", by="officer")
        assert report.pseudonym.startswith("forgotten employee ")
        assert {"accounts", "interactions", "promises", "plan_actions", "plans"} <= set(
            report.tables()
        )
        assert traces(store, code, whole_word=True) == []
        assert store.con.execute("SELECT name, disabled, password_hash FROM users").fetchall() == [
            (report.pseudonym, True, None)
        ]
        assert store.con.execute("SELECT count(*) FROM sessions").fetchone() == (0,)
        # the files again: every row of TK's anonymised on the way in
        reports = store.import_dir(world_dir)
        by_table = {r.table: r.anonymised for r in reports}
        assert by_table["accounts"] > 0 and by_table["interactions"] > 0
        assert by_table["promises"] > 0 and by_table["orders"] == 0
        # as forget left them, but for the promise whose description the test changed
        assert {r.table: (r.inserted, r.updated) for r in reports if r.inserted or r.updated} == {
            "promises": (0, 1)
        }
        assert traces(store, code, whole_word=True) == []
        for r in reports:
            assert r.import_id is not None
            store.undo(r.import_id)
        assert traces(store, code, whole_word=True) == []
        # forgetting again finds nothing to change and says so
        twice = forget_employee(store, "TK")
        assert twice.changed == {} and not twice.newly_suppressed


def test_forget_refuses_an_unknown_person_and_changes_nothing(own_db: Path) -> None:
    with Store.open(own_db) as store:
        before = snapshot(store)
        with pytest.raises(ForgetError, match="no contact NOPE"):
            forget_contact(store, "NOPE")
        with pytest.raises(ForgetError, match="no employee Nobody"):
            forget_employee(store, "Nobody")
        assert snapshot(store) == before


def test_the_command_asks_first_and_reports_what_changed(
    own_db: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    contact_id, _, name, _ = _unique_contact(own_db)
    with Store.open(own_db) as store:
        before = snapshot(store)
    monkeypatch.setattr("sys.stdin", io.StringIO("n\n"))
    code, out, _err = cli("forget", "contact", contact_id, "--db", str(own_db))
    assert code == 1 and "Nothing was changed." in out
    with Store.open(own_db) as store:
        assert snapshot(store) == before

    code, out, err = cli("forget", "contact", "NOPE", "--db", str(own_db), "--yes")
    assert code == 2 and "no contact NOPE" in err and len(err.strip().splitlines()) == 1
    with Store.open(own_db) as store:
        assert snapshot(store) == before

    assert name.encode() in own_db.read_bytes()
    code, out, err = cli("forget", "contact", contact_id, "--db", str(own_db), "--yes", lang="nl")
    assert code == 0, err
    assert "Vergeten als forgotten contact" in out and "contacts" in out
    assert traces(own_db, name) == []
    # the file is rewritten: the old value is not left behind in its free blocks either
    assert "herschreven" in out and name.encode() not in own_db.read_bytes()
