"""Learning rates up to 1e6 never raise or warn; non-finite weights mean "diverged".

pytest runs with filterwarnings=error, so any numpy RuntimeWarning fails these tests.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from app.engine import PHASES, Shape, Trainer, TrainingConfig
from app.engine.gradcheck import check_gradient

KINDS = ["phase", "pattern", "epoch", "run"]
CONFIGS = [
    pytest.param(dict(), id="online"),
    pytest.param(dict(mode="batch", alpha=0.9), id="batch-momentum"),
    pytest.param(dict(activation="tanh", alpha=0.5, hidden=(3, 2)), id="tanh"),
    pytest.param(dict(sampling="random", hidden=(2, 2, 2)), id="random"),
]


def _step(trainer: Trainer, kind: str) -> None:
    if kind == "phase":
        trainer.step_phase()
    elif kind == "pattern":
        trainer.step_pattern()
    elif kind == "epoch":
        trainer.step_epoch()
    else:
        trainer.run(50, loss_every=1)


def _blow_up(shape: Shape) -> list:
    """Weights that overflow at η = 1e6: identical hidden neurons, output weights ±1e308.

    The response stays at σ(0) (the huge weights cancel), so δ_o is not small, and the
    hidden δ = h(1-h)·δ_o·1e308 times η = 1e6 is beyond the largest double.
    """
    *front, (_, cols) = shape.layer_shapes
    layers = [[[0.1 * (i + 1) for i in range(m)] for _ in range(n)] for n, m in front]
    return [*layers, [[1e308, -1e308] + [0.0] * (cols - 2)]]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("settings", CONFIGS)
def test_huge_learning_rate_never_raises_or_warns(settings: dict, kind: str) -> None:
    trainer = Trainer(TrainingConfig(**settings, eta=1e6, init_range=10.0, seed=5))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for _ in range(40):
            _step(trainer, kind)
        trainer.run(2000, loss_every=10)
        # "diverged" exactly when some weight is no longer a finite number; otherwise the
        # loss is a number in its range (e in (-1, 1) for sigmoid, (-2, 2) for tanh)
        finite = bool(np.all(np.isfinite(trainer.w)))
        assert (trainer.status == "diverged") == (not finite)
        if finite:
            assert 0.0 <= trainer.loss() <= (2.0 if trainer.config.activation == "tanh" else 0.5)
        trainer.truth_table()
        trainer.state()
        check_gradient(trainer)
        while trainer.back():
            pass


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("settings", CONFIGS)
def test_non_finite_weights_are_reported_as_diverged(settings: dict, kind: str) -> None:
    config = TrainingConfig(**settings, eta=1e6)
    trainer = Trainer(config, _blow_up(Shape.from_hidden(config.hidden)))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for _ in range(2 * len(PHASES) if kind == "phase" else 2):  # pattern (0,0) has d = 0:
            _step(trainer, kind)  # with tanh, δ_o = 0 there; pattern (0,1) blows up
        if config.batch and trainer.pattern:  # batch weights move at the epoch's end
            trainer.step_epoch()
        assert trainer.status == "diverged"
        assert not np.all(np.isfinite(trainer.w))
        epoch = trainer.epoch
        result = trainer.run(100)
        assert result.status == "diverged"
        # at most the half-done epoch is finished (traced); the fast path trains no further
        assert trainer.epoch <= epoch + 1
        assert math.isnan(trainer.loss()) or math.isinf(trainer.loss()) or trainer.loss() >= 0
        assert not check_gradient(trainer).ok
        trainer.state()
        while trainer.back():
            pass
        assert trainer.status == "training"
        assert np.all(np.isfinite(trainer.w))
