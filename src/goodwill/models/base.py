"""The shared fitting base: a model declares, the base derives.

A model subclass declares

- ``param_names``: its parameters, named as in the papers (every one is positive; the
  optimiser works on ``log θ`` so no bound is ever hit by a step);
- ``_prepare(data)``: precomputations on the compressed data (:class:`FitData`);
- ``_initial_points(data)``: several starting points on the natural scale;
- ``_log_likelihood(theta, prepared)``: the full, weighted log-likelihood and, where a
  closed form exists, its gradient with respect to the natural parameters;
- ``_advice``: what to try when a fit does not converge;
- and its closed-form predictions.

The base derives the rest once: compression of identical rows, multi-start optimisation
(L-BFGS-B with a Newton polish), the convergence check, Hessian-based standard errors and
95 % confidence intervals, AIC/BIC, :meth:`summary`, and :meth:`to_dict` /
:meth:`from_dict`. A fitted model keeps only its parameters and their uncertainty, never
the training data.
"""

from __future__ import annotations

import math
import os
import sys
from abc import ABC, abstractmethod
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from itertools import pairwise
from typing import Any, ClassVar, Generic, Self, TypeVar

import numpy as np
from scipy import optimize

from goodwill.errors import ConvergenceError
from goodwill.models._arrays import ArrayLike, FitData, FloatArray, check_weights, compress
from goodwill.models._errors import ModelInputError, NotFittedError
from goodwill.models._summary import ModelSummary, ParameterRow

__all__ = ["ParametricModel"]

PreparedT = TypeVar("PreparedT")

_FORMAT_VERSION = 1
_Z_95 = 1.959963984540054  # standard normal 97.5 % quantile
#: the largest x for which math.exp(x) is a float
_MAX_EXP = math.log(sys.float_info.max)
_LOG_BOUND = 25.0  # |log θ| beyond this is a parameter running off to 0 or infinity
_SEARCH_ROWS = 50_000  # multi-start search runs on at most this many distinct rows
_GRADIENT_TOLERANCE = 1e-5  # per customer, on the log scale
#: Hessian eigenvalues within this fraction of the largest are a flat direction (a
#: parameter the data hardly pin down, e.g. BG/NBD's dropout when nobody dropped out),
#: not a saddle: the finite-difference Hessian's own error is about this size, and which
#: sign it gives such a direction depends on the machine's floating point
_FLAT = 1e-6
_SHARD_ROWS = 100_000  # from this many distinct rows on, evaluate in threads
_MAX_THREADS = 8


def _interval(value: float, se_log: float) -> tuple[float, float]:
    """The 95 % interval of a positive parameter from the standard error of its log. A
    parameter the data hardly pins down (BG/NBD's dropout ``a`` when nobody has dropped
    out) can have a standard error of millions on the log scale: its upper bound is then
    infinite instead of an overflow that would stop the whole fit."""
    half = _Z_95 * se_log
    upper = math.inf if half >= _MAX_EXP else value * math.exp(half)
    return value * math.exp(-half), upper


def _covariance(hess: FloatArray) -> FloatArray:
    """The inverse of the (total) Hessian on the log scale, its flat directions (within
    :data:`_FLAT` of the largest eigenvalue, of either sign) given that least curvature:
    an open interval for a parameter the data hardly pin down, never a negative
    variance."""
    eig, vec = np.linalg.eigh(hess)
    floor = _FLAT * max(float(np.max(np.abs(eig))), 1e-300)
    return np.asarray((vec / np.maximum(eig, floor)) @ vec.T, dtype=np.float64)


