"""One week of the world: the order in which things happen, and the health update.

Within a week, in this order: accounts created by the week's first day start; pending
events of the week (conversions, successors of contacts who left) take effect; a customer
may decide to leave (it is gone ``leaving_weeks_min..max`` weeks later, and its health
sinks meanwhile); financial trouble and drifting to a competitor may begin; contacts may
leave; our actions happen; then meetings, inbound contacts, orders, complaints, purchase
orders, quotes and (in the week of a month's first day) invoices; the monthly truth
snapshot is taken at the start of that week. Finally health moves: a pull to the
baseline, noise, and every effect collected during the week or scheduled for it.
"""

from __future__ import annotations

import numpy as np

from goodwill.simulate import billing, buying, moments, quotes, trade
from goodwill.simulate.config import SimConfig
from goodwill.simulate.context import BIG_DAY, IntArr, StepContext, first_of_month, month_index
from goodwill.simulate.log import EventLog
from goodwill.simulate.population import CONTACT_SLOTS, SUPPLIER, Population, day_number
from goodwill.simulate.state import WorldState
from goodwill.simulate.streams import WeekStreams


def weekly_churn_hazard(cfg: SimConfig, health: np.ndarray) -> np.ndarray:
    """True weekly churn hazard at a given health: grows exp(slope) per unit lost."""
    base = cfg.churn_hazard_per_year / 52.0
    return np.minimum(base * np.exp(-cfg.churn_health_slope * (health - 1.0)), 0.5)


def advance(
    cfg: SimConfig,
    pop: Population,
    st: WorldState,
    log: EventLog,
    actions: IntArr,
    crn: bool = False,
) -> None:
    """Advance the world by one week under ``actions`` (one action code per account).

    With ``crn`` each part of the week draws from its own stream seeded by the seed and
    the week (common random numbers for branches); otherwise everything comes from the
    state's one generator, in the same order as always.
    """
    streams = WeekStreams.common(cfg.seed, st.week) if crn else WeekStreams(st.rng)
    rng = streams("fate")
    start_day = day_number(cfg.start)
    day0 = start_day + 7 * st.week
    n = pop.n

    newly = ~st.started & (pop.created_day <= day0)
    st.started |= newly
    st.alive |= newly & (st.churn_day < 0)
    pending = st.pending.get(st.week, [])
    for kind, acc, _value, day in pending:
        if kind == "convert":
            ok = st.alive[acc] & ~st.is_customer[acc]
            st.is_customer[acc[ok]] = True
            st.convert_day[acc[ok]] = day[ok]
    act = st.alive.copy()
    ctx = StepContext(
        cfg=cfg,
        pop=pop,
        st=st,
        log=log,
        rng=rng,
        streams=streams,
        week=st.week,
        start_day=start_day,
        day0=day0,
        act=act,
        stop_day=np.full(n, BIG_DAY, dtype=np.int64),
        delta=np.zeros(n),
        order_lift=np.zeros(n),
        quiet_mult=np.where(
            pop.quiet, np.exp(cfg.quiet_coupling * np.minimum(st.health - 0.5, 0.0)), 1.0
        ),
    )

    # monthly truth snapshot: the state at the start of the month's first week
    _snapshot(ctx)

    # leaving (customers only): a decision, then gone some weeks later
    customer = act & st.is_customer & (pop.kind != SUPPLIER)
    hazard = weekly_churn_hazard(cfg, st.health)
    distressed = st.distress_day >= 0
    hazard = np.where(distressed, np.minimum(hazard * 2.0 + 0.002, 0.5), hazard)
    decide = customer & (st.leave_day < 0) & (rng.random(n) < hazard)
    st.leave_day[decide] = (day0 + rng.integers(0, 7, n))[decide]
    lag = 7 * rng.integers(cfg.leaving_weeks_min, cfg.leaving_weeks_max + 1, n)
    st.churn_day[decide] = st.leave_day[decide] + lag[decide]
    churn = act & (st.churn_day >= day0) & (st.churn_day < day0 + 7)
    ctx.stop_day[churn] = st.churn_day[churn]
    leaving = act & (st.leave_day >= 0)
    ctx.delta[leaving] -= cfg.leaving_health_drop_per_week
    start_distress = customer & ~distressed & (rng.random(n) < cfg.distress_per_year / 52.0)
    st.distress_day[start_distress] = (day0 + rng.integers(0, 7, n))[start_distress]
    start_loss = (
        customer & (st.share_loss_day < 0) & (rng.random(n) < cfg.share_loss_per_year / 52.0)
    )
    st.share_loss_day[start_loss] = day0
    losing = act & (st.share_loss_day >= 0)
    st.share[losing] = np.maximum(0.25, st.share[losing] * (1.0 - cfg.share_loss_per_week))

    ctx.use("contacts")
    _contacts(ctx, pending)
    ctx.use("actions")
    moments.apply_actions(ctx, actions)
    ctx.use("meetings")
    moments.meetings(ctx)
    ctx.use("inbound")
    moments.inbound(ctx)
    ctx.use("orders")
    trade.customer_orders(ctx)
    # our attention lifts a responsive account's ordering from next week, fading; a new
    # contact renews the lift rather than piling on it (a customer's demand is finite:
    # weekly visits do not double its orders)
    st.lift = np.maximum(st.lift * cfg.response_lift_decay, ctx.order_lift)
    ctx.use("purchases")
    buying.purchase_orders(ctx)
    ctx.use("supplier_quotes")
    buying.supplier_quotes(ctx)
    ctx.use("quotes")
    quotes.customer_quotes(ctx)
    ctx.use("billing")
    billing.invoices(ctx)

    # health: pull to the baseline, noise, effects of the week (now and scheduled)
    for kind, acc, value, _day in st.pending.pop(st.week, []):
        if kind == "shock":
            np.add.at(ctx.delta, acc, value)
    st.baseline += pop.drift + np.where(
        (st.distress_day >= 0) & act, cfg.distress_health_drift_per_week, 0.0
    )
    noise = ctx.use("health").normal(0.0, cfg.health_noise_sd, n)
    st.health += cfg.health_reversion_per_week * (st.baseline - st.health) + noise + ctx.delta
    st.alive &= ~churn
    st.week += 1


