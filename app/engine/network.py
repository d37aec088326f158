"""A feed-forward network as plain data: layer sizes and one flat vector of weights.

Layer l's weights form a matrix with one row per neuron and one column per input,
then, when the net has biases, the bias weight last (its input is the constant 1).
All layers are stored back to
back in one flat float64 vector so compiled kernels can walk them; `layers()` hands
out matrix views into it. In the 2-2-1 net, layer 0 holds the hidden weights v and
layer 1 the output weights w of the derivation; the simplest case (1-1-1, no
biases) has [[[v]], [[w]]].
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .checks import finite_number
from .errors import FieldError, shown
from .problems import input_count

INPUTS = 2
OUTPUTS = 1
MAX_HIDDEN_LAYERS = 3
MAX_NEURONS = 8


def check_hidden(hidden: Sequence[int]) -> tuple[int, ...]:
    """Validate a hidden layout (1 to 3 layers of 1 to 8 neurons); raise FieldError naming it."""
    layout = tuple(hidden)
    if not 1 <= len(layout) <= MAX_HIDDEN_LAYERS:
        raise FieldError("hidden", f"hidden: need 1 to {MAX_HIDDEN_LAYERS} hidden layers, "
                         f"got {len(layout)}")
    for n in layout:
        if isinstance(n, bool) or not isinstance(n, int | np.integer) or not 1 <= n <= MAX_NEURONS:
            raise FieldError("hidden", f"hidden: each layer needs 1 to {MAX_NEURONS} neurons, "
                             f"got {shown(n)}")
    return tuple(int(n) for n in layout)


@dataclass(frozen=True)
class Shape:
    """Neuron counts per layer, input first: (2, 2, 1) for the default 2-2-1 net; and
    whether every neuron has a bias weight."""

    sizes: tuple[int, ...]
    bias: bool = True

    @classmethod
    def from_hidden(cls, hidden: Sequence[int], inputs: int = INPUTS,
                    bias: bool = True) -> Shape:
        """The shape inputs-h1-...-1 for a validated hidden layout."""
        return cls((int(inputs), *check_hidden(hidden), OUTPUTS), bool(bias))

    @classmethod
    def of(cls, config: Any) -> Shape:
        """The shape a `TrainingConfig` trains: its problem's inputs, hidden layers, biases."""
        return cls.from_hidden(config.hidden, input_count(config.problem), config.bias)

    @property
    def name(self) -> str:
        """The shape as people write it: 2-2-1, 2-3-2-1, 1-1-1."""
        return "-".join(str(n) for n in self.sizes)

    @property
    def hidden(self) -> tuple[int, ...]:
        """Neurons per hidden layer."""
        return self.sizes[1:-1]

    @property
    def layer_shapes(self) -> list[tuple[int, int]]:
        """(neurons, inputs + bias) of each weight layer, front to back."""
        extra = int(self.bias)
        return [(self.sizes[i + 1], self.sizes[i] + extra) for i in range(len(self.sizes) - 1)]

    @property
    def weight_count(self) -> int:
        """Number of weights, biases included (when the net has them)."""
        return sum(n * m for n, m in self.layer_shapes)

    @property
    def weight_offsets(self) -> np.ndarray:
        """Start of each layer in the flat vector, plus the total at the end."""
        counts = [n * m for n, m in self.layer_shapes]
        return np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)

    @property
    def neuron_count(self) -> int:
        """Number of neurons, inputs included (the length of an activation buffer)."""
        return sum(self.sizes)

    def layers(self, flat: np.ndarray) -> list[np.ndarray]:
        """Matrix views of each layer's weights in `flat` (writes go through)."""
        offsets = self.weight_offsets
        return [
            flat[offsets[i] : offsets[i + 1]].reshape(shape)
            for i, shape in enumerate(self.layer_shapes)
        ]

    def flatten(self, layers: Sequence[Sequence[Sequence[float]]],
                name: str = "weights") -> np.ndarray:
        """A flat weight vector from nested lists (layers of neuron rows, bias last).

        Raises FieldError with the path of what is wrong, as `name[layer][row][column]`
        (`weights[1][0][2]`): a layer or row of the wrong length, a value that is not a
        finite number.
        """
        layer_shapes = self.layer_shapes
        if not isinstance(layers, list | tuple) or len(layers) != len(layer_shapes):
            raise FieldError(name, f"{name}: need {len(layer_shapes)} layers for shape "
                             f"{self.name}, got {shown(layers)}")
        parts = []
        for i, (layer, (rows, cols)) in enumerate(zip(layers, layer_shapes, strict=True)):
            if not isinstance(layer, list | tuple) or len(layer) != rows:
                raise FieldError(f"{name}[{i}]", f"{name}[{i}]: layer {i} needs {rows} neuron "
                                 f"rows, got {shown(layer)}")
            for j, row in enumerate(layer):
                if not isinstance(row, list | tuple) or len(row) != cols:
                    raise FieldError(
                        f"{name}[{i}][{j}]", f"{name}[{i}][{j}]: layer {i} row {j} needs {cols} "
                        f"numbers ({self._columns(i)}), got {shown(row)}")
                parts.extend(finite_number(x, f"{name}[{i}][{j}][{k}]") for k, x in enumerate(row))
        return np.array(parts, dtype=np.float64)

    def _columns(self, layer: int) -> str:
        inputs = self.sizes[layer]
        return f"{inputs} inputs and the bias last" if self.bias else f"{inputs} inputs, no bias"

    def nest(self, flat: np.ndarray) -> list[list[list[float]]]:
        """Nested lists (layers of neuron rows, bias last) from a flat weight vector."""
        return [layer.tolist() for layer in self.layers(flat)]


def initial_weights(shape: Shape, seed: int, init_range: float = 1.0) -> np.ndarray:
    """Weights drawn uniformly from [-init_range, init_range] with `numpy.random.default_rng(seed)`.

    The draw is in flat order (layer by layer, row by row, bias last), so the same
    seed always gives the same net.
    """
    rng = np.random.default_rng(seed)
    return rng.uniform(-init_range, init_range, shape.weight_count)
