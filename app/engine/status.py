"""The training states a trainer reports, and the one test of convergence's threshold."""

from __future__ import annotations

#: Training states reported to the page.
TRAINING, CONVERGED_STATE, DIVERGED_STATE = "training", "converged", "diverged"

#: A pattern is learnt when its |e| is below this; converged: every pattern learnt.
CONVERGENCE_ERROR = 0.1
