"""Counting the complaints measures from the cases themselves, in the database.

`measures` reads most figures from the monthly roll-up (`rollup.py`) and counts
here only what still moves day by day; `rollup_check` counts everything here to
check the roll-up. Also here: the months the measures run over, and the scope of
cases they count.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db import connection
from django.db.models import (
    Aggregate,
    Count,
    DateField,
    F,
    FloatField,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import Cast, Coalesce, TruncMonth

from wellled.complaints.models import Complaint, Kind, Status
from wellled.organisation.access import covers_everything
from wellled.organisation.models import OrgUnit

Date = datetime.date

# The field each breakdown groups by.
_GROUP_FIELD: dict[str, str | None] = {
    "none": None,
    "service": "service_id",
    "site": "site_id",
    "subject": "issues__subject_id",
}


@dataclass(frozen=True)
class Cell:
    value: float | None
    numerator: int | None = None
    denominator: int | None = None


# Periods -------------------------------------------------------------------


def month_start(day: Date) -> Date:
    return day.replace(day=1)


def add_month(day: Date, months: int = 1) -> Date:
    """The first day of the month `months` on from day's month."""
    result: Date = month_start(day) + relativedelta(months=months)
    return result


def month_end(day: Date) -> Date:
    return add_month(month_start(day)) - datetime.timedelta(days=1)


def months_between(start: Date, end: Date) -> list[Date]:
    """The first days of every month from start's month to end's month, inclusive."""
    months: list[Date] = []
    current, last = month_start(start), month_start(end)
    while current <= last:
        months.append(current)
        current = add_month(current)
    return months


def _as_date(value: Any) -> Date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, Date):
        return value
    return Date.fromisoformat(str(value)[:10])


# Scope ---------------------------------------------------------------------


def _within(paths: Iterable[str]) -> Q:
    condition = Q(pk__in=[])
    for path in paths:
        condition |= (
            Q(service__path__startswith=path)
            | Q(team__path__startswith=path)
            | Q(site__path__startswith=path)
        )
    return condition


def regulated_cases(
    *, paths: tuple[str, ...] | None = None, unit: OrgUnit | None = None
) -> QuerySet[Complaint]:
    """Formal complaints under the Regulations, narrowed to scope paths and a unit.

    `paths` None or containing "/" is the whole trust; `unit` narrows to cases whose
    service, team or site lies within it.
    """
    cases = (
        Complaint.objects.filter(kind=Kind.COMPLAINT, exclusion="")
        .exclude(status=Status.TRANSFERRED)
        .order_by()
    )
    if paths is not None and not covers_everything(paths):
        cases = cases.filter(_within(paths))
    if unit is not None:
        cases = cases.filter(_within([unit.path]))
    return cases


# The measures --------------------------------------------------------------


def _share(numerator: int, denominator: int) -> Cell:
    if not denominator:
        return Cell(None, numerator, denominator)
    return Cell(round(100.0 * numerator / denominator, 1), numerator, denominator)


class _PostgresMonthStart(Func):
    """The first day of a date's month by date arithmetic: cheaper on PostgreSQL than
    date_trunc, which goes through a timestamp with time zone."""

    template = "(%(expressions)s - (EXTRACT(DAY FROM %(expressions)s)::int - 1))"
    output_field = DateField()


def _month(field_name: str) -> Any:
    """The first day of the field's month, as a date."""
    if connection.vendor == "postgresql":
        return _PostgresMonthStart(F(field_name))
    return Cast(TruncMonth(field_name), DateField())


def _count(breakdown: str, condition: Q | None = None) -> Count:
    """COUNT of cases; DISTINCT only when the subject join can repeat a case."""
    if breakdown == "subject":
        return Count("pk", distinct=True, filter=condition)
    # COUNT(1), not COUNT(id): an index holding the measure's columns then answers alone.
    return Count(Value(1), filter=condition)


def _grouped(
    cases: QuerySet[Complaint], month_of: Any, breakdown: str, **aggregates: Any
) -> list[dict[str, Any]]:
    """One dict per (month, group) with the aggregates, in one GROUP BY query."""
    group = _GROUP_FIELD[breakdown]
    values = ["m"] + (["g"] if group else [])
    annotated = cases.annotate(m=_month(month_of))
    if group:
        annotated = annotated.annotate(g=F(group))
    return list(annotated.values(*values).annotate(**aggregates).order_by())


def _acknowledged_on_time(
    cases: QuerySet[Complaint], first: Date, last: Date, today: Date, breakdown: str
) -> dict[tuple[Any, Date], Cell]:
    cases = cases.filter(acknowledgement_due__range=(first, last)).filter(
        Q(acknowledged_on__isnull=False) | Q(acknowledgement_due__lt=today)
    )
    rows = _grouped(
        cases,
        "acknowledgement_due",
        breakdown,
        n=_count(breakdown),
        on_time=_count(breakdown, Q(acknowledged_on__lte=F("acknowledgement_due"))),
    )
    return {(r.get("g"), _as_date(r["m"])): _share(r["on_time"], r["n"]) for r in rows}


