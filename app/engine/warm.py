"""Compiling a network shape's kernels ahead of time, where a wait harms nobody.

numba compiles each of a shape's entry points (`kernels.kernels_for`) on its first call:
from the disk cache in milliseconds when this install compiled the shape before, else a
few seconds. Left to first use, that call comes from wherever the shape is first trained:
inside a session's lock (its frames and commands wait), or in a turn of the shared kernel
pool (every session's run waits). `compile_shape` makes those calls first, in its caller's
thread: the server calls it before it takes a session's lock for a new shape.
"""

from __future__ import annotations

from .config import TrainingConfig
from .network import Shape
from .trainer import Trainer

#: Shapes compiled in this process (two callers at once may both compile one: harmless).
_compiled: set[tuple[tuple[int, ...], bool]] = set()


def compile_shape(config: TrainingConfig) -> None:
    """Compile (or load) the kernels one net of `config`'s shape trains and reads with, by
    using them once: an epoch on the compiled path, the loss and the truth table. Quick
    for a shape this process has compiled already."""
    shape = Shape.of(config)
    key = (shape.sizes, shape.bias)
    if key in _compiled:
        return
    probe = Trainer(config)
    probe.run(1, loss_every=1)
    probe.loss()
    probe.truth_table()
    _compiled.add(key)
