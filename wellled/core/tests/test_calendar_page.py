"""The working-days page: seeing the calendar, checking a deadline, managing closures.

Personas: a trust administrator manages closure days; a staff member and a
governance lead see the calendar and use the calculator but cannot change it;
someone with no role sees nothing.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY

from wellled.accounts.tests.support import enrol
from wellled.core import actions
from wellled.core.models import AuditEvent, ClosureDay
from wellled.core.testing import Trust

D = datetime.date
PAGE = "/calendar/"
ADD = "/calendar/closure-days/"


@pytest.fixture
def signed_in(client: Client, trust: Trust) -> Any:
    """signed_in("trust_admin"): logged in, past two-factor login where the role needs it."""

    def login(name: str) -> Client:
        user = trust.people[name]
        client.force_login(user)
        device, _codes = enrol(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        return client

    return login


def closure_post(
    day: str = "", month: str = "", year: str = "", reason: str = ""
) -> dict[str, str]:
    return {
        "closure-date_day": day,
        "closure-date_month": month,
        "closure-date_year": year,
        "closure-reason": reason,
    }


def calc_query(day: str, month: str, year: str, days: str) -> dict[str, str]:
    return {
        "calc-start_day": day,
        "calc-start_month": month,
        "calc-start_year": year,
        "calc-days": days,
    }


def text(response: Any) -> str:
    """The page's text without tags and with whitespace collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def remove_url(day: ClosureDay) -> str:
    return reverse("core:calendar_remove_closure_day", args=[day.pk])


class TestViewingTheCalendar:
    def test_urls_are_where_the_page_links(self) -> None:
        assert reverse("core:calendar") == PAGE
        assert reverse("core:calendar_add_closure_day") == ADD

    def test_a_staff_member_sees_bank_holidays_and_closure_days(
        self, signed_in: Any, trust_admin: Any
    ) -> None:
        year = timezone.localdate().year
        actions.add_closure_day(
            acting_user=trust_admin, date=D(year + 1, 12, 24), reason="Christmas Eve closure"
        )
        response = signed_in("staff_member").get(PAGE)
        assert response.status_code == 200
        page = text(response)
        assert "<h1>Working days</h1>" in response.content.decode()
        assert "Christmas Eve closure" in page
        assert f"Trust closure days in {year} and {year + 1}" in page
        assert "Bank holidays in England and Wales" in page
        assert "Christmas Day" in page
        assert "1 January 2012 to 31 December 2028" in page

    def test_a_staff_member_cannot_see_the_controls_to_change_it(
        self, signed_in: Any, trust_admin: Any
    ) -> None:
        actions.add_closure_day(
            acting_user=trust_admin, date=timezone.localdate(), reason="Training day"
        )
        html = signed_in("staff_member").get(PAGE).content.decode()
        assert "Add a closure day" not in html
        assert ADD not in html
        assert "/remove/" not in html

    def test_a_trust_admin_sees_the_controls(self, signed_in: Any, trust_admin: Any) -> None:
        day = actions.add_closure_day(
            acting_user=trust_admin, date=timezone.localdate(), reason="Training day"
        )
        html = signed_in("trust_admin").get(PAGE).content.decode()
        assert "Add a closure day" in html
        assert remove_url(day) in html

    def test_upcoming_bank_holidays_only_run_to_the_end_of_next_year(self, signed_in: Any) -> None:
        response = signed_in("staff_member").get(PAGE)
        holidays = response.context["bank_holidays"]
        today = timezone.localdate()
        assert holidays
        assert all(today <= h.date <= D(today.year + 1, 12, 31) for h in holidays)

    def test_closure_days_in_other_years_are_listed_apart(
        self, signed_in: Any, trust_admin: Any
    ) -> None:
        actions.add_closure_day(acting_user=trust_admin, date=D(2019, 5, 7), reason="Old closure")
        response = signed_in("staff_member").get(PAGE)
        assert [day.reason for day in response.context["other_closures"]] == ["Old closure"]
        assert response.context["closures"] == []
        assert "Closure days in other years (1)" in text(response)

    def test_someone_with_no_role_is_refused(self, signed_in: Any) -> None:
        assert signed_in("outsider").get(PAGE).status_code == 403

    def test_someone_not_logged_in_is_sent_to_log_in(self, client: Client) -> None:
        response = client.get(PAGE)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))

    def test_the_menu_links_to_it_for_people_with_a_role_only(self, signed_in: Any) -> None:
        assert (
            f'href="{PAGE}"' in signed_in("staff_member").get(reverse("core:home")).content.decode()
        )
        client = signed_in("outsider")
        assert f'href="{PAGE}"' not in client.get(reverse("core:home")).content.decode()


