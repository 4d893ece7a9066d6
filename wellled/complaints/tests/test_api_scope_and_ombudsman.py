"""Regulation 8, transfer, PALS escalation, the Ombudsman and late responses, by API."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from wellled.complaints import actions
from wellled.complaints.models import (
    Complaint,
    LateResponseTask,
    PHSORecommendation,
    PHSOReferral,
    Status,
)
from wellled.complaints.tests.support import issue, record, to_responded
from wellled.complaints.tests.test_api import detail

pytestmark = pytest.mark.django_db
D = datetime.date
REFUSED = ["service_lead", "staff_member", "outsider", "operator"]


# Scope ----------------------------------------------------------------------------------


def test_a_regulation_8_exclusion_closes_the_case_with_its_reason(trust, api_for) -> None:
    case = record(trust)
    client = api_for("complaints_handler")

    no_reason = client.post(detail(case, "exclude/"), {"exclusion": "b"}, format="json")
    oral = client.post(
        detail(case, "exclude/"), {"exclusion": "c", "exclusion_reason": "x"}, format="json"
    )
    assert no_reason.status_code == 400 and "exclusion_reason" in no_reason.json()
    assert oral.status_code == 400 and "recorded as such at intake" in str(oral.json())
    assert Complaint.objects.get(pk=case.pk).status == Status.RECEIVED

    done = client.post(
        detail(case, "exclude/"),
        {"exclusion": "b", "exclusion_reason": "About their own employment"},
        format="json",
    )
    assert done.status_code == 200, done.json()
    assert done.json()["status"] == Status.CLOSED and done.json()["exclusion"] == "b"


def test_a_transfer_names_the_body_it_went_to(trust, api_for) -> None:
    case = record(trust)
    client = api_for("complaints_manager")
    refused = client.post(detail(case, "transfer/"), {"transferred_to": " "}, format="json")
    future = client.post(
        detail(case, "transfer/"),
        {"transferred_to": "North ICB", "transferred_on": "2099-01-01"},
        format="json",
    )
    assert refused.status_code == 400 and "transferred_to" in refused.json()
    assert future.status_code == 400 and "future" in future.json()["transferred_on"][0]
    assert Complaint.objects.get(pk=case.pk).status == Status.RECEIVED

    done = client.post(
        detail(case, "transfer/"),
        {"transferred_to": "North ICB", "transferred_on": "2026-03-05"},
        format="json",
    )
    assert done.status_code == 200 and done.json()["status"] == Status.TRANSFERRED


def test_a_pals_concern_escalates_into_a_new_complaint_that_keeps_its_history(
    trust, api_for
) -> None:
    concern = record(trust, kind="pals")
    issue(trust, concern)
    client = api_for("complaints_handler")

    too_early = client.post(
        detail(concern, "escalate/"), {"escalated_on": "2026-03-01"}, format="json"
    )
    assert too_early.status_code == 400 and "escalated_on" in too_early.json()
    assert not Complaint.objects.filter(escalated_from=concern).exists()

    response = client.post(
        detail(concern, "escalate/"), {"escalated_on": "2026-03-10"}, format="json"
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["reference"].startswith("C-2026-") and body["kind"] == "complaint"
    assert body["received_on"] == "2026-03-10" and body["acknowledgement_due"] is not None
    complaint = Complaint.objects.get(pk=body["id"])
    assert complaint.escalated_from == concern
    assert complaint.complainant_id == concern.complainant_id
    assert complaint.issues.count() == 1
    closed = Complaint.objects.get(pk=concern.pk)
    assert closed.status == Status.CLOSED and closed.closed_on == D(2026, 3, 10)


def test_a_formal_complaint_cannot_be_escalated(trust, api_for) -> None:
    case = record(trust)
    response = api_for("complaints_manager").post(detail(case, "escalate/"), {}, format="json")
    assert response.status_code == 400
    assert not Complaint.objects.filter(escalated_from=case).exists()


@pytest.mark.parametrize("persona", REFUSED)
@pytest.mark.parametrize(
    "sub", ["exclude/", "transfer/", "escalate/", "refer-to-phso/", "change-handler/"]
)
def test_only_complaints_staff_change_a_case_s_scope(trust, api_for, persona, sub) -> None:
    case = record(trust, kind="pals") if sub == "escalate/" else record(trust)
    response = api_for(persona).post(detail(case, sub), {}, format="json")
    assert response.status_code == 403
    after = Complaint.objects.get(pk=case.pk)
    assert after.status == case.status and after.handler_id == case.handler_id


# Bad dates on the main steps ---------------------------------------------------------


def test_a_response_dated_before_receipt_is_refused_and_nothing_changes(trust, api_for) -> None:
    case = record(trust, received_on=D(2026, 3, 2))
    manager = trust.people["complaints_manager"]
    actions.acknowledge(
        acting_user=manager,
        complaint=case,
        acknowledged_on=D(2026, 3, 3),
        discussion_offered_on=D(2026, 3, 3),
    )
    actions.start_investigation(acting_user=manager, complaint=case)
    found = issue(trust, case)
    actions.record_issue_outcome(acting_user=manager, issue=found, outcome="not_upheld")
    actions.submit_draft(acting_user=manager, complaint=case)
    from wellled.complaints.tests.support import final_letter

    final_letter(trust.people["complaints_handler"], case)
    actions.sign_off(
        acting_user=manager, complaint=case, capacity="delegate", signed_off_on=D(2026, 3, 4)
    )

    response = api_for("complaints_handler").post(
        detail(case, "record-response/"), {"responded_on": "2026-03-01"}, format="json"
    )

    assert response.status_code == 400
    assert "before" in response.json()["responded_on"][0]
    after = Complaint.objects.get(pk=case.pk)
    assert after.status == Status.SIGNED_OFF and after.responded_on is None
    assert after.letters.get(kind="final").sent_on is None


def test_the_signatory_returns_a_draft_for_more_work(trust, api_for) -> None:
    case = record(trust)
    manager = trust.people["complaints_manager"]
    actions.acknowledge(
        acting_user=manager,
        complaint=case,
        acknowledged_on=D(2026, 3, 3),
        discussion_offered_on=D(2026, 3, 3),
    )
    actions.start_investigation(acting_user=manager, complaint=case)
    found = issue(trust, case)
    actions.record_issue_outcome(acting_user=manager, issue=found, outcome="upheld")
    actions.submit_draft(acting_user=manager, complaint=case)

    refused = api_for("complaints_handler").post(detail(case, "return-draft/"), {}, format="json")
    assert refused.status_code == 403
    returned = api_for("complaints_manager").post(detail(case, "return-draft/"), {}, format="json")
    assert returned.status_code == 200 and returned.json()["status"] == Status.INVESTIGATING


# The Ombudsman -------------------------------------------------------------------------


def _referred(client: Any, case: Complaint) -> PHSOReferral:
    """Referred to the Ombudsman: not before the response."""
    before_response = client.post(
        detail(case, "refer-to-phso/"), {"referred_on": "2026-03-01"}, format="json"
    )
    assert before_response.status_code == 400 and "referred_on" in before_response.json()

    referred = client.post(
        detail(case, "refer-to-phso/"),
        {"referred_on": "2026-05-01", "phso_reference": "PHSO-123"},
        format="json",
    )
    assert referred.status_code == 200, referred.json()
    assert referred.json()["status"] == Status.REFERRED_TO_PHSO
    return PHSOReferral.objects.get(complaint=case)


def _decided_with_a_recommendation(
    client: Any, case: Complaint, referral: PHSOReferral
) -> PHSORecommendation:
    """The case cannot close while the decision is pending; then a recommendation."""
    pending = client.post(detail(case, "close/"), {}, format="json")
    assert pending.status_code == 400 and "decision" in str(pending.json())

    bad_decision = client.post(
        detail(case, f"phso-referrals/{referral.pk}/decision/"),
        {"decision": "pending", "decision_on": "2026-06-01"},
        format="json",
    )
    assert bad_decision.status_code == 400 and "decision" in bad_decision.json()
    decided = client.post(
        detail(case, f"phso-referrals/{referral.pk}/decision/"),
        {"decision": "partly_upheld", "decision_on": "2026-06-01"},
        format="json",
    )
    assert decided.status_code == 200 and decided.json()["decision"] == "partly_upheld"

    added = client.post(
        detail(case, f"phso-referrals/{referral.pk}/recommendations/"),
        {"description": "Apologise and review the call-back process", "due_on": "2026-08-01"},
        format="json",
    )
    assert added.status_code == 201, added.json()
    return PHSORecommendation.objects.get(pk=added.json()["id"])


def _recommendation_completed(
    client: Any, case: Complaint, recommendation: PHSORecommendation
) -> None:
    """The case cannot close while a recommendation is open; completing needs evidence."""
    open_recs = client.post(detail(case, "close/"), {}, format="json")
    assert open_recs.status_code == 400 and "not yet completed" in str(open_recs.json())

    no_evidence = client.post(
        detail(case, f"phso-recommendations/{recommendation.pk}/complete/"),
        {"completed_on": "2026-07-01", "evidence": ""},
        format="json",
    )
    assert no_evidence.status_code == 400 and "evidence" in no_evidence.json()
    recommendation.refresh_from_db()
    assert recommendation.completed_on is None

    completed = client.post(
        detail(case, f"phso-recommendations/{recommendation.pk}/complete/"),
        {"completed_on": "2026-07-01", "evidence": "Apology sent; process audited"},
        format="json",
    )
    assert completed.status_code == 200 and completed.json()["completed_on"] == "2026-07-01"


def test_an_ombudsman_referral_is_tracked_to_completion_before_closing(trust, api_for) -> None:
    case = to_responded(trust, record(trust), outcome="not_upheld")
    client = api_for("complaints_handler")
    referral = _referred(client, case)
    recommendation = _decided_with_a_recommendation(client, case, referral)
    _recommendation_completed(client, case, recommendation)

    listed = api_for("service_lead").get(detail(case, "phso-referrals/"))
    assert listed.status_code == 200
    assert listed.json()[0]["recommendations"][0]["evidence"] == "Apology sent; process audited"

    closed = client.post(detail(case, "close/"), {"closed_on": "2026-07-02"}, format="json")
    assert closed.status_code == 200, closed.json()


def test_a_referral_of_another_case_is_a_404(trust, api_for) -> None:
    case = to_responded(trust, record(trust), outcome="not_upheld")
    actions.refer_to_phso(acting_user=None, complaint=case, referred_on=D(2026, 5, 1))
    other = record(trust)
    referral = PHSOReferral.objects.get(complaint=case)
    response = api_for("complaints_manager").post(
        detail(other, f"phso-referrals/{referral.pk}/decision/"),
        {"decision": "upheld", "decision_on": "2026-06-01"},
        format="json",
    )
    assert response.status_code == 404
    referral.refresh_from_db()
    assert referral.decision == "pending"


@pytest.mark.parametrize("persona", REFUSED)
def test_only_complaints_staff_record_the_ombudsman_s_decision(trust, api_for, persona) -> None:
    case = to_responded(trust, record(trust), outcome="not_upheld")
    actions.refer_to_phso(acting_user=None, complaint=case, referred_on=D(2026, 5, 1))
    referral = PHSOReferral.objects.get(complaint=case)
    response = api_for(persona).post(
        detail(case, f"phso-referrals/{referral.pk}/decision/"),
        {"decision": "upheld", "decision_on": "2026-06-01"},
        format="json",
    )
    assert response.status_code == 403
    referral.refresh_from_db()
    assert referral.decision == "pending"


# Late responses --------------------------------------------------------------------------


def _late(trust) -> tuple[Complaint, LateResponseTask]:
    case = record(trust, received_on=D(2026, 3, 2))
    actions.agree_response_date(
        acting_user=None,
        complaint=case,
        response_due=D(2026, 4, 15),
        agreed_on=D(2026, 3, 3),
        how_agreed="phone",
    )
    actions.open_late_response_tasks(today=D(2026, 4, 20))
    return case, LateResponseTask.objects.get(complaint=case)


def test_a_missed_date_s_late_letter_is_recorded_with_the_reason(trust, api_for) -> None:
    case, task = _late(trust)
    listed = api_for("service_lead").get(detail(case, "late-response-tasks/"))
    assert listed.status_code == 200
    assert listed.json() == [
        {
            "id": task.pk,
            "missed_due": "2026-04-15",
            "opened_on": "2026-04-20",
            "letter_sent_on": None,
            "reason_for_delay": "",
        }
    ]
    client = api_for("complaints_handler")
    sub = f"late-response-tasks/{task.pk}/letter-sent/"

    no_reason = client.post(detail(case, sub), {"sent_on": "2026-04-21"}, format="json")
    early = client.post(
        detail(case, sub), {"sent_on": "2026-04-01", "reason_for_delay": "Staff off"}, format="json"
    )
    assert no_reason.status_code == 400 and "reason_for_delay" in no_reason.json()
    assert early.status_code == 400 and "missed response date" in early.json()["sent_on"][0]
    task.refresh_from_db()
    assert task.letter_sent_on is None

    sent = client.post(
        detail(case, sub),
        {"sent_on": "2026-04-21", "reason_for_delay": "A witness was on leave"},
        format="json",
    )
    assert sent.status_code == 200 and sent.json()["letter_sent_on"] == "2026-04-21"
    again = client.post(
        detail(case, sub), {"sent_on": "2026-04-22", "reason_for_delay": "x"}, format="json"
    )
    assert again.status_code == 400 and "already" in str(again.json())


@pytest.mark.parametrize("persona", REFUSED)
def test_only_complaints_staff_record_a_late_letter(trust, api_for, persona) -> None:
    case, task = _late(trust)
    response = api_for(persona).post(
        detail(case, f"late-response-tasks/{task.pk}/letter-sent/"), {}, format="json"
    )
    assert response.status_code == 403
