"""The trust's calendar: real England and Wales bank holidays plus closure days.

Every date below was checked against the list bundled with govuk-bank-holidays
(the test of the holiday names holds the data to it).
"""

from __future__ import annotations

import datetime
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db.models import Max

from wellled.core import actions, workdays
from wellled.core.models import AuditEvent, ClosureDay
from wellled.core.workdays import CalendarRangeError, add_working_days, working_days_between

D = datetime.date


@pytest.fixture
def network_attempts(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Any]]:
    """Blocks sockets and records every attempt to use one.

    The package falls back to its bundled file when a download fails, so
    blocking alone would hide a download attempt: the attempts are recorded.
    """
    attempts: list[Any] = []

    def refuse(*args: Any, **kwargs: Any) -> Any:
        attempts.append(args)
        raise RuntimeError("network access in a test that must work offline")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    workdays.bank_holidays.cache_clear()
    workdays.bank_holiday_span.cache_clear()
    yield attempts
    workdays.bank_holidays.cache_clear()
    workdays.bank_holiday_span.cache_clear()


def test_bank_holidays_load_from_the_bundled_list_without_the_network(
    network_attempts: list[Any],
) -> None:
    holidays = workdays.bank_holidays()
    span = workdays.bank_holiday_span()
    assert network_attempts == []
    assert D(2025, 12, 25) in {holiday.date for holiday in holidays}
    assert span.first == D(2012, 1, 1)


def test_without_the_cached_flag_the_package_would_download() -> None:
    # Why the flag matters, and proof the guard above would notice a download.
    with pytest.MonkeyPatch.context() as patch:
        attempts: list[Any] = []

        def refuse(*args: Any, **kwargs: Any) -> Any:
            attempts.append(args)
            raise RuntimeError("blocked")

        patch.setattr(socket, "getaddrinfo", refuse)
        from govuk_bank_holidays.bank_holidays import BankHolidays

        with pytest.raises(RuntimeError):
            BankHolidays(use_cached_holidays=False, download_timeout=1)
    assert attempts


def test_the_bundled_list_covers_2012_to_2028() -> None:
    # If this fails the package was updated: check the new years, then update here
    # and in docs. Outside the span every calculation raises CalendarRangeError.
    span = workdays.bank_holiday_span()
    assert (span.first, span.last) == (D(2012, 1, 1), D(2028, 12, 31))


def test_the_holidays_used_in_these_tests_are_in_the_bundled_list() -> None:
    names = {holiday.date: holiday.name for holiday in workdays.bank_holidays()}
    assert names[D(2025, 12, 25)] == "Christmas Day"
    assert names[D(2025, 12, 26)] == "Boxing Day"
    assert names[D(2026, 1, 1)] == "New Year\u2019s Day"
    assert names[D(2026, 4, 3)] == "Good Friday"
    assert names[D(2026, 4, 6)] == "Easter Monday"
    assert names[D(2026, 5, 4)] == "Early May bank holiday"
    assert names[D(2026, 5, 25)] == "Spring bank holiday"
    assert names[D(2022, 6, 2)] == "Spring bank holiday"
    assert names[D(2022, 6, 3)] == "Platinum Jubilee bank holiday"
    assert names[D(2022, 9, 19)] == "Bank Holiday for the State Funeral of Queen Elizabeth II"
    assert names[D(2026, 12, 28)] == "Boxing Day (substitute day)"
    # Scotland's extra holidays are not England and Wales ones.
    assert D(2026, 1, 2) not in names
    assert D(2026, 11, 30) not in names


