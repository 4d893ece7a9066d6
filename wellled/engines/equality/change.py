"""Did an indicator move? Year-on-year change, tested, and judged in the indicator's direction.

This is what an EDI action is judged by (issue #17, "EDI plans judged by outcome"): a
change is "improved" or "worsened" only when it is statistically significant; otherwise
"no significant change". Nothing here decides whether the action caused the change.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist
from typing import Literal

from .indicators import Better
from .stats import ProportionTest, RelativeLikelihood

Verdict = Literal["improved", "worsened", "no_significant_change", "not_comparable"]


@dataclass(frozen=True)
class Change:
    before: float | None
    after: float | None
    z: float | None
    p_value: float | None
    confidence: float
    verdict: Verdict

    @property
    def significant(self) -> bool:
        return self.verdict in ("improved", "worsened")


def _better_after(better: Better, before: float, after: float) -> bool:
    if better == "lower":
        return after < before
    if better == "higher":
        return after > before
    if better == "closer_to_one":
        return abs(math.log(after)) < abs(math.log(before))
    return abs(after) < abs(before)


def _verdict(better: Better, before: float, after: float, p: float | None, alpha: float) -> Verdict:
    if p is None or p >= alpha or before == after:
        return "no_significant_change"
    return "improved" if _better_after(better, before, after) else "worsened"


def likelihood_change(
    before: RelativeLikelihood, after: RelativeLikelihood, *, confidence: float = 0.95
) -> Change:
    """Compare two years' relative likelihoods on the log scale (independent years).

    z = (ln RL2 - ln RL1) / sqrt(SE1^2 + SE2^2), the Katz standard errors of each year: the
    standard test of a ratio of risk ratios [U: not an NHS England method]. Closer to 1 is
    better for every official WRES/WDES ratio.
    """
    if before.insufficient or after.insufficient:
        return Change(before.ratio, after.ratio, None, None, confidence, "not_comparable")
    assert before.ratio is not None and after.ratio is not None  # narrowed by insufficient
    se = math.hypot(_log_se(before), _log_se(after))
    if se == 0:
        # Everyone in every group had the event both years: both ratios are exactly 1.
        return Change(before.ratio, after.ratio, None, None, confidence, "no_significant_change")
    z = (math.log(after.ratio) - math.log(before.ratio)) / se
    p = 2 * (1 - NormalDist().cdf(abs(z)))
    verdict = _verdict("closer_to_one", before.ratio, after.ratio, p, 1 - confidence)
    return Change(before.ratio, after.ratio, z, p, confidence, verdict)


def _log_se(r: RelativeLikelihood) -> float:
    return math.sqrt(1 / r.events_a - 1 / r.total_a + 1 / r.events_b - 1 / r.total_b)


def proportion_change(test: ProportionTest, better: Better) -> Change:
    """Judge a two-proportion test of last year (p1) against this year (p2)."""
    if test.p_value is None:
        return Change(test.p1, test.p2, None, None, test.confidence, "no_significant_change")
    verdict = _verdict(better, test.p1, test.p2, test.p_value, 1 - test.confidence)
    return Change(test.p1, test.p2, test.z, test.p_value, test.confidence, verdict)
