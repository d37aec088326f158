"""The one wire format: engine numbers and arrays to JSON values and binary attachments.

JSON cannot carry NaN or infinity (and the browser's JSON.parse rejects them), so
every non-finite number becomes null. float32 numpy arrays become little-endian
bytes, which Socket.IO sends as binary attachments (ArrayBuffer in the browser).
Anything else numpy becomes plain Python numbers and lists.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

_LITTLE_F32 = np.dtype("<f4")


def jsonable(value: Any) -> Any:
    """`value` with every number finite-or-null and float32 arrays as bytes."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if value is None or isinstance(value, bool | int | str | bytes):
        return value
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        if value.dtype == np.float32:
            return value.astype(_LITTLE_F32, copy=False).tobytes()
        return jsonable(value.tolist())
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return jsonable(float(value))
    raise TypeError(f"cannot send a {type(value).__name__}")


def float32_array(data: bytes) -> np.ndarray:
    """Decode a binary attachment back into float32 numbers (tests, tools)."""
    return np.frombuffer(data, dtype=_LITTLE_F32)
