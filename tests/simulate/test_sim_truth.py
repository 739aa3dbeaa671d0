"""The truth agrees with the data it generated, and hidden states show only partly."""

from __future__ import annotations

import duckdb

from goodwill.simulate.population import RELATIONSHIP_PURPOSES


def one(db: duckdb.DuckDBPyConnection, sql: str) -> float:
    row = db.execute(sql).fetchone()
    assert row is not None
    return float(row[0])


def test_truth_files_have_the_documented_columns(db: duckdb.DuckDBPyConnection) -> None:
    def cols(view: str) -> list[str]:
        return [d[0] for d in db.execute(f"SELECT * FROM {view} LIMIT 0").description]

    assert cols("truth_accounts")[:8] == [
        "account_id", "kind", "churn_on", "leaving_on", "level", "responsive",
        "response_effect", "distress_on",
    ]  # fmt: skip
    assert {"neglected", "quiet", "competitor", "share_loss_on"} <= set(cols("truth_accounts"))
    assert cols("truth_suppliers") == ["account_id", "unreliable", "neglects_small"]
    assert cols("truth_latent_monthly")[:4] == ["account_id", "month", "health", "churn_hazard"]


def test_every_customer_and_supplier_has_truth(db: duckdb.DuckDBPyConnection) -> None:
    assert (
        one(
            db,
            """SELECT count(*) FROM accounts a WHERE kind <> 'supplier' AND NOT EXISTS
               (SELECT 1 FROM truth_accounts t WHERE t.account_id = a.account_id)""",
        )
        == 0
    )
    assert (
        one(
            db,
            """SELECT count(*) FROM accounts a WHERE kind = 'supplier' AND NOT EXISTS
               (SELECT 1 FROM truth_suppliers t WHERE t.account_id = a.account_id)""",
        )
        == 0
    )
    assert (
        one(
            db,
            "SELECT count(*) FROM truth_accounts t JOIN accounts a USING (account_id) "
            "WHERE t.kind <> a.kind",
        )
        == 0
    )


def test_no_orders_on_or_after_churn(db: duckdb.DuckDBPyConnection) -> None:
    assert one(db, "SELECT count(churn_on) FROM truth_accounts") > 10
    late = one(
        db,
        """SELECT count(*) FROM orders o JOIN truth_accounts t USING (account_id)
                      WHERE t.churn_on IS NOT NULL
                        AND CAST(o.ordered_on AS TIMESTAMP) >= CAST(t.churn_on AS DATE)""",
    )
    assert late == 0
    inbound = one(
        db,
        """SELECT count(*) FROM interactions i JOIN truth_accounts t USING (account_id)
                         WHERE t.churn_on IS NOT NULL AND i.direction = 'inbound'
                           AND CAST(i.occurred_on AS TIMESTAMP) >= CAST(t.churn_on AS DATE)""",
    )
    assert inbound == 0


def test_leaving_comes_before_churn(db: duckdb.DuckDBPyConnection) -> None:
    assert (
        one(
            db,
            "SELECT count(*) FROM truth_accounts WHERE churn_on IS NOT NULL "
            "AND (leaving_on IS NULL OR leaving_on >= churn_on)",
        )
        == 0
    )


def test_no_contact_after_leaving(db: duckdb.DuckDBPyConnection) -> None:
    assert one(db, "SELECT count(left_on) FROM contacts") > 10
    after = one(
        db,
        """SELECT count(*) FROM interactions i JOIN contacts c USING (contact_id)
                       WHERE c.left_on IS NOT NULL
                         AND CAST(i.occurred_on AS TIMESTAMP) >= CAST(c.left_on AS DATE)""",
    )
    before = one(
        db,
        """SELECT count(*) FROM interactions i JOIN contacts c USING (contact_id)
                        WHERE CAST(i.occurred_on AS TIMESTAMP) < CAST(c.started_on AS DATE)""",
    )
    assert after == 0 and before == 0


