"""Periods of a series: a week starts on Monday, a month on its first day."""

from __future__ import annotations

import datetime

# python-dateutil comes without type stubs in the lock; this module is its one user here.
from dateutil.relativedelta import relativedelta

from wellled.reports.models import Frequency


def period_start(day: datetime.date, frequency: str) -> datetime.date:
    """The start of the week or month that contains `day`."""
    if frequency == Frequency.WEEKLY:
        return day - datetime.timedelta(days=day.weekday())
    return day.replace(day=1)


def is_period_start(day: datetime.date, frequency: str) -> bool:
    return period_start(day, frequency) == day


def next_period(start: datetime.date, frequency: str) -> datetime.date:
    if frequency == Frequency.WEEKLY:
        return start + datetime.timedelta(days=7)
    return start + relativedelta(months=1, day=1)


def previous_period(start: datetime.date, frequency: str) -> datetime.date:
    if frequency == Frequency.WEEKLY:
        return start - datetime.timedelta(days=7)
    return start + relativedelta(months=-1, day=1)


def periods_back(end: datetime.date, frequency: str, count: int) -> datetime.date:
    """The start of the period `count - 1` periods before the one starting at `end`."""
    if count <= 1:
        return end
    if frequency == Frequency.WEEKLY:
        return end - datetime.timedelta(weeks=count - 1)
    return end + relativedelta(months=-(count - 1), day=1)


def month_end(day: datetime.date) -> datetime.date:
    """The last day of the month that contains `day`."""
    return day + relativedelta(day=31)


def period_label(start: datetime.date, frequency: str) -> str:
    if frequency == Frequency.WEEKLY:
        return f"week of {start:%-d %b %Y}"
    return f"{start:%b %Y}"


def noun(frequency: str) -> str:
    return "week" if frequency == Frequency.WEEKLY else "month"
