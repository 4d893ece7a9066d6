"""Reading the arguments of `xmr`: values laid end to end, and per-series settings."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

DIRECTIONS = {"increase": 1, "decrease": -1, "neither": 0}

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]
Int8Array = NDArray[np.int8]


def flatten(
    values: ArrayLike, lengths: Sequence[int] | ArrayLike | None
) -> tuple[FloatArray, IntArray, tuple[int, ...] | None]:
    arr = np.asarray(values, dtype=np.float64)
    if arr.ndim == 2:
        if lengths is not None:
            raise ValueError("lengths is only for 1-D values; a 2-D array has one series per row")
        rows, cols = arr.shape
        if cols == 0 and rows:
            raise ValueError("every series needs at least one point")
        lens = np.full(rows, cols, dtype=np.int64)
        return np.ascontiguousarray(arr).reshape(-1), lens, arr.shape
    if arr.ndim != 1:
        raise ValueError("values must be a 1-D or 2-D array")
    if lengths is None:
        lens = np.array([arr.size] if arr.size else [], dtype=np.int64)
    else:
        lens = np.asarray(lengths, dtype=np.int64).reshape(-1)
        if (lens < 1).any():
            raise ValueError("every series needs at least one point")
        if int(lens.sum()) != arr.size:
            raise ValueError(f"lengths add up to {int(lens.sum())} but there are {arr.size} values")
    if not np.isfinite(arr).all():
        bad = int(np.flatnonzero(~np.isfinite(arr))[0])
        raise ValueError(f"value at position {bad} is not a finite number")
    return arr, lens, None


def flat_bool(
    mask: ArrayLike | None, n: int, shape: tuple[int, ...] | None, name: str
) -> BoolArray:
    if mask is None:
        return np.zeros(n, dtype=bool)
    arr = np.asarray(mask, dtype=bool)
    if shape is not None and arr.shape != shape:
        raise ValueError(f"{name} must have the same shape as values {shape}")
    arr = arr.reshape(-1)
    if arr.size != n:
        raise ValueError(f"{name} has {arr.size} entries but there are {n} values")
    return arr


def per_series_int(value: Any, n_series: int, name: str) -> IntArray:
    if value is None:
        return np.zeros(n_series, dtype=np.int64)
    arr = np.asarray(value, dtype=np.int64).reshape(-1)
    if arr.size == 1:
        arr = np.full(n_series, int(arr[0]), dtype=np.int64)
    if arr.size != n_series:
        raise ValueError(f"{name} needs one value or one per series ({n_series})")
    if (arr < 0).any():
        raise ValueError(f"{name} cannot be negative")
    return arr


def per_series_float(value: Any, n_series: int, name: str) -> FloatArray:
    if value is None:
        return np.full(n_series, np.nan)
    if np.ndim(value) == 0:
        return np.full(n_series, float(value))
    arr = np.asarray([np.nan if v is None else v for v in value], dtype=np.float64)
    if arr.size != n_series:
        raise ValueError(f"{name} needs one value or one per series ({n_series})")
    return arr


def directions(improvement: str | Sequence[str], n_series: int) -> Int8Array:
    names = [improvement] if isinstance(improvement, str) else list(improvement)
    try:
        codes = np.asarray([DIRECTIONS[v] for v in names], dtype=np.int8)
    except KeyError as exc:
        raise ValueError(
            f"improvement must be one of {', '.join(DIRECTIONS)}, not {exc.args[0]!r}"
        ) from None
    if codes.size == 1:
        return np.full(n_series, codes[0], dtype=np.int8)
    if codes.size != n_series:
        raise ValueError(f"improvement needs one value or one per series ({n_series})")
    return codes


def warn(warnings: dict[int, list[str]], series: int, message: str) -> None:
    warnings.setdefault(series, []).append(message)
