"""EDI actions judged by outcome: did the indicator each action names move, and which way?

An action is judged on its indicator between the *baseline*, the last year held whose 31
March snapshot was on or before the day the action was raised (what the EDI lead saw when
raising it), and a later year: on the report page, the year shown. The test is the
engine's year-on-year test (`engines.equality.change`) applied to those two years, so the
verdict is "improved" or "worsened" only when the change is statistically significant
in the indicator's direction. Whether the action caused the change is a judgement this
module does not make; the page says so.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass

from wellled.core.types import AnyUser
from wellled.engines.equality import INDICATORS, ReportRow, YearInputs, year_report
from wellled.equality.improvement_source import KIND, source_id
from wellled.improvement.models import Action
from wellled.improvement.queries import action_href, actions_for_sources

# What each verdict says to the board, in the order the summary lists them.
VERDICTS = {
    "improved": "indicator improved significantly",
    "no_significant_change": "no significant change",
    "worsened": "indicator worsened significantly",
    "not_comparable": "not enough data to compare",
    "awaiting": "waiting for a later year's figures",
}


@dataclass(frozen=True)
class Outcome:
    action: Action
    href: str  # "" where the reader may not open the action
    source_id: str
    baseline: int | None  # the year the action is judged from
    judged: int | None  # the year compared with it
    verdict: str  # a key of VERDICTS
    before: float | None = None
    after: float | None = None
    percent: bool = False  # before and after are survey percentages, not ratios

    @property
    def verdict_text(self) -> str:
        return VERDICTS[self.verdict]


def baseline_year(raised_on: datetime.date, years: list[int]) -> int | None:
    """The last year whose 31 March snapshot was on or before the action was raised."""
    before = [y for y in years if datetime.date(y, 3, 31) <= raised_on]
    return max(before) if before else None


def _row(standard: str, sid: str, now: YearInputs, then: YearInputs) -> ReportRow | None:
    rows = year_report(standard, current=now, previous=then)  # type: ignore[arg-type]
    return next((r for r in rows if source_id(r.indicator) == sid), None)


def _judge(
    action: Action, href: str, inputs: dict[int, YearInputs], year: int, standard: str
) -> Outcome:
    sid = str(action.source_id)
    baseline = baseline_year(action.raised_on, sorted(inputs))
    if baseline is None or year <= baseline or year not in inputs:
        return Outcome(action, href, sid, baseline, None, "awaiting")
    row = _row(standard, sid, inputs[year], inputs[baseline])
    change, scale = None, 1.0
    if row is not None and row.likelihood is not None:
        change = row.change
    elif row is not None and row.survey is not None:
        # The engine's proportions are fractions; the page shows percentages.
        change, scale = row.survey.figure(row.survey.indicator.groups[0]).change, 100.0
    if change is None or change.before is None or change.after is None:
        return Outcome(action, href, sid, baseline, year, "not_comparable")
    return Outcome(
        action,
        href,
        sid,
        baseline,
        year,
        change.verdict,
        change.before * scale,
        change.after * scale,
        percent=scale == 100.0,
    )


def outcomes(
    user: AnyUser, standard: str, year: int, inputs: dict[int, YearInputs]
) -> list[Outcome]:
    """Every EDI action on one standard's indicators, judged as of `year` (one query)."""
    ids = sorted({source_id(i) for i in INDICATORS.values() if i.standard == standard})
    found = actions_for_sources(KIND, ids).order_by("raised_on", "pk")
    return [_judge(a, action_href(user, a), inputs, year, standard) for a in found]


def summary(found: list[Outcome]) -> list[tuple[str, int]]:
    """(what it says, how many actions) for each verdict that has any, in VERDICTS order."""
    counts = Counter(o.verdict for o in found)
    return [(text, counts[key]) for key, text in VERDICTS.items() if counts[key]]
