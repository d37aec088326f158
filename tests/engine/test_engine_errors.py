"""Every engine check raises FieldError with the path of the field, for any input."""

from __future__ import annotations

import copy
import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from live_support import examples

from app.engine import Shape, Trainer, TrainingConfig, targets
from app.engine.ensemble import sweep
from app.engine.errors import FieldError
from app.engine.gradcheck import check_gradient


def refused(call: Any, *args: Any, **kwargs: Any) -> FieldError:
    """The FieldError `call` raises (any other outcome fails the test)."""
    with pytest.raises(FieldError) as caught:
        call(*args, **kwargs)
    error = caught.value
    assert str(error).startswith(error.field), error  # the message leads with the path
    assert len(str(error)) < 300, error
    return error


@pytest.mark.parametrize(("values", "field"), [
    ({"eta": -1}, "eta"), ({"eta": "fast"}, "eta"), ({"eta": math.nan}, "eta"),
    ({"eta": 10**400}, "eta"), ({"alpha": True}, "alpha"), ({"seed": 2.5}, "seed"),
    ({"seed": 2**300}, "seed"), ({"hidden": [9]}, "hidden"), ({"hidden": [[[2]]]}, "hidden"),
    ({"hidden": "2,x"}, "hidden"), ({"problem": "maybe"}, "problem"),
    ({"problem": ["xor"]}, "problem"), ({"colour": 1}, "colour"), ({"mode": None}, "mode"),
])
def test_settings_are_refused_by_name(values: dict, field: str) -> None:
    assert refused(TrainingConfig.from_dict, values).field == field


def test_a_settings_object_that_is_not_one_has_no_field_of_its_own() -> None:
    error = refused(TrainingConfig.from_dict, [1, 2])
    assert error.field == "" and error.under("settings").field == "settings"


@pytest.mark.parametrize(("weights", "field"), [
    ("heavy", "weights"),
    ([[[0.1, 0.2, 0.3]]], "weights"),
    ([[[0.1, 0.2, 0.3]], [[0.1, 0.2]]], "weights[0]"),
    ([[[0.1, 0.2, 0.3], [0.1, 0.2]], [[0.1, 0.2, 0.3]]], "weights[0][1]"),
    ([[[0.1, 0.2, 0.3], [0.1, 0.2, 0.3]], [[0.1, 0.2, math.inf]]], "weights[1][0][2]"),
    ([[[0.1, 0.2, 0.3], [0.1, "0.2", 0.3]], [[0.1, 0.2, 0.3]]], "weights[0][1][1]"),
    ([[[0.1, 0.2, 0.3], [0.1, 0.2, 0.3]], [[0.1, 10**400, 0.3]]], "weights[1][0][1]"),
    ([[[None, 0.2, 0.3], [0.1, 0.2, 0.3]], [[0.1, 0.2, 0.3]]], "weights[0][0][0]"),
])
def test_weights_are_refused_by_their_path(weights: Any, field: str) -> None:
    assert refused(Trainer, TrainingConfig(), weights).field == field
    assert refused(Trainer(TrainingConfig()).set_weights, weights).field == field


@pytest.mark.parametrize(("args", "field"), [
    ((2, 0, 0, 1.0), "layer"), ((True, 0, 0, 1.0), "layer"), ((0, 2, 0, 1.0), "neuron"),
    ((1, 0, 3, 1.0), "input"), ((0, 0, 0, math.nan), "value"), ((0, 0, 0, "1"), "value"),
])
def test_one_weight_is_refused_by_its_field(args: tuple, field: str) -> None:
    trainer = Trainer(TrainingConfig())
    assert refused(trainer.set_weight, *args).field == field
    assert trainer.can_go_back == 0  # nothing happened


def test_runs_sweeps_and_checks_name_their_arguments() -> None:
    trainer = Trainer(TrainingConfig())
    assert refused(trainer.run, -1).field == "epochs"
    assert refused(trainer.run, 10, loss_every=1.5).field == "loss_every"
    assert refused(sweep, TrainingConfig(), 0, 10, 1).field == "nets"
    assert refused(sweep, TrainingConfig(sampling="random"), 2, 10, 1).field == "sampling"
    assert refused(check_gradient, trainer, step=2.0).field == "step"
    assert refused(targets, "maybe").field == "problem"
    assert refused(Shape.from_hidden, (1, 2, 3, 4)).field == "hidden"


