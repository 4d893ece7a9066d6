"""Issues, learning, the handler, consent and the people on a case, through the API.

Each endpoint checks permission before it reads the body, calls the same action
as the page, and answers bad input with a 400 that names the problem while
leaving what is saved untouched.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from wellled.complaints import actions
from wellled.complaints.models import Complaint, ComplaintIssue, Patient, Status
from wellled.complaints.tests.support import complainant, issue, record, ref, to_responded
from wellled.complaints.tests.test_api import detail
from wellled.core.models import AuditEvent

pytestmark = pytest.mark.django_db
D = datetime.date
REFUSED = ["staff_member", "outsider", "operator"]

ISSUE = {
    "description": "No call back for three weeks",
    "subject": "communications",
    "service_area": "mental_health",
    "profession": "nursing",
}


def views_of(case: Complaint) -> int:
    return AuditEvent.objects.filter(action="record.viewed", object_id=str(case.pk)).count()


def errors(response: Any) -> str:
    return str(response.json())


# Issues ------------------------------------------------------------------------------


def test_a_handler_adds_a_coded_issue_and_everyone_in_scope_can_read_it(trust, api_for) -> None:
    case = record(trust)

    added = api_for("complaints_handler").post(detail(case, "issues/"), ISSUE, format="json")

    assert added.status_code == 201, added.json()
    body = added.json()
    assert body["subject"] == "communications" and body["outcome"] == ""
    saved = ComplaintIssue.objects.get(pk=body["id"])
    assert saved.complaint == case and saved.profession.code == "nursing"
    assert AuditEvent.objects.filter(action="complaint.issue_added").exists()
    before = views_of(case)
    listed = api_for("service_lead").get(detail(case, "issues/"))
    assert listed.status_code == 200
    assert [i["id"] for i in listed.json()] == [saved.pk]
    assert views_of(case) == before + 1  # issue text is the complaint: the look is audited


def test_a_service_lead_reads_issues_but_cannot_add_one(trust, api_for) -> None:
    case = record(trust)
    response = api_for("service_lead").post(detail(case, "issues/"), ISSUE, format="json")
    assert response.status_code == 403
    assert not case.issues.exists()


@pytest.mark.parametrize("persona", REFUSED)
def test_people_without_complaints_access_learn_nothing_about_issues(
    trust, api_for, persona
) -> None:
    case = record(trust)
    found = issue(trust, case)
    client = api_for(persona)
    assert client.get(detail(case, "issues/")).status_code == 403
    # Bad input still gets a 403, not a 400 that would describe the case.
    assert client.post(detail(case, "issues/"), {}, format="json").status_code == 403
    assert client.get(detail(case, f"issues/{found.pk}/")).status_code == 403
    assert (
        client.post(detail(case, f"issues/{found.pk}/outcome/"), {}, format="json").status_code
        == 403
    )


def test_an_unknown_code_or_missing_coding_is_a_400_and_nothing_is_added(trust, api_for) -> None:
    case = record(trust)
    client = api_for("complaints_manager")

    unknown = client.post(
        detail(case, "issues/"), {**ISSUE, "subject": "no_such_subject"}, format="json"
    )
    missing = client.post(detail(case, "issues/"), {"description": "x"}, format="json")

    assert unknown.status_code == 400 and "no_such_subject" in unknown.json()["subject"][0]
    assert missing.status_code == 400
    assert {"subject", "service_area", "profession"} <= set(missing.json())
    assert not case.issues.exists()


def test_a_retired_code_is_refused_by_the_action_with_its_reason(trust, api_for) -> None:
    case = record(trust)
    retired = ref("profession", "retired_profession")
    retired.is_active = False
    retired.save()

    response = api_for("complaints_manager").post(
        detail(case, "issues/"), {**ISSUE, "profession": "retired_profession"}, format="json"
    )

    assert response.status_code == 400
    assert "no longer in use" in response.json()["profession"][0]
    assert not case.issues.exists()


def test_patching_an_issue_changes_only_what_is_sent(trust, api_for) -> None:
    case = record(trust)
    found = issue(trust, case)
    ref("profession", "medical")

    response = api_for("complaints_handler").patch(
        detail(case, f"issues/{found.pk}/"), {"profession": "medical"}, format="json"
    )

    assert response.status_code == 200, response.json()
    found.refresh_from_db()
    assert found.profession.code == "medical"
    assert found.subject.code == "communications"
    assert found.description == "No call back for three weeks"
    assert AuditEvent.objects.filter(action="complaint.issue_edited").exists()


def test_an_issue_of_another_case_is_a_404(trust, api_for) -> None:
    case, other = record(trust), record(trust)
    found = issue(trust, other)
    response = api_for("complaints_manager").get(detail(case, f"issues/{found.pk}/"))
    assert response.status_code == 404


def test_a_blank_description_is_a_400_and_the_issue_is_unchanged(trust, api_for) -> None:
    case = record(trust)
    found = issue(trust, case)
    response = api_for("complaints_manager").patch(
        detail(case, f"issues/{found.pk}/"), {"description": "  "}, format="json"
    )
    assert response.status_code == 400 and "description" in response.json()
    found.refresh_from_db()
    assert found.description == "No call back for three weeks"


# Outcome, learning and closure --------------------------------------------------------


def test_closure_is_refused_until_the_upheld_issue_has_its_learning(trust, api_for) -> None:
    case = to_responded(trust, record(trust), outcome="upheld")
    found = case.issues.get()
    client = api_for("complaints_handler")

    refused = client.post(detail(case, "close/"), {}, format="json")

    assert refused.status_code == 400
    assert "has no learning" in errors(refused)
    assert Complaint.objects.get(pk=case.pk).status == Status.RESPONDED

    neither = client.post(detail(case, f"issues/{found.pk}/learning/"), {}, format="json")
    assert neither.status_code == 400 and "one of the two" in errors(neither)

    learned = client.post(
        detail(case, f"issues/{found.pk}/learning/"),
        {"learning_statement": "Call-back list checked daily"},
        format="json",
    )
    assert learned.status_code == 200, learned.json()
    assert learned.json()["learning_statement"] == "Call-back list checked daily"

    # The learning loop also wants an action with an owner, done with evidence.
    no_action = client.post(detail(case, "close/"), {}, format="json")
    assert no_action.status_code == 400 and "no action" in errors(no_action)
    from wellled.learning import actions as learning

    step = learning.add_learning_action(
        acting_user=trust.people["complaints_manager"],
        issue=found,
        description="Daily check of the call-back list",
        owner=trust.people["complaints_handler"],
        due_on=D(2026, 5, 1),
        raised_on=D(2026, 4, 1),
    )
    learning.complete_learning_action(
        acting_user=trust.people["complaints_handler"], action=step, evidence="Audit of May"
    )

    closed = client.post(detail(case, "close/"), {}, format="json")
    assert closed.status_code == 200, closed.json()
    assert closed.json()["status"] == Status.CLOSED


def test_a_reason_for_no_learning_also_lets_the_case_close(trust, api_for) -> None:
    case = to_responded(trust, record(trust), outcome="partially_upheld")
    found = case.issues.get()
    client = api_for("complaints_manager")
    response = client.post(
        detail(case, f"issues/{found.pk}/learning/"),
        {"no_learning_reason": "A one-off error by an agency worker no longer here"},
        format="json",
    )
    assert response.status_code == 200
    assert client.post(detail(case, "close/"), {}, format="json").status_code == 200


def test_recording_an_outcome(trust, api_for) -> None:
    case = record(trust)
    found = issue(trust, case)
    client = api_for("complaints_handler")

    bad = client.post(detail(case, f"issues/{found.pk}/outcome/"), {"outcome": "maybe"})
    good = client.post(
        detail(case, f"issues/{found.pk}/outcome/"), {"outcome": "not_upheld"}, format="json"
    )

    assert bad.status_code == 400 and "outcome" in bad.json()
    assert good.status_code == 200 and good.json()["outcome"] == "not_upheld"
    assert (
        api_for("service_lead")
        .post(detail(case, f"issues/{found.pk}/outcome/"), {"outcome": "upheld"}, format="json")
        .status_code
        == 403
    )
    found.refresh_from_db()
    assert found.outcome == "not_upheld"


# Handler and consent --------------------------------------------------------------------


def test_the_handler_is_changed_to_someone_who_may_handle_complaints(trust, api_for) -> None:
    case = record(trust, handler=None)
    client = api_for("complaints_manager")
    handler = trust.people["complaints_handler"]

    refused = client.post(
        detail(case, "change-handler/"),
        {"handler": trust.people["staff_member"].pk},
        format="json",
    )
    assert refused.status_code == 400 and "cannot handle complaints here" in errors(refused)
    assert Complaint.objects.get(pk=case.pk).handler is None

    changed = client.post(detail(case, "change-handler/"), {"handler": handler.pk}, format="json")
    assert changed.status_code == 200 and changed.json()["handler"] == handler.pk

    unassigned = client.post(detail(case, "change-handler/"), {"handler": None}, format="json")
    assert unassigned.status_code == 200 and unassigned.json()["handler"] is None
    assert (
        api_for("service_lead")
        .post(detail(case, "change-handler/"), {"handler": handler.pk}, format="json")
        .status_code
        == 403
    )


def test_consent_given_needs_its_evidence(trust, api_for) -> None:
    case = record(
        trust,
        complainant=complainant(representative_basis="authorised", consent_status="awaited"),
        patient=actions.PatientDetails(full_name="Sam Rivera"),
    )
    client = api_for("complaints_handler")

    refused = client.post(detail(case, "consent/"), {"consent_status": "given"}, format="json")
    assert refused.status_code == 400 and "consent_evidence" in refused.json()
    assert Complaint.objects.get(pk=case.pk).complainant.consent_status == "awaited"

    given = client.post(
        detail(case, "consent/"),
        {"consent_status": "given", "consent_evidence": "Signed form received 4 March"},
        format="json",
    )
    assert given.status_code == 200, given.json()
    assert given.json()["consent_status"] == "given"
    assert AuditEvent.objects.filter(action="complaint.consent_updated").exists()
    assert (
        api_for("service_lead")
        .post(detail(case, "consent/"), {"consent_status": "refused"}, format="json")
        .status_code
        == 403
    )


# The complainant and the patient ------------------------------------------------------


def test_reading_the_complainant_is_audited(trust, api_for) -> None:
    case = record(trust)
    before = views_of(case)
    response = api_for("service_lead").get(detail(case, "complainant/"))
    assert response.status_code == 200
    assert response.json()["full_name"] == "Alex Rivera"
    assert views_of(case) == before + 1


def test_patching_the_complainant_changes_only_what_is_sent(trust, api_for) -> None:
    case = record(trust)
    client = api_for("complaints_handler")

    changed = client.patch(detail(case, "complainant/"), {"phone": "01632 960000"}, format="json")
    assert changed.status_code == 200, changed.json()
    person = Complaint.objects.get(pk=case.pk).complainant
    assert person.phone == "01632 960000" and person.email == "alex@example.org"

    no_contact = client.patch(
        detail(case, "complainant/"), {"email": "", "phone": "", "address": ""}, format="json"
    )
    assert no_contact.status_code == 400 and "complainant_contact" in no_contact.json()
    person.refresh_from_db()
    assert person.email == "alex@example.org"


def test_a_service_lead_cannot_change_the_people(trust, api_for) -> None:
    case = record(trust)
    client = api_for("service_lead")
    assert client.patch(detail(case, "complainant/"), {}, format="json").status_code == 403
    assert client.patch(detail(case, "patient/"), {}, format="json").status_code == 403


@pytest.mark.parametrize("persona", REFUSED)
def test_people_without_complaints_access_cannot_read_the_people(trust, api_for, persona) -> None:
    case = record(trust)
    client = api_for(persona)
    assert client.get(detail(case, "complainant/")).status_code == 403
    assert client.get(detail(case, "patient/")).status_code == 403
    assert (
        client.patch(detail(case, "patient/"), {"nhs_number": "1"}, format="json").status_code
        == 403
    )


def test_an_invalid_nhs_number_is_refused_and_no_patient_is_saved(trust, api_for) -> None:
    case = record(trust)
    client = api_for("complaints_handler")

    refused = client.patch(
        detail(case, "patient/"),
        {"full_name": "Sam Rivera", "nhs_number": "943 476 5910"},
        format="json",
    )

    assert refused.status_code == 400
    assert "nhs_number" in refused.json()
    assert Complaint.objects.get(pk=case.pk).patient is None
    assert not Patient.objects.exists()

    recorded = client.patch(
        detail(case, "patient/"),
        {"full_name": "Sam Rivera", "nhs_number": "943 476 5919", "date_of_birth": "1950-01-31"},
        format="json",
    )
    assert recorded.status_code == 200, recorded.json()
    patient = Complaint.objects.get(pk=case.pk).patient
    assert patient is not None and patient.nhs_number == "9434765919"

    wrong = client.patch(detail(case, "patient/"), {"nhs_number": "1234567890"}, format="json")
    assert wrong.status_code == 400 and "nhs_number" in wrong.json()
    patient.refresh_from_db()
    assert patient.nhs_number == "9434765919"


def test_a_case_without_a_patient_answers_no_content(trust, api_for) -> None:
    case = record(trust)
    response = api_for("complaints_manager").get(detail(case, "patient/"))
    assert response.status_code == 204


def test_reading_the_patient_is_audited(trust, api_for) -> None:
    case = record(trust, patient=actions.PatientDetails(full_name="Sam Rivera"))
    before = views_of(case)
    response = api_for("service_lead").get(detail(case, "patient/"))
    assert response.status_code == 200 and response.json()["full_name"] == "Sam Rivera"
    assert views_of(case) == before + 1
