"""Working days: the calendars deadlines are counted on.

Two calendars, because the law and the trust count differently:

* `statutory_calendar()`: the working day of the Local Authority Social Services
  and NHS Complaints (England) Regulations 2009 (SI 2009/309, the definition reg 13
  counts on): any day except a Saturday, a Sunday, Christmas Day, Good Friday or a
  bank holiday (https://www.legislation.gov.uk/uksi/2009/309). Christmas Day and
  Good Friday are in the bank holiday list. Every statutory deadline (the
  complaints acknowledgement, the reg 8(1)(c) next working day) uses this one.
* `trust_calendar()`: the same, less the days the trust has recorded as closed
  (`ClosureDay`). Only the trust's own targets and reminders use it: a closure
  day may move an internal target, never a date the law sets.

Both share the arithmetic, stated once here so the rules are exact:

* `add_working_days(start, n)` is the n-th working day after `start`, never
  counting `start` itself. Received on a Friday, 3 working days later is the
  Wednesday; received on a Saturday, it is also the Wednesday.
* `working_days_between(start, end)` counts the working days after `start` up to
  and including `end`, so that `working_days_between(d, add_working_days(d, n))
  == n` for every working day `d`.

The arithmetic lives in the pure `WorkingCalendar`, which knows nothing of Django
and is property-tested. `trust_calendar()` builds one from the bank holidays
bundled with the govuk-bank-holidays package (read offline, never downloaded:
wellled must not depend on GOV.UK being reachable, and a deadline must not
change because a download happened to fail) and the trust's closure days.

Bank holidays are only known for the years the bundled list covers. Outside
them the calendar raises `CalendarRangeError` rather than quietly treating an
unknown bank holiday as a working day.
"""

from __future__ import annotations

import bisect
import datetime
import functools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from govuk_bank_holidays.bank_holidays import BankHolidays

Date = datetime.date

# England and Wales have had at least 8 bank holidays in every year since 1978;
# a year with fewer in the bundled list has not been published in full yet.
_MIN_HOLIDAYS_IN_A_COMPLETE_YEAR = 8


def long_date(day: Date) -> str:
    """24 December 2026: the way dates are written on NHS pages."""
    return f"{day.day} {day:%B %Y}"


class CalendarRangeError(ValueError):
    """A date outside the span of years whose bank holidays are known."""


@dataclass(frozen=True)
class DateSpan:
    """An inclusive span of dates."""

    first: Date
    last: Date

    def __contains__(self, day: object) -> bool:
        return isinstance(day, Date) and self.first <= day <= self.last

    def __str__(self) -> str:
        return f"{long_date(self.first)} to {long_date(self.last)}"


