"""The training settings: one table of names, types and ranges, and the validated config.

`SETTINGS` is the single description of every hyper-parameter. The engine checks a
config against it, the server validates every payload against it, and the page
fetches it to build its controls. A bad value raises `FieldError` naming the
setting (`field`), with a message that starts with its name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from .activations import ACTIVATION_NAMES
from .checks import finite_number, whole_number
from .errors import FieldError, shown
from .network import MAX_HIDDEN_LAYERS, MAX_NEURONS
from .problems import PROBLEM_NAMES, SIMPLEST, input_count

MAX_SEED = 2**32 - 1

#: name -> description; "kind" is one of choice, number, integer, layout, switch (true/false).
SETTINGS: dict[str, dict[str, Any]] = {
    "problem": {
        "kind": "choice", "choices": list(PROBLEM_NAMES), "default": "xor",
        "label": "Problem", "help": "The Boolean function of the two inputs to learn, or "
        "simplest: the derivation's one signal s and one desired response d.",
    },
    "hidden": {
        "kind": "layout", "default": [2], "min_layers": 1, "max_layers": MAX_HIDDEN_LAYERS,
        "min": 1, "max": MAX_NEURONS,
        "label": "Hidden layers", "help": "Neurons per hidden layer, front to back (e.g. 3,2).",
    },
    "activation": {
        "kind": "choice", "choices": list(ACTIVATION_NAMES), "default": "sigmoid",
        "label": "Activation", "help": "σ(x) = 1/(1+e^-x), or tanh with σ' = 1 - tanh².",
    },
    "eta": {
        "kind": "number", "default": 0.5, "min": 0.0, "max": 1e6, "symbol": "η",
        "label": "Learning rate η", "help": "Δw = η·δ·x: the size of each step down the gradient.",
    },
    "alpha": {
        "kind": "number", "default": 0.0, "min": 0.0, "max": 0.99, "symbol": "α",
        "label": "Momentum α", "help": "Δw(n) = η·δ·x + α·Δw(n-1); 0 turns momentum off.",
    },
    "mode": {
        "kind": "choice", "choices": ["online", "batch"], "default": "online",
        "label": "Updates", "help": "online: after every pattern; batch: once per epoch, summed.",
    },
    "init_range": {
        "kind": "number", "default": 1.0, "min": 0.0, "max": 10.0, "symbol": "r₀",
        "label": "Initial range", "help": "Initial weights are uniform in [-range, range].",
    },
    "seed": {
        "kind": "integer", "default": 1, "min": 0, "max": MAX_SEED,
        "label": "Seed",
        "help": "Chooses the initial weights (and random samples): same seed, same run.",
    },
    "sampling": {
        "kind": "choice", "choices": ["patterns", "random"], "default": "patterns",
        "label": "Inputs", "help": "patterns: the problem's patterns; random: the 1996 applet's "
        "random points in the unit square, target from the rounded inputs (two-input "
        "problems only).",
    },
    "bias": {
        "kind": "switch", "default": True,
        "label": "Biases", "help": "Each neuron has a bias weight, whose input is the constant 1 "
        "(the derivation's simplest case has none).",
    },
    "s": {
        "kind": "number", "default": 1.0, "min": -10.0, "max": 10.0, "symbol": "s",
        "label": "Signal s", "help": "The simplest case's one input (-10 to 10).",
    },
    "d": {
        "kind": "number", "default": 0.0, "min": -1.0, "max": 1.0, "symbol": "d",
        "label": "Desired response d", "help": "The simplest case's one target (-1 to 1; "
        "sigmoid reaches 0 to 1 only).",
    },
}

#: What choosing the problem `simplest` sets, unless the same change sets it too; leaving
#: it for a Boolean problem turns biases back on. The derivation's own net: s -> v -> w -> r.
SIMPLEST_PRESET: dict[str, Any] = {"hidden": [1], "bias": False, "sampling": "patterns"}


def check_setting(name: str, value: Any) -> Any:
    """Return `value` checked and normalised for setting `name`; raise FieldError naming it."""
    if name not in SETTINGS:
        raise FieldError(str(name), f"{name}: not a setting (settings: {', '.join(SETTINGS)})")
    spec = SETTINGS[name]
    kind = spec["kind"]
    if kind == "choice":
        if not isinstance(value, str) or value not in spec["choices"]:
            choices = ", ".join(spec["choices"])
            raise FieldError(name, f"{name}: {shown(value)} is not one of {choices}")
        return value
    if kind == "layout":
        return _layout(name, spec, value)
    if kind == "switch":
        if not isinstance(value, bool):
            raise FieldError(name, f"{name}: need true or false, got {shown(value)}")
        return value
    if kind == "integer":
        if isinstance(value, float) and value.is_integer():  # 2.0 from a number field is 2
            value = int(value)
        return whole_number(value, name, spec["min"], spec["max"])
    number = finite_number(value, name)
    if not spec["min"] <= number <= spec["max"]:
        raise FieldError(name, f"{name}: {shown(value)} is outside [{spec['min']}, {spec['max']}]")
    return number


def _layout(name: str, spec: dict[str, Any], value: Any) -> list[int]:
    """A hidden layout: a list (or "3,2" text) of neuron counts per layer, within the spec."""
    if isinstance(value, str):
        try:
            value = [int(part) for part in value.split(",")]
        except ValueError:
            raise FieldError(name, f"{name}: {shown(value)} is not a list of neuron counts") \
                from None
    if not isinstance(value, list | tuple):
        raise FieldError(name, f"{name}: need a list of neuron counts, got {shown(value)}")
    if not spec["min_layers"] <= len(value) <= spec["max_layers"]:
        raise FieldError(name, f"{name}: need {spec['min_layers']} to {spec['max_layers']} "
                         f"layers, got {len(value)}")
    for n in value:
        if isinstance(n, bool) or not isinstance(n, int) or not spec["min"] <= n <= spec["max"]:
            raise FieldError(name, f"{name}: each layer needs {spec['min']} to {spec['max']} "
                             f"neurons, got {shown(n)}")
    return list(value)


@dataclass(frozen=True)
class TrainingConfig:
    """A validated set of training settings (see `SETTINGS` for each one's meaning)."""

    problem: str = "xor"
    hidden: tuple[int, ...] = (2,)
    activation: str = "sigmoid"
    eta: float = 0.5
    alpha: float = 0.0
    mode: str = "online"
    init_range: float = 1.0
    seed: int = 1
    sampling: str = "patterns"
    bias: bool = True
    s: float = 1.0
    d: float = 0.0

    def __post_init__(self) -> None:
        for name in SETTINGS:
            value = check_setting(name, getattr(self, name))
            if name == "hidden":
                value = tuple(value)
            object.__setattr__(self, name, value)
        if self.sampling == "random" and input_count(self.problem) != 2:
            raise FieldError("sampling", f"sampling: random samples are points of the unit "
                             f"square, for the two-input problems, not {self.problem}")

    @classmethod
    def from_dict(
        cls, values: Mapping[str, Any], base: TrainingConfig | None = None
    ) -> TrainingConfig:
        """A config from `values` over `base` (defaults if None); unknown names are errors.

        Choosing the problem `simplest` also sets `SIMPLEST_PRESET` (hidden [1], no
        biases) unless `values` sets those too; choosing a Boolean problem after it
        turns biases back on (unless `values` says otherwise).

        Raises FieldError naming the setting (the field is "" when `values` is not an
        object at all: the caller knows its name, `error.under(name)`).
        """
        if not isinstance(values, Mapping):
            raise FieldError("", f"need an object of settings, got {type(values).__name__}")
        for name in values:
            if name not in SETTINGS:
                raise FieldError(str(name), f"{name}: not a setting (settings: "
                                 f"{', '.join(SETTINGS)})")
        base = base or cls()
        merged = base.to_dict()
        problem = values.get("problem", base.problem)
        if problem != base.problem and SIMPLEST in (problem, base.problem):
            preset = SIMPLEST_PRESET if problem == SIMPLEST else {"bias": True}
            merged.update({k: v for k, v in preset.items() if k not in values})
        merged.update(values)
        return cls(**merged)

    def to_dict(self) -> dict[str, Any]:
        """The settings as JSON-ready values."""
        data = asdict(self)
        data["hidden"] = list(self.hidden)
        return data

    @property
    def batch(self) -> bool:
        """True for batch updates (once per epoch)."""
        return self.mode == "batch"
