"""The explicit state of a world between two weeks: everything the next step reads.

A :class:`WorldState` plus the static :class:`~goodwill.simulate.population.Population`
and the :class:`~goodwill.simulate.config.SimConfig` determine the rest of the world;
the random generator is part of the state, so a world continued from a state is the
world generated at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from goodwill.simulate.config import SimConfig
from goodwill.simulate.population import CONTACT_SLOTS, CUSTOMER, Population, day_number

FloatArr = NDArray[np.float64]
IntArr = NDArray[np.int64]
BoolArr = NDArray[np.bool_]


@dataclass
class ContactBook:
    """All contact persons ever: account, start, end (``-1`` while in the job), role."""

    account: IntArr
    started_day: IntArr
    left_day: IntArr
    role: IntArr
    size: int

    def add(self, account: IntArr, started_day: IntArr, role: IntArr) -> IntArr:
        """Append contacts; returns their indices."""
        n = len(account)
        need = self.size + n
        if need > len(self.account):
            cap = max(need, 2 * len(self.account))
            for name in ("account", "started_day", "left_day", "role"):
                old = getattr(self, name)
                new = np.full(cap, -1, dtype=np.int64)
                new[: self.size] = old[: self.size]
                setattr(self, name, new)
        idx = np.arange(self.size, need, dtype=np.int64)
        self.account[idx] = account
        self.started_day[idx] = started_day
        self.left_day[idx] = -1
        self.role[idx] = role
        self.size = need
        return idx


@dataclass
class WorldState:
    """Mutable per-account state; arrays are indexed by account position."""

    week: int
    rng: np.random.Generator
    started: BoolArr  # created on or before the current week's first day
    alive: BoolArr  # started and not churned
    is_customer: BoolArr  # customers, and prospects once converted
    leave_day: IntArr  # the day the account decided to leave; -1 if none
    churn_day: IntArr  # the day it is gone (some weeks after deciding); -1 if none
    convert_day: IntArr  # prospect won as a customer; -1 if none
    distress_day: IntArr
    share_loss_day: IntArr
    health: FloatArr
    baseline: FloatArr
    share: FloatArr  # our share of the account's wallet (1 = all)
    lift: FloatArr  # order-rate lift left from our recent attention (0 = none)
    orders_done: IntArr
    slots: IntArr  # [n, CONTACT_SLOTS] contact indices, -1 empty, filled slots first
    month_amount: FloatArr  # [n, 2] amounts to invoice, by month parity
    contacts: ContactBook
    #: week -> list of (kind, account indices, values, days) scheduled for that week
    pending: dict[int, list[tuple[str, IntArr, FloatArr, IntArr]]] = field(default_factory=dict)

    def schedule(self, week: int, kind: str, account: IntArr, value: FloatArr, day: IntArr) -> None:
        """Remember something that happens in a later (or this) week."""
        if len(account):
            self.pending.setdefault(week, []).append((kind, account, value, day))


def initial_state(cfg: SimConfig, pop: Population, rng: np.random.Generator) -> WorldState:
    """The state before the first week: initial contacts, health, nothing happened yet."""
    n = pop.n
    start = day_number(cfg.start)
    total = int(pop.n_contacts0.sum())
    book = ContactBook(
        account=np.full(total, -1, dtype=np.int64),
        started_day=np.full(total, -1, dtype=np.int64),
        left_day=np.full(total, -1, dtype=np.int64),
        role=np.full(total, -1, dtype=np.int64),
        size=0,
    )
    owner_acc = np.repeat(np.arange(n, dtype=np.int64), pop.n_contacts0)
    created = pop.created_day[owner_acc]
    span = np.maximum(start - created, 0)
    started = created + np.floor(rng.random(total) * span).astype(np.int64)
    role = rng.integers(0, 10, total).astype(np.int64)
    idx = book.add(owner_acc, started, role)
    slots = np.full((n, CONTACT_SLOTS), -1, dtype=np.int64)
    first = np.concatenate([[0], np.cumsum(pop.n_contacts0)[:-1]])
    rank = idx - first[owner_acc]
    slots[owner_acc, rank] = idx
    return WorldState(
        week=0,
        rng=rng,
        started=np.zeros(n, dtype=np.bool_),
        alive=np.zeros(n, dtype=np.bool_),
        is_customer=pop.kind == CUSTOMER,
        leave_day=np.full(n, -1, dtype=np.int64),
        churn_day=np.full(n, -1, dtype=np.int64),
        convert_day=np.full(n, -1, dtype=np.int64),
        distress_day=np.full(n, -1, dtype=np.int64),
        share_loss_day=np.full(n, -1, dtype=np.int64),
        health=pop.health0.copy(),
        baseline=pop.baseline0.copy(),
        share=np.ones(n, dtype=np.float64),
        lift=np.zeros(n, dtype=np.float64),
        orders_done=np.zeros(n, dtype=np.int64),
        slots=slots,
        month_amount=np.zeros((n, 2), dtype=np.float64),
        contacts=book,
    )
