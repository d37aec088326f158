"""The simplest case (1 input, 1 hidden neuron, 1 output, no biases, one pattern (s, d)),
against the derivation's scalar formulas written out here, and with biases too."""

from __future__ import annotations

import math

import numpy as np
import pytest

from app.engine import Trainer, TrainingConfig
from app.engine.gradcheck import check_gradient


def sigma(x: float, tanh: bool) -> float:
    return math.tanh(x) if tanh else 1.0 / (1.0 + math.exp(-x))


def scalar_step(v: float, w: float, s: float, d: float, eta: float, tanh: bool) -> dict:
    """One pattern of s -> v -> b -> σ -> h -> w -> a -> σ -> r, as the derivation writes it."""
    b = v * s
    h = sigma(b, tanh)
    a = w * h
    r = sigma(a, tanh)
    e = d - r
    l = 0.5 * e * e  # noqa: E741
    delta_o = e * (1.0 - r * r) if tanh else e * r * (1.0 - r)
    delta_h = (1.0 - h * h) * delta_o * w if tanh else h * (1.0 - h) * delta_o * w
    dw = eta * delta_o * h
    dv = eta * delta_h * s
    return dict(b=b, h=h, a=a, r=r, e=e, l=l, delta_o=delta_o, delta_h=delta_h, dw=dw, dv=dv,
                v=v + dv, w=w + dw)


CASES = [
    pytest.param(dict(), id="defaults-s1-d0"),
    pytest.param(dict(s=-2.5, d=0.8, eta=0.9), id="negative-s"),
    pytest.param(dict(s=0.3, d=1.0, eta=4.0), id="big-eta"),
    pytest.param(dict(activation="tanh", s=1.5, d=-0.6, eta=0.2), id="tanh"),
]


def simplest(**settings) -> TrainingConfig:
    return TrainingConfig.from_dict({"problem": "simplest", **settings})


@pytest.mark.parametrize("settings", CASES)
def test_every_step_is_the_scalar_derivation(settings: dict) -> None:
    config = simplest(**settings)
    assert (config.hidden, config.bias) == ((1,), False)
    trainer = Trainer(config)
    (v,), (w,) = trainer.weights()[0][0], trainer.weights()[1][0]
    tanh = config.activation == "tanh"
    for step in range(3000):
        expected = scalar_step(v, w, config.s, config.d, config.eta, tanh)
        t = trainer.step_pattern()
        assert (t.epoch, t.pattern) == (step, 0)
        assert t.s == [config.s] and t.d == config.d
        assert (t.b, t.h, t.a, t.r) == ([[expected["b"]]], [[expected["h"]]], expected["a"],
                                        expected["r"])
        assert (t.e, t.l, t.delta_o, t.delta_h) == (expected["e"], expected["l"],
                                                   expected["delta_o"], [[expected["delta_h"]]])
        assert t.change == [[[expected["dv"]]], [[expected["dw"]]]]
        v, w = expected["v"], expected["w"]
        assert trainer.weights() == [[[v]], [[w]]]  # no bias column
    assert trainer.epoch == 3000


@pytest.mark.parametrize("settings", CASES)
def test_the_fast_path_is_the_scalar_derivation(settings: dict) -> None:
    config = simplest(**settings)
    trainer = Trainer(config)
    (v,), (w,) = trainer.weights()[0][0], trainer.weights()[1][0]
    trainer.run(5000)
    converged = None
    for epoch in range(5000):
        step = scalar_step(v, w, config.s, config.d, config.eta, config.activation == "tanh")
        v, w = step["v"], step["w"]
        after = scalar_step(v, w, config.s, config.d, 0.0, config.activation == "tanh")
        if abs(after["e"]) >= 0.1:
            converged = None
        elif converged is None:
            converged = epoch + 1
    assert trainer.weights() == [[[v]], [[w]]]
    assert trainer.converged_epoch == converged
    assert trainer.loss() == after["l"]
    (row,) = trainer.truth_table()
    assert (row["s"], row["d"], row["r"], row["e"]) == ([config.s], config.d, after["r"],
                                                        after["e"])