def test_levels_shift_purposes_with_overlap(big_db: duckdb.DuckDBPyConnection) -> None:
    rel = ", ".join(f"'{p}'" for p in RELATIONSHIP_PURPOSES)
    rows = big_db.execute(f"""
        WITH per AS (
          SELECT t.level, i.account_id,
                 avg(CASE WHEN i.purpose IN ({rel}) THEN 1.0 ELSE 0.0 END) AS share
          FROM interactions i JOIN truth_accounts t USING (account_id)
          GROUP BY ALL HAVING count(*) >= 10)
        SELECT level, avg(share), quantile_cont(share, 0.25), quantile_cont(share, 0.75)
        FROM per GROUP BY level""").fetchall()
    stats = {r[0]: r[1:] for r in rows}
    t, f, g = stats["transactional"], stats["fruitful"], stats["growing_together"]
    assert t[0] < f[0] < g[0]  # the documented order of relationship purposes
    # but no clean separation: the middle halves of neighbouring levels overlap
    assert t[2] > f[1] and f[2] > g[1]


def test_neglected_accounts_wait_longer(db: duckdb.DuckDBPyConnection) -> None:
    rows = dict(
        db.execute("""
        SELECT t.neglected, avg(epoch(CAST(c.first_response_on AS TIMESTAMP))
                                - epoch(CAST(c.opened_on AS TIMESTAMP))) / 3600
        FROM complaints c JOIN truth_accounts t USING (account_id)
        WHERE c.first_response_on IS NOT NULL GROUP BY 1""").fetchall()
    )
    assert rows["1"] > 1.5 * rows["0"]


def test_distressed_accounts_pay_later(db: duckdb.DuckDBPyConnection) -> None:
    rows = dict(
        db.execute("""
        SELECT CAST(i.issued_on AS DATE) >= CAST(t.distress_on AS DATE) + 60,
               avg(date_diff('day', CAST(i.due_on AS DATE), CAST(i.paid_on AS DATE)))
        FROM invoices i JOIN truth_accounts t USING (account_id)
        WHERE t.distress_on IS NOT NULL AND i.paid_on IS NOT NULL GROUP BY 1""").fetchall()
    )
    assert rows[True] > rows[False] + 5


def test_unreliable_suppliers_deliver_late(db: duckdb.DuckDBPyConnection) -> None:
    rows = dict(
        db.execute("""
        SELECT s.unreliable, avg(date_diff('day', CAST(o.promised_on AS DATE),
                                            CAST(o.delivered_on AS DATE)))
        FROM orders o JOIN truth_suppliers s USING (account_id)
        WHERE o.delivered_on IS NOT NULL GROUP BY 1""").fetchall()
    )
    assert rows["1"] > rows["0"] + 1.5


def test_drifting_accounts_lose_quotes_to_their_competitor(
    big_db: duckdb.DuckDBPyConnection,
) -> None:
    rows = dict(
        big_db.execute("""
        SELECT t.share_loss_on IS NOT NULL,
               avg(CASE WHEN q.lost_to = t.competitor THEN 1.0 ELSE 0.0 END)
        FROM quotes q JOIN truth_accounts t USING (account_id)
        WHERE q.status = 'lost' GROUP BY 1""").fetchall()
    )
    assert rows[True] > rows[False] + 0.2


