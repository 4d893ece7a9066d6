"""The learning loop through the pages alone: add an action (an improvement action
on the trust's register), its owner completes it there with evidence, share the
learning, a team member confirms reading it, and a public summary is published.
The library never shows who complained."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from wellled.core.models import AuditEvent
from wellled.core.testing import Trust
from wellled.improvement.models import Action, Status
from wellled.learning.models import LearningShare, ReadReceipt, YouSaidWeDid
from wellled.learning.queries import closure_gaps
from wellled.learning.tests.support import LEARNING, share, upheld_case

pytestmark = pytest.mark.django_db


def _date(prefix: str, day: datetime.date) -> dict[str, str]:
    return {
        f"{prefix}_day": str(day.day),
        f"{prefix}_month": str(day.month),
        f"{prefix}_year": str(day.year),
    }


def test_the_learning_loop_through_the_pages(trust: Trust, client_for) -> None:
    complaint, issue = upheld_case(trust)
    manager: Client = client_for("complaints_manager")
    page = manager.get(reverse("learning:case", args=[complaint.pk]))
    assert page.status_code == 200
    assert "has learning but no action" in page.content.decode()
    assert AuditEvent.objects.filter(action="record.viewed").exists()

    response = manager.post(
        reverse("learning:case", args=[complaint.pk]),
        {
            "action-issue": issue.pk,
            "action-description": "Log every call-back request on the shared list",
            "action-owner": trust.people["service_lead"].pk,
            **_date("action-due_on", timezone.localdate() + datetime.timedelta(days=30)),
        },
    )
    assert response.status_code == 302
    action = Action.objects.get()
    case_page = manager.get(reverse("learning:case", args=[complaint.pk]))
    assert reverse("improvement:detail", args=[action.pk]) in case_page.content.decode()

    owner: Client = client_for("service_lead")
    owner.post(
        reverse("improvement:evidence", args=[action.pk]),
        {
            "kind": "note",
            "title": "Call-back audit",
            "description": "Audit of 20 requests: all called back within 2 days.",
            "statements": ["learning-improvement-and-innovation"],
        },
    )
    owner.post(reverse("improvement:complete", args=[action.pk]), {"note": "The list is in use"})
    action.refresh_from_db()
    assert action.status == Status.DONE
    assert closure_gaps(complaint) == []

    manager = client_for("complaints_manager")  # one test client: log back in
    response = manager.post(
        reverse("learning:share_new", args=[complaint.pk]),
        {
            "title": "Call-backs that were never made",
            "summary": LEARNING,
            "audience": [trust.team.pk],
        },
    )
    shared = LearningShare.objects.get()
    assert response["Location"] == reverse("learning:share", args=[shared.pk])

    reader: Client = client_for("staff_member")
    page = reader.get(reverse("learning:share", args=[shared.pk]))
    assert "I have read this learning" in page.content.decode()
    reader.post(reverse("learning:confirm_read", args=[shared.pk]))
    assert ReadReceipt.objects.filter(user=trust.people["staff_member"]).exists()
    assert (
        "You have confirmed you read this"
        in reader.get(reverse("learning:share", args=[shared.pk])).content.decode()
    )


def test_a_bad_action_keeps_what_was_typed(trust: Trust, client_for) -> None:
    complaint, issue = upheld_case(trust)
    response = client_for("complaints_manager").post(
        reverse("learning:case", args=[complaint.pk]),
        {
            "action-issue": issue.pk,
            "action-description": "Keep this text",
            "action-owner": trust.people["service_lead"].pk,
            **_date("action-due_on", datetime.date(2025, 1, 1)),
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    assert "Keep this text" in body
    assert not Action.objects.exists()


def test_sharing_text_that_names_the_complainant_is_refused_on_the_page(
    trust: Trust, client_for
) -> None:
    complaint, _ = upheld_case(trust)
    response = client_for("complaints_manager").post(
        reverse("learning:share_new", args=[complaint.pk]),
        {
            "title": "Call-backs",
            "summary": "Alex Rivera was not called back.",
            "audience": [trust.team.pk],
        },
    )
    assert response.status_code == 200
    assert "remove the complainant&#x27;s name" in response.content.decode()
    assert not LearningShare.objects.exists()


def test_the_library_shows_learning_but_no_one_on_the_case(trust: Trust, client_for) -> None:
    complaint, _ = upheld_case(trust)
    share(trust, complaint)
    page = client_for("staff_member").get(reverse("learning:library"), {"q": "call-back"})
    body = page.content.decode()
    assert "Call-backs that were never made" in body
    for secret in ("Alex Rivera", "Okafor", complaint.reference, "alex@example.org"):
        assert secret not in body
    empty = client_for("staff_member").get(reverse("learning:library"), {"q": "pharmacy"})
    assert "No shared learning matches" in empty.content.decode()


def test_the_library_filters_by_service(trust: Trust, client_for) -> None:
    complaint, _ = upheld_case(trust)
    share(trust, complaint)
    client = client_for("board_member")
    assert (
        "Call-backs"
        in client.get(reverse("learning:library"), {"service": trust.service.pk}).content.decode()
    )
    # A service with no shared learning is not even a choice: the form says so.
    page = client.get(reverse("learning:library"), {"service": trust.other_service.pk}).content
    assert "Call-backs that were never made" not in page.decode()
    assert "Select a valid choice" in page.decode()


def test_read_rates_are_for_those_who_oversee_the_service(trust: Trust, client_for) -> None:
    complaint, _ = upheld_case(trust)
    share(trust, complaint)
    assert "0 of" in client_for("service_lead").get(reverse("learning:read_rates")).content.decode()
    assert client_for("staff_member").get(reverse("learning:read_rates")).status_code == 403


def test_you_said_we_did_is_published_and_public(trust: Trust, client_for) -> None:
    response = client_for("complaints_manager").post(
        reverse("learning:you_said_we_did_new"),
        {
            "service": trust.service.pk,
            "you_said": "It took too long to get a call back.",
            "we_did": "Every call-back request is now checked daily.",
            **_date("month", datetime.date(2026, 4, 1)),
        },
    )
    assert response.status_code == 302
    public = Client().get(reverse("learning:you_said_we_did"))
    assert public.status_code == 200
    assert "Every call-back request is now checked daily." in public.content.decode()
    assert not public.cookies.get("sessionid")


def test_a_public_summary_with_contact_details_is_refused(trust: Trust, client_for) -> None:
    response = client_for("complaints_manager").post(
        reverse("learning:you_said_we_did_new"),
        {
            "service": trust.service.pk,
            "you_said": "Ring me on 07700 900123.",
            "we_did": "We rang.",
            **_date("month", datetime.date(2026, 4, 1)),
        },
    )
    assert response.status_code == 200
    assert "a phone number" in response.content.decode()
    assert not YouSaidWeDid.objects.exists()


def test_withdrawing_hides_a_summary(trust: Trust, client_for) -> None:
    from wellled.learning import actions

    summary = actions.publish_you_said_we_did(
        acting_user=trust.people["complaints_manager"],
        service=trust.service,
        you_said="Hard to find parking.",
        we_did="Ten more spaces for visitors.",
        month=datetime.date(2026, 4, 1),
    )
    client_for("complaints_manager").post(
        reverse("learning:you_said_we_did_withdraw", args=[summary.pk])
    )
    assert (
        "Ten more spaces" not in Client().get(reverse("learning:you_said_we_did")).content.decode()
    )
    refused = client_for("service_lead").post(
        reverse("learning:you_said_we_did_withdraw", args=[summary.pk])
    )
    assert refused.status_code == 403


def test_an_old_learning_action_address_leads_to_its_action(trust: Trust, client_for) -> None:
    """Links from before the move (/learning/actions/<old id>/) still work."""
    from wellled.learning.tests.support import add_action

    _, issue = upheld_case(trust)
    action = add_action(trust, issue)
    Action.objects.filter(pk=action.pk).update(legacy_ref="learning.learningaction:41")
    response = client_for("service_lead").get(reverse("learning:action", args=[41]))
    assert response.status_code == 301
    assert response["Location"] == reverse("improvement:detail", args=[action.pk])
    assert client_for("staff_member").get(reverse("learning:action", args=[41])).status_code == 404
