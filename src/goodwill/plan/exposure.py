"""How much of an action's measured response is still to be won, given the contacts
the account has just had.

The response to our attention is measured (``goodwill.signals.responsiveness``) as the
change of the order rate in the weeks *after our attention*: a week counts by the dose
of our contacts in the ``window_weeks`` weeks before it (not the contact's own week),
capped at 1. The plan values an action by the same model. An account we have not
contacted lately gains its channel's dose in each of the ``window`` weeks after the
action; one we visited last week is already counted as after our attention for most of
them, and a new contact adds only the weeks — or the part of a week's dose up to 1 —
the earlier contacts do not cover. So a second visit one week after the first adds a
quarter of the first's value (with a window of 4), a call after a visit nothing until
the visit's window runs out: how often an account is worth a contact follows from its
response and its value, not from a fixed number of days.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import numpy as np
import pandas as pd

from goodwill.signals.facts import _rates_sql


def recent_doses(
    con: duckdb.DuckDBPyConnection, as_of: dt.date, window: int, doses: dict[str, float]
) -> pd.DataFrame:
    """Per account (index ``account_id``) the dose of our outbound contacts in each of
    the ``window - 1`` weeks up to ``as_of``: column ``j`` (1 …) is the week ending
    ``7 * (j - 1)`` days before it (the weeks of the responsiveness panel). Accounts
    without such contacts are absent."""
    back = max(int(window) - 1, 0)
    if back == 0 or not doses:
        return pd.DataFrame(columns=list(range(1, back + 1)), dtype=float)
    dose_sql = _rates_sql(doses, "channel", 0.0)
    channels = ", ".join(f"'{c}'" for c in sorted(doses))
    rows = con.execute(
        f"""
        SELECT account_id,
               1 + CAST(FLOOR(date_diff('day', CAST(occurred_on AS DATE), $a) / 7) AS INTEGER)
                 AS back,
               sum({dose_sql}) AS dose
        FROM interactions
        WHERE direction = 'outbound' AND channel IN ({channels})
          AND CAST(occurred_on AS DATE) <= $a
          AND CAST(occurred_on AS DATE) > $a - INTERVAL ({back * 7}) DAY
        GROUP BY ALL
        """,
        {"a": as_of},
    ).df()
    table = rows.pivot_table(index="account_id", columns="back", values="dose", aggfunc="sum")
    return table.reindex(columns=list(range(1, back + 1))).fillna(0.0)


def exposure_ahead(doses: np.ndarray, window: int) -> np.ndarray:
    """Per account (rows of ``doses``, columns ``j = 1 … window - 1`` weeks back as in
    :func:`recent_doses`) how far each of the ``window`` weeks after this week already
    counts as after our attention: week ``k`` gets the largest dose of the weeks ``j``
    with ``j + k <= window`` (at most 1). Contacts renew the attention rather than add
    up: a call a week after a call does not make a visit."""
    n = doses.shape[0]
    out = np.zeros((n, window))
    for k in range(1, window + 1):
        reach = window - k  # weeks back whose contacts still cover week k ahead
        if reach > 0 and doses.shape[1]:
            out[:, k - 1] = doses[:, : min(reach, doses.shape[1])].max(axis=1)
    return np.asarray(np.clip(out, 0.0, 1.0))


def added_exposure(ahead: np.ndarray, dose: float) -> np.ndarray:
    """Weeks after our attention an action of ``dose`` adds over the ``window`` weeks
    after this one: where a week already counts ``ahead``, only what the action's dose
    (at most 1) exceeds it by (``window × min(dose, 1)`` for an account without recent
    contacts)."""
    return np.asarray(np.clip(min(dose, 1.0) - ahead, 0.0, None).sum(axis=1))
