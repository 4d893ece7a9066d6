"""Every write to learning. Views, demo data and tests all call these.

Recording learning actions and sharing needs MANAGE_LEARNING over the
complaint's service; the owner of an action may complete it (`access.py`). `acting_user=None`
is the system (demo data). Audit events hold ids and dates, never the text.
"""

from __future__ import annotations

import datetime

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from wellled.complaints.models import NEEDS_LEARNING, Complaint, ComplaintIssue
from wellled.core import audit
from wellled.core.types import Actor
from wellled.learning.access import may_complete, may_manage
from wellled.learning.models import LearningAction, LearningShare, ReadReceipt, YouSaidWeDid
from wellled.learning.queries import is_in_audience
from wellled.learning.redaction import personal_details_in
from wellled.organisation.models import OrgUnit, UnitKind

Date = datetime.date
_MAX_TEXT = 5000


def _require_manage(acting_user: Actor, service: OrgUnit) -> None:
    if not may_manage(acting_user, service):
        raise PermissionDenied


def _text(value: str, field: str, label: str, errors: dict[str, str]) -> str:
    value = value.strip()
    if not value:
        errors[field] = f"Enter {label}"
    elif len(value) > _MAX_TEXT:
        errors[field] = f"{label[0].upper()}{label[1:]} must be {_MAX_TEXT} characters or fewer"
    return value


def _no_personal_details(
    text: str, field: str, complaint: Complaint | None, errors: dict[str, str]
) -> None:
    found = personal_details_in(text, complaint)
    if found:
        errors[field] = (
            "This will be read by people who must not be able to identify anyone: "
            f"remove {', '.join(found)}"
        )


