"""XmR (individuals) charts the Making Data Count way, for many series at once.

All series are laid end to end in one flat float array; `lengths` says where
each one ends. One series of a million points and ten thousand series of 36
points go through the same code: every step is a numpy pass over the flat
array (cumulative sums, bincounts, run boundaries), never a Python loop over
points or series. A 2-D array of equal-length series is accepted too.

    >>> from wellled.engines.spc import xmr
    >>> r = xmr([30, 31, 25, 35, 34, 15, 21, 23, 30, 26, 26, 22, 25], improvement="increase")
    >>> r.variation_labels()[0]
    'common_cause'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from wellled.engines.spc.inputs import DIRECTIONS as DIRECTIONS
from wellled.engines.spc.inputs import (
    BoolArray,
    FloatArray,
    Int8Array,
    IntArray,
    directions,
    flat_bool,
    flatten,
    per_series_float,
    per_series_int,
    warn,
)
from wellled.engines.spc.partitions import partitions
from wellled.engines.spc.profiles import Profile, get_profile

POINT_TYPES = (
    "common_cause",
    "special_cause_improvement",
    "special_cause_concern",
    "special_cause_neither",
)
COMMON, IMPROVEMENT, CONCERN, NEITHER = 0, 1, 2, 3

VARIATIONS = (
    "common_cause",
    "improvement_high",
    "improvement_low",
    "concern_high",
    "concern_low",
    "neither_high",
    "neither_low",
)
ASSURANCES = ("pass", "fail", "hit_or_miss")
NO_ICON = -1


@dataclass(frozen=True)
class XmrResult:
    """Per-point arrays (flat, in input order) and per-series icons.

    Signal columns are +1 (high side / increasing), -1 (low side / decreasing) or 0;
    `trend` is 2 on the turning point between a falling and a rising trend (in both).
    `signal_side` is the side the point's special cause is shown on after conflicts
    are resolved. Limits are NaN where a series has too few points for limits.
    """

    profile: Profile
    lengths: IntArray
    offsets: IntArray
    value: FloatArray
    mean: FloatArray
    lpl: FloatArray
    upl: FloatArray
    lower_two_sigma: FloatArray
    upper_two_sigma: FloatArray
    moving_range: FloatArray
    mean_moving_range: FloatArray
    segment: IntArray
    outside_limits: Int8Array
    shift: Int8Array
    trend: Int8Array
    two_sigma: Int8Array
    point_type: Int8Array
    signal_side: Int8Array
    improvement: Int8Array
    target: FloatArray
    has_limits: BoolArray
    variation: Int8Array
    assurance: Int8Array
    warnings: dict[int, list[str]] = field(default_factory=dict)

    @property
    def n_series(self) -> int:
        return len(self.lengths)

    def point_type_labels(self) -> NDArray[np.str_]:
        return np.asarray(POINT_TYPES)[self.point_type]

    def variation_labels(self) -> NDArray[np.str_]:
        return _labels(VARIATIONS, self.variation)

    def assurance_labels(self) -> NDArray[np.str_]:
        return _labels(ASSURANCES, self.assurance)

    def series_slice(self, i: int) -> slice:
        return slice(int(self.offsets[i]), int(self.offsets[i] + self.lengths[i]))

    def series_warnings(self, i: int) -> list[str]:
        return self.warnings.get(i, [])

    def series(self, i: int) -> dict[str, Any]:
        """One series as plain Python values, for a notebook or a template."""
        s = self.series_slice(i)
        return {
            "value": self.value[s].tolist(),
            "mean": self.mean[s].tolist(),
            "lpl": self.lpl[s].tolist(),
            "upl": self.upl[s].tolist(),
            "point_type": self.point_type_labels()[s].tolist(),
            "variation": str(self.variation_labels()[i]),
            "assurance": str(self.assurance_labels()[i]),
            "warnings": self.series_warnings(i),
        }


def _labels(names: tuple[str, ...], codes: Int8Array) -> NDArray[np.str_]:
    table = np.asarray((*names, ""))
    return table[np.where(codes < 0, len(names), codes)]


def xmr(
    values: ArrayLike,
    *,
    lengths: Sequence[int] | ArrayLike | None = None,
    rebase: ArrayLike | None = None,
    baseline: int | Sequence[int] | ArrayLike | None = None,
    improvement: str | Sequence[str] = "increase",
    target: float | Sequence[float | None] | ArrayLike | None = None,
    profile: str | Profile | None = None,
) -> XmrResult:
    """Compute XmR charts for one or many series.

    values: a 1-D array (one series, or several laid end to end with `lengths`)
        or a 2-D array with one equal-length series per row. Values must be finite
        and each series in date order.
    lengths: the number of points in each series, when `values` is 1-D.
    rebase: booleans shaped like `values`; True marks the first point of a new
        segment whose limits are recalculated (a "recalculation" in MDC terms).
    baseline: number of points at the start of each series (int, or one per
        series; 0 = none) whose limits are carried forward.
    improvement: "increase", "decrease" or "neither", for all series or one each.
    target: the target, for all series or one each (None/NaN = no target).
    profile: a profile name (see PROFILES) or a Profile; default mdc_excel_v5.
    """
    prof = get_profile(profile)
    layout = _layout(values, lengths)
    n, n_series = layout.x.size, layout.lens.size
    rebase_mask = flat_bool(rebase, n, layout.two_d_shape, "rebase") & ~layout.series_start
    base = per_series_int(baseline, n_series, "baseline")
    direction = directions(improvement, n_series)
    targets = per_series_float(target, n_series, "target")
    warnings: dict[int, list[str]] = {}

    part_start, calc, copy_from_prev = partitions(
        prof, layout.offsets, layout.lens, layout.series_start, rebase_mask, base, warnings
    )
    parts = _part_layout(part_start, layout)
    mr, step = _differences(layout.x)
    lim = _limits(prof, layout, parts, mr, calc, copy_from_prev)
    x, lens = layout.x, layout.lens

    lines = (lim.mean, lim.upl, lim.lpl, lim.u2, lim.l2)
    signals, tbrk = _rules(prof, x, step, *lines, layout.series_start, part_start, lim.limited)
    point_type, side = _classify(prof, x, lim.mean, step, signals, _spread(direction, lens), tbrk)
    _series_warnings(prof, parts, lens, lim.has_limits, warnings)
    return _result(
        prof, layout, parts, lim, mr, signals, (point_type, side), direction, targets, warnings
    )


# --- the steps of xmr -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Layout:
    """The series laid end to end: values, each series' length and first index."""

    x: FloatArray
    lens: IntArray
    offsets: IntArray
    series_start: BoolArray
    two_d_shape: tuple[int, ...] | None


