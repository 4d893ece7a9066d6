"""Finishing an action: its evidence in the library, completion, sign-off, reopening."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from dateutil.relativedelta import relativedelta
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from wellled.assurance import actions as assurance_actions
from wellled.assurance.models import EvidenceItem, EvidenceKind
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
from wellled.improvement.actions.progress import _require_open, _require_update
from wellled.improvement.models import Action, ActionEvidence, ProgressUpdate, Status

# Completion evidence stays current in the library for a year, then asks for review.
EVIDENCE_REVIEW = relativedelta(years=1)


@transaction.atomic
def add_evidence(
    *,
    acting_user: Actor,
    action: Action,
    kind: str,
    title: str,
    statement_ids: Sequence[str],
    description: str = "",
    url: str = "",
    upload: UploadedFile | None = None,
    measure_key: str = "",
    evidence_date: datetime.date | None = None,
) -> ActionEvidence:
    """File evidence of completion in the assurance evidence library, tagged to the
    quality statements it supports, and link it to the action: one upload serves
    both the action and CQC."""
    action = lock(action)
    _require_update(acting_user, action)
    _require_open(action)
    evidence_date = evidence_date or timezone.localdate()
    owner = acting_user if isinstance(acting_user, User) else action.owner
    item = assurance_actions.add_evidence(
        acting_user=acting_user,
        kind=kind,
        title=title,
        unit=action.unit,
        statement_ids=statement_ids,
        owner=owner,
        evidence_date=evidence_date,
        review_date=evidence_date + EVIDENCE_REVIEW,
        description=description,
        url=url,
        upload=upload,
        measure_key=measure_key,
        # The improvement rules above decided this person may file it (an owner
        # need not otherwise contribute to the library).
        authorised=True,
    )
    return _link(acting_user, action, item)


@transaction.atomic
def link_evidence(*, acting_user: Actor, action: Action, item: EvidenceItem) -> ActionEvidence:
    """Cite an item already in the library as this action's evidence."""
    action = lock(action)
    _require_update(acting_user, action)
    _require_open(action)
    if item.is_retired:
        raise ValidationError({"item": "That evidence is retired: choose current evidence"})
    if ActionEvidence.objects.filter(action=action, item=item).exists():
        raise ValidationError({"item": "That evidence is already linked to this action"})
    return _link(acting_user, action, item)


def _link(acting_user: Actor, action: Action, item: EvidenceItem) -> ActionEvidence:
    link = ActionEvidence.objects.create(action=action, item=item, added_on=timezone.localdate())
    audit.record(
        acting_user=acting_user,
        action="improvement.evidence_linked",
        obj=action,
        after={"evidence_item_id": item.pk},
    )
    return link


@transaction.atomic
def complete_action(
    *,
    acting_user: Actor,
    action: Action,
    note: str,
    done_on: datetime.date | None = None,
    measure: str | None = None,
) -> Action:
    """Done: with its evidence where the source asks for it, and optionally the
    measure it meant to move ("did it work?")."""
    action = lock(action)
    _require_update(acting_user, action)
    _require_open(action)
    today = timezone.localdate()
    done_on = done_on or today
    errors: dict[str, str] = {}
    if not note.strip():
        errors["note"] = "Say what was done"
    if done_on > today:
        errors["done_on"] = "The date it was done cannot be in the future"
    elif done_on < action.raised_on:
        errors["done_on"] = "The date it was done cannot be before the action was raised"
    source_type = sources.get(action.source_kind)
    needs_evidence = source_type is None or source_type.evidence_required
    if needs_evidence and not action.evidence_links.exists():
        errors["note"] = (
            "Add evidence of completion (a document, a link, a note or a live measure) "
            "before marking the action done"
        )
    refuse_if(errors)
    before = snapshot(action)
    ProgressUpdate.objects.create(
        action=action,
        written_on=done_on,
        note=note.strip(),
        status=Status.DONE,
        author=person(acting_user),
    )
    action.status, action.done_on = Status.DONE, done_on
    action.completion_note = note.strip()
    if measure is not None:
        action.measure = measure.strip()
    return save_and_record(action, before, acting_user=acting_user, event="improvement.completed")


@transaction.atomic
def sign_off_action(*, acting_user: User, action: Action, note: str = "") -> Action:
    """Someone other than the owner, holding the named role, confirms it is done."""
    action = lock(action)
    if not isinstance(acting_user, User) or not acting_user.is_authenticated:
        raise PermissionDenied("Sign-off needs a named person")
    if action.owner_id == acting_user.pk:
        raise ValidationError("You own this action, so you cannot sign it off: someone else must")
    if not access.may_sign_off(acting_user, action):
        raise PermissionDenied("You do not hold the role that signs this action off")
    if action.signed_off_on is not None:
        raise ValidationError("This action has already been signed off")
    if action.status != Status.DONE:
        raise ValidationError(
            "The action is not done yet: its owner completes it, with evidence, before sign-off"
        )
    open_milestones = action.milestones.filter(done_on__isnull=True).count()
    if open_milestones:
        raise ValidationError(
            f"{open_milestones} milestone{'s are' if open_milestones > 1 else ' is'} not done: "
            "the owner completes every milestone before the action can be signed off"
        )
    before = snapshot(action)
    action.signed_off_by, action.signed_off_on = acting_user, timezone.localdate()
    action.sign_off_note = note.strip()
    return save_and_record(action, before, acting_user=acting_user, event="improvement.signed_off")


@transaction.atomic
def reopen_action(*, acting_user: Actor, action: Action, reason: str) -> Action:
    """Back to open: the work was not finished, or did not work. Any sign-off is
    withdrawn; the reason is kept as a progress update and in the audit."""
    action = lock(action)
    may = access.may_manage(acting_user, action) or (
        isinstance(acting_user, User) and access.may_sign_off(acting_user, action)
    )
    if not may:
        raise PermissionDenied("Only a manager or the signing role can reopen the action")
    if action.is_open:
        raise ValidationError("The action is still open, so there is nothing to reopen")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the action is reopened"})
    before = snapshot(action)
    ProgressUpdate.objects.create(
        action=action,
        written_on=timezone.localdate(),
        status=Status.ON_TRACK,
        note=f"Reopened: {reason.strip()}",
        author=person(acting_user),
    )
    action.status, action.done_on = Status.ON_TRACK, None
    action.signed_off_by, action.signed_off_on, action.sign_off_note = None, None, ""
    return save_and_record(
        action, before, acting_user=acting_user, event="improvement.reopened", reason=reason.strip()
    )


@transaction.atomic
def complete_with_note(
    *,
    acting_user: Actor,
    action: Action,
    evidence: str,
    done_on: datetime.date | None = None,
) -> Action:
    """Done in one step, with a written account of what was done filed as a note in
    the evidence library under the source's quality statements: for pages (such as
    a complaint's learning) that ask only for the evidence, as they always did."""
    if not evidence.strip():
        raise ValidationError({"evidence": "Enter the evidence that this was done"})
    action = lock(action)
    source_type = sources.get(action.source_kind)
    info = source_type.describe([action.source_id]).get(action.source_id) if source_type else None
    add_evidence(
        acting_user=acting_user,
        action=action,
        kind=EvidenceKind.NOTE,
        title=f"Evidence of completion: {action.title}"[:200],
        description=evidence.strip(),
        statement_ids=info.statement_ids if info else (),
        evidence_date=done_on,
    )
    return complete_action(acting_user=acting_user, action=action, note=evidence, done_on=done_on)
