"""Action plans: planning the action, reassigning it, milestones, progress, executive
sign-off and withdrawing a sign-off."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from wellled.core import audit
from wellled.core.types import Actor
from wellled.inspections.access import (
    holds_sign_off,
    may_manage,
    may_sign_off,
    may_update_plan,
)
from wellled.inspections.actions.common import raise_errors
from wellled.inspections.models import (
    ActionPlan,
    Finding,
    Milestone,
    PlanStatus,
    ProgressUpdate,
)

Date = datetime.date


def _plan_snapshot(plan: ActionPlan) -> dict[str, Any]:
    return {
        "title": plan.title,
        "owner_id": plan.owner_id,
        "due_date": plan.due_date,
        "status": plan.status,
        "done_on": plan.done_on,
        "signed_off_by_id": plan.signed_off_by_id,
        "signed_off_on": plan.signed_off_on,
    }


def lock_plan(plan: ActionPlan) -> ActionPlan:
    return (
        ActionPlan.objects.select_for_update()
        .select_related("finding__inspection__scope")
        .get(pk=plan.pk)
    )


def _save_plan(
    plan: ActionPlan, before: dict[str, Any], *, acting_user: Actor, action: str
) -> None:
    plan.save()
    old, new = audit.diff(before, _plan_snapshot(plan))
    audit.record(acting_user=acting_user, action=action, obj=plan, before=old, after=new)


def require_update(acting_user: Actor, plan: ActionPlan) -> None:
    if acting_user is not None and not may_update_plan(acting_user, plan):
        raise PermissionDenied("Only the action's owner or a governance lead can update it")


def require_open(plan: ActionPlan) -> None:
    if plan.is_signed_off:
        raise ValidationError(
            "This action has been signed off as done, so it is closed and cannot be changed"
        )


def _check_milestones(milestones: Sequence[tuple[str, Date | None]]) -> dict[str, str]:
    for title, due in milestones:
        if not title.strip():
            return {"milestones": "Give every milestone a title"}
        if due is None:
            return {"milestones": f"Give the milestone '{title.strip()}' a due date"}
    return {}


@transaction.atomic
def create_action_plan(
    *,
    acting_user: Actor,
    finding: Finding,
    title: str,
    owner: User | None,
    due_date: Date | None,
    milestones: Sequence[tuple[str, Date | None]] = (),
) -> ActionPlan:
    if acting_user is not None and not may_manage(acting_user, finding.inspection):
        raise PermissionDenied("You cannot plan actions for this inspection")
    errors: dict[str, str] = {}
    if ActionPlan.objects.filter(finding=finding).exists():
        errors["finding"] = "This finding already has an action plan"
    if not title.strip():
        errors["title"] = "Enter a short title for the action"
    if owner is None:
        errors["owner"] = "Choose the action's owner"
    elif not owner.is_active:
        errors["owner"] = "Choose an owner whose account is active"
    if due_date is None:
        errors["due_date"] = "Enter the date the action is due"
    errors.update(_check_milestones(milestones))
    raise_errors(errors)
    assert owner is not None and due_date is not None
    plan = ActionPlan.objects.create(
        finding=finding, title=title.strip(), owner=owner, due_date=due_date
    )
    Milestone.objects.bulk_create(
        Milestone(plan=plan, title=m_title.strip(), due_date=m_due)
        for m_title, m_due in milestones
        if m_due is not None
    )
    audit.record(
        acting_user=acting_user,
        action="inspections.plan_created",
        obj=plan,
        after={**_plan_snapshot(plan), "finding_id": finding.pk, "milestones": len(milestones)},
    )
    return plan


@transaction.atomic
def change_plan(
    *,
    acting_user: Actor,
    plan: ActionPlan,
    owner: User | None,
    due_date: Date | None,
    title: str,
) -> ActionPlan:
    """Reassign, retitle or re-date a plan: governance leads only."""
    plan = lock_plan(plan)
    if acting_user is not None and not may_manage(acting_user, plan.finding.inspection):
        raise PermissionDenied("Only a governance lead can reassign or re-date an action")
    require_open(plan)
    errors: dict[str, str] = {}
    if owner is None or not owner.is_active:
        errors["owner"] = "Choose an owner whose account is active"
    if due_date is None:
        errors["due_date"] = "Enter the date the action is due"
    if not title.strip():
        errors["title"] = "Enter a short title for the action"
    raise_errors(errors)
    assert owner is not None and due_date is not None
    before = _plan_snapshot(plan)
    plan.owner, plan.due_date, plan.title = owner, due_date, title.strip()
    _save_plan(plan, before, acting_user=acting_user, action="inspections.plan_changed")
    return plan


@transaction.atomic
def add_milestone(
    *, acting_user: Actor, plan: ActionPlan, title: str, due_date: Date | None
) -> Milestone:
    plan = lock_plan(plan)
    require_update(acting_user, plan)
    require_open(plan)
    raise_errors(
        ({"title": "Enter the milestone's title"} if not title.strip() else {})
        | ({"due_date": "Enter the milestone's due date"} if due_date is None else {})
    )
    assert due_date is not None
    milestone = Milestone.objects.create(plan=plan, title=title.strip(), due_date=due_date)
    audit.record(
        acting_user=acting_user,
        action="inspections.milestone_added",
        obj=milestone,
        after={"plan_id": plan.pk, "title": milestone.title, "due_date": due_date},
    )
    return milestone


@transaction.atomic
def complete_milestone(
    *, acting_user: Actor, milestone: Milestone, done_on: Date | None = None
) -> Milestone:
    plan = lock_plan(milestone.plan)
    require_update(acting_user, plan)
    require_open(plan)
    today = timezone.localdate()
    done_on = done_on or today
    if done_on > today:
        raise ValidationError({"done_on": "The date a milestone was met cannot be in the future"})
    if milestone.done_on is not None:
        raise ValidationError({"done_on": "This milestone is already marked as met"})
    milestone.done_on = done_on
    milestone.save(update_fields=["done_on"])
    audit.record(
        acting_user=acting_user,
        action="inspections.milestone_done",
        obj=milestone,
        before={"done_on": None},
        after={"done_on": done_on},
    )
    return milestone


@transaction.atomic
def record_progress(
    *,
    acting_user: Actor,
    plan: ActionPlan,
    note: str,
    status: str,
    written_on: Date | None = None,
) -> ActionPlan:
    """A dated progress note, and the status it leaves the action in.

    "Overdue" is not a status anyone sets: it follows from the due date.
    Done needs evidence of completion first.
    """
    plan = lock_plan(plan)
    require_update(acting_user, plan)
    require_open(plan)
    today = timezone.localdate()
    written_on = written_on or today
    errors: dict[str, str] = {}
    if status == "overdue":
        errors["status"] = (
            "Overdue is worked out from the due date: choose not started, on track, at risk or done"
        )
    elif status not in PlanStatus.values:
        errors["status"] = "Choose not started, on track, at risk or done"
    if not note.strip():
        errors["note"] = "Enter a note of the progress made"
    if written_on > today:
        errors["written_on"] = "The date of the update cannot be in the future"
    if status == PlanStatus.DONE and not plan.evidence.exists():
        errors["status"] = (
            "Add evidence of completion (a document, a link or a note) before marking "
            "the action done"
        )
    raise_errors(errors)
    before = _plan_snapshot(plan)
    ProgressUpdate.objects.create(
        plan=plan,
        written_on=written_on,
        note=note.strip(),
        status=status,
        author=acting_user if isinstance(acting_user, User) else None,
    )
    if status == PlanStatus.DONE and plan.status != PlanStatus.DONE:
        plan.done_on = written_on
    elif status != PlanStatus.DONE:
        plan.done_on = None
    plan.status = status
    _save_plan(plan, before, acting_user=acting_user, action="inspections.progress_recorded")
    return plan


@transaction.atomic
def sign_off(*, acting_user: User, plan: ActionPlan, note: str = "") -> ActionPlan:
    """An executive confirms the action is done: not its owner, and only with evidence."""
    plan = lock_plan(plan)
    if not isinstance(acting_user, User) or not acting_user.is_authenticated:
        raise PermissionDenied("Sign-off needs a named executive")
    if plan.owner_id == acting_user.pk:
        raise ValidationError(
            "You own this action, so you cannot sign it off: another executive must"
        )
    if not may_sign_off(acting_user, plan):
        raise PermissionDenied("Only an executive can sign off inspection actions")
    if plan.is_signed_off:
        raise ValidationError("This action has already been signed off")
    if plan.status != PlanStatus.DONE:
        raise ValidationError(
            "The action is not marked done yet: its owner records it as done, with "
            "evidence, before it can be signed off"
        )
    if not plan.evidence.exists():
        raise ValidationError(
            "The action has no evidence of completion: it cannot be signed off without it"
        )
    before = _plan_snapshot(plan)
    plan.signed_off_by = acting_user
    plan.signed_off_on = timezone.localdate()
    plan.sign_off_note = note.strip()
    _save_plan(plan, before, acting_user=acting_user, action="inspections.signed_off")
    return plan


@transaction.atomic
def reopen_plan(*, acting_user: User, plan: ActionPlan, reason: str) -> ActionPlan:
    """An executive withdraws a sign-off: the action is open again, no longer done.

    The reason is kept as a progress update and in the audit; the sign-off (who, when,
    note) is cleared, and the plan goes back to on track for its owner to finish.
    """
    plan = lock_plan(plan)
    if not isinstance(acting_user, User) or not acting_user.is_authenticated:
        raise PermissionDenied("Reopening needs a named executive")
    if not holds_sign_off(acting_user, plan):
        raise PermissionDenied("Only an executive can reopen a signed-off action")
    if not plan.is_signed_off:
        raise ValidationError("This action has not been signed off, so there is nothing to reopen")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the signed-off action is reopened"})
    before = {**_plan_snapshot(plan), "sign_off_note": plan.sign_off_note}
    ProgressUpdate.objects.create(
        plan=plan,
        written_on=timezone.localdate(),
        note=f"Sign-off withdrawn and the action reopened: {reason.strip()}",
        status=PlanStatus.ON_TRACK,
        author=acting_user,
    )
    plan.signed_off_by = None
    plan.signed_off_on = None
    plan.sign_off_note = ""
    plan.status = PlanStatus.ON_TRACK
    plan.done_on = None
    plan.save()
    after = {**_plan_snapshot(plan), "sign_off_note": ""}
    old, new = audit.diff(before, after)
    audit.record(
        acting_user=acting_user,
        action="inspections.plan_reopened",
        obj=plan,
        before=old,
        after={**new, "reason": reason.strip()},
    )
    return plan
