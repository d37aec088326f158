"""The wire format: finite numbers or null, float32 arrays as base64 text."""

from __future__ import annotations

import base64
import json
import math

import numpy as np
import pytest

from app.web.wire import float32_array, jsonable


def test_non_finite_numbers_become_null_everywhere() -> None:
    value = {"a": math.nan, "b": [1.5, math.inf, -math.inf], "c": np.float64(np.nan),
             "d": np.array([[1.0, np.nan]]), "e": (np.int64(3), np.bool_(True))}
    out = jsonable(value)
    assert out == {"a": None, "b": [1.5, None, None], "c": None, "d": [[1.0, None]],
                   "e": [3, True]}
    json.dumps(out, allow_nan=False)


def test_float32_arrays_become_base64_text() -> None:
    array = np.array([0.0, 0.25, 1.0, 0.1], dtype=np.float32)
    data = jsonable({"x": array})["x"]
    assert isinstance(data, str) and base64.b64decode(data) == array.astype("<f4").tobytes()
    assert np.array_equal(float32_array(data), array)


def test_unknown_types_are_refused() -> None:
    with pytest.raises(TypeError):
        jsonable(object())
