"""A slow, one-series, loop-by-loop XmR implementation written straight from the rule text.

It shares no code with the vectorised engine; the tests compare the two on random
data. Readability over speed: every rule is the sentence from the MDC documents
(or NHSRplotthedots' R code) turned into loops over windows of points.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from wellled.engines.spc.profiles import Profile


@dataclass
class RefChart:
    mean: list[float]
    lpl: list[float]
    upl: list[float]
    point_type: list[str]
    variation: str
    assurance: str


def _avg(xs: list[float]) -> float:
    return sum(xs) / len(xs) if xs else math.nan


def _partitions(
    n: int, rebase: set[int], baseline: int, prof: Profile
) -> tuple[list[int], list[bool], dict[int, int]]:
    """Partition number of each point, whether it feeds its partition's limits, and copies."""
    rebase = {i for i in rebase if 0 < i < n}
    part, calc = [0] * n, [True] * n
    copies: dict[int, int] = {}
    if baseline and prof.baseline_mode == "baseline_only":
        return part, [i < baseline for i in range(n)], copies
    current = 0
    for i in range(n):
        if baseline and prof.baseline_mode == "first_partition":
            if i < baseline:
                part[i] = 0
                continue
            if i == baseline or i in rebase:
                current += 1
                if i == baseline and not any(0 < r <= baseline for r in rebase):
                    copies[current] = 0
        elif i in rebase:
            current += 1
        part[i] = current
    if baseline and prof.baseline_mode == "per_segment":
        seen: dict[int, int] = {}
        for i in range(n):
            seen[part[i]] = seen.get(part[i], 0) + 1
            calc[i] = seen[part[i]] <= baseline
    return part, calc, copies


def reference_chart(
    x: list[float],
    *,
    prof: Profile,
    improvement: str = "increase",
    rebase: set[int] | None = None,
    baseline: int = 0,
    target: float | None = None,
) -> RefChart:
    n = len(x)
    part, calc, copies = _partitions(n, rebase or set(), baseline, prof)
    stats = _stats(x, part, calc, copies, prof)
    chart = _Chart(x=x, part=part, prof=prof, stats=stats)
    flags = _signals(chart)
    sign = {"increase": 1, "decrease": -1, "neither": 0}[improvement]
    sides = [_side(chart, flags, sign, i) for i in range(n)]
    types = [_point_type(side, sign) for side in sides]
    variation = _variation(chart, types, sides, sign)
    assurance = _assurance(chart, target, sign)
    return RefChart(chart.means, chart.lpl, chart.upl, types, variation, assurance)


def _stats(
    x: list[float], part: list[int], calc: list[bool], copies: dict[int, int], prof: Profile
) -> dict[int, tuple[float, float]]:
    """Each partition's (mean, mean moving range), from the points that feed its limits."""
    n = len(x)
    stats: dict[int, tuple[float, float]] = {}
    for p in sorted(set(part)):
        idx = [i for i in range(n) if part[i] == p and calc[i]]
        mrs = {i: abs(x[i] - x[i - 1]) for i in idx if i - 1 in idx}
        mean, mrbar = _avg([x[i] for i in idx]), _avg(list(mrs.values()))
        if prof.screen_mr_outliers == "nhsr":
            mrbar = _avg([m for m in mrs.values() if m < prof.mr_outlier_constant * mrbar])
        elif prof.screen_mr_outliers == "sql":
            limit = prof.mr_outlier_constant * mrbar
            mrbar = _avg([m for m in mrs.values() if m <= limit])
            mean = _avg([x[i] for i in idx if i not in mrs or mrs[i] <= limit])
        stats[p] = (mean, mrbar)
    for p, source in copies.items():
        stats[p] = stats[source]
    return stats


class _Chart:
    """The series with its mean and lines at every point."""

    def __init__(
        self,
        *,
        x: list[float],
        part: list[int],
        prof: Profile,
        stats: dict[int, tuple[float, float]],
    ) -> None:
        n = len(x)
        self.x, self.part, self.prof, self.n = x, part, prof, n
        self.enough = n >= prof.min_points
        self.means = [stats[part[i]][0] for i in range(n)]
        mrbars = [stats[part[i]][1] if self.enough else math.nan for i in range(n)]
        pairs = list(zip(self.means, mrbars, strict=True))
        self.upl = [m + prof.limit_constant * r for m, r in pairs]
        self.lpl = [m - prof.limit_constant * r for m, r in pairs]
        self.u2 = [m + prof.two_sigma_constant * r for m, r in pairs]
        self.l2 = [m - prof.two_sigma_constant * r for m, r in pairs]

    def windows(self, size: int, crosses: bool) -> list[range]:
        """Every run of `size` points, within one partition unless the rule crosses."""
        return [
            range(s, s + size)
            for s in range(self.n - size + 1)
            if all(crosses or self.part[s] == self.part[k] for k in range(s, s + size))
        ]


@dataclass
class _Flags:
    above: list[bool]
    below: list[bool]
    out_hi: list[bool]
    out_lo: list[bool]
    shift_hi: list[bool]
    shift_lo: list[bool]
    trend_up: list[bool]
    trend_down: list[bool]
    two_hi: list[bool]
    two_lo: list[bool]

    def high(self, i: int) -> bool:
        return self.out_hi[i] or self.shift_hi[i] or self.trend_up[i] or self.two_hi[i]

    def low(self, i: int) -> bool:
        return self.out_lo[i] or self.shift_lo[i] or self.trend_down[i] or self.two_lo[i]


