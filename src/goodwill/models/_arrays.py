"""Array checks and the compression of identical rows shared by every model."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from goodwill.models._errors import ModelInputError

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
ArrayLike = npt.ArrayLike


def wdot(a: FloatArray, b: FloatArray) -> float:
    """``Σ a·b`` without BLAS (whose thread start-up dominates at these sizes)."""
    return float(np.einsum("i,i->", a, b))


def softplus_sigmoid(d: FloatArray) -> tuple[FloatArray, FloatArray]:
    """``log(1 + e^d)`` and ``1 / (1 + e^−d)``, stable for any ``d``, sharing one ``exp``."""
    e = np.exp(-np.abs(d))
    softplus = np.maximum(d, 0.0) + np.log1p(e)
    sigmoid = np.where(d >= 0, 1.0, e) / (1.0 + e)
    return softplus, sigmoid


def as_vector(values: ArrayLike, name: str) -> FloatArray:
    """``values`` as a 1-D float64 array of finite numbers, or a :class:`ModelInputError`."""
    arr = np.asarray(values, dtype=np.float64)
    if arr.ndim == 0:
        arr = arr.reshape(1)
    if arr.ndim != 1:
        raise ModelInputError(f"{name} must be one-dimensional; got an array of shape {arr.shape}.")
    if not np.all(np.isfinite(arr)):
        bad = int(np.count_nonzero(~np.isfinite(arr)))
        raise ModelInputError(
            f"{name} has {bad} missing or infinite value(s); drop or fill those rows first."
        )
    return arr


def same_length(columns: Mapping[str, FloatArray]) -> int:
    """The common length of ``columns``, or a :class:`ModelInputError` naming the lengths."""
    lengths = {name: len(col) for name, col in columns.items()}
    if len(set(lengths.values())) > 1:
        raise ModelInputError(f"inputs must have the same length; got {lengths}.")
    n = next(iter(lengths.values()))
    if n == 0:
        raise ModelInputError("no rows were given; a model needs at least one customer.")
    return n


def check_weights(weights: ArrayLike | None, n: int) -> FloatArray:
    """Non-negative finite weights of length ``n`` (ones when ``None``)."""
    if weights is None:
        return np.ones(n)
    w = as_vector(weights, "weights")
    if len(w) != n:
        raise ModelInputError(f"weights has {len(w)} values for {n} rows.")
    if np.any(w < 0) or not np.any(w > 0):
        raise ModelInputError("weights must be non-negative with at least one positive value.")
    return w


def dense_codes(values: FloatArray) -> tuple[FloatArray, IntArray]:
    """``(uniques, codes)`` with ``uniques[codes] == values``.

    Whole numbers in a modest range (days, counts) are coded by offset, without hashing;
    ``uniques`` may then hold values that no row has, which lookup tables tolerate.
    Anything else is factorised.
    """
    if len(values):
        lo, hi = float(values.min()), float(values.max())
        span = hi - lo
        if span <= max(4 * len(values), 1024) and np.array_equal(values, np.floor(values)):
            return lo + np.arange(int(span) + 1, dtype=np.float64), (values - lo).astype(np.intp)
    codes, uniques = pd.factorize(values)
    return np.asarray(uniques, dtype=np.float64), codes.astype(np.intp)


def group_codes(columns: list[FloatArray]) -> tuple[IntArray, IntArray]:
    """Codes of identical rows across ``columns`` and each group's first row.

    Returns ``(inverse, first)``: row ``i`` belongs to group ``inverse[i]``, and
    ``first[g]`` is the index of a row of group ``g``.
    """
    n = len(columns[0])
    uniques, codes = dense_codes(columns[0])
    combined = codes.astype(np.int64)
    groups = len(uniques)
    for col in columns[1:]:
        uniques, codes = dense_codes(col)
        radix = max(len(uniques), 1)
        if groups * radix >= np.iinfo(np.int64).max:
            # too many combinations for one 64-bit key: renumber first
            combined = pd.factorize(combined)[0].astype(np.int64)
            groups = int(combined.max(initial=-1)) + 1
        combined = combined * np.int64(radix) + codes
        groups *= radix
    if groups <= max(4 * n, 1024):
        # small key space: presence by counting, no hashing
        present = np.flatnonzero(np.bincount(combined, minlength=groups))
        remap = np.empty(groups, dtype=np.int64)
        remap[present] = np.arange(len(present))
        inverse = remap[combined]
    else:
        inverse = pd.factorize(combined)[0].astype(np.int64)
    n_groups = int(inverse.max()) + 1 if n else 0
    first = np.empty(n_groups, dtype=np.int64)
    first[inverse[::-1]] = np.arange(n - 1, -1, -1, dtype=np.int64)
    return inverse, first


@dataclass(frozen=True)
class FitData:
    """Distinct rows of a model's inputs with the summed weight of the rows they stand for."""

    columns: dict[str, FloatArray]
    weights: FloatArray
    n_input_rows: int

    @property
    def n_rows(self) -> int:
        return len(self.weights)

    @property
    def n_customers(self) -> float:
        return float(self.weights.sum())

    def slice(self, lo: int, hi: int) -> FitData:
        return FitData(
            {k: v[lo:hi] for k, v in self.columns.items()}, self.weights[lo:hi], self.n_input_rows
        )

    def subset(self, index: IntArray) -> FitData:
        return FitData(
            {k: v[index] for k, v in self.columns.items()}, self.weights[index], self.n_input_rows
        )


def compress(columns: dict[str, FloatArray], weights: FloatArray) -> FitData:
    """Merge identical rows of ``columns`` into one row each, summing their weights.

    Rows with zero weight are dropped first.
    """
    keep = weights > 0
    if not np.all(keep):
        columns = {k: v[keep] for k, v in columns.items()}
        weights = weights[keep]
    inverse, first = group_codes(list(columns.values()))
    summed = np.bincount(inverse, weights=weights, minlength=len(first)).astype(np.float64)
    return FitData({k: v[first] for k, v in columns.items()}, summed, int(keep.sum()))
