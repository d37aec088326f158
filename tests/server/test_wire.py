"""The wire formats: finite numbers or null; float32 arrays and surface levels as base64 text
in JSON, frames as MessagePack with the levels as raw bytes."""

from __future__ import annotations

import base64
import json
import math

import msgpack
import numpy as np
import pytest

from app.web.wire import float32_array, frame_bytes, jsonable, levels_array, read_frame


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


def test_a_frame_blob_carries_exact_float64_numbers_and_null_for_non_finite() -> None:
    rng = np.random.default_rng(7)
    numbers = [float(x) for x in rng.standard_normal(50)] + [1e-300, -0.0, 5e-324]
    frame = {"weights": [[numbers]], "loss": math.nan, "e": np.float64(-np.inf), "n": np.int64(4)}
    back = read_frame(frame_bytes(frame))
    assert back["weights"][0][0] == numbers  # bit for bit: MessagePack float64
    assert math.copysign(1.0, back["weights"][0][0][-2]) == -1.0
    assert back["loss"] is None and back["e"] is None and back["n"] == 4


def test_surface_levels_are_raw_bytes_in_a_frame_and_base64_in_json() -> None:
    u8 = np.array([0, 1, 254, 255], dtype=np.uint8)
    u16 = np.array([0, 65535, 256], dtype="<u2")
    blob = msgpack.unpackb(frame_bytes({"a": u8, "b": u16}), raw=False)
    assert blob == {"a": u8.tobytes(), "b": u16.tobytes()}
    text = jsonable({"a": u8, "b": u16})
    json.dumps(text)
    assert np.array_equal(levels_array(text["a"], "u8"), u8)
    assert np.array_equal(levels_array(text["b"], "u16le"), u16)
    assert np.array_equal(levels_array(blob["b"], "u16le"), u16)


def test_whole_numbers_go_as_integers_the_same_number_to_the_page() -> None:
    back = read_frame(frame_bytes({"s": [0.0, 1.0], "big": 2.0**60, "neg": -0.0, "half": 0.5}))
    assert back["s"] == [0, 1] and all(type(x) is int for x in back["s"])
    assert back["big"] == 2.0**60 and type(back["big"]) is float  # past 2**53: stays a float
    assert type(back["neg"]) is float and math.copysign(1.0, back["neg"]) == -1.0
    assert back["half"] == 0.5
    assert len(frame_bytes({"d": 1.0})) < len(frame_bytes({"d": 1.5}))