def _contacts(ctx: StepContext, pending: list[tuple[str, IntArr, np.ndarray, IntArr]]) -> None:
    """Contacts leave (hurting health, most when the last one goes); successors arrive."""
    cfg, pop, st, rng = ctx.cfg, ctx.pop, ctx.st, ctx.rng
    book = st.contacts
    live = ctx.act & (pop.kind != SUPPLIER)
    # successors scheduled for this week
    for kind, acc, _value, _day in pending:
        if kind != "new_contact":
            continue
        ok = ctx.act[acc]
        _add_contacts(ctx, acc[ok])
    # accounts without anyone: someone turns up now and then
    empty = live & (st.slots[:, 0] < 0) & (rng.random(pop.n) < 0.03)
    _add_contacts(ctx, np.flatnonzero(empty).astype(np.int64))

    hazard = 1.0 / (cfg.contact_tenure_years * 52.0)
    filled = st.slots >= 0
    leave = filled & live[:, None] & (rng.random(st.slots.shape) < hazard)
    rows = np.flatnonzero(leave.any(axis=1)).astype(np.int64)
    if rows.size == 0:
        return
    who = st.slots[leave]
    book.left_day[who] = ctx.day0 + rng.integers(0, 7, who.size)
    sub = st.slots[rows].copy()
    sub[leave[rows]] = -1
    order = np.argsort(sub < 0, axis=1, kind="stable")
    st.slots[rows] = np.take_along_axis(sub, order, axis=1)
    left_count = leave[rows].sum(axis=1)
    last = st.slots[rows, 0] < 0
    ctx.shock(rows, -cfg.contact_leave_shock * left_count * np.where(last, 1.5, 1.0))
    # successors: most posts are filled again after a few weeks
    succ_acc = np.repeat(rows, left_count)
    replace = rng.random(succ_acc.size) < cfg.contact_replace_prob
    succ_acc = succ_acc[replace]
    weeks = ctx.week + 1 + rng.geometric(0.25, succ_acc.size)
    for w in np.unique(weeks).tolist():
        sel = weeks == w
        st.schedule(
            int(w),
            "new_contact",
            succ_acc[sel],
            np.zeros(int(sel.sum())),
            np.zeros(int(sel.sum()), dtype=np.int64),
        )


def _add_contacts(ctx: StepContext, acc: IntArr) -> None:
    st = ctx.st
    if acc.size == 0:
        return
    acc = np.unique(acc)
    free = (st.slots[acc] < 0).sum(axis=1) > 0
    acc = acc[free]
    if acc.size == 0:
        return
    idx = st.contacts.add(
        acc,
        np.full(acc.size, ctx.day0, dtype=np.int64),
        ctx.rng.integers(0, 10, acc.size).astype(np.int64),
    )
    pos = (st.slots[acc] >= 0).sum(axis=1)
    st.slots[acc, np.minimum(pos, CONTACT_SLOTS - 1)] = idx


def _snapshot(ctx: StepContext) -> None:
    """Record the latent state in the week that holds the first day of a month."""
    first = first_of_month(ctx.day0)
    if first is None and ctx.week > 0:
        return
    day = first if first is not None else ctx.day0
    month = int(month_index(np.array([day], dtype=np.int64))[0])
    cfg, pop, st = ctx.cfg, ctx.pop, ctx.st
    there = ctx.act & (pop.kind != SUPPLIER) & ((st.churn_day < 0) | (st.churn_day > day))
    acc = np.flatnonzero(there).astype(np.int64)
    weekly = weekly_churn_hazard(cfg, st.health[acc])
    distressed = st.distress_day[acc] >= 0
    weekly = np.where(distressed, np.minimum(weekly * 2.0 + 0.002, 0.5), weekly)
    monthly = np.where(st.is_customer[acc], 1.0 - (1.0 - weekly) ** (30.44 / 7.0), 0.0)
    leaving = st.leave_day[acc] >= 0
    monthly = np.where(leaving, 1.0, monthly)
    ctx.log.append(
        "latent",
        account=acc,
        month=np.full(acc.size, month, dtype=np.int64),
        health=st.health[acc].copy(),
        hazard=monthly,
        share=st.share[acc].copy(),
        distressed=distressed.astype(np.int64),
        leaving=leaving.astype(np.int64),
    )
