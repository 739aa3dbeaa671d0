"""Identical rows are fitted once with a weight, whatever the values look like."""

from __future__ import annotations

import numpy as np
import pytest

from goodwill.models import BetaGeo, base
from goodwill.models._arrays import compress, dense_codes, group_codes


def _naive_groups(columns: list[np.ndarray]) -> set[tuple[float, ...]]:
    return set(zip(*columns, strict=True))


@pytest.mark.parametrize(
    "columns",
    [
        [np.array([1.0, 1.0, 2.0, 1.0]), np.array([3.0, 3.0, 3.0, 4.0])],  # small whole numbers
        [np.array([0.5, 0.5, 2.25]), np.array([1e9, 1e9, -3.0])],  # fractions, wide range
        [np.array([1e15, 0.0, 1e15]), np.array([2e15, 1.0, 2e15]), np.array([7.0, 7.0, 7.0])],
    ],
)
def test_group_codes_find_identical_rows(columns: list[np.ndarray]) -> None:
    inverse, first = group_codes(columns)
    assert len(first) == len(_naive_groups(columns))
    for i in range(len(columns[0])):
        g = inverse[i]
        assert all(col[first[g]] == col[i] for col in columns)


def test_dense_codes_round_trip() -> None:
    for values in (
        np.array([3.0, 7.0, 3.0, 5.0]),
        np.array([0.1, 0.2, 0.1]),
        np.array([1e12, 0.0]),
    ):
        uniques, codes = dense_codes(values)
        np.testing.assert_array_equal(uniques[codes], values)


def test_compress_sums_weights_and_drops_zero_weight_rows() -> None:
    cols = {"a": np.array([1.0, 1.0, 2.0, 3.0]), "b": np.array([5.0, 5.0, 5.0, 5.0])}
    data = compress(cols, np.array([1.0, 2.5, 0.0, 1.0]))
    rows = {
        (a, b): w
        for a, b, w in zip(data.columns["a"], data.columns["b"], data.weights, strict=True)
    }
    assert rows == {(1.0, 5.0): 3.5, (3.0, 5.0): 1.0}
    assert data.n_customers == 4.5


def test_threaded_fit_equals_the_single_threaded_fit(monkeypatch: pytest.MonkeyPatch) -> None:
    # enough distinct rows to take the threaded path (shards summed across threads)
    rng = np.random.default_rng(11)
    model = BetaGeo.from_params(r=0.5, alpha=10.0, a=0.7, b=3.0)
    x, t_x, big_t = model.sample(rng.uniform(30, 80, size=250_000), rng)
    threaded = BetaGeo().fit(x, t_x, big_t)
    assert threaded.n_rows_fitted_ >= base._SHARD_ROWS
    monkeypatch.setattr(base, "_SHARD_ROWS", 10**12)
    single = BetaGeo().fit(x, t_x, big_t)
    for name in threaded.param_names:
        assert threaded.params_[name] == pytest.approx(single.params_[name], rel=1e-8)
    assert threaded.log_likelihood_ == pytest.approx(single.log_likelihood_, rel=1e-12)
