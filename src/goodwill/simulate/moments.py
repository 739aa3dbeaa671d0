"""Contact moments: our actions (and their true effect), relationship meetings, inbound
contacts, customers chasing us, and the promises made along the way."""

from __future__ import annotations

import numpy as np

from goodwill.simulate import catalog
from goodwill.simulate.context import DAY_SECONDS, FloatArr, IntArr, StepContext, season_factor
from goodwill.simulate.population import PURPOSES, SUPPLIER

ACTIONS = ("visit", "call", "email", "event_invitation")
#: health gain of each action relative to a visit, for responsive accounts
ACTION_WEIGHT = np.array([0.0, 1.0, 0.4, 0.1, 0.8])
CHANNELS = ("visit", "call", "email", "event", "meeting", "portal")
VISIT, CALL, EMAIL, EVENT, MEETING, PORTAL = range(6)
INBOUND, OUTBOUND = 0, 1
P_SALES, P_SERVICE = PURPOSES.index("sales"), PURPOSES.index("service")
P_EVENT, P_COMPLAINT = PURPOSES.index("event"), PURPOSES.index("complaint")
P_OTHER = PURPOSES.index("other")


def employee_of(ctx: StepContext, accounts: IntArr) -> IntArr:
    """Our employee for an account: its manager, or our buyer for a supplier."""
    pop = ctx.pop
    m = len(pop.managers.codes)
    return np.where(pop.kind[accounts] == SUPPLIER, m + pop.owner[accounts], pop.owner[accounts])


def add_interactions(
    ctx: StepContext,
    accounts: IntArr,
    ts: IntArr,
    channel: IntArr | int,
    direction: IntArr | int,
    purpose: IntArr,
    contact: IntArr,
    minutes: FloatArr,
    cost: FloatArr,
) -> None:
    n = len(accounts)
    if n == 0:
        return
    ctx.log.append(
        "interactions",
        seq=ctx.log.next_seq("interactions", n),
        account=accounts,
        ts=ts,
        channel=np.broadcast_to(np.asarray(channel, dtype=np.int64), (n,)).copy(),
        direction=np.broadcast_to(np.asarray(direction, dtype=np.int64), (n,)).copy(),
        purpose=purpose,
        contact=contact,
        minutes=np.round(minutes),
        cost=np.round(cost, 2),
        employee=employee_of(ctx, accounts),
    )


def apply_actions(ctx: StepContext, actions: IntArr) -> None:
    """Our actions of the week: interactions, true health effects, promises."""
    rng, pop = ctx.rng, ctx.pop
    acc = np.flatnonzero(actions > 0).astype(np.int64)
    if acc.size == 0:
        return
    code = actions[acc]
    day = ctx.weekdays(acc.size)
    ts = ctx.seconds(day, 8.0, 17.0)
    reachable = ctx.act[acc] & (day < ctx.stop_day[acc])
    # event invitations: attended with a probability that falls with health
    attend_p = 0.55 / (1.0 + np.exp(-ctx.st.health[acc]))
    attended = (code == 4) & (rng.random(acc.size) < attend_p) & reachable
    channel = np.select(
        [code == 1, code == 2, code == 3, attended], [VISIT, CALL, EMAIL, EVENT], EMAIL
    ).astype(np.int64)
    purpose = ctx.pick(pop.purpose_cum, acc)
    purpose = np.where(code == 4, P_EVENT, purpose)
    minutes = np.select(
        [channel == VISIT, channel == CALL, channel == EVENT],
        [rng.uniform(45, 120, acc.size), rng.uniform(5, 25, acc.size), np.full(acc.size, 240.0)],
        5.0,
    )
    km = rng.uniform(10, 150, acc.size)
    cost = np.select(
        [channel == VISIT, channel == CALL, channel == EVENT],
        [minutes * 1.1 + km * 2 * 0.23, minutes * 1.1, np.full(acc.size, 150.0)],
        4.0,
    )
    # a gone customer's contact person still picks up the phone (and says so)
    contact = np.where(ctx.st.started[acc], ctx.contact_of(acc), -1)
    add_interactions(ctx, acc, ts, channel, OUTBOUND, purpose, contact, minutes, cost)
    # the true effect: only responsive accounts, only if the moment reached them
    weight = np.where(channel == EVENT, ACTION_WEIGHT[4], ACTION_WEIGHT[np.minimum(code, 3)])
    weight = np.where((code == 4) & ~attended, ACTION_WEIGHT[3], weight)
    gain = pop.response_effect[acc] * weight * reachable
    np.add.at(ctx.delta, acc, gain)
    if ctx.cfg.response_effect_mean > 0:
        scale = ctx.cfg.response_order_lift / ctx.cfg.response_effect_mean
        np.add.at(ctx.order_lift, acc, gain * scale)
    talk = reachable & ((channel == VISIT) | (channel == CALL)) & (pop.kind[acc] != SUPPLIER)
    make_promises(ctx, acc[talk], day[talk])


