"""Parameters are recovered from data simulated by the models' own samplers.

Over 200 replications, the 95 % confidence intervals must contain the true value between
90 % and 99 % of the time, for every parameter (binomial noise at 200 draws is ±1.5 %).
"""

from __future__ import annotations

import numpy as np

from goodwill.models import BetaGeo, GammaGamma

REPLICATIONS = 200
N_CUSTOMERS = 4000
BG_TRUE = {"r": 0.25, "alpha": 4.0, "a": 0.8, "b": 2.5}  # near the CDNOW estimates, weeks
GG_TRUE = {"p": 6.0, "q": 4.0, "v": 15.0}


def test_confidence_intervals_cover_the_truth_90_to_99_percent() -> None:
    rng = np.random.default_rng(20050401)
    bg_truth = BetaGeo.from_params(**BG_TRUE)
    gg_truth = GammaGamma.from_params(**GG_TRUE)
    hits = {k: 0 for k in [*BG_TRUE, *GG_TRUE]}
    compressed = []
    for _ in range(REPLICATIONS):
        big_t = rng.integers(27, 40, size=N_CUSTOMERS).astype(float)  # 13 weekly cohorts
        x, t_x, big_t = bg_truth.sample(big_t, rng)
        bg = BetaGeo().fit(x, t_x, big_t)
        compressed.append(bg.n_rows_fitted_ / N_CUSTOMERS)
        for name, (lower, upper) in bg.confidence_intervals_.items():
            hits[name] += lower <= BG_TRUE[name] <= upper
        spend = gg_truth.sample(x, rng)
        gg = GammaGamma().fit(x, spend)
        for name, (lower, upper) in gg.confidence_intervals_.items():
            hits[name] += lower <= GG_TRUE[name] <= upper
    coverage = {k: v / REPLICATIONS for k, v in hits.items()}
    assert all(0.90 <= c <= 0.99 for c in coverage.values()), coverage
    assert np.mean(compressed) < 0.6  # the never-repeating customers share 13 rows
