"""The trace's identities, the phases, fast against traced path, and step back.

Every identity is recomputed here from the trace's own numbers with the
derivation's equations (the reference's σ and σ'), for every step.
"""

from __future__ import annotations

import random

import backprop_reference as ref
import numpy as np
import pytest
from reference_inputs import reference_weights

from app.engine import BOOLEAN_FUNCTIONS, PATTERNS, PHASES, UNDO_DEPTH, Trainer, TrainingConfig

EXACT = dict(rel=1e-15, abs=1e-300)


def flat(nested: list) -> list[float]:
    return [x for layer in nested for row in layer for x in row]


def check_identities(t, config: TrainingConfig, previous: list, epoch_steps: list) -> None:
    """Assert every equation of the derivation on one pattern's trace.

    `previous` holds Δw(n-1) before this pattern; `epoch_steps` the η·δ·x of the
    epoch's earlier patterns (batch mode).
    """
    act = config.activation
    layers = t.weights_before
    # the signal and the desired response
    if config.problem == "simplest":
        assert (t.s, t.d, t.pattern) == ([config.s], config.d, 0)
    else:
        table = BOOLEAN_FUNCTIONS[config.problem]
        if config.sampling == "patterns":
            assert t.s == PATTERNS[t.pattern].tolist()
        bits = [1 if x >= 0.5 else 0 for x in t.s]
        assert t.d == table[2 * bits[0] + bits[1]]
    # forward: b (or a) = Σ w·x (+ bias), h (or r) = σ(b)
    assert t.inputs[0] == t.s and t.bias == config.bias
    for index, layer in enumerate(layers):
        x = t.inputs[index]
        for j, row in enumerate(layer):
            assert len(row) == len(x) + config.bias
            weighted = sum(w * xi for w, xi in zip(row[:len(x)], x, strict=True)) \
                + (row[-1] if config.bias else 0.0)
            assert t.weighted[index][j] == pytest.approx(weighted, **EXACT)
            assert t.outputs[index][j] == pytest.approx(ref.sigma(t.weighted[index][j], act),
                                                        **EXACT)
        if index + 1 < len(layers):
            assert t.inputs[index + 1] == t.outputs[index]
    assert t.r == t.outputs[-1][0]
    # e = d - r, l = ½e²
    assert t.e == t.d - t.r
    assert t.l == pytest.approx(0.5 * t.e**2, **EXACT)
    # δ_o = e·σ'(a) = e·r(1-r); δ_h = h(1-h)·Σ_k δ_k·w_k
    assert t.delta[-1][0] == pytest.approx(t.e * ref.sigma_prime(t.r, act), **EXACT)
    for index in range(len(layers) - 1):
        after = layers[index + 1]
        for j, h in enumerate(t.outputs[index]):
            total = sum(d_k * after[k][j] for k, d_k in enumerate(t.delta[index + 1]))
            assert t.delta[index][j] == pytest.approx(ref.sigma_prime(h, act) * total,
                                                      rel=1e-12, abs=1e-300)
    # ∂l/∂w = -δ·x, η·δ·x, momentum α·Δw(n-1), Δw, w(n+1) = w(n) + Δw
    patterns = 1 if config.problem == "simplest" else 4
    last = config.batch and t.pattern == patterns - 1
    steps = []
    for index, layer in enumerate(layers):
        x = [*t.inputs[index], 1.0] if config.bias else list(t.inputs[index])
        for j, row in enumerate(layer):
            delta = t.delta[index][j]
            for i in range(len(row)):
                assert t.gradient[index][j][i] == pytest.approx(-delta * x[i], **EXACT)
                assert t.learning[index][j][i] == pytest.approx(config.eta * delta * x[i],
                                                                **EXACT)
                steps.append(t.learning[index][j][i])
    momentum, change = flat(t.momentum), flat(t.change)
    before, after = flat(t.weights_before), flat(t.weights_after)
    for k, step in enumerate(steps):
        if config.batch and not last:
            assert momentum[k] == 0.0
            assert change[k] == 0.0
        else:
            assert momentum[k] == pytest.approx(config.alpha * previous[k], **EXACT)
            summed = sum(s[k] for s in epoch_steps) + step if config.batch else step
            assert change[k] == pytest.approx(summed + momentum[k], rel=1e-12, abs=1e-300)
        assert after[k] == before[k] + change[k]


TRACE_CONFIGS = [
    pytest.param(dict(), id="2-2-1"),
    pytest.param(dict(hidden=(3, 2), alpha=0.9), id="two-layers-momentum"),
    pytest.param(dict(hidden=(2, 2, 2), activation="tanh", eta=0.3), id="three-layers-tanh"),
    pytest.param(dict(mode="batch", alpha=0.5), id="batch-momentum"),
    pytest.param(dict(sampling="random", problem="or", alpha=0.3), id="random-sampling"),
    pytest.param(dict(bias=False, hidden=(3,), alpha=0.5), id="no-bias"),
    pytest.param(dict(problem="simplest", hidden=(1,), bias=False, s=-1.5, d=0.7), id="simplest"),
    pytest.param(dict(problem="simplest", hidden=(2, 2), mode="batch", s=2.0, d=0.2),
                 id="simplest-bias-batch"),
]


