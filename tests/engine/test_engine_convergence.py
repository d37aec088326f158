"""One criterion: converged means every pattern's |e| < 0.1 with the weights after the pass.

The status, the truth table's `close` column, `converged_epoch` (the epoch counter at
the moment the net was judged converged), the fast and the traced path all agree.
"""

from __future__ import annotations

import random

import numpy as np
import pytest

from app.engine import Trainer, TrainingConfig
from app.engine.ensemble import sweep

CONFIGS = [
    pytest.param(dict(), id="sigmoid"),
    pytest.param(dict(activation="tanh", eta=0.3), id="tanh"),
    pytest.param(dict(activation="tanh", eta=0.9, alpha=0.5, hidden=(3,)), id="tanh-momentum"),
    pytest.param(dict(mode="batch", eta=2.0), id="batch"),
    pytest.param(dict(sampling="random", eta=1.0), id="random-sampling"),
    pytest.param(dict(problem="and", hidden=(1,)), id="and"),
]


def agrees(trainer: Trainer) -> None:
    """The status says converged exactly when the truth table is all ✓ (at an epoch's end)."""
    close = all(row["close"] for row in trainer.truth_table())
    if trainer.status == "converged":
        assert close and trainer.converged_epoch is not None
        assert 1 <= trainer.converged_epoch <= trainer.epoch
    else:
        assert trainer.converged_epoch is None
        if trainer.status == "training" and trainer.pattern == 0 and trainer.phase == 0 \
                and trainer.epoch > 0:
            assert not close  # an epoch just ended all ✓: it would have said converged


@pytest.mark.parametrize("settings", CONFIGS)
def test_the_status_and_the_truth_table_never_disagree(settings: dict) -> None:
    rng = random.Random(7)
    for seed in range(6):
        trainer = Trainer(TrainingConfig(**settings, seed=seed))
        for _ in range(60):
            choice = rng.random()
            if choice < 0.1:
                trainer.step_pattern()
            elif choice < 0.2:
                trainer.step_epoch()
            else:
                trainer.run(rng.choice([1, 7, 50, 400]))
            if trainer.pattern == 0:
                agrees(trainer)
        trainer.step_epoch() if trainer.pattern else None
        agrees(trainer)


@pytest.mark.parametrize("settings", CONFIGS)
def test_a_run_that_stops_at_convergence_stops_on_the_counter_with_every_pattern_learnt(
        settings: dict) -> None:
    stopped = 0
    for seed in range(12):
        trainer = Trainer(TrainingConfig(**settings, seed=seed))
        result = trainer.run(20_000, stop_on_convergence=True)
        if result.status == "converged":
            stopped += 1
            assert trainer.converged_epoch == trainer.epoch == result.epochs
            assert all(row["close"] for row in trainer.truth_table())
            assert np.all(np.abs(trainer.errors()) < 0.1)
    assert stopped >= 3


def test_tanh_is_never_called_converged_with_a_pattern_above_the_threshold() -> None:
    """The case the page got wrong: judged during the pass, tanh nets were "converged" while
    the weights after it left some |e| just above 0.1."""
    config = dict(activation="tanh", eta=0.5)
    for seed in range(40):
        trainer = Trainer(TrainingConfig(**config, seed=seed))
        trainer.run(5000, stop_on_convergence=True)
        if trainer.status == "converged":
            assert max(abs(row["e"]) for row in trainer.truth_table()) < 0.1


def test_fast_and_traced_paths_judge_the_same_epoch() -> None:
    for seed in range(8):
        config = TrainingConfig(activation="tanh", eta=0.4, seed=seed)
        fast, traced = Trainer(config), Trainer(config)
        fast.run(600)
        for _ in range(600):
            traced.step_epoch()
        assert (fast.status, fast.converged_epoch) == (traced.status, traced.converged_epoch)
        np.testing.assert_array_equal(fast.w, traced.w)


def test_an_edit_that_unlearns_a_pattern_ends_convergence_and_training_finds_it_again() -> None:
    trainer = Trainer(TrainingConfig(seed=1))
    trainer.run(20_000, stop_on_convergence=True)
    assert trainer.status == "converged"
    first = trainer.converged_epoch
    trainer.set_weight(1, 0, 2, trainer.layers[1][0, 2] + 5.0)  # push the output's bias
    assert trainer.status == "training" and trainer.converged_epoch is None
    assert not all(row["close"] for row in trainer.truth_table())
    trainer.run(20_000, stop_on_convergence=True)
    assert trainer.status == "converged" and trainer.converged_epoch == trainer.epoch > first
    trainer.back()  # undo the run: converged no longer, as after the edit
    assert trainer.status == "training" and trainer.converged_epoch is None


def test_an_import_that_claims_convergence_is_judged_again() -> None:
    trainer = Trainer(TrainingConfig(seed=2))
    state = trainer.state()
    state["status"], state["converged_epoch"] = "converged", 5
    imported = Trainer.from_state(state)
    assert imported.status == "training" and imported.converged_epoch is None


def test_the_sweep_counts_epochs_to_converge_on_the_same_counter() -> None:
    result = sweep(TrainingConfig(), nets=30, epochs=20_000, seed=1)
    for net in result.nets[:10]:
        trainer = Trainer(TrainingConfig(seed=net.seed))
        trainer.run(20_000, stop_on_convergence=True)
        assert net.epochs_to_converge == trainer.converged_epoch
        if not net.stuck:
            assert net.epochs == net.epochs_to_converge
