"""Our quotes to customers and prospects: won more often by healthy accounts, lost to a
named competitor by accounts drifting away; won quotes become orders (and customers)."""

from __future__ import annotations

import numpy as np

from goodwill.simulate import catalog
from goodwill.simulate.buying import DECLINED, LOST, WON
from goodwill.simulate.context import StepContext
from goodwill.simulate.log import NA_INT
from goodwill.simulate.population import PROSPECT, SUPPLIER


def customer_quotes(ctx: StepContext) -> None:
    """Quote requests of this week, with their (future) decision."""
    cfg, pop, st, rng = ctx.cfg, ctx.pop, ctx.st, ctx.rng
    prospect = (pop.kind == PROSPECT) & ~st.is_customer
    size = np.clip(np.sqrt(pop.employees / 18.0), 0.4, 5.0)
    rate = cfg.quote_per_week * size * np.where(prospect, 1.5, 1.0) * ctx.quiet_mult**0.5
    rate = np.where(ctx.act & (pop.kind != SUPPLIER), rate, 0.0)
    count = ctx.poisson(rate)
    acc = np.repeat(np.arange(pop.n, dtype=np.int64), count)
    day = ctx.weekdays(acc.size)
    keep = day < ctx.stop_day[acc]
    acc, day = acc[keep], day[keep]
    n = acc.size
    if n == 0:
        return
    amount = np.round(pop.spend_mean[acc] * np.exp(rng.normal(1.2, 0.6, n)), 2)
    base = np.log(cfg.quote_win_base / (1 - cfg.quote_win_base))
    logit = (
        base
        + cfg.quote_win_health * (st.health[acc] - 0.5)
        - 3.0 * (1.0 - st.share[acc])
        - np.where(prospect[acc], 1.8, 0.0)
    )
    won = rng.random(n) < 1.0 / (1.0 + np.exp(-logit))
    declined = rng.random(n) < 0.04
    status = np.where(declined, DECLINED, np.where(won, WON, LOST)).astype(np.int64)
    decided = np.where(declined, day + rng.integers(0, 3, n), day + 7 * rng.integers(1, 7, n))
    drifting = st.share_loss_day[acc] >= 0
    named = np.where(drifting, rng.random(n) < 0.85, rng.random(n) < 0.35)
    other = rng.integers(0, len(catalog.COMPETITORS), n)
    known = rng.random(n) < 0.7
    lost_to = np.where(named, pop.competitor[acc], np.where(known, other, NA_INT))
    lost_to = np.where(status == LOST, lost_to, NA_INT)
    ctx.log.append(
        "quotes",
        seq=ctx.log.next_seq("quotes", n),
        account=acc,
        issued_day=day,
        amount=amount,
        status=status,
        decided_day=decided,
        lost_to_competitor=lost_to.astype(np.int64),
        lost_to_account=np.full(n, NA_INT, dtype=np.int64),
        request_seq=np.full(n, NA_INT, dtype=np.int64),
    )
    win = status == WON
    for w in np.unique(ctx.week_of(decided[win])).tolist():
        sel = win & (ctx.week_of(decided) == w)
        st.schedule(int(w), "quote_order", acc[sel], amount[sel], decided[sel])
        conv = sel & prospect[acc]
        st.schedule(int(w), "convert", acc[conv], amount[conv], decided[conv])
