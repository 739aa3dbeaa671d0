"""Value models: purchase rhythm (BG/NBD, Pareto/NBD, MBG/NBD, BG/BB), spend (Gamma-Gamma)
and customer lifetime value.

Every model is fitted by maximum likelihood on sufficient statistics over one shared base
(:class:`ParametricModel`): ``fit`` returns the model, learned state ends in ``_``
(``params_``, ``log_likelihood_``, ``standard_errors_``, ``confidence_intervals_``), and
``summary()``, ``to_dict()`` and ``from_dict()`` work the same for all.
"""

from __future__ import annotations

from goodwill.errors import ConvergenceError
from goodwill.models._errors import ModelError, ModelInputError, NotFittedError
from goodwill.models._summary import ModelSummary, ParameterRow
from goodwill.models.base import ParametricModel
from goodwill.models.bgbb import BetaGeoBetaBinom
from goodwill.models.bgnbd import BetaGeo
from goodwill.models.clv import DAYS_PER_YEAR, clv
from goodwill.models.clv_interval import ClvInterval, clv_interval
from goodwill.models.gammagamma import GammaGamma
from goodwill.models.mbgnbd import ModifiedBetaGeo
from goodwill.models.paretonbd import ParetoNBD
from goodwill.models.selection import PURCHASE_MODELS, ModelName, Selection, select

__all__ = [
    "DAYS_PER_YEAR",
    "PURCHASE_MODELS",
    "BetaGeo",
    "BetaGeoBetaBinom",
    "ClvInterval",
    "ConvergenceError",
    "GammaGamma",
    "ModelError",
    "ModelInputError",
    "ModelName",
    "ModelSummary",
    "ModifiedBetaGeo",
    "NotFittedError",
    "ParameterRow",
    "ParametricModel",
    "ParetoNBD",
    "Selection",
    "clv",
    "clv_interval",
    "select",
]
