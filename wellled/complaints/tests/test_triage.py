"""New cases with nobody handling them: the triage queue, assignment rules, the alert.

Personas: Morgan, the complaints manager, triages what arrives and sets who handles
new cases about each service; Chris, a complaints handler, takes cases from the
queue; Sam, the service lead, reads cases about their service but handles none.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from wellled.complaints import actions
from wellled.complaints.models import AssignmentRule, Complaint
from wellled.complaints.queries import complaints_work, triage_work
from wellled.complaints.tests.support import complainant
from wellled.core.models import AuditEvent
from wellled.core.navigation import work_for
from wellled.organisation import actions as org
from wellled.organisation.models import Role, RoleAssignment

pytestmark = pytest.mark.django_db

QUEUE = "/complaints/triage/"
RULES = "/complaints/assignment-rules/"


def online(trust: Any, service: Any = None, **more: Any) -> Complaint:
    """A complaint from the public form, through its action."""
    return actions.submit_public_complaint(
        service=service or trust.service,
        summary="I waited six hours in the waiting room.",
        complainant=complainant(full_name="Jordan Ellis", email="jordan@example.org"),
        **more,
    )


def _staff_mail() -> list[Any]:
    return [m for m in mail.outbox if m.to != ["jordan@example.org"]]


def test_an_online_complaint_with_no_rule_waits_in_the_queue_and_managers_hear(
    trust, client_for, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        case = online(trust)
    assert case.handler is None
    # One email, to the complaints manager only: the reference and a link, no person.
    alerts = _staff_mail()
    assert [m.to for m in alerts] == [[trust.people["complaints_manager"].email]]
    assert case.reference in alerts[0].subject and case.reference in alerts[0].body
    assert QUEUE in alerts[0].body
    for private in ("Jordan", "Ellis", "jordan@example.org", "six hours"):
        assert private not in alerts[0].subject + alerts[0].body
    page = client_for("complaints_handler").get(QUEUE).content.decode()
    assert case.reference in page and "1 case waiting" in page
    assert reverse("complaints:step", args=[case.pk, "change_handler"]) in page


def test_the_managers_my_work_counts_the_queue_and_links_to_it(trust, client_for) -> None:
    online(trust)
    online(trust)
    manager = trust.people["complaints_manager"]
    [line] = triage_work(manager)
    assert line.title == "2 new cases waiting for a handler" and line.href == QUEUE
    assert line.due is not None  # the first acknowledgement date among them
    assert line in work_for(manager)
    home = client_for("complaints_manager").get("/").content.decode()
    assert "2 new cases waiting for a handler" in home and f'href="{QUEUE}"' in home
    # Handlers take cases from the queue but are not told of each; a service lead
    # does not handle cases at all.
    assert triage_work(trust.people["complaints_handler"]) == []
    assert triage_work(trust.people["service_lead"]) == []


def test_a_handler_takes_a_case_from_the_queue(trust, client_for) -> None:
    case = online(trust)
    chris = trust.people["complaints_handler"]
    client = client_for("complaints_handler")
    response = client.post(
        reverse("complaints:step", args=[case.pk, "change_handler"]),
        {"change_handler-handler": str(chris.pk)},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.handler == chris
    assert f">{case.reference}</a>" not in client.get(QUEUE).content.decode()
    assert [item.title for item in complaints_work(chris)] == [f"Complaint {case.reference}"]
    assert AuditEvent.objects.filter(action="complaint.handler_assigned").count() == 1


def test_those_who_do_not_handle_complaints_cannot_open_the_queue(trust, client_for) -> None:
    online(trust)
    assert client_for("service_lead").get(QUEUE).status_code == 403
    assert client_for("staff_member").get(QUEUE).status_code == 403


def test_a_rule_assigns_new_cases_about_its_service_and_is_audited(
    trust, django_capture_on_commit_callbacks
) -> None:
    chris = trust.people["complaints_handler"]
    rule = actions.set_assignment_rule(
        acting_user=trust.people["complaints_manager"], service=trust.service, handler=chris
    )
    with django_capture_on_commit_callbacks(execute=True):
        case = online(trust)
        elsewhere = online(trust, service=trust.other_service)
    assert case.handler == chris and elsewhere.handler is None
    recorded = AuditEvent.objects.get(action="complaint.recorded", object_id=str(case.pk))
    after = recorded.after or {}
    assert after["assigned_by_rule"] == rule.pk and after["handler_id"] == chris.pk
    # Only the unassigned one is announced.
    assert [elsewhere.reference in m.subject for m in _staff_mail()] == [True]
    set_event = AuditEvent.objects.get(action="complaint.assignment_rule_set")
    assert set_event.after == {"service_id": trust.service.pk, "handler_id": chris.pk}


def test_a_rule_whose_handler_has_left_the_role_is_passed_over(trust) -> None:
    chris = trust.people["complaints_handler"]
    actions.set_assignment_rule(acting_user=None, service=trust.service, handler=chris)
    grant = RoleAssignment.objects.get(user=chris, role=Role.COMPLAINTS_HANDLER)
    org.revoke_role(acting_user=None, grant=grant)
    case = online(trust)
    assert case.handler is None
    assert Complaint.objects.filter(pk=case.pk, handler__isnull=True).exists()


def test_a_manager_chooses_replaces_and_removes_a_handler_for_a_service(trust, client_for) -> None:
    client = client_for("complaints_manager")
    chris = trust.people["complaints_handler"]
    morgan = trust.people["complaints_manager"]
    page = client.get(RULES).content.decode()
    assert "No service has one yet" in page
    response = client.post(RULES, {"service": trust.service.pk, "handler": chris.pk})
    assert response.status_code == 302
    assert AssignmentRule.objects.get(service=trust.service).handler == chris
    client.post(RULES, {"service": trust.service.pk, "handler": morgan.pk})
    rule = AssignmentRule.objects.get()  # replaced, not added
    assert rule.handler == morgan
    assert "Community mental health" in client.get(RULES).content.decode()
    response = client.post(reverse("complaints:assignment_rule_delete", args=[rule.pk]))
    assert response.status_code == 302 and not AssignmentRule.objects.exists()
    assert AuditEvent.objects.filter(action="complaint.assignment_rule_removed").count() == 1


def test_a_handler_who_cannot_handle_complaints_is_refused_beside_the_field(
    trust, client_for
) -> None:
    client = client_for("complaints_manager")
    page = client.post(
        RULES, {"service": trust.service.pk, "handler": trust.people["service_lead"].pk}
    ).content.decode()
    # The service lead handles no complaints, so is not even offered; the action
    # refuses them too, whoever calls it.
    assert "Choose a complaints handler from the list" in page
    with pytest.raises(ValidationError, match="cannot handle complaints here"):
        actions.set_assignment_rule(
            acting_user=trust.people["complaints_manager"],
            service=trust.service,
            handler=trust.people["service_lead"],
        )
    page = client.post(RULES, {"service": trust.service.pk}).content.decode()
    assert "Choose who handles new cases about this service" in page
    assert not AssignmentRule.objects.exists()


def test_only_complaints_managers_set_who_handles_new_cases(trust, client_for) -> None:
    assert client_for("complaints_handler").get(RULES).status_code == 403
    chris = trust.people["complaints_handler"]
    with pytest.raises(PermissionDenied, match="Only a complaints manager"):
        actions.set_assignment_rule(acting_user=chris, service=trust.service, handler=chris)
    rule = actions.set_assignment_rule(acting_user=None, service=trust.service, handler=chris)
    delete = reverse("complaints:assignment_rule_delete", args=[rule.pk])
    assert client_for("complaints_handler").post(delete).status_code == 403
    assert AssignmentRule.objects.filter(pk=rule.pk).exists()
