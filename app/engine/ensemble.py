"""The ensemble: K networks from K seeds trained side by side, for the seed sweep.

Net k starts from `initial_weights(shape, seed + k, init_range)`, exactly the
weights `Trainer(TrainingConfig(..., seed=seed + k))` starts from, so any net of a
sweep can be replayed step by step on the page. All K nets train at once in one
compiled call (`kernels_for(...).train_many`, parallel over the cores), each
stopping at its convergence: the first epoch after whose pass, with the weights as
they are then, every pattern has |e| < 0.1 (`status.CONVERGENCE_ERROR`, the
trainer's and the truth table's criterion). A net that
has not converged within the epoch budget is *stuck*: with XOR, η = 0.5 and
initial weights in [-1, 1], about one net in five is still stuck after 20,000
epochs (measured by `tests/engine/test_engine_ensemble.py` and `bench/engine.py`).

The sweep trains on the problem's patterns only: the 1996 random sampling would
need its own stream of samples per net (K × epochs × 4 inputs), so a config with
`sampling="random"` is refused with a FieldError naming the setting.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from .activations import ACTIVATION_CODES
from .checks import whole_number
from .config import MAX_SEED, TrainingConfig
from .errors import FieldError
from .kernels import CONVERGED, DIVERGED, kernels_for
from .network import Shape, initial_weights
from .problems import patterns
from .status import CONVERGED_STATE, DIVERGED_STATE, TRAINING

#: Largest ensemble `sweep` accepts (memory is K × weights × 8 bytes, time is the limit).
MAX_NETS = 1_000_000

#: Percentiles of epochs-to-converge reported in the summary.
PERCENTILES: tuple[int, ...] = (10, 25, 50, 75, 90)


@dataclass(frozen=True)
class NetResult:
    """One network of a sweep."""

    seed: int
    """The seed its initial weights were drawn from (`initial_weights`)."""
    initial_weights: np.ndarray
    """Its initial weights, flat (layer by layer, neuron rows, bias last)."""
    final_weights: np.ndarray
    """Its weights when it stopped (at convergence or after the epoch budget)."""
    final_loss: float
    """Mean over the patterns of l = ½e², with the final weights."""
    epochs: int
    """Epochs trained (it stops at convergence)."""
    epochs_to_converge: int | None
    """The epoch (counted from 1) after which it was judged converged; None if never."""
    status: str
    """The trainer's states: "converged", "training" (ran out of epochs) or "diverged"."""

    @property
    def stuck(self) -> bool:
        """Not converged within the epoch budget."""
        return self.epochs_to_converge is None


@dataclass(frozen=True)
class SweepResult:
    """What a sweep found: every net, and how fast they trained."""

    config: TrainingConfig
    seed: int
    epochs: int
    """The epoch budget per net."""
    nets: list[NetResult]
    elapsed_s: float
    """Wall time of the training call alone (compilation excluded)."""

    @property
    def net_epochs(self) -> int:
        """Network-epochs trained, over all nets (converged nets stop early)."""
        return sum(net.epochs for net in self.nets)

    @property
    def net_epochs_per_second(self) -> float:
        """Network-epochs per second of the training call."""
        return self.net_epochs / self.elapsed_s if self.elapsed_s > 0 else 0.0

    @property
    def converged(self) -> int:
        """How many nets converged."""
        return sum(net.status == CONVERGED_STATE for net in self.nets)

    @property
    def stuck(self) -> int:
        """How many nets did not converge within the budget (diverged ones included)."""
        return sum(net.stuck for net in self.nets)

    @property
    def diverged(self) -> int:
        """How many nets ended with non-finite weights."""
        return sum(net.status == DIVERGED_STATE for net in self.nets)

    @property
    def stuck_share(self) -> float:
        """Stuck nets as a share of all nets."""
        return self.stuck / len(self.nets) if self.nets else 0.0

    def epochs_to_converge(self) -> dict[str, float] | None:
        """Distribution of epochs to converge over the converged nets, None if none did.

        Keys: min, p10, p25, p50 (the median), p75, p90, max, mean.
        """
        counts = np.array([n.epochs_to_converge for n in self.nets if not n.stuck], dtype=float)
        if counts.size == 0:
            return None
        spread = {"min": float(counts.min())}
        for q, value in zip(PERCENTILES, np.percentile(counts, PERCENTILES), strict=True):
            spread[f"p{q}"] = float(value)
        spread["max"] = float(counts.max())
        spread["mean"] = float(counts.mean())
        return spread

    def summary(self) -> dict[str, Any]:
        """The counts, the distribution and the speed, JSON-ready."""
        return {
            "nets": len(self.nets),
            "epochs": self.epochs,
            "converged": self.converged,
            "stuck": self.stuck,
            "diverged": self.diverged,
            "stuck_share": self.stuck_share,
            "epochs_to_converge": self.epochs_to_converge(),
            "net_epochs": self.net_epochs,
            "elapsed_s": self.elapsed_s,
            "net_epochs_per_second": self.net_epochs_per_second,
        }

    def to_dict(self) -> dict[str, Any]:
        """Settings, summary and every net (weights as nested lists), JSON-ready.

        A diverged net's loss may be nan: callers writing strict JSON replace it.
        """
        shape = Shape.of(self.config)
        settings = self.config.to_dict()
        settings["seed"] = self.seed
        return {
            "settings": settings,
            "summary": self.summary(),
            "nets": [
                {
                    "seed": net.seed,
                    "status": net.status,
                    "stuck": net.stuck,
                    "epochs": net.epochs,
                    "epochs_to_converge": net.epochs_to_converge,
                    "final_loss": net.final_loss,
                    "initial_weights": shape.nest(net.initial_weights),
                    "final_weights": shape.nest(net.final_weights),
                }
                for net in self.nets
            ],
        }


