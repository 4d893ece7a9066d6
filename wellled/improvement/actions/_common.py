"""What the improvement actions share: locking, snapshots for the audit, refusals."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError

from wellled.core import audit
from wellled.core.types import Actor
from wellled.improvement.models import Action


def refuse_if(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError(errors)


def person(acting_user: Actor) -> User | None:
    return acting_user if isinstance(acting_user, User) else None


def lock(action: Action) -> Action:
    """The action re-read under a row lock, so two writers cannot interleave."""
    return Action.objects.select_for_update().select_related("unit").get(pk=action.pk)


def snapshot(action: Action) -> dict[str, Any]:
    return {
        "title": action.title,
        "owner_id": action.owner_id,
        "team_id": action.team_id,
        "executive_id": action.executive_id,
        "unit_id": action.unit_id,
        "due_on": action.due_on.isoformat(),
        "status": action.status,
        "done_on": action.done_on.isoformat() if action.done_on else None,
        "measure": action.measure,
        "sign_off_role": action.sign_off_role,
        "signed_off_by_id": action.signed_off_by_id,
        "signed_off_on": action.signed_off_on.isoformat() if action.signed_off_on else None,
    }


def save_and_record(
    action: Action, before: dict[str, Any], *, acting_user: Actor, event: str, **extra: Any
) -> Action:
    action.save()
    old, new = audit.diff(before, snapshot(action))
    audit.record(
        acting_user=acting_user, action=event, obj=action, before=old, after={**new, **extra}
    )
    return action