def test_leaving_accounts_go_quiet_only_partly(big_db: duckdb.DuckDBPyConnection) -> None:
    """Of churned accounts with a year of history, some but at most ~2/3 go quiet:
    inbound contacts in the last 90 days below half their earlier 90-day average."""
    row = big_db.execute("""
        WITH ch AS (
          SELECT t.account_id, CAST(t.churn_on AS DATE) AS gone, t.quiet
          FROM truth_accounts t JOIN accounts a USING (account_id)
          WHERE t.churn_on IS NOT NULL
            AND CAST(t.churn_on AS DATE) - INTERVAL 450 DAY >= CAST(a.created_on AS DATE)
            AND CAST(t.churn_on AS DATE) >= DATE '2023-09-01'),
        ev AS (SELECT account_id, CAST(occurred_on AS DATE) AS d FROM interactions
               WHERE direction = 'inbound'),
        per AS (
          SELECT ch.account_id, ch.quiet,
            count(d) FILTER (WHERE d >= gone - INTERVAL 90 DAY AND d < gone) AS last90,
            count(d) FILTER (WHERE d >= gone - INTERVAL 450 DAY AND d < gone - INTERVAL 90 DAY)
              / 4.0 AS before90
          FROM ch LEFT JOIN ev USING (account_id) GROUP BY ALL)
        SELECT count(*), avg(CASE WHEN last90 < 0.5 * before90 THEN 1.0 ELSE 0.0 END),
               avg(CASE WHEN quiet = '1' AND last90 < 0.5 * before90 THEN 1.0
                        WHEN quiet = '1' THEN 0.0 END)
        FROM per WHERE before90 > 0""").fetchone()
    assert row is not None
    n, quiet_share, quiet_when_quiet = row
    assert n >= 50
    assert 0.2 < quiet_share <= 0.7
    assert quiet_when_quiet > quiet_share


def test_latent_state_matches_churn(db: duckdb.DuckDBPyConnection) -> None:
    # once gone, an account has no more monthly rows; while leaving its hazard is 1
    assert (
        one(
            db,
            """SELECT count(*) FROM truth_latent_monthly l JOIN truth_accounts t
                      USING (account_id) WHERE t.churn_on IS NOT NULL
                      AND l.month > strftime(CAST(t.churn_on AS DATE), '%Y-%m')""",
        )
        == 0
    )
    assert (
        one(
            db,
            "SELECT count(*) FROM truth_latent_monthly WHERE leaving = '1' "
            "AND CAST(churn_hazard AS DOUBLE) < 1",
        )
        == 0
    )
    healthy = one(
        db,
        "SELECT avg(CAST(health AS DOUBLE)) FROM truth_latent_monthly l JOIN "
        "truth_accounts t USING (account_id) WHERE t.churn_on IS NULL",
    )
    leaving = one(
        db,
        "SELECT avg(CAST(health AS DOUBLE)) FROM truth_latent_monthly l JOIN "
        "truth_accounts t USING (account_id) WHERE t.churn_on IS NOT NULL",
    )
    assert leaving < healthy


def test_visits_help_only_responsive_accounts() -> None:
    """Two copies of a world: one where every customer is visited fortnightly, one where
    nobody is. Health rises for responsive accounts; the others gain nothing (only the
    promises made at visits, some broken, touch them)."""
    import datetime as dt

    import numpy as np

    from goodwill.simulate import World, make_config

    cfg = make_config(accounts=1500, years=1.0, end=dt.date(2025, 6, 30), seed=21)
    visited, control = World(cfg), World(cfg)
    while not visited.finished:
        ids = visited.account_ids()
        visited.step({a: "visit" for a in ids} if visited.week % 2 == 0 else {})
        control.step({})
    pop = visited.population
    both = visited.state.alive & control.state.alive & (pop.kind == 0)
    gain = visited.state.health - control.state.health
    responsive = gain[both & pop.responsive].mean()
    cold = gain[both & ~pop.responsive].mean()
    assert responsive > 0.5
    assert abs(cold) < 0.25
    assert responsive > cold + 0.5
    assert np.corrcoef(gain[both], pop.response_effect[both])[0, 1] > 0.3


def test_our_routine_does_not_stop_on_the_churn_date(big_db: duckdb.DuckDBPyConnection) -> None:
    """Managers cannot see churn, so outbound contact goes on for a while after it."""
    after = one(
        big_db,
        """SELECT count(DISTINCT account_id) FROM interactions i
           JOIN truth_accounts t USING (account_id)
           WHERE t.churn_on IS NOT NULL AND i.direction = 'outbound'
             AND CAST(i.occurred_on AS TIMESTAMP) >= CAST(t.churn_on AS DATE)""",
    )
    churned = one(big_db, "SELECT count(churn_on) FROM truth_accounts")
    assert 0.1 * churned < after < churned
