"""Monthly speak-up measures for the SPC/IPR module, with the same suppression."""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from dateutil.relativedelta import relativedelta

from wellled.reports.sources import MetricSource, register_source
from wellled.speakup.models import Case, FeedbackAnswer, Route
from wellled.speakup.reporting.periods import Quarter, suppress_below
from wellled.speakup.reporting.suppression import CellKey, SumGroup, suppress

if TYPE_CHECKING:
    from wellled.organisation.models import OrgUnit


def _month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _next_month(day: datetime.date) -> datetime.date:
    return _month_start(day) + relativedelta(months=1)


def _months(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    months = []
    month = _month_start(start)
    while month <= end:
        months.append(month)
        month = _next_month(month)
    return months


def _monthly_system(
    months: list[datetime.date], counts: Mapping[datetime.date, int], k: int
) -> frozenset[CellKey]:
    """Suppress monthly counts as if each quarter's total were published beside them."""
    quarters = sorted({Quarter.containing(m) for m in months})
    values: dict[CellKey, int] = {}
    groups = []
    for quarter in quarters:
        parts = []
        month = quarter.start
        while month <= quarter.end:
            values[month] = counts.get(month, 0)
            parts.append(month)
            month = _next_month(month)
        values[quarter] = sum(values[m] for m in parts)
        groups.append(SumGroup(quarter, tuple(parts)))
    return suppress(values, groups, k)


def _monthly_counts(
    dates: Iterable[datetime.date],
) -> Counter[datetime.date]:
    return Counter(_month_start(d) for d in dates)


def _whole_quarters(
    start: datetime.date, end: datetime.date
) -> tuple[datetime.date, datetime.date]:
    return Quarter.containing(start).start, Quarter.containing(end).end


def _trust_wide(unit: OrgUnit | None) -> bool:
    # Figures for part of the trust could be subtracted from the trust's to reveal
    # small numbers, so speak-up measures exist for the whole trust only.
    return unit is None or unit.parent_id is None


def concerns_per_month(
    start: datetime.date, end: datetime.date, unit: OrgUnit | None
) -> list[tuple[datetime.date, float | None]]:
    months = _months(start, end)
    if not _trust_wide(unit):
        return [(m, None) for m in months]
    first, last = _whole_quarters(start, end)
    counts = _monthly_counts(
        Case.objects.filter(received_week__range=(first, last)).values_list(
            "received_week", flat=True
        )
    )
    hidden = _monthly_system(_months(first, last), counts, suppress_below())
    return [(m, None if m in hidden else float(counts.get(m, 0))) for m in months]


def _share(
    start: datetime.date,
    end: datetime.date,
    unit: OrgUnit | None,
    *,
    closed: bool,
    denominator: dict[str, Any],
    numerator: dict[str, Any],
) -> list[tuple[datetime.date, float | None]]:
    """numerator ÷ denominator per month, hidden where any of the counts behind it is."""
    months = _months(start, end)
    if not _trust_wide(unit):
        return [(m, None) for m in months]
    first, last = _whole_quarters(start, end)
    date_field = "closed_week" if closed else "received_week"
    cases = Case.objects.filter(**{f"{date_field}__range": (first, last)}, **denominator)
    rows = list(cases.values_list(date_field, *numerator))
    wanted = tuple(numerator.values())
    all_counts = _monthly_counts(row[0] for row in rows)
    yes_counts = _monthly_counts(row[0] for row in rows if tuple(row[1:]) == wanted)
    no_counts = Counter({m: all_counts[m] - yes_counts.get(m, 0) for m in all_counts})
    k = suppress_below()
    every = _months(first, last)
    hidden = (
        _monthly_system(every, all_counts, k)
        | _monthly_system(every, yes_counts, k)
        | _monthly_system(every, no_counts, k)
    )
    result: list[tuple[datetime.date, float | None]] = []
    for month in months:
        total = all_counts.get(month, 0)
        if total == 0 or month in hidden:
            result.append((month, None))
        else:
            result.append((month, round(100.0 * yes_counts.get(month, 0) / total, 1)))
    return result


def anonymous_share(
    start: datetime.date, end: datetime.date, unit: OrgUnit | None
) -> list[tuple[datetime.date, float | None]]:
    return _share(
        start, end, unit, closed=False, denominator={}, numerator={"route": Route.ANONYMOUS}
    )


def detriment_share(
    start: datetime.date, end: datetime.date, unit: OrgUnit | None
) -> list[tuple[datetime.date, float | None]]:
    return _share(
        start, end, unit, closed=False, denominator={}, numerator={"detriment_reported": True}
    )


def would_speak_up_again_share(
    start: datetime.date, end: datetime.date, unit: OrgUnit | None
) -> list[tuple[datetime.date, float | None]]:
    return _share(
        start,
        end,
        unit,
        closed=True,
        denominator={
            "status": "closed",
            "feedback_answer__in": ["yes", "no", "maybe", "dont_know"],
        },
        numerator={"feedback_answer": FeedbackAnswer.YES},
    )


_SUPPRESSION_NOTE = (
    " Months are those of the Monday of the week received. Counts from 1 to the "
    "suppression threshold minus one (settings WELLLED_SPEAKUP_SUPPRESS_BELOW, default 6), "
    "and enough other months of the same quarter that a hidden month cannot be worked out "
    "from the quarter's total, are left out. Whole trust only."
)


# The measures, as the SPC/IPR module lists them.
SOURCES = (
    MetricSource(
        key="speakup.concerns_raised",
        title="Concerns raised with the Freedom to Speak Up guardians",
        definition="Concerns received in the month, by any route." + _SUPPRESSION_NOTE,
        unit="count",
        improvement="neither",
        frequency="monthly",
        domain="well-led",
        compute=concerns_per_month,
    ),
    MetricSource(
        key="speakup.anonymous_share",
        title="Concerns raised anonymously",
        definition=(
            "Concerns received anonymously in the month ÷ concerns received in the month."
            " A month is left out when the anonymous or the named concerns are fewer than"
            " the threshold." + _SUPPRESSION_NOTE
        ),
        unit="%",
        improvement="decrease",
        frequency="monthly",
        domain="well-led",
        compute=anonymous_share,
    ),
    MetricSource(
        key="speakup.detriment_share",
        title="Concerns where the worker reports detriment for speaking up",
        definition=(
            "Concerns received in the month whose worker reports detriment ÷ concerns "
            "received in the month." + _SUPPRESSION_NOTE
        ),
        unit="%",
        improvement="decrease",
        frequency="monthly",
        domain="well-led",
        compute=detriment_share,
    ),
    MetricSource(
        key="speakup.would_speak_up_again",
        title="Workers who would speak up again",
        definition=(
            "Concerns closed in the month whose worker answered Yes to 'Given your "
            "experience, would you speak up again?' ÷ those closed in the month with an "
            "answer (Yes, No, Maybe or Don't know)." + _SUPPRESSION_NOTE
        ),
        unit="%",
        improvement="increase",
        frequency="monthly",
        domain="well-led",
        compute=would_speak_up_again_share,
    ),
)


def register_metric_sources() -> None:
    """Register the speak-up measures with the SPC/IPR module (call from AppConfig.ready)."""
    for source in SOURCES:
        register_source(source)