class WorkingCalendar:
    """Weekends plus a set of non-working days, with exact working-day arithmetic.

    `non_working_days` may include weekend days; they change nothing. With
    `covered` given, every date asked about or produced must lie inside it, or
    `CalendarRangeError` is raised.

    Counting works on a prefix count P(d): the number of working days from the
    start of the proleptic calendar up to and including d. P is found in constant
    time for the weekends and a binary search for the other non-working days, so
    spans of decades cost microseconds, not a loop over every day.
    """

    def __init__(
        self,
        non_working_days: frozenset[Date],
        weekend: Iterable[int] = (5, 6),
        *,
        covered: DateSpan | None = None,
    ) -> None:
        self.weekend = frozenset(weekend)
        if not self.weekend <= set(range(7)):
            raise ValueError("weekend holds weekday numbers, 0 (Monday) to 6 (Sunday)")
        if len(self.weekend) == 7:
            raise ValueError("a calendar whose every day is a weekend has no working days")
        self.non_working_days = frozenset(non_working_days)
        self.covered = covered
        # Only non-working days that would otherwise be working days shift a count.
        self._closed_weekdays: list[int] = sorted(
            day.toordinal() for day in self.non_working_days if day.weekday() not in self.weekend
        )
        # _weekdays_before[r]: weekdays among the first r days of a week that starts
        # on a Monday (ordinal 1, 1 January of year 1, is a Monday).
        self._weekdays_before = [0]
        for weekday in range(7):
            self._weekdays_before.append(self._weekdays_before[-1] + (weekday not in self.weekend))
        self._weekdays_per_week = self._weekdays_before[7]

    # The prefix count, on ordinals so that the search below is plain integers.

    def _count_to(self, ordinal: int) -> int:
        """Working days with ordinal 1..ordinal (0 for ordinal <= 0)."""
        if ordinal <= 0:
            return 0
        weeks, rest = divmod(ordinal, 7)
        weekdays = weeks * self._weekdays_per_week + self._weekdays_before[rest]
        return weekdays - bisect.bisect_right(self._closed_weekdays, ordinal)

    def _first_reaching(self, target: int, start: int, forwards: bool) -> int:
        """The smallest ordinal whose prefix count is at least `target`.

        The answer is searched for on one side of `start` (after it when going
        forwards, at or before it otherwise), within the covered span.
        """
        low_limit = self.covered.first.toordinal() if self.covered else Date.min.toordinal()
        high_limit = self.covered.last.toordinal() if self.covered else Date.max.toordinal()
        if forwards:
            low, step = start, 8
            # Gallop outwards until the count is reached, then bisect.
            high = min(start + step, high_limit)
            while self._count_to(high) < target:
                if high == high_limit:
                    raise self._range_error(Date.fromordinal(high_limit), beyond=True)
                low = high
                step *= 2
                high = min(start + step, high_limit)
        else:
            high, step = start, 8
            low = max(start - step, low_limit - 1)
            while self._count_to(low) >= target:
                if low < low_limit:
                    raise self._range_error(Date.fromordinal(low_limit), beyond=False)
                high = low
                step *= 2
                low = max(start - step, low_limit - 1)
        # Invariant: count(low) < target <= count(high).
        while high - low > 1:
            middle = (low + high) // 2
            if self._count_to(middle) >= target:
                high = middle
            else:
                low = middle
        return high

    def _range_error(self, limit: Date, *, beyond: bool) -> CalendarRangeError:
        side = "after" if beyond else "before"
        return CalendarRangeError(
            f"The answer falls {side} {long_date(limit)}. Working days can only be counted "
            f"from {self.covered}, the years whose bank holidays are known."
        )

    def _check(self, *days: Date) -> None:
        if self.covered is None:
            return
        for day in days:
            if day not in self.covered:
                raise CalendarRangeError(
                    f"{long_date(day)} is outside the dates whose bank holidays are known. "
                    f"Working days can only be counted from {self.covered}."
                )

    # The public arithmetic.

    def is_working_day(self, day: Date) -> bool:
        self._check(day)
        return day.weekday() not in self.weekend and day not in self.non_working_days

    def add_working_days(self, start: Date, n: int) -> Date:
        """The n-th working day after `start`, not counting `start` itself.

        * n >= 1: the n-th working day after `start`, whether or not `start` is a
          working day.
        * n <= -1: the |n|-th working day before `start`, likewise.
        * n == 0: `start` if it is a working day, else the next working day (a
          deadline of "no working days" still has to land on a working day).

        So the result is always a working day; `n -> add_working_days(start, n)`
        never decreases, and increases strictly except that n=0 and n=1 give the
        same day when `start` is not a working day.
        """
        self._check(start)
        ordinal = start.toordinal()
        if n >= 1:
            target, forwards = self._count_to(ordinal) + n, True
        else:
            # The working days strictly before start number count(start - 1); the
            # |n|-th one back is the one at position count(start - 1) - |n| + 1.
            target = self._count_to(ordinal - 1) + n + 1
            forwards = n == 0
            if forwards:
                # start itself may be the answer.
                ordinal -= 1
        return Date.fromordinal(self._first_reaching(target, ordinal, forwards))

    def working_days_between(self, start: Date, end: Date) -> int:
        """Working days after `start` up to and including `end`.

        Negative when `end` is before `start`, so that
        `working_days_between(a, b) == -working_days_between(b, a)`, and 0 when
        they are the same day.
        """
        self._check(start, end)
        return self._count_to(end.toordinal()) - self._count_to(start.toordinal())

    def next_working_day(self, day: Date) -> Date:
        """The first working day strictly after `day`."""
        return self.add_working_days(day, 1)