def good_state() -> dict:
    trainer = Trainer(TrainingConfig(sampling="random", alpha=0.5, hidden=(3,)))
    trainer.run(7)
    trainer.step_pattern()
    return trainer.state()


def nested(depth: int) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = [value]
    return value


def with_value(state: dict, path: tuple, value: Any) -> dict:
    state = copy.deepcopy(state)
    place = state
    for key in path[:-1]:
        place = place[key]
    place[path[-1]] = value
    return state


@pytest.mark.parametrize(("path", "value", "field"), [
    (("settings", "eta"), -1, "settings.eta"),
    (("settings", "hidden"), [2, 2, 2, 2], "settings.hidden"),
    (("settings",), "xor", "settings"),
    (("weights", 1, 0, 2), "w", "weights[1][0][2]"),
    (("weights", 0), [], "weights[0]"),
    (("momentum", 0, 2, 1), math.nan, "momentum[0][2][1]"),
    (("accumulated",), nested(950), "accumulated"),
    (("epoch",), -1, "epoch"),
    (("epoch",), 2**300, "epoch"),
    (("pattern",), 4, "pattern"),
    (("status",), "party", "status"),
    (("status",), ["training"], "status"),
    (("converged_epoch",), "3", "converged_epoch"),
    (("epoch_close",), "yes", "epoch_close"),
    (("rng", "state", "state"), 2**300, "rng.state.state"),
    (("rng", "state", "state"), str(2**128), "rng.state.state"),
    (("rng", "state", "state"), "12a", "rng.state.state"),
    (("rng", "state", "state"), "1" * 5000, "rng.state.state"),
    (("rng", "state", "state"), -5, "rng.state.state"),
    (("rng", "state", "inc"), 1.5, "rng.state.inc"),
    (("rng", "state", "inc"), nested(950), "rng.state.inc"),
    (("rng", "state"), nested(950), "rng.state"),
    (("rng", "state", "extra"), 1, "rng.state.extra"),
    (("rng", "bit_generator"), "MT19937", "rng.bit_generator"),
    (("rng", "has_uint32"), 2, "rng.has_uint32"),
    (("rng", "uinteger"), str(2**32), "rng.uinteger"),
    (("rng",), "seeded", "rng"),
    (("inputs",), [[0.5, 0.5]] * 3, "inputs"),
    (("inputs", 2), ["0.1", 0.2], "inputs[2][0]"),
    (("inputs", 1), nested(950), "inputs[1]"),
    (("desired", 3), "one", "desired[3]"),
])
def test_a_bad_state_is_refused_by_its_path(path: tuple, value: Any, field: str) -> None:
    assert refused(Trainer.from_state, with_value(good_state(), path, value)).field == field


def test_missing_rng_fields_are_named() -> None:
    state = good_state()
    del state["rng"]["has_uint32"]
    assert refused(Trainer.from_state, state).field == "rng.has_uint32"
    assert refused(Trainer.from_state, "state").field == ""


def test_a_state_goes_round_trip_exactly_with_ints_or_digits_in_the_rng() -> None:
    state = good_state()
    as_ints = with_value(state, ("rng", "state", "state"), int(state["rng"]["state"]["state"]))
    for source in (state, as_ints):
        trainer = Trainer.from_state(source)
        assert trainer.state() == state
        again = Trainer.from_state(state)
        trainer.run(50)
        again.run(50)
        assert np.array_equal(trainer.w, again.w)


#: Values a hostile import puts anywhere.
ANY_VALUE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=4),
    max_leaves=12,
)


def paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    """Every path to a value inside `value`."""
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, inner in value.items():
            found += paths(inner, (*prefix, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            found += paths(inner, (*prefix, index))
    return found


GOOD = good_state()
PATHS = paths(GOOD)


@settings(max_examples=examples(300), deadline=None)
@given(st.sampled_from(PATHS), ANY_VALUE)
def test_any_value_anywhere_in_a_state_is_imported_or_refused_by_field(path: tuple,
                                                                       value: Any) -> None:
    state = with_value(GOOD, path, value)
    try:
        trainer = Trainer.from_state(state)
    except FieldError as error:
        assert str(error).startswith(error.field) and len(str(error)) < 300
        return
    trainer.run(3)  # what was accepted trains
    assert trainer.status in ("training", "converged", "diverged")
