"""The case page built around the next step: its header and one primary action, the
timeline with investigation notes and the contact log, dates that start at today, a
single issue needing no chooser, and each issue's learning and actions on the case."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from wellled.complaints import actions
from wellled.complaints.models import CaseNote, Complaint, Status
from wellled.complaints.tests.support import issue, record, to_responded
from wellled.complaints.tests.test_pages import date_parts, detail, step
from wellled.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _primary(html: str) -> str:
    """The next-step card's form id: the one step the page leads with."""
    card = html.split('id="next-step"', 1)[1].split("</form>", 1)[0]
    found = re.search(r'<form id="step-([a-z_]+)"', card)
    assert found, "the page has no next step"
    return found.group(1)


def _investigating(trust) -> Complaint:
    manager = trust.people["complaints_manager"]
    case = record(trust, received_on=timezone.localdate() - datetime.timedelta(days=5))
    case = actions.acknowledge(
        acting_user=manager,
        complaint=case,
        acknowledged_on=case.received_on,
        discussion_offered_on=case.received_on,
    )
    case = actions.agree_response_date(
        acting_user=manager,
        complaint=case,
        response_due=case.received_on + datetime.timedelta(days=40),
        agreed_on=case.received_on,
        how_agreed="phone",
    )
    return actions.start_investigation(acting_user=manager, complaint=case)


def test_the_handler_sees_one_next_step_that_follows_the_case(trust, client_for) -> None:
    """Received leads with acknowledging; once investigating with no issue, adding
    one; with an undecided issue, its outcome; the rest wait in collapsed sections."""
    client = client_for("complaints_handler")
    case = record(trust, received_on=timezone.localdate() - datetime.timedelta(days=1))
    page = client.get(detail(case)).content.decode()
    assert _primary(page) == "acknowledge"
    assert "Next step: Acknowledge" in page
    # The other steps are there, folded away, not stacked open.
    folded = '<span class="nhsuk-details__summary-text">Transfer to another body'
    assert folded in page
    # A case with nobody handling it shows who could, unfolded (the triage queue's
    # "Assign to someone else" links here).
    unassigned = record(trust, handler=None)
    page = client.get(detail(unassigned)).content.decode()
    assert re.search(
        r'<details class="nhsuk-details" open>\s*<summary[^>]*><span[^>]*>Change the handler', page
    )

    case = _investigating(trust)
    assert _primary(client.get(detail(case)).content.decode()) == "add_issue"
    issue(trust, case)
    assert _primary(client.get(detail(case)).content.decode()) == "issue_outcome"


def test_a_reader_who_may_not_act_is_offered_no_next_step(trust, client_for) -> None:
    case = record(trust)
    page = client_for("service_lead").get(detail(case)).content.decode()
    assert 'id="next-step"' not in page
    assert "<form" not in page.split("<main", 1)[1]


def test_dates_of_things_done_start_at_today_and_dates_to_come_do_not(trust, client_for) -> None:
    today = timezone.localdate()
    case = record(trust, received_on=today - datetime.timedelta(days=1))
    page = client_for("complaints_handler").get(detail(case)).content.decode()
    assert re.search(
        rf'name="acknowledge-acknowledged_on_day"[^>]*value="{today.day}"', page
    ) and re.search(rf'name="acknowledge-acknowledged_on_year"[^>]*value="{today.year}"', page)
    # A response date is agreed with the complainant: no default to send on unread.
    assert not re.search(r'name="agree_response_date-response_due_day"[^>]*value="\d', page)


def test_a_case_with_one_issue_needs_no_issue_chosen(trust, client_for) -> None:
    case = _investigating(trust)
    only = issue(trust, case)
    client = client_for("complaints_handler")
    page = client.get(detail(case)).content.decode()
    assert "Choose the issue" not in page
    assert f'type="hidden" name="issue_outcome-issue" value="{only.pk}"' in page
    response = client.post(
        step(case, "issue_outcome"),
        {"issue_outcome-issue": only.pk, "issue_outcome-outcome": "upheld"},
    )
    assert response.status_code == 302
    only.refresh_from_db()
    assert only.outcome == "upheld"


def test_the_handler_keeps_notes_and_logs_contacts_on_the_timeline(trust, client_for) -> None:
    case = _investigating(trust)
    client = client_for("complaints_handler")
    today = timezone.localdate()
    response = client.post(
        step(case, "note"),
        {**date_parts("note-noted_on", today), "note-text": "Ward rota shows two nurses short."},
    )
    assert response.status_code == 302
    response = client.post(
        step(case, "contact"),
        {
            **date_parts("contact-contacted_on", today),
            "contact-method": "phone",
            "contact-direction": "out",
            "contact-with_whom": "The complainant",
            "contact-summary": "Agreed to meet on the ward next week.",
        },
    )
    assert response.status_code == 302
    page = client.get(detail(case)).content.decode()
    timeline = page.split('id="timeline"', 1)[1]
    assert "Ward rota shows two nurses short." in timeline
    assert "Phone call (from us) with The complainant" in timeline
    assert "Investigation started" in timeline
    # A step the team dates is placed on that day, not the day it was typed in.
    acknowledged = case.acknowledged_on
    assert acknowledged is not None and acknowledged != today
    assert f"<strong>{acknowledged.day} {acknowledged:%b %Y}</strong> Acknowledged" in timeline
    # The trail says a note was added and when, never what it says.
    events = AuditEvent.objects.filter(
        action__in=["complaint.note_added", "complaint.contact_recorded"]
    )
    assert events.count() == 2
    assert all("nurses" not in str(e.after) and "meet" not in str(e.after) for e in events)


