"""The training problems: the derivation's simplest case and the 16 two-input Boolean functions.

A problem gives the signal count of the net's first layer and its patterns: the
signals s and the desired responses d, in one fixed order shared with the C
reference, the trace and the page.

- `simplest`, the derivation's own case: one input, one pattern, the signal s and
  the desired response d taken from the settings of the same names (defaults s = 1,
  d = 0).
- The Boolean functions of two inputs a, b on the 4 canonical patterns (0,0), (0,1),
  (1,0), (1,1), each named by its usual name and stored as its truth table in that
  order; optionally trained on the 1996 applet's random samples (`sample`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .errors import FieldError, shown

#: The 4 canonical input patterns of the Boolean problems, in the project's fixed order.
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

#: The derivation's simplest case: one signal s, one desired response d.
SIMPLEST = "simplest"

#: Problem names in the order a menu shows them.
PROBLEM_NAMES: tuple[str, ...] = (SIMPLEST, *BOOLEAN_FUNCTIONS)


def input_count(problem: str) -> int:
    """How many signals the problem's patterns have: 1 for `simplest`, else 2."""
    return 1 if problem == SIMPLEST else 2


def targets(problem: str) -> np.ndarray:
    """Desired responses d for the 4 canonical patterns of the Boolean `problem`.

    Raises FieldError naming the problem when it is not a Boolean function.
    """
    table = BOOLEAN_FUNCTIONS.get(problem) if isinstance(problem, str) else None
    if table is None:
        known = ", ".join(BOOLEAN_FUNCTIONS)
        raise FieldError("problem", f"problem: {shown(problem)} is not one of {known}")
    return np.array(table, dtype=np.float64)


def patterns(config: Any) -> tuple[np.ndarray, np.ndarray]:
    """The patterns of `config`'s problem: signals (P × inputs) and desired responses (P).

    `config` is a `TrainingConfig` (problem, and s and d for `simplest`). The arrays
    are read-only: every trainer of the problem shares them.
    """
    if config.problem == SIMPLEST:
        signals = np.array([[float(config.s)]])
        desired = np.array([float(config.d)])
    else:
        signals, desired = PATTERNS, targets(config.problem)
    desired.setflags(write=False)
    return signals, desired


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
