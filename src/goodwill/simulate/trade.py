"""Customer orders (a buy-till-you-die rhythm shaped by season, health and wallet share),
their deliveries, and the complaints about them."""

from __future__ import annotations

import numpy as np

from goodwill.simulate import catalog, moments
from goodwill.simulate.context import (
    DAY_SECONDS,
    FloatArr,
    IntArr,
    StepContext,
    office_time,
    season_factor,
    workday,
)
from goodwill.simulate.log import NA_INT
from goodwill.simulate.streams import line_keys

UNIT_PRICE = np.array([c[2] for c in catalog.CATEGORIES])
MARGIN_RATE = np.array([c[3] for c in catalog.CATEGORIES])
LEAD_DAYS = np.array([c[4] for c in catalog.CATEGORIES])
CHANNEL_W = [c[1] for c in catalog.ORDER_CHANNELS]
SEVERITY_W = [0.35, 0.4, 0.2, 0.05]
COMPLAINT_W = [c[1] for c in catalog.COMPLAINT_CATEGORIES]
FAST_CHANNELS = (0, 1)  # webshop, edi confirm automatically
BOUW = 0  # segment index of construction


def customer_orders(ctx: StepContext) -> None:
    """This week's order lines of active customers."""
    cfg, pop, st = ctx.cfg, ctx.pop, ctx.st
    general, bouw = season_factor(cfg, ctx.day0 + 3)
    season = np.where(pop.segment == BOUW, bouw, general)
    # fading accounts order less (thriving ones no more: see docs/simulator.md, limits)
    coupling = np.exp(pop.order_coupling * np.minimum(st.health - 0.5, 0.0))
    distress = np.where(st.distress_day >= 0, 0.85, 1.0)
    rate = pop.order_rate * season * st.share * coupling * distress * (1.0 + st.lift)
    rate = np.where(ctx.act & st.is_customer, rate, 0.0)
    count = ctx.poisson(rate)
    acc = np.repeat(np.arange(pop.n, dtype=np.int64), count)
    ctx.use("order_lines")  # the same stream unless the world is a branch
    ctx.lines = ctx.streams.lines("order_lines", line_keys(acc))  # keyed by line in a branch
    day = ctx.weekdays(acc.size)
    keep = day < ctx.stop_day[acc]
    acc, day = acc[keep], day[keep]
    ctx.narrow(keep)
    spend = ctx.draws.gamma(cfg.spend_shape, 1.0 / cfg.spend_shape, acc.size)
    _emit_orders(ctx, acc, day, pop.spend_mean[acc] * spend, None)
    # won quotes become orders in the week they are decided
    quote_orders = [p for p in st.pending.get(ctx.week, []) if p[0] == "quote_order"]
    for tag, (_kind, q_acc, value, q_day) in enumerate(quote_orders, start=1):
        ok = ctx.act[q_acc] & (q_day < ctx.stop_day[q_acc]) & st.is_customer[q_acc]
        ctx.lines = ctx.streams.lines("order_lines", line_keys(q_acc[ok], tag % 256))
        _emit_orders(ctx, q_acc[ok], q_day[ok], value[ok], "buitendienst")
    ctx.lines = None


