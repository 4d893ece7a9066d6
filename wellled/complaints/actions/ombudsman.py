"""The Ombudsman: referrals, decisions and recommendations."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from wellled.complaints.actions._common import (
    Date,
    begin_step,
    day_errors,
    raise_errors,
    require_capability,
    save_case,
)
from wellled.complaints.models import (
    Complaint,
    PHSODecision,
    PHSORecommendation,
    PHSOReferral,
)
from wellled.core import audit
from wellled.core.types import Actor
from wellled.organisation.access import Cap


@transaction.atomic
def refer_to_phso(
    *, acting_user: Actor, complaint: Complaint, referred_on: Date, phso_reference: str = ""
) -> Complaint:
    """The complainant has taken the complaint to the Ombudsman (the trust was told)."""
    complaint, to, before = begin_step(complaint, "refer_to_phso", acting_user=acting_user)
    errors = day_errors(
        referred_on,
        "referred_on",
        not_before=complaint.responded_on or complaint.received_on,
        before_label="the response",
        today=timezone.localdate(),
    )
    raise_errors(errors)
    complaint.status = to
    complaint.referred_to_phso_on = referred_on
    complaint.closed_on = None
    save_case(complaint, before, acting_user=acting_user, action="complaint.referred_to_phso")
    referral = PHSOReferral.objects.create(
        complaint=complaint, referred_on=referred_on, phso_reference=phso_reference.strip()[:60]
    )
    audit.record(
        acting_user=acting_user,
        action="complaint.phso_referral_recorded",
        obj=referral,
        after={"complaint_id": complaint.pk, "referred_on": referred_on},
    )
    return complaint


def _lock_referral(referral: PHSOReferral) -> PHSOReferral:
    return PHSOReferral.objects.select_for_update().select_related("complaint").get(pk=referral.pk)


@transaction.atomic
def record_phso_decision(
    *,
    acting_user: Actor,
    referral: PHSOReferral,
    decision: str,
    decision_on: Date,
    decision_summary: str = "",
) -> PHSOReferral:
    referral = _lock_referral(referral)
    require_capability(acting_user, Cap.MANAGE_COMPLAINTS, referral.complaint.service)
    errors = day_errors(
        decision_on,
        "decision_on",
        not_before=referral.referred_on,
        before_label="the referral",
        today=timezone.localdate(),
    )
    if decision not in PHSODecision.values or decision == PHSODecision.PENDING:
        errors["decision"] = "Choose the Ombudsman's decision"
    raise_errors(errors)
    before = {"decision": referral.decision, "decision_on": referral.decision_on}
    referral.decision = decision
    referral.decision_on = decision_on
    referral.decision_summary = decision_summary.strip()
    referral.save(update_fields=["decision", "decision_on", "decision_summary"])
    audit.record(
        acting_user=acting_user,
        action="complaint.phso_decision",
        obj=referral,
        before=before,
        after={"decision": decision, "decision_on": decision_on},
    )
    return referral


@transaction.atomic
def add_phso_recommendation(
    *, acting_user: Actor, referral: PHSOReferral, description: str, due_on: Date | None
) -> PHSORecommendation:
    referral = _lock_referral(referral)
    require_capability(acting_user, Cap.MANAGE_COMPLAINTS, referral.complaint.service)
    errors: dict[str, str] = {}
    if not description.strip():
        errors["description"] = "Describe what the Ombudsman recommended"
    if due_on is None:
        errors["due_on"] = "Enter the date the Ombudsman expects it done by"
    elif due_on < referral.referred_on:
        errors["due_on"] = "The due date cannot be before the referral"
    raise_errors(errors)
    assert due_on is not None
    recommendation = PHSORecommendation.objects.create(
        referral=referral, description=description.strip(), due_on=due_on
    )
    audit.record(
        acting_user=acting_user,
        action="complaint.phso_recommendation_added",
        obj=recommendation,
        after={"referral_id": referral.pk, "due_on": due_on},
    )
    return recommendation


@transaction.atomic
def complete_phso_recommendation(
    *,
    acting_user: Actor,
    recommendation: PHSORecommendation,
    completed_on: Date,
    evidence: str,
) -> PHSORecommendation:
    recommendation = (
        PHSORecommendation.objects.select_for_update()
        .select_related("referral__complaint")
        .get(pk=recommendation.pk)
    )
    require_capability(
        acting_user, Cap.MANAGE_COMPLAINTS, recommendation.referral.complaint.service
    )
    if recommendation.completed_on is not None:
        raise ValidationError("This recommendation is already recorded as completed")
    errors = day_errors(
        completed_on,
        "completed_on",
        not_before=recommendation.referral.referred_on,
        before_label="the referral",
        today=timezone.localdate(),
    )
    if not evidence.strip():
        errors["evidence"] = "Say what shows the recommendation was carried out"
    raise_errors(errors)
    recommendation.completed_on = completed_on
    recommendation.evidence = evidence.strip()
    recommendation.save(update_fields=["completed_on", "evidence"])
    audit.record(
        acting_user=acting_user,
        action="complaint.phso_recommendation_completed",
        obj=recommendation,
        after={"completed_on": completed_on, "has_evidence": True},
    )
    return recommendation