def _layout(values: ArrayLike, lengths: Sequence[int] | ArrayLike | None) -> _Layout:
    x, lens, two_d_shape = flatten(values, lengths)
    n = x.size
    if n == 0:
        raise ValueError("there are no values")
    n_series = lens.size
    offsets = np.zeros(n_series, dtype=np.int64)
    if n_series > 1:
        np.cumsum(lens[:-1], out=offsets[1:])
    series_start = np.zeros(n, dtype=bool)
    series_start[offsets] = True
    return _Layout(x, lens, offsets, series_start, two_d_shape)


@dataclass(frozen=True)
class _Parts:
    """Partitions are contiguous runs of points: sums are reduceat, gathers are repeat."""

    part_start: BoolArray
    starts: IntArray
    sizes: IntArray
    first_part: IntArray  # each series' first partition
    part_series: IntArray  # each partition's series


def _part_layout(part_start: BoolArray, layout: _Layout) -> _Parts:
    starts = np.flatnonzero(part_start)
    sizes = np.diff(np.append(starts, layout.x.size))
    first_part = np.searchsorted(starts, layout.offsets)
    part_series = np.repeat(
        np.arange(layout.lens.size, dtype=np.int64), np.diff(np.append(first_part, starts.size))
    )
    return _Parts(part_start, starts, sizes, first_part, part_series)


