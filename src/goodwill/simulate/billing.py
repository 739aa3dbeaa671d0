"""Monthly invoices (one per account and month) and when they are paid: an account's own
habit, plus later and later once it is in financial trouble."""

from __future__ import annotations

import numpy as np

from goodwill.simulate.context import StepContext, first_of_month, month_index
from goodwill.simulate.log import NA_INT
from goodwill.simulate.population import SUPPLIER


def invoices(ctx: StepContext) -> None:
    """On the week containing the 1st of a month, invoice last month's order lines."""
    cfg, pop, st, rng = ctx.cfg, ctx.pop, ctx.st, ctx.rng
    first = first_of_month(ctx.day0)
    if first is None:
        return
    issued_day = first
    prev_month = int(month_index(np.array([issued_day - 1]))[0])
    slot = prev_month % 2
    amount = np.round(st.month_amount[:, slot], 2)
    st.month_amount[:, slot] = 0.0
    acc = np.flatnonzero(np.abs(amount) >= 0.005).astype(np.int64)
    n = acc.size
    if n == 0:
        return
    amt = amount[acc]
    issued = np.full(n, issued_day, dtype=np.int64)
    due = issued + pop.payment_terms[acc]
    ours = pop.kind[acc] == SUPPLIER  # we pay our suppliers, punctually
    late = pop.pay_late_mean[acc] + rng.normal(0, cfg.payment_noise_sd, n)
    dday = st.distress_day[acc]
    in_trouble = (dday >= 0) & (dday <= issued_day)
    weeks_in = np.where(in_trouble, (issued_day - dday) / 7.0, 0.0)
    late = late + cfg.distress_pay_delay_days_per_week * weeks_in
    late = np.where(ours, rng.normal(-1.0, 2.0, n), late)
    paid = np.maximum(issued, due + np.round(late).astype(np.int64))
    never = in_trouble & (weeks_in > 40) & (rng.random(n) < 0.3)
    partial = in_trouble & ~never & (rng.random(n) < 0.3)
    paid_amount = np.where(partial, np.round(amt * rng.uniform(0.5, 0.95, n), 2), amt)
    credit = amt < 0
    paid = np.where(credit, issued, paid)
    ctx.log.append(
        "invoices",
        seq=ctx.log.next_seq("invoices", n),
        account=acc,
        issued_day=issued,
        due_day=due,
        amount=amt,
        paid_day=np.where(never, NA_INT, paid),
        paid_amount=np.where(never, np.nan, np.where(credit, amt, paid_amount)),
    )
