"""The engine's checks of single values: a finite number, a whole number in a range.

Each raises `FieldError` naming the field it was given; JSON's numbers arrive as
int or float (bool is not a number here), and an int too large for a float is not
a finite number.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .errors import FieldError, shown


def finite_number(value: Any, field: str) -> float:
    """`value` as a float; FieldError unless it is a finite int or float."""
    if isinstance(value, bool) or not isinstance(value, int | float | np.floating | np.integer):
        raise FieldError(field, f"{field}: need a finite number, got {shown(value)}")
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number):
        raise FieldError(field, f"{field}: need a finite number, got {shown(value)}")
    return number


def whole_number(value: Any, field: str, least: int, most: int | None = None) -> int:
    """`value` as an int in [least, most] (no upper bound when None); FieldError if not."""
    top = f" to {most:,}" if most is not None else " or more"
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise FieldError(field, f"{field}: need a whole number {least}{top}, got {shown(value)}")
    if value < least or (most is not None and value > most):
        raise FieldError(field, f"{field}: need {least}{top}, got {shown(value)}")
    return int(value)