def _differences(x: FloatArray) -> tuple[FloatArray, Int8Array]:
    """|x[i] - x[i-1]| and its sign: one pass serves the moving ranges and the trend rule."""
    mr = np.empty(x.size)
    mr[0] = 0.0
    np.subtract(x[1:], x[:-1], out=mr[1:])
    step = np.sign(mr).astype(np.int8)
    np.abs(mr, out=mr)
    return mr, step


@dataclass(frozen=True)
class _Limits:
    mean: FloatArray
    mrbar: FloatArray
    upl: FloatArray
    lpl: FloatArray
    u2: FloatArray
    l2: FloatArray
    has_limits: BoolArray  # per series
    limited: BoolArray  # per point


def _limits(
    prof: Profile,
    layout: _Layout,
    parts: _Parts,
    mr: FloatArray,
    calc: BoolArray,
    copy_from_prev: BoolArray,
) -> _Limits:
    """Each point's mean, mean moving range and limits; sets mr to NaN where a partition
    starts (its moving range would span two partitions)."""
    part_start = parts.part_start
    mean_p, mr_mean_p = _partition_stats(
        prof, layout.x, mr, part_start, calc, parts.starts, parts.sizes
    )
    mr[part_start] = np.nan
    if copy_from_prev.any():
        # MDC SQL: the partition straight after a baseline reuses the baseline's limits.
        idx = np.flatnonzero(copy_from_prev)
        mean_p[idx] = mean_p[idx - 1]
        mr_mean_p[idx] = mr_mean_p[idx - 1]

    has_limits = layout.lens >= prof.min_points
    if not has_limits.all():
        mr_mean_p[~has_limits[parts.part_series]] = np.nan
    mean = _spread(mean_p, parts.sizes)
    mrbar = _spread(mr_mean_p, parts.sizes)
    upl, lpl = _lines(mean, mrbar, prof.limit_constant)
    u2, l2 = _lines(mean, mrbar, prof.two_sigma_constant)
    limited = _spread(has_limits, layout.lens)
    return _Limits(mean, mrbar, upl, lpl, u2, l2, has_limits, limited)


def _series_warnings(
    prof: Profile,
    parts: _Parts,
    lens: IntArray,
    has_limits: BoolArray,
    warnings: dict[int, list[str]],
) -> None:
    _segment_warnings(prof, parts.sizes, parts.part_series, parts.first_part, has_limits, warnings)
    for i in np.flatnonzero(~has_limits):
        warn(
            warnings,
            int(i),
            f"only {int(lens[i])} points: fewer than the {prof.min_points} needed for "
            "process limits, so the chart has no limits, special causes or icons",
        )


def _result(
    prof: Profile,
    layout: _Layout,
    parts: _Parts,
    lim: _Limits,
    mr: FloatArray,
    signals: dict[str, Int8Array],
    classified: tuple[Int8Array, Int8Array],
    direction: Int8Array,
    targets: FloatArray,
    warnings: dict[int, list[str]],
) -> XmrResult:
    """The chart, with each series' icons read from its points and last limits."""
    point_type, side = classified
    lens, offsets = layout.lens, layout.offsets
    last = offsets + lens - 1
    return XmrResult(
        profile=prof,
        lengths=lens,
        offsets=offsets,
        value=layout.x,
        mean=lim.mean,
        lpl=lim.lpl,
        upl=lim.upl,
        lower_two_sigma=lim.l2,
        upper_two_sigma=lim.u2,
        moving_range=mr,
        mean_moving_range=lim.mrbar,
        segment=_spread(
            np.arange(parts.starts.size) - parts.first_part[parts.part_series], parts.sizes
        ),
        outside_limits=signals["outside"],
        shift=signals["shift"],
        trend=signals["trend"],
        two_sigma=signals["two_sigma"],
        point_type=point_type,
        signal_side=side,
        improvement=direction,
        target=targets,
        has_limits=lim.has_limits,
        variation=_variation(prof, point_type, side, direction, lim.has_limits, offsets, lens),
        assurance=_assurance(
            prof, targets, direction, lim.has_limits, lim.upl[last], lim.lpl[last]
        ),
        warnings=warnings,
    )


