"""The wire formats: engine numbers and arrays to JSON values, and frames as MessagePack.

JSON cannot carry NaN or infinity (and the browser's JSON.parse rejects them), so
every non-finite number becomes null, in both formats. Replies, hellos, room
status and the rooms' snapshots (which cross processes through Redis) are JSON
values: float32 arrays (a sweep's results) and the decision surface's levels
(uint8 or uint16 arrays) go as base64 text of their little-endian bytes.

A frame, the one message that goes out many times a second, is one MessagePack
blob (`frame_bytes`): a float64 costs 9 bytes there against 17 to 20 characters of
JSON text, encoding takes about a tenth of the time of `json.dumps`, and the
surface's levels travel as raw bytes. The page decodes it with @msgpack/msgpack
(docs/protocol.md, "Frames"); numbers are exactly the engine's float64 values (a whole
number goes as a MessagePack integer: the same JavaScript number, 1 byte instead of 9).
"""

from __future__ import annotations

import base64
import math
from typing import Any

import msgpack
import numpy as np

from app.sessions.history import FinitePoints

_LITTLE_F32 = np.dtype("<f4")
_LEVEL_TYPES = (np.dtype(np.uint8), np.dtype("<u2"))


def jsonable(value: Any) -> Any:
    """`value` with every number finite-or-null and arrays as base64 text (JSON values only)."""
    return _plain(value, False)


def frame_bytes(frame: dict[str, Any]) -> bytes:
    """A frame (or a room's frame) as one MessagePack blob; surface levels as raw bytes."""
    return msgpack.packb(_plain(frame, True), use_bin_type=True)


def room_frame_bytes(payload: dict[str, Any]) -> bytes:
    """A student's frame as one MessagePack blob. Room pictures cross processes as JSON
    (levels as base64 text); the levels go back to raw bytes here, as in a tab's frame."""
    surface = payload.get("surface")
    if surface:
        surface = {**surface,
                   "output": _raw(surface["output"]),
                   "hidden": [_raw(h) for h in surface.get("hidden", [])]}
        payload = {**payload, "surface": surface}
    return frame_bytes(payload)


def _raw(levels: Any) -> Any:
    return base64.b64decode(levels) if isinstance(levels, str) else levels


#: Whole numbers up to this size are exact in a float64 and in JavaScript's numbers alike.
_EXACT_INTEGERS = 2**53


def _plain(value: Any, binary: bool) -> Any:
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        if binary and value.is_integer() and abs(value) < _EXACT_INTEGERS and \
                (value != 0 or math.copysign(1.0, value) > 0):
            # 1.0 and 1 are the same number to the page (JavaScript has one kind): 1 byte in
            # MessagePack, not 9 (the truth table's s and d, settings). -0.0 stays a float.
            return int(value)
        return value
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, bytes) and binary:
        return value
    if isinstance(value, FinitePoints):
        return value  # the error curve: finite numbers only, by construction
    if isinstance(value, dict):
        return {str(k): _plain(v, binary) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v, binary) for v in value]
    if isinstance(value, np.ndarray):
        if value.dtype == np.float32:
            return _base64(value.astype(_LITTLE_F32, copy=False))
        if value.dtype in _LEVEL_TYPES:
            return value.tobytes() if binary else _base64(value)
        return _plain(value.tolist(), binary)
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return _plain(float(value), binary)
    raise TypeError(f"cannot send a {type(value).__name__}")


def _base64(array: np.ndarray) -> str:
    return base64.b64encode(array.tobytes()).decode()


def float32_array(data: str) -> np.ndarray:
    """Decode a float32 array (base64 text, a sweep's results) back into numbers."""
    return np.frombuffer(base64.b64decode(data), dtype=_LITTLE_F32)


def levels_array(data: str | bytes, encoding: str) -> np.ndarray:
    """Decode a surface's levels (raw bytes in a frame, base64 text in JSON) into integers."""
    raw = data if isinstance(data, bytes) else base64.b64decode(data)
    return np.frombuffer(raw, dtype=np.uint8 if encoding == "u8" else np.dtype("<u2"))


def read_frame(blob: bytes) -> dict[str, Any]:
    """A frame blob back into Python values (what the page decodes; for tests and benchmarks)."""
    return msgpack.unpackb(blob, raw=False)
