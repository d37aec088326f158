"""The trainer: one network, its settings and its position in training, stepped or run.

A step can be one phase of a pattern, one pattern, or one epoch, each handing out
the derivation's quantities (`PatternTrace`); `run` trains many epochs on the
compiled fast path. Every step and run can be undone (`back`) for the last
`UNDO_DEPTH` of them, restoring weights and momentum exactly. Pure: no Flask,
sockets or threads.
"""

from __future__ import annotations

import copy
import math
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .activations import ACTIVATION_CODES, sigma_prime
from .config import TrainingConfig
from .kernels import CONVERGENCE_ERROR, DIVERGED, kernels_for
from .network import Shape, initial_weights
from .problems import PATTERNS, sample, targets
from .trace import PHASES, PatternTrace, trace_pattern

#: How many steps `back` can undo.
UNDO_DEPTH = 2000

#: Training states reported to the page.
TRAINING, CONVERGED_STATE, DIVERGED_STATE = "training", "converged", "diverged"


@dataclass
class RunResult:
    """What a fast run did: epochs trained, loss every `loss_every` epochs, final state."""

    epochs: int
    loss_epochs: np.ndarray
    """The epoch count (completed epochs) at which each loss was taken."""
    losses: np.ndarray
    status: str


@dataclass
class _Snapshot:
    w: np.ndarray
    dw: np.ndarray
    acc: np.ndarray
    epoch: int
    pattern: int
    phase: int
    pending: PatternTrace | None
    epoch_close: bool
    status: str
    converged_epoch: int | None
    inputs: np.ndarray
    desired: np.ndarray
    rng_state: dict