def test_a_note_with_nothing_in_it_or_too_long_is_refused_by_field(trust, client_for) -> None:
    case = _investigating(trust)
    client = client_for("complaints_handler")
    today = timezone.localdate()
    empty = client.post(step(case, "note"), {**date_parts("note-noted_on", today), "note-text": ""})
    assert "Write the note" in empty.content.decode()
    long = client.post(
        step(case, "note"),
        {**date_parts("note-noted_on", today), "note-text": "x" * (actions.NOTE_MAX_LENGTH + 1)},
    )
    body = long.content.decode()
    assert f"Keep it to {actions.NOTE_MAX_LENGTH:,} characters" in body
    # What was typed is kept in the form, in its open section.
    assert "x" * 200 in body
    assert not CaseNote.objects.exists()


def test_a_contact_in_the_future_or_with_nobody_is_refused(trust) -> None:
    case = _investigating(trust)
    handler = trust.people["complaints_handler"]
    with pytest.raises(ValidationError) as refused:
        actions.record_contact(
            acting_user=handler,
            complaint=case,
            contacted_on=timezone.localdate() + datetime.timedelta(days=1),
            method="email",
            direction="in",
            with_whom="",
            summary="Sent photos",
        )
    assert "with_whom" in refused.value.message_dict


def test_who_may_only_read_the_case_cannot_add_notes(trust, client_for) -> None:
    case = _investigating(trust)
    today = timezone.localdate()
    response = client_for("service_lead").post(
        step(case, "note"), {**date_parts("note-noted_on", today), "note-text": "A note"}
    )
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        actions.add_case_note(
            acting_user=trust.people["service_lead"], complaint=case, text="A note", noted_on=today
        )
    assert not CaseNote.objects.exists()


def test_learning_and_its_actions_are_on_the_case_and_closure_links_to_them(
    trust, client_for
) -> None:
    """Finding 1: closing said an issue "has learning but no action" with no way to
    add one from the case. The gap now links to the issue, whose card holds the form."""
    case = to_responded(trust, record(trust))
    found = case.issues.get()
    client = client_for("complaints_manager")
    page = client.get(detail(case)).content.decode()
    assert _primary(page) == "learning"
    response = client.post(
        step(case, "learning"),
        {"learning-issue": found.pk, "learning-learning_statement": "Call back within 2 days."},
    )
    assert response.status_code == 302
    page = client.get(detail(case)).content.decode()
    assert '<a href="#issue-1">Issue 1 has learning but no action' in page
    card = page.split('id="issue-1"', 1)[1]
    assert "Raise an action" in card
    assert f"/actions/new/?source_kind=complaint_learning&amp;source_id={found.pk}" in card
    owner = trust.people["service_lead"]
    due = timezone.localdate() + datetime.timedelta(days=30)
    raised = client.post(
        reverse("learning:case", args=[case.pk]),
        {
            "back": "case",
            "action-issue": found.pk,
            "action-description": "Add a call-back list to the ward board",
            "action-owner": owner.pk,
            **date_parts("action-due_on", due),
        },
    )
    assert raised.status_code == 302
    assert raised["Location"] == detail(case) + "#issues"
    page = client.get(detail(case)).content.decode()
    assert "Add a call-back list to the ward board" in page.split('id="issue-1"', 1)[1]
    assert "has learning but no action" not in page


def test_a_handler_without_the_register_sees_actions_without_links(trust, client_for) -> None:
    """The complaints handler may not open the register: the action is named, not linked."""
    case = to_responded(trust, record(trust))
    found = case.issues.get()
    manager = trust.people["complaints_manager"]
    actions.record_learning(
        acting_user=manager, issue=found, learning_statement="Call back sooner."
    )
    from wellled.learning.actions import add_learning_action

    action = add_learning_action(
        acting_user=manager,
        issue=found,
        description="Call-back list on the ward board",
        owner=trust.people["service_lead"],
        due_on=timezone.localdate() + datetime.timedelta(days=20),
    )
    page = client_for("complaints_handler").get(detail(case)).content.decode()
    card = page.split('id="issue-1"', 1)[1]
    assert action.title in card
    link = reverse("improvement:detail", args=[action.pk])
    from wellled.improvement.access import may_view

    assert (f'href="{link}"' in card) == may_view(trust.people["complaints_handler"], action)
    assert case.status == Status.RESPONDED
