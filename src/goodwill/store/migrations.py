"""Schema versions and the steps that upgrade an older store in place.

A store records its version in ``goodwill_meta``. ``MIGRATIONS[n]`` upgrades a store of
version ``n`` to ``n + 1``. New stores are created at version 1 and brought up to date
by the same steps, so an upgraded store and a new one are alike. Opening an older store
runs the missing steps in one transaction; a store of a newer version is refused.

- 1: the eight input tables, their history tables, the import log.
- 2: health snapshots (one row per account and as-of date) and the runs that made them.
- 3: the snapshots also hold the relationship level, its change, the response to our
  attention and a JSON profile (their evidence and reasons).
- 4: the snapshots also hold the payment score, the credit advice, the trust index and
  a JSON conduct (payment figures, credit suggestions, trust parts and their reasons).
- 5: weekly plans: the plan of a week, its actions with their purposes, and every
  eligible account with whether it was held out (the random hold-out) or planned.
- 6: an index on ``account_id`` of every table of facts about an account (orders,
  interactions, invoices, complaints, promises, quotes, contacts), so one account's
  page looks its facts up instead of scanning millions of rows (at 50,000 accounts its
  timeline from ~0.2 s to ~0.05 s; docs/web.md).
- 7: people and their rights (issue 11): dashboard users with their role, owner code,
  password hash and lock-out; server-side sessions; personal API tokens (only their
  hashes); the access log (who viewed which account); the suppression list of forgotten
  people (hashes only, so the list itself names no one).
- 8: the facts about an account are kept in the order of ``account_id`` (each import
  writes its rows sorted so, and the upgrade sorts what is there), and the facts with
  many rows an account (orders, interactions, invoices) are no longer indexed: DuckDB
  skips every block whose range of ids misses the account, where an index lookup
  fetched each row on its own — one account's orders at 50,000 accounts in ~2 ms
  instead of ~9 ms, ~3 ms instead of ~130 ms for the largest accounts. The facts with a
  few rows an account keep their index (a table of one or two blocks is not skipped in
  part). New indexes on ``accounts`` (``account_id`` and ``parent_id``) and
  ``health_snapshots.account_id``, so an account page reads its row, its group and its
  scores over time by lookup.
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb

from goodwill.store.schema import TABLES

#: The version new stores end up at.
SCHEMA_VERSION = 8

Migration = Callable[[duckdb.DuckDBPyConnection], None]

#: the snapshot columns of version 2 (the health issue)
_SNAPSHOT_V2 = (
    ("as_of", "DATE"),
    ("account_id", "VARCHAR"),
    ("health", "DOUBLE"),
    ("status", "VARCHAR"),
    ("trend", "VARCHAR"),
    ("p_alive", "DOUBLE"),
    ("revenue_12m", "DOUBLE"),
    ("margin_12m", "DOUBLE"),
    ("expected_purchases_12m", "DOUBLE"),
    ("clv_12m", "DOUBLE"),
    ("cost_to_serve_12m", "DOUBLE"),
    ("net_value", "DOUBLE"),
    ("reasons", "VARCHAR"),  # JSON: ranked reasons as data (code, points, baseline, numbers)
    ("signals", "VARCHAR"),  # JSON: every signal's value, norm and points
)
#: added in version 3
_SNAPSHOT_V3 = (
    ("level", "VARCHAR"),
    ("level_change", "VARCHAR"),
    ("responsiveness", "VARCHAR"),
    ("response_effect", "DOUBLE"),
    ("profile", "VARCHAR"),  # JSON: level and response evidence, success factors, reasons
)
#: added in version 4
_SNAPSHOT_V4 = (
    ("payment_score", "DOUBLE"),
    ("credit_advice", "VARCHAR"),
    ("trust_index", "DOUBLE"),
    ("conduct", "VARCHAR"),  # JSON: payment figures, credit suggestions, trust, reasons
)
#: the columns of ``health_snapshots`` in a current store, in order
SNAPSHOT_COLUMNS = _SNAPSHOT_V2 + _SNAPSHOT_V3 + _SNAPSHOT_V4


def _v1_to_v2(con: duckdb.DuckDBPyConnection) -> None:
    cols = ", ".join(f"{name} {kind}" for name, kind in _SNAPSHOT_V2)
    con.execute(f"CREATE TABLE health_snapshots ({cols})")
    con.execute(
        "CREATE TABLE snapshot_runs (as_of DATE, computed_at TIMESTAMP, goodwill_version VARCHAR,"
        " accounts BIGINT, settings VARCHAR, models VARCHAR, imports VARCHAR)"
    )


def _v2_to_v3(con: duckdb.DuckDBPyConnection) -> None:
    for name, kind in _SNAPSHOT_V3:
        con.execute(f"ALTER TABLE health_snapshots ADD COLUMN {name} {kind}")


def _v3_to_v4(con: duckdb.DuckDBPyConnection) -> None:
    for name, kind in _SNAPSHOT_V4:
        con.execute(f"ALTER TABLE health_snapshots ADD COLUMN {name} {kind}")


def _v4_to_v5(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        "CREATE TABLE plans (plan_id INTEGER, week VARCHAR, as_of DATE, created_at TIMESTAMP,"
        " seed VARCHAR, holdout_share DOUBLE, objective DOUBLE, bound DOUBLE,"
        " capacity VARCHAR, settings VARCHAR, goodwill_version VARCHAR)"
    )
    con.execute(
        "CREATE TABLE plan_actions (plan_id INTEGER, owner VARCHAR, account_id VARCHAR,"
        " action VARCHAR, hours DOUBLE, expected_value DOUBLE, cost DOUBLE, net DOUBLE,"
        " purpose VARCHAR)"
    )
    con.execute(
        "CREATE TABLE plan_accounts (plan_id INTEGER, account_id VARCHAR, owner VARCHAR,"
        " held_out BOOLEAN, planned BOOLEAN, best_net DOUBLE)"
    )


#: the tables of facts about one account, looked up by ``account_id``: indexed by
#: version 6, kept in the order of ``account_id`` instead from version 8
ACCOUNT_INDEXED = (
    "orders",
    "interactions",
    "invoices",
    "complaints",
    "promises",
    "quotes",
    "contacts",
)


def _v5_to_v6(con: duckdb.DuckDBPyConnection) -> None:
    for table in ACCOUNT_INDEXED:
        con.execute(f"CREATE INDEX IF NOT EXISTS {table}_account_id ON {table} (account_id)")


def _v6_to_v7(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        "CREATE TABLE users (user_id INTEGER, name VARCHAR, role VARCHAR, owner VARCHAR,"
        " password_hash VARCHAR, created_at TIMESTAMP, disabled BOOLEAN,"
        " failed_logins INTEGER, locked_until TIMESTAMP)"
    )
    con.execute(
        "CREATE TABLE sessions (session_hash VARCHAR, user_id INTEGER, csrf VARCHAR,"
        " created_at TIMESTAMP, last_seen TIMESTAMP, expires_at TIMESTAMP)"
    )
    con.execute(
        "CREATE TABLE api_tokens (token_id INTEGER, user_id INTEGER, label VARCHAR,"
        " token_hash VARCHAR, created_at TIMESTAMP, last_used TIMESTAMP,"
        " revoked_at TIMESTAMP)"
    )
    con.execute(
        "CREATE TABLE access_log (viewed_at TIMESTAMP, user_name VARCHAR, account_id VARCHAR,"
        " what VARCHAR)"
    )
    con.execute(
        "CREATE TABLE suppressions (kind VARCHAR, key_hash VARCHAR, forgotten_at TIMESTAMP,"
        " forgotten_by VARCHAR)"
    )


#: the facts with many rows an account, found by the blocks of their account (version
#: 8) rather than by their index: an index fetches each row on its own, which is slower
#: than reading the account's block once there are more than a few
ACCOUNT_CLUSTERED = ("orders", "interactions", "invoices")

#: the other indexes of version 8: (table, column)
LOOKUP_INDEXED = (
    ("accounts", "account_id"),
    ("accounts", "parent_id"),
    ("health_snapshots", "account_id"),
)


def _v7_to_v8(con: duckdb.DuckDBPyConnection) -> None:
    for table, column in LOOKUP_INDEXED:
        con.execute(f"CREATE INDEX IF NOT EXISTS {table}_{column} ON {table} ({column})")
    for table in ACCOUNT_INDEXED:
        if table in ACCOUNT_CLUSTERED:
            con.execute(f"DROP INDEX IF EXISTS {table}_account_id")
        cluster(con, table)


def cluster(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """Rewrite ``table`` in the order of ``account_id`` and its key, as imports write it
    (its definition stays)."""
    order = f"account_id, {TABLES[table].key}"
    con.execute(f"CREATE TEMP TABLE _clustered AS SELECT * FROM {table} ORDER BY {order}")
    con.execute(f"DELETE FROM {table}")
    con.execute(f"INSERT INTO {table} SELECT * FROM _clustered")
    con.execute("DROP TABLE _clustered")


#: version n -> the step that upgrades a store of version n to n + 1
MIGRATIONS: dict[int, Migration] = {
    1: _v1_to_v2,
    2: _v2_to_v3,
    3: _v3_to_v4,
    4: _v4_to_v5,
    5: _v5_to_v6,
    6: _v6_to_v7,
    7: _v7_to_v8,
}


def pending(version: int) -> list[tuple[int, Migration]]:
    """The steps that bring a store of ``version`` to :data:`SCHEMA_VERSION`, in order."""
    return [(v, MIGRATIONS[v]) for v in range(version, SCHEMA_VERSION)]
