"""A session's seed sweep: K nets per setting, trained in turns on the shared kernel pool.

A sweep has one arm (the session's settings) or two (those and a variant, for the
classic side-by-side comparison: η = 0.5 against 2.0, say). Both arms use the same
seeds, S to S+K-1, so net k of arm A and net k of arm B start from the same draw.
The work runs as one more run on `KERNELS`, a slice of several turns' kernel time
at a time (`turns_per_slice`), arms alternating: with many sessions running the
sweeps together get at most a third of the pool, other sessions keep their frame
rates, and a cancel takes effect within one slice. After every slice the job
counts a change, and the session's frames carry the sweep's view
(`SweepJob.view`): progress and histograms while it runs, every net's result
once it has finished.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from app.engine import TrainingConfig
from app.engine.config import MAX_SEED
from app.engine.errors import FieldError
from app.engine.sliced_sweep import SlicedSweep, compile_kernels, epoch_bins

from .commands import Sweep, plain
from .kernel_pool import KERNELS, KernelPool
from .schema import CommandError, parse

log = logging.getLogger(__name__)

#: Nets per arm: default and most (a teacher's "hundreds", a patient class's thousands).
DEFAULT_NETS = 500
#: Epoch budget per net: default (the classic 20,000) and most.
DEFAULT_EPOCHS = 20_000
#: Bars of the epochs-to-converge histogram.
BINS = 40
#: A sweep's slice lasts at least this many ordinary turns of the pool.
TURNS_PER_SLICE = 4
#: Epochs of the first slice; later slices are sized to `turns_per_slice` turns.
FIRST_SLICE = 4_096
MIN_SLICE, MAX_SLICE = 256, 4_000_000

#: Sweeps running at once in this process: each takes a share of the kernel pool and up to
#: ~60 MB (5,000 nets of the largest shape, two arms) while it runs.
MAX_RUNNING = 8

RUNNING, DONE, CANCELLED, FAILED = "running", "done", "cancelled", "failed"


def turns_per_slice(runs: int, sweeps: int) -> int:
    """How many ordinary turns of the pool one sweep's slice lasts.

    The running sweeps together take as many turns as half the other runs (at least
    TURNS_PER_SLICE each): a teacher's 500-net comparison beside 50 running sessions
    takes seconds, not half a minute, while each run still gets a turn at least every
    1.5 × `runner.TURN_EVERY` (25 ms; frames go out at most every 33 ms).
    """
    sweeps = max(1, sweeps)
    return max(TURNS_PER_SLICE, (runs - sweeps) // (2 * sweeps))


class SweepSlots:
    """At most `limit` sweeps running in the process at once; thread safe."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.taken = 0
        self._lock = threading.Lock()

    def take(self) -> None:
        """Take a slot, or raise CommandError (field `sweep`) saying the server is busy."""
        with self._lock:
            if self.taken >= self.limit:
                raise CommandError("sweep", f"sweep: the server is running {self.limit} sweeps "
                                   "already (its limit); try again in a few seconds")
            self.taken += 1

    def give(self) -> None:
        """Give a slot back."""
        with self._lock:
            self.taken -= 1


#: The process's sweep slots (like `kernel_pool.KERNELS`, shared by every session).
SLOTS = SweepSlots(MAX_RUNNING)


@dataclass
class Arm:
    """One setting of the comparison and its nets."""

    label: str
    changes: dict[str, Any]
    """The settings that differ from arm A's (empty for arm A)."""
    run: SlicedSweep


@dataclass
class SweepRequest:
    """A validated `sweep` command (`from_payload` checks one)."""

    nets: int = DEFAULT_NETS
    epochs: int = DEFAULT_EPOCHS
    seed: int = 1
    compare: dict[str, Any] = field(default_factory=dict)
    """Settings of arm B that differ from the session's; empty: one arm."""

    @classmethod
    def from_payload(cls, data: Any, config: TrainingConfig) -> SweepRequest:
        """A `sweep` command's payload checked against the session's settings `config`.

        Raises CommandError naming the field: `nets`, `epochs`, `seed`, or
        `compare.<setting>` (arm B's settings are checked like `configure`'s).
        """
        payload = plain(parse(Sweep, data, name="sweep"))
        nets = payload.get("nets", DEFAULT_NETS)
        epochs = payload.get("epochs", DEFAULT_EPOCHS)
        seed = payload.get("seed", 1)
        if seed > MAX_SEED + 1 - nets:
            raise CommandError("seed", f"seed: need 0 to {MAX_SEED + 1 - nets} for {nets} nets "
                               f"(seeds run from it to seed + nets - 1), got {seed}")
        if config.sampling != "patterns":
            raise CommandError("sampling", "sampling: a sweep trains on the 4 patterns; "
                               "set Inputs to patterns first")
        compare = payload.get("compare") or {}
        for name in ("seed", "sampling"):
            if name in compare:
                why = "the sweep picks the seeds" if name == "seed" else "the 4 patterns only"
                raise CommandError(f"compare.{name}", f"compare.{name}: not compared ({why})")
        try:
            other = TrainingConfig.from_dict(compare, base=config)
        except FieldError as error:
            raise error.under("compare") from None
        except ValueError as error:  # an engine check not typed yet
            raise CommandError("compare", f"compare: {error}") from None
        changes = {k: v for k, v in other.to_dict().items() if v != config.to_dict()[k]}
        if compare and not changes:
            raise CommandError("compare", "compare: changes no setting; leave it out for one arm")
        return cls(nets=nets, epochs=epochs, seed=seed, compare=changes)


