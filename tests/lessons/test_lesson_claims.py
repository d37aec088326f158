"""The shipped lessons' words say what the engine does.

A step's two or three sentences name figures ("converged after about 220 epochs",
"seed 3 never converges", "r is about 0.67 on three patterns"). Each is checked here
by running the engine from the step's own settings and weights, so a change to the
engine or to a lesson that makes a sentence false fails a test instead of misleading a
class.
"""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest

from app.engine import Trainer
from app.engine.config import TrainingConfig
from app.lessons import Step, shipped, step_config

#: Epochs after which a net that has not converged is called stuck in these checks
#: (the lessons' stuck nets stay where they are far longer than any class waits).
LONG = 20_000


def step(lesson: str, title: str) -> Step:
    """The shipped step of `lesson` with this title."""
    found = [s for s in shipped()[lesson].steps if s.title == title]
    assert len(found) == 1, f"{lesson} has no single step {title!r}"
    return found[0]


def converged_epoch(config: TrainingConfig, weights: list | None = None,
                    limit: int = LONG) -> int | None:
    """The epoch after which a new net of `config` is first judged converged.

    None: not within `limit` epochs.
    """
    trainer = Trainer(config, weights)
    trainer.run(limit, stop_on_convergence=True, remember=False)
    return trainer.converged_epoch


def after(s: Step) -> Trainer:
    """A trainer taken where the step leaves the page: its epochs, patterns and phases."""
    trainer = Trainer(step_config(s), s.weights)
    trainer.run(s.advance.epochs, remember=False)
    for _ in range(s.advance.patterns):
        trainer.step_pattern()
    for _ in range(s.advance.phases):
        trainer.step_phase()
    return trainer


def test_the_seed_network_as_the_derivation_lesson_says() -> None:
    forward = step("derivation", "Error and objective")
    assert "about 0.60" in forward.text
    r = Trainer(step_config(forward), forward.weights).responses()
    assert r.shape == (1,) and round(float(r[0]), 2) == 0.60
    # "w went down" after the first update (Descend the gradient)
    descend = step("derivation", "Descend the gradient")
    trainer = Trainer(step_config(descend), descend.weights)
    w_before = trainer.weights()[1][0][0]
    trainer.step_pattern()
    assert trainer.weights()[1][0][0] < w_before
    # "After about 220 epochs ... converged; w crossed zero ... v, which first went down, has grown"
    again = step("derivation", "Again and again")
    assert "about 220 epochs" in again.text
    epoch = converged_epoch(step_config(again), again.weights)
    assert epoch is not None and abs(epoch - 220) <= 10 and epoch <= again.advance.epochs
    trained = after(again)
    assert trained.status == "converged"
    (v0,), (w0,) = (again.weights[0][0], again.weights[1][0])
    (v1,), (w1,) = (trained.weights()[0][0], trained.weights()[1][0])
    assert w0 > 0 > w1 and v1 > v0
    first = Trainer(step_config(again), again.weights)
    first.step_pattern()
    assert first.weights()[0][0][0] < v0  # v first went down


def test_xor_learns_and_seed_3_is_stuck_as_the_lessons_say() -> None:
    learns = step("derivation", "XOR learns")
    assert "after about 1,300 epochs" in learns.text
    epoch = converged_epoch(step_config(learns))
    assert epoch is not None and abs(epoch - 1300) <= 100 and epoch <= learns.advance.epochs
    for lesson, title in [("derivation", "Why XOR sometimes gets stuck"),
                          ("momentum", "No cure for a stuck net")]:
        stuck = step(lesson, title)
        assert "about 0.67 on three patterns" in stuck.text
        assert converged_epoch(step_config(stuck)) is None, title
        r = after(stuck).responses()
        assert sum(abs(x - 0.67) < 0.005 for x in r) == 3, (title, r)


