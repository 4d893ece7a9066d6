"""Use case: the handler is warned before a deadline, the service lead is told after it.

Each reminder goes once; the emails name the case by reference only.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core import mail

from wellled.complaints import actions, reminders, tasks
from wellled.complaints.models import Complaint
from wellled.complaints.tests.support import record
from wellled.core.models import SentReminder
from wellled.core.testing import Trust

D = datetime.date
RECEIVED = D(2026, 3, 2)  # Monday: acknowledgement due Thursday 5 March


@pytest.fixture
def case(trust: Trust) -> Complaint:
    return record(trust, received_on=RECEIVED, handler=trust.people["complaints_handler"])


def _to(user: Any) -> list[Any]:
    return [m for m in mail.outbox if m.to == [user.email]]


@pytest.mark.django_db
def test_the_handler_is_reminded_once_of_an_acknowledgement_due_soon(
    trust: Trust, case: Complaint
) -> None:
    handler = trust.people["complaints_handler"]
    assert reminders.send_reminders(today=D(2026, 3, 3)) == 1
    [email] = mail.outbox
    assert email.to == [handler.email]
    assert case.reference in email.body
    assert f"{case.reference}: Acknowledge is due 5 March 2026." in email.body
    assert f"/complaints/{case.pk}/" in email.body
    # Nothing of the complaint or the people in it.
    assert "Alex Rivera" not in f"{email.body} {email.subject}"
    assert "call back" not in email.body
    # The next day's run (still within the window) sends nothing new.
    assert reminders.send_reminders(today=D(2026, 3, 4)) == 0
    assert len(mail.outbox) == 1
    assert SentReminder.objects.filter(recipient=handler).count() == 1


@pytest.mark.django_db
def test_nothing_is_sent_outside_the_window(trust: Trust, case: Complaint, settings: Any) -> None:
    settings.WELLLED_COMPLAINTS_REMINDER_DAYS = 0
    assert reminders.send_reminders(today=D(2026, 3, 3)) == 0
    settings.WELLLED_COMPLAINTS_REMINDER_DAYS = 2
    assert reminders.send_reminders(today=D(2026, 3, 2)) == 0  # due in 3 working days
    assert reminders.send_reminders(today=D(2026, 3, 3)) == 1


@pytest.mark.django_db
def test_an_overdue_acknowledgement_is_escalated_to_the_service_lead_once(
    trust: Trust, case: Complaint
) -> None:
    lead = trust.people["service_lead"]
    handler = trust.people["complaints_handler"]
    assert reminders.send_reminders(today=D(2026, 3, 6)) == 2
    [escalation] = _to(lead)
    assert "about services you lead" in escalation.body
    assert case.reference in escalation.body and "was due" in escalation.body
    [overdue] = _to(handler)
    assert "Overdue on complaints you handle" in overdue.body
    assert reminders.send_reminders(today=D(2026, 3, 9)) == 0
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_a_service_lead_elsewhere_is_not_told(trust: Trust) -> None:
    record(
        trust,
        received_on=RECEIVED,
        service=trust.other_service,
        handler=trust.people["complaints_handler"],
    )
    reminders.send_reminders(today=D(2026, 3, 6))
    assert _to(trust.people["service_lead"]) == []


@pytest.mark.django_db
def test_an_agreed_extension_is_reminded_afresh(trust: Trust, case: Complaint) -> None:
    manager = trust.people["complaints_manager"]
    case = actions.acknowledge(
        acting_user=manager,
        complaint=case,
        acknowledged_on=D(2026, 3, 3),
        discussion_offered_on=D(2026, 3, 3),
    )
    case = actions.agree_response_date(
        acting_user=manager,
        complaint=case,
        response_due=D(2026, 4, 14),
        agreed_on=D(2026, 3, 3),
        how_agreed="phone",
    )
    assert reminders.send_reminders(today=D(2026, 4, 13)) == 1
    assert "Send the response" in mail.outbox[0].body
    actions.extend_response_date(
        acting_user=manager,
        complaint=case,
        new_date=D(2026, 4, 28),
        complainant_agreed=True,
        how_agreed="phone",
        agreed_on=D(2026, 4, 13),
        requested_by="trust",
        reason="Awaiting a statement",
    )
    assert reminders.send_reminders(today=D(2026, 4, 14)) == 0
    assert reminders.send_reminders(today=D(2026, 4, 27)) == 1
    assert "28 April 2026" in mail.outbox[1].body


@pytest.mark.django_db
def test_closed_cases_and_pals_concerns_are_not_reminded(trust: Trust) -> None:
    record(trust, received_on=RECEIVED, kind="pals", handler=trust.people["complaints_handler"])
    assert reminders.send_reminders(today=D(2026, 3, 6)) == 0


@pytest.mark.django_db
def test_a_recipient_without_an_email_address_is_skipped(trust: Trust, case: Complaint) -> None:
    handler = trust.people["complaints_handler"]
    handler.email = ""
    handler.save()
    assert reminders.send_reminders(today=D(2026, 3, 3)) == 0
    assert not SentReminder.objects.exists()


@pytest.mark.django_db
def test_the_daily_task_sends_the_reminders(trust: Trust, case: Complaint) -> None:
    # The task runs for today: long after the case's acknowledgement was due.
    assert tasks.send_deadline_reminders.delay().get() == 2
    assert tasks.send_deadline_reminders.delay().get() == 0
