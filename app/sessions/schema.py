"""Declared payload models (pydantic v2) and the one way a payload is checked against one.

Every socket payload and the export/import format is a model of `Strict` (known
fields only, no type coercion, finite numbers) with bounded sizes, lengths and
integer ranges. `parse(model, data)` returns the validated model or raises
`CommandError`, a `FieldError` whose field is the path as the page shows it
(`state.marks[0].epoch`) and whose message says what was wanted, in words, never
a traceback. What a model cannot say (a weight matrix's shape for the network's
layout, a sweep's seed range) the engine and the commands check after, raising
`FieldError` too.

Why pydantic: its errors carry the location of every failure as data (no
message parsing), `extra="forbid"`, strict types and `allow_inf_nan=False` are
switches rather than code, its core is compiled (a 700 KB import validates in a
few ms), and `model_json_schema()` gives the JSON Schema that the fuzz tests
generate their cases from (hypothesis-jsonschema), so the tests follow the schema.
"""

from __future__ import annotations

import math
import typing
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from app.engine.errors import FieldError


class CommandError(FieldError):
    """A bad command payload (the server's name for the engine's `FieldError`)."""


class Strict(BaseModel):
    """Known fields only, no coercion ("1" is not 1, 1.0 is not 1), finite numbers only."""

    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False,
                              hide_input_in_errors=True)


#: A finite number (an int is taken as a float).
Finite = Annotated[float, Field(allow_inf_nan=False)]
#: A line of text a person typed (a poll's question, a name).
Text = Annotated[str, Field(max_length=200)]
#: An id or a token (session ids and tokens are 43 characters).
Token = Annotated[str, Field(min_length=1, max_length=128)]


def whole(least: int, most: int) -> Any:
    """An int from `least` to `most` (bools and floats refused)."""
    return Annotated[int, Field(ge=least, le=most)]


M = TypeVar("M", bound=BaseModel)


def parse(model: type[M], data: Any, root: str = "", name: str = "payload") -> M:
    """`data` validated as `model` (None counts as {}); CommandError naming the path under
    `root` (`name` when the payload as a whole is wrong, e.g. not an object)."""
    if data is None:
        data = {}
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise error_from(error, model, root, name) from None


def error_from(error: ValidationError, model: type[BaseModel], root: str = "",
               name: str = "payload") -> CommandError:
    """The first problem of a pydantic error as a CommandError with the page's path."""
    first = error.errors(include_url=False)[0]
    loc = tuple(first["loc"])
    path = path_of(loc, root)
    kind = first["type"]
    ctx = first.get("ctx") or {}
    got = shown(first.get("input", _NOTHING))
    if kind == "extra_forbidden":
        known = known_fields(model, loc[:-1])
        phrase = "not a known field" + (f" (fields: {', '.join(known)})" if known else
                                        " (this takes no fields)")
    else:
        phrase = _phrase(kind, ctx, got, first["msg"])
    field = path or root or name
    return CommandError(field, f"{field}: {phrase}")


_NOTHING = object()


def _phrase(kind: str, ctx: dict[str, Any], got: str, fallback: str) -> str:
    if kind == "missing":
        return "missing"
    if kind in ("int_type", "int_from_float", "int_parsing"):
        return f"need a whole number, got {got}"
    if kind in ("float_type", "float_parsing"):
        return f"need a number, got {got}"
    if kind == "finite_number":
        return f"need a finite number, got {got}"
    if kind in ("bool_type", "bool_parsing"):
        return f"need true or false, got {got}"
    if kind == "string_type":
        return f"need text, got {got}"
    if kind in ("list_type", "tuple_type"):
        return f"need a list, got {got}"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"need an object, got {got}"
    if kind in ("greater_than_equal", "greater_than"):
        return f"need at least {ctx.get('ge', ctx.get('gt'))}, got {got}"
    if kind in ("less_than_equal", "less_than"):
        return f"need at most {ctx.get('le', ctx.get('lt'))}, got {got}"
    if kind == "too_long":
        return f"need at most {ctx.get('max_length')} items, got {ctx.get('actual_length')}"
    if kind == "too_short":
        return f"need at least {ctx.get('min_length')} items, got {ctx.get('actual_length')}"
    if kind == "string_too_long":
        return f"need at most {ctx.get('max_length')} characters"
    if kind == "string_too_short":
        return "need some text"
    if kind == "string_pattern_mismatch":
        return f"not in the expected form, got {got}"
    if kind == "literal_error":
        return f"need one of {ctx.get('expected')}, got {got}"
    if kind == "value_error":
        return str(ctx.get("error", fallback))
    return fallback[:120]


def path_of(loc: tuple[Any, ...], root: str = "") -> str:
    """('state', 'marks', 0, 'epoch') under root '' → 'state.marks[0].epoch'."""
    path = root
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path = f"{path}.{part}" if path else str(part)
    return path


def shown(value: Any) -> str:
    """A value as the page's user would read it in a refusal: short, JSON-like, never huge."""
    if value is _NOTHING:
        return "nothing"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        digits = len(str(abs(value))) if abs(value) < 10**100 else 101
        return str(value) if digits <= 24 else f"an integer of {digits}+ digits"
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else str(value)
    if isinstance(value, str):
        return repr(value) if len(value) <= 40 else repr(value[:37] + "...")
    if isinstance(value, list):
        return f"a list of {len(value)}"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def known_fields(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """The field names of the model found at `loc` inside `model` ([] if none is)."""
    current: Any = model
    for part in loc:
        current = _inner(current, part)
        if current is None:
            return []
    current = _model_in(current)
    return list(current.model_fields) if current is not None else []


def _inner(annotation: Any, part: Any) -> Any:
    model = _model_in(annotation)
    if isinstance(part, str):
        if model is None or part not in model.model_fields:
            return None
        return model.model_fields[part].annotation
    for arg in typing.get_args(_strip(annotation)):  # list[X]: X
        return arg
    return None


def _strip(annotation: Any) -> Any:
    while typing.get_origin(annotation) is Annotated:
        annotation = typing.get_args(annotation)[0]
    return annotation


def _model_in(annotation: Any) -> type[BaseModel] | None:
    annotation = _strip(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):  # X | None
        arg = _strip(arg)
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
    return None
