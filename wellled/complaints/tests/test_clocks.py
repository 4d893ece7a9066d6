"""The statutory clocks, checked on the real England and Wales calendar.

Property tests run across every bank holiday, Christmas and Easter the bundled
calendar knows; worked examples pin the awkward days.
"""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wellled.complaints import clocks
from wellled.core.workdays import WorkingCalendar, bank_holiday_span, bank_holidays

D = datetime.date
checked = settings(max_examples=300, deadline=None, database=None)

CALENDAR = WorkingCalendar(
    frozenset(holiday.date for holiday in bank_holidays()), covered=bank_holiday_span()
)
SPAN = bank_holiday_span()
# Leave a year's room at the end so that 6- and 12-month dates stay in the span.
received = st.dates(min_value=SPAN.first, max_value=SPAN.last - datetime.timedelta(days=400))
# Christmas to New Year and Easter week of every year, where the awkward cases live.
holiday_seasons = st.builds(
    lambda year, offset: D(year, 12, 20) + datetime.timedelta(days=offset),
    st.integers(SPAN.first.year, SPAN.last.year - 1),
    st.integers(0, 14),
) | st.sampled_from(
    [
        holiday.date + datetime.timedelta(days=shift)
        for holiday in bank_holidays()
        if holiday.date.year > SPAN.first.year and holiday.date.year < SPAN.last.year
        for shift in range(-4, 2)
    ]
)
any_received = received | holiday_seasons


@checked
@given(any_received)
def test_acknowledgement_is_due_on_a_working_day_exactly_three_working_days_later(day) -> None:
    due = clocks.acknowledgement_due(day, CALENDAR)
    assert CALENDAR.is_working_day(due)
    assert CALENDAR.working_days_between(day, due) == 3
    # No earlier day is three working days on: the due date is the third, not a later one.
    assert CALENDAR.working_days_between(day, due - datetime.timedelta(days=1)) == 2


@pytest.mark.parametrize(
    ("received_on", "due"),
    [
        # Friday before Christmas: Mon 22, Tue 23, Wed 24.
        (D(2025, 12, 19), D(2025, 12, 24)),
        # Over Christmas Day, Boxing Day and the weekend.
        (D(2025, 12, 23), D(2025, 12, 30)),
        # Received on Christmas Day itself.
        (D(2025, 12, 25), D(2025, 12, 31)),
        # Maundy Thursday 2026: Good Friday and Easter Monday are not counted.
        (D(2026, 4, 2), D(2026, 4, 9)),
        # A Saturday counts from the Monday.
        (D(2026, 3, 7), D(2026, 3, 11)),
    ],
)
def test_acknowledgement_worked_examples(received_on, due) -> None:
    assert clocks.acknowledgement_due(received_on, CALENDAR) == due


@checked
@given(any_received)
def test_the_six_months_beginning_on_the_day_of_receipt_end_the_day_before_the_corresponding_date(
    day,
) -> None:
    """Reg 14(2) of the Local Authority Social Services and National Health Service
    Complaints (England) Regulations 2009 (SI 2009/309): a response is late if not
    sent "within the period of six months beginning on the day on which the complaint
    was received". The period counts the day of receipt, so its last day is the day
    before the corresponding date six months on; with no corresponding date (31
    August: no 31 February) it is the last day of that month."""
    last = clocks.six_months_after(day)
    year, month = divmod(day.year * 12 + day.month - 1 + 6, 12)
    following = last + datetime.timedelta(days=1)
    if following.day == day.day:
        # The day after the period is the corresponding date.
        assert (following.year, following.month) == (year, month + 1)
    else:
        # No such date in that month: the period fills it to its last day.
        assert (last.year, last.month) == (year, month + 1) and following.day == 1
        assert last.day < day.day
    assert day + datetime.timedelta(days=180) <= last <= clocks.add_months(day, 6)


@pytest.mark.parametrize(
    ("received_on", "backstop"),
    [
        # The worked examples: 15 January to 14 July; 29 February 2024 to 28 August.
        (D(2026, 1, 15), D(2026, 7, 14)),
        (D(2024, 2, 29), D(2024, 8, 28)),
        (D(2026, 3, 1), D(2026, 8, 31)),
        # No 31 February or 31 June: the last day of that month.
        (D(2025, 8, 31), D(2026, 2, 28)),
        (D(2027, 8, 31), D(2028, 2, 29)),
        (D(2026, 12, 31), D(2027, 6, 30)),
        (D(2026, 8, 30), D(2027, 2, 28)),
        # A Christmas Day last day stays on Christmas Day: it is a calendar date.
        (D(2025, 6, 26), D(2025, 12, 25)),
    ],
)
def test_the_six_months_worked_examples(received_on, backstop) -> None:
    """Reg 14(2), SI 2009/309: "six months beginning on the day on which the complaint
    was received"; not moved off a weekend or holiday (it is not a working-day count)."""
    assert clocks.statutory_backstop(received_on) == backstop


agreements = st.lists(
    st.builds(
        clocks.Agreement,
        agreed_on=st.dates(min_value=D(2020, 1, 1), max_value=D(2022, 12, 31)),
        new_date=st.dates(min_value=D(2020, 1, 1), max_value=D(2023, 12, 31)),
    ),
    max_size=5,
)


@checked
@given(st.dates(min_value=D(2020, 1, 1), max_value=D(2021, 12, 31)), agreements, agreements)
def test_agreements_only_ever_move_the_backstop_later(day, first, more) -> None:
    base = clocks.statutory_backstop(day)
    before = clocks.statutory_backstop(day, first)
    after = clocks.statutory_backstop(day, first + more)
    assert base == clocks.six_months_after(day)
    assert base <= before <= after