def assurance_icons(
    target: float | ArrayLike,
    lpl: ArrayLike,
    upl: ArrayLike,
    improvement: str | Sequence[str] = "increase",
    profile: str | Profile | None = None,
) -> NDArray[np.str_]:
    """Assurance icon labels ("pass", "fail", "hit_or_miss" or "") for given limits.

    For charts whose limits come from elsewhere (a stored chart, a rebase approved
    earlier); `xmr` computes the same icon from the last point's limits itself.
    """
    prof = get_profile(profile)
    lo = np.atleast_1d(np.asarray(lpl, dtype=np.float64))
    hi = np.atleast_1d(np.asarray(upl, dtype=np.float64))
    targets = np.broadcast_to(np.asarray(target, dtype=np.float64), lo.shape).astype(np.float64)
    codes = _assurance(
        prof, targets, directions(improvement, lo.size), np.ones(lo.size, dtype=bool), hi, lo
    )
    return _labels(ASSURANCES, codes)


# --- partitions and limits --------------------------------------------------------------------


def _partition_stats(
    prof: Profile,
    x: FloatArray,
    mr: FloatArray,
    part_start: BoolArray,
    calc: BoolArray,
    starts: IntArray,
    sizes: IntArray,
) -> tuple[FloatArray, FloatArray]:
    """Mean and mean moving range of each partition.

    mr holds |x[i] - x[i-1]|; its value at a partition's first point is ignored.
    """
    all_calc = bool(calc.all())
    mean_p = _masked_mean(x, None if all_calc else calc, starts, sizes)
    valid = ~part_start
    if not all_calc:
        valid &= calc & np.concatenate(([False], calc[:-1]))
    mr_mean_p = _masked_mean(mr, valid, starts, sizes)

    if prof.screen_mr_outliers != "off":
        limit = prof.mr_outlier_constant * _spread(mr_mean_p, sizes)
        with np.errstate(invalid="ignore"):
            kept = valid & (mr < limit if prof.screen_mr_outliers == "nhsr" else mr <= limit)
        mr_mean_p = _masked_mean(mr, kept, starts, sizes)
        if prof.screen_mr_outliers == "sql":
            # The SQL drops the points whose moving range was an outlier from the mean too.
            mean_p = _masked_mean(x, calc & ~(valid & ~kept), starts, sizes)
    return mean_p, mr_mean_p


def _lines(mean: FloatArray, mrbar: FloatArray, constant: float) -> tuple[FloatArray, FloatArray]:
    """mean + constant * mrbar and mean - constant * mrbar, with no temporaries."""
    upper = np.multiply(mrbar, constant)
    lower = np.subtract(mean, upper)
    upper += mean
    return upper, lower


def _spread(per_part: NDArray[Any], sizes: IntArray) -> NDArray[Any]:
    """Each partition's value on each of its points."""
    if per_part.size == 1:
        return np.full(int(sizes[0]), per_part[0], dtype=per_part.dtype)
    return np.repeat(per_part, sizes)


