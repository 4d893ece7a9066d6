"""Where an XmR chart's partitions start (series, rebases, baselines), and which
points feed each partition's limits, under each profile's baseline rule."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from wellled.engines.spc.inputs import BoolArray, IntArray, warn
from wellled.engines.spc.profiles import Profile


def partitions(
    prof: Profile,
    offsets: IntArray,
    lens: IntArray,
    series_start: BoolArray,
    rebase: BoolArray,
    base: IntArray,
    warnings: dict[int, list[str]],
) -> tuple[BoolArray, BoolArray, BoolArray]:
    """Where partitions start, which points feed their limits, and which copy the previous one."""
    n = series_start.size
    has_base = base > 0
    if not has_base.any():
        part_start = series_start | rebase
        return part_start, np.ones(n, dtype=bool), np.zeros(int(part_start.sum()), dtype=bool)

    for i in np.flatnonzero(has_base & (base < prof.baseline_min_points)):
        raise ValueError(
            f"a baseline needs at least {prof.baseline_min_points} points under profile "
            f"{prof.name} (series {int(i)} has a baseline of {int(base[i])})"
        )
    for i in np.flatnonzero(has_base & (base >= lens)):
        warn(warnings, int(i), f"the baseline of {int(base[i])} points covers the whole series")

    # Per-point series numbers and positions are only needed when there is a baseline.
    series_id = np.repeat(np.arange(lens.size, dtype=np.int64), lens)
    points = _BaselinePoints(
        series_id=series_id,
        pos=np.arange(n, dtype=np.int64) - offsets[series_id],
        b_pt=base[series_id],
    )
    if prof.baseline_mode == "baseline_only":
        return _baseline_only(prof, series_start, rebase, points, warnings)
    if prof.baseline_mode == "per_segment":
        return _baseline_per_segment(series_start, rebase, points)
    return _baseline_first_partition(series_start, rebase, points, offsets, warnings)


@dataclass(frozen=True)
class _BaselinePoints:
    """Each point's series, position in it, and its series' baseline length."""

    series_id: IntArray
    pos: IntArray
    b_pt: IntArray

    @property
    def in_base(self) -> BoolArray:
        return self.pos < self.b_pt

    @property
    def has_b_pt(self) -> BoolArray:
        return self.b_pt > 0


def _baseline_only(
    prof: Profile,
    series_start: BoolArray,
    rebase: BoolArray,
    points: _BaselinePoints,
    warnings: dict[int, list[str]],
) -> tuple[BoolArray, BoolArray, BoolArray]:
    has_b_pt = points.has_b_pt
    ignored = rebase & has_b_pt
    for i in np.unique(points.series_id[ignored]):
        warn(
            warnings,
            int(i),
            "rebase dates are ignored because a baseline is set (profile "
            f"{prof.name}: only the baseline is implemented)",
        )
    part_start = series_start | (rebase & ~has_b_pt)
    calc = ~has_b_pt | points.in_base
    return part_start, calc, np.zeros(int(part_start.sum()), dtype=bool)


def _baseline_per_segment(
    series_start: BoolArray, rebase: BoolArray, points: _BaselinePoints
) -> tuple[BoolArray, BoolArray, BoolArray]:
    n = series_start.size
    part_start = series_start | rebase
    part = np.cumsum(part_start) - 1
    first = np.flatnonzero(part_start)
    pos_in_part = np.arange(n, dtype=np.int64) - first[part]
    calc = ~points.has_b_pt | (pos_in_part < points.b_pt)
    return part_start, calc, np.zeros(first.size, dtype=bool)


def _baseline_first_partition(
    series_start: BoolArray,
    rebase: BoolArray,
    points: _BaselinePoints,
    offsets: IntArray,
    warnings: dict[int, list[str]],
) -> tuple[BoolArray, BoolArray, BoolArray]:
    """MDC SQL v2.4: the baseline is partition 0 and the partition after it copies its
    mean and moving range unless a rebase fell inside the baseline."""
    series_id, has_b_pt, in_base = points.series_id, points.has_b_pt, points.in_base
    inside = rebase & has_b_pt & in_base
    for i in np.unique(series_id[inside]):
        warn(warnings, int(i), "a rebase date falls inside the baseline (MDC SQL warns too)")
    base_end = has_b_pt & (points.pos == points.b_pt)
    part_start = series_start | (rebase & ~(has_b_pt & in_base)) | base_end
    # rebase is False at every series start, so this counts the series' own flags up to each point.
    rebase_count = np.cumsum(rebase)
    flags_so_far: IntArray = rebase_count - rebase_count[offsets][series_id]
    copy = (base_end & (flags_so_far == 0))[part_start]
    return part_start, np.ones(series_start.size, dtype=bool), copy