class Trainer:
    """One network in training, from a config and optionally exact initial weights."""

    def __init__(self, config: TrainingConfig | None = None,
                 weights: Sequence | np.ndarray | None = None) -> None:
        self.config = config or TrainingConfig()
        self.shape = Shape.from_hidden(self.config.hidden)
        self._kernels = kernels_for(self.shape.sizes)
        self._undo: deque[_Snapshot] = deque(maxlen=UNDO_DEPTH)
        self.steps = 0
        self.reset(weights)

    # ----- state -----------------------------------------------------------------

    def reset(self, weights: Sequence | np.ndarray | None = None) -> None:
        """Back to epoch 0: the seed's initial weights (or `weights`), no momentum, no undo."""
        if weights is None:
            self.w = initial_weights(self.shape, self.config.seed, self.config.init_range)
        elif isinstance(weights, np.ndarray):
            if weights.shape != (self.shape.weight_count,) or not np.all(np.isfinite(weights)):
                raise ValueError(f"weights: need {self.shape.weight_count} finite numbers")
            self.w = weights.astype(np.float64, copy=True)
        else:
            self.w = self.shape.flatten(weights)
        self.dw = np.zeros_like(self.w)
        self.acc = np.zeros_like(self.w)
        self.epoch = 0
        self.pattern = 0
        self.phase = 0
        self.pending: PatternTrace | None = None
        self._epoch_close = True
        self.status = TRAINING
        self.converged_epoch: int | None = None
        self._rng = np.random.default_rng([self.config.seed, 1])
        self._eval_targets = targets(self.config.problem)
        self._new_epoch_inputs()
        self._undo.clear()
        self.steps = 0

    def _new_epoch_inputs(self) -> None:
        if self.config.sampling == "random":
            self.inputs, self.desired = sample(self.config.problem, self._rng, 1)
        else:
            self.inputs, self.desired = PATTERNS, self._eval_targets

    @property
    def code(self) -> int:
        """The activation's code for the kernels."""
        return ACTIVATION_CODES[self.config.activation]

    @property
    def layers(self) -> list[np.ndarray]:
        """The weights as matrix views, front to back (v, then w for 2-2-1)."""
        return self.shape.layers(self.w)

    def weights(self) -> list[list[list[float]]]:
        """The weights as nested lists: layers of neuron rows, bias last."""
        return self.shape.nest(self.w)

    def momentum(self) -> list[list[list[float]]]:
        """Each weight's last change Δw(n-1), nested like `weights()`."""
        return self.shape.nest(self.dw)

    def set_weights(self, layers: Sequence) -> None:
        """Replace every weight (nested lists); undoable; momentum is kept."""
        flat = self.shape.flatten(layers)
        self._remember()
        self.w[:] = flat
        self._after_edit()

    def set_weight(self, layer: int, neuron: int, column: int, value: float) -> None:
        """Set one weight (column = input index, the bias last); undoable."""
        shapes = self.shape.layer_shapes
        if not (isinstance(layer, int) and 0 <= layer < len(shapes)):
            raise ValueError(f"layer: need 0 to {len(shapes) - 1}, got {layer!r}")
        rows, cols = shapes[layer]
        if not (isinstance(neuron, int) and 0 <= neuron < rows):
            raise ValueError(f"neuron: layer {layer} has neurons 0 to {rows - 1}, got {neuron!r}")
        if not (isinstance(column, int) and 0 <= column < cols):
            raise ValueError(f"input: layer {layer} has inputs 0 to {cols - 1}, got {column!r}")
        number = isinstance(value, int | float) and not isinstance(value, bool)
        if not number or not math.isfinite(value):
            raise ValueError(f"value: need a finite number, got {value!r}")
        self._remember()
        self.layers[layer][neuron, column] = float(value)
        self._after_edit()

    def _after_edit(self) -> None:
        # a half-shown pattern was computed from the old weights: start it again
        self.pending = None
        self.phase = 0
        if self.status == DIVERGED_STATE and np.all(np.isfinite(self.w)):
            self.status = TRAINING

    # ----- undo ----------------------------------------------------------------------

    def _remember(self) -> None:
        self._undo.append(_Snapshot(
            self.w.copy(), self.dw.copy(), self.acc.copy(), self.epoch, self.pattern,
            self.phase, self.pending, self._epoch_close, self.status, self.converged_epoch,
            self.inputs, self.desired, self._rng.bit_generator.state,
        ))
        self.steps += 1

    def clone(self) -> Trainer:
        """An independent copy of this trainer's present state, with nothing to undo.

        For looking ahead (what will the next step do?) without touching this one.
        """
        twin = copy.copy(self)
        twin.w, twin.dw, twin.acc = self.w.copy(), self.dw.copy(), self.acc.copy()
        twin.pending = copy.deepcopy(self.pending)
        twin._rng = np.random.default_rng()
        twin._rng.bit_generator.state = self._rng.bit_generator.state
        twin._undo = deque(maxlen=UNDO_DEPTH)
        return twin

    @property
    def can_go_back(self) -> int:
        """How many steps can be undone."""
        return len(self._undo)

    def back(self) -> bool:
        """Undo the last step, run or edit; False when there is nothing to undo."""
        if not self._undo:
            return False
        snap = self._undo.pop()
        self.w, self.dw, self.acc = snap.w, snap.dw, snap.acc
        self.epoch, self.pattern, self.phase = snap.epoch, snap.pattern, snap.phase
        self.pending, self._epoch_close = snap.pending, snap.epoch_close
        self.status, self.converged_epoch = snap.status, snap.converged_epoch
        self.inputs, self.desired = snap.inputs, snap.desired
        self._rng.bit_generator.state = snap.rng_state
        self.steps -= 1
        return True

    # ----- traced steps ------------------------------------------------------------------

    def _trace_current(self) -> PatternTrace:
        p = self.pattern
        layers = [m.tolist() for m in self.layers]
        previous = [m.tolist() for m in self.shape.layers(self.dw)]
        accumulated = None
        if self.config.batch:
            accumulated = [m.tolist() for m in self.shape.layers(self.acc)]
        return trace_pattern(
            layers, previous, accumulated, self.inputs[p].tolist(), float(self.desired[p]),
            self.config.activation, self.config.eta, self.config.alpha, self.epoch, p,
            apply_batch=p == 3,
        )

    def _finish_pattern(self, trace: PatternTrace) -> None:
        """Apply the pattern's update and move on to the next pattern (and epoch)."""
        flat_after = np.array([x for m in trace.weights_after for row in m for x in row])
        if trace.batch:
            if trace.pattern == 3:
                self.dw[:] = [x for m in trace.change for row in m for x in row]
                self.acc[:] = 0.0
            else:
                # inf + -inf is nan here, as in the kernels; divergence is reported, not warned
                with np.errstate(all="ignore"):
                    self.acc += np.array([x for m in trace.learning for row in m for x in row])
        else:
            self.dw[:] = [x for m in trace.change for row in m for x in row]
        self.w[:] = flat_after
        if not np.all(np.isfinite(self.w)):  # report at once, not only at the epoch's end
            self.status = DIVERGED_STATE
        if not abs(trace.e) < CONVERGENCE_ERROR:
            self._epoch_close = False
        self.pending = None
        self.phase = 0
        self.pattern += 1
        if self.pattern == 4:
            self._end_epoch()

    def _end_epoch(self) -> None:
        if self._epoch_close and self.converged_epoch is None and self.status == TRAINING:
            self.converged_epoch = self.epoch
            self.status = CONVERGED_STATE
        self.epoch += 1
        self.pattern = 0
        self._epoch_close = True
        if not np.all(np.isfinite(self.w)):
            self.status = DIVERGED_STATE
        self._new_epoch_inputs()

    def _advance_phase(self) -> PatternTrace:
        if self.pending is None:
            self.pending = self._trace_current()
        trace = self.pending
        trace.phase = PHASES[self.phase]
        if self.phase == len(PHASES) - 1:
            self._finish_pattern(trace)
        else:
            self.phase += 1
        return trace

    def step_phase(self) -> PatternTrace:
        """Reveal the next phase of the current pattern (forward, error, δ_o, δ_h, update)."""
        self._remember()
        return self._advance_phase()

    def step_pattern(self) -> PatternTrace:
        """Finish the current pattern (all its phases); one undoable step."""
        self._remember()
        trace = self._advance_phase()
        while trace.phase != PHASES[-1]:
            trace = self._advance_phase()
        return trace

    def step_epoch(self) -> list[PatternTrace]:
        """Finish the current epoch, pattern by pattern; one undoable step."""
        self._remember()
        traces = []
        start = self.epoch
        while self.epoch == start:
            trace = self._advance_phase()
            if trace.phase == PHASES[-1]:
                traces.append(trace)
        return traces

    # ----- fast run ----------------------------------------------------------------------

    def run(self, epochs: int, loss_every: int = 0, stop_on_convergence: bool = False,
            remember: bool = True) -> RunResult:
        """Train `epochs` whole epochs on the compiled path, with no trace.

        A half-done epoch is finished first (on the traced path, counted in `epochs`).
        The loss with the current weights is recorded after every epoch whose count is
        a multiple of `loss_every` (0: never). Stops early on divergence, or at
        convergence when `stop_on_convergence`. One undoable step unless `remember` is
        False.
        """
        if isinstance(epochs, bool) or not isinstance(epochs, int | np.integer) or epochs < 0:
            raise ValueError(f"epochs: need a whole number >= 0, got {epochs!r}")
        if isinstance(loss_every, bool) or not isinstance(loss_every, int) or loss_every < 0:
            raise ValueError(f"loss_every: need a whole number >= 0, got {loss_every!r}")
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
        stop = stop_on_convergence
        while epochs > 0 and self.status != DIVERGED_STATE:
            if stop and self.status == CONVERGED_STATE:
                break
            chunk = min(epochs, RANDOM_CHUNK) if self.config.sampling == "random" else epochs
            done = self._run_chunk(chunk, loss_every, stop, loss_epochs, losses)
            epochs -= chunk
            if done < chunk:
                break
        return RunResult(self.epoch - start, np.array(loss_epochs, dtype=np.int64),
                         np.array(losses, dtype=np.float64), self.status)

    def _run_chunk(self, epochs: int, loss_every: int, stop: bool,
                   loss_epochs: list[int], losses: list[float]) -> int:
        """Run whole epochs from pattern 0 in the kernel; return how many were done."""
        offset = self.epoch
        if self.config.sampling == "random":
            # this epoch's samples are drawn already; later ones continue the same stream
            state = self._rng.bit_generator.state
            more, more_d = sample(self.config.problem, self._rng, epochs - 1)
            inputs = np.concatenate([self.inputs, more])
            desired = np.concatenate([self.desired, more_d])
        else:
            inputs, desired = PATTERNS, self._eval_targets
        loss_out = np.empty(epochs // loss_every + 1 if loss_every else 0)
        done, status, converged = self._kernels.train(
            self.w, self.dw, self.acc, self.code, self.config.eta, self.config.alpha,
            self.config.batch, inputs, desired, epochs, stop, loss_every, offset, loss_out,
            PATTERNS, self._eval_targets,
        )
        for i in range(len(loss_out)):
            at = (offset // loss_every + 1 + i) * loss_every
            if at > offset + done:
                break
            loss_epochs.append(at)
            losses.append(float(loss_out[i]))
        self.epoch += done
        if converged >= 0 and self.converged_epoch is None and self.status == TRAINING:
            self.converged_epoch = offset + converged
            self.status = CONVERGED_STATE
        if status == DIVERGED:
            self.status = DIVERGED_STATE
        if self.config.sampling == "random":
            if done < epochs:  # stopped early: draw only what the epochs done used
                self._rng.bit_generator.state = state
                sample(self.config.problem, self._rng, done - 1)
            self._new_epoch_inputs()
        return done

    # ----- read-outs -------------------------------------------------------------------

    def loss(self) -> float:
        """Mean over the 4 patterns of l = ½e², with the current weights."""
        return float(self._kernels.loss(self.w, self.code, PATTERNS, self._eval_targets))

    def responses(self) -> np.ndarray:
        """The response r for each of the 4 patterns, with the current weights."""
        return self.outputs_over(PATTERNS)[:, -1]

    def outputs_over(self, inputs: np.ndarray) -> np.ndarray:
        """Every neuron's output (inputs first, response last) for each row of `inputs`."""
        inputs = np.ascontiguousarray(inputs, dtype=np.float64)
        result = np.empty((inputs.shape[0], self.shape.neuron_count))
        self._kernels.outputs_over(self.w, self.code, inputs, result)
        return result

    def truth_table(self) -> list[dict[str, Any]]:
        """Per canonical pattern: s, d, r, e = d - r, whether |e| < 0.1, and σ' per neuron.

        `slopes` holds each layer's σ' from its outputs (h(1-h) per hidden layer, then
        [r(1-r)]; 1-y² for tanh): near 0 the neuron is saturated and its δ vanishes
        (`activations.SATURATED_BELOW`).
        """
        rows = []
        every = self.outputs_over(PATTERNS)
        bounds = np.cumsum(self.shape.sizes)
        code = self.code
        for s, d, neurons in zip(PATTERNS.tolist(), self._eval_targets.tolist(), every.tolist(),
                                 strict=True):
            r = neurons[-1]
            e = d - r
            outputs = [neurons[bounds[i]:bounds[i + 1]] for i in range(len(bounds) - 1)]
            rows.append({"s": s, "d": d, "r": r, "e": e, "close": abs(e) < CONVERGENCE_ERROR,
                         "slopes": [[sigma_prime(y, code) for y in layer] for layer in outputs]})
        return rows

    def gradient(self) -> np.ndarray:
        """∂L/∂w of the loss L = mean of ½e² over the 4 patterns: mean of -δ·x (flat)."""
        layers = [m.tolist() for m in self.layers]
        total = np.zeros_like(self.w)
        with np.errstate(all="ignore"):  # diverged weights give nan, never a warning
            for s, d in zip(PATTERNS.tolist(), self._eval_targets.tolist(), strict=True):
                t = trace_pattern(layers, layers, None, s, d, self.config.activation, 0.0, 0.0,
                                  0, 0, apply_batch=False)
                total += np.array([x for m in t.gradient for row in m for x in row])
            return total / 4.0

    # ----- export -------------------------------------------------------------------

    def state(self) -> dict[str, Any]:
        """Everything needed to continue this run elsewhere, as JSON-ready values."""
        return {
            "settings": self.config.to_dict(),
            "weights": self.weights(),
            "momentum": self.momentum(),
            "accumulated": self.shape.nest(self.acc),
            "epoch": self.epoch,
            "pattern": self.pattern,
            "status": self.status,
            "converged_epoch": self.converged_epoch,
            "epoch_close": self._epoch_close,
            "rng": _jsonable_rng(self._rng.bit_generator.state),
            "inputs": self.inputs.tolist(),
            "desired": self.desired.tolist(),
        }

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> Trainer:
        """A trainer continuing from `state()`; raises ValueError naming a bad field."""
        if not isinstance(state, dict):
            raise ValueError("state: need an object")
        config = TrainingConfig.from_dict(_field(state, "settings", dict))
        trainer = cls(config, _field(state, "weights", list))
        trainer.dw[:] = trainer.shape.flatten(_field(state, "momentum", list))
        if "accumulated" in state:
            trainer.acc[:] = trainer.shape.flatten(_field(state, "accumulated", list))
        trainer.epoch = _count(state, "epoch", 10**15)
        trainer.pattern = _count(state, "pattern", 3)
        status = state.get("status", TRAINING)
        if status not in (TRAINING, CONVERGED_STATE, DIVERGED_STATE):
            raise ValueError(f"status: {status!r} is not training, converged or diverged")
        trainer.status = status
        conv = state.get("converged_epoch")
        trainer.converged_epoch = None if conv is None else _count(state, "converged_epoch", 10**15)
        trainer._epoch_close = bool(state.get("epoch_close", True))
        if "rng" in state:
            try:
                trainer._rng.bit_generator.state = _rng_from_json(_field(state, "rng", dict))
            except (TypeError, ValueError, KeyError) as error:
                raise ValueError(f"rng: not a generator state ({error})") from None
        if config.sampling == "random" and "inputs" in state:
            inputs = np.array(_field(state, "inputs", list), dtype=np.float64)
            desired = np.array(_field(state, "desired", list), dtype=np.float64)
            if inputs.shape != (4, 2) or desired.shape != (4,):
                raise ValueError("inputs: need 4 samples of 2 numbers and 4 desired responses")
            trainer.inputs, trainer.desired = inputs, desired
        return trainer


#: Epochs of random samples drawn at once (bounds memory on long runs).
RANDOM_CHUNK = 1 << 16


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
