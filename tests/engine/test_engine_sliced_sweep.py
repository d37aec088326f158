"""The sliced sweep: the same nets as single runs and as the one-call sweep, however sliced."""

from __future__ import annotations

import numpy as np
import pytest

from app.engine import Trainer, TrainingConfig
from app.engine.config import MAX_SEED
from app.engine.ensemble import sweep
from app.engine.sliced_sweep import SlicedSweep, epoch_bins


def finish(run: SlicedSweep, budget: int) -> int:
    """Advance `run` in slices of `budget` epochs until done; the number of slices."""
    slices = 0
    while not run.done:
        assert run.advance(budget) > 0 or run.done
        slices += 1
    return slices


@pytest.mark.parametrize(("settings", "budget"), [
    pytest.param(dict(), 777, id="2-2-1"),
    pytest.param(dict(hidden=(3, 2), mode="batch", alpha=0.5, eta=1.0), 1, id="batch-momentum-1"),
    pytest.param(dict(activation="tanh", eta=0.2, problem="xnor", alpha=0.9), 4099, id="tanh"),
])
def test_each_net_ends_as_the_single_run_of_its_seed(settings: dict, budget: int) -> None:
    """Slices cut nets mid-run (momentum carried over): each still ends as its trainer."""
    config = TrainingConfig(**settings)
    run = SlicedSweep(config, nets=10, epochs=1500, seed=70)
    slices = finish(run, budget)
    result = run.result()
    assert slices > 1
    assert [net.seed for net in result.nets] == list(range(70, 80))
    for net in result.nets:
        trainer = Trainer(TrainingConfig(**settings, seed=net.seed))
        assert np.array_equal(net.initial_weights, trainer.w)
        single = trainer.run(1500, stop_on_convergence=True)
        assert np.array_equal(net.final_weights, trainer.w)  # bit for bit
        assert (net.epochs, net.status) == (single.epochs, single.status)
        assert net.epochs_to_converge == trainer.converged_epoch
        assert net.final_loss == trainer.loss()
    assert run.net_epochs == result.net_epochs


def test_slices_and_the_one_call_sweep_agree() -> None:
    config = TrainingConfig()
    whole = sweep(config, nets=60, epochs=20_000, seed=1)
    run = SlicedSweep(config, nets=60, epochs=20_000, seed=1)
    finish(run, 12_345)
    for a, b in zip(run.result().nets, whole.nets, strict=True):
        assert np.array_equal(a.final_weights, b.final_weights)
        assert (a.epochs, a.status, a.epochs_to_converge) == (b.epochs, b.status,
                                                              b.epochs_to_converge)
    assert run.result().summary()["stuck"] == whole.stuck > 0


def test_progress_counts_finished_nets_in_seed_order() -> None:
    run = SlicedSweep(TrainingConfig(), nets=40, epochs=20_000, seed=1)
    seen = []
    while not run.done:
        run.advance(5_000)
        counts = run.finished_nets().counts()
        assert counts["finished"] == run.finished == len(run.finished_nets().converged_at)
        assert counts["converged"] + counts["stuck"] == counts["finished"]
        seen.append(run.finished)
        partial = run.result()
        assert [net.seed for net in partial.nets] == list(range(1, 1 + run.finished))
    assert seen == sorted(seen) and seen[-1] == 40 and len(seen) > 5
    assert run.advance(1_000) == 0  # nothing left
    finished = run.finished_nets()
    run.forget_weights()  # the server keeps only the results once a sweep stops
    assert np.array_equal(run.finished_nets().final_loss, finished.final_loss)
    with pytest.raises(RuntimeError, match=r"^result:"):
        run.result()


def test_histogram_counts_every_converged_net_once() -> None:
    run = SlicedSweep(TrainingConfig(eta=2.0), nets=200, epochs=5_000, seed=9)
    finish(run, 50_000)
    edges = epoch_bins(run.epochs, 30)
    assert len(edges) == 31 and edges[-1] == 5_000 and np.all(np.diff(edges) > 0)
    assert np.allclose(np.diff(np.log(edges)), np.log(edges[1] / edges[0]))  # equal on a log scale
    finished = run.finished_nets()
    counts = finished.histogram(edges)
    at = finished.converged_at
    assert counts.sum() == finished.counts()["converged"] == np.count_nonzero(~np.isnan(at))
    assert finished.median() == np.median(at[~np.isnan(at)])
    # each net is in the bin its epochs-to-converge falls in (the fastest in the first)
    k = int(np.flatnonzero(~np.isnan(at))[0])
    bin_of = max(0, int(np.searchsorted(edges, at[k], side="right")) - 1)
    assert counts[min(bin_of, 29)] >= 1


def test_tiny_budgets_get_linear_bins() -> None:
    assert np.array_equal(epoch_bins(1, 4), np.linspace(0, 1, 5))


def test_zero_epochs_finishes_every_net_untrained() -> None:
    run = SlicedSweep(TrainingConfig(), nets=3, epochs=0, seed=5)
    run.advance(10)
    assert run.done and run.finished_nets().counts()["stuck"] == 3
    assert np.array_equal(run.weights, run.initial)


@pytest.mark.parametrize(("kwargs", "name"), [
    (dict(nets=0, epochs=10, seed=1), "nets"),
    (dict(nets="5", epochs=10, seed=1), "nets"),
    (dict(nets=2, epochs=-1, seed=1), "epochs"),
    (dict(nets=2, epochs=10, seed=MAX_SEED), "seed"),  # the second net's seed is past the last
])
def test_bad_arguments_are_refused_by_name(kwargs: dict, name: str) -> None:
    with pytest.raises(ValueError, match=f"^{name}:"):
        SlicedSweep(TrainingConfig(), **kwargs)
