"""The buying side: our purchase orders to suppliers (test orders for new ones), their
deliveries, our complaints about them, and their quotes for our requests."""

from __future__ import annotations

import numpy as np

from goodwill.simulate import catalog
from goodwill.simulate.context import (
    DAY_SECONDS,
    StepContext,
    office_time,
    season_factor,
    workday,
)
from goodwill.simulate.log import NA_INT
from goodwill.simulate.population import SUPPLIER
from goodwill.simulate.trade import COMPLAINT_W, SEVERITY_W, UNIT_PRICE

SMALL_ORDER_EUR = 750.0
STATUS = ("requested", "declined", "open", "won", "lost")
DECLINED, WON, LOST = 1, 3, 4


def purchase_orders(ctx: StepContext) -> None:
    """Our purchase orders; unreliable suppliers deliver late and short."""
    cfg, pop, st, rng = ctx.cfg, ctx.pop, ctx.st, ctx.rng
    general, _ = season_factor(cfg, ctx.day0 + 3)
    sup = (pop.kind == SUPPLIER) & ctx.act
    size = np.clip((pop.employees / 18.0) ** 0.3, 0.5, 4.0)
    rate = np.where(sup, cfg.purchase_orders_per_week * size * general, 0.0)
    count = ctx.poisson(rate)
    acc = np.repeat(np.arange(pop.n, dtype=np.int64), count)
    n = acc.size
    if n == 0:
        return
    day = ctx.weekdays(n)
    order = np.lexsort((day, acc))
    acc, day = acc[order], day[order]
    first_of = np.r_[True, acc[1:] != acc[:-1]]
    group_start = np.maximum.accumulate(np.where(first_of, np.arange(n), 0))
    rank = st.orders_done[acc] + (np.arange(n) - group_start)
    np.add.at(st.orders_done, acc, 1)
    new_supplier = pop.created_day[acc] >= ctx.start_day
    # new suppliers are tried with two small test orders; now and then an existing one too
    is_test = (new_supplier & (rank < 2)) | (rng.random(n) < 0.01)
    target = pop.spend_mean[acc] * 4.0 * rng.gamma(1.5, 1 / 1.5, n)
    target = np.where(is_test, target * 0.1, target)
    category = ctx.pick(pop.category_cum, acc)
    price = UNIT_PRICE[category] * 0.7 * rng.uniform(0.95, 1.05, n)
    quantity = np.maximum(1.0, np.round(target / price))
    amount = np.round(quantity * price, 2)
    small = is_test | (amount < SMALL_ORDER_EUR)
    slow = np.where(pop.neglects_small[acc] & small, cfg.neglect_small_factor, 1.0)
    ts = ctx.seconds(day, 8.0, 17.0)
    hours = np.exp(rng.normal(np.log(6.0), 0.8, n)) * slow
    confirmed = office_time(ts + np.round(hours * 3600).astype(np.int64))
    promised = workday(day + rng.integers(3, 16, n))
    unrel = pop.unreliable[acc]
    late = np.where(
        unrel,
        rng.poisson(cfg.unreliable_late_days, n),
        np.where(rng.random(n) < 0.15, rng.integers(1, 3, n), 0),
    )
    late = late + np.where(pop.neglects_small[acc] & small, rng.poisson(0.6 * slow), 0)
    delivered = workday(
        np.maximum(promised + late - (rng.random(n) < 0.1), confirmed // DAY_SECONDS + 1)
    )
    short_p = 0.03 + np.where(unrel, 0.17 * cfg.unreliable_late_days / 4.0, 0.0)
    short = rng.random(n) < short_p
    delivered_qty = np.where(short, np.floor(quantity * rng.uniform(0.5, 0.95, n)), quantity)
    seq = ctx.log.next_seq("orders", n)
    ctx.log.append(
        "orders",
        seq=seq,
        account=acc,
        ordered_ts=ts,
        amount=amount,
        margin=np.full(n, np.nan),
        quantity=quantity,
        delivered_quantity=delivered_qty,
        category=category,
        channel=np.full(n, 2, dtype=np.int64),
        confirmed_ts=confirmed,
        promised_day=promised,
        delivered_day=delivered,
        is_test=is_test.astype(np.int64),
    )
    month = day.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    np.add.at(st.month_amount, (acc, month % 2), amount)

    # our complaints about their deliveries
    was_late = delivered > promised
    p = 0.02 + 0.06 * was_late + 0.1 * short + 0.03 * unrel
    hit = rng.random(n) < p
    c_acc, c_seq, c_day = acc[hit], seq[hit], delivered[hit]
    m = c_acc.size
    if m:
        opened_day = workday(c_day + rng.integers(0, 3, m))
        opened = opened_day * DAY_SECONDS + rng.integers(480, 1020, m) * 60
        c_slow = slow[hit]
        reply = np.exp(rng.normal(np.log(8.0), 0.9, m)) * c_slow
        first = office_time(opened + np.round(reply * 3600).astype(np.int64))
        severity = ctx.pick_fixed(SEVERITY_W, m)
        resolved = office_time(
            first
            + np.round(
                np.exp(rng.normal(np.log(3.0 + 2.0 * severity), 0.7, m)) * c_slow * DAY_SECONDS
            ).astype(np.int64)
        )
        ctx.log.append(
            "complaints",
            seq=ctx.log.next_seq("complaints", m),
            account=c_acc,
            opened_ts=opened,
            first_response_ts=first,
            resolved_ts=resolved,
            severity=severity,
            category=ctx.pick_fixed(COMPLAINT_W, m),
            order_seq=c_seq,
        )


def supplier_quotes(ctx: StepContext) -> None:
    """Our requests for quotes, each sent to (up to) three suppliers; some decline."""
    cfg, pop, rng = ctx.cfg, ctx.pop, ctx.rng
    sup = np.flatnonzero((pop.kind == SUPPLIER) & ctx.act).astype(np.int64)
    if sup.size == 0:
        return
    n_req = int(rng.poisson(cfg.requests_per_week_per_supplier * sup.size))
    for _ in range(n_req):
        k = min(3, sup.size)
        chosen = np.sort(rng.choice(sup, size=k, replace=False))
        value = float(np.exp(rng.normal(np.log(3000.0), 1.0)))
        small = value < SMALL_ORDER_EUR * 2
        request_day = int(ctx.weekdays(1)[0])
        request_seq = int(ctx.log.next_seq("quotes_requests", 1)[0])
        neglect = pop.neglects_small[chosen] & small
        decline_p = 0.08 + np.where(neglect, 0.5 * cfg.neglect_small_factor / 5.0, 0.0)
        declined = rng.random(k) < decline_p
        issued = request_day + rng.integers(1, 6, k) * np.where(neglect, 2, 1)
        amount = np.round(value * np.exp(rng.normal(0, 0.12, k)), 2)
        status = np.full(k, LOST, dtype=np.int64)
        status[declined] = DECLINED
        lost_to = np.full(k, NA_INT, dtype=np.int64)
        offered = np.flatnonzero(~declined)
        decided = np.where(declined, issued, int(issued.max()) + int(rng.integers(3, 21)))
        if offered.size:
            winner = offered[int(np.argmin(amount[offered]))]
            status[winner] = WON
            lost_to[status == LOST] = chosen[winner]
        ctx.log.append(
            "quotes",
            seq=ctx.log.next_seq("quotes", k),
            account=chosen,
            issued_day=issued.astype(np.int64),
            amount=np.where(declined, 0.0, amount),
            status=status,
            decided_day=decided.astype(np.int64),
            lost_to_competitor=np.full(k, NA_INT, dtype=np.int64),
            lost_to_account=lost_to,
            request_seq=np.full(k, request_seq, dtype=np.int64),
        )


__all__ = ["STATUS", "catalog"]
