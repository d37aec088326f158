"""The engine against the independent plain-Python implementation of the derivation.

Same initial weights (drawn by the tests' own generator), same samples, thousands
of epochs: the weights, the momentum and the epoch after which the net was judged
converged (every pattern's |e| < 0.1 with the weights after the pass) must agree.
The reference computes δ_h as the derivation writes it (σ' times the sum), the
engine inside the sum, so the last bits may differ: the tolerance allows for the
rounding of a few thousand epochs (measured differences are ~1e-14).
"""

from __future__ import annotations

import backprop_reference as ref
import numpy as np
import pytest
from reference_inputs import reference_samples, reference_weights

from app.engine import BOOLEAN_FUNCTIONS, Trainer, TrainingConfig

TOLERANCE = 1e-10

CONFIGS = [
    pytest.param(dict(hidden=(2,)), 5000, id="2-2-1"),
    pytest.param(dict(hidden=(1,)), 3000, id="2-1-1"),
    pytest.param(dict(hidden=(4,), problem="xnor"), 3000, id="2-4-1-xnor"),
    pytest.param(dict(hidden=(8,)), 2000, id="2-8-1"),
    pytest.param(dict(hidden=(3, 2)), 3000, id="2-3-2-1"),
    pytest.param(dict(hidden=(2, 3, 2), eta=1.0), 2000, id="2-2-3-2-1"),
    pytest.param(dict(hidden=(2,), alpha=0.9), 3000, id="momentum"),
    pytest.param(dict(hidden=(2,), mode="batch"), 4000, id="batch"),
    pytest.param(dict(hidden=(3,), mode="batch", alpha=0.5), 3000, id="batch-momentum"),
    pytest.param(dict(hidden=(2,), activation="tanh", eta=0.1), 3000, id="tanh"),
    pytest.param(dict(hidden=(3, 2), activation="tanh", eta=0.05, alpha=0.5), 2000,
                 id="tanh-two-layers-momentum"),
    pytest.param(dict(hidden=(2,), sampling="random", problem="and"), 3000, id="random-sampling"),
]


@pytest.mark.parametrize(("settings", "epochs"), CONFIGS)
def test_fast_path_matches_the_reference(settings: dict, epochs: int) -> None:
    config = TrainingConfig(**settings, seed=7)
    start = reference_weights(config, seed=7)
    trainer = Trainer(config, start)
    trainer.run(epochs)

    weights, changes, converged = ref.train(
        start, reference_samples(config, epochs), epochs, config.eta, config.alpha,
        config.batch, config.activation, BOOLEAN_FUNCTIONS[config.problem],
    )
    assert trainer.epoch == epochs
    np.testing.assert_allclose(trainer.w, ref.flat(weights), rtol=0, atol=TOLERANCE)
    np.testing.assert_allclose(trainer.dw, ref.flat(changes), rtol=0, atol=TOLERANCE)
    assert trainer.converged_epoch == converged
    table = BOOLEAN_FUNCTIONS[config.problem]
    assert trainer.loss() == pytest.approx(ref.loss(weights, table, config.activation), abs=1e-12)


@pytest.mark.parametrize("settings", [
    dict(hidden=(2,)), dict(hidden=(3, 2), alpha=0.7), dict(hidden=(2,), mode="batch"),
    dict(hidden=(2,), activation="tanh", eta=0.2), dict(hidden=(2,), sampling="random"),
], ids=["2-2-1", "two-layers-momentum", "batch", "tanh", "random"])
def test_traced_path_matches_the_reference(settings: dict) -> None:
    epochs = 300
    config = TrainingConfig(**settings, seed=11)
    start = reference_weights(config, seed=11)
    trainer = Trainer(config, start)
    for _ in range(epochs):
        trainer.step_epoch()
    weights, changes, converged = ref.train(start, reference_samples(config, epochs), epochs,
                                            config.eta, config.alpha, config.batch,
                                            config.activation, BOOLEAN_FUNCTIONS[config.problem])
    np.testing.assert_allclose(trainer.w, ref.flat(weights), rtol=0, atol=1e-12)
    np.testing.assert_allclose(trainer.dw, ref.flat(changes), rtol=0, atol=1e-12)
    assert trainer.converged_epoch == converged


def test_known_seed_converges_to_xor() -> None:
    """Seed 1 (XOR, η = 0.5, [-1, 1]) learns XOR, at the epoch the reference finds too."""
    config = TrainingConfig(seed=1)
    trainer = Trainer(config)
    start = trainer.weights()
    result = trainer.run(20_000, stop_on_convergence=True)
    assert result.status == "converged"
    assert [round(r) for r in trainer.responses().tolist()] == [0, 1, 1, 0]
    assert all(row["close"] for row in trainer.truth_table())

    _, _, converged = ref.train(start, reference_samples(config, 0), result.epochs,
                                config.eta)
    assert converged is not None
    assert trainer.converged_epoch == converged == result.epochs == trainer.epoch


def test_loss_matches_the_reference_for_every_problem() -> None:
    config = TrainingConfig(hidden=(3,))
    weights = reference_weights(config, seed=5, spread=3.0)
    trainer = Trainer(config, weights)
    for problem, table in BOOLEAN_FUNCTIONS.items():
        other = Trainer(TrainingConfig(hidden=(3,), problem=problem), weights)
        assert other.loss() == pytest.approx(ref.loss(weights, table), rel=0, abs=1e-15)
    assert trainer.truth_table()[1]["d"] == 1.0
