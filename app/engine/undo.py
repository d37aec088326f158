"""Undo: a trainer's last positions in training, restored exactly by `back`.

A position is every attribute that the next step reads or writes (`POSITION`) and
the state of the random-sample generator, so undoing and redoing the same steps
ends on the same weights, to the last bit, even with random sampling.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Any

#: How many steps `back` can undo.
UNDO_DEPTH = 2000

#: The trainer's attributes that make up its position in training.
POSITION = ("w", "dw", "acc", "epoch", "pattern", "phase", "pending", "status",
            "converged_epoch", "inputs", "desired")

#: The position's arrays that are changed in place, so copied into a snapshot.
ARRAYS = ("w", "dw", "acc")


@dataclass(frozen=True)
class Snapshot:
    """One remembered position."""

    values: dict[str, Any]
    rng_state: dict


class Undo:
    """The last `depth` positions of one trainer, newest last."""

    def __init__(self, depth: int = UNDO_DEPTH) -> None:
        self._snapshots: deque[Snapshot] = deque(maxlen=depth)

    def __len__(self) -> int:
        return len(self._snapshots)

    def clear(self) -> None:
        """Forget every position."""
        self._snapshots.clear()

    def remember(self, trainer: Any) -> None:
        """Keep `trainer`'s present position (the oldest goes when `depth` are kept)."""
        values = {name: getattr(trainer, name) for name in POSITION}
        for name in ARRAYS:
            values[name] = values[name].copy()
        self._snapshots.append(Snapshot(values, trainer.rng.bit_generator.state))

    def restore(self, trainer: Any) -> bool:
        """Put `trainer` back at the newest remembered position; False when there is none."""
        if not self._snapshots:
            return False
        snapshot = self._snapshots.pop()
        for name, value in snapshot.values.items():
            setattr(trainer, name, value)
        trainer.rng.bit_generator.state = snapshot.rng_state
        return True
