"""The fast path: whole epochs in the compiled kernel, with no trace.

`FastRun.run` is the part of `Trainer` that trains many epochs at once: it finishes
a half-done epoch on the traced path, then hands stretches of whole epochs to the
kernel. `train_chunk` hands one stretch of epochs to `kernels.train` and reads back what it
did: epochs done, how it stopped, the first converged epoch, the losses it
recorded. With random sampling it draws the stretch's samples from the trainer's
generator first and, when the kernel stops early, rewinds the generator so that it
has drawn exactly the samples of the epochs done: a run then leaves the generator
where the same epochs stepped one by one would.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .checks import whole_number
from .config import TrainingConfig
from .kernels import DIVERGED, Kernels
from .problems import sample
from .status import CONVERGED_STATE, DIVERGED_STATE, TRAINING
from .trace import PatternTrace

#: Epochs of random samples drawn at once (bounds memory on long runs).
RANDOM_CHUNK = 1 << 16


@dataclass
class RunResult:
    """What a fast run did: epochs trained, loss every `loss_every` epochs, final state."""

    epochs: int
    loss_epochs: np.ndarray
    """The epoch count (completed epochs) at which each loss was taken."""
    losses: np.ndarray
    status: str


@dataclass(frozen=True)
class Chunk:
    """What one kernel call did."""

    done: int
    """Epochs trained."""
    status: int
    """The kernel's status code (`kernels.TRAINED`, `CONVERGED`, `DIVERGED`)."""
    converged: int
    """-1: not converged at the end; 0: converged before the chunk and still; k > 0: judged
    converged after the chunk's k-th epoch (and still at its end)."""
    loss_epochs: list[int]
    losses: list[float]


def train_chunk(kernels: Kernels, config: TrainingConfig, code: int, w: np.ndarray,
                dw: np.ndarray, acc: np.ndarray, rng: np.random.Generator,
                inputs: np.ndarray, desired: np.ndarray, offset: int, epochs: int,
                loss_every: int, converged_before: bool, stop: bool, patterns: np.ndarray,
                targets: np.ndarray) -> Chunk:
    """Train `epochs` whole epochs from pattern 0 of epoch `offset`, in place (w, dw, acc).

    `inputs`/`desired`: this epoch's samples (random sampling) or the patterns. The
    loss on `patterns` is recorded after every epoch whose count is a multiple of
    `loss_every` (0: never); convergence is judged after every epoch on the patterns
    (`compiled.train_epochs`); `stop` ends the chunk when the net becomes converged.
    """
    if config.sampling == "random":
        # this epoch's samples are drawn already; later ones continue the same stream
        state = rng.bit_generator.state
        more, more_d = sample(config.problem, rng, epochs - 1)
        inputs = np.concatenate([inputs, more])
        desired = np.concatenate([desired, more_d])
    loss_out = np.empty(epochs // loss_every + 1 if loss_every else 0)
    done, status, converged = kernels.train(
        w, dw, acc, code, config.eta, config.alpha, config.batch, config.sampling == "random",
        inputs, desired, epochs, converged_before, stop, loss_every, offset, loss_out, patterns,
        targets,
    )
    loss_epochs: list[int] = []
    losses: list[float] = []
    for i in range(len(loss_out)):
        at = (offset // loss_every + 1 + i) * loss_every
        if at > offset + done:
            break
        loss_epochs.append(at)
        losses.append(float(loss_out[i]))
    if config.sampling == "random" and done < epochs:
        rng.bit_generator.state = state  # stopped early: draw only what the epochs done used
        sample(config.problem, rng, done - 1)
    return Chunk(int(done), int(status), int(converged), loss_epochs, losses)


class FastRun:
    """Training whole epochs on the compiled path (a part of `Trainer`)."""

    config: TrainingConfig
    kernels: Kernels
    code: int
    w: np.ndarray
    dw: np.ndarray
    acc: np.ndarray
    rng: np.random.Generator
    epoch: int
    pattern: int
    phase: int
    status: str
    converged_epoch: int | None
    inputs: np.ndarray
    desired: np.ndarray
    patterns: np.ndarray
    targets: np.ndarray
    _remember: Callable[[], None]
    _advance_phase: Callable[[], PatternTrace]
    _new_epoch_inputs: Callable[[], None]
    loss: Callable[[], float]

    def run(self, epochs: int, loss_every: int = 0, stop_on_convergence: bool = False,
            remember: bool = True) -> RunResult:
        """Train `epochs` whole epochs on the compiled path, with no trace.

        A half-done epoch is finished first (on the traced path, counted in `epochs`).
        The loss with the current weights is recorded after every epoch whose count is
        a multiple of `loss_every` (0: never). Stops early on divergence, or at
        convergence when `stop_on_convergence`. One undoable step unless `remember` is
        False.
        """
        epochs = whole_number(epochs, "epochs", 0)
        loss_every = whole_number(loss_every, "loss_every", 0)
        if remember:
            self._remember()
        start = self.epoch
        loss_epochs: list[int] = []
        losses: list[float] = []
        if epochs and (self.pattern or self.phase):
            while self.epoch == start:
                self._advance_phase()
            epochs -= 1
            if loss_every and self.epoch % loss_every == 0:
                loss_epochs.append(self.epoch)
                losses.append(self.loss())
        while epochs > 0 and self.status != DIVERGED_STATE:
            if stop_on_convergence and self.status == CONVERGED_STATE:
                break
            size = min(epochs, RANDOM_CHUNK) if self.config.sampling == "random" else epochs
            chunk = train_chunk(self.kernels, self.config, self.code, self.w, self.dw, self.acc,
                                self.rng, self.inputs, self.desired, self.epoch, size,
                                loss_every, self.status == CONVERGED_STATE,
                                stop_on_convergence, self.patterns, self.targets)
            loss_epochs.extend(chunk.loss_epochs)
            losses.extend(chunk.losses)
            offset = self.epoch
            self.epoch += chunk.done
            if chunk.status == DIVERGED:
                self.status = DIVERGED_STATE
            elif chunk.converged > 0:
                self.status, self.converged_epoch = CONVERGED_STATE, offset + chunk.converged
            elif chunk.converged < 0:
                self.status, self.converged_epoch = TRAINING, None
            if self.config.sampling == "random":
                self._new_epoch_inputs()
            epochs -= size
            if chunk.done < size:
                break
        return RunResult(self.epoch - start, np.array(loss_epochs, dtype=np.int64),
                         np.array(losses, dtype=np.float64), self.status)
