"""The session commands' payloads, and the export/import format, as declared models.

Settings come from the engine's one table (`app.engine.SETTINGS`): each setting's
kind, range and choices become a field of `Settings`, so a new setting needs no
change here. Weight matrices are bounded by the largest network the engine
builds; whether they fit the network's layout is the engine's check.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, create_model

from app.engine import SETTINGS
from app.engine.config import MAX_SEED
from app.engine.network import MAX_HIDDEN_LAYERS, MAX_NEURONS

from .history import IMPORT_CAPACITY
from .schema import Finite, Strict, whole
from .speeds import SPEEDS

#: The export format's name and version.
EXPORT_FORMAT = "backprop-xor/1"
#: Most marks kept on the error curve (the oldest go first).
MAX_MARKS = 1000
#: Largest epoch count accepted anywhere (about 30 years at 1 million epochs a second).
MAX_EPOCH = 10**15
#: A seed sweep's most nets per arm and most epochs per net.
MAX_NETS, MAX_EPOCHS = 5_000, 100_000
STEP_UNITS = ("phase", "pattern", "epoch")
#: Marks drawn on the error curve.
MARK_KINDS = ("settings", "back", "reset", "edit")

Level = whole(0, len(SPEEDS) - 1)
Epoch = whole(0, MAX_EPOCH)


def _setting_type(spec: dict[str, Any]) -> Any:
    kind = spec["kind"]
    if kind == "choice":
        return Literal[tuple(spec["choices"])]
    if kind == "number":
        return Annotated[float, Field(ge=spec["min"], le=spec["max"], allow_inf_nan=False)]
    if kind == "integer":
        return whole(spec["min"], spec["max"])
    if kind == "layout":
        return Annotated[list[whole(spec["min"], spec["max"])],
                         Field(min_length=spec["min_layers"], max_length=spec["max_layers"])]
    if kind in ("switch", "boolean", "bool", "toggle"):
        return bool
    return Annotated[str, Field(max_length=100)] | bool | Finite  # a kind this table lacks


#: Any subset of the settings (configure, a sweep's compare, an export's settings).
Settings = create_model(
    "Settings", __base__=Strict,
    **{name: (_setting_type(spec), None) for name, spec in SETTINGS.items()},
)
Settings.__doc__ = "Any subset of the engine's settings, each checked against its table entry."

#: Nested [layer][neuron][input] lists of finite numbers, as large as the engine allows.
Row = Annotated[list[Finite], Field(max_length=MAX_NEURONS + 1)]
Matrix = Annotated[list[Row], Field(max_length=MAX_NEURONS)]
Weights = Annotated[list[Matrix], Field(min_length=1, max_length=MAX_HIDDEN_LAYERS + 1)]


class Empty(Strict):
    """A command that takes no fields (`{}` or nothing)."""


class Step(Strict):
    """`step`: one traced step."""

    unit: Literal[STEP_UNITS]


class Speed(Strict):
    """`speed`: a speed level (index into the speeds table)."""

    level: Level


class SetWeight(Strict):
    """`set_weight`: one weight by its address (input: column, bias last)."""

    layer: whole(0, MAX_HIDDEN_LAYERS)
    neuron: whole(0, MAX_NEURONS - 1)
    input: whole(0, MAX_NEURONS)
    value: Finite


class SetWeights(Strict):
    """`set_weights`: every weight, nested as in frames."""

    weights: Weights


class Sweep(Strict):
    """`sweep`: nets, epoch budget, first seed, and arm B's changed settings."""

    nets: whole(1, MAX_NETS) = None
    epochs: whole(1, MAX_EPOCHS) = None
    seed: whole(0, MAX_SEED) = None
    compare: Settings | None = None


def _power_of_two(width: int) -> int:
    if width & (width - 1):
        raise ValueError(f"need a power of 2, got {width}")
    return width


#: [last epoch of the bucket, min, max, last loss] (history.from_dict checks their order).
Point = Annotated[list[Annotated[float, Field(ge=0, allow_inf_nan=False)]],
                  Field(min_length=4, max_length=4)]


class History(Strict):
    """The error curve: buckets of `width` epochs, each [last epoch, min, max, last]."""

    width: Annotated[whole(1, 2**62), AfterValidator(_power_of_two)]
    points: Annotated[list[Point], Field(max_length=IMPORT_CAPACITY)]  # older exports: 4,096


class Mark(Strict):
    """An event on the error curve: {epoch, kind} and what the kind adds."""

    epoch: Epoch
    kind: Literal[MARK_KINDS]
    changed: Settings | None = None
    seed: whole(0, MAX_SEED) = None
    layer: whole(0, MAX_HIDDEN_LAYERS) = None
    neuron: whole(0, MAX_NEURONS - 1) = None
    input: whole(0, MAX_NEURONS) = None
    all: bool = None


def _below(bits: int) -> Any:
    def check(text: str) -> str:
        if int(text) >= 2**bits:
            raise ValueError(f"need a number below 2**{bits}")
        return text
    return Annotated[str, Field(pattern=r"^[0-9]{1,40}$"), AfterValidator(check)]


class PCG64State(Strict):
    """PCG64's two 128-bit integers, as decimal text (JSON numbers would lose digits)."""

    state: _below(128)
    inc: _below(128)


class Rng(Strict):
    """numpy's PCG64 generator state, integers as decimal text."""

    bit_generator: Literal["PCG64"]
    state: PCG64State
    has_uint32: Literal["0", "1"]
    uinteger: _below(32)


class Exported(Strict):
    """The export format (`export` → `state`, `import` ← `state`), version `format`."""

    format: Literal[EXPORT_FORMAT]
    settings: Settings
    seed: whole(0, MAX_SEED) = None
    epoch: Epoch = None
    pattern: whole(0, 3) = None
    weights: Weights
    momentum: Weights
    accumulated: Weights = None
    status: Literal["training", "converged", "diverged"] = None
    converged_epoch: Epoch | None = None
    epoch_close: bool = None
    rng: Rng = None
    inputs: Annotated[list[Annotated[list[Finite], Field(max_length=2)]],
                      Field(max_length=4)] = None
    desired: Annotated[list[Finite], Field(max_length=4)] = None
    history: History = None
    marks: Annotated[list[Mark], Field(max_length=MAX_MARKS)] = None
    speed: Level = None


class Import(Strict):
    """`import`: an exported state."""

    state: Exported


def plain(model: Strict) -> dict[str, Any]:
    """A validated model as plain data, only the fields that were given."""
    return model.model_dump(exclude_unset=True, mode="python")
