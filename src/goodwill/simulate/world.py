"""A world you can step: configuration, population, explicit state and the event log."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Mapping

import numpy as np
from numpy.typing import NDArray

from goodwill.simulate.config import SimConfig
from goodwill.simulate.errors import UnknownActionError
from goodwill.simulate.log import EventLog
from goodwill.simulate.moments import ACTIONS
from goodwill.simulate.population import EPOCH, Population, day_number, make_population
from goodwill.simulate.state import WorldState, initial_state
from goodwill.simulate.step import advance

Action = str
ActionCodes = NDArray[np.int64]


class World:
    """A simulated supplier and its accounts, advanced one week at a time.

    ``World(config)`` is the world before its first week. Call :meth:`step` once per
    week with our actions (``{account_id: "visit" | "call" | "email" |
    "event_invitation"}``); :func:`goodwill.simulate.simulate` does exactly that with
    the managers' habit until the configured end. A world may be stepped past its end
    to continue it under another policy; :meth:`branch` makes a copy to continue with
    common random numbers, so that copies continued under different policies can be
    compared fairly.
    """

    def __init__(self, config: SimConfig) -> None:
        seq = np.random.SeedSequence(config.seed)
        pop_seed, step_seed = seq.spawn(2)
        self.config = config
        self.population: Population = make_population(config, np.random.default_rng(pop_seed))
        self.state: WorldState = initial_state(
            config, self.population, np.random.default_rng(step_seed)
        )
        self.log = EventLog()
        self._index = {a: i for i, a in enumerate(self.population.account_id)}
        #: common random numbers: each part of a week draws from its own stream, seeded
        #: by the seed and the week (set on branches; see goodwill.simulate.streams)
        self.crn = False

    def branch(self) -> World:
        """A copy of this world, to be continued with common random numbers.

        From here on each week of the copy draws from streams seeded by the world's seed,
        the week and the part of the week (``goodwill.simulate.streams``), not from the
        generator the world was built with. Branches of one world continued under the same
        actions stay identical; under different actions they see the same draws wherever
        the inputs of a draw are the same (every account's fate, contact turnover and
        health noise; the order lines of an account whose order rate our actions did not
        change). The population and configuration are shared (never changed); the state is
        copied; the event log's chunks are shared (they are never changed, only appended).
        """
        twin = copy.copy(self)
        twin.state = copy.deepcopy(self.state)
        twin.log = EventLog(
            chunks={name: list(parts) for name, parts in self.log.chunks.items()},
            counters=dict(self.log.counters),
        )
        twin.crn = True
        return twin

    # ---------------------------------------------------------------- time
    @property
    def week(self) -> int:
        """Number of weeks simulated so far."""
        return self.state.week

    @property
    def weeks(self) -> int:
        """Number of weeks from the start up to and including the configured end."""
        return self.config.weeks

    @property
    def finished(self) -> bool:
        """True once the configured end has been simulated."""
        return self.state.week >= self.config.weeks

    @property
    def week_start(self) -> dt.date:
        """First day (a Monday) of the next week to simulate."""
        return self.config.start + dt.timedelta(days=7 * self.state.week)

    @property
    def as_of(self) -> dt.date:
        """The last day whose facts are complete: the configured end once reached."""
        if self.state.week == self.config.weeks:
            return self.config.end
        return self.week_start - dt.timedelta(days=1)

    # ---------------------------------------------------------------- accounts
    def account_ids(self) -> list[str]:
        """Ids of the accounts that exist at the start of the next week."""
        day = day_number(self.week_start)
        created = self.population.created_day <= day
        return [a for a, ok in zip(self.population.account_id, created.tolist(), strict=True) if ok]

    def action_codes(self, actions: Mapping[str, Action]) -> ActionCodes:
        """Translate ``{account_id: action}`` into one code per account (0 = nothing)."""
        codes = np.zeros(self.population.n, dtype=np.int64)
        next_day = day_number(self.week_start)
        for account_id, action in actions.items():
            i = self._index.get(account_id)
            if i is None:
                raise UnknownActionError(f"Unknown account {account_id!r} in the actions.")
            if action not in ACTIONS:
                raise UnknownActionError(
                    f"Unknown action {action!r} for account {account_id}; "
                    f"choose one of: {', '.join(ACTIONS)}."
                )
            if self.population.created_day[i] > next_day:
                created = EPOCH + dt.timedelta(days=int(self.population.created_day[i]))
                raise UnknownActionError(
                    f"Account {account_id} does not exist yet (created on {created})."
                )
            codes[i] = ACTIONS.index(action) + 1
        return codes

    def step(self, actions: Mapping[str, Action] | None = None) -> None:
        """Advance one week; ``actions`` are ours for this week (none by default)."""
        codes = self.action_codes(actions or {})
        advance(self.config, self.population, self.state, self.log, codes, crn=self.crn)
