"""Hypothesis strategies made from the payloads' JSON Schemas (`app.web.payloads.json_schemas`).

hypothesis-jsonschema would do this, but its last release does not run on current
Hypothesis; the schemas pydantic writes for our models use a small part of JSON
Schema (objects with known properties, bounded arrays and strings, number and
integer ranges, enums, `anyOf` with null, `$ref`), which this covers.

- `valid(schema)`: payloads the schema accepts;
- `broken(schema)`: (payload, path) pairs: a valid payload with one thing wrong at
  `path` (a value of the wrong type, an extra field, a required field left out),
  where a refusal must point.
"""

from __future__ import annotations

import math
from typing import Any

from hypothesis import strategies as st

#: Hostile values put where something else belongs.
HOSTILE = st.one_of(
    st.sampled_from([None, True, False, "", "x" * 300, [], {}, [[[]]], {"a": {"b": 1}},
                     -1, 2**63, -(2**63), 1e308, -1e308, 5e-324, 10**30, "1", "NaN", [1, 2]]),
    st.integers(), st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=12),
)


def _resolve(schema: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = root["$defs"][name]
    return schema


def valid(schema: dict[str, Any], root: dict[str, Any] | None = None) -> st.SearchStrategy:
    """Values `schema` accepts."""
    root = root or schema
    schema = _resolve(schema, root)
    if "anyOf" in schema:
        return st.one_of([valid(s, root) for s in schema["anyOf"]])
    if "const" in schema:
        return st.just(schema["const"])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    kind = schema.get("type")
    if kind == "null":
        return st.none()
    if kind == "boolean":
        return st.booleans()
    if kind == "integer":
        return st.integers(int(schema.get("minimum", -(2**53))), int(schema.get("maximum", 2**53)))
    if kind == "number":
        low, high = schema.get("minimum"), schema.get("maximum")
        return st.floats(low, high, allow_nan=False, allow_infinity=False) | st.integers(
            math.ceil(low) if low is not None else -(2**20),
            math.floor(high) if high is not None else 2**20)
    if kind == "string":
        if "pattern" in schema:
            return st.from_regex(schema["pattern"], fullmatch=True)
        return st.text(min_size=schema.get("minLength", 0),
                       max_size=min(schema.get("maxLength", 40), 40))
    if kind == "array":
        if "prefixItems" in schema:
            return st.tuples(*(valid(s, root) for s in schema["prefixItems"])).map(list)
        least = schema.get("minItems", 0)
        most = min(schema.get("maxItems", 6), max(least, 6))
        return st.lists(valid(schema.get("items", {}), root), min_size=least, max_size=most)
    if kind == "object":
        properties = schema.get("properties", {})
        required = set(schema.get("required", ()))
        return st.fixed_dictionaries(
            {k: valid(v, root) for k, v in properties.items() if k in required},
            optional={k: valid(v, root) for k, v in properties.items() if k not in required})
    return HOSTILE  # an unconstrained value


def _paths(value: Any, schema: dict[str, Any], root: dict[str, Any], path: str = ""):
    """(path, value there, its schema) for every place in a valid `value`, depth first."""
    schema = _resolve(schema, root)
    yield path, value, schema
    if "anyOf" in schema:
        branch = next((s for s in schema["anyOf"] if _resolve(s, root).get("type") != "null"),
                      None)
        if branch is not None and value is not None:
            yield from list(_paths(value, branch, root, path))[1:]
        return
    if isinstance(value, dict):
        for key, item in value.items():
            sub = schema.get("properties", {}).get(key, {})
            yield from _paths(item, sub, root, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            sub = schema.get("items") or (schema.get("prefixItems") or [{}] * (i + 1))[i]
            yield from _paths(item, sub, root, f"{path}[{i}]")


def _wrong_for(schema: dict[str, Any], root: dict[str, Any]) -> st.SearchStrategy:
    """Hostile values that `schema` refuses (checked by type, not by a validator)."""
    schema = _resolve(schema, root)
    kinds = {s.get("type") for s in (_resolve(x, root) for x in schema.get("anyOf", [schema]))}
    enum = schema.get("enum")

    def refused(v: Any) -> bool:
        if enum is not None:
            return v not in enum
        if v is None:
            return "null" not in kinds
        if isinstance(v, bool):
            return "boolean" not in kinds
        if isinstance(v, int | float):
            return not kinds & {"integer", "number"} or (
                "number" not in kinds and isinstance(v, float))
        if isinstance(v, str):
            return "string" not in kinds
        if isinstance(v, list):
            return "array" not in kinds
        return "object" not in kinds

    return HOSTILE.filter(refused)


def _set(value: Any, path: list[Any], new: Any) -> Any:
    if not path:
        return new
    copy = dict(value) if isinstance(value, dict) else list(value)
    copy[path[0]] = _set(copy[path[0]], path[1:], new)
    return copy


def _drop(value: Any, path: list[Any]) -> Any:
    copy = dict(value) if isinstance(value, dict) else list(value)
    if len(path) == 1:
        del copy[path[0]]
    else:
        copy[path[0]] = _drop(copy[path[0]], path[1:])
    return copy


def _parts(path: str) -> list[Any]:
    parts: list[Any] = []
    for chunk in path.replace("[", ".[").split("."):
        if chunk:
            parts.append(int(chunk[1:-1]) if chunk.startswith("[") else chunk)
    return parts


@st.composite
def broken(draw: Any, schema: dict[str, Any]) -> tuple[Any, str]:
    """A payload wrong in exactly one place, and that place's path ('' for the whole)."""
    root = schema
    good = draw(valid(schema))
    places = list(_paths(good, schema, root))
    path, _value, sub = draw(st.sampled_from(places))
    sub = _resolve(sub, root)
    how = draw(st.sampled_from(["wrong", "extra", "missing"]))
    if how == "extra" and isinstance(_value, dict) and sub.get("additionalProperties") is False:
        key = draw(st.text(min_size=1, max_size=8).filter(
            lambda k: k not in sub.get("properties", {}) and "." not in k and "[" not in k))
        return _set(good, _parts(path), {**_value, key: draw(HOSTILE)}), \
            f"{path}.{key}" if path else key
    if how == "missing" and isinstance(_value, dict) and sub.get("required"):
        key = draw(st.sampled_from(sorted(sub["required"])))
        return _drop(good, [*_parts(path), key]), f"{path}.{key}" if path else key
    return _set(good, _parts(path), draw(_wrong_for(sub, root))), path
