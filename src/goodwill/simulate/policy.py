"""The account managers' habit: the default policy of a world.

A simple, size-driven routine that ignores health and responsiveness (that is what a
planner should beat): key accounts (top 10 % by expected value) get a visit every 6
weeks and a call in between, the next 30 % a visit every 13 weeks and a call in between,
small customers a call every 26 weeks and an e-mail in between; prospects a call every 8
weeks and a visit every 24. In the customer-day weeks (ISO weeks 11 and 41) key and
middle accounts are invited. Nobody is visited or called in the summer holidays (ISO
weeks 30-33) or between Christmas and New Year.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from goodwill.simulate.context import iso_week
from goodwill.simulate.moments import ACTIONS
from goodwill.simulate.population import PROSPECT, SUPPLIER, day_number

if TYPE_CHECKING:
    from goodwill.simulate.world import World

EVENT_WEEKS = (11, 41)
QUIET_WEEKS = (30, 31, 32, 33, 52, 53, 1)
VISIT, CALL, EMAIL, INVITE = (ACTIONS.index(a) + 1 for a in ACTIONS)


def habit_codes(world: World) -> np.ndarray:
    """The habit's action code per account for the world's next week (0 = nothing)."""
    pop, st = world.population, world.state
    day0 = day_number(world.week_start)
    week = iso_week(day0 + 3)
    w = st.week + pop.phase
    tier = pop.tier
    prospect = (pop.kind == PROSPECT) & ~st.is_customer
    codes = np.zeros(pop.n, dtype=np.int64)
    if week in QUIET_WEEKS:
        return codes
    visit = np.where(tier == 0, w % 6 == 0, np.where(tier == 1, w % 13 == 0, False))
    call = np.where(tier == 0, w % 6 == 3, np.where(tier == 1, w % 13 == 6, w % 26 == 0))
    email = (tier == 2) & (w % 26 == 13)
    p_visit = w % 24 == 12
    p_call = w % 8 == 0
    visit = np.where(prospect, p_visit, visit)
    call = np.where(prospect, p_call & ~p_visit, call)
    email = email & ~prospect
    codes[email] = EMAIL
    codes[call] = CALL
    if week in EVENT_WEEKS:
        codes[(tier <= 1) & ~prospect] = INVITE
    codes[visit] = VISIT
    # managers do not know when a customer has left: they keep to the routine until
    # they notice, 8 to 26 weeks later
    notice_day = st.churn_day + 7 * (8 + pop.phase % 19)
    unnoticed = (st.churn_day >= 0) & (day0 < notice_day)
    codes[~(st.alive | unnoticed) | (pop.kind == SUPPLIER)] = 0
    return codes


def habit_policy(world: World) -> dict[str, str]:
    """The habit as the actions mapping accepted by :meth:`World.step`."""
    codes = habit_codes(world)
    ids = world.population.account_id
    return {ids[i]: ACTIONS[int(codes[i]) - 1] for i in np.flatnonzero(codes).tolist()}