def make_promises(ctx: StepContext, accounts: IntArr, days: IntArr) -> None:
    """Promises made in a conversation: kept on time, late, or never (which hurts)."""
    rng, cfg, pop = ctx.rng, ctx.cfg, ctx.pop
    made = rng.random(accounts.size) < cfg.promise_per_contact
    acc, day = accounts[made], days[made]
    n = acc.size
    if n == 0:
        return
    manager = pop.owner[acc]
    due = day + 7 * rng.integers(1, 5, n)
    u = rng.random(n)
    keep_p = pop.managers.keep_prob[np.minimum(manager, len(pop.managers.codes) - 1)]
    on_time = u < keep_p
    late = ~on_time & (rng.random(n) < 0.4)
    kept = np.where(
        on_time,
        day + np.floor(rng.random(n) * (due - day + 1)).astype(np.int64),
        np.where(late, due + rng.integers(1, 15, n), -1),
    )
    ctx.log.append(
        "promises",
        seq=ctx.log.next_seq("promises", n),
        account=acc,
        made_day=day,
        due_day=due,
        kept_day=np.where(kept >= 0, kept, np.iinfo(np.int64).min),
        made_by=manager,
        description=rng.integers(0, len(catalog.PROMISE_TEXTS), n).astype(np.int64),
    )
    broken = ~on_time
    if broken.any():
        size = np.where(late[broken], 0.5, 1.0) * cfg.broken_promise_shock
        ctx.shock(acc[broken], -size, due[broken])


def meetings(ctx: StepContext) -> None:
    """Relationship meetings: more often at higher levels, fewer as a quiet account fades,
    and few in the holidays."""
    rng, cfg, pop = ctx.rng, ctx.cfg, ctx.pop
    level_rate = np.array([0.25, 1.0, 2.5])[pop.level]
    general, _ = season_factor(cfg, ctx.day0 + 3)
    rate = cfg.level_meeting_per_week * level_rate * ctx.quiet_mult * general
    rate = np.where(ctx.act & ctx.st.is_customer, rate, 0.0)
    count = ctx.poisson(rate)
    acc = np.repeat(np.arange(pop.n, dtype=np.int64), count)
    day = ctx.weekdays(acc.size)
    keep = day < ctx.stop_day[acc]
    acc, day = acc[keep], day[keep]
    n = acc.size
    purpose = ctx.pick(pop.purpose_cum, acc)
    direction = np.where(rng.random(n) < 0.6, OUTBOUND, INBOUND)
    minutes = rng.uniform(45, 120, n)
    add_interactions(
        ctx,
        acc,
        ctx.seconds(day, 8.5, 16.5),
        MEETING,
        direction,
        purpose,
        ctx.contact_of(acc),
        minutes,
        minutes * 1.1 + 25.0,
    )
    make_promises(ctx, acc, day)


def inbound(ctx: StepContext) -> None:
    """Customers, prospects and suppliers calling, mailing or using the portal."""
    rng, cfg, pop = ctx.rng, ctx.cfg, ctx.pop
    size = np.sqrt(pop.employees / 18.0)
    general, _ = season_factor(cfg, ctx.day0 + 3)
    # holidays are quieter for everybody: silence in August is not a warning sign
    rate = cfg.inbound_per_week * np.clip(size, 0.3, 6.0) * ctx.quiet_mult * (0.5 + 0.5 * general)
    rate = np.where(pop.kind == SUPPLIER, 0.08, rate)
    rate = np.where(ctx.act, rate, 0.0)
    count = ctx.poisson(rate)
    acc = np.repeat(np.arange(pop.n, dtype=np.int64), count)
    day = ctx.weekdays(acc.size)
    keep = day < ctx.stop_day[acc]
    acc, day = acc[keep], day[keep]
    n = acc.size
    channel = np.array([CALL, EMAIL, PORTAL])[ctx.pick_fixed([0.45, 0.43, 0.12], n)]
    own = ctx.pick(pop.purpose_cum, acc)
    fixed = np.array([P_SALES, P_SERVICE, P_OTHER])[ctx.pick_fixed([0.5, 0.4, 0.1], n)]
    purpose = np.where(rng.random(n) < 0.25, own, fixed)
    minutes = np.where(channel == CALL, rng.uniform(3, 20, n), np.where(channel == EMAIL, 6.0, 2.0))
    add_interactions(
        ctx,
        acc,
        ctx.seconds(day, 7.0, 18.0),
        channel,
        INBOUND,
        purpose,
        ctx.contact_of(acc),
        minutes,
        minutes * 1.1,
    )


def chasing(ctx: StepContext, accounts: IntArr, days: IntArr) -> None:
    """A neglected customer chasing its late first order (inbound, purpose service)."""
    rng = ctx.rng
    n = accounts.size
    if n == 0:
        return
    times = 1 + rng.poisson(0.8, n)
    acc = np.repeat(accounts, times)
    day = np.repeat(days, times) + rng.integers(2, 6, acc.size)
    day = np.minimum(day, ctx.day0 + 6)
    keep = day < ctx.stop_day[acc]
    acc, day = acc[keep], day[keep]
    m = acc.size
    channel = np.where(rng.random(m) < 0.6, CALL, EMAIL)
    add_interactions(
        ctx,
        acc,
        ctx.seconds(day),
        channel,
        INBOUND,
        np.full(m, P_SERVICE),
        ctx.contact_of(acc),
        np.where(channel == CALL, 8.0, 5.0),
        np.where(channel == CALL, 8.8, 5.5),
    )


def complaint_moments(ctx: StepContext, accounts: IntArr, opened_ts: IntArr) -> None:
    """The inbound call or e-mail with which a complaint is opened."""
    n = accounts.size
    channel = np.where(ctx.draws.random(n) < 0.55, CALL, EMAIL)
    contact = ctx.contact_of(accounts)
    add_interactions(
        ctx,
        accounts,
        opened_ts,
        channel,
        INBOUND,
        np.full(n, P_COMPLAINT),
        contact,
        np.where(channel == CALL, 12.0, 6.0),
        np.where(channel == CALL, 13.2, 6.6),
    )


__all__ = ["ACTIONS", "CHANNELS", "DAY_SECONDS"]