def _response_due() -> Coalesce:
    """The date the first response is (or was) due: the one it was sent against, else
    the date agreed or set by the trust, else the last day of the six months (reg
    14(2)). Every formal complaint has one from the day it is received."""
    return Coalesce("first_response_due", "response_due", "backstop_due")


def _responded_by_agreed_date(
    cases: QuerySet[Complaint], first: Date, last: Date, today: Date, breakdown: str
) -> dict[tuple[Any, Date], Cell]:
    cases = (
        cases.filter(
            Q(response_due__range=(first, last))
            | Q(first_response_due__range=(first, last))
            | Q(backstop_due__range=(first, last))
        )
        .annotate(due=_response_due())
        .filter(due__range=(first, last))
        .filter(Q(first_responded_on__isnull=False) | Q(due__lt=today))
    )
    rows = _grouped(
        cases,
        "due",
        breakdown,
        n=_count(breakdown),
        on_time=_count(breakdown, Q(first_responded_on__lte=F("due"))),
    )
    return {(r.get("g"), _as_date(r["m"])): _share(r["on_time"], r["n"]) for r in rows}


def overdue_on(day: Date) -> Q:
    """Open and overdue on `day`, from the stored dates (mirrors clocks.next_deadline)."""
    still_open = (
        Q(received_on__lte=day)
        & (Q(closed_on__isnull=True) | Q(closed_on__gt=day))
        & (Q(transferred_on__isnull=True) | Q(transferred_on__gt=day))
    )
    ack_late = Q(acknowledgement_due__lt=day) & (
        Q(acknowledged_on__isnull=True) | Q(acknowledged_on__gt=day)
    )
    response_late = Q(due_or_backstop__lt=day) & (
        Q(first_responded_on__isnull=True) | Q(first_responded_on__gt=day)
    )
    return still_open & (ack_late | response_late)


# The columns `_overdue_at` reads, in its order.
_OVERDUE_COLUMNS = (
    "pk",
    "received_on",
    "closed_on",
    "transferred_on",
    "acknowledgement_due",
    "acknowledged_on",
    "due_or_backstop",
    "first_responded_on",
)


def _overdue_at(row: tuple[Any, ...], day: Date) -> bool:
    """`overdue_on(day)` for one fetched row: a NULL date compares false, as in SQL."""
    _pk, received, closed, transferred, ack_due, acked, due, responded = row[:8]
    still_open = (
        received is not None
        and received <= day
        and (closed is None or closed > day)
        and (transferred is None or transferred > day)
    )
    ack_late = ack_due is not None and ack_due < day and (acked is None or acked > day)
    late = due is not None and due < day and (responded is None or responded > day)
    return still_open and (ack_late or late)


def _overdue_open(
    cases: QuerySet[Complaint],
    months: list[Date],
    today: Date,
    breakdown: str,
) -> dict[tuple[Any, Date], Cell]:
    """A count per month, each as at that month's last day, from one query.

    The rows are the open or recently closed cases that were ever late, a few
    hundred, and each month's test is `overdue_on` applied in Python: one SQL count
    per month made the ORM build 36 nested conditions, about a second of CPU a chart.
    """
    as_at = [min(month_end(m), today) for m in months]
    group = _GROUP_FIELD[breakdown]
    cases = cases.filter(received_on__lte=as_at[-1]).filter(
        Q(closed_on__isnull=True) | Q(closed_on__gt=as_at[0])
    )
    cases = cases.annotate(due_or_backstop=_response_due()).filter(
        # Only a case that was ever late can be overdue at a month's end: a cheap test
        # that spares most cases the per-month conditions.
        Q(acknowledged_on__isnull=True)
        | Q(acknowledged_on__gt=F("acknowledgement_due"))
        | Q(first_responded_on__isnull=True)
        | Q(first_responded_on__gt=F("due_or_backstop"))
    )
    if group:
        rows = list(cases.annotate(g=F(group)).values_list(*_OVERDUE_COLUMNS, "g"))
    else:
        rows = [(*row, None) for row in cases.values_list(*_OVERDUE_COLUMNS)]
    # Sets of case ids: a case counts once per group and month, as COUNT(DISTINCT) does
    # for the subject breakdown, whose join can repeat a case.
    counted: dict[Any, list[set[int]]] = {}
    if not group:
        counted[None] = [set() for _ in months]
    for row in rows:
        per_month = counted.setdefault(row[-1], [set() for _ in months])
        for i, day in enumerate(as_at):
            if _overdue_at(row, day):
                per_month[i].add(row[0])
    return {
        (g, month): Cell(float(len(per_month[i])), len(per_month[i]))
        for g, per_month in counted.items()
        for i, month in enumerate(months)
    }