def _emit_orders(
    ctx: StepContext, acc: IntArr, day: IntArr, target: FloatArr, channel_name: str | None
) -> None:
    cfg, pop, st = ctx.cfg, ctx.pop, ctx.st
    n = acc.size
    if n == 0:
        return
    # rank of each line among the account's orders so far (first orders of new accounts)
    order = np.lexsort((day, acc))
    acc, day, target = acc[order], day[order], target[order]
    ctx.narrow(order)
    rng = ctx.draws
    first_of = np.r_[True, acc[1:] != acc[:-1]]
    group_start = np.maximum.accumulate(np.where(first_of, np.arange(n), 0))
    rank = st.orders_done[acc] + (np.arange(n) - group_start)
    np.add.at(st.orders_done, acc, 1)

    category = ctx.pick(pop.category_cum, acc)
    price = UNIT_PRICE[category] * rng.uniform(0.9, 1.1, n)
    quantity = np.maximum(1.0, np.round(target / price))
    is_return = rng.random(n) < cfg.return_share
    quantity = np.where(
        is_return, -np.maximum(1.0, np.round(quantity * rng.uniform(0.1, 0.5, n))), quantity
    )
    amount = np.round(quantity * price, 2)
    margin_rate = MARGIN_RATE[category] + rng.normal(0, 0.04, n)
    margin = np.round(amount * np.where(is_return, 0.1, margin_rate), 2)
    if channel_name is None:
        channel = ctx.pick_fixed(CHANNEL_W, n)
    else:
        names = [c[0] for c in catalog.ORDER_CHANNELS]
        channel = np.full(n, names.index(channel_name), dtype=np.int64)
    ts = ctx.seconds(day, 7.0, 18.0)

    early = pop.neglected[acc] & (rank < 3)
    factor = np.where(early, cfg.neglect_response_factor, 1.0)
    hours = np.exp(rng.normal(np.log(2.5), 0.8, n)) * factor
    hours = np.where(np.isin(channel, FAST_CHANNELS) & ~early, hours * 0.1, hours)
    confirmed = office_time(ts + np.round(hours * 3600).astype(np.int64))
    promised = workday(day + LEAD_DAYS[category] + rng.integers(0, 2, n))
    late_days = np.where(rng.random(n) < 0.1, rng.integers(1, 4, n), 0)
    late_days = late_days + np.where(early, rng.poisson(0.8 * cfg.neglect_response_factor, n), 0)
    delivered = workday(np.maximum(promised + late_days, confirmed // DAY_SECONDS + 1))
    partial = ~is_return & (rng.random(n) < 0.03)
    delivered_qty = np.where(partial, np.floor(quantity * rng.uniform(0.5, 0.95, n)), quantity)

    seq = ctx.log.next_seq("orders", n)
    ctx.log.append(
        "orders",
        seq=seq,
        account=acc,
        ordered_ts=ts,
        amount=amount,
        margin=margin,
        quantity=quantity,
        delivered_quantity=delivered_qty,
        category=category,
        channel=channel,
        confirmed_ts=confirmed,
        promised_day=promised,
        delivered_day=delivered,
        is_test=np.zeros(n, dtype=np.int64),
    )
    # bill by calendar month
    month = day.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    np.add.at(st.month_amount, (acc, month % 2), amount)
    # late deliveries hurt a little; neglect of a first order hurts more and makes them chase
    late = delivered > promised
    ctx.shock(acc[late], -cfg.late_delivery_shock, delivered[late])
    first_neglect = pop.neglected[acc] & (rank == 0)
    if first_neglect.any():
        ctx.shock(acc[first_neglect], -cfg.neglect_shock, delivered[first_neglect])
        chase = first_neglect & (rng.random(n) < 0.7)
        lines, ctx.lines = ctx.lines, None  # chasing repeats lines: the stream draws it
        moments.chasing(ctx, acc[chase], day[chase])
        ctx.lines = lines
    complaints(ctx, acc, seq, delivered, late, is_return)


def complaints(
    ctx: StepContext,
    acc: IntArr,
    order_seq: IntArr,
    delivered: IntArr,
    late: np.ndarray,
    is_return: np.ndarray,
) -> None:
    """Complaints about order lines; quiet accounts stop complaining as they fade."""
    cfg, pop = ctx.cfg, ctx.pop
    p = cfg.complaint_per_order * (1.0 + 2.0 * late) * ctx.quiet_mult[acc] * ~is_return
    hit = ctx.draws.random(acc.size) < p
    acc, order_seq, delivered = acc[hit], order_seq[hit], delivered[hit]
    ctx.narrow(hit)
    n = acc.size
    if n == 0:
        return
    opened_day = workday(delivered + ctx.draws.integers(0, 4, n))
    # an account that has left complains no more (its leaving was decided weeks before)
    gone = ctx.st.churn_day[acc]
    stay = (gone < 0) | (opened_day < gone)
    acc, order_seq, opened_day = acc[stay], order_seq[stay], opened_day[stay]
    ctx.narrow(stay)
    rng = ctx.draws
    n = acc.size
    opened = opened_day * DAY_SECONDS + rng.integers(8 * 60, 17 * 60, n) * 60
    manager = pop.owner[acc]
    factor = pop.managers.response_factor[manager] * np.where(
        pop.neglected[acc], cfg.neglect_response_factor, 1.0
    )
    hours = np.exp(rng.normal(np.log(cfg.complaint_response_hours_median), 0.9, n)) * factor
    first = office_time(opened + np.round(hours * 3600).astype(np.int64))
    severity = ctx.pick_fixed(SEVERITY_W, n)
    res_days = np.exp(rng.normal(np.log(2.0 + 2.0 * severity), 0.7, n))
    resolved = office_time(first + np.round(res_days * DAY_SECONDS).astype(np.int64))
    category = ctx.pick_fixed(COMPLAINT_W, n)
    no_order = category == 2  # invoice complaints often name no order line
    ctx.log.append(
        "complaints",
        seq=ctx.log.next_seq("complaints", n),
        account=acc,
        opened_ts=opened,
        first_response_ts=first,
        resolved_ts=resolved,
        severity=severity,
        category=category,
        order_seq=np.where(no_order, NA_INT, order_seq),
    )
    moments.complaint_moments(ctx, acc, opened)
    slow = first - opened > 24 * 3600
    ctx.shock(acc[slow], -cfg.slow_response_shock, first[slow] // DAY_SECONDS)
