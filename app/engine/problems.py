"""The training problems: every two-input Boolean function on the 4 canonical patterns.

Patterns come in one fixed order, (0,0), (0,1), (1,0), (1,1), shared with the C
yardstick, the trace and the page. A function is named by its usual name and is
stored as its truth table in that order.
"""

from __future__ import annotations

import numpy as np

from .errors import FieldError, shown

#: The 4 canonical input patterns, in the project's fixed order.
PATTERNS: np.ndarray = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
PATTERNS.setflags(write=False)

#: All 16 Boolean functions of two inputs a, b: name -> outputs for (0,0), (0,1), (1,0), (1,1).
BOOLEAN_FUNCTIONS: dict[str, tuple[int, int, int, int]] = {
    "xor": (0, 1, 1, 0),
    "xnor": (1, 0, 0, 1),
    "and": (0, 0, 0, 1),
    "or": (0, 1, 1, 1),
    "nand": (1, 1, 1, 0),
    "nor": (1, 0, 0, 0),
    "false": (0, 0, 0, 0),
    "true": (1, 1, 1, 1),
    "a": (0, 0, 1, 1),
    "b": (0, 1, 0, 1),
    "not_a": (1, 1, 0, 0),
    "not_b": (1, 0, 1, 0),
    "a_and_not_b": (0, 0, 1, 0),
    "not_a_and_b": (0, 1, 0, 0),
    "a_or_not_b": (1, 0, 1, 1),
    "not_a_or_b": (1, 1, 0, 1),
}

#: Problem names in the order a menu shows them.
PROBLEM_NAMES: tuple[str, ...] = tuple(BOOLEAN_FUNCTIONS)


def targets(problem: str) -> np.ndarray:
    """Desired responses d for the 4 canonical patterns of `problem`.

    Raises FieldError naming the problem when it is unknown.
    """
    table = BOOLEAN_FUNCTIONS.get(problem) if isinstance(problem, str) else None
    if table is None:
        known = ", ".join(PROBLEM_NAMES)
        raise FieldError("problem", f"problem: {shown(problem)} is not one of {known}")
    return np.array(table, dtype=np.float64)


def sample(problem: str, rng: np.random.Generator, epochs: int) -> tuple[np.ndarray, np.ndarray]:
    """The 1996 applet's sampling: 4 random inputs per epoch, uniform in [0,1]^2.

    The desired response of a sample is the function of its rounded inputs. Draws
    ``epochs * 8`` doubles from `rng` in one call, so drawing epoch by epoch or all
    at once gives the same samples. Returns inputs (epochs*4, 2) and targets (epochs*4,).
    """
    table = targets(problem)
    inputs = rng.random(epochs * 8).reshape(epochs * 4, 2)
    # round half up: 0.5 counts as 1 (np.round would send 0.5 to 0, a surprise to students)
    bits = (inputs >= 0.5).astype(np.int64)
    return inputs, table[bits[:, 0] * 2 + bits[:, 1]]
