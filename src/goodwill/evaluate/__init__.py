"""``goodwill evaluate``: measure goodwill against a simulated world's truth.

Works on any world in the simulator's format (``docs/simulator.md``). This package is the
only reader of ``truth/``; scoring never sees it. One module per capability measured.
"""

from goodwill.evaluate.health import RANKERS, Evaluation, evaluate_world
from goodwill.evaluate.metrics import precision_at, roc_auc

__all__ = ["RANKERS", "Evaluation", "evaluate_world", "precision_at", "roc_auc"]