def _raise(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def add_learning_action(
    *,
    acting_user: Actor,
    issue: ComplaintIssue,
    description: str,
    owner: User,
    due_on: Date,
) -> LearningAction:
    """An action for an upheld or partially upheld issue, with an owner and a due date."""
    complaint = issue.complaint
    _require_manage(acting_user, complaint.service)
    errors: dict[str, str] = {}
    description = _text(description, "description", "what will change", errors)
    if issue.outcome not in NEEDS_LEARNING:
        errors["issue"] = "Learning actions are for upheld or partially upheld issues"
    if not owner.is_active:
        errors["owner"] = "Choose an owner whose login is active"
    if due_on < complaint.received_on:
        errors["due_on"] = "The due date must be on or after the day the complaint was received"
    _raise(errors)
    action = LearningAction.objects.create(
        issue=issue, description=description, owner=owner, due_on=due_on
    )
    audit.record(
        acting_user=acting_user,
        action="learning.action_added",
        obj=action,
        after={"issue_id": issue.pk, "owner_id": owner.pk, "due_on": due_on.isoformat()},
    )
    return action


@transaction.atomic
def complete_learning_action(
    *,
    acting_user: Actor,
    action: LearningAction,
    evidence: str,
    completed_on: Date | None = None,
) -> LearningAction:
    """Done, with the evidence that shows it: refused without evidence."""
    action = LearningAction.objects.select_for_update().get(pk=action.pk)
    if not may_complete(acting_user, action):
        raise PermissionDenied
    today = timezone.localdate()
    completed_on = completed_on or today
    errors: dict[str, str] = {}
    evidence = _text(evidence, "evidence", "the evidence that this was done", errors)
    if completed_on > today:
        errors["completed_on"] = "The date it was done must be today or in the past"
    elif completed_on < action.issue.complaint.received_on:
        errors["completed_on"] = (
            "The date it was done must be on or after the day the complaint was received"
        )
    if action.is_done:
        errors["evidence"] = "This action is already done"
    _raise(errors)
    action.evidence = evidence
    action.completed_on = completed_on
    action.completed_by = acting_user if isinstance(acting_user, User) else None
    action.save(update_fields=["evidence", "completed_on", "completed_by"])
    audit.record(
        acting_user=acting_user,
        action="learning.action_completed",
        obj=action,
        after={"completed_on": completed_on.isoformat()},
    )
    return action


@transaction.atomic
def share_learning(
    *,
    acting_user: Actor,
    complaint: Complaint,
    title: str,
    summary: str,
    audience: list[OrgUnit],
    shared_on: Date | None = None,
) -> LearningShare:
    """Share a case's learning with chosen teams, services or sites."""
    _require_manage(acting_user, complaint.service)
    errors: dict[str, str] = {}
    title = _text(title, "title", "a title", errors)
    summary = _text(summary, "summary", "the learning to share", errors)
    for field, text in (("title", title), ("summary", summary)):
        if field not in errors:
            _no_personal_details(text, field, complaint, errors)
    issues = [issue for issue in complaint.issues.all() if issue.learning_statement.strip()]
    if not issues:
        errors["summary"] = (
            "Record the learning on the case's issues before sharing it: there is none yet"
        )
    if not audience:
        errors["audience"] = "Choose at least one team, service or site to share it with"
    elif any(
        unit.kind not in (UnitKind.TEAM, UnitKind.SERVICE, UnitKind.SITE, UnitKind.CARE_GROUP)
        or not unit.is_active
        for unit in audience
    ):
        errors["audience"] = "Share only with open teams, services, care groups or sites"
    _raise(errors)
    share = LearningShare.objects.create(
        complaint=complaint,
        title=title,
        summary=summary,
        service=complaint.service,
        site=complaint.site,
        shared_by=acting_user if isinstance(acting_user, User) else None,
        shared_on=shared_on or timezone.localdate(),
    )
    share.audience.set(audience)
    share.themes.set({issue.subject_id for issue in issues})
    audit.record(
        acting_user=acting_user,
        action="learning.shared",
        obj=share,
        after={"complaint_id": complaint.pk, "audience": sorted(unit.pk for unit in audience)},
    )
    return share


@transaction.atomic
def confirm_read(*, acting_user: User, share: LearningShare) -> ReadReceipt:
    """A member of the audience confirms they have read it (once; again is harmless)."""
    if not is_in_audience(acting_user, share):
        raise PermissionDenied
    existing = ReadReceipt.objects.filter(share=share, user=acting_user).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            receipt = ReadReceipt.objects.create(share=share, user=acting_user)
    except IntegrityError:  # a double click racing itself
        return ReadReceipt.objects.get(share=share, user=acting_user)
    audit.record(acting_user=acting_user, action="learning.read", obj=share)
    return receipt


@transaction.atomic
def publish_you_said_we_did(
    *,
    acting_user: Actor,
    service: OrgUnit,
    you_said: str,
    we_did: str,
    month: Date,
    share: LearningShare | None = None,
) -> YouSaidWeDid:
    """A public summary. It names no one, so it is checked like shared learning."""
    _require_manage(acting_user, service)
    errors: dict[str, str] = {}
    you_said = _text(you_said, "you_said", "what people told us", errors)
    we_did = _text(we_did, "we_did", "what we did", errors)
    complaint = share.complaint if share is not None else None
    for field, text in (("you_said", you_said), ("we_did", we_did)):
        if field not in errors:
            _no_personal_details(text, field, complaint, errors)
    today = timezone.localdate()
    month = month.replace(day=1)
    if month > today:
        errors["month"] = "The month must be this month or earlier"
    if service.kind != UnitKind.SERVICE:
        errors["service"] = "Choose a service"
    _raise(errors)
    summary = YouSaidWeDid.objects.create(
        service=service,
        you_said=you_said,
        we_did=we_did,
        month=month,
        share=share,
        published_by=acting_user if isinstance(acting_user, User) else None,
        published_on=today,
    )
    audit.record(
        acting_user=acting_user,
        action="learning.you_said_we_did_published",
        obj=summary,
        after={"service_id": service.pk, "month": month.isoformat()},
    )
    return summary


@transaction.atomic
def withdraw_you_said_we_did(*, acting_user: Actor, summary: YouSaidWeDid) -> YouSaidWeDid:
    _require_manage(acting_user, summary.service)
    if summary.withdrawn_on is not None:
        raise ValidationError("This summary is already withdrawn")
    summary.withdrawn_on = timezone.localdate()
    summary.save(update_fields=["withdrawn_on"])
    audit.record(acting_user=acting_user, action="learning.you_said_we_did_withdrawn", obj=summary)
    return summary
