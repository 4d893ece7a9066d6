"""Staff survey indicators (WRES 5-8, WDES 4-8): percentages by group, tested, suppressed.

Input is counts per group, never percentages: for each group, how many respondents
answered the question and how many gave the answer counted (ref §1 table, §2 table; which
answers count is in the survey app's versioned question maps, ref §2.3).

Groups with fewer than 11 responses are suppressed (ref §6.2, the NHS Staff Survey's rule
as recalled [U]): no percentage, no count, and no test that would reveal them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .change import Change, proportion_change
from .groups import LABELS
from .indicators import Indicator
from .stats import ProportionTest, check_counts, two_proportion_test

SUPPRESS_BELOW = 11


@dataclass(frozen=True)
class GroupFigure:
    group: str
    positive: int | None  # None when suppressed
    responses: int | None  # None when suppressed
    change: Change | None = None  # since the previous year, when both years are shown
    held: bool = True  # False: no figures for this group at all (not the same as suppressed)

    @property
    def label(self) -> str:
        return LABELS.get(self.group, self.group)

    @property
    def suppressed(self) -> bool:
        return self.responses is None

    @property
    def percent(self) -> float | None:
        if self.positive is None or not self.responses:
            return None
        return 100 * self.positive / self.responses


@dataclass(frozen=True)
class SurveyResult:
    indicator: Indicator
    groups: tuple[GroupFigure, ...]
    # The protected group (BME, Disabled) against the comparison group this year: p1 is
    # the comparison group, p2 the protected group, so `difference` > 0 means the
    # protected group's percentage is higher.
    between: ProportionTest | None

    def figure(self, group: str) -> GroupFigure:
        return next(g for g in self.groups if g.group == group)

    @property
    def protected_worse(self) -> bool | None:
        """The protected group fares significantly worse than the comparison group."""
        if self.between is None or not self.between.significant:
            return None if self.between is None else False
        higher_is_worse = self.indicator.better == "lower"
        return (self.between.difference > 0) == higher_is_worse


Counts = Mapping[str, tuple[int, int]]  # group -> (positive, responses)


def _shown(group: str, counts: Counts, minimum: int) -> tuple[int, int] | None:
    if group not in counts:
        return None
    positive, responses = counts[group]
    check_counts(positive, responses, group)
    return None if responses < minimum else (positive, responses)


def survey_indicator(
    indicator: Indicator,
    *,
    current: Counts,
    previous: Counts | None = None,
    deff: float = 1.0,
    confidence: float = 0.95,
    minimum: int = SUPPRESS_BELOW,
) -> SurveyResult:
    """One survey indicator for one year, with between-group and year-on-year tests.

    `current` and `previous` map the indicator's group keys ("bme", "white", "disabled",
    "non_disabled"; the protected group first in `indicator.groups`) to
    (positive, responses). `deff` is the design effect for weighted data (1 = unweighted).
    """
    if indicator.kind != "survey":
        raise ValueError(f"{indicator.label} is not a survey indicator")
    figures = []
    for group in indicator.groups:
        now = _shown(group, current, minimum)
        if now is None:
            figures.append(GroupFigure(group, None, None, held=group in current))
            continue
        change = None
        before = _shown(group, previous or {}, minimum)
        if before is not None:
            test = two_proportion_test(*before, *now, deff1=deff, deff2=deff, confidence=confidence)
            change = proportion_change(test, indicator.better)
        figures.append(GroupFigure(group, now[0], now[1], change))
    between = None
    if len(figures) == 2 and not (figures[0].suppressed or figures[1].suppressed):
        protected, comparison = figures
        assert protected.positive is not None and protected.responses is not None
        assert comparison.positive is not None and comparison.responses is not None
        between = two_proportion_test(
            comparison.positive,
            comparison.responses,
            protected.positive,
            protected.responses,
            deff1=deff,
            deff2=deff,
            confidence=confidence,
        )
    return SurveyResult(indicator=indicator, groups=tuple(figures), between=between)
