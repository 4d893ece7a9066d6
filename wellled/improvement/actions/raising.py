"""Raising an action from its source, and re-planning or reassigning it."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from wellled.core import audit
from wellled.core.types import Actor
from wellled.improvement import access, sources
from wellled.improvement.actions._common import (
    lock,
    person,
    refuse_if,
    save_and_record,
    snapshot,
)
from wellled.improvement.models import Action, DueDateChange, Milestone
from wellled.organisation.access import holds_role
from wellled.organisation.models import OrgUnit, Role

MilestonePlan = Sequence[tuple[str, datetime.date | None]]


def _check_owner(owner: User | None, unit: OrgUnit, errors: dict[str, str]) -> None:
    if owner is None:
        errors["owner"] = "Choose who owns the action"
    elif not owner.is_active:
        errors["owner"] = "Choose an owner whose login is active"
    elif not access.owner_in_scope(owner, unit):
        errors["owner"] = (
            f"{owner.get_full_name() or owner.get_username()} does not work in or over "
            f"{unit.name}: choose an owner from that part of the trust"
        )


def _check_executive(executive: User | None, unit: OrgUnit, errors: dict[str, str]) -> None:
    if executive is not None and not (
        executive.is_active and holds_role(executive, Role.EXECUTIVE, unit)
    ):
        errors["executive"] = f"Choose an executive accountable for {unit.name}"


def _check_milestones(
    milestones: MilestonePlan, raised_on: datetime.date, errors: dict[str, str]
) -> None:
    for title, due in milestones:
        if not title.strip():
            errors["milestones"] = "Give every milestone a title"
        elif due is None:
            errors["milestones"] = f"Enter the date the milestone “{title.strip()}” is due"
        elif due < raised_on:
            errors["milestones"] = (
                f"The milestone “{title.strip()}” cannot be due before the action was raised"
            )


def _check_wording(title: str, role: str, errors: dict[str, str]) -> None:
    if not title.strip():
        errors["title"] = "Say what will change"
    if role and role not in Role.values:
        errors["sign_off_role"] = "Choose the role that signs the action off"


def _check_due(
    due_on: datetime.date | None, raised_on: datetime.date, errors: dict[str, str]
) -> None:
    if due_on is None:
        errors["due_on"] = "Enter the date the action is due"
    elif due_on < raised_on:
        errors["due_on"] = (
            f"The due date cannot be before the action was raised ({raised_on:%-d %B %Y})"
        )


def _record_raised(acting_user: Actor, action: Action, milestones: MilestonePlan) -> None:
    """The planned milestones, and the audit event of the raising."""
    Milestone.objects.bulk_create(
        Milestone(action=action, title=m_title.strip(), due_on=m_due)
        for m_title, m_due in milestones
        if m_due is not None
    )
    audit.record(
        acting_user=acting_user,
        action="improvement.action_raised",
        obj=action,
        after={**snapshot(action), "source": f"{action.source_kind}:{action.source_id}"},
    )


@transaction.atomic
def raise_action(
    *,
    acting_user: Actor,
    source_kind: str,
    source_id: str,
    title: str,
    owner: User | None,
    due_on: datetime.date | None,
    unit: OrgUnit | None = None,
    team: OrgUnit | None = None,
    executive: User | None = None,
    description: str = "",
    milestones: MilestonePlan = (),
    measure: str = "",
    sign_off_role: str | None = None,
    raised_on: datetime.date | None = None,
) -> Action:
    """An action answering a source, with an accountable owner and a due date.

    The unit defaults to the source's own; the sign-off role to the source's
    default (pass "" for none).
    """
    source_id = str(source_id)
    source_type = sources.get(source_kind)
    if source_type is None:
        raise ValidationError({"source_kind": "Choose what raised this action"})
    if not access.may_raise(acting_user, source_kind, source_id):
        raise PermissionDenied("You may not raise actions on this")
    info = source_type.describe([source_id]).get(source_id)
    if info is None:
        raise ValidationError({"source_id": f"No such {source_type.label.lower()}"})
    unit = unit or OrgUnit.objects.get(pk=info.unit_id)
    raised_on = raised_on or timezone.localdate()
    role = source_type.sign_off_role if sign_off_role is None else sign_off_role
    errors: dict[str, str] = {}
    _check_wording(title, role, errors)
    _check_owner(owner, unit, errors)
    _check_executive(executive, unit, errors)
    _check_due(due_on, raised_on, errors)
    _check_milestones(milestones, raised_on, errors)
    refuse_if(errors)
    assert owner is not None and due_on is not None
    action = Action.objects.create(
        title=title.strip(),
        description=description.strip(),
        source_kind=source_kind,
        source_id=source_id,
        unit=unit,
        team=team,
        owner=owner,
        executive=executive,
        raised_on=raised_on,
        due_on=due_on,
        measure=measure.strip(),
        sign_off_role=role,
        raised_by=person(acting_user),
    )
    _record_raised(acting_user, action, milestones)
    return action


@transaction.atomic
def replan_action(
    *, acting_user: Actor, action: Action, due_on: datetime.date | None, reason: str
) -> Action:
    """Move the due date, keeping the old date and the reason (like an extension)."""
    action = lock(action)
    if not access.may_manage(acting_user, action):
        raise PermissionDenied("Only a manager of this part of the trust can re-plan the action")
    errors: dict[str, str] = {}
    if not action.is_open:
        errors["due_on"] = "The action is done: reopen it before re-planning"
    if due_on is None:
        errors["due_on"] = "Enter the new due date"
    elif due_on < action.raised_on:
        errors["due_on"] = "The due date cannot be before the action was raised"
    elif due_on == action.due_on:
        errors["due_on"] = "The new due date is the same as the current one"
    if not reason.strip():
        errors["reason"] = "Say why the due date moves"
    refuse_if(errors)
    assert due_on is not None
    before = snapshot(action)
    DueDateChange.objects.create(
        action=action,
        previous_due_on=action.due_on,
        new_due_on=due_on,
        reason=reason.strip(),
        changed_by=person(acting_user),
        changed_on=timezone.localdate(),
    )
    action.due_on = due_on
    return save_and_record(
        action,
        before,
        acting_user=acting_user,
        event="improvement.replanned",
        reason=reason.strip(),
    )


@transaction.atomic
def reassign_action(
    *,
    acting_user: Actor,
    action: Action,
    owner: User | None,
    team: OrgUnit | None = None,
    executive: User | None = None,
) -> Action:
    action = lock(action)
    if not access.may_manage(acting_user, action):
        raise PermissionDenied("Only a manager of this part of the trust can reassign the action")
    errors: dict[str, str] = {}
    _check_owner(owner, action.unit, errors)
    _check_executive(executive, action.unit, errors)
    if owner is not None and action.signed_off_by_id == owner.pk:
        errors["owner"] = "The person who signed the action off cannot own it"
    refuse_if(errors)
    assert owner is not None
    before = snapshot(action)
    action.owner, action.team, action.executive = owner, team, executive
    return save_and_record(action, before, acting_user=acting_user, event="improvement.reassigned")
