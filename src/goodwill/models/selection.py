"""Model choice: fit each purchase model on a calibration period, keep the one whose
holdout forecast is closest to what happened.

The error is per account: ``|E[X(t) | x, t_x, T] − actual holdout purchases|``, averaged
(MAE, the criterion) and as a root mean square (RMSE); the totals are compared too, and
every candidate's fit statistics are kept, so a reader sees why the winner won.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal, get_args

import numpy as np

from goodwill.errors import ConvergenceError
from goodwill.models._arrays import ArrayLike, FloatArray, as_vector
from goodwill.models._errors import ModelInputError
from goodwill.models._purchase import PurchaseModel, check_frequency_recency_T
from goodwill.models.bgnbd import BetaGeo
from goodwill.models.mbgnbd import ModifiedBetaGeo
from goodwill.models.paretonbd import ParetoNBD

__all__ = ["PURCHASE_MODELS", "Candidate", "ModelName", "Selection", "select"]

#: the purchase-rhythm models on (frequency, recency, T), by their short names
ModelName = Literal["bgnbd", "pnbd", "mbgnbd"]
PURCHASE_MODELS: dict[ModelName, type[PurchaseModel[Any]]] = {
    "bgnbd": BetaGeo,
    "pnbd": ParetoNBD,
    "mbgnbd": ModifiedBetaGeo,
}
MODEL_NAMES: tuple[ModelName, ...] = get_args(ModelName)


@dataclass(frozen=True)
class Candidate:
    """One model's fit on the calibration period and its holdout error."""

    name: str
    model: str
    params: dict[str, float] = field(default_factory=dict)
    log_likelihood: float = math.nan
    aic: float = math.nan
    bic: float = math.nan
    mae: float = math.nan
    rmse: float = math.nan
    predicted_total: float = math.nan
    actual_total: float = math.nan
    error: str | None = None  # why the fit failed, when it did

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(frozen=True)
class Selection:
    """Every candidate's figures and the one chosen (lowest holdout MAE)."""

    best: str
    candidates: tuple[Candidate, ...]
    holdout_length: float
    n_customers: int
    fitted: dict[str, PurchaseModel[Any]] = field(repr=False, compare=False)

    @property
    def model(self) -> PurchaseModel[Any]:
        """The chosen model, fitted on the calibration period."""
        return self.fitted[self.best]

    def to_dict(self) -> dict[str, object]:
        """Plain data (JSON-serialisable)."""
        return {
            "best": self.best,
            "holdout_length": self.holdout_length,
            "n_customers": self.n_customers,
            "candidates": [asdict(c) for c in self.candidates],
        }

    def _rows(self) -> list[tuple[str, ...]]:
        rows: list[tuple[str, ...]] = []
        for c in self.candidates:
            mark = "*" if c.name == self.best else ""
            if not c.ok:
                rows.append((c.name + mark, c.model, "-", "-", "-", "-", "-", c.error or ""))
                continue
            rows.append(
                (
                    c.name + mark,
                    c.model,
                    f"{c.log_likelihood:.2f}",
                    f"{c.bic:.2f}",
                    f"{c.mae:.4f}",
                    f"{c.rmse:.4f}",
                    f"{c.predicted_total:.1f}",
                    f"{c.actual_total:.0f}",
                )
            )
        return rows

    _HEAD = ("name", "model", "LL", "BIC", "MAE", "RMSE", "predicted", "actual")

    def to_text(self) -> str:
        """A fixed-width table; the chosen model is marked with ``*``."""
        rows = [self._HEAD, *self._rows()]
        widths = [max(len(r[i]) for r in rows) for i in range(len(self._HEAD))]
        lines = [
            "  ".join(
                v.ljust(w) if i < 2 else v.rjust(w)
                for i, (v, w) in enumerate(zip(r, widths, strict=True))
            )
            for r in rows
        ]
        lines.append(
            f"* lowest mean absolute error per account over a holdout of {self.holdout_length:g} "
            f"time units ({self.n_customers:,} customers)"
        )
        return "\n".join(lines)

    def to_html(self) -> str:
        """An HTML table fragment."""
        esc = html.escape
        head = "".join(f"<th>{esc(h)}</th>" for h in self._HEAD)
        body = "".join(
            "<tr>" + "".join(f"<td>{esc(v)}</td>" for v in row) + "</tr>" for row in self._rows()
        )
        return (
            f'<table class="goodwill-selection"><thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table>"
        )

    def __str__(self) -> str:
        return self.to_text()


