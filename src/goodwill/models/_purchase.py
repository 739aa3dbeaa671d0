"""What every purchase-rhythm model on (frequency, recency, T) shares.

BG/NBD, Pareto/NBD and MBG/NBD all predict future purchases as

    E[X(t) | x, t_x, T] = P(alive | x, t_x, T) · h(t; x, T)

where ``h`` — the purchases expected in ``(T, T + t]`` from a customer who is still
active — depends on the history only through ``(x, T)``. A model declares
:meth:`p_alive` and ``_purchases_if_alive`` (on distinct ``(x, T)`` pairs); this base
derives :meth:`expected_purchases` and :meth:`expected_discounted_purchases` from them,
computing the expensive part (hypergeometric functions) once per distinct pair.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Mapping
from typing import ClassVar, Self, TypeVar

import numpy as np

from goodwill.models._arrays import (
    ArrayLike,
    FloatArray,
    as_vector,
    check_weights,
    group_codes,
    same_length,
)
from goodwill.models._errors import ModelInputError
from goodwill.models.base import ParametricModel

PreparedT = TypeVar("PreparedT")


def check_frequency_recency_T(
    frequency: ArrayLike, recency: ArrayLike, T: ArrayLike
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Validated ``(frequency, recency, T)`` arrays (scalars broadcast to the longest)."""
    x = as_vector(frequency, "frequency")
    t_x = as_vector(recency, "recency")
    big_t = as_vector(T, "T")
    n = max(len(x), len(t_x), len(big_t))
    x, t_x, big_t = (np.broadcast_to(a, (n,)) if len(a) == 1 else a for a in (x, t_x, big_t))
    same_length({"frequency": x, "recency": t_x, "T": big_t})
    if np.any(x < 0) or np.any(x != np.floor(x)):
        raise ModelInputError(
            "frequency must be a whole number of repeat purchases (>= 0); "
            f"found {x[(x < 0) | (x != np.floor(x))][:3].tolist()}."
        )
    if np.any(t_x < 0):
        raise ModelInputError(f"recency must be >= 0; found {t_x[t_x < 0][:3].tolist()}.")
    if np.any(t_x > big_t):
        i = int(np.argmax(t_x > big_t))
        raise ModelInputError(
            f"recency must not exceed T (row {i}: recency={t_x[i]}, T={big_t[i]}); "
            "are both in the same time unit and measured from the first purchase?"
        )
    if np.any((x == 0) & (t_x != 0)):
        i = int(np.argmax((x == 0) & (t_x != 0)))
        raise ModelInputError(
            f"a customer without repeat purchases must have recency 0 (row {i}: "
            f"recency={t_x[i]}); recency is measured from the first purchase to the last."
        )
    return x, t_x, big_t


class PurchaseModel(ParametricModel[PreparedT]):
    """A purchase-rhythm model fitted on ``(frequency, recency, T)``, in the inputs' time unit."""

    data_names: ClassVar[tuple[str, ...]] = ("frequency", "recency", "T")

    def fit(
        self,
        frequency: ArrayLike,
        recency: ArrayLike,
        T: ArrayLike,
        weights: ArrayLike | None = None,
    ) -> Self:
        """Fit by maximum likelihood; identical rows are fitted once with their summed weight.

        ``frequency`` is the number of repeat purchases, ``recency`` the time from the first
        to the last purchase, ``T`` the time from the first purchase to the end of the
        observation; ``weights`` the number of customers each row stands for (default 1).
        The model works in the time unit of ``recency`` and ``T``.
        """
        columns = self._validated({"frequency": frequency, "recency": recency, "T": T})
        return self._fit_columns(columns, check_weights(weights, len(columns["T"])))

    def _validated(self, columns: Mapping[str, ArrayLike]) -> dict[str, FloatArray]:
        x, t_x, big_t = check_frequency_recency_T(
            columns["frequency"], columns["recency"], columns["T"]
        )
        return {
            "frequency": np.ascontiguousarray(x),
            "recency": np.ascontiguousarray(t_x),
            "T": np.ascontiguousarray(big_t),
        }

    @abstractmethod
    def p_alive(self, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike) -> FloatArray:
        """Probability that each customer is still active at the end of the observation."""

    @abstractmethod
    def _purchases_if_alive(
        self, times: FloatArray, frequency: FloatArray, T: FloatArray
    ) -> FloatArray:
        """Expected purchases in ``(T, T + t]`` of an active customer, shape (len(times), n)."""

    def expected_purchases(
        self, t: float, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike
    ) -> FloatArray:
        """Expected purchases in the next ``t`` time units given each customer's history."""
        return self.expected_discounted_purchases([t], [1.0], frequency, recency, T)

    def expected_discounted_purchases(
        self,
        times: ArrayLike,
        discount_factors: ArrayLike,
        frequency: ArrayLike,
        recency: ArrayLike,
        T: ArrayLike,
    ) -> FloatArray:
        """``Σ_k d_k · (E[X(t_k)] − E[X(t_{k−1})])`` per customer, with ``t_0 = 0``.

        ``times`` are increasing step ends in the model's time unit and
        ``discount_factors`` the factor applied to the purchases of each step; with one time
        and factor 1 this is :meth:`expected_purchases`.
        """
        steps = as_vector(times, "times")
        factors = as_vector(discount_factors, "discount_factors")
        if len(steps) != len(factors) or np.any(np.diff(steps) < 0) or np.any(steps < 0):
            raise ModelInputError(
                "times must be non-negative and increasing, one discount factor per time."
            )
        self._theta()
        x, t_x, big_t = check_frequency_recency_T(frequency, recency, T)
        inverse, first = group_codes([x, big_t])
        cumulative = self._purchases_if_alive(steps, x[first], big_t[first])
        increments = np.diff(cumulative, axis=0, prepend=0.0)
        per_pair = np.einsum("k,kn->n", factors, increments)
        return np.asarray(self.p_alive(x, t_x, big_t) * per_pair[inverse], dtype=np.float64)

    def expected_purchases_new(self, t: ArrayLike) -> FloatArray:
        """Expected purchases in ``(0, t]`` of a customer just acquired at time 0."""
        times = as_vector(t, "t")
        if np.any(times < 0):
            raise ModelInputError("t must be >= 0.")
        self._theta()
        order = np.argsort(times)
        out = np.empty_like(times)
        out[order] = self._purchases_if_alive(times[order], np.zeros(1), np.zeros(1))[:, 0]
        return out