@pytest.mark.django_db
class TestRealDates:
    def test_christmas_2025(self) -> None:
        # Received Wednesday 24 December: 25 and 26 are bank holidays, 27 and 28 the
        # weekend, so the first working day after is Monday 29 December.
        assert add_working_days(D(2025, 12, 24), 1) == D(2025, 12, 29)
        # Acknowledge within 3 working days: 29, 30, 31 December.
        assert add_working_days(D(2025, 12, 24), 3) == D(2025, 12, 31)
        # New Year's Day 2026 is a Thursday: 2 January is the 4th, 5 January the 5th.
        assert add_working_days(D(2025, 12, 24), 4) == D(2026, 1, 2)
        assert add_working_days(D(2025, 12, 24), 5) == D(2026, 1, 5)
        assert working_days_between(D(2025, 12, 24), D(2025, 12, 28)) == 0
        assert working_days_between(D(2025, 12, 24), D(2026, 1, 5)) == 5
        for day in (D(2025, 12, 25), D(2025, 12, 26), D(2025, 12, 27), D(2025, 12, 28)):
            assert not workdays.is_working_day(day)
        # Received on Christmas Day itself: the clock starts from the holiday.
        assert add_working_days(D(2025, 12, 25), 1) == D(2025, 12, 29)
        assert add_working_days(D(2025, 12, 27), 0) == D(2025, 12, 29)

    def test_easter_2026(self) -> None:
        # Good Friday 3 April and Easter Monday 6 April.
        assert add_working_days(D(2026, 4, 2), 1) == D(2026, 4, 7)
        assert add_working_days(D(2026, 4, 1), 3) == D(2026, 4, 8)
        assert working_days_between(D(2026, 4, 2), D(2026, 4, 7)) == 1
        assert add_working_days(D(2026, 4, 7), -1) == D(2026, 4, 2)
        assert workdays.next_working_day(D(2026, 4, 2)) == D(2026, 4, 7)

    def test_may_bank_holidays_2026(self) -> None:
        # Early May bank holiday Monday 4 May; spring bank holiday Monday 25 May.
        assert add_working_days(D(2026, 5, 1), 1) == D(2026, 5, 5)
        assert add_working_days(D(2026, 5, 22), 1) == D(2026, 5, 26)
        # May has 21 weekdays less 2 bank holidays: 19 working days, the first of
        # them Friday 1 May, so 18 after it, and the 20th is Tuesday 2 June.
        assert add_working_days(D(2026, 5, 1), 18) == D(2026, 5, 29)
        assert add_working_days(D(2026, 5, 1), 20) == D(2026, 6, 2)
        assert working_days_between(D(2026, 4, 30), D(2026, 5, 31)) == 19

    def test_the_extra_bank_holidays_of_2022(self) -> None:
        # Spring bank holiday moved to Thursday 2 June, Platinum Jubilee Friday 3 June.
        assert add_working_days(D(2022, 6, 1), 1) == D(2022, 6, 6)
        # So the usual last Monday in May, 30 May 2022, was a working day.
        assert workdays.is_working_day(D(2022, 5, 30))
        # The Queen's funeral, Monday 19 September 2022.
        assert add_working_days(D(2022, 9, 16), 1) == D(2022, 9, 20)
        assert working_days_between(D(2022, 9, 16), D(2022, 9, 20)) == 1

    def test_christmas_2026_has_a_substitute_boxing_day(self) -> None:
        # Christmas Day is a Friday, so Boxing Day moves to Monday 28 December.
        assert add_working_days(D(2026, 12, 24), 1) == D(2026, 12, 29)

    def test_dates_beyond_the_bundled_list_are_refused(self) -> None:
        with pytest.raises(CalendarRangeError, match="31 December 2028"):
            add_working_days(D(2028, 12, 20), 10)
        with pytest.raises(CalendarRangeError, match="1 January 2029 is outside"):
            working_days_between(D(2028, 12, 1), D(2029, 1, 1))
        with pytest.raises(CalendarRangeError, match="1 January 2012 to 31 December 2028"):
            workdays.is_working_day(D(2011, 12, 30))


@pytest.mark.django_db
class TestClosureDays:
    def test_a_closure_day_inside_a_deadline_pushes_it_by_one_working_day(
        self, trust_admin: User
    ) -> None:
        # Received Monday 14 December 2026: 3 working days is Thursday 17 December.
        assert add_working_days(D(2026, 12, 14), 3) == D(2026, 12, 17)
        day = actions.add_closure_day(
            acting_user=trust_admin, date=D(2026, 12, 16), reason="Staff training day"
        )
        assert add_working_days(D(2026, 12, 14), 3) == D(2026, 12, 18)
        assert working_days_between(D(2026, 12, 14), D(2026, 12, 17)) == 2
        actions.remove_closure_day(acting_user=trust_admin, day=day)
        assert add_working_days(D(2026, 12, 14), 3) == D(2026, 12, 17)

    def test_a_closure_day_after_the_deadline_changes_nothing(self, trust_admin: User) -> None:
        actions.add_closure_day(acting_user=trust_admin, date=D(2026, 12, 18), reason="Closed")
        assert add_working_days(D(2026, 12, 14), 3) == D(2026, 12, 17)

    def test_a_closure_day_on_christmas_eve_2026(self, trust_admin: User) -> None:
        # Christmas Eve closure, with Christmas on Friday and Boxing Day on Monday 28.
        actions.add_closure_day(
            acting_user=trust_admin, date=D(2026, 12, 24), reason="Christmas Eve closure"
        )
        assert add_working_days(D(2026, 12, 23), 1) == D(2026, 12, 29)
        assert [
            day.name for day in workdays.days_off_between(D(2026, 12, 24), D(2026, 12, 28))
        ] == [
            "Christmas Eve closure",
            "Christmas Day",
            "Boxing Day (substitute day)",
        ]

    def test_a_closure_day_at_the_weekend_changes_nothing(self, trust_admin: User) -> None:
        actions.add_closure_day(acting_user=trust_admin, date=D(2026, 12, 12), reason="Saturday")
        assert add_working_days(D(2026, 12, 11), 1) == D(2026, 12, 14)

    def test_closure_days_are_audited(self, trust_admin: User) -> None:
        start = AuditEvent.objects.aggregate(last=Max("seq"))["last"] or 0
        day = actions.add_closure_day(
            acting_user=trust_admin, date=D(2026, 12, 16), reason="Staff training day"
        )
        actions.remove_closure_day(acting_user=trust_admin, day=day)
        events = list(AuditEvent.objects.filter(seq__gt=start).order_by("seq"))
        assert [event.action for event in events] == ["closure_day.added", "closure_day.removed"]
        assert events[0].after == {"date": "2026-12-16", "reason": "Staff training day"}
        assert events[1].before == {"date": "2026-12-16", "reason": "Staff training day"}
        assert {event.actor_id for event in events} == {trust_admin.pk}
        assert not ClosureDay.objects.exists()

    def test_the_calendar_is_one_query(self, django_assert_num_queries: Any) -> None:
        with django_assert_num_queries(1):
            calendar = workdays.trust_calendar()
        assert calendar.add_working_days(D(2025, 12, 24), 3) == D(2025, 12, 31)
