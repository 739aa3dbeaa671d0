"""Choose the week's actions: at most one action per account, each account manager's
hours never exceeded, the total net value as large as possible — a 0/1 integer program
solved exactly by SciPy's ``milp`` (HiGHS), one account manager at a time (their
capacities do not interact).

Before the solver, candidates are pruned without losing optimality: a plan holds at most
``M = floor(capacity / shortest action)`` actions, so among the (action, hours) pairs of
equal hours only the ``M`` of highest net can be needed — if a chosen pair ranked lower,
one of those ``M`` belongs to an account the plan leaves free, and giving it the same
action instead takes the same hours for at least as much net.

Accounts marked ``first`` (a buyer's test) come before every other: the plan holds as
many of them as the hours allow, and only then the most net value. The solver sees
their pairs with a bonus larger than the net value any plan can hold (``M`` × the largest
net), so one more of them always outweighs any other choice; the objective reported is
the plain net value."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_array


@dataclass(frozen=True)
class Choice:
    """Per account (row of the input), the chosen action's column, or -1 for none; the
    objective reached and the solver's bound on the best possible (equal when optimal)."""

    action: np.ndarray
    objective: float
    bound: float


def choose(
    net: np.ndarray, hours: np.ndarray, capacity: float, first: np.ndarray | None = None
) -> Choice:
    """Maximise the sum of ``net[i, a]`` over chosen (account, action) pairs with at
    most one action per account and the chosen hours at most ``capacity``. Pairs of
    net value ≤ 0 are never chosen. With ``first`` (a bool per account), as many of
    those accounts as the hours allow are chosen before any net value counts."""
    n = net.shape[0]
    action = np.full(n, -1, dtype=np.int64)
    rows, cols = np.nonzero((net > 0) & (hours <= capacity + 1e-9))
    if rows.size == 0 or capacity <= 0:
        return Choice(action, 0.0, 0.0)
    score = net
    bonus = 0.0
    first = np.zeros(n, dtype=bool) if first is None else np.asarray(first, dtype=bool)
    if bool(first[rows].any()):
        bonus = 1.0 + _most(hours[rows, cols], capacity) * float(net[rows, cols].max())
        score = net + np.where(first, bonus, 0.0)[:, None]
    rows, cols = _prune(rows, cols, score, hours, capacity)
    c = -score[rows, cols]
    m = rows.size
    accounts, row_of = np.unique(rows, return_inverse=True)
    one_each = csr_array((np.ones(m), (row_of, np.arange(m))), shape=(accounts.size, m))
    time = csr_array((hours[rows, cols], (np.zeros(m, dtype=np.int64), np.arange(m))),
                     shape=(1, m))  # fmt: skip
    with _c_stdout_silenced():
        result = milp(
            c,
            integrality=np.ones(m),
            bounds=Bounds(0, 1),
            constraints=[
                LinearConstraint(one_each, -np.inf, 1.0),
                LinearConstraint(time, -np.inf, capacity),
            ],
            # (no presolve: the pruned programs are small)
            options={"mip_rel_gap": 0.0, "presolve": False},
        )
    if result.x is None:  # pragma: no cover - HiGHS always finds the empty plan
        return Choice(action, 0.0, 0.0)
    chosen = result.x > 0.5
    action[rows[chosen]] = cols[chosen]
    objective = float(net[rows[chosen], cols[chosen]].sum())
    bound = float(-result.mip_dual_bound) if result.mip_dual_bound is not None else objective
    if bonus:  # the bound of the plain net value, given the accounts that come first
        bound -= bonus * float(np.count_nonzero(first[rows[chosen]]))
    return Choice(action, objective, max(bound, objective))


def _prune(
    rows: np.ndarray, cols: np.ndarray, net: np.ndarray, hours: np.ndarray, capacity: float
) -> tuple[np.ndarray, np.ndarray]:
    """Keep, per group of pairs with the same action and hours, the ``M`` of highest net
    (see the module text)."""
    h = np.round(hours[rows, cols], 9)
    most = _most(h, capacity)
    keep = np.zeros(rows.size, dtype=bool)
    key = cols.astype(np.float64) * 1e6 + h  # (action, hours) groups
    order = np.lexsort((-net[rows, cols], key))
    sorted_key = key[order]
    starts = np.flatnonzero(np.r_[True, sorted_key[1:] != sorted_key[:-1]])
    rank = np.arange(order.size) - np.repeat(starts, np.diff(np.r_[starts, order.size]))
    keep[order[rank < most]] = True
    return rows[keep], cols[keep]


def _most(hours: np.ndarray, capacity: float) -> int:
    """The most actions a plan of ``capacity`` hours can hold, the shortest of ``hours``
    each."""
    return int(np.floor(capacity / max(float(hours.min()), 1e-9) + 1e-9))


@contextmanager
def _c_stdout_silenced() -> Iterator[None]:
    """Send the C-level standard output to nowhere for a moment: HiGHS sometimes prints a
    line of its own from a MIP heuristic (``transformNewIntegerFeasibleSolution``), with
    no option to stop it, and a library must not print."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # no real stdout (captured): nothing to do
        yield
        return
    sys.stdout.flush()
    saved = os.dup(fd)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, fd)
        yield
    finally:
        os.dup2(saved, fd)
        os.close(saved)
        os.close(devnull)