def holdout_errors(predicted: FloatArray, actual: FloatArray) -> tuple[float, float]:
    """Per-account mean absolute error and root mean squared error."""
    diff = predicted - actual
    return float(np.mean(np.abs(diff))), float(math.sqrt(float(np.mean(diff**2))))


def select(
    frequency: ArrayLike,
    recency: ArrayLike,
    T: ArrayLike,
    holdout_frequency: ArrayLike,
    holdout_length: float,
    *,
    candidates: Sequence[ModelName] = MODEL_NAMES,
    penalizer: float = 0.0,
) -> Selection:
    """Fit each candidate on the calibration summary and choose by holdout error.

    Parameters
    ----------
    frequency, recency, T:
        The calibration summary per account (``frequency_cal``, ``recency_cal``,
        ``T_cal`` of :func:`~goodwill.features.rfm_summary` with ``calibration_end``).
    holdout_frequency:
        Each account's repeat purchases in the holdout (``frequency_holdout``).
    holdout_length:
        The holdout's length in the summary's time unit (``duration_holdout``).
    candidates:
        Short names of the models to try: ``"bgnbd"``, ``"pnbd"``, ``"mbgnbd"``.

    A candidate whose fit does not converge is reported with the reason and skipped; if
    none converges, the last :class:`ConvergenceError` is raised.
    """
    x, t_x, big_t = check_frequency_recency_T(frequency, recency, T)
    actual = as_vector(holdout_frequency, "holdout_frequency")
    if len(actual) != len(x):
        raise ModelInputError(f"holdout_frequency has {len(actual)} values for {len(x)} accounts.")
    if not (math.isfinite(holdout_length) and holdout_length > 0):
        raise ModelInputError(f"holdout_length must be > 0; got {holdout_length!r}.")
    unknown = [c for c in candidates if c not in PURCHASE_MODELS]
    if unknown or not candidates:
        raise ModelInputError(
            f"candidates must be among {list(MODEL_NAMES)}; got {list(candidates)}."
        )
    rows: list[Candidate] = []
    fitted: dict[str, PurchaseModel[Any]] = {}
    last_error: ConvergenceError | None = None
    for name in candidates:
        cls = PURCHASE_MODELS[name]
        try:
            model = cls(penalizer=penalizer).fit(x, t_x, big_t)
        except ConvergenceError as err:
            last_error = err
            rows.append(Candidate(name=name, model=cls.__name__, error=str(err)))
            continue
        predicted = model.expected_purchases(holdout_length, x, t_x, big_t)
        mae, rmse = holdout_errors(predicted, actual)
        fitted[name] = model
        rows.append(
            Candidate(
                name=name,
                model=cls.__name__,
                params=dict(model.params_),
                log_likelihood=model.log_likelihood_,
                aic=model.aic_,
                bic=model.bic_,
                mae=mae,
                rmse=rmse,
                predicted_total=float(predicted.sum()),
                actual_total=float(actual.sum()),
            )
        )
    if not fitted and last_error is not None:
        raise last_error
    best = min((c for c in rows if c.ok), key=lambda c: c.mae).name
    return Selection(
        best=best,
        candidates=tuple(rows),
        holdout_length=float(holdout_length),
        n_customers=len(x),
        fitted=fitted,
    )