@checked
@given(st.dates(min_value=D(2020, 1, 1), max_value=D(2021, 12, 31)), agreements)
def test_only_dates_agreed_before_the_six_months_ran_out_count(day, found) -> None:
    limit = clocks.six_months_after(day)
    late = [clocks.Agreement(a.agreed_on, a.new_date) for a in found if a.agreed_on > limit]
    assert clocks.statutory_backstop(day, late) == limit


def test_a_later_date_agreed_on_the_last_day_counts_and_a_day_late_does_not() -> None:
    """Reg 14(2), SI 2009/309: "or such longer period as may be agreed before the
    expiry of that period". Received 15 January 2026, the six months expire at the end
    of 14 July: an agreement made that day counts, one made on 15 July does not."""
    received_on = D(2026, 1, 15)
    later = D(2026, 9, 1)
    assert clocks.statutory_backstop(received_on, [clocks.Agreement(D(2026, 7, 14), later)]) == (
        later
    )
    assert clocks.statutory_backstop(received_on, [clocks.Agreement(D(2026, 7, 15), later)]) == D(
        2026, 7, 14
    )


def test_an_extension_agreed_after_the_six_months_does_not_carry_the_first_agreement() -> None:
    """Reg 14(2), SI 2009/309: only a period "agreed before the expiry" of the six
    months replaces them. A first date agreed in time, then moved by an extension
    agreed after the six months ran out: the longer period agreed in time is the
    first date, not the extension's."""
    received_on = D(2026, 1, 15)
    found = clocks.agreements(
        basis_agreed=True,
        agreed_on=D(2026, 2, 1),
        response_due=D(2026, 9, 30),  # the date now, after the extension
        extensions=[(D(2026, 7, 20), D(2026, 8, 1), D(2026, 9, 30))],
    )
    assert clocks.statutory_backstop(received_on, found) == D(2026, 8, 1)


dates = st.dates(min_value=D(2024, 1, 1), max_value=D(2026, 12, 31))


@checked
@given(current=dates, new=dates, agreed=dates, today=dates)
def test_an_allowed_extension_never_moves_the_due_date_earlier(current, new, agreed, today):
    problem = clocks.extension_allowed(
        current_due=current, new_date=new, agreed_on=agreed, today=today
    )
    if problem is None:
        assert new > current
        assert agreed <= current
        assert agreed <= today


def test_an_extension_agreed_in_time_may_be_recorded_after_the_due_date() -> None:
    assert (
        clocks.extension_allowed(
            current_due=D(2026, 5, 1),
            new_date=D(2026, 6, 1),
            agreed_on=D(2026, 4, 30),
            today=D(2026, 5, 10),
        )
        is None
    )
    assert "already passed" in (
        clocks.extension_allowed(
            current_due=D(2026, 5, 1),
            new_date=D(2026, 6, 1),
            agreed_on=D(2026, 5, 2),
            today=D(2026, 5, 10),
        )
        or ""
    )


@pytest.mark.parametrize(
    ("event", "aware", "limit"),
    [
        (D(2025, 3, 1), None, D(2026, 3, 1)),
        (None, D(2025, 3, 1), D(2026, 3, 1)),
        # The later of the two dates.
        (D(2024, 1, 10), D(2025, 2, 28), D(2026, 2, 28)),
        (D(2024, 2, 29), None, D(2025, 2, 28)),
        (None, None, None),
    ],
)
def test_time_limit_runs_twelve_months_from_the_later_date(event, aware, limit) -> None:
    assert clocks.time_limit(event, aware) == limit


def test_a_complaint_received_on_the_limit_day_is_in_time() -> None:
    assert not clocks.is_out_of_time(D(2026, 3, 1), D(2025, 3, 1), None)
    assert clocks.is_out_of_time(D(2026, 3, 2), D(2025, 3, 1), None)
    assert not clocks.is_out_of_time(D(2030, 1, 1), None, None)


@checked
@given(any_received)
def test_oral_resolution_deadline_is_the_next_working_day(day) -> None:
    deadline = clocks.oral_resolution_deadline(day, CALENDAR)
    assert deadline > day
    assert CALENDAR.working_days_between(day, deadline) == 1
    assert CALENDAR.is_working_day(deadline)


def test_overdue_starts_the_day_after_the_deadline() -> None:
    due = D(2026, 5, 1)
    assert not clocks.is_overdue(due, None, due)
    assert clocks.is_overdue(due, None, D(2026, 5, 2))
    assert not clocks.is_overdue(due, D(2026, 5, 1), D(2026, 6, 1))
    assert not clocks.is_overdue(None, None, D(2026, 6, 1))


def test_next_deadline_is_acknowledgement_then_response_then_backstop() -> None:
    ack, response, backstop = D(2026, 3, 5), D(2026, 4, 10), D(2026, 9, 2)
    first = clocks.next_deadline(
        acknowledgement_due=ack,
        acknowledged_on=None,
        response_due=None,
        backstop_due=backstop,
        responded_on=None,
    )
    assert first == clocks.NextDeadline("Acknowledge", ack)
    second = clocks.next_deadline(
        acknowledgement_due=ack,
        acknowledged_on=ack,
        response_due=response,
        backstop_due=backstop,
        responded_on=None,
    )
    assert second == clocks.NextDeadline("Respond", response)
    third = clocks.next_deadline(
        acknowledgement_due=ack,
        acknowledged_on=ack,
        response_due=None,
        backstop_due=backstop,
        responded_on=None,
    )
    assert third is not None and third.due == backstop
    assert (
        clocks.next_deadline(
            acknowledgement_due=ack,
            acknowledged_on=ack,
            response_due=response,
            backstop_due=backstop,
            responded_on=response,
        )
        is None
    )
