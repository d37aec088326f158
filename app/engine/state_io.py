"""A trainer's state as JSON: what `Trainer.state()` writes and `Trainer.from_state` reads.

The export format of the page (inside the server's envelope, which adds fields of
its own) and of rooms' snapshots. `SavedState` is the validated content:
`from_json` checks every field it reads of a state that came from outside and
raises `FieldError` with the field's path inside the state (`settings.eta`,
`weights[1][0][2]`, `rng.state.state`), never anything else.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .checks import finite_number, whole_number
from .config import TrainingConfig
from .errors import FieldError, shown
from .network import Shape
from .problems import patterns
from .status import CONVERGED_STATE, DIVERGED_STATE, TRAINING

#: Largest epoch count a state may carry.
MAX_EPOCH = 10**15

#: The random-sample generator's state: numpy's PCG64, 128-bit state and increment.
BIT_GENERATOR = "PCG64"
RNG_RANGES = {"state": 2**128 - 1, "inc": 2**128 - 1}
RNG_EXTRA_RANGES = {"has_uint32": 1, "uinteger": 2**32 - 1}


@dataclass
class SavedState:
    """Everything needed to continue a run elsewhere (flat weight vectors)."""

    config: TrainingConfig
    weights: np.ndarray
    momentum: np.ndarray
    accumulated: np.ndarray | None
    epoch: int
    pattern: int
    status: str
    converged_epoch: int | None
    rng_state: dict | None
    inputs: np.ndarray | None
    desired: np.ndarray | None

    def to_json(self, shape: Shape) -> dict[str, Any]:
        """The JSON-ready state; weights nested as layers of neuron rows, bias last."""
        return {
            "settings": self.config.to_dict(),
            "weights": shape.nest(self.weights),
            "momentum": shape.nest(self.momentum),
            "accumulated": shape.nest(self.accumulated),
            "epoch": self.epoch,
            "pattern": self.pattern,
            "status": self.status,
            "converged_epoch": self.converged_epoch,
            "rng": rng_to_json(self.rng_state),
            "inputs": self.inputs.tolist(),
            "desired": self.desired.tolist(),
        }

    @classmethod
    def from_json(cls, state: Any) -> SavedState:
        """The checked content of `state`; raises FieldError with the bad field's path."""
        if not isinstance(state, dict):
            raise FieldError("", f"need an exported object, got {shown(state)}")
        settings = _field(state, "settings", dict)
        try:
            config = TrainingConfig.from_dict(settings)
        except FieldError as error:
            raise error.under("settings") from None
        shape = Shape.of(config)
        weights = shape.flatten(_field(state, "weights", list), "weights")
        momentum = shape.flatten(_field(state, "momentum", list), "momentum")
        accumulated = None
        if "accumulated" in state:
            accumulated = shape.flatten(_field(state, "accumulated", list), "accumulated")
        status = state.get("status", TRAINING)
        if status not in (TRAINING, CONVERGED_STATE, DIVERGED_STATE):
            raise FieldError("status", f"status: {shown(status)} is not training, converged "
                             "or diverged")
        converged = state.get("converged_epoch")
        epoch_close = state.get("epoch_close", True)  # older exports: read, no longer used
        if not isinstance(epoch_close, bool):
            raise FieldError("epoch_close", f"epoch_close: need true or false, got "
                             f"{shown(epoch_close)}")
        rng_state = rng_from_json(state["rng"]) if "rng" in state else None
        inputs = desired = None
        if config.sampling == "random" and "inputs" in state:
            inputs = _samples(_field(state, "inputs", list), "inputs", 2)
            desired = np.array([finite_number(x, f"desired[{i}]") for i, x in
                                enumerate(_rows(_field(state, "desired", list), "desired"))])
        return cls(
            config=config, weights=weights, momentum=momentum, accumulated=accumulated,
            epoch=whole_number(state.get("epoch", 0), "epoch", 0, MAX_EPOCH),
            pattern=whole_number(state.get("pattern", 0), "pattern", 0,
                                 len(patterns(config)[0]) - 1),
            status=status,
            converged_epoch=None if converged is None else whole_number(
                converged, "converged_epoch", 0, MAX_EPOCH),
            rng_state=rng_state, inputs=inputs, desired=desired,
        )


def rng_to_json(state: dict) -> dict:
    """The generator's state with its integers as decimal strings.

    PCG64's state holds 128-bit integers, which JavaScript's JSON.parse would round:
    as strings they survive a trip through the page and back.
    """
    inner = state["state"]
    return {"bit_generator": state["bit_generator"],
            "state": {name: str(inner[name]) for name in RNG_RANGES},
            **{name: str(state[name]) for name in RNG_EXTRA_RANGES}}


def rng_from_json(value: Any) -> dict:
    """The generator's state from its JSON form, checked to be PCG64's exact shape.

    Numbers may be ints or strings of decimal digits, each within its range; any
    other field, a missing one, or a value out of range is refused by its path.
    """
    fields = _exact(value, "rng", ("bit_generator", "state", *RNG_EXTRA_RANGES))
    if fields["bit_generator"] != BIT_GENERATOR:
        raise FieldError("rng.bit_generator", f"rng.bit_generator: need {BIT_GENERATOR!r}, "
                         f"got {shown(fields['bit_generator'])}")
    inner = _exact(fields["state"], "rng.state", tuple(RNG_RANGES))
    result: dict[str, Any] = {"bit_generator": BIT_GENERATOR, "state": {
        name: _big_whole(inner[name], f"rng.state.{name}", most)
        for name, most in RNG_RANGES.items()}}
    for name, most in RNG_EXTRA_RANGES.items():
        result[name] = _big_whole(fields[name], f"rng.{name}", most)
    return result


def _exact(value: Any, field: str, names: tuple[str, ...]) -> dict:
    """`value` as an object with exactly the fields `names`."""
    if not isinstance(value, dict):
        raise FieldError(field, f"{field}: need an object, got {shown(value)}")
    for name in value:
        if name not in names:
            path = f"{field}.{name}" if isinstance(name, str) and len(name) <= 40 else field
            raise FieldError(path, f"{path}: not a field here (fields: {', '.join(names)})")
    for name in names:
        if name not in value:
            raise FieldError(f"{field}.{name}", f"{field}.{name}: missing")
    return value


def _big_whole(value: Any, field: str, most: int) -> int:
    """A whole number 0..most, given as an int or a string of at most 40 decimal digits."""
    if isinstance(value, str) and 0 < len(value) <= 40 and value.isascii() and value.isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= most:
        raise FieldError(field, f"{field}: need a whole number from 0 to {most} (digits "
                         f"or a number), got {shown(value)}")
    return value


def _rows(value: list, field: str) -> list:
    if len(value) != 4:
        raise FieldError(field, f"{field}: need 4 samples, got {shown(value)}")
    return value


def _samples(value: list, field: str, width: int) -> np.ndarray:
    """4 samples of `width` finite numbers."""
    rows = []
    for i, row in enumerate(_rows(value, field)):
        if not isinstance(row, list) or len(row) != width:
            raise FieldError(f"{field}[{i}]", f"{field}[{i}]: need {width} numbers, "
                             f"got {shown(row)}")
        rows.append([finite_number(x, f"{field}[{i}][{k}]") for k, x in enumerate(row)])
    return np.array(rows, dtype=np.float64)


def _field(state: dict, name: str, kind: type) -> Any:
    if name not in state:
        raise FieldError(name, f"{name}: missing")
    value = state[name]
    if not isinstance(value, kind):
        what = "an object" if kind is dict else "a list"
        raise FieldError(name, f"{name}: need {what}, got {shown(value)}")
    return value
