"""The one wire format: engine numbers and arrays to JSON values, arrays as base64 text.

JSON cannot carry NaN or infinity (and the browser's JSON.parse rejects them), so
every non-finite number becomes null. float32 numpy arrays (the decision surface)
become base64 text of their little-endian bytes: a frame then travels as one
WebSocket message (binary attachments would add one message each, and every
message costs the server a writer wake-up). Anything else numpy becomes plain
Python numbers and lists.
"""

from __future__ import annotations

import base64
import math
from typing import Any

import numpy as np

from app.sessions.history import FinitePoints

_LITTLE_F32 = np.dtype("<f4")


def jsonable(value: Any) -> Any:
    """`value` with every number finite-or-null and float32 arrays as base64 text."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, FinitePoints):
        return value  # the error curve: finite numbers only, by construction
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        if value.dtype == np.float32:
            return base64.b64encode(value.astype(_LITTLE_F32, copy=False).tobytes()).decode()
        return jsonable(value.tolist())
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return jsonable(float(value))
    raise TypeError(f"cannot send a {type(value).__name__}")


def float32_array(data: str) -> np.ndarray:
    """Decode a surface array (base64 text) back into float32 numbers."""
    return np.frombuffer(base64.b64decode(data), dtype=_LITTLE_F32)
