"""``goodwill evaluate``: measure goodwill against a simulated world's truth.

Works on any world in the simulator's format (``docs/simulator.md``). This package is the
only reader of ``truth/``; scoring never sees it. One module per capability measured.
"""

from goodwill.evaluate.health import RANKERS, Evaluation, evaluate_world
from goodwill.evaluate.metrics import precision_at, roc_auc
from goodwill.evaluate.responsiveness import (
    ResponseEvaluation,
    evaluate_responsiveness,
    evaluate_world_responsiveness,
)

__all__ = [
    "RANKERS",
    "Evaluation",
    "ResponseEvaluation",
    "evaluate_responsiveness",
    "evaluate_world",
    "evaluate_world_responsiveness",
    "precision_at",
    "roc_auc",
]