def check_sweep(config: TrainingConfig, nets: int, epochs: int, seed: int) -> None:
    """Raise FieldError naming the first bad argument of a sweep."""
    if config.sampling != "patterns":
        raise FieldError("sampling", "sampling: the sweep trains on the problem's patterns "
                         "only, not random samples")
    whole_number(nets, "nets", 1, MAX_NETS)
    whole_number(epochs, "epochs", 0)
    whole_number(seed, "seed", 0, MAX_SEED + 1 - int(nets))  # the last net's seed is a seed


def starting_weights(config: TrainingConfig, nets: int, seed: int) -> np.ndarray:
    """Row k: the initial weights of the trainer with seed `seed + k` (flat)."""
    shape = Shape.of(config)
    rows = [initial_weights(shape, seed + k, config.init_range) for k in range(nets)]
    return np.array(rows).reshape(nets, shape.weight_count)


def net_results(seed: int, start: np.ndarray, final: np.ndarray, done: np.ndarray,
                status: np.ndarray, converged: np.ndarray,
                final_loss: np.ndarray) -> list[NetResult]:
    """The first len(done) nets of a sweep from the kernels' per-net arrays."""
    names = {CONVERGED: CONVERGED_STATE, DIVERGED: DIVERGED_STATE}
    return [
        NetResult(
            seed=seed + k,
            initial_weights=start[k],
            final_weights=final[k],
            final_loss=float(final_loss[k]),
            epochs=int(done[k]),
            epochs_to_converge=int(converged[k]) if converged[k] > 0 else None,
            status=names.get(int(status[k]), TRAINING),
        )
        for k in range(len(done))
    ]


def sweep(config: TrainingConfig, nets: int, epochs: int, seed: int) -> SweepResult:
    """Train `nets` networks of `config` from seeds seed, seed+1, ... for up to `epochs` each.

    Every setting of `config` applies (problem, hidden, activation, η, α, mode,
    init_range) except its seed, replaced by `seed + k` for net k. Each net starts
    with no momentum and stops at convergence. The returned timing covers the one
    training call alone: a tiny warm-up call compiles the kernels first.
    Raises FieldError naming a bad argument.
    """
    check_sweep(config, nets, epochs, seed)
    nets, epochs, seed = int(nets), int(epochs), int(seed)
    shape = Shape.of(config)
    kernels = kernels_for(shape.sizes, shape.bias)
    code = ACTIVATION_CODES[config.activation]
    signals, desired = patterns(config)
    start = starting_weights(config, nets, seed)

    def train(weights: np.ndarray, budget: int) -> tuple[np.ndarray, ...]:
        count = weights.shape[0]
        done = np.zeros(count, dtype=np.int64)
        status = np.zeros(count, dtype=np.int64)
        converged = np.zeros(count, dtype=np.int64)
        final_loss = np.zeros(count)
        kernels.train_many(weights, code, config.eta, config.alpha, config.batch, signals,
                           desired, budget, done, status, converged, final_loss)
        return done, status, converged, final_loss

    train(start[:1].copy(), 1)  # compile (once per process and shape) outside the timing
    final = start.copy()
    began = time.perf_counter()
    done, status, converged, final_loss = train(final, epochs)
    elapsed = time.perf_counter() - began
    return SweepResult(config=config, seed=seed, epochs=epochs,
                       nets=net_results(seed, start, final, done, status, converged, final_loss),
                       elapsed_s=elapsed)
