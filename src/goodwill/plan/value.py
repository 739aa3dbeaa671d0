"""The expected value of each action for each account, and its cost (docs/plan.md).

For account *i* and action *a*:

    protected = risk(health_i) × effect_a × response_i × margin_i × horizon / 12
    won       = added_ia × max(response_effect_i, 0) × margin_i / 52
                + added_ia / window × stake_i × horizon / 12
    cost      = hours_ia × hourly rate of a
    net       = protected + won − cost

* ``risk`` is the chance the account leaves within the horizon, falling with health on
  a logistic curve (``[plan] risk_max``, ``risk_mid``, ``risk_spread``);
* ``effect_a`` the share of that risk an action takes away for an account that responds
  as its segment does (``[plan.effect]``), scaled by ``response_i``: the account's
  posterior probability of belonging to the responding accounts against its segment's
  share (1 without an estimate, at most 3) — the estimate's uncertainty is in that
  probability;
* ``won`` is the extra margin the account's own estimated response to our attention
  brings in the weeks after it: ``added_ia`` is how many weeks after our attention the
  action adds by the model the response is measured with — the channel's dose in each of
  the ``[responsiveness] window_weeks`` weeks, less what the account's recent contacts
  already cover (:mod:`goodwill.plan.exposure`); ``stake_i`` the yearly margin full
  attention is expected to win beyond that — a buyer's test or growth potential
  (:mod:`goodwill.plan.opportunity`) — of which an action wins its share of a full dose
  of fresh attention over the window (``added_ia / window``: a visit all of it, a call
  half, less after recent contacts);
* ``margin_i`` its margin over the last 12 months.

An account is *eligible* only with a reason to act: a health reason or an alert (credit,
a neglected first order), a positive response to our attention, or a stake to win.
Accounts that have
gone (dormant), are advised to deliver only against prepayment, have no account manager
or were contacted in the last ``[plan] min_days_between`` days (0 by default: how soon
a contact pays again follows from ``added``) are not.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from goodwill.plan.costs import ACTIONS, hourly_rates, hours_table
from goodwill.plan.exposure import added_exposure, exposure_ahead
from goodwill.settings import Settings

#: columns of the frame :func:`action_values` returns, per action ``a`` in ACTIONS:
#: ``hours_a``, ``cost_a``, ``value_a`` (protected + won), ``net_a`` and ``stake_a`` (the
#: part of the value won from the account's stake)
BASE_COLUMNS = ["owner", "eligible", "risk", "response", "margin"]


def leave_risk(health: pd.Series, settings: Settings) -> np.ndarray:
    """The chance of leaving within the horizon at each health score."""
    p = settings["plan"]
    h = pd.to_numeric(health, errors="coerce").fillna(100.0).to_numpy(float)
    z = (h - float(p["risk_mid"])) / max(float(p["risk_spread"]), 1e-9)
    return np.asarray(float(p["risk_max"]) / (1.0 + np.exp(z)))


def response_factor(table: pd.DataFrame) -> np.ndarray:
    """How much more than its segment an account responds (1 without an estimate)."""
    if "response_p_group" not in table or "response_segment_share" not in table:
        return np.ones(len(table))
    p = pd.to_numeric(table["response_p_group"], errors="coerce").to_numpy(float)
    share = pd.to_numeric(table["response_segment_share"], errors="coerce").to_numpy(float)
    ratio = np.divide(p, share, out=np.full(len(table), np.nan), where=share > 0)
    return np.clip(np.where(np.isfinite(ratio), ratio, 1.0), 0.0, 3.0)


def column(table: pd.DataFrame, name: str) -> np.ndarray:
    """A numeric column of ``table`` (0 where missing or absent)."""
    if name not in table:
        return np.zeros(len(table))
    return np.asarray(np.nan_to_num(pd.to_numeric(table[name], errors="coerce").to_numpy(float)))


def action_values(
    table: pd.DataFrame,
    regions: pd.Series,
    has_reason: pd.Series,
    last_contact_days: pd.Series,
    settings: Settings,
    recent_dose: pd.DataFrame | None = None,
    stake: pd.Series | None = None,
) -> pd.DataFrame:
    """Per account of a snapshot ``table``: eligibility, risk, response and, per action,
    hours, cost, value and net (see the module text). ``recent_dose``: the dose of our
    contacts in each of the last weeks (:func:`goodwill.plan.exposure.recent_doses`;
    none without it). ``stake``: per account, the yearly margin full attention is
    expected to win beyond its response (:func:`goodwill.plan.opportunity.opportunities`;
    none without it)."""
    plan = settings["plan"]
    out = pd.DataFrame(index=table.index)
    out["owner"] = table["owner"]
    margin = pd.to_numeric(table["margin_12m"], errors="coerce").fillna(0.0).clip(lower=0.0)
    out["margin"] = margin
    out["risk"] = leave_risk(table["health"], settings)
    out["response"] = response_factor(table)
    # the account's response beyond the portfolio's common lift after our contacts, plus
    # the share of that common lift the plan counts as caused by them
    background = column(table, "response_background") * float(plan["background_share"])
    lift = np.clip(column(table, "response_effect") + background, 0.0, None)
    window = int(float(settings["responsiveness"]["window_weeks"]))
    past = np.zeros((len(table), max(window - 1, 0)))
    if recent_dose is not None and len(recent_dose.columns):
        known = recent_dose.reindex(index=table.index, columns=range(1, window))
        past = np.nan_to_num(known.to_numpy(float))
    ahead = exposure_ahead(past, window)
    doses = dict(settings["responsiveness"]["dose"])
    channel = {"visit": "visit", "call": "call", "email": "email", "event_invitation": "event"}
    dose = {a: float(doses.get(c, 0.0)) for a, c in channel.items()}
    horizon = float(plan["horizon_months"]) / 12.0
    hours = hours_table(regions.reindex(table.index), settings)
    rates = hourly_rates(settings)
    at_stake = out["risk"].to_numpy() * out["response"].to_numpy() * margin.to_numpy() * horizon
    weekly = margin.to_numpy() / 52.0
    to_win = np.zeros(len(table))
    if stake is not None:
        given = pd.to_numeric(stake.reindex(table.index), errors="coerce").fillna(0.0)
        to_win = np.clip(given.to_numpy(float), 0.0, None) * horizon
    for a in ACTIONS:
        protected = at_stake * float(plan["effect"][a])
        added = added_exposure(ahead, dose[a])
        from_stake = added / max(window, 1) * to_win
        won = added * lift * weekly + from_stake
        cost = hours[a].to_numpy() * rates[a]
        out[f"hours_{a}"] = hours[a].to_numpy()
        out[f"cost_{a}"] = cost
        out[f"value_{a}"] = protected + won
        out[f"net_{a}"] = protected + won - cost
        out[f"stake_{a}"] = from_stake
    dormant = table.get("dormant", pd.Series(False, index=table.index)).fillna(False)
    prepay = table.get("credit_advice", pd.Series("keep", index=table.index)) == "prepayment"
    recent = pd.to_numeric(last_contact_days.reindex(table.index), errors="coerce")
    too_soon = (recent <= float(plan["min_days_between"])).fillna(False)
    grows = (lift > 0) | (to_win > 0)
    reason = has_reason.reindex(table.index).fillna(False).to_numpy(bool)
    out["eligible"] = (
        (reason | grows)
        & ~dormant.to_numpy(bool)
        & ~prepay.to_numpy(bool)
        & ~too_soon.to_numpy(bool)
        & table["owner"].notna().to_numpy()
        & (table["owner"].astype(str) != "").to_numpy()
    )
    return out
