"""The ensemble: each net is the trainer's net for its seed; the sweep finds stuck nets."""

from __future__ import annotations

import statistics

import numpy as np
import pytest

from app.engine import Trainer, TrainingConfig
from app.engine.ensemble import sweep


@pytest.mark.parametrize("settings", [
    pytest.param(dict(), id="2-2-1"),
    pytest.param(dict(hidden=(3, 2), mode="batch", alpha=0.5, eta=1.0), id="two-layers-batch"),
    pytest.param(dict(activation="tanh", eta=0.2, problem="xnor"), id="tanh-xnor"),
])
def test_each_net_is_the_trainers_net_for_its_seed(settings: dict) -> None:
    config = TrainingConfig(**settings)
    result = sweep(config, nets=12, epochs=3000, seed=40)
    assert [net.seed for net in result.nets] == list(range(40, 52))
    for net in result.nets:
        trainer = Trainer(TrainingConfig(**settings, seed=net.seed))
        assert np.array_equal(net.initial_weights, trainer.w)
        run = trainer.run(3000, stop_on_convergence=True)
        assert net.epochs == run.epochs
        assert net.status == run.status
        np.testing.assert_allclose(net.final_weights, trainer.w, rtol=0, atol=1e-12)
        assert net.final_loss == pytest.approx(trainer.loss(), abs=1e-15)
        if net.stuck:
            assert trainer.converged_epoch is None and net.epochs == 3000
        else:
            assert net.epochs_to_converge == trainer.converged_epoch == run.epochs


def test_sweep_finds_stuck_nets_at_the_documented_rate() -> None:
    """XOR, η = 0.5, weights in [-1, 1], 20,000 epochs: about one net in five is stuck.

    Measured over 1,000 nets (seeds 1 to 1000): 190 stuck (19%). The band allows for
    the sampling spread of 1,000 nets (±~3.7% at 2σ) and then some.
    """
    result = sweep(TrainingConfig(), nets=1000, epochs=20_000, seed=1)
    summary = result.summary()
    assert 0.1 <= result.stuck_share <= 0.3
    assert summary["converged"] + summary["stuck"] == 1000
    assert summary["stuck"] == sum(1 for net in result.nets if net.status != "converged")
    # the stuck nets really are stuck: some pattern still has |e| >= 0.1
    stuck = [net for net in result.nets if net.stuck][:5]
    for net in stuck:
        trainer = Trainer(TrainingConfig(), net.final_weights)
        assert not all(row["close"] for row in trainer.truth_table())
    counts = [net.epochs_to_converge for net in result.nets if not net.stuck]
    spread = summary["epochs_to_converge"]
    assert spread["min"] == min(counts) and spread["max"] == max(counts)
    assert spread["p50"] == statistics.median(counts)
    assert spread["min"] <= spread["p10"] <= spread["p25"] <= spread["p50"] <= spread["p75"]
    assert spread["p75"] <= spread["p90"] <= spread["max"] <= 20_000
    assert summary["net_epochs"] == sum(net.epochs for net in result.nets)
    assert summary["net_epochs_per_second"] > 0


def test_sweep_with_no_epochs_leaves_every_net_stuck() -> None:
    result = sweep(TrainingConfig(), nets=3, epochs=0, seed=0)
    assert result.stuck == 3
    assert result.epochs_to_converge() is None
    for net in result.nets:
        assert np.array_equal(net.initial_weights, net.final_weights)


@pytest.mark.parametrize(("kwargs", "name"), [
    (dict(nets=0, epochs=10, seed=1), "nets"),
    (dict(nets=2, epochs=-1, seed=1), "epochs"),
    (dict(nets=2, epochs=10, seed=-1), "seed"),
    (dict(nets=2.5, epochs=10, seed=1), "nets"),
])
def test_sweep_refuses_bad_arguments_naming_them(kwargs: dict, name: str) -> None:
    with pytest.raises(ValueError, match=f"^{name}:"):
        sweep(TrainingConfig(), **kwargs)


def test_sweep_refuses_random_sampling() -> None:
    with pytest.raises(ValueError, match=r"^sampling:"):
        sweep(TrainingConfig(sampling="random"), nets=2, epochs=10, seed=1)