def test_the_learning_rate_and_momentum_figures() -> None:
    slow, default = step("momentum", "The step size η"), step("momentum", "Five times the step")
    assert step_config(slow).eta == 0.1 and step_config(default).eta == 0.5
    assert slow.advance.epochs == default.advance.epochs == 1500
    assert after(slow).status == "training"
    assert after(default).status == "converged"
    slow_epoch = converged_epoch(step_config(slow))
    assert slow_epoch is not None and slow_epoch > 1500  # slow, not stuck: the poll's answer
    larger = step("momentum", "Larger still")
    assert "under 300 epochs" in larger.text
    epoch = converged_epoch(step_config(larger))
    assert epoch is not None and epoch < 300
    # "Try seed 4 with η = 2: it gets stuck where η = 0.5 does not."
    assert "seed 4 with η = 2" in larger.text
    assert converged_epoch(TrainingConfig(seed=4, eta=2.0), limit=100_000) is None
    assert converged_epoch(TrainingConfig(seed=4, eta=0.5)) is not None
    momentum = step("momentum", "Momentum, all the way")
    assert "about 140 epochs instead of about 1,300" in momentum.text
    epoch = converged_epoch(step_config(momentum))
    assert epoch is not None and abs(epoch - 140) <= 15


@pytest.mark.parametrize("lesson", ["derivation", "momentum"])
def test_saturated_hidden_neurons_of_the_stuck_step(lesson: str) -> None:
    """"h(1 − h) is nearly 0" / "σ′ is nearly 0": on the stuck net, for most patterns."""
    title = "Why XOR sometimes gets stuck" if lesson == "derivation" else "No cure for a stuck net"
    trainer = after(step(lesson, title))
    outputs = trainer.outputs_over(trainer.patterns)  # inputs, hidden, response
    h = outputs[:, 2:4]
    slopes = h * (1 - h)
    assert np.all(np.sum(slopes < 0.01, axis=0) >= 3), slopes


def test_the_derivation_lesson_walks_the_headings_in_order() -> None:
    """Every heading of docs/derivation.md, in its order, on the seed's net before XOR."""
    text = (Path(__file__).resolve().parents[2] / "docs" / "derivation.md").read_text("utf-8")
    headings = [line[3:] for line in text.splitlines() if line.startswith("## ")]
    steps = shipped()["derivation"].steps
    places = []
    for s in steps:
        found = [k for k, heading in enumerate(headings) if heading.startswith(s.section)]
        assert len(found) == 1, s.section
        places.append(found[0])
    assert places == sorted(places) and set(places) == set(range(len(headings))), places
    problems = [step_config(s).problem for s in steps]
    first_xor = problems.index("xor")
    assert set(problems[:first_xor]) == {"simplest"} and set(problems[first_xor:]) == {"xor"}
    assert places[first_xor] == len(headings) - 1  # XOR and the stuck net: what the tool adds