def _signals(c: _Chart) -> _Flags:
    n, x = c.n, c.x
    above = [c.enough and x[i] > c.means[i] for i in range(n)]
    below = [c.enough and x[i] < c.means[i] for i in range(n)]
    shift_hi, shift_lo = _shifts(c, above, below)
    trend_up, trend_down = _trends(c)
    two_hi, two_lo = _two_sigma(c, above, below)
    return _Flags(
        above=above,
        below=below,
        out_hi=[x[i] > c.upl[i] for i in range(n)],
        out_lo=[x[i] < c.lpl[i] for i in range(n)],
        shift_hi=shift_hi,
        shift_lo=shift_lo,
        trend_up=trend_up,
        trend_down=trend_down,
        two_hi=two_hi,
        two_lo=two_lo,
    )


def _shifts(c: _Chart, above: list[bool], below: list[bool]) -> tuple[list[bool], list[bool]]:
    shift_hi, shift_lo = [False] * c.n, [False] * c.n
    for w in c.windows(c.prof.shift_points, c.prof.shift_crosses_rebase):
        for side, flags in ((above, shift_hi), (below, shift_lo)):
            if all(side[i] for i in w):
                for i in w:
                    flags[i] = True
    return shift_hi, shift_lo


def _trends(c: _Chart) -> tuple[list[bool], list[bool]]:
    trend_up, trend_down = [False] * c.n, [False] * c.n
    for w in c.windows(c.prof.trend_points, c.prof.trend_crosses_rebase):
        if not c.enough:
            break
        steps = [c.x[i] - c.x[i - 1] for i in list(w)[1:]]
        for ok, flags in (
            (all(s > 0 for s in steps), trend_up),
            (all(s < 0 for s in steps), trend_down),
        ):
            if ok:
                for i in w:
                    flags[i] = True
    return trend_up, trend_down


def _two_sigma(c: _Chart, above: list[bool], below: list[bool]) -> tuple[list[bool], list[bool]]:
    two_hi, two_lo = [False] * c.n, [False] * c.n
    if not c.prof.two_sigma_rule:
        return two_hi, two_lo
    x, n = c.x, c.n
    beyond = c.prof.two_sigma_includes_beyond_limit
    band_hi = [x[i] > c.u2[i] and (beyond or x[i] <= c.upl[i]) for i in range(n)]
    band_lo = [x[i] < c.l2[i] and (beyond or x[i] >= c.lpl[i]) for i in range(n)]
    for w in c.windows(3, c.prof.two_sigma_crosses_rebase):
        for band, side, flags in ((band_hi, above, two_hi), (band_lo, below, two_lo)):
            if sum(band[i] for i in w) >= 2 and all(side[i] for i in w):
                for i in w:
                    flags[i] = flags[i] or band[i]
    return two_hi, two_lo


def _side(c: _Chart, f: _Flags, sign: int, i: int) -> int:
    """The side point i's special cause is shown on (0: common cause)."""
    if c.prof.conflict == "precedence":
        return _nhsr_side(
            i,
            c.x,
            c.means,
            c.part,
            c.prof,
            f.out_hi,
            f.out_lo,
            f.trend_up,
            f.trend_down,
            f.two_hi,
            f.two_lo,
            f.shift_hi,
            f.shift_lo,
        )
    high, low = f.high(i), f.low(i)
    if not (high or low):
        return 0
    if sign == 0:
        return 1 if high else -1
    good, bad = (high, low) if sign == 1 else (low, high)
    if good and bad:
        good = c.prof.conflict == "improvement"
    return sign if good else -sign


def _point_type(side: int, sign: int) -> str:
    if side == 0:
        return "common_cause"
    if sign == 0:
        return "special_cause_neither"
    return "special_cause_improvement" if side == sign else "special_cause_concern"


def _variation(c: _Chart, types: list[str], sides: list[int], sign: int) -> str:
    if not c.enough:
        return ""
    n = c.n
    last = n - 1
    if c.prof.variation_from == "last_special_cause":
        last = max([i for i in range(n) if types[i] != "common_cause"], default=n - 1)
    t, s = types[last], sides[last]
    return {
        "common_cause": "common_cause",
        "special_cause_improvement": "improvement_high" if sign == 1 else "improvement_low",
        "special_cause_concern": "concern_low" if sign == 1 else "concern_high",
        "special_cause_neither": "neither_high" if s > 0 else "neither_low",
    }[t]


def _assurance(c: _Chart, target: float | None, sign: int) -> str:
    lo, hi = c.lpl[-1], c.upl[-1]
    if not c.enough or target is None or sign == 0 or math.isnan(lo) or math.isnan(hi):
        return ""
    if c.prof.assurance_edge == "inclusive":
        if sign == 1:
            return "pass" if target <= lo else "fail" if target >= hi else "hit_or_miss"
        return "pass" if target >= hi else "fail" if target <= lo else "hit_or_miss"
    if target > hi:
        return "fail" if sign == 1 else "pass"
    if target < lo:
        return "pass" if sign == 1 else "fail"
    return "hit_or_miss"


def _nhsr_side(i, x, mean, part, prof, out_hi, out_lo, up, down, two_hi, two_lo, sh_hi, sh_lo):
    """ptd_special_cause_type: the first matching label wins and gives the side."""
    rel = 1 if x[i] > mean[i] else -1
    if out_hi[i] or out_lo[i]:
        return 1 if x[i] > mean[i] else -1
    if up[i] or down[i]:
        crosses = prof.trend_crosses_rebase
        n = len(x)
        nxt = i + 1 < n and (up[i + 1] or down[i + 1]) and (crosses or part[i + 1] == part[i])
        if nxt:
            step = x[i + 1] - x[i]
        elif i > 0 and (crosses or part[i - 1] == part[i]):
            step = x[i] - x[i - 1]
        else:
            step = 0
        return 1 if step > 0 else -1
    if two_hi[i] or two_lo[i] or sh_hi[i] or sh_lo[i]:
        return rel
    return 0
