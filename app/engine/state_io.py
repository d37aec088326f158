"""A trainer's state as JSON: what `Trainer.state()` writes and `Trainer.from_state` reads.

The export format of the page (inside the server's envelope) and of rooms'
snapshots. `SavedState` is the validated content: `from_json` checks every field
of a state that came from outside and raises ValueError naming the field.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .config import TrainingConfig
from .network import Shape
from .status import CONVERGED_STATE, DIVERGED_STATE, TRAINING

#: Largest epoch count a state may carry.
MAX_EPOCH = 10**15


@dataclass
class SavedState:
    """Everything needed to continue a run elsewhere (flat weight vectors)."""

    config: TrainingConfig
    weights: list
    momentum: np.ndarray
    accumulated: np.ndarray | None
    epoch: int
    pattern: int
    status: str
    converged_epoch: int | None
    epoch_close: bool
    rng_state: dict | None
    inputs: np.ndarray | None
    desired: np.ndarray | None

    def to_json(self, shape: Shape) -> dict[str, Any]:
        """The JSON-ready state; weights nested as layers of neuron rows, bias last."""
        return {
            "settings": self.config.to_dict(),
            "weights": self.weights,
            "momentum": shape.nest(self.momentum),
            "accumulated": shape.nest(self.accumulated),
            "epoch": self.epoch,
            "pattern": self.pattern,
            "status": self.status,
            "converged_epoch": self.converged_epoch,
            "epoch_close": self.epoch_close,
            "rng": _jsonable_rng(self.rng_state),
            "inputs": self.inputs.tolist(),
            "desired": self.desired.tolist(),
        }

    @classmethod
    def from_json(cls, state: Any) -> SavedState:
        """The checked content of `state`; raises ValueError naming a bad field."""
        if not isinstance(state, dict):
            raise ValueError("state: need an object")
        config = TrainingConfig.from_dict(_field(state, "settings", dict))
        shape = Shape.from_hidden(config.hidden)
        weights = _field(state, "weights", list)
        shape.flatten(weights)
        momentum = shape.flatten(_field(state, "momentum", list))
        accumulated = None
        if "accumulated" in state:
            accumulated = shape.flatten(_field(state, "accumulated", list))
        status = state.get("status", TRAINING)
        if status not in (TRAINING, CONVERGED_STATE, DIVERGED_STATE):
            raise ValueError(f"status: {status!r} is not training, converged or diverged")
        converged = state.get("converged_epoch")
        rng_state = None
        if "rng" in state:
            rng_state = _rng_from_json(_field(state, "rng", dict))
        inputs = desired = None
        if config.sampling == "random" and "inputs" in state:
            inputs = np.array(_field(state, "inputs", list), dtype=np.float64)
            desired = np.array(_field(state, "desired", list), dtype=np.float64)
            if inputs.shape != (4, 2) or desired.shape != (4,):
                raise ValueError("inputs: need 4 samples of 2 numbers and 4 desired responses")
        return cls(
            config=config, weights=weights, momentum=momentum, accumulated=accumulated,
            epoch=_count(state, "epoch", MAX_EPOCH), pattern=_count(state, "pattern", 3),
            status=status,
            converged_epoch=None if converged is None else _count(state, "converged_epoch",
                                                                   MAX_EPOCH),
            epoch_close=bool(state.get("epoch_close", True)), rng_state=rng_state,
            inputs=inputs, desired=desired,
        )


def _jsonable_rng(state: dict) -> dict:
    """The generator's state with its integers as decimal strings.

    PCG64's state holds 128-bit integers, which JavaScript's JSON.parse would round:
    as strings they survive a trip through the page and back.
    """
    return {
        k: _jsonable_rng(v) if isinstance(v, dict) else str(v) if isinstance(v, int) else v
        for k, v in state.items()
    }


def _rng_from_json(state: dict) -> dict:
    """Inverse of `_jsonable_rng`: decimal strings back to integers."""
    return {
        k: _rng_from_json(v) if isinstance(v, dict)
        else int(v) if isinstance(v, str) and v.isdigit() else v
        for k, v in state.items()
    }


def _field(state: dict, name: str, kind: type) -> Any:
    if name not in state:
        raise ValueError(f"{name}: missing")
    value = state[name]
    if not isinstance(value, kind):
        raise ValueError(f"{name}: need {kind.__name__}, got {type(value).__name__}")
    return value


def _count(state: dict, name: str, most: int) -> int:
    value = state.get(name, 0)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= most:
        raise ValueError(f"{name}: need a whole number from 0 to {most}, got {value!r}")
    return value
