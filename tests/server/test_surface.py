"""The decision surface at 256 levels, sent again only when a level changed, and at most
every RUNNING_INTERVAL seconds while a run goes on."""

from __future__ import annotations

import numpy as np

from app.engine import Trainer, TrainingConfig
from app.sessions.surface import RUNNING_INTERVAL, SurfaceDue, quantise, surface, surface_grid


def test_levels_are_the_nearest_of_256_across_the_activations_range() -> None:
    values = np.array([0.0, 1.0, 0.5, 0.001, 0.999, 1 / 255, 0.5 / 255 - 1e-9, np.nan])
    levels = quantise(values, 0.0, 1.0, "grid")
    assert levels.dtype == np.uint8
    assert list(levels) == [0, 255, 128, 0, 255, 1, 0, 0]
    tanh = quantise(np.array([-1.0, 0.0, 1.0]), -1.0, 1.0, "grid")
    assert list(tanh) == [0, 128, 255]


def test_a_tanh_net_says_its_range() -> None:
    picture = surface(Trainer(TrainingConfig(activation="tanh")))
    assert (picture["lo"], picture["hi"]) == (-1.0, 1.0)
    outputs = Trainer(TrainingConfig(activation="tanh")).outputs_over(surface_grid())
    assert np.all(np.abs(picture["output"] / 255 * 2 - 1 - outputs[:, -1]) <= 1 / 255 + 1e-12)


def test_unchanged_weights_send_nothing_and_a_tiny_change_sends_nothing_either() -> None:
    trainer = Trainer(TrainingConfig())
    due = SurfaceDue()
    assert due.next(trainer, running=False, now=0.0) is not None  # the first: always
    assert due.next(trainer, running=False, now=1.0) is None  # same weights
    weights = trainer.weights()
    weights[1][0][0] += 1e-9  # far below a level anywhere
    trainer.set_weights(weights)
    assert due.next(trainer, running=False, now=2.0) is None
    weights[1][0][0] += 3.0  # moves the response by many levels
    trainer.set_weights(weights)
    assert due.next(trainer, running=False, now=3.0) is not None


def test_while_running_a_changed_surface_waits_its_interval_then_comes() -> None:
    trainer = Trainer(TrainingConfig())
    due = SurfaceDue()
    assert due.next(trainer, running=True, now=10.0) is not None
    trainer.run(200)
    assert due.next(trainer, running=True, now=10.0 + RUNNING_INTERVAL / 2) is None  # too soon
    later = due.next(trainer, running=True, now=10.0 + RUNNING_INTERVAL)
    assert later is not None
    trainer.run(200)
    # a paused session gets the newest picture at once, however recent the last one
    assert due.next(trainer, running=False, now=10.0 + RUNNING_INTERVAL + 0.01) is not None



def test_a_changed_setting_sends_the_surface_at_once_even_while_running() -> None:
    trainer = Trainer(TrainingConfig(problem="simplest", bias=False, hidden=(1,)))
    due = SurfaceDue()
    assert due.next(trainer, running=True, now=0.0)["range"] == [-2.0, 2.0]
    state = trainer.state()
    state["settings"] = {**state["settings"], "s": 2.5}  # a live setting: the run goes on
    moved = Trainer.from_state(state)
    # the picture the client has is wrong now, not just a moment old: no waiting
    assert due.next(moved, running=True, now=0.01)["range"] == [-4.0, 4.0]