def _masked_mean(
    v: FloatArray, mask: BoolArray | None, starts: IntArray, sizes: IntArray
) -> FloatArray:
    """Mean of each contiguous partition's masked values, with R's second pass.

    A plain sum/n can land one unit in the last place away from a constant series'
    value, which would put every point "above the mean" and fire a shift. Adding the
    mean residual (as R's mean() does) makes a constant partition's mean exact.
    """
    if mask is None:
        count = sizes.astype(np.float64)
        vals = v
    else:
        count = np.add.reduceat(mask, starts, dtype=np.float64)
        vals = np.where(mask, v, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        first = np.add.reduceat(vals, starts) / count
        residual = vals - first[0] if first.size == 1 else vals - np.repeat(first, sizes)
        if mask is not None:
            residual[~mask] = 0.0
        return first + np.add.reduceat(residual, starts) / count


# --- special-cause rules ----------------------------------------------------------------------


def _run_bounds(mask: BoolArray, brk: BoolArray) -> tuple[IntArray, IntArray]:
    """First and last index of each maximal run of True that does not cross a `brk` point."""
    prev = np.empty_like(mask)
    prev[0] = False
    prev[1:] = mask[:-1]
    start = mask & (~prev | brk)
    nxt = np.empty_like(mask)
    nxt[-1] = False
    nxt[:-1] = mask[1:] & ~brk[1:]
    end = mask & ~nxt
    return np.flatnonzero(start), np.flatnonzero(end)


def _cover(n: int, first: IntArray, last: IntArray) -> BoolArray:
    """True on every index from first[k] to last[k] inclusive (runs do not overlap)."""
    marks = np.zeros(n + 1, dtype=np.int32)
    marks[first] += 1
    marks[last + 1] -= 1
    return np.cumsum(marks[:-1], dtype=np.int32) > 0


def _sign_run_bounds(sign: Int8Array, brk: BoolArray) -> tuple[IntArray, IntArray]:
    """First and last index of each maximal run of one non-zero value of `sign`
    (all +1 or all -1) that does not cross a `brk` point: both sides in one pass."""
    n = sign.size
    change = np.empty(n + 1, dtype=bool)
    change[0] = True
    np.not_equal(sign[1:], sign[:-1], out=change[1:n])
    change[n] = True
    change[:n] |= brk
    nonzero = sign != 0
    return np.flatnonzero(nonzero & change[:n]), np.flatnonzero(nonzero & change[1:])


def _shift(side: Int8Array, brk: BoolArray, points: int) -> tuple[BoolArray, BoolArray]:
    """Points in a run of `points` or more on one side of the mean (side: +1 above, -1 below)."""
    first, last = _sign_run_bounds(side, brk)
    long = last - first + 1 >= points
    covered = _cover(side.size, first[long], last[long])
    return covered & (side > 0), covered & (side < 0)


def _trend(step: Int8Array, brk: BoolArray, points: int, ties: str) -> tuple[BoolArray, BoolArray]:
    """Points in a run of `points` strictly rising (falling) values, ends included.

    step[i] is the sign of the change from point i-1 to point i (0 at a break).
    """
    n = step.size
    long: BoolArray
    if ties == "break":
        # Rising and falling runs of steps never overlap, so one pass finds both; the
        # points are marked through the steps, as a turning point is in both trends.
        first, last = _sign_run_bounds(step, brk)
        long = last - first + 2 >= points
        covered = _cover(n, first[long], last[long])
        rising, falling = covered & (step > 0), covered & (step < 0)
        return _with_left_ends(rising), _with_left_ends(falling)
    # "continue": an equal value neither counts nor breaks the run.
    out = []
    for direction in (1, -1):
        first, last = _run_bounds((step == direction) | ((step == 0) & ~brk), brk)
        counted: IntArray = np.cumsum(step == direction, dtype=np.int64)
        # Every run starts after a break, so first - 1 is a valid index.
        long = counted[last] - counted[first - 1] + 1 >= points
        out.append(_cover(n, first[long] - 1, last[long]))
    return out[0], out[1]


def _with_left_ends(steps: BoolArray) -> BoolArray:
    """Points at either end of a marked step (step i joins points i-1 and i)."""
    points = steps.copy()
    points[:-1] |= steps[1:]
    return points


def _two_in_three(band: BoolArray, side: BoolArray, brk: BoolArray) -> BoolArray:
    """Band points in a window of 3 (inside one domain) with >= 2 band points, all 3 on `side`."""
    n = band.size
    out = np.zeros(n, dtype=bool)
    if n < 3:
        return out
    b = band.astype(np.int8)
    win = (
        (b[:-2] + b[1:-1] + b[2:] >= 2) & side[:-2] & side[1:-1] & side[2:] & ~brk[1:-1] & ~brk[2:]
    )
    hit = np.zeros(n, dtype=bool)
    hit[: n - 2] |= win
    hit[1 : n - 1] |= win
    hit[2:] |= win
    return band & hit


def _rules(
    prof: Profile,
    x: FloatArray,
    raw_step: Int8Array,
    mean: FloatArray,
    upl: FloatArray,
    lpl: FloatArray,
    u2: FloatArray,
    l2: FloatArray,
    series_start: BoolArray,
    part_start: BoolArray,
    limited: BoolArray,
) -> tuple[dict[str, Int8Array], BoolArray]:
    n = x.size
    above = (x > mean) & limited
    below = (x < mean) & limited
    side = above.view(np.int8) - below.view(np.int8)

    out_hi = x > upl
    out_lo = x < lpl

    brk = series_start | part_start if not prof.shift_crosses_rebase else series_start
    shift_hi, shift_lo = _shift(side, brk, prof.shift_points)

    tbrk = series_start | part_start if not prof.trend_crosses_rebase else series_start
    step = raw_step.copy()
    step[tbrk | ~limited] = 0
    trend_up, trend_down = _trend(step, tbrk, prof.trend_points, prof.trend_equal_values)

    if prof.two_sigma_rule:
        wbrk = series_start | part_start if not prof.two_sigma_crosses_rebase else series_start
        if prof.two_sigma_includes_beyond_limit:
            band_hi, band_lo = x > u2, x < l2
        else:
            band_hi, band_lo = (x > u2) & (x <= upl), (x < l2) & (x >= lpl)
        two_hi = _two_in_three(band_hi, above, wbrk)
        two_lo = _two_in_three(band_lo, below, wbrk)
    else:
        two_hi = two_lo = np.zeros(n, dtype=bool)

    trend = _signed(trend_up, trend_down)
    # The turning point between a falling and a rising trend belongs to both.
    trend[trend_up & trend_down] = 2
    signals = {
        "outside": _signed(out_hi, out_lo),
        "shift": _signed(shift_hi, shift_lo),
        "trend": trend,
        "two_sigma": _signed(two_hi, two_lo),
    }
    return signals, tbrk


def _signed(hi: BoolArray, lo: BoolArray) -> Int8Array:
    return hi.astype(np.int8) - lo.astype(np.int8)


def _classify(
    prof: Profile,
    x: FloatArray,
    mean: FloatArray,
    raw_step: Int8Array,
    s: dict[str, Int8Array],
    direction: Int8Array,
    tbrk: BoolArray,
) -> tuple[Int8Array, Int8Array]:
    """Point type and the side (+1 high, -1 low) of each special-cause point."""
    trend_hi = (s["trend"] == 1) | (s["trend"] == 2)
    trend_lo = (s["trend"] == -1) | (s["trend"] == 2)
    high = (s["outside"] > 0) | (s["shift"] > 0) | (s["two_sigma"] > 0) | trend_hi
    low = (s["outside"] < 0) | (s["shift"] < 0) | (s["two_sigma"] < 0) | trend_lo

    if prof.conflict == "precedence":
        side = _precedence_side(x, mean, raw_step, s, trend_hi | trend_lo, tbrk)
    else:
        # Improvement (or concern) wins a conflict; for "neither" the high side wins, as in the SQL.
        up = direction > 0
        down = direction < 0
        improve = (up & high) | (down & low)
        concern = (up & low) | (down & high)
        if prof.conflict == "improvement":
            concern &= ~improve
        else:
            improve &= ~concern
        side = np.zeros(x.size, dtype=np.int8)
        side[improve] = direction[improve]
        side[concern] = -direction[concern]
        neither = (direction == 0) & (high | low)
        side[neither] = np.where(high[neither], 1, -1)

    point_type = np.zeros(x.size, dtype=np.int8)
    special = side != 0
    oriented = side * direction
    point_type[special & (direction == 0)] = NEITHER
    point_type[special & (oriented > 0)] = IMPROVEMENT
    point_type[special & (oriented < 0)] = CONCERN
    return point_type, side


def _precedence_side(
    x: FloatArray,
    mean: FloatArray,
    raw_step: Int8Array,
    s: dict[str, Int8Array],
    in_trend: BoolArray,
    tbrk: BoolArray,
) -> Int8Array:
    """NHSRplotthedots: outside limits > trend > two-in-three > shift decides the side."""
    n = x.size
    rel = np.sign(x - mean)
    rel_side = np.where(rel > 0, 1, -1).astype(np.int8)

    # The trend's direction: the step to the next point when both are in a trend,
    # otherwise the step from the previous point; a flat step counts as decreasing.
    left = np.where(tbrk, 0, raw_step)
    right = np.zeros(n, dtype=np.int8)
    right[:-1] = raw_step[1:]
    next_in = np.zeros(n, dtype=bool)
    next_in[:-1] = in_trend[1:] & ~tbrk[1:]
    sdy = np.where(in_trend & next_in, right, left)
    trend_side = np.where(sdy == 1, 1, -1).astype(np.int8)

    side = np.zeros(n, dtype=np.int8)
    for flag, value in (
        (s["shift"] != 0, rel_side),
        (s["two_sigma"] != 0, rel_side),
        (in_trend, trend_side),
        (s["outside"] != 0, np.where(rel == 1, 1, -1).astype(np.int8)),
    ):
        side[flag] = value[flag]
    return side


# --- icons ------------------------------------------------------------------------------------


def _variation(
    prof: Profile,
    point_type: Int8Array,
    side: Int8Array,
    direction: Int8Array,
    has_limits: BoolArray,
    offsets: IntArray,
    lens: IntArray,
) -> Int8Array:
    last = offsets + lens - 1
    if prof.variation_from == "last_special_cause" and point_type.size:
        idx = np.where(point_type != COMMON, np.arange(point_type.size), -1)
        latest = np.maximum.reduceat(idx, offsets)
        last = np.where(latest >= offsets, latest, last)
    pt = point_type[last]
    sd = side[last]
    out = np.zeros(lens.size, dtype=np.int8)
    up = direction > 0
    out[(pt == IMPROVEMENT) & up] = 1
    out[(pt == IMPROVEMENT) & ~up] = 2
    out[(pt == CONCERN) & ~up] = 3
    out[(pt == CONCERN) & up] = 4
    out[(pt == NEITHER) & (sd > 0)] = 5
    out[(pt == NEITHER) & (sd < 0)] = 6
    out[~has_limits] = NO_ICON
    return out


def _assurance(
    prof: Profile,
    target: FloatArray,
    direction: Int8Array,
    has_limits: BoolArray,
    upl: FloatArray,
    lpl: FloatArray,
) -> Int8Array:
    """Pass (0), fail (1) or hit-or-miss (2) from the target and the last point's limits."""
    ok = has_limits & np.isfinite(target) & (direction != 0) & np.isfinite(upl) & np.isfinite(lpl)
    up = direction > 0
    with np.errstate(invalid="ignore"):
        if prof.assurance_edge == "inclusive":
            # MDC SQL v2.4: a target on a limit is a pass or a fail; the first test wins.
            code_up = np.select([target <= lpl, target >= upl], [0, 1], 2)
            code_down = np.select([target >= upl, target <= lpl], [0, 1], 2)
        else:
            # NHSRplotthedots: strictly beyond a limit, testing the upper limit first.
            code_up = np.select([target > upl, target < lpl], [1, 0], 2)
            code_down = np.select([target > upl, target < lpl], [0, 1], 2)
    out = np.where(up, code_up, code_down).astype(np.int8)
    out[~ok] = NO_ICON
    return out


def _segment_warnings(
    prof: Profile,
    sizes: IntArray,
    part_series: IntArray,
    first_part: IntArray,
    has_limits: BoolArray,
    warnings: dict[int, list[str]],
) -> None:
    if not prof.short_segment_warning:
        return
    # A series too short for any limits gets its own warning instead.
    short = np.flatnonzero((sizes < prof.short_segment_warning) & has_limits[part_series])
    for p in short:
        i = int(part_series[p])
        warn(
            warnings,
            i,
            f"segment {int(p - first_part[i]) + 1} has only {int(sizes[p])} points; "
            f"limits from fewer than {prof.short_segment_warning} points are unstable",
        )
