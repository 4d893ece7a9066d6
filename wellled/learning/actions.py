"""Every write to learning. Views, demo data and tests all call these.

Recording learning actions and sharing needs MANAGE_LEARNING over the
complaint's service (`access.py`). Learning actions are improvement actions
(wellled.improvement): the owner, or a manager of the service's learning, completes
them there. `acting_user=None`
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
from wellled.improvement import access as improvement_access
from wellled.improvement import actions as improvement_actions
from wellled.improvement.models import Action
from wellled.learning import improvement_source
from wellled.learning.access import may_manage
from wellled.learning.models import LearningShare, ReadReceipt, YouSaidWeDid
from wellled.learning.queries import is_in_audience
from wellled.learning.redaction import personal_details_in
from wellled.organisation.models import OrgUnit, UnitKind

Date = datetime.date
_MAX_TEXT = 5000
_TITLE_LENGTH = 200


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
    raised_on: Date | None = None,
) -> Action:
    """An improvement action for an upheld or partially upheld issue's learning, with
    an owner and a due date: raised on the one action loop (wellled.improvement), so
    it is followed, reminded, measured and evidenced like every other action.
    `raised_on` (default today) is for records entered after the event."""
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
    # Actions are read on the trust-wide register by leaders who do not see
    # casework, so the wording must not identify anyone.
    _no_personal_details(description, "description", complaint, errors)
    _raise(errors)
    title, long_text = _title(description)
    return improvement_actions.raise_action(
        acting_user=acting_user,
        source_kind=improvement_source.KIND,
        source_id=str(issue.pk),
        title=title,
        description=long_text,
        owner=owner,
        due_on=due_on,
        unit=complaint.service,
        raised_on=raised_on,
    )


def _title(description: str) -> tuple[str, str]:
    """An action's title is short: a longer description is kept whole beside it."""
    if len(description) <= _TITLE_LENGTH:
        return description, ""
    return description[: _TITLE_LENGTH - 1].rstrip() + "…", description


@transaction.atomic
def complete_learning_action(
    *,
    acting_user: Actor,
    action: Action,
    evidence: str,
    completed_on: Date | None = None,
) -> Action:
    """Done, with the evidence that shows it, filed in the evidence library: refused
    without evidence, with a date in the future, or when already done."""
    if action.source_kind != improvement_source.KIND:
        raise ValidationError("This is not a learning action")
    if not improvement_access.may_update(acting_user, action):
        raise PermissionDenied
    action.refresh_from_db()  # the caller's copy may be stale
    today = timezone.localdate()
    completed_on = completed_on or today
    errors: dict[str, str] = {}
    evidence = _text(evidence, "evidence", "the evidence that this was done", errors)
    if completed_on > today:
        errors["completed_on"] = "The date it was done must be today or in the past"
    elif completed_on < action.raised_on:
        errors["completed_on"] = (
            f"The date it was done must be on or after the day the action was raised "
            f"({action.raised_on:%-d %B %Y})"
        )
    if not action.is_open:
        errors["evidence"] = "This action is already done"
    _raise(errors)
    return improvement_actions.complete_with_note(
        acting_user=acting_user, action=action, evidence=evidence, done_on=completed_on
    )


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
