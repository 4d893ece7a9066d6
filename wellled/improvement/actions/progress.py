"""How an open action is going: dated progress updates and milestones."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from wellled.core import audit
from wellled.core.types import Actor
from wellled.improvement import access
from wellled.improvement.actions._common import (
    lock,
    person,
    refuse_if,
    save_and_record,
    snapshot,
)
from wellled.improvement.models import OPEN_STATUSES, Action, Milestone, ProgressUpdate


def _require_update(acting_user: Actor, action: Action) -> None:
    if not access.may_update(acting_user, action):
        raise PermissionDenied("Only the action's owner or a manager can update it")


def _require_open(action: Action) -> None:
    if not action.is_open:
        raise ValidationError("The action is done: reopen it before changing it")


@transaction.atomic
def record_progress(
    *,
    acting_user: Actor,
    action: Action,
    status: str,
    note: str,
    written_on: datetime.date | None = None,
) -> ProgressUpdate:
    """A dated note of progress, and the action's status now (done is `complete_action`)."""
    action = lock(action)
    _require_update(acting_user, action)
    _require_open(action)
    today = timezone.localdate()
    written_on = written_on or today
    errors: dict[str, str] = {}
    if status not in OPEN_STATUSES:
        errors["status"] = (
            "Choose not started, on track or at risk (mark it done by completing it, "
            "with its evidence)"
        )
    if not note.strip():
        errors["note"] = "Write what has happened since the last update"
    if written_on > today:
        errors["written_on"] = "The date of the update cannot be in the future"
    elif written_on < action.raised_on:
        errors["written_on"] = "The date of the update cannot be before the action was raised"
    refuse_if(errors)
    before = snapshot(action)
    update = ProgressUpdate.objects.create(
        action=action,
        written_on=written_on,
        note=note.strip(),
        status=status,
        author=person(acting_user),
    )
    action.status = status
    save_and_record(action, before, acting_user=acting_user, event="improvement.progress")
    return update


@transaction.atomic
def add_milestone(
    *, acting_user: Actor, action: Action, title: str, due_on: datetime.date | None
) -> Milestone:
    action = lock(action)
    _require_update(acting_user, action)
    _require_open(action)
    errors: dict[str, str] = {}
    if not title.strip():
        errors["title"] = "Give the milestone a title"
    if due_on is None:
        errors["due_on"] = "Enter the date the milestone is due"
    elif due_on < action.raised_on:
        errors["due_on"] = "A milestone cannot be due before the action was raised"
    refuse_if(errors)
    assert due_on is not None
    milestone = Milestone.objects.create(action=action, title=title.strip(), due_on=due_on)
    audit.record(
        acting_user=acting_user,
        action="improvement.milestone_added",
        obj=milestone,
        after={"action_id": action.pk, "title": milestone.title, "due_on": due_on.isoformat()},
    )
    return milestone


@transaction.atomic
def complete_milestone(
    *, acting_user: Actor, milestone: Milestone, done_on: datetime.date | None = None
) -> Milestone:
    action = lock(milestone.action)
    _require_update(acting_user, action)
    milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
    today = timezone.localdate()
    done_on = done_on or today
    errors: dict[str, str] = {}
    if milestone.done_on is not None:
        errors["done_on"] = "This milestone is already done"
    elif done_on > today:
        errors["done_on"] = "The date it was done cannot be in the future"
    elif done_on < action.raised_on:
        errors["done_on"] = "The date it was done cannot be before the action was raised"
    refuse_if(errors)
    milestone.done_on = done_on
    milestone.save(update_fields=["done_on"])
    audit.record(
        acting_user=acting_user,
        action="improvement.milestone_done",
        obj=milestone,
        after={"action_id": action.pk, "done_on": done_on.isoformat()},
    )
    return milestone