class TestWorkingOutADeadline:
    def test_three_working_days_over_christmas_2025(self, signed_in: Any) -> None:
        response = signed_in("staff_member").get(PAGE, calc_query("24", "12", "2025", "3"))
        assert response.status_code == 200
        page = text(response)
        assert (
            "3 working days after Wednesday 24 December 2025 is Wednesday 31 December 2025." in page
        )
        assert "Thursday 25 December 2025: Christmas Day" in page
        assert "Friday 26 December 2025: Boxing Day" in page
        # What was typed is still in the boxes.
        assert 'name="calc-start_day" type="text" inputmode="numeric" value="24"' in (
            response.content.decode()
        )

    def test_a_closure_day_is_named_among_the_days_not_counted(
        self, signed_in: Any, trust_admin: Any
    ) -> None:
        actions.add_closure_day(acting_user=trust_admin, date=D(2026, 12, 24), reason="Closed")
        page = text(signed_in("staff_member").get(PAGE, calc_query("23", "12", "2026", "1")))
        assert "1 working day after Wednesday 23 December 2026 is Tuesday 29 December 2026." in page
        assert "Thursday 24 December 2026: Closed (trust closure day)" in page
        assert "Monday 28 December 2026: Boxing Day (substitute day)" in page

    def test_months_can_be_typed_as_words(self, signed_in: Any) -> None:
        page = text(signed_in("staff_member").get(PAGE, calc_query("2", "April", "2026", "1")))
        assert "is Tuesday 7 April 2026." in page

    def test_a_deadline_past_the_known_bank_holidays_is_refused_clearly(
        self, signed_in: Any
    ) -> None:
        response = signed_in("staff_member").get(PAGE, calc_query("20", "12", "2028", "10"))
        page = text(response)
        assert "There is a problem" in page
        assert "The answer falls after 31 December 2028" in page
        assert response.context["calculation"] is None

    @pytest.mark.parametrize(
        ("query", "message"),
        [
            (calc_query("", "", "", "3"), "Enter the start date"),
            (calc_query("30", "2", "2026", "3"), "Start date must be a real date"),
            (calc_query("3", "", "2026", "3"), "Start date must include a month"),
            (calc_query("3", "4", "2026", ""), "Enter the number of working days"),
            (calc_query("3", "4", "2026", "2.5"), "Number of working days must be a whole number"),
            (calc_query("3", "4", "2026", "0"), "Number of working days must be 1 or more"),
            (calc_query("3", "4", "2026", "501"), "Number of working days must be 500 or fewer"),
        ],
    )
    def test_bad_input_gets_a_specific_error(
        self, signed_in: Any, query: dict[str, str], message: str
    ) -> None:
        response = signed_in("staff_member").get(PAGE, query)
        assert response.status_code == 200
        assert message in text(response)
        assert "(error)" in text(response)  # the page title says so too
        assert response.context["calculation"] is None

    def test_someone_with_no_role_cannot_use_it(self, signed_in: Any) -> None:
        response = signed_in("outsider").get(PAGE, calc_query("24", "12", "2025", "3"))
        assert response.status_code == 403


