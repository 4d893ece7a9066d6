"""Involvement measured the Making Data Count way: monthly figures registered as
metric sources (reports/sources.py), so the IPR can chart them with SPC.

* `involvement.co_design_share`: of the activities held in the month with the rung
  reached recorded, the % at co-design or above (TLAP rungs 6 and 7; reference
  §4.4, "% of projects reaching rung ≥6").
* `involvement.payment_days`: the median calendar days from a claim's arrival to
  its payment, for claims paid in the month (reference §4.3: slow payment is the
  common barrier).

Aggregates only: neither names nor counts anyone. `unit` narrows to a service or
care group and everything below it.
"""

from __future__ import annotations

import datetime
from statistics import median

from dateutil.relativedelta import relativedelta

from wellled.involvement.models import Activity, Claim, ClaimStatus, Rung
from wellled.organisation.models import OrgUnit
from wellled.reports.sources import MetricSource, Period, register_source


def _months(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    first, last = start.replace(day=1), end.replace(day=1)
    found = []
    while first <= last:
        found.append(first)
        first += relativedelta(months=1)
    return found


def _month_end(month: datetime.date) -> datetime.date:
    return month + relativedelta(months=1, days=-1)


def co_design_share(start: datetime.date, end: datetime.date, unit: OrgUnit | None) -> list[Period]:
    months = _months(start, end)
    activities = Activity.objects.filter(
        held_on__gte=months[0], held_on__lte=_month_end(months[-1]), rung_reached__isnull=False
    )
    if unit is not None:
        activities = activities.filter(opportunity__service__path__startswith=unit.path)
    rows = list(activities.values_list("held_on", "rung_reached"))
    found: list[Period] = []
    for month in months:
        rungs = [rung for held, rung in rows if rung is not None and held.replace(day=1) == month]
        high = sum(1 for rung in rungs if rung >= Rung.CO_DESIGN)
        found.append((month, round(100 * high / len(rungs), 1) if rungs else None))
    return found


def payment_days(start: datetime.date, end: datetime.date, unit: OrgUnit | None) -> list[Period]:
    months = _months(start, end)
    claims = Claim.objects.filter(
        status=ClaimStatus.PAID, paid_on__gte=months[0], paid_on__lte=_month_end(months[-1])
    )
    if unit is not None:
        claims = claims.filter(
            participation__activity__opportunity__service__path__startswith=unit.path
        )
    rows = list(claims.values_list("received_on", "paid_on"))
    found: list[Period] = []
    for month in months:
        days = [
            (paid - received).days
            for received, paid in rows
            if paid is not None and paid.replace(day=1) == month
        ]
        found.append((month, float(median(days)) if days else None))
    return found


def register() -> None:
    register_source(
        MetricSource(
            key="involvement.co_design_share",
            title="Involvement activities at co-design or above",
            definition=(
                "Activities held in the month with the rung reached recorded, at co-design "
                "or co-production on the TLAP ladder of co-production ÷ those activities"
            ),
            unit="%",
            improvement="increase",
            frequency="monthly",
            domain="well-led",
            compute=co_design_share,
        )
    )
    register_source(
        MetricSource(
            key="involvement.payment_days",
            title="Involvement payment turnaround",
            definition=(
                "Median calendar days from a claim's arrival to its payment, "
                "for involvement claims paid in the month"
            ),
            unit="days",
            improvement="decrease",
            frequency="monthly",
            domain="well-led",
            compute=payment_days,
        )
    )