class SweepJob:
    """One sweep of one session: started, advanced in turns, cancelled, viewed."""

    def __init__(self, sweep_id: int, config: TrainingConfig, request: SweepRequest,
                 on_change: Callable[[], None], pool: KernelPool = KERNELS,
                 slots: SweepSlots = SLOTS) -> None:
        """Set up the arms: draw every net's initial weights and compile the kernels of a
        new shape here, in the caller's thread, never on the shared pool (where a second of
        compiling would stall every session's run). Raises CommandError."""
        self.id = sweep_id
        self.nets, self.epochs, self.seed = request.nets, request.epochs, request.seed
        self.edges = epoch_bins(request.epochs, BINS)
        configs = [("A", {}, config)]
        if request.compare:
            configs.append(("B", dict(request.compare),
                            TrainingConfig.from_dict(request.compare, base=config)))
        self.arms: list[Arm] = []
        for label, changes, arm_config in configs:
            try:
                run = SlicedSweep(arm_config, request.nets, request.epochs, request.seed)
            except FieldError:  # checked above; this passes on anything the engine refuses
                raise
            except ValueError as error:
                raise CommandError("sweep", f"sweep: {error}") from None
            compile_kernels(arm_config)  # a new shape: here, not on the pool
            self.arms.append(Arm(label, changes, run))
        self.state = RUNNING
        self.revision = 0
        self._slice = FIRST_SLICE
        self._cancel = threading.Event()
        self._lock = threading.Lock()
        self._on_change = on_change
        self._pool = pool
        self._slots = slots
        self._holds_slot = False
        self.started = time.monotonic()
        self.elapsed_s = 0.0

    # ----- running ---------------------------------------------------------------------------

    def reserve(self) -> None:
        """Take one of the process's sweep slots (CommandError when all are taken)."""
        self._slots.take()
        self._holds_slot = True

    def start(self, spawn: Callable[..., Any]) -> None:
        """Join the kernel pool's rotation; the job ends itself when every net has finished."""
        self._pool.attach(self._turn, spawn)

    def _release(self) -> None:
        """Once stopped: give the slot back (once)."""
        with self._lock:
            holds, self._holds_slot = self._holds_slot, False
        if holds:
            self._slots.give()

    def cancel(self) -> bool:
        """Stop at the end of the current slice (finished nets are kept); False if not running."""
        with self._lock:
            if self.state != RUNNING:
                return False
            self.state = CANCELLED
            self.revision += 1
        self._cancel.set()
        self._release()
        self._on_change()
        return True

    def _turn(self) -> bool:
        """One slice of the arm that is furthest behind; False when the job is over.

        The slice runs outside the job's lock: it writes only the nets from
        `run.finished` on, and views read only the nets before it, so a frame is
        never kept waiting for a slice.
        """
        if self._cancel.is_set():
            self._stopped()
            return False
        arm = min((a for a in self.arms if not a.run.done), key=lambda a: a.run.finished)
        began = time.thread_time()
        failed = False
        try:
            trained = arm.run.advance(self._slice)
        except Exception:
            log.exception("sweep %s failed", self.id)
            trained, failed = 0, True
        spent = time.thread_time() - began
        if trained > 0 and spent > 0:  # size the next slice to its share of the pool
            turns = turns_per_slice(self._pool.runs, self._slots.taken)
            target = int(trained * turns * self._pool.chunk_seconds() / spent)
            self._slice = max(MIN_SLICE, min(MAX_SLICE, (self._slice + target) // 2))
        with self._lock:
            if self.state == RUNNING and failed:
                self.state = FAILED
            elif self.state == RUNNING and all(a.run.done for a in self.arms):
                self.state = DONE
            self.elapsed_s = time.monotonic() - self.started
            self.revision += 1
            going = self.state == RUNNING
        if not going:
            self._stopped()
        self._on_change()
        return going

    def _stopped(self) -> None:
        """No more slices: free the weights (results stay) and the slot."""
        for arm in self.arms:
            arm.run.forget_weights()
        self._release()

    # ----- what the page draws -------------------------------------------------------------

    def key(self) -> str:
        """Changes whenever the view does (text, so that it can cross processes as JSON)."""
        return f"{self.id}.{self.revision}"

    def view(self) -> dict[str, Any]:
        """The sweep for a frame: progress and histograms; every net once it stopped.

        Per-net arrays (float32, one entry per finished net, in seed order) go only
        in views of a sweep that has stopped, so progress frames stay small.
        """
        with self._lock:
            stopped = self.state != RUNNING
            return {
                "id": self.id, "state": self.state, "nets": self.nets, "epochs": self.epochs,
                "seed": self.seed, "edges": self.edges.tolist(), "elapsed_s": self.elapsed_s,
                "arms": [_arm_view(arm, self.edges, stopped) for arm in self.arms],
            }


def _arm_view(arm: Arm, edges: np.ndarray, with_nets: bool) -> dict[str, Any]:
    run = arm.run
    finished = run.finished_nets()  # read once: every number below is of the same nets
    view = {
        "label": arm.label, "changes": arm.changes, "settings": run.config.to_dict(),
        **finished.counts(),
        "histogram": finished.histogram(edges).tolist(),
        "median": finished.median(),
        "net_epochs": run.net_epochs,
        "results": None,
    }
    if with_nets:
        view["results"] = {
            "converged_at": finished.converged_at.astype(np.float32),
            "final_loss": finished.final_loss.astype(np.float32),
        }
    return view
