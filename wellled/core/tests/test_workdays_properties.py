"""Properties of working-day arithmetic, checked against a day-by-day reference.

The calendar under test is the pure `WorkingCalendar`, with random sets of days
off (and random weekends), and with the real England and Wales bank holidays.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from wellled.core.workdays import (
    CalendarRangeError,
    DateSpan,
    WorkingCalendar,
    bank_holiday_span,
    bank_holidays,
)

# No example database: it would write a .hypothesis folder into the checkout.
checked = settings(max_examples=300, deadline=None, database=None)

ONE_DAY = datetime.timedelta(days=1)
WINDOW_START = datetime.date(2020, 1, 1)
WINDOW_END = datetime.date(2024, 12, 31)

dates = st.dates(min_value=WINDOW_START, max_value=WINDOW_END)
days_off = st.frozensets(dates, max_size=80)
weekends = st.one_of(
    st.just((5, 6)),
    st.frozensets(st.integers(min_value=0, max_value=6), max_size=4).map(tuple),
)
steps = st.integers(min_value=-400, max_value=400)


@st.composite
def calendars(draw: st.DrawFn) -> WorkingCalendar:
    return WorkingCalendar(draw(days_off), draw(weekends))


REAL = WorkingCalendar(
    frozenset(holiday.date for holiday in bank_holidays()), covered=bank_holiday_span()
)
SPAN = bank_holiday_span()
# Starts for the real calendar leave two years' room either side of the span.
real_dates = st.dates(
    min_value=SPAN.first + datetime.timedelta(days=731),
    max_value=SPAN.last - datetime.timedelta(days=731),
)


def naive_is_working(calendar: WorkingCalendar, day: datetime.date) -> bool:
    return day.weekday() not in calendar.weekend and day not in calendar.non_working_days


def naive_between(calendar: WorkingCalendar, start: datetime.date, end: datetime.date) -> int:
    if end < start:
        return -naive_between(calendar, end, start)
    return sum(
        naive_is_working(calendar, start + ONE_DAY * offset)
        for offset in range(1, (end - start).days + 1)
    )


def naive_add(calendar: WorkingCalendar, start: datetime.date, n: int) -> datetime.date:
    day = start
    if n == 0:
        while not naive_is_working(calendar, day):
            day += ONE_DAY
        return day
    step = ONE_DAY if n > 0 else -ONE_DAY
    found = 0
    while found < abs(n):
        day += step
        found += naive_is_working(calendar, day)
    return day


def working_days(calendar: WorkingCalendar, days: Iterable[datetime.date]) -> list[datetime.date]:
    return [day for day in days if calendar.is_working_day(day)]


@checked
@given(calendars(), dates, steps)
def test_adding_matches_counting_day_by_day(
    calendar: WorkingCalendar, start: datetime.date, n: int
) -> None:
    assert calendar.add_working_days(start, n) == naive_add(calendar, start, n)


@checked
@given(calendars(), dates, dates)
def test_counting_matches_counting_day_by_day(
    calendar: WorkingCalendar, start: datetime.date, end: datetime.date
) -> None:
    assert calendar.working_days_between(start, end) == naive_between(calendar, start, end)


@checked
@given(calendars(), dates, steps)
def test_counting_undoes_adding_from_a_working_day(
    calendar: WorkingCalendar, start: datetime.date, n: int
) -> None:
    assume(calendar.is_working_day(start))
    assert calendar.working_days_between(start, calendar.add_working_days(start, n)) == n


@checked
@given(calendars(), dates, st.integers(min_value=1, max_value=400))
def test_counting_undoes_adding_one_or_more_from_any_day(
    calendar: WorkingCalendar, start: datetime.date, n: int
) -> None:
    assert calendar.working_days_between(start, calendar.add_working_days(start, n)) == n


@checked
@given(calendars(), dates, steps)
def test_more_working_days_is_never_earlier(
    calendar: WorkingCalendar, start: datetime.date, n: int
) -> None:
    this, following = calendar.add_working_days(start, n), calendar.add_working_days(start, n + 1)
    if n == 0 and not calendar.is_working_day(start):
        # Documented: with no working days to add, a non-working start rolls forward
        # to the same day that one working day reaches.
        assert this == following
    else:
        assert this < following


@checked
@given(calendars(), dates, steps)
def test_the_answer_is_always_a_working_day_on_the_right_side(
    calendar: WorkingCalendar, start: datetime.date, n: int
) -> None:
    result = calendar.add_working_days(start, n)
    assert calendar.is_working_day(result)
    if n >= 1:
        assert result > start
    elif n <= -1:
        assert result < start
    else:
        assert result >= start
        assert working_days(calendar, _days(start, result - ONE_DAY)) == []


@checked
@given(calendars(), dates, st.integers(min_value=1, max_value=400))
def test_weekends_and_days_off_are_never_counted(
    calendar: WorkingCalendar, start: datetime.date, n: int
) -> None:
    result = calendar.add_working_days(start, n)
    counted = working_days(calendar, _days(start + ONE_DAY, result))
    assert len(counted) == n
    assert all(day.weekday() not in calendar.weekend for day in counted)
    assert not set(counted) & calendar.non_working_days


@checked
@given(calendars(), dates, dates)
def test_counting_is_antisymmetric(
    calendar: WorkingCalendar, start: datetime.date, end: datetime.date
) -> None:
    assert calendar.working_days_between(start, end) == -calendar.working_days_between(end, start)
    assert calendar.working_days_between(start, start) == 0


@checked
@given(calendars(), dates, dates, dates)
def test_counts_add_up_across_a_middle_day(
    calendar: WorkingCalendar, a: datetime.date, b: datetime.date, c: datetime.date
) -> None:
    assert calendar.working_days_between(a, b) + calendar.working_days_between(
        b, c
    ) == calendar.working_days_between(a, c)


@checked
@given(calendars(), dates, st.integers(min_value=1, max_value=200), st.data())
def test_a_closure_day_inside_a_deadline_pushes_it_one_working_day(
    calendar: WorkingCalendar, start: datetime.date, n: int, data: st.DataObject
) -> None:
    deadline = calendar.add_working_days(start, n)
    spanned = working_days(calendar, _days(start + ONE_DAY, deadline))
    closure = data.draw(st.sampled_from(spanned))
    closed = WorkingCalendar(calendar.non_working_days | {closure}, calendar.weekend)
    assert closed.add_working_days(start, n) == calendar.add_working_days(start, n + 1)
    assert closed.working_days_between(start, deadline) == n - 1


@checked
@given(calendars(), dates, st.integers(min_value=1, max_value=200), dates)
def test_a_closure_day_outside_a_deadline_changes_nothing(
    calendar: WorkingCalendar, start: datetime.date, n: int, closure: datetime.date
) -> None:
    deadline = calendar.add_working_days(start, n)
    assume(not start < closure <= deadline or not calendar.is_working_day(closure))
    closed = WorkingCalendar(calendar.non_working_days | {closure}, calendar.weekend)
    assert closed.add_working_days(start, n) == deadline


@checked
@given(calendars(), dates)
def test_next_working_day_is_the_first_working_day_after(
    calendar: WorkingCalendar, day: datetime.date
) -> None:
    following = calendar.next_working_day(day)
    assert following > day
    assert calendar.is_working_day(following)
    assert working_days(calendar, _days(day + ONE_DAY, following - ONE_DAY)) == []


# The same properties on the real England and Wales bank holidays.


@checked
@given(real_dates, steps)
def test_real_calendar_matches_the_day_by_day_reference(start: datetime.date, n: int) -> None:
    result = REAL.add_working_days(start, n)
    assert result == naive_add(REAL, start, n)
    assert REAL.is_working_day(result)
    if REAL.is_working_day(start) or n >= 1:
        assert REAL.working_days_between(start, result) == n


@checked
@given(real_dates, st.integers(min_value=1, max_value=400))
def test_real_bank_holidays_are_never_counted(start: datetime.date, n: int) -> None:
    result = REAL.add_working_days(start, n)
    holidays = {holiday.date for holiday in bank_holidays()}
    counted = working_days(REAL, _days(start + ONE_DAY, result))
    assert len(counted) == n
    assert not set(counted) & holidays
    assert all(day.weekday() < 5 for day in counted)


def test_spans_of_many_years_are_counted_exactly() -> None:
    start, end = SPAN.first, SPAN.last
    assert REAL.working_days_between(start, end) == naive_between(REAL, start, end)
    total = REAL.working_days_between(start, end)
    assert REAL.add_working_days(start, total) == naive_add(REAL, start, total)


# Construction and the covered range.


def test_a_weekend_of_every_day_is_refused() -> None:
    with pytest.raises(ValueError, match="no working days"):
        WorkingCalendar(frozenset(), weekend=range(7))


def test_weekday_numbers_must_be_0_to_6() -> None:
    with pytest.raises(ValueError, match="0 \\(Monday\\) to 6"):
        WorkingCalendar(frozenset(), weekend=(6, 7))


def test_a_covered_calendar_refuses_dates_and_answers_outside_its_span() -> None:
    span = DateSpan(datetime.date(2024, 1, 1), datetime.date(2024, 1, 31))
    calendar = WorkingCalendar(frozenset(), covered=span)
    # Wednesday 31 January 2024 is the last day; the next working day is outside.
    with pytest.raises(CalendarRangeError, match="falls after 31 January 2024"):
        calendar.add_working_days(datetime.date(2024, 1, 31), 1)
    # Monday 1 January 2024: the working day before it is outside.
    with pytest.raises(CalendarRangeError, match="falls before 1 January 2024"):
        calendar.add_working_days(datetime.date(2024, 1, 2), -2)
    with pytest.raises(CalendarRangeError, match="1 February 2024 is outside"):
        calendar.is_working_day(datetime.date(2024, 2, 1))
    with pytest.raises(CalendarRangeError, match="31 December 2023 is outside"):
        calendar.working_days_between(datetime.date(2023, 12, 31), datetime.date(2024, 1, 5))
    assert calendar.add_working_days(datetime.date(2024, 1, 30), 1) == datetime.date(2024, 1, 31)
    assert calendar.add_working_days(datetime.date(2024, 1, 2), -1) == datetime.date(2024, 1, 1)


def _days(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    return [first + ONE_DAY * offset for offset in range((last - first).days + 1)]
