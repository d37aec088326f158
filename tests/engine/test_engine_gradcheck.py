"""The backpropagated gradient against central differences and the reference."""

from __future__ import annotations

import backprop_reference as ref
import numpy as np
import pytest
from reference_inputs import reference_weights

from app.engine import BOOLEAN_FUNCTIONS, Trainer, TrainingConfig
from app.engine.gradcheck import check_gradient

SHAPES = [
    pytest.param(dict(), id="2-2-1"),
    pytest.param(dict(hidden=(5,), problem="nand"), id="2-5-1"),
    pytest.param(dict(hidden=(3, 2), activation="tanh"), id="2-3-2-1-tanh"),
    pytest.param(dict(hidden=(2, 3, 2)), id="2-2-3-2-1"),
]


@pytest.mark.parametrize("settings", SHAPES)
def test_gradient_agrees_with_central_differences(settings: dict) -> None:
    config = TrainingConfig(**settings)
    trainer = Trainer(config, reference_weights(config, seed=2, spread=2.0))
    before = trainer.w.copy()
    result = check_gradient(trainer)
    assert result.ok
    assert result.max_abs_difference < 1e-8
    assert result.max_relative_difference < 1e-6
    assert np.array_equal(trainer.w, before)  # every weight restored bit for bit
    assert trainer.can_go_back == 0


@pytest.mark.parametrize("settings", SHAPES)
def test_gradient_matches_the_reference_and_its_finite_differences(settings: dict) -> None:
    config = TrainingConfig(**settings)
    layers = reference_weights(config, seed=8, spread=2.0)
    table = BOOLEAN_FUNCTIONS[config.problem]
    analytic = Trainer(config, layers).gradient()
    np.testing.assert_allclose(analytic, ref.flat(ref.gradient(layers, table, config.activation)),
                               rtol=1e-12, atol=1e-15)
    # the reference's own loss, differentiated numerically, weight by weight
    weights = ref.flat(layers)
    sizes = (2, *config.hidden, 1)
    h = 1e-6
    for k in range(len(weights)):
        up, down = list(weights), list(weights)
        up[k] += h
        down[k] -= h
        numeric = (ref.loss(_nest(up, sizes), table, config.activation)
                   - ref.loss(_nest(down, sizes), table, config.activation)) / (up[k] - down[k])
        assert analytic[k] == pytest.approx(numeric, abs=1e-8)


def test_a_wrong_gradient_is_caught() -> None:
    """The check is not vacuous: a gradient off by a sign in one weight fails it."""
    trainer = Trainer(TrainingConfig(), reference_weights(TrainingConfig(), seed=4, spread=2.0))
    honest = trainer.gradient

    def wrong() -> np.ndarray:
        g = honest()
        g[3] = -g[3]
        return g

    trainer.gradient = wrong
    result = check_gradient(trainer)
    assert not result.ok
    assert result.worst == 3


def _nest(flat: list[float], sizes: tuple[int, ...]) -> list:
    layers, at = [], 0
    for i in range(len(sizes) - 1):
        cols = sizes[i] + 1
        layers.append([flat[at + j * cols : at + (j + 1) * cols] for j in range(sizes[i + 1])])
        at += sizes[i + 1] * cols
    return layers
