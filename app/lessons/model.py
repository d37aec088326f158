"""What a lesson file may say: declared models (pydantic v2), then the engine's own checks.

A lesson is a short sequence of steps; each step sets up the network (problem and
settings over the defaults, optionally exact weights, how many epochs, patterns and
phases in), says what to look at on the network and in the derivation panel, says in
two or three sentences what to notice, and may ask the class a poll. The models take
known fields only, no coercion, finite numbers; what they cannot say (settings in
range, weights that fit the network, a highlighted neuron that exists) the engine
checks after. Every problem is a `FieldError` naming the field as a path into the
file (`steps[3].settings.eta`).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from app.engine import SETTINGS, TrainingConfig, check_setting
from app.engine.errors import FieldError
from app.engine.network import Shape

#: The format a lesson file declares.
LESSON_FORMAT = "backprop-xor-lesson/1"
#: Most steps in one lesson (a lesson is short; write another for more).
MAX_STEPS = 40
#: Most epochs a step trains on the fast path before its traced patterns and phases.
MAX_EPOCHS = 100_000
#: Most traced patterns a step takes (each is one undoable step for the class).
MAX_PATTERNS = 200
#: Poll kinds a step may ask (app/rooms/polls.py) and the units a weight poll looks over.
POLL_KINDS = ("weight_direction", "largest_delta", "stuck")
POLL_UNITS = ("phase", "pattern", "epoch")

Name = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,39}$")]
Text = Annotated[str, Field(min_length=1, max_length=700)]
Short = Annotated[str, Field(min_length=1, max_length=80)]
Index = Annotated[int, Field(ge=0, le=64)]
PanelId = Annotated[str, Field(pattern=r"^[a-z0-9-]{1,24}$")]


class Strict(BaseModel):
    """Known fields only, no coercion ("1" is not 1), finite numbers only, immutable."""

    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False,
                              hide_input_in_errors=True, frozen=True)


class WeightRef(Strict):
    """A weight: weight layer (0: into the first hidden layer), neuron row, input (bias last)."""

    kind: Literal["weight"]
    layer: Index
    neuron: Index
    input: Index


class NeuronRef(Strict):
    """A neuron: layer (0: the inputs, last: the output) and index in it."""

    kind: Literal["neuron"]
    layer: Index
    index: Index


Ref = Annotated[WeightRef | NeuronRef, Field(discriminator="kind")]


class Advance(Strict):
    """How far into training the step starts: epochs (fast, no trace), then patterns and phases."""

    epochs: Annotated[int, Field(ge=0, le=MAX_EPOCHS)] = 0
    patterns: Annotated[int, Field(ge=0, le=MAX_PATTERNS)] = 0
    phases: Annotated[int, Field(ge=0, le=4)] = 0


class Highlight(Strict):
    """What to look at: neurons and weights on the network, lines of the panel by their id."""

    network: Annotated[list[Ref], Field(max_length=16)] = []
    panel: Annotated[list[PanelId], Field(max_length=16)] = []


class Poll(Strict):
    """A question for the class (in a room), answered before the presenter's next step."""

    kind: Literal[POLL_KINDS]
    question: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    target: WeightRef | None = None
    unit: Literal[POLL_UNITS] = "pattern"


class Step(Strict):
    """One step of a lesson."""

    title: Short
    section: Short
    """The heading of docs/derivation.md (or the tool's addition) the step is about."""
    text: Text
    settings: dict[str, Any] = {}
    """Settings over the defaults (not over the session's: a step is the same for everyone)."""
    weights: Annotated[list[list[list[float]]], Field(max_length=4)] | None = None
    advance: Advance = Advance()
    select: Ref | None = None
    highlight: Highlight = Highlight()
    poll: Poll | None = None


class Lesson(Strict):
    """A lesson file."""

    format: Literal[LESSON_FORMAT]
    name: Name
    title: Short
    summary: Text
    steps: Annotated[list[Step], Field(min_length=1, max_length=MAX_STEPS)]

    def public(self) -> dict[str, Any]:
        """The lesson as the page gets it (GET /api/lessons/<name>)."""
        return self.model_dump(mode="json")