class TestAddingAClosureDay:
    def test_a_trust_admin_adds_one(self, signed_in: Any, trust_admin: Any) -> None:
        client = signed_in("trust_admin")
        response = client.post(ADD, closure_post("24", "12", "2026", "Christmas Eve closure"))
        assert response.status_code == 302
        assert response["Location"] == PAGE
        day = ClosureDay.objects.get()
        assert (day.date, day.reason) == (D(2026, 12, 24), "Christmas Eve closure")
        event = AuditEvent.objects.get(action="closure_day.added")
        assert event.actor_id == trust_admin.pk
        assert "Closure day added: 24 December 2026, Christmas Eve closure." in text(
            client.get(PAGE)
        )

    def test_a_past_date_can_be_recorded(self, signed_in: Any) -> None:
        response = signed_in("trust_admin").post(ADD, closure_post("2", "1", "2024", "Flood"))
        assert response.status_code == 302
        assert ClosureDay.objects.filter(date=D(2024, 1, 2)).exists()

    def test_a_bank_holiday_is_accepted_with_a_note_that_nothing_changes(
        self, signed_in: Any
    ) -> None:
        client = signed_in("trust_admin")
        client.post(ADD, closure_post("25", "12", "2026", "Closed"))
        assert "It is also a bank holiday, so no deadline changes." in text(client.get(PAGE))

    def test_the_operator_can_add_one(self, signed_in: Any) -> None:
        response = signed_in("operator").post(ADD, closure_post("24", "12", "2026", "Closed"))
        assert response.status_code == 302
        assert ClosureDay.objects.exists()

    @pytest.mark.parametrize(
        "persona", ["staff_member", "governance_lead", "complaints_manager", "auditor", "outsider"]
    )
    def test_only_calendar_managers_can_add_one(self, signed_in: Any, persona: str) -> None:
        response = signed_in(persona).post(ADD, closure_post("24", "12", "2026", "Closed"))
        assert response.status_code == 403
        assert not ClosureDay.objects.exists()
        assert not AuditEvent.objects.filter(action="closure_day.added").exists()

    def test_adding_needs_a_post(self, signed_in: Any) -> None:
        assert signed_in("trust_admin").get(ADD).status_code == 405

    @pytest.mark.parametrize(
        ("post", "message", "boxes_in_error"),
        [
            (closure_post(reason="Closed"), "Enter the date the trust is closed", "day month year"),
            (closure_post("31", "2", "2026", "Closed"), "Date must be a real date", "day"),
            (closure_post("3", "13", "2026", "Closed"), "Date must be a real date", "month"),
            (closure_post("x", "3", "2026", "Closed"), "Date must be a real date", "day"),
            (closure_post("29", "2", "2027", "Closed"), "Date must be a real date", "day"),
            (closure_post("3", "", "2026", "Closed"), "Date must include a month", "month"),
            (
                closure_post("", "", "2026", "Closed"),
                "Date must include a day and month",
                "day month",
            ),
            (closure_post("3", "4", "26", "Closed"), "Year must include 4 numbers", "year"),
        ],
    )
    def test_a_bad_date_gets_a_specific_error_and_loses_nothing(
        self, signed_in: Any, post: dict[str, str], message: str, boxes_in_error: str
    ) -> None:
        response = signed_in("trust_admin").post(ADD, post)
        assert response.status_code == 200
        html = response.content.decode()
        assert message in text(response)
        assert not ClosureDay.objects.exists()
        # The reason typed is kept, and the summary links to the first box in error.
        assert 'value="Closed"' in html
        parts = boxes_in_error.split()
        assert f'href="#id_closure-date_{parts[0]}"' in html
        for part in ("day", "month", "year"):
            box = re.search(rf'<input [^>]*id="id_closure-date_{part}"[^>]*>', html)
            assert box is not None
            assert ("nhsuk-input--error" in box.group(0)) == (part in parts)

    def test_a_missing_reason_gets_a_specific_error(self, signed_in: Any) -> None:
        response = signed_in("trust_admin").post(ADD, closure_post("24", "12", "2026", "  "))
        assert "Enter why the trust is closed on this day" in text(response)
        html = response.content.decode()
        assert 'value="24"' in html
        reason = re.search(r'<input [^>]*id="id_closure-reason"[^>]*>', html)
        assert reason is not None
        assert "nhsuk-input--error" in reason.group(0)
        described = 'aria-describedby="id_closure-reason_helptext id_closure-reason_error"'
        assert described in reason.group(0)
        assert not ClosureDay.objects.exists()

    def test_the_same_day_twice_is_refused(self, signed_in: Any, trust_admin: Any) -> None:
        actions.add_closure_day(acting_user=trust_admin, date=D(2026, 12, 24), reason="Closed")
        response = signed_in("trust_admin").post(ADD, closure_post("24", "12", "2026", "Again"))
        assert response.status_code == 200
        assert "24 December 2026 is already a closure day" in text(response)
        assert ClosureDay.objects.count() == 1


class TestRemovingAClosureDay:
    def test_a_trust_admin_removes_one(self, signed_in: Any, trust_admin: Any) -> None:
        day = actions.add_closure_day(acting_user=trust_admin, date=D(2026, 12, 24), reason="Eve")
        client = signed_in("trust_admin")
        response = client.post(remove_url(day))
        assert response.status_code == 302
        assert not ClosureDay.objects.exists()
        event = AuditEvent.objects.get(action="closure_day.removed")
        assert event.before == {"date": "2026-12-24", "reason": "Eve"}
        assert "Closure day removed: 24 December 2026, Eve." in text(client.get(PAGE))

    @pytest.mark.parametrize("persona", ["staff_member", "governance_lead", "outsider"])
    def test_only_calendar_managers_can_remove_one(
        self, signed_in: Any, trust_admin: Any, persona: str
    ) -> None:
        day = actions.add_closure_day(acting_user=trust_admin, date=D(2026, 12, 24), reason="Eve")
        assert signed_in(persona).post(remove_url(day)).status_code == 403
        assert ClosureDay.objects.filter(pk=day.pk).exists()
        assert not AuditEvent.objects.filter(action="closure_day.removed").exists()

    def test_a_day_that_does_not_exist_is_not_found(self, signed_in: Any) -> None:
        url = reverse("core:calendar_remove_closure_day", args=[999_999])
        assert signed_in("trust_admin").post(url).status_code == 404

    def test_removing_needs_a_post(self, signed_in: Any, trust_admin: Any) -> None:
        day = actions.add_closure_day(acting_user=trust_admin, date=D(2026, 12, 24), reason="Eve")
        assert signed_in("trust_admin").get(remove_url(day)).status_code == 405
        assert ClosureDay.objects.exists()