@pytest.mark.parametrize("settings", TRACE_CONFIGS)
def test_every_step_satisfies_the_derivation(settings: dict) -> None:
    config = TrainingConfig(**settings, seed=3)
    trainer = Trainer(config, reference_weights(config, seed=3, spread=2.0))
    previous = [0.0] * trainer.w.size
    epoch_steps: list[list[float]] = []
    for step in range(120):  # 30 epochs, pattern by pattern, after some phases
        w_before, epoch_before = trainer.w.copy(), trainer.epoch
        t = trainer.step_pattern() if step % 3 else _by_phases(trainer)
        patterns = 1 if config.problem == "simplest" else 4
        assert t.pattern == step % patterns
        assert t.epoch == epoch_before
        assert flat(t.weights_before) == w_before.tolist()
        check_identities(t, config, previous, epoch_steps)
        assert trainer.w.tolist() == flat(t.weights_after)
        if config.batch:
            epoch_steps.append(flat(t.learning))
            if t.pattern == patterns - 1:
                previous, epoch_steps = flat(t.change), []
        else:
            previous = flat(t.change)
        assert trainer.dw.tolist() == pytest.approx(previous, rel=0, abs=0)


def _by_phases(trainer: Trainer):
    """Step one pattern phase by phase, checking the order of the phases."""
    traces = [trainer.step_phase() for _ in PHASES]
    assert all(t is traces[0] for t in traces)
    return traces[0]


def test_phases_come_in_order_and_only_update_moves_weights() -> None:
    trainer = Trainer(TrainingConfig(hidden=(3,)))
    seen = []
    for _ in range(3 * 4 * len(PHASES)):
        w_before = trainer.w.copy()
        t = trainer.step_phase()
        seen.append((t.epoch, t.pattern, t.phase))
        if t.phase != "update":
            assert np.array_equal(trainer.w, w_before)
    expected = [(e, p, phase) for e in range(3) for p in range(4) for phase in PHASES]
    assert seen == expected
    assert PHASES == ("forward", "error", "delta_output", "delta_hidden", "update")


def test_step_epoch_hands_out_its_four_patterns() -> None:
    trainer = Trainer(TrainingConfig())
    trainer.step_phase()  # half-way through pattern 0: the epoch is finished from there
    traces = trainer.step_epoch()
    assert [t.pattern for t in traces] == [0, 1, 2, 3]
    assert trainer.epoch == 1 and trainer.pattern == 0


FAST_CONFIGS = [
    pytest.param(dict(), id="online"),
    pytest.param(dict(mode="batch"), id="batch"),
    pytest.param(dict(alpha=0.9, hidden=(3, 2)), id="momentum"),
    pytest.param(dict(activation="tanh", eta=0.2), id="tanh"),
    pytest.param(dict(sampling="random"), id="random-sampling"),
    pytest.param(dict(sampling="random", mode="batch", alpha=0.5, hidden=(2, 2, 2)),
                 id="random-batch-momentum"),
    pytest.param(dict(bias=False, mode="batch", alpha=0.3), id="no-bias-batch"),
]  # the simplest case (one pattern an epoch): tests/engine/test_engine_simplest.py


@pytest.mark.parametrize("settings", FAST_CONFIGS)
def test_fast_and_traced_paths_give_the_same_weights(settings: dict) -> None:
    config = TrainingConfig(**settings, seed=21)
    traced, fast, mixed = Trainer(config), Trainer(config), Trainer(config)
    for _ in range(150):
        traced.step_epoch()
    fast.run(150)
    # mixed: phases and patterns, then the fast path finishes the epoch and goes on
    mixed.step_phase()
    mixed.step_phase()
    mixed.step_pattern()
    mixed.run(100)
    mixed.step_epoch()
    mixed.step_pattern()
    mixed.run(49)
    for other in (fast, mixed):
        assert other.epoch == traced.epoch == 150
        np.testing.assert_allclose(other.w, traced.w, rtol=0, atol=1e-12)
        np.testing.assert_allclose(other.dw, traced.dw, rtol=0, atol=1e-12)
        assert other.status == traced.status
        assert other.converged_epoch == traced.converged_epoch


def _state(trainer: Trainer) -> tuple:
    return (trainer.w.copy(), trainer.dw.copy(), trainer.acc.copy(), trainer.epoch,
            trainer.pattern, trainer.phase, trainer.status, trainer.inputs.copy())


def _same(a: tuple, b: tuple) -> bool:
    return all(np.array_equal(x, y) if isinstance(x, np.ndarray) else x == y
               for x, y in zip(a, b, strict=True))


@pytest.mark.parametrize("settings", [
    pytest.param(dict(alpha=0.9), id="online-momentum"),
    pytest.param(dict(mode="batch", alpha=0.5, sampling="random", hidden=(3, 2)),
                 id="batch-momentum-random"),
])
def test_step_back_restores_weights_and_momentum_exactly(settings: dict) -> None:
    trainer = Trainer(TrainingConfig(**settings, seed=9))
    rng = random.Random(4)
    states = []
    actions = [trainer.step_phase, trainer.step_pattern, trainer.step_epoch,
               lambda: trainer.run(rng.randrange(1, 20))]
    for _ in range(1200):
        states.append(_state(trainer))
        rng.choice(actions)()
    assert trainer.can_go_back == 1200
    replay = _state(trainer)
    for expected in reversed(states):
        assert trainer.back()
        assert _same(_state(trainer), expected)
    assert not trainer.back()
    # the same steps again give the same end: the random samples were restored too
    rng = random.Random(4)
    for _ in range(1200):
        rng.choice(actions)()
    assert _same(_state(trainer), replay)


def test_undo_depth_keeps_the_last_steps() -> None:
    trainer = Trainer(TrainingConfig())
    for _ in range(10):
        trainer.step_pattern()
    after_ten = trainer.w.copy()
    for _ in range(UNDO_DEPTH):
        trainer.step_pattern()
    assert UNDO_DEPTH >= 1000
    assert trainer.can_go_back == UNDO_DEPTH
    for _ in range(UNDO_DEPTH):
        assert trainer.back()
    assert not trainer.back()
    assert np.array_equal(trainer.w, after_ten)
