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
    parts = sorted(set(part))
    stats: dict[int, tuple[float, float]] = {}
    for p in parts:
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

    enough = n >= prof.min_points
    means = [stats[part[i]][0] for i in range(n)]
    mrbars = [stats[part[i]][1] if enough else math.nan for i in range(n)]
    upl = [m + prof.limit_constant * r for m, r in zip(means, mrbars, strict=True)]
    lpl = [m - prof.limit_constant * r for m, r in zip(means, mrbars, strict=True)]
    u2 = [m + prof.two_sigma_constant * r for m, r in zip(means, mrbars, strict=True)]
    l2 = [m - prof.two_sigma_constant * r for m, r in zip(means, mrbars, strict=True)]

    def same_domain(i: int, j: int, crosses: bool) -> bool:
        return crosses or part[i] == part[j]

    def windows(size: int, crosses: bool) -> list[range]:
        return [
            range(s, s + size)
            for s in range(n - size + 1)
            if all(same_domain(s, k, crosses) for k in range(s, s + size))
        ]

    above = [enough and x[i] > means[i] for i in range(n)]
    below = [enough and x[i] < means[i] for i in range(n)]
    out_hi = [x[i] > upl[i] for i in range(n)]
    out_lo = [x[i] < lpl[i] for i in range(n)]

    shift_hi, shift_lo = [False] * n, [False] * n
    for w in windows(prof.shift_points, prof.shift_crosses_rebase):
        for side, flags in ((above, shift_hi), (below, shift_lo)):
            if all(side[i] for i in w):
                for i in w:
                    flags[i] = True

    trend_up, trend_down = [False] * n, [False] * n
    for w in windows(prof.trend_points, prof.trend_crosses_rebase):
        if not enough:
            break
        steps = [x[i] - x[i - 1] for i in list(w)[1:]]
        for ok, flags in (
            (all(s > 0 for s in steps), trend_up),
            (all(s < 0 for s in steps), trend_down),
        ):
            if ok:
                for i in w:
                    flags[i] = True

    two_hi, two_lo = [False] * n, [False] * n
    if prof.two_sigma_rule:
        beyond = prof.two_sigma_includes_beyond_limit
        band_hi = [x[i] > u2[i] and (beyond or x[i] <= upl[i]) for i in range(n)]
        band_lo = [x[i] < l2[i] and (beyond or x[i] >= lpl[i]) for i in range(n)]
        for w in windows(3, prof.two_sigma_crosses_rebase):
            for band, side, flags in ((band_hi, above, two_hi), (band_lo, below, two_lo)):
                if sum(band[i] for i in w) >= 2 and all(side[i] for i in w):
                    for i in w:
                        flags[i] = flags[i] or band[i]

    high = [out_hi[i] or shift_hi[i] or trend_up[i] or two_hi[i] for i in range(n)]
    low = [out_lo[i] or shift_lo[i] or trend_down[i] or two_lo[i] for i in range(n)]
    sign = {"increase": 1, "decrease": -1, "neither": 0}[improvement]

    sides = []
    for i in range(n):
        if prof.conflict == "precedence":
            sides.append(
                _nhsr_side(
                    i,
                    x,
                    means,
                    part,
                    prof,
                    out_hi,
                    out_lo,
                    trend_up,
                    trend_down,
                    two_hi,
                    two_lo,
                    shift_hi,
                    shift_lo,
                )
            )
            continue
        if not (high[i] or low[i]):
            sides.append(0)
        elif sign == 0:
            sides.append(1 if high[i] else -1)
        else:
            good, bad = (high[i], low[i]) if sign == 1 else (low[i], high[i])
            if good and bad:
                good = prof.conflict == "improvement"
            sides.append(sign if good else -sign)

    types = []
    for side in sides:
        if side == 0:
            types.append("common_cause")
        elif sign == 0:
            types.append("special_cause_neither")
        else:
            types.append("special_cause_improvement" if side == sign else "special_cause_concern")

    variation = ""
    if enough:
        last = n - 1
        if prof.variation_from == "last_special_cause":
            last = max([i for i in range(n) if types[i] != "common_cause"], default=n - 1)
        t, s = types[last], sides[last]
        variation = {
            "common_cause": "common_cause",
            "special_cause_improvement": "improvement_high" if sign == 1 else "improvement_low",
            "special_cause_concern": "concern_low" if sign == 1 else "concern_high",
            "special_cause_neither": "neither_high" if s > 0 else "neither_low",
        }[t]

    assurance = ""
    lo, hi = lpl[-1], upl[-1]
    if enough and target is not None and sign != 0 and not (math.isnan(lo) or math.isnan(hi)):
        if prof.assurance_edge == "inclusive":
            if sign == 1:
                assurance = "pass" if target <= lo else "fail" if target >= hi else "hit_or_miss"
            else:
                assurance = "pass" if target >= hi else "fail" if target <= lo else "hit_or_miss"
        elif target > hi:
            assurance = "fail" if sign == 1 else "pass"
        elif target < lo:
            assurance = "pass" if sign == 1 else "fail"
        else:
            assurance = "hit_or_miss"
    return RefChart(means, lpl, upl, types, variation, assurance)


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
