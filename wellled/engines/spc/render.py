"""Writing the `wellled spc` output: the CSV text for a table and its XmR result.

Byte for byte what `csv.writer` gives for one row at a time, built a column at a time:
a number is formatted once per distinct value (limits once per run of equal limits),
a text that csv might quote once per distinct text, and a block of rows is one `str.join`.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterator, Sequence

import numpy as np
from numpy.typing import NDArray

from wellled.engines.spc.table import Table
from wellled.engines.spc.xmr import POINT_TYPES, XmrResult

OUTPUT_COLUMNS = (
    "group",
    "date",
    "value",
    "mean",
    "lpl",
    "upl",
    "lower_two_sigma",
    "upper_two_sigma",
    "moving_range",
    "segment",
    "rules",
    "point_type",
    "variation",
    "assurance",
    "profile",
    "warnings",
)

RULE_NAMES = (
    ("outside_limits", "outside_limits_high", "outside_limits_low"),
    ("shift", "shift_high", "shift_low"),
    ("trend", "trend_increasing", "trend_decreasing"),
    ("two_sigma", "two_sigma_high", "two_sigma_low"),
)
# Rows joined into one piece of text at a time: large enough that each write is cheap,
# small enough that the text of a million rows is never in memory at once.
BLOCK_ROWS = 65_536
# Codes of a point's type and its four rule flags (each -1, 0, 1 or 2, stored plus one).
CODES = len(POINT_TYPES) * 4 ** len(RULE_NAMES)
LIMIT_COLUMNS = ("mean", "lpl", "upl", "lower_two_sigma", "upper_two_sigma")


def number(value: float) -> str:
    # 15 significant digits: the data's precision without binary noise (8.76, not 8.7599…).
    return "" if not math.isfinite(value) else format(float(value), ".15g")


def csv_fields(fields: Sequence[str]) -> str:
    """Fields as csv.writer joins them (quoted where it would), without the line end."""
    buffer = io.StringIO()
    # A trailing empty field keeps a lone empty field from being written as "".
    csv.writer(buffer, lineterminator="\n").writerow([*fields, ""])
    return buffer.getvalue()[:-2]


def render(table: Table, result: XmrResult) -> Iterator[str]:
    """The output CSV as pieces of text, each ending with a line end.

    The columns are computed here; the text of their rows is joined a block at a time as
    it is written, so that the whole text never has to be held at once.
    """
    n = len(table.order)
    # The result is in series-then-date order; `at[i]` is where input row i is in it.
    at = np.empty(n, dtype=np.int64)
    at[table.order] = np.arange(n)
    series = table.series
    labels = [csv_fields([label]) + "," for label in table.labels]
    variation = result.variation_labels()
    assurance = result.assurance_labels()
    tails = [
        csv_fields(
            [
                str(variation[s]),
                str(assurance[s]),
                result.profile.name,
                "; ".join(result.series_warnings(s)),
            ]
        )
        for s in range(len(table.labels))
    ]
    # Each row's pieces in order; all but the input's own date and value texts carry the
    # comma or line end after them, added once per distinct text rather than per row.
    pieces: list[list[str] | str] = [
        _take(labels, series),
        table.dates,
        ",",
        table.raw_values,
        ",",
        _limits(result, at),
        _numbers(result.moving_range[at]),
        _segment_to_warnings(result, at, series, tails),
    ]
    return _blocks(",".join(OUTPUT_COLUMNS) + "\n", pieces, len(at))


def _blocks(header: str, pieces: list[list[str] | str], n: int) -> Iterator[str]:
    yield header
    width = len(pieces)
    for start in range(0, n, BLOCK_ROWS):
        stop = min(n, start + BLOCK_ROWS)
        # One list of every piece of every row in the block, joined in one call.
        flat: list[str] = [","] * (width * (stop - start))
        for j, piece in enumerate(pieces):
            if not isinstance(piece, str):
                flat[j::width] = piece[start:stop]
        yield "".join(flat)


def _take(strings: list[str], index: NDArray[np.integer]) -> list[str]:
    return np.array(strings, dtype=object)[index].tolist()


def _numbers(values: NDArray[np.float64]) -> list[str]:
    """Each value formatted, once per distinct value (by its bits, so -0.0 is not 0.0)."""
    bits = np.ascontiguousarray(values, dtype=np.float64).view(np.int64)
    distinct, index = np.unique(bits, return_inverse=True)
    texts = [number(value) + "," for value in distinct.view(np.float64).tolist()]
    return _take(texts, index.reshape(-1))


def _limits(result: XmrResult, at: NDArray[np.int64]) -> list[str]:
    """The five limit columns joined, formatted once per run of rows with equal limits."""
    n = at.size
    if n == 0:
        return []
    columns = np.stack([getattr(result, name)[at] for name in LIMIT_COLUMNS], axis=1)
    bits = np.ascontiguousarray(columns, dtype=np.float64).view(np.int64)
    starts = np.flatnonzero(np.append(True, (bits[1:] != bits[:-1]).any(axis=1)))
    texts = [",".join(map(number, row)) + "," for row in columns[starts].tolist()]
    run_start = np.zeros(n, dtype=np.int64)
    run_start[starts] = 1
    return _take(texts, np.cumsum(run_start) - 1)


def _segment_to_warnings(
    result: XmrResult, at: NDArray[np.int64], series: NDArray[np.int64], tails: list[str]
) -> list[str]:
    """The columns from segment to warnings, one text per distinct combination of series,
    segment, rules and point type: few, as a series has few segments and kinds of point."""
    code = result.point_type[at].astype(np.int64)
    for column, _, _ in RULE_NAMES:
        code = code * 4 + (getattr(result, column)[at].astype(np.int64) + 1)
    segment = result.segment[at].astype(np.int64)
    segments = int(segment.max(initial=0)) + 1
    distinct, index = np.unique((series * segments + segment) * CODES + code, return_inverse=True)
    rules: dict[int, str] = {}
    texts = []
    for key in distinct.tolist():
        s, rest = divmod(key, segments * CODES)
        k, c = divmod(rest, CODES)
        if c not in rules:
            rules[c] = _rules_and_point_type(c)
        texts.append(f"{k + 1},{rules[c]},{tails[s]}\n")
    return _take(texts, index.reshape(-1))


def _rules_and_point_type(code: int) -> str:
    """The rules and point_type columns for a code of the point type and every flag."""
    flags = []
    for _ in RULE_NAMES:
        flags.append(code % 4 - 1)
        code //= 4
    rules = []
    for (_, high, low), flag in zip(RULE_NAMES, reversed(flags), strict=True):
        if flag in (1, 2):
            rules.append(high)
        if flag in (-1, 2):
            rules.append(low)
    return csv_fields([";".join(rules), POINT_TYPES[code]])
