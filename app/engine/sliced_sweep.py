"""A sweep trained a slice at a time: for a progress bar, a live histogram and a cancel button.

`ensemble.sweep` trains every net in one call on all cores, the fastest way when
nothing else runs. A server cannot give one call all its cores: other tabs are
training too. `SlicedSweep` does the same work in slices of a given number of
epochs (`advance`), on one core, nets one after another in seed order, so a
caller can share the machine, report progress between slices and stop at any
slice. Net k's momentum Δw(n-1) is kept between slices, so every net ends exactly
as the trainer with seed `seed + k` ends (bit for bit), however the work is sliced.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from .activations import ACTIVATION_CODES
from .config import TrainingConfig
from .ensemble import SweepResult, check_sweep, net_results, starting_weights
from .kernels import CONVERGED, DIVERGED, kernels_for
from .network import Shape
from .problems import patterns

#: The histogram's bins are equal on a log scale, from epochs / LOG_SPAN up to epochs.
LOG_SPAN = 1000


def epoch_bins(epochs: int, bins: int) -> np.ndarray:
    """`bins + 1` edges for epochs-to-converge, equal steps on a log scale, last edge `epochs`.

    Epochs to converge spread over decades (a lucky net in hundreds, a slow one in
    thousands), so equal steps on a log scale show the whole shape. The first edge
    is epochs / LOG_SPAN (at least 1); faster nets count in the first bin.
    """
    top = max(1, int(epochs))
    low = max(1.0, top / LOG_SPAN)
    if top <= low:
        return np.linspace(0.0, float(top), bins + 1)
    return np.geomspace(low, float(top), bins + 1)


def compile_kernels(config: TrainingConfig) -> None:
    """Compile the kernel a sweep of this network shape runs (a second or two the first
    time in a process, nothing after): callers do it where a wait harms nobody."""
    SlicedSweep(config, nets=1, epochs=1, seed=0).advance(1)


@dataclass(frozen=True)
class FinishedNets:
    """The finished nets of a sweep, in seed order, as read at one moment."""

    status: np.ndarray
    """The kernels' status codes: CONVERGED, DIVERGED or TRAINED (out of epochs)."""
    converged_at: np.ndarray
    """Epochs trained up to the first converged epoch, NaN for a net that never converged."""
    final_loss: np.ndarray
    """Mean of l = ½e² over the patterns with the final weights (NaN: diverged)."""

    def counts(self) -> dict[str, int]:
        """How many finished, converged, got stuck (diverged included), diverged."""
        finished = len(self.status)
        converged = int(np.count_nonzero(self.status == CONVERGED))
        return {"finished": finished, "converged": converged, "stuck": finished - converged,
                "diverged": int(np.count_nonzero(self.status == DIVERGED))}

    def histogram(self, edges: np.ndarray) -> np.ndarray:
        """Converged nets counted by epochs to converge into the bins of `edges`.

        Nets faster than the first edge count in the first bin (see `epoch_bins`).
        """
        at = self.converged_at[~np.isnan(self.converged_at)]
        return np.histogram(np.clip(at, edges[0], edges[-1]), bins=edges)[0]

    def median(self) -> float | None:
        """Median epochs to converge of the converged nets; None if none converged."""
        at = self.converged_at[~np.isnan(self.converged_at)]
        return float(np.median(at)) if at.size else None


class SlicedSweep:
    """`nets` nets of `config` from seeds seed, seed+1, ..., trained `advance(budget)` at a time."""

    def __init__(self, config: TrainingConfig, nets: int, epochs: int, seed: int) -> None:
        """Draw every net's initial weights; compiles the kernels for this shape if needed.

        Raises FieldError naming a bad argument (as `ensemble.sweep` does).
        """
        check_sweep(config, nets, epochs, seed)
        self.config = config
        self.nets, self.epochs, self.seed = int(nets), int(epochs), int(seed)
        shape = Shape.of(config)
        self._kernels = kernels_for(shape.sizes, shape.bias)
        self._code = ACTIVATION_CODES[config.activation]
        self._signals, self._desired = patterns(config)
        self.initial = starting_weights(config, self.nets, self.seed)
        self.weights = self.initial.copy()
        self._dws = np.zeros_like(self.weights)
        self._accs = np.zeros_like(self.weights)
        self.epochs_done = np.zeros(self.nets, dtype=np.int64)
        self.status = np.zeros(self.nets, dtype=np.int64)
        self.converged = np.full(self.nets, -1, dtype=np.int64)
        self.final_loss = np.zeros(self.nets)
        self.finished = 0
        """Nets 0 .. finished-1 are done: converged, diverged or out of epochs."""
        self.net_epochs = 0
        """Epochs trained so far, over all nets."""
        self.elapsed_s = 0.0
        """Wall time spent in `advance`."""

    @property
    def done(self) -> bool:
        """True once every net has finished."""
        return self.finished >= self.nets

    def advance(self, budget: int) -> int:
        """Train about `budget` more epochs in all (less at the end); return how many."""
        if self.done or budget <= 0:
            return 0
        began = time.perf_counter()
        finished, trained = self._kernels.train_in_turn(
            self.weights, self._dws, self._accs, self._code, self.config.eta, self.config.alpha,
            self.config.batch, self._signals, self._desired, self.epochs, self.finished,
            int(budget), self.epochs_done, self.status, self.converged, self.final_loss,
        )
        self.elapsed_s += time.perf_counter() - began
        self.finished = int(finished)
        self.net_epochs += int(trained)
        return int(trained)

    # ----- what the finished nets show -----------------------------------------------------

    def finished_nets(self) -> FinishedNets:
        """The nets finished so far, copied at one moment (safe while a slice runs elsewhere:
        a slice writes only nets from `finished` on, and moves `finished` when it is done)."""
        k = self.finished
        first = self.converged[:k]
        return FinishedNets(status=self.status[:k].copy(),
                            converged_at=np.where(first > 0, first, np.nan).astype(float),
                            final_loss=self.final_loss[:k].copy())

    def forget_weights(self) -> None:
        """Free the per-net weights and momentum (the bulk of the memory) once no more slices
        will run; the finished nets' results stay. `result()` needs them: not after this."""
        self.initial = self.weights = self._dws = self._accs = None  # type: ignore[assignment]

    def result(self) -> SweepResult:
        """The finished nets as an `ensemble.SweepResult` (all of them once `done`)."""
        if self.weights is None:
            raise RuntimeError("result: the weights were forgotten (forget_weights)")
        k = self.finished
        nets = net_results(self.seed, self.initial, self.weights, self.epochs_done[:k],
                           self.status[:k], self.converged[:k], self.final_loss[:k])
        return SweepResult(config=self.config, seed=self.seed, epochs=self.epochs, nets=nets,
                           elapsed_s=self.elapsed_s)