def _count_in_month(
    date_field: str,
) -> Any:
    def compute(
        cases: QuerySet[Complaint], first: Date, last: Date, today: Date, breakdown: str
    ) -> dict[tuple[Any, Date], Cell]:
        cases = cases.filter(**{f"{date_field}__range": (first, last)})
        rows = _grouped(cases, date_field, breakdown, n=_count(breakdown))
        return {(r.get("g"), _as_date(r["m"])): Cell(float(r["n"]), r["n"]) for r in rows}

    return compute


def _themes(
    cases: QuerySet[Complaint], first: Date, last: Date, today: Date, breakdown: str
) -> dict[tuple[Any, Date], Cell]:
    """Complaints per subject; with a service or site breakdown, per (group, subject)."""
    cases = cases.filter(received_on__range=(first, last), issues__isnull=False)
    annotated = cases.annotate(m=_month("received_on"), s=F("issues__subject_id"))
    values = ["m", "s"]
    group = _GROUP_FIELD[breakdown]
    if group and breakdown != "subject":
        annotated = annotated.annotate(g=F(group))
        values.append("g")
    rows = annotated.values(*values).annotate(n=Count("pk", distinct=True)).order_by()
    return {
        ((r["g"], r["s"]) if "g" in r else r["s"], _as_date(r["m"])): Cell(float(r["n"]), r["n"])
        for r in rows
    }


class _DaysBetween(Func):
    """later - earlier for two dates, in days: an integer on PostgreSQL."""

    arg_joiner = " - "
    template = "(%(expressions)s)"
    output_field = IntegerField()


class _Median(Aggregate):
    """PostgreSQL's ordered-set median."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


def _median_days(
    cases: QuerySet[Complaint], first: Date, last: Date, today: Date, breakdown: str
) -> dict[tuple[Any, Date], Cell]:
    """The median in SQL. PostgreSQL has an aggregate for it; elsewhere (and for the
    subject breakdown, where a case must count once per subject) a window numbers
    each group's rows in order and the middle one or two are averaged."""
    group = _GROUP_FIELD[breakdown]
    if connection.vendor == "postgresql" and breakdown != "subject":
        responded = cases.filter(first_responded_on__range=(first, last))
        rows = _grouped(
            responded,
            "first_responded_on",
            breakdown,
            median=_Median(_DaysBetween(F("first_responded_on"), F("received_on"))),
            n=Count(Value(1)),
        )
        return {
            (r.get("g"), _as_date(r["m"])): Cell(round(float(r["median"]), 1), None, r["n"])
            for r in rows
        }
    inner = cases.filter(first_responded_on__range=(first, last)).annotate(
        m=_month("first_responded_on"),
        r=F("first_responded_on"),
        c=F("received_on"),
        i=F("pk"),
    )
    values = ["m", "r", "c", "i"]
    if group:
        inner = inner.annotate(g=F(group))
        values.append("g")
    inner_values = inner.values(*values).distinct().order_by()
    sql, params = inner_values.query.sql_with_params()
    if connection.vendor == "postgresql":
        days = "(b.r - b.c)"
    else:
        days = "(julianday(b.r) - julianday(b.c))"
    partition = "b.m, b.g" if group else "b.m"
    group_col = "w.g" if group else "NULL"
    query = (
        f"SELECT w.m, {group_col}, AVG(w.d), MAX(w.n) FROM ("  # noqa: S608 - our own SQL
        f"SELECT b.m{', b.g' if group else ''}, {days} AS d, "
        f"ROW_NUMBER() OVER (PARTITION BY {partition} ORDER BY {days}) AS rn, "
        f"COUNT(*) OVER (PARTITION BY {partition}) AS n "
        f"FROM ({sql}) b) w "
        "WHERE w.rn * 2 >= w.n AND w.rn * 2 <= w.n + 2 "
        f"GROUP BY w.m{', w.g' if group else ''}"
    )
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        found = cursor.fetchall()
    return {
        (g, _as_date(m)): Cell(round(float(median), 1), None, int(n)) for m, g, median, n in found
    }


_COMPUTE: dict[str, Any] = {
    "acknowledged_on_time": _acknowledged_on_time,
    "responded_by_agreed_date": _responded_by_agreed_date,
    "median_days_to_respond": _median_days,
    "reopened": _count_in_month("reopened_on"),
    "phso_referrals": _count_in_month("referred_to_phso_on"),
    "themes": _themes,
}