# The Django side: England and Wales bank holidays plus the trust's closure days.


@dataclass(frozen=True)
class NamedDay:
    """A day off with its name, for pages that say why a day is not counted."""

    date: Date
    name: str
    kind: Literal["bank_holiday", "closure_day"]


@functools.cache
def bank_holidays() -> tuple[NamedDay, ...]:
    """England and Wales bank holidays from the package's bundled list, oldest first.

    `use_cached_holidays=True` reads the JSON file shipped inside the package and
    makes no network request (a test blocks sockets to hold it to that).
    """
    source = BankHolidays(use_cached_holidays=True)
    return tuple(
        NamedDay(holiday["date"], _holiday_name(holiday), "bank_holiday")
        for holiday in source.get_holidays(division=BankHolidays.ENGLAND_AND_WALES)
    )


def _holiday_name(holiday: dict[str, Any]) -> str:
    # "Christmas Day (substitute day)": otherwise a Monday 27 December looks wrong.
    notes = str(holiday.get("notes") or "").strip()
    return f"{holiday['title']} ({notes.lower()})" if notes else str(holiday["title"])


@functools.cache
def bank_holiday_span() -> DateSpan:
    """The whole years whose bank holidays the bundled list gives in full."""
    per_year: dict[int, int] = {}
    for holiday in bank_holidays():
        per_year[holiday.date.year] = per_year.get(holiday.date.year, 0) + 1
    complete = [
        year for year, count in per_year.items() if count >= _MIN_HOLIDAYS_IN_A_COMPLETE_YEAR
    ]
    if not complete:
        raise CalendarRangeError("The bundled bank holiday list holds no complete year")
    first, last = min(complete), max(complete)
    # A gap would leave a year with unknown holidays inside the span.
    gaps = [year for year in range(first, last + 1) if year not in complete]
    if gaps:
        raise CalendarRangeError(
            f"The bundled bank holiday list is incomplete for {', '.join(map(str, gaps))}"
        )
    return DateSpan(Date(first, 1, 1), Date(last, 12, 31))


def statutory_calendar() -> WorkingCalendar:
    """The Regulations' calendar: weekends and England and Wales bank holidays.

    No query: the trust's closure days are not in it, so they cannot move a
    statutory deadline.
    """
    holidays = frozenset(holiday.date for holiday in bank_holidays())
    return WorkingCalendar(holidays, covered=bank_holiday_span())


def trust_calendar() -> WorkingCalendar:
    """The trust's calendar as it stands now: bank holidays and closure days,
    for the trust's own targets and reminders (never a statutory deadline).

    One small query each call. For many deadlines at once (a list page, a
    nightly job), call this once and use the calendar's methods.
    """
    from wellled.core.models import ClosureDay

    closed = set(ClosureDay.objects.values_list("date", flat=True))
    closed.update(holiday.date for holiday in bank_holidays())
    return WorkingCalendar(frozenset(closed), covered=bank_holiday_span())


def add_working_days(start: Date, n: int) -> Date:
    """See `WorkingCalendar.add_working_days`."""
    return trust_calendar().add_working_days(start, n)


def working_days_between(start: Date, end: Date) -> int:
    """See `WorkingCalendar.working_days_between`."""
    return trust_calendar().working_days_between(start, end)


def next_working_day(day: Date) -> Date:
    return trust_calendar().next_working_day(day)


def is_working_day(day: Date) -> bool:
    return trust_calendar().is_working_day(day)


def days_off_between(first: Date, last: Date) -> list[NamedDay]:
    """Bank holidays and closure days from `first` to `last` inclusive, by date."""
    from wellled.core.models import ClosureDay

    days = [holiday for holiday in bank_holidays() if first <= holiday.date <= last]
    days.extend(
        NamedDay(day.date, day.reason, "closure_day")
        for day in ClosureDay.objects.filter(date__range=(first, last))
    )
    return sorted(days, key=lambda day: (day.date, day.kind))
