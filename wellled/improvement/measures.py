"""The action loop measured the Making Data Count way: monthly figures registered
as metric sources, so they appear in the IPR and the board pack with SPC and can be
cited as live evidence on the well-led page.

Definitions (every figure is a count of actions, never who owns them):

- **Actions due**: actions whose due date falls in the month.
- **Actions closed on time**: of the actions due in the month, the share done on or
  before their due date (the due date in force: a re-planned action is measured
  against its new date, and every re-plan is kept with its reason on the action).
  None for a month with no action due.
- **Actions overdue at month end**: actions open at the end of the month whose due
  date had passed by then.
- **Median days late**: of the actions done in the month after their due date, the
  median of the days between the due date and the day done. None when none was late.

Each is registered for all actions (`improvement.<measure>`), and the share closed
on time for each kind of source too (`improvement.closed_on_time.<source kind>`);
`unit` narrows any of them to a care group or service and everything below it.
"""

from __future__ import annotations

import datetime
import functools
import statistics
from collections.abc import Callable

from dateutil.relativedelta import relativedelta
from django.db.models import Q

from wellled.improvement import sources
from wellled.improvement.models import Action
from wellled.organisation.models import OrgUnit
from wellled.reports.sources import MetricSource, Period, register_source

Compute = Callable[[datetime.date, datetime.date, "OrgUnit | None"], list[Period]]
Row = tuple[datetime.date, datetime.date, datetime.date | None]  # raised, due, done


def months(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    first, last = start.replace(day=1), end.replace(day=1)
    found = []
    while first <= last:
        found.append(first)
        first += relativedelta(months=1)
    return found


def month_end(month: datetime.date) -> datetime.date:
    return month + relativedelta(months=1, days=-1)


def _rows(start: datetime.date, end: datetime.date, unit: OrgUnit | None, kind: str) -> list[Row]:
    """Every action that could count in the months from start to end, in one query:
    raised by the last month's end, and due or done (or still open) after the first."""
    first, last = start.replace(day=1), month_end(end.replace(day=1))
    actions = Action.objects.filter(raised_on__lte=last).filter(
        Q(due_on__gte=first) | Q(done_on__isnull=True) | Q(done_on__gte=first)
    )
    if unit is not None:
        actions = actions.filter(unit__path__startswith=unit.path)
    if kind:
        actions = actions.filter(source_kind=kind)
    return list(actions.values_list("raised_on", "due_on", "done_on"))


def _in(day: datetime.date | None, month: datetime.date) -> bool:
    # Compared field by field: `day.replace(day=1)` builds a date for each of the
    # thousands of (action, month) pairs a chart tests, most of its time.
    return day is not None and day.month == month.month and day.year == month.year


def due_count(rows: list[Row], month: datetime.date) -> float:
    return float(sum(1 for _, due, _ in rows if _in(due, month)))


def on_time_share(rows: list[Row], month: datetime.date) -> float | None:
    due = [(d, done) for _, d, done in rows if _in(d, month)]
    if not due:
        return None
    on_time = sum(1 for d, done in due if done is not None and done <= d)
    return round(100 * on_time / len(due), 1)


def overdue_count(rows: list[Row], month: datetime.date) -> float:
    close = month_end(month)
    return float(
        sum(
            1
            for raised, due, done in rows
            if raised <= close and due < close and (done is None or done > close)
        )
    )


def median_late(rows: list[Row], month: datetime.date) -> float | None:
    late = [(done - due).days for _, due, done in rows if _in(done, month) and done and done > due]
    return float(statistics.median(late)) if late else None


@functools.cache
def _compute(figure: Callable[[list[Row], datetime.date], float | None], kind: str) -> Compute:
    def compute(start: datetime.date, end: datetime.date, unit: OrgUnit | None) -> list[Period]:
        rows = _rows(start, end, unit, kind)
        return [(month, figure(rows, month)) for month in months(start, end)]

    return compute


# key, title, definition, unit, improvement, figure
MEASURES: tuple[
    tuple[str, str, str, str, str, Callable[[list[Row], datetime.date], float | None]], ...
] = (
    (
        "actions_due",
        "Improvement actions due",
        "Actions whose due date falls in the month.",
        "count",
        "neither",
        due_count,
    ),
    (
        "closed_on_time",
        "Improvement actions closed on time",
        "Of the actions due in the month, the share done on or before their due date "
        "(a re-planned action counts against its new date; every re-plan is kept with "
        "its reason). No value for a month with no action due.",
        "%",
        "increase",
        on_time_share,
    ),
    (
        "overdue_at_month_end",
        "Improvement actions overdue at month end",
        "Actions still open at the end of the month whose due date had passed.",
        "count",
        "decrease",
        overdue_count,
    ),
    (
        "median_days_late",
        "Median days late of improvement actions",
        "Of the actions done in the month after their due date, the median number of "
        "days late. No value for a month when none was late.",
        "days",
        "decrease",
        median_late,
    ),
)


# Per kind of source, only the headline measure: the IPR lists every registered
# measure the catalogue holds, and four per source would crowd it.
PER_SOURCE = ("closed_on_time",)


def register_measures(kind: str = "", label: str = "") -> None:
    """Register the four measures for all actions, or the headline one for one kind
    of source."""
    for key, title, definition, unit, improvement, figure in MEASURES:
        if kind and key not in PER_SOURCE:
            continue
        register_source(
            MetricSource(
                key=f"improvement.{key}" + (f".{kind}" if kind else ""),
                title=title + (f": {label.lower()}" if label else ""),
                definition=definition,
                unit=unit,
                improvement=improvement,  # type: ignore[arg-type]
                frequency="monthly",
                domain="well-led",
                compute=_compute(figure, kind),
            )
        )


def register_all() -> None:
    """The trust-wide measures, and one set per registered kind of source; kinds
    registered later are added as they register (sources.on_register)."""
    register_measures()
    for source_type in sources.all_types():
        register_measures(source_type.kind, source_type.label)
    sources.on_register(lambda t: register_measures(t.kind, t.label))
