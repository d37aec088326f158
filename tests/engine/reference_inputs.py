"""What the reference trains on: the engine's inputs, built without the engine's code.

Only `app.engine.problems` (the truth tables and the 1996 sampling) and the config
are used, for the inputs; the initial weights come from the tests' own generator.
"""

from __future__ import annotations

import random

import backprop_reference as ref
import numpy as np

from app.engine.config import TrainingConfig
from app.engine.problems import BOOLEAN_FUNCTIONS, sample


def reference_samples(config: TrainingConfig, epochs: int) -> list:
    """The (s, d) pairs the engine trains on: the 4 patterns, or the seeded random samples.

    Random samples come from `problems.sample` fed by `numpy.random.default_rng([seed, 1])`,
    the trainer's documented stream of samples; drawing them all at once or epoch
    by epoch gives the same samples.
    """
    if config.sampling == "random":
        inputs, desired = sample(config.problem, np.random.default_rng([config.seed, 1]), epochs)
        return [((a, b), d) for (a, b), d in zip(inputs.tolist(), desired.tolist(), strict=True)]
    table = BOOLEAN_FUNCTIONS[config.problem]
    return [(s, float(d)) for s, d in zip(ref.PATTERNS, table, strict=True)]


def reference_weights(config: TrainingConfig, seed: int, spread: float = 1.0) -> list:
    """Initial weights for `config`'s shape, uniform in [-spread, spread] from `random.Random`."""
    inputs = 1 if config.problem == "simplest" else 2
    return ref.random_layers((inputs, *config.hidden, 1), random.Random(seed), spread,
                             config.bias)