def field_path(location: tuple[Any, ...]) -> str:
    """A pydantic error location as the page writes a path: steps[3].settings.eta."""
    path = ""
    for part in location:
        if isinstance(part, int):
            path += f"[{part}]"
        elif part in ("WeightRef", "NeuronRef", "weight", "neuron") and path.endswith("]"):
            continue  # the union's branch, not a field of the file
        else:
            path += f".{part}" if path else str(part)
    return path


def _first_error(error: ValidationError) -> FieldError:
    problem = error.errors(include_url=False)[0]
    field = field_path(problem["loc"]) or "lesson"
    if problem["type"] == "extra_forbidden":
        return FieldError(field, f"{field}: not a field of a lesson file (docs/protocol.md, "
                          "Lessons, lists them)")
    return FieldError(field, f"{field}: {problem['msg'][:1].lower()}{problem['msg'][1:]}")


def step_config(step: Step) -> TrainingConfig:
    """The step's settings over the defaults."""
    return TrainingConfig.from_dict(step.settings)


def step_shape(config: TrainingConfig) -> Shape:
    """The network a step's settings build (without compiling its kernels)."""
    return Shape.of(config)


def _check_ref(ref: WeightRef | NeuronRef, shape: Shape, bias: bool, field: str) -> None:
    sizes = shape.sizes
    if isinstance(ref, NeuronRef):
        if ref.layer >= len(sizes) or ref.index >= sizes[ref.layer]:
            raise FieldError(field, f"{field}: the network {'-'.join(map(str, sizes))} has no "
                             f"neuron {ref.index} in layer {ref.layer}")
        return
    columns = sizes[ref.layer] + (1 if bias else 0) if ref.layer < len(sizes) - 1 else 0
    if ref.layer >= len(sizes) - 1 or ref.neuron >= sizes[ref.layer + 1] or ref.input >= columns:
        raise FieldError(field, f"{field}: the network {'-'.join(map(str, sizes))} has no weight "
                         f"({ref.layer}, {ref.neuron}, {ref.input})")


def _check_settings(step: Step, at: str) -> TrainingConfig:
    """The step's config; each setting is checked on its own, so the error names it."""
    for name, value in step.settings.items():
        field = f"{at}.settings.{name}"
        if name not in SETTINGS:
            raise FieldError(field, f"{field}: not a setting; settings: {', '.join(SETTINGS)}")
        try:
            check_setting(name, value)
        except ValueError as error:
            message = str(error).removeprefix(f"{name}: ")
            raise FieldError(field, f"{field}: {message}") from None
    try:
        return step_config(step)
    except ValueError as error:  # settings that do not go together
        raise FieldError(f"{at}.settings", f"{at}.settings: {error}") from None


def _check_step(step: Step, at: str) -> None:
    config = _check_settings(step, at)
    shape = step_shape(config)
    if step.weights is not None:
        try:
            shape.flatten(step.weights)
        except FieldError as error:  # the engine names the row or weight: weights[0][1]
            raise error.under(at) from None
        except ValueError as error:
            raise FieldError(f"{at}.weights", f"{at}.weights: {error}") from None
    bias = config.bias
    refs = [("select", step.select)] if step.select is not None else []
    refs += [(f"highlight.network[{k}]", ref) for k, ref in enumerate(step.highlight.network)]
    if step.poll is not None:
        if step.poll.kind == "weight_direction" and step.poll.target is None:
            raise FieldError(f"{at}.poll.target", f"{at}.poll.target: a weight_direction poll "
                             "needs the weight it asks about")
        if step.poll.target is not None:
            refs.append(("poll.target", step.poll.target))
    for name, ref in refs:
        _check_ref(ref, shape, bias, f"{at}.{name}")


def parse_lesson(data: Any) -> Lesson:
    """A lesson from a file's JSON value; raises FieldError naming the first bad field."""
    try:
        lesson = Lesson.model_validate(data)
    except ValidationError as error:
        raise _first_error(error) from None
    for k, step in enumerate(lesson.steps):
        _check_step(step, f"steps[{k}]")
    return lesson