def test_the_chain_rule_steps_say_what_the_trace_holds() -> None:
    """The signs and products the simplest case's steps name, against the engine's trace."""
    combined = step("derivation", "Combined terms")
    assert "e is negative and the gradient positive" in combined.text
    trainer = Trainer(step_config(combined), combined.weights)
    trace = trainer.step_pattern()
    s, h, r, e = trace.s[0], trace.outputs[0][0], trace.r, trace.e
    v, w = trace.weights_before[0][0][0], trace.weights_before[1][0][0]
    assert r > trace.d and e < 0 and trace.gradient[1][0][0] > 0
    # "∂l/∂w = −e · r(1 − r) · h": four links multiplied; "Making w smaller would lower l"
    assert trace.gradient[1][0][0] == pytest.approx(e * -1 * r * (1 - r) * h, abs=1e-15)
    smaller = Trainer(step_config(combined), [[[v]], [[w - 1e-3]]])
    assert smaller.loss() < Trainer(step_config(combined), combined.weights).loss()
    # "Six numbers, multiplied, give ∂l/∂v"
    six = e * -1 * r * (1 - r) * w * h * (1 - h) * s
    assert trace.gradient[0][0][0] == pytest.approx(six, abs=1e-15)
    # "δ_o = −∂l/∂a = e · r(1 − r). With it, ∂l/∂w = −δ_o · h"
    assert "δ_o = −∂l/∂a = e · r(1 − r)" in step("derivation", "The local gradient").text
    delta_o = trace.delta[1][0]
    assert delta_o == pytest.approx(e * r * (1 - r), abs=1e-15)
    assert trace.gradient[1][0][0] == pytest.approx(-delta_o * h, abs=1e-15)
    # "δ_h = δ_o · w · h(1 − h)" and "minus the δ of the neuron it feeds, times the input"
    assert "δ_h = δ_o · w · h(1 − h)" in step("derivation", "Backpropagation").text
    delta_h = trace.delta[0][0]
    assert delta_h == pytest.approx(delta_o * w * h * (1 - h), abs=1e-15)
    assert trace.gradient[0][0][0] == pytest.approx(-delta_h * s, abs=1e-15)
    # "w(n+1) = w(n) + Δw, and v moves by Δv = η · δ_h · s, both from ... before"
    eta = step_config(step("derivation", "Descend the gradient")).eta
    (v1,), (w1,) = trainer.weights()[0][0], trainer.weights()[1][0]
    assert w1 - w == pytest.approx(eta * delta_o * h, abs=1e-15)
    assert v1 - v == pytest.approx(eta * delta_h * s, abs=1e-15)


def test_the_stuck_nets_hidden_weights_barely_move() -> None:
    """"δ_h and every Δv all but vanish, and the hidden weights barely move"."""
    stuck = step("derivation", "Why XOR sometimes gets stuck")
    assert "the hidden weights barely move" in stuck.text
    fresh = Trainer(step_config(stuck), stuck.weights)
    before = np.array(fresh.weights()[0])
    fresh.run(1, remember=False)
    first = np.abs(np.array(fresh.weights()[0]) - before).max()  # an epoch's move at the start
    trainer = after(stuck)
    before = np.array(trainer.weights()[0])
    trainer.run(1, remember=False)
    late = np.abs(np.array(trainer.weights()[0]) - before).max()
    # a fifth of the first epoch's move at most, and under a thousandth of the weights' size
    assert late < first / 5 and late < 1e-3 * np.abs(before).max(), (first, late)
    trace = trainer.step_pattern()
    assert max(abs(d) for d in trace.delta[0]) < 2e-3, trace.delta


def test_the_small_step_and_the_wobble_of_momentum() -> None:
    """"every Δw is tiny, and the error curve has hardly come down"; "The curve can wobble"."""
    slow = step("momentum", "The step size η")
    start = Trainer(step_config(slow), slow.weights).loss()
    trainer = after(slow)
    assert trainer.loss() > 0.95 * start  # hardly down after 1,500 epochs
    trace = trainer.step_pattern()
    changes = [abs(x) for layer in trace.learning for neuron in layer for x in neuron]
    weights = [abs(x) for layer in trace.weights_before for neuron in layer for x in neuron]
    assert max(changes) < 0.02 * max(weights), (max(changes), max(weights))
    fast = step("momentum", "Momentum, all the way")
    assert "The curve can wobble" in fast.text
    trainer = Trainer(step_config(fast), fast.weights)
    losses = [trainer.loss()]
    for _ in range(fast.advance.epochs):
        trainer.run(1, remember=False)
        losses.append(trainer.loss())
    assert any(b > a for a, b in pairwise(losses))  # it goes up somewhere


def test_xor_learned_puts_the_odd_patterns_on_one_side() -> None:
    """"all four ✓ ... puts (0,1) and (1,0) on one side, (0,0) and (1,1) on the other"."""
    learns = after(step("derivation", "XOR learns"))
    assert learns.all_close()
    r = learns.responses()
    odd = [r[k] for k, p in enumerate(learns.patterns) if p[0] != p[1]]
    even = [r[k] for k, p in enumerate(learns.patterns) if p[0] == p[1]]
    assert min(odd) > 0.5 > max(even), r
