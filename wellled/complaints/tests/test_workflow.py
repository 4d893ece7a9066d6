"""A complaint from intake to closure, and every step taken out of turn or by the wrong person."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from wellled.complaints import actions, workflow
from wellled.complaints.models import Complaint, Kind, Status
from wellled.complaints.tests.support import (
    D,
    final_letter,
    issue,
    messages,
    record,
    to_responded,
)
from wellled.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_intake_to_closure_with_learning(trust) -> None:
    manager = trust.people["complaints_manager"]
    complaint = to_responded(trust, record(trust))
    assert complaint.status == Status.RESPONDED
    assert complaint.first_responded_on == D(2026, 4, 2)
    assert complaint.signed_off_by == manager and complaint.signed_off_as == "delegate"
    found = complaint.issues.get()
    with pytest.raises(ValidationError) as caught:
        actions.close(acting_user=manager, complaint=complaint)
    assert "has no learning" in messages(caught)
    assert Complaint.objects.get(pk=complaint.pk).status == Status.RESPONDED
    actions.record_learning(
        acting_user=manager,
        issue=found,
        learning_statement="Call-backs are now tracked on the team board",
    )
    # The learning loop also wants an action with an owner, done with evidence.
    with pytest.raises(ValidationError) as caught:
        actions.close(acting_user=manager, complaint=complaint)
    assert "no action" in messages(caught)
    from wellled.learning import actions as learning_actions

    action = learning_actions.add_learning_action(
        acting_user=manager,
        issue=found,
        description="Track call-backs on the team board",
        owner=trust.people["service_lead"],
        due_on=D(2026, 5, 1),
        raised_on=D(2026, 4, 1),
    )
    learning_actions.complete_learning_action(
        acting_user=manager,
        action=action,
        evidence="Board photo in the team folder",
        completed_on=D(2026, 4, 20),
    )
    closed = actions.close(acting_user=manager, complaint=complaint)
    assert closed.status == Status.CLOSED
    steps = list(
        AuditEvent.objects.filter(object_type="complaints.complaint", object_id=str(closed.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert steps == [
        "complaint.recorded",
        "complaint.acknowledged",
        "complaint.response_date_agreed",
        "complaint.investigating",
        "complaint.draft_submitted",
        "complaint.signed_off",
        "complaint.responded",
        "complaint.closed",
    ]
    closing = AuditEvent.objects.get(action="complaint.closed")
    assert closing.before == {"status": "responded", "closed_on": None}


def test_a_not_upheld_complaint_closes_without_learning(trust) -> None:
    complaint = to_responded(trust, record(trust), outcome="not_upheld")
    closed = actions.close(acting_user=trust.people["complaints_manager"], complaint=complaint)
    assert closed.status == Status.CLOSED


def test_a_no_learning_reason_also_lets_an_upheld_complaint_close(trust) -> None:
    manager = trust.people["complaints_manager"]
    complaint = to_responded(trust, record(trust), outcome="partially_upheld")
    actions.record_learning(
        acting_user=manager,
        issue=complaint.issues.get(),
        no_learning_reason="A one-off phone fault, already replaced",
    )
    assert actions.close(acting_user=manager, complaint=complaint).status == Status.CLOSED


def test_a_response_dated_before_receipt_is_refused(trust) -> None:
    manager = trust.people["complaints_manager"]
    complaint = to_responded(trust, record(trust))
    actions.reopen(
        acting_user=manager, complaint=complaint, reason="New questions", reopened_on=D(2026, 4, 10)
    )
    complaint = actions.start_investigation(acting_user=manager, complaint=complaint)
    complaint = actions.submit_draft(acting_user=manager, complaint=complaint)
    final_letter(trust.people["complaints_handler"], complaint)
    complaint = actions.sign_off(
        acting_user=manager, complaint=complaint, capacity="delegate", signed_off_on=D(2026, 4, 20)
    )
    with pytest.raises(ValidationError) as caught:
        actions.record_response(
            acting_user=manager, complaint=complaint, responded_on=D(2026, 3, 1)
        )
    assert "before the complaint was received (2 March 2026)" in messages(caught)
    with pytest.raises(ValidationError) as caught:
        actions.record_response(
            acting_user=manager, complaint=complaint, responded_on=D(2026, 4, 19)
        )
    assert "before the day it was signed off" in messages(caught)


def test_reopening_keeps_the_first_response_and_clears_the_sign_off(trust) -> None:
    manager = trust.people["complaints_manager"]
    complaint = to_responded(trust, record(trust))
    first_due, first_sent = complaint.response_due, complaint.responded_on
    with pytest.raises(ValidationError):
        actions.reopen(acting_user=manager, complaint=complaint, reason=" ")
    reopened = actions.reopen(
        acting_user=manager, complaint=complaint, reason="Complainant has new questions"
    )
    assert reopened.status == Status.REOPENED and reopened.reopen_count == 1
    assert reopened.first_response_due == first_due
    assert reopened.first_responded_on == first_sent
    assert reopened.response_due is None and reopened.signed_off_by is None
    assert "start_investigation" in workflow.steps_available(reopened)


def test_referral_to_the_ombudsman_after_a_response(trust) -> None:
    manager = trust.people["complaints_manager"]
    complaint = record(trust)
    with pytest.raises(ValidationError):
        actions.refer_to_phso(acting_user=manager, complaint=complaint, referred_on=D(2026, 5, 1))
    complaint = to_responded(trust, complaint)
    referred = actions.refer_to_phso(
        acting_user=manager, complaint=complaint, referred_on=D(2026, 6, 1)
    )
    assert referred.status == Status.REFERRED_TO_PHSO


def test_transfer_to_another_body(trust) -> None:
    manager = trust.people["complaints_manager"]
    complaint = record(trust)
    with pytest.raises(ValidationError) as caught:
        actions.transfer(acting_user=manager, complaint=complaint, transferred_to=" ")
    assert "organisation it was transferred to" in messages(caught)
    moved = actions.transfer(
        acting_user=manager,
        complaint=complaint,
        transferred_to="Northshire ICB",
        transferred_on=D(2026, 3, 4),
    )
    assert moved.status == Status.TRANSFERRED and moved.transferred_to == "Northshire ICB"
    assert not moved.is_open


def test_a_pals_concern_escalates_into_a_linked_formal_complaint(trust) -> None:
    manager = trust.people["complaints_manager"]
    concern = record(trust, kind="pals", channel="phone", received_on=D(2026, 3, 2))
    issue(trust, concern)
    complaint = actions.escalate_pals_concern(
        acting_user=manager, concern=concern, escalated_on=D(2026, 3, 9)
    )
    concern.refresh_from_db()
    assert concern.status == Status.CLOSED
    assert complaint.kind == Kind.COMPLAINT and complaint.reference.startswith("C-")
    assert complaint.escalated_from == concern and concern.escalated_to == complaint
    assert complaint.received_on == D(2026, 3, 9)
    assert complaint.acknowledgement_due == D(2026, 3, 12)
    assert complaint.complainant_id == concern.complainant_id
    assert complaint.issues.count() == 1 and complaint.issues.get().outcome == ""
    with pytest.raises(ValidationError):
        actions.escalate_pals_concern(acting_user=manager, concern=concern)
    with pytest.raises(ValidationError):
        actions.escalate_pals_concern(acting_user=manager, concern=complaint)


def test_a_pals_concern_can_be_closed_as_resolved_but_not_acknowledged(trust) -> None:
    manager = trust.people["complaints_manager"]
    concern = record(trust, kind="pals")
    with pytest.raises(ValidationError) as caught:
        actions.acknowledge(
            acting_user=manager,
            complaint=concern,
            acknowledged_on=D(2026, 3, 3),
            discussion_offered_on=D(2026, 3, 3),
        )
    assert "on a pals concern" in messages(caught)
    assert actions.close(acting_user=manager, complaint=concern).status == Status.CLOSED


def test_acknowledgement_records_the_offer_to_discuss(trust) -> None:
    manager = trust.people["complaints_manager"]
    complaint = record(trust)
    with pytest.raises(ValidationError) as caught:
        actions.acknowledge(
            acting_user=manager,
            complaint=complaint,
            acknowledged_on=D(2026, 3, 3),
            discussion_offered_on=None,
        )
    assert "offered to discuss" in messages(caught)
    with pytest.raises(ValidationError) as caught:
        actions.acknowledge(
            acting_user=manager,
            complaint=complaint,
            acknowledged_on=D(2026, 3, 1),
            discussion_offered_on=D(2026, 3, 3),
        )
    assert "before the day it was received" in messages(caught)


def test_a_draft_needs_every_issue_decided(trust) -> None:
    manager = trust.people["complaints_manager"]
    complaint = record(trust)
    complaint = actions.acknowledge(
        acting_user=manager,
        complaint=complaint,
        acknowledged_on=D(2026, 3, 3),
        discussion_offered_on=D(2026, 3, 3),
    )
    complaint = actions.start_investigation(acting_user=manager, complaint=complaint)
    with pytest.raises(ValidationError) as caught:
        actions.submit_draft(acting_user=manager, complaint=complaint)
    assert "at least one issue" in messages(caught)
    issue(trust, complaint)
    with pytest.raises(ValidationError) as caught:
        actions.submit_draft(acting_user=manager, complaint=complaint)
    assert "outcome of issue 1" in messages(caught)


@pytest.mark.parametrize(
    ("step", "call"),
    [
        (
            "start_investigation",
            lambda u, c: actions.start_investigation(acting_user=u, complaint=c),
        ),
        ("submit_draft", lambda u, c: actions.submit_draft(acting_user=u, complaint=c)),
        (
            "sign_off",
            lambda u, c: actions.sign_off(acting_user=u, complaint=c, capacity="delegate"),
        ),
        (
            "record_response",
            lambda u, c: actions.record_response(
                acting_user=u, complaint=c, responded_on=D(2026, 3, 20)
            ),
        ),
        ("close", lambda u, c: actions.close(acting_user=u, complaint=c)),
        ("reopen", lambda u, c: actions.reopen(acting_user=u, complaint=c, reason="x")),
    ],
)
def test_steps_out_of_turn_are_refused(trust, step, call) -> None:
    complaint = record(trust)
    assert step not in workflow.steps_available(complaint)
    with pytest.raises(ValidationError) as caught:
        call(trust.people["complaints_manager"], complaint)
    assert "while it is received" in messages(caught)


def test_every_step_leads_to_a_real_status() -> None:
    for step in workflow.STEPS.values():
        assert step.to in Status.values
        for kind, statuses in step.allowed_from.items():
            assert kind in Kind.values
            assert statuses <= set(Status.values)


def _to_draft(trust):
    manager = trust.people["complaints_manager"]
    complaint = to_responded(trust, record(trust))
    complaint = actions.reopen(acting_user=manager, complaint=complaint, reason="More to say")
    complaint = actions.start_investigation(acting_user=manager, complaint=complaint)
    complaint = actions.submit_draft(acting_user=manager, complaint=complaint)
    final_letter(trust.people["complaints_handler"], complaint)
    return complaint


def test_the_responsible_person_signs_off(trust) -> None:
    draft = _to_draft(trust)
    executive = trust.people["executive"]
    signed = actions.sign_off(acting_user=executive, complaint=draft, capacity="responsible_person")
    assert signed.signed_off_by == executive


def test_a_signatory_can_send_the_draft_back(trust) -> None:
    draft = _to_draft(trust)
    back = actions.return_draft(acting_user=trust.people["executive"], complaint=draft)
    assert back.status == Status.INVESTIGATING


@pytest.mark.parametrize(
    "persona", ["complaints_handler", "service_lead", "board_member", "outsider", "operator"]
)
def test_others_cannot_sign_off_or_return_a_draft(trust, persona) -> None:
    draft = _to_draft(trust)
    with pytest.raises(PermissionDenied):
        actions.sign_off(acting_user=trust.people[persona], complaint=draft, capacity="delegate")
    with pytest.raises(PermissionDenied):
        actions.return_draft(acting_user=trust.people[persona], complaint=draft)


@pytest.mark.parametrize(
    "persona", ["service_lead", "executive", "board_member", "outsider", "operator"]
)
def test_only_complaints_staff_move_a_case_on(trust, persona) -> None:
    user = trust.people[persona]
    complaint = record(trust)
    with pytest.raises(PermissionDenied):
        actions.acknowledge(
            acting_user=user,
            complaint=complaint,
            acknowledged_on=D(2026, 3, 3),
            discussion_offered_on=D(2026, 3, 3),
        )
    with pytest.raises(PermissionDenied):
        actions.transfer(acting_user=user, complaint=complaint, transferred_to="ICB")
    with pytest.raises(PermissionDenied):
        actions.assign_handler(acting_user=user, complaint=complaint, handler=None)
    responded = to_responded(trust, record(trust))
    for call in (
        lambda: actions.close(acting_user=user, complaint=responded),
        lambda: actions.reopen(acting_user=user, complaint=responded, reason="x"),
        lambda: actions.refer_to_phso(
            acting_user=user, complaint=responded, referred_on=D(2026, 6, 1)
        ),
    ):
        with pytest.raises(PermissionDenied):
            call()
    concern = record(trust, kind="pals")
    with pytest.raises(PermissionDenied):
        actions.escalate_pals_concern(acting_user=user, concern=concern)


def test_a_representative_without_consent_cannot_be_sent_the_response(trust) -> None:
    manager = trust.people["complaints_manager"]
    complaint = record(
        trust,
        complainant=actions.ComplainantDetails(
            full_name="Jo Rivera",
            phone="01234 567890",
            representative_basis="authorised",
            consent_status="awaited",
        ),
        patient=actions.PatientDetails("Sam Rivera"),
    )
    with pytest.raises(ValidationError) as caught:
        to_responded(trust, complaint)
    assert "has not consented" in messages(caught)
    actions.update_consent(
        acting_user=manager,
        complaint=complaint,
        consent_status="given",
        consent_evidence="Signed form on file",
    )
    complaint.refresh_from_db()
    sent = actions.record_response(
        acting_user=manager, complaint=complaint, responded_on=D(2026, 4, 2)
    )
    assert sent.status == Status.RESPONDED
