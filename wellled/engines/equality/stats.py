"""Relative likelihood with its interval, Fisher's exact test and the two-proportion test.

Plain Python (the standard library's `math`, `statistics.NormalDist`): the formulas are
short, and computing them here keeps scipy out of the lock file. Sources and what is
uncertain are in docs/engines/equality.md and ../shared/reference/workforce-equality.md
(cited below as "ref §n").
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from statistics import NormalDist

from .groups import Declaration
from .indicators import Indicator

# The adverse-impact band (ref §0.3): the "four-fifths rule" of the US Uniform Guidelines
# (1978), inverted for the advantaged group as 1/0.8 = 1.25. NHS England counts trusts at
# >= 1.25 [C]; that its reports name the band 0.80-1.25 is not verified [U], so callers
# can pass another band.
BAND = (0.80, 1.25)

# Fisher's exact p is given when any expected cell of the 2x2 table is below this (ref
# §6.1, the usual rule of thumb for when the normal approximation is poor).
SMALL_EXPECTED = 5.0

# Relative tolerance when comparing table probabilities for the two-sided Fisher p: tables
# as likely as the observed one must count even when floating point makes them differ in
# the last bits (scipy uses the same guard, 1e-7).
_FISHER_TOLERANCE = 1 + 1e-7


class CountError(ValueError):
    """Counts that cannot describe people: negative, or more events than people."""


@dataclass(frozen=True)
class RelativeLikelihood:
    """Rate of group a divided by rate of group b, with what it takes to judge it.

    `ratio`, `ci_low` and `ci_high` are None when `insufficient` (a group with no events or
    no people: the ratio would be 0, infinite or undefined, and its log interval too).
    `fisher_p` is the two-sided Fisher's exact p-value, given when any expected count is
    below 5 (None otherwise, when the interval is a good guide).
    """

    events_a: int
    total_a: int
    events_b: int
    total_b: int
    confidence: float
    band: tuple[float, float]
    ratio: float | None
    ci_low: float | None
    ci_high: float | None
    fisher_p: float | None
    # Set when an indicator function computed this: what it measures and which way is
    # adverse, and how many people's group was unknown (left out of the ratio).
    indicator: Indicator | None = None
    declaration: Declaration | None = None

    @property
    def insufficient(self) -> bool:
        return self.ratio is None

    @property
    def rate_a(self) -> float | None:
        return self.events_a / self.total_a if self.total_a else None

    @property
    def rate_b(self) -> float | None:
        return self.events_b / self.total_b if self.total_b else None

    @property
    def outside_band(self) -> bool:
        """The ratio is outside the adverse-impact band (0.80-1.25 by default)."""
        low, high = self.band
        return self.ratio is not None and not low <= self.ratio <= high

    @property
    def significant(self) -> bool:
        """The interval excludes 1: the difference is unlikely to be chance alone."""
        if self.ci_low is None or self.ci_high is None:
            return False
        return self.ci_low > 1 or self.ci_high < 1

    @property
    def small_counts(self) -> bool:
        return self.fisher_p is not None

    @property
    def swapped(self) -> RelativeLikelihood:
        """The same comparison the other way round (group b over group a)."""
        return relative_likelihood(
            self.events_b,
            self.total_b,
            self.events_a,
            self.total_a,
            confidence=self.confidence,
            band=self.band,
        )

    def sentence(self, digits: int = 2) -> str:
        """ "White applicants are 1.50 times as likely as BME applicants to be appointed ..."."""
        if self.indicator is None or self.indicator.numerator is None:
            subject, other, event = "Group a", "group b", "to have the event"
        else:
            subject = self.indicator.numerator
            other, event = self.indicator.comparison or "", self.indicator.event or ""
        if self.ratio is None:
            return f"Not enough data to compare {subject} with {other}: a group has no one {event}."
        return f"{subject} are {self.ratio:.{digits}f} times as likely as {other} {event}."

    def with_context(
        self, indicator: Indicator, declaration: Declaration | None
    ) -> RelativeLikelihood:
        return replace(self, indicator=indicator, declaration=declaration)


def check_counts(events: int, total: int, name: str = "") -> None:
    label = f"{name}: " if name else ""
    if isinstance(events, bool) or isinstance(total, bool):
        raise CountError(f"{label}counts must be whole numbers, not True/False")
    if not isinstance(events, int) or not isinstance(total, int):
        raise CountError(f"{label}counts must be whole numbers")
    if events < 0 or total < 0:
        raise CountError(f"{label}counts cannot be negative")
    if events > total:
        raise CountError(f"{label}{events} events is more than the {total} people they are among")


def pool(*years: Mapping[str, int]) -> dict[str, int]:
    """Add several years' counts, keyword by keyword, for a rolling average.

    WRES indicator 3 and WDES metric 3 are, by recollection of the technical guidance, a
    two-year rolling average [U] (ref §1 note 3). Summing both years' events and both
    years' headcounts and then dividing equals the mean of counts over the mean of
    headcounts: `wres.indicator_3(**pool(this_year, last_year))`.
    """
    if not years:
        raise ValueError("pool needs at least one year of counts")
    keys = set(years[0])
    for year in years[1:]:
        if set(year) != keys:
            raise ValueError("every year must give the same counts")
    return {key: sum(year[key] for year in years) for key in years[0]}


def _z(confidence: float) -> float:
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, not {confidence}")
    return NormalDist().inv_cdf(0.5 + confidence / 2)


def relative_likelihood(
    events_a: int,
    total_a: int,
    events_b: int,
    total_b: int,
    *,
    confidence: float = 0.95,
    band: tuple[float, float] = BAND,
) -> RelativeLikelihood:
    """(events_a / total_a) / (events_b / total_b), with a Katz log interval (ref §6.1).

    SE(ln RL) = sqrt(1/a - 1/n1 + 1/c - 1/n2); interval exp(ln RL -/+ z * SE). Computed
    from counts, never from rounded percentages (ref §0.1, test case T4).
    """
    check_counts(events_a, total_a, "group a")
    check_counts(events_b, total_b, "group b")
    z = _z(confidence)
    fisher = None
    smallest = min(expected_counts(events_a, total_a, events_b, total_b), default=0.0)
    if smallest < SMALL_EXPECTED and total_a and total_b:
        fisher = fisher_exact_p(events_a, total_a - events_a, events_b, total_b - events_b)
    ratio = ci_low = ci_high = None
    if events_a and events_b and total_a and total_b:
        ratio = (events_a / total_a) / (events_b / total_b)
        se = math.sqrt(1 / events_a - 1 / total_a + 1 / events_b - 1 / total_b)
        ci_low = math.exp(math.log(ratio) - z * se)
        ci_high = math.exp(math.log(ratio) + z * se)
    return RelativeLikelihood(
        events_a=events_a,
        total_a=total_a,
        events_b=events_b,
        total_b=total_b,
        confidence=confidence,
        band=band,
        ratio=ratio,
        ci_low=ci_low,
        ci_high=ci_high,
        fisher_p=fisher,
    )


def expected_counts(events_a: int, total_a: int, events_b: int, total_b: int) -> list[float]:
    """The four expected cells of the 2x2 table under no difference (row x column / total)."""
    n = total_a + total_b
    if n == 0:
        return []
    events = events_a + events_b
    return [total * column / n for total in (total_a, total_b) for column in (events, n - events)]


def _log_hypergeometric(x: int, row1: int, row2: int, col1: int) -> float:
    """ln P(X = x) for the top-left cell of a 2x2 table with fixed margins."""
    n = row1 + row2
    return _log_comb(row1, x) + _log_comb(row2, col1 - x) - _log_comb(n, col1)


def _log_comb(n: int, k: int) -> float:
    return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)


def fisher_exact_p(a: int, b: int, c: int, d: int) -> float:
    """Two-sided Fisher's exact p for the table [[a, b], [c, d]].

    The sum of the probabilities of every table with the same margins that is no more
    likely than the one observed (the usual definition, as R's fisher.test and
    scipy.stats.fisher_exact compute it).
    """
    for value in (a, b, c, d):
        check_counts(value, value)
    row1, row2, col1 = a + b, c + d, a + c
    low, high = max(0, col1 - row2), min(row1, col1)
    observed = _log_hypergeometric(a, row1, row2, col1)
    threshold = observed + math.log(_FISHER_TOLERANCE)
    total = 0.0
    for x in range(low, high + 1):
        log_p = _log_hypergeometric(x, row1, row2, col1)
        if log_p <= threshold:
            total += math.exp(log_p)
    return min(1.0, total)


@dataclass(frozen=True)
class ProportionTest:
    """Two proportions compared with a z test (unpooled, optional design effects)."""

    p1: float
    n1: int
    p2: float
    n2: int
    difference: float
    z: float | None
    p_value: float | None
    confidence: float

    @property
    def significant(self) -> bool:
        return self.p_value is not None and self.p_value < 1 - self.confidence


def two_proportion_test(
    positive1: int,
    n1: int,
    positive2: int,
    n2: int,
    *,
    deff1: float = 1.0,
    deff2: float = 1.0,
    confidence: float = 0.95,
) -> ProportionTest:
    """Is p2 different from p1? z = (p2 - p1) / sqrt(deff1 p1 q1 / n1 + deff2 p2 q2 / n2).

    The form the Scottish Health and Care Experience Survey uses for year-on-year change
    (ref §6.2) [V]; whether the NHS Staff Survey's own benchmark reports use the same test
    is not verified [U]. Design effects of 1 suit unweighted local data. When both
    proportions are 0 or both 1 there is no spread, so no z and no p.
    """
    check_counts(positive1, n1, "first")
    check_counts(positive2, n2, "second")
    if n1 == 0 or n2 == 0:
        raise CountError("each proportion needs at least one response")
    _z(confidence)
    p1, p2 = positive1 / n1, positive2 / n2
    variance = deff1 * p1 * (1 - p1) / n1 + deff2 * p2 * (1 - p2) / n2
    z = p_value = None
    if variance > 0:
        z = (p2 - p1) / math.sqrt(variance)
        p_value = 2 * (1 - NormalDist().cdf(abs(z)))
    return ProportionTest(
        p1=p1,
        n1=n1,
        p2=p2,
        n2=n2,
        difference=p2 - p1,
        z=z,
        p_value=p_value,
        confidence=confidence,
    )