class ParametricModel(ABC, Generic[PreparedT]):
    """Base of every goodwill model fitted by maximum likelihood.

    Parameters
    ----------
    penalizer:
        L2 penalty on the parameters, added to the mean negative log-likelihood per
        customer as ``penalizer * sum(θ²)`` (the convention of ``lifetimes``). 0 gives
        the plain maximum-likelihood estimate.
    """

    param_names: ClassVar[tuple[str, ...]]
    data_names: ClassVar[tuple[str, ...]]

    params_: dict[str, float]
    log_likelihood_: float
    standard_errors_: dict[str, float]
    confidence_intervals_: dict[str, tuple[float, float]]
    covariance_log_: FloatArray
    n_customers_: float
    n_rows_fitted_: int

    def __init__(self, *, penalizer: float = 0.0) -> None:
        self.penalizer = penalizer

    # ----------------------------------------------------------------- declared by models
    @abstractmethod
    def _prepare(self, data: FitData) -> PreparedT:
        """Precompute what the log-likelihood needs from the compressed rows."""

    @abstractmethod
    def _initial_points(self, data: FitData) -> list[FloatArray]:
        """Starting points on the natural scale, in the order of ``param_names``."""

    @abstractmethod
    def _log_likelihood(
        self, theta: FloatArray, prepared: PreparedT
    ) -> tuple[float, FloatArray | None]:
        """The weighted log-likelihood at ``theta`` and its gradient (``None``: numerical)."""

    @abstractmethod
    def _validated(self, columns: Mapping[str, ArrayLike]) -> dict[str, FloatArray]:
        """The inputs as float arrays, or a :class:`ModelInputError` saying what is wrong."""

    _advice: ClassVar[str] = "try a small penalizer (penalizer=0.001) or check the inputs."

    # ------------------------------------------------------------------------ derived
    @property
    def is_fitted(self) -> bool:
        return hasattr(self, "params_")

    def _theta(self) -> FloatArray:
        if not self.is_fitted:
            raise NotFittedError(
                f"this {type(self).__name__} has no parameters yet: call fit(...) first "
                "or load one with from_dict(...)."
            )
        return np.array([self.params_[k] for k in self.param_names])

    def log_likelihood(
        self,
        params: Mapping[str, float],
        data: Mapping[str, ArrayLike],
        weights: ArrayLike | None = None,
    ) -> tuple[float, dict[str, float]]:
        """The full log-likelihood of ``data`` at ``params`` and its gradient.

        ``data`` maps the model's input names (``data_names``) to arrays. The gradient is
        the analytic one where the model has it, otherwise central finite differences.
        """
        theta = np.array([float(params[k]) for k in self.param_names])
        columns = self._validated(data)
        n = len(next(iter(columns.values())))
        evaluate = _Evaluator(self, compress(columns, check_weights(weights, n)), None, 1)
        ll, grad = evaluate(theta)
        return ll, dict(zip(self.param_names, (float(g) for g in grad), strict=True))

    def _fit_columns(self, columns: dict[str, FloatArray], weights: FloatArray) -> Self:
        if not (math.isfinite(self.penalizer) and self.penalizer >= 0):
            raise ModelInputError(f"penalizer must be >= 0; got {self.penalizer!r}.")
        data = compress(columns, weights)
        n_threads = min(os.cpu_count() or 1, _MAX_THREADS) if data.n_rows >= _SHARD_ROWS else 1
        with ThreadPoolExecutor(max_workers=n_threads) as pool:
            full = _Evaluator(self, data, pool if n_threads > 1 else None, n_threads)
            search = full
            if data.n_rows > _SEARCH_ROWS:
                # the starting points only need to find the right basin: search on a sample
                rng = np.random.default_rng(20050101)
                rows = np.sort(rng.choice(data.n_rows, size=_SEARCH_ROWS, replace=False))
                search = _Evaluator(self, data.subset(rows), None, 1)
            best: optimize.OptimizeResult | None = None
            failures: list[str] = []
            for start in self._initial_points(data):
                u0 = np.clip(np.log(np.asarray(start, dtype=np.float64)), -_LOG_BOUND, _LOG_BOUND)
                try:
                    res = _minimise(self._objective, u0, search)
                except (FloatingPointError, ValueError, ZeroDivisionError) as err:
                    failures.append(str(err))
                    continue
                if np.isfinite(res.fun) and (best is None or res.fun < best.fun):
                    best = res
            if best is None:
                raise ConvergenceError(
                    f"{type(self).__name__} fit failed from every starting point "
                    f"({'; '.join(failures) or 'non-finite likelihood'}); {self._advice}"
                )
            u = np.asarray(best.x, dtype=np.float64)
            if search is not full:
                u = np.asarray(_minimise(self._objective, u, full).x, dtype=np.float64)
            u, grad, hess = self._newton_polish(u, full)
            self._check_converged(u, grad, hess)
            theta = np.exp(u)
            ll, _ = full(theta)
        self._set_state(
            theta, ll, _covariance(hess * full.n_customers), full.n_customers, data.n_rows
        )
        return self

    def _objective(
        self, u: FloatArray, evaluate: _Evaluator[PreparedT]
    ) -> tuple[float, FloatArray]:
        """Mean negative log-likelihood per customer plus penalty, on the log scale."""
        theta = np.exp(u)
        ll, grad = evaluate(theta)
        n = evaluate.n_customers
        f = -ll / n + self.penalizer * float(np.sum(theta**2))
        g = -grad * theta / n + 2.0 * self.penalizer * theta**2
        if not np.isfinite(f) or not np.all(np.isfinite(g)):
            return math.inf, np.zeros_like(u)
        return f, g

    def _hessian(self, u: FloatArray, evaluate: _Evaluator[PreparedT]) -> FloatArray:
        """Hessian of the objective on the log scale: central differences of its gradient."""
        k = len(u)
        hess = np.empty((k, k))
        for j in range(k):
            h = 1e-4 * max(1.0, abs(u[j]))
            up, down = u.copy(), u.copy()
            up[j] += h
            down[j] -= h
            hess[:, j] = (self._objective(up, evaluate)[1] - self._objective(down, evaluate)[1]) / (
                2 * h
            )
        return 0.5 * (hess + hess.T)

    def _newton_polish(
        self, u: FloatArray, evaluate: _Evaluator[PreparedT]
    ) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Newton steps from the quasi-Newton optimum: the estimate to machine precision.

        The Hessian is computed once and reused (the steps are tiny by then); it is
        recomputed at the end only if the estimate moved enough to change it.
        """
        f, g = self._objective(u, evaluate)
        hess = self._hessian(u, evaluate)
        start = u.copy()
        for _ in range(10):
            try:
                step = np.linalg.solve(hess, g)
            except np.linalg.LinAlgError:
                break
            if not np.all(np.isfinite(step)) or np.max(np.abs(step)) > 1.0:
                break
            u_new = u - step
            f_new, g_new = self._objective(u_new, evaluate)
            if not (f_new <= f + 1e-14 * abs(f)):
                break
            u, f, g = u_new, f_new, g_new
            if np.max(np.abs(step)) < 1e-12:
                break
        if np.max(np.abs(u - start)) > 1e-4:
            hess = self._hessian(u, evaluate)
        return u, g, hess

    def _check_converged(self, u: FloatArray, grad: FloatArray, hess: FloatArray) -> None:
        name = type(self).__name__
        values = ", ".join(
            f"{k}={math.exp(v):.4g}" for k, v in zip(self.param_names, u, strict=True)
        )
        if np.any(np.abs(u) >= _LOG_BOUND - 1e-6):
            raise ConvergenceError(
                f"{name} fit did not converge: a parameter ran off towards 0 or infinity "
                f"({values}), so the data do not pin the model down; {self._advice}"
            )
        gnorm = float(np.max(np.abs(grad)))
        if not np.isfinite(gnorm) or gnorm > _GRADIENT_TOLERANCE:
            raise ConvergenceError(
                f"{name} fit did not converge: the gradient is still {gnorm:.3g} per customer "
                f"at {values}; {self._advice}"
            )
        eig = np.linalg.eigvalsh(hess)
        if np.any(eig < -_FLAT * max(float(np.max(np.abs(eig))), 1e-300)):
            raise ConvergenceError(
                f"{name} fit stopped at a point that is not a maximum (Hessian eigenvalues "
                f"{np.array2string(eig, precision=3)}) at {values}; {self._advice}"
            )

    def _set_state(
        self,
        theta: FloatArray,
        log_likelihood: float,
        cov_log: FloatArray | None,
        n_customers: float,
        n_rows: int,
    ) -> None:
        names = self.param_names
        self.params_ = {k: float(v) for k, v in zip(names, theta, strict=True)}
        self.log_likelihood_ = float(log_likelihood)
        self.n_customers_ = float(n_customers)
        self.n_rows_fitted_ = int(n_rows)
        k = len(names)
        cov = np.full((k, k), np.nan) if cov_log is None else np.asarray(cov_log, dtype=np.float64)
        self.covariance_log_ = cov
        se_log = np.sqrt(np.diag(cov))
        self.standard_errors_ = {
            k_: float(v * s) for k_, v, s in zip(names, theta, se_log, strict=True)
        }
        self.confidence_intervals_ = {
            k_: _interval(float(v), float(s)) for k_, v, s in zip(names, theta, se_log, strict=True)
        }

    @property
    def aic_(self) -> float:
        """Akaike information criterion, ``2k − 2 LL``."""
        self._theta()
        return 2 * len(self.param_names) - 2 * self.log_likelihood_

    @property
    def bic_(self) -> float:
        """Bayesian information criterion, ``k ln N − 2 LL`` with N the number of customers."""
        self._theta()
        return len(self.param_names) * math.log(self.n_customers_) - 2 * self.log_likelihood_

    def summary(self) -> ModelSummary:
        """Parameters with standard errors and 95 % intervals, and the fit statistics."""
        self._theta()
        rows = tuple(
            ParameterRow(
                name=k,
                estimate=self.params_[k],
                standard_error=self.standard_errors_[k],
                lower_95=self.confidence_intervals_[k][0],
                upper_95=self.confidence_intervals_[k][1],
            )
            for k in self.param_names
        )
        return ModelSummary(
            model=type(self).__name__,
            parameters=rows,
            log_likelihood=self.log_likelihood_,
            aic=self.aic_,
            bic=self.bic_,
            n_customers=self.n_customers_,
            n_rows_fitted=self.n_rows_fitted_,
            penalizer=self.penalizer,
        )

    # ------------------------------------------------------------------ persistence
    def to_dict(self) -> dict[str, Any]:
        """Everything a fitted model knows, as JSON-serialisable data."""
        self._theta()
        return {
            "model": type(self).__name__,
            "format": _FORMAT_VERSION,
            "hyperparameters": {"penalizer": self.penalizer},
            "params": dict(self.params_),
            "covariance_log": [
                [None if not math.isfinite(v) else float(v) for v in row]
                for row in self.covariance_log_
            ],
            "log_likelihood": self.log_likelihood_,
            "n_customers": self.n_customers_,
            "n_rows_fitted": self.n_rows_fitted_,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        """A model from :meth:`to_dict` output; only ``params`` is required.

        With ``params`` alone (for example published estimates) predictions work and the
        uncertainty is unknown (NaN).
        """
        name = data.get("model", cls.__name__)
        if name != cls.__name__:
            raise ModelInputError(f"this dict holds a {name} model, not a {cls.__name__}.")
        if data.get("format", _FORMAT_VERSION) > _FORMAT_VERSION:
            raise ModelInputError(
                f"this dict was written in format {data['format']}; upgrade goodwill to read it."
            )
        params = data.get("params")
        if not isinstance(params, Mapping) or set(params) != set(cls.param_names):
            raise ModelInputError(
                f"{cls.__name__}.from_dict needs params {list(cls.param_names)}; got {params!r}."
            )
        theta = np.array([float(params[k]) for k in cls.param_names])
        if not np.all(np.isfinite(theta) & (theta > 0)):
            raise ModelInputError(
                f"every {cls.__name__} parameter must be positive; got {params!r}."
            )
        model = cls(**dict(data.get("hyperparameters", {})))
        raw_cov = data.get("covariance_log")
        cov = (
            None
            if raw_cov is None
            else np.array(
                [[np.nan if v is None else v for v in row] for row in raw_cov], dtype=np.float64
            )
        )
        model._set_state(
            theta,
            float(data.get("log_likelihood", math.nan)),
            cov,
            float(data.get("n_customers", math.nan)),
            int(data.get("n_rows_fitted", 0)),
        )
        return model

    @classmethod
    def from_params(cls, **params: float) -> Self:
        """A model with known parameter values (no fit), e.g. to simulate or to predict."""
        return cls.from_dict({"model": cls.__name__, "params": params})

    def __repr__(self) -> str:
        if not self.is_fitted:
            return f"{type(self).__name__}(penalizer={self.penalizer!r})"
        inner = ", ".join(f"{k}={v:.6g}" for k, v in self.params_.items())
        return f"<{type(self).__name__} fitted: {inner}>"


class _Evaluator(Generic[PreparedT]):
    """A model's log-likelihood and gradient on one data set, summed over row shards
    evaluated in threads (NumPy and SciPy release the GIL in their loops)."""

    def __init__(
        self,
        model: ParametricModel[PreparedT],
        data: FitData,
        pool: ThreadPoolExecutor | None,
        n_shards: int,
    ) -> None:
        self.model = model
        self.pool = pool
        self.n_customers = data.n_customers
        bounds = np.linspace(0, data.n_rows, n_shards + 1).astype(int)
        self.shards = [model._prepare(data.slice(lo, hi)) for lo, hi in pairwise(bounds)]

    def _one(self, theta: FloatArray, shard: PreparedT) -> tuple[float, FloatArray]:
        ll, grad = self.model._log_likelihood(theta, shard)
        if grad is None:
            grad = _numerical_gradient(lambda th: self.model._log_likelihood(th, shard)[0], theta)
        return ll, grad

    def __call__(self, theta: FloatArray) -> tuple[float, FloatArray]:
        if self.pool is None:
            parts = [self._one(theta, shard) for shard in self.shards]
        else:
            parts = list(self.pool.map(lambda shard: self._one(theta, shard), self.shards))
        ll = math.fsum(p[0] for p in parts)
        grad = np.sum([p[1] for p in parts], axis=0)
        return ll, np.asarray(grad, dtype=np.float64)


def _minimise(
    objective: Any,
    u0: FloatArray,
    evaluate: _Evaluator[Any],
) -> optimize.OptimizeResult:
    """BFGS on the log scale (unbounded: every parameter is positive through exp).

    BFGS rather than L-BFGS-B: its small dense algebra stays cheap when a multi-threaded
    BLAS is busy, where L-BFGS-B's LAPACK calls were measured 40 times slower.
    """
    with np.errstate(all="ignore"):
        return optimize.minimize(
            objective,
            u0,
            args=(evaluate,),
            jac=True,
            method="BFGS",
            options={"maxiter": 1000, "gtol": 1e-6},
        )


def _numerical_gradient(fun: Any, theta: FloatArray) -> FloatArray:
    grad = np.empty_like(theta)
    for j in range(len(theta)):
        h = 1e-6 * max(1.0, abs(theta[j]))
        up, down = theta.copy(), theta.copy()
        up[j] += h
        down[j] -= h
        grad[j] = (fun(up) - fun(down)) / (2 * h)
    return grad