def test_choosing_simplest_presets_the_derivations_net_unless_told_otherwise() -> None:
    xor = TrainingConfig(hidden=(3,), sampling="random")
    chosen = TrainingConfig.from_dict({"problem": "simplest"}, base=xor)
    assert (chosen.hidden, chosen.bias, chosen.sampling) == ((1,), False, "patterns")
    told = TrainingConfig.from_dict({"problem": "simplest", "hidden": [2], "bias": True})
    assert (told.hidden, told.bias) == ((2,), True)
    back = TrainingConfig.from_dict({"problem": "xor"}, base=chosen)
    assert back.bias is True and back.hidden == (1,)
    unchanged = TrainingConfig.from_dict({"eta": 2.0}, base=chosen)
    assert (unchanged.hidden, unchanged.bias) == ((1,), False)
    assert TrainingConfig.from_dict({"bias": False}).bias is False  # on a Boolean problem too


@pytest.mark.parametrize(("values", "field"), [
    ({"s": 11}, "s"), ({"d": -1.5}, "d"), ({"d": math.nan}, "d"), ({"bias": 1}, "bias"),
    ({"bias": "false"}, "bias"), ({"problem": "simplest", "sampling": "random"}, "sampling"),
])
def test_bad_simplest_settings_are_refused_by_name(values: dict, field: str) -> None:
    with pytest.raises(ValueError) as caught:
        TrainingConfig.from_dict(values)
    assert caught.value.field == field


@pytest.mark.parametrize("settings", [
    pytest.param(dict(problem="simplest"), id="simplest"),
    pytest.param(dict(problem="simplest", bias=True, hidden=[3, 2]), id="simplest-bias"),
    pytest.param(dict(problem="simplest", activation="tanh", s=-3.0, d=0.4), id="simplest-tanh"),
    pytest.param(dict(bias=False), id="xor-no-bias"),
    pytest.param(dict(bias=False, hidden=[3, 2], activation="tanh"), id="xor-no-bias-tanh"),
])
def test_gradient_check_with_and_without_biases(settings: dict) -> None:
    config = TrainingConfig.from_dict({**settings, "init_range": 2.0, "seed": 4})
    trainer = Trainer(config)
    trainer.run(20)
    result = check_gradient(trainer)
    assert result.ok and result.max_abs_difference < 1e-8


@pytest.mark.parametrize("settings", [
    pytest.param(dict(problem="simplest", alpha=0.7), id="simplest-momentum"),
    pytest.param(dict(problem="simplest", mode="batch", bias=True, hidden=[2]), id="batch"),
    pytest.param(dict(bias=False, alpha=0.5, hidden=[3]), id="xor-no-bias"),
])
def test_fast_traced_undo_and_export_agree_without_biases_or_with_one_input(
        settings: dict) -> None:
    config = TrainingConfig.from_dict({**settings, "seed": 9})
    fast, traced = Trainer(config), Trainer(config)
    fast.run(400)
    for _ in range(400):
        traced.step_epoch()
    assert np.array_equal(fast.w, traced.w) and np.array_equal(fast.dw, traced.dw)
    assert (fast.status, fast.converged_epoch) == (traced.status, traced.converged_epoch)
    copy = Trainer.from_state(fast.state())
    copy.run(100)
    fast.run(100)
    assert np.array_equal(copy.w, fast.w)
    before = fast.w.copy()
    fast.step_phase()
    fast.step_pattern()
    fast.run(30)
    for _ in range(3):
        assert fast.back()
    assert np.array_equal(fast.w, before)
    assert fast.shape.weight_count == sum(n * m for n, m in fast.shape.layer_shapes)


def test_weights_without_a_bias_column_are_the_wire_format() -> None:
    trainer = Trainer(simplest(), [[[0.5]], [[-1.0]]])
    assert trainer.weights() == [[[0.5]], [[-1.0]]]
    with pytest.raises(ValueError) as caught:
        trainer.set_weights([[[0.5, 0.1]], [[-1.0]]])
    assert caught.value.field == "weights[0][0]"
    with pytest.raises(ValueError) as caught:
        trainer.set_weight(0, 0, 1, 2.0)  # there is no bias column
    assert caught.value.field == "input"
