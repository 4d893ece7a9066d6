"""Pay gaps the way the gender pay gap regulations define them, and the same for ethnicity
and disability (EDI Improvement Plan high impact action 3, ref §3).

Source: the Equality Act 2010 (Gender Pay Gap Information) Regulations 2017 (SI 2017/172),
regulations 8-13 [V, legislation.gov.uk]. NHS trusts report under the Equality Act 2010
(Specific Duties and Public Authorities) Regulations 2017 (SI 2017/353), Schedule 1, which
has the same measures with a snapshot date of 31 March [V]. The inputs (hourly rate of pay
per regulation 6, bonus pay per regulation 4) are the payroll's to compute; this module
takes them as given.

- Mean and median hourly pay gap (regs 8, 9): (A - B) / A x 100, where A is the reference
  group's (men's) mean or median hourly rate of full-pay relevant employees, B the other's.
- Mean and median bonus gap (regs 10, 11): the same over the bonus pay of relevant
  employees who were paid bonus in the 12 months to the snapshot date.
- Proportion of each group paid bonus (reg 12), among relevant employees.
- Quartile pay bands (reg 13): rank full-pay relevant employees by hourly rate, divide into
  four sections "so far as possible" equal; employees on the same rate who straddle a
  boundary are spread so the groups are distributed evenly (reg 13(2)); report each
  group's percentage of each band.

For ethnicity and disability there is no statutory method [U]: the same measures are used
with White and non-disabled staff as the reference, and unknowns left out of every figure
(and counted, so the declaration rate can be shown).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from statistics import mean, median


@dataclass(frozen=True)
class Employee:
    """One relevant employee at the snapshot date; no name, no identifier needed."""

    group: str
    hourly_pay: float | None  # None unless a full-pay relevant employee
    bonus: float = 0.0  # bonus pay in the 12 months to the snapshot date


@dataclass(frozen=True)
class PayGap:
    reference: str
    comparison: str
    full_pay: Counter[str]  # full-pay relevant employees per group
    relevant: Counter[str]  # relevant employees per group
    excluded: int  # people in neither group (unknown), left out of every figure
    mean_gap: float | None  # percent of the reference group's mean hourly pay
    median_gap: float | None
    mean_bonus_gap: float | None
    median_bonus_gap: float | None
    paid_bonus: dict[str, float | None]  # percent of each group's relevant employees
    quartiles: tuple[dict[str, float], ...]  # lower, lower middle, upper middle, upper


def _gap(
    reference: Sequence[float],
    comparison: Sequence[float],
    average: Callable[[Sequence[float]], float],
) -> float | None:
    if not reference or not comparison:
        return None
    a, b = average(reference), average(comparison)
    return None if a == 0 else 100 * (a - b) / a


def _even_ties(run: list[Employee]) -> list[Employee]:
    """Order employees on one hourly rate so every group is spread evenly along the run.

    Each group's k-th member goes at position (k + 0.5) / size of its group, so any cut
    through the run takes each group in proportion (reg 13(2)).
    """
    by_group: dict[str, list[Employee]] = {}
    for person in run:
        by_group.setdefault(person.group, []).append(person)
    keyed = [
        ((k + 0.5) / len(members), group, person)
        for group, members in sorted(by_group.items())
        for k, person in enumerate(members)
    ]
    return [person for _, _, person in sorted(keyed, key=lambda item: (item[0], item[1]))]


def quartiles(full_pay: Sequence[Employee], groups: Sequence[str]) -> tuple[dict[str, float], ...]:
    """Each group's percentage of the four quartile pay bands (reg 13).

    The bands hold floor(n/4) or one more; the boundaries are at floor(k x n / 4), so any
    extra people fall in the upper bands. The regulation says only "so far as possible"
    equal, so this choice is ours [U].
    """
    ranked: list[Employee] = []
    ordered = sorted(full_pay, key=lambda p: p.hourly_pay or 0.0)
    start = 0
    while start < len(ordered):
        end = start
        while end < len(ordered) and ordered[end].hourly_pay == ordered[start].hourly_pay:
            end += 1
        ranked.extend(_even_ties(ordered[start:end]))
        start = end
    n = len(ranked)
    cuts = [k * n // 4 for k in range(5)]
    result = []
    for low, high in pairwise(cuts):
        band = Counter(p.group for p in ranked[low:high])
        size = high - low
        result.append({g: (100 * band[g] / size if size else 0.0) for g in groups})
    return tuple(result)


def pay_gap(
    employees: Iterable[Employee], *, reference: str = "male", comparison: str = "female"
) -> PayGap:
    """All six statutory measures for one pair of groups (reg 2(1)(a)-(f))."""
    people = list(employees)
    kept = [p for p in people if p.group in (reference, comparison)]
    for p in kept:
        if (p.hourly_pay is not None and p.hourly_pay < 0) or p.bonus < 0:
            raise ValueError("pay and bonus cannot be negative")
    full = [p for p in kept if p.hourly_pay is not None]
    hourly = {
        g: [p.hourly_pay for p in full if p.group == g and p.hourly_pay is not None]
        for g in (reference, comparison)
    }
    bonus = {g: [p.bonus for p in kept if p.group == g and p.bonus > 0] for g in hourly}
    relevant = Counter(p.group for p in kept)
    return PayGap(
        reference=reference,
        comparison=comparison,
        full_pay=Counter(p.group for p in full),
        relevant=relevant,
        excluded=len(people) - len(kept),
        mean_gap=_gap(hourly[reference], hourly[comparison], mean),
        median_gap=_gap(hourly[reference], hourly[comparison], median),
        mean_bonus_gap=_gap(bonus[reference], bonus[comparison], mean),
        median_bonus_gap=_gap(bonus[reference], bonus[comparison], median),
        paid_bonus={
            g: (100 * len(bonus[g]) / relevant[g] if relevant[g] else None) for g in hourly
        },
        quartiles=quartiles(full, (reference, comparison)),
    )
