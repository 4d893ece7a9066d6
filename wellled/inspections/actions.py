"""Every write to inspections and action plans. Views, the API, the demo and tests call these.

Rules, each refused with a clear message:
- methodology, key question and statement ids must be known to the ratings engine;
  statement scores are whole numbers from 1 to 4;
- a plan is marked done only when it has evidence of completion;
- sign-off is by a holder of SIGN_OFF_ACTIONS over the inspection's scope who is not
  the owner, only once the plan is done and has evidence; a signed-off plan is closed;
- owners update their own plans; governance leads (MANAGE_INSPECTIONS) update any.

`acting_user=None` is the system (demo data, scheduled jobs) and skips the
permission checks, never the rules.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import filetype
from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from wellled.core import audit, scanning
from wellled.core.types import Actor
from wellled.engines.ratings import (
    Methodology,
    Rating,
    RatingsError,
    UnknownMethodologyError,
    get_methodology,
)
from wellled.inspections.models import (
    ActionPlan,
    CompletionEvidence,
    EvidenceKind,
    Finding,
    FindingKind,
    FindingStatement,
    Inspection,
    InspectionKind,
    KeyQuestionRating,
    Milestone,
    PlanStatus,
    ProgressUpdate,
    StatementScore,
)
from wellled.inspections.queries import may_manage, may_sign_off, may_update_plan
from wellled.organisation.access import Cap, can
from wellled.organisation.models import OrgUnit, UnitKind

Date = datetime.date

# Where an inspection may be scoped: the trust, a location (site) or a service.
SCOPE_KINDS = frozenset({UnitKind.TRUST, UnitKind.SITE, UnitKind.SERVICE})

# Evidence documents: checked from their bytes, never from the name.
ALLOWED_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "png": "image/png",
    "jpg": "image/jpeg",
}
ALLOWED_LABEL = (
    "PDF, Word (.docx), Excel (.xlsx), PowerPoint (.pptx), OpenDocument text, PNG or JPEG"
)


def _raise(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError(errors)


def size_label(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.0f} MB"
    return f"{size // 1024} KB"


# Methodology ids -------------------------------------------------------------


def methodology_or_error(methodology_id: str, field: str = "methodology") -> Methodology:
    try:
        return get_methodology(methodology_id)
    except UnknownMethodologyError as error:
        raise ValidationError({field: str(error)}) from None


def _check_statements(
    methodology: Methodology, statement_ids: Iterable[str], field: str
) -> list[str]:
    known = {s.id for kq in methodology.key_questions for s in kq.statements}
    ids = list(dict.fromkeys(statement_ids))
    unknown = [sid for sid in ids if sid not in known]
    if unknown:
        raise ValidationError(
            {
                field: f"Unknown quality statement {', '.join(repr(u) for u in unknown)} "
                f"in {methodology.id}"
            }
        )
    return ids


# Inspections -----------------------------------------------------------------


def _inspection_snapshot(inspection: Inspection) -> dict[str, Any]:
    return {
        "kind": inspection.kind,
        "title": inspection.title,
        "methodology": inspection.methodology,
        "scope_id": inspection.scope_id,
        "started_on": inspection.started_on,
        "ended_on": inspection.ended_on,
        "report_published_on": inspection.report_published_on,
        "report_url": inspection.report_url,
        "overall_rating": inspection.overall_rating,
    }


def _check_inspection(
    *,
    kind: str,
    title: str,
    methodology: str,
    scope: OrgUnit | None,
    started_on: Date | None,
    ended_on: Date | None,
    report_published_on: Date | None,
    report_url: str,
    overall_rating: str,
) -> str:
    errors: dict[str, str] = {}
    if kind not in InspectionKind.values:
        errors["kind"] = (
            "Choose the type: CQC inspection, CQC assessment, mock inspection or peer review"
        )
    if not title.strip():
        errors["title"] = "Enter a title, for example 'CQC well-led inspection, 2025'"
    try:
        methodology_or_error(methodology)
    except ValidationError as error:
        errors["methodology"] = error.message_dict["methodology"][0]
    if scope is None:
        errors["scope"] = "Choose the trust, a location or a service"
    elif scope.kind not in SCOPE_KINDS:
        errors["scope"] = "An inspection covers the trust, a location (site) or a service"
    if started_on is None:
        errors["started_on"] = "Enter the date the inspection started"
    if ended_on is None:
        errors["ended_on"] = "Enter the date the inspection ended"
    if started_on and ended_on and ended_on < started_on:
        errors["ended_on"] = "The end date cannot be before the start date"
    if report_published_on and started_on and report_published_on < started_on:
        errors["report_published_on"] = "The report cannot be published before the inspection"
    if report_url and not report_url.startswith(("https://", "http://")):
        errors["report_url"] = "Enter the report's web address, starting https://"
    rating = ""
    if overall_rating:
        try:
            rating = str(Rating.parse(overall_rating))
        except RatingsError as error:
            errors["overall_rating"] = str(error)
    _raise(errors)
    return rating


@transaction.atomic
def record_inspection(
    *,
    acting_user: Actor,
    kind: str,
    title: str,
    methodology: str,
    scope: OrgUnit,
    started_on: Date,
    ended_on: Date,
    report_published_on: Date | None = None,
    report_url: str = "",
    overall_rating: str = "",
) -> Inspection:
    if acting_user is not None and not can(acting_user, Cap.MANAGE_INSPECTIONS, scope):
        raise PermissionDenied("You cannot record inspections for this part of the trust")
    rating = _check_inspection(
        kind=kind,
        title=title,
        methodology=methodology,
        scope=scope,
        started_on=started_on,
        ended_on=ended_on,
        report_published_on=report_published_on,
        report_url=report_url,
        overall_rating=overall_rating,
    )
    inspection = Inspection.objects.create(
        kind=kind,
        title=title.strip(),
        methodology=methodology,
        scope=scope,
        started_on=started_on,
        ended_on=ended_on,
        report_published_on=report_published_on,
        report_url=report_url.strip(),
        overall_rating=rating,
        created_by=acting_user if isinstance(acting_user, User) else None,
    )
    audit.record(
        acting_user=acting_user,
        action="inspections.recorded",
        obj=inspection,
        after=_inspection_snapshot(inspection),
    )
    return inspection


@transaction.atomic
def set_ratings(
    *,
    acting_user: Actor,
    inspection: Inspection,
    key_question_ratings: Mapping[str, str],
    statement_scores: Mapping[str, int | None],
    overall_rating: str = "",
) -> Inspection:
    """Replace the inspection's ratings and statement scores with these.

    A key question given "" and a statement given None are left unrated.
    """
    if acting_user is not None and not may_manage(acting_user, inspection):
        raise PermissionDenied("You cannot change this inspection")
    methodology = methodology_or_error(inspection.methodology)
    errors: dict[str, str] = {}
    kq_ids = {kq.id for kq in methodology.key_questions}
    ratings: dict[str, str] = {}
    for kq_id, word in key_question_ratings.items():
        if kq_id not in kq_ids:
            errors["ratings"] = f"Unknown key question {kq_id!r} in {methodology.id}"
            continue
        if not word:
            continue
        try:
            ratings[kq_id] = str(Rating.parse(word))
        except RatingsError as error:
            errors[f"rating_{kq_id}"] = str(error)
    given = {sid: score for sid, score in statement_scores.items() if score is not None}
    if given and methodology.key_question_scoring is None:
        errors["scores"] = (
            f"{methodology.title} does not score quality statements: record ratings only"
        )
    try:
        _check_statements(methodology, given, "scores")
    except ValidationError as error:
        errors["scores"] = error.message_dict["scores"][0]
    for sid, score in given.items():
        if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 4:
            errors[f"score_{sid}"] = (
                f"The score for {sid} must be a whole number from 1 to 4, not {score!r}"
            )
    overall = ""
    if overall_rating:
        try:
            overall = str(Rating.parse(overall_rating))
        except RatingsError as error:
            errors["overall_rating"] = str(error)
    _raise(errors)
    before = {
        "ratings": {r.key_question: r.rating for r in inspection.ratings.all()},
        "scores": {s.statement_id: s.score for s in inspection.statement_scores.all()},
        "overall_rating": inspection.overall_rating,
    }
    inspection.ratings.all().delete()
    inspection.statement_scores.all().delete()
    order = [kq.id for kq in methodology.key_questions]
    KeyQuestionRating.objects.bulk_create(
        KeyQuestionRating(inspection=inspection, key_question=kq, rating=ratings[kq])
        for kq in order
        if kq in ratings
    )
    statement_order = [s.id for kq in methodology.key_questions for s in kq.statements]
    StatementScore.objects.bulk_create(
        StatementScore(inspection=inspection, statement_id=sid, score=int(given[sid]))
        for sid in statement_order
        if sid in given
    )
    inspection.overall_rating = overall
    inspection.save(update_fields=["overall_rating", "updated_at"])
    after = {"ratings": ratings, "scores": dict(given), "overall_rating": overall}
    old, new = audit.diff(before, after)
    audit.record(
        acting_user=acting_user, action="inspections.rated", obj=inspection, before=old, after=new
    )
    return inspection


# Findings --------------------------------------------------------------------


@transaction.atomic
def add_finding(
    *,
    acting_user: Actor,
    inspection: Inspection,
    kind: str,
    text: str,
    regulation: str = "",
    reference: str = "",
    statement_ids: Sequence[str] = (),
) -> Finding:
    if acting_user is not None and not may_manage(acting_user, inspection):
        raise PermissionDenied("You cannot change this inspection")
    errors: dict[str, str] = {}
    if kind not in FindingKind.values:
        errors["kind"] = (
            "Choose must-do, should-do, requirement notice, warning notice or condition"
        )
    if not text.strip():
        errors["text"] = "Enter the finding as the report words it"
    notices = {FindingKind.REQUIREMENT_NOTICE, FindingKind.WARNING_NOTICE, FindingKind.CONDITION}
    if kind in notices and not regulation.strip():
        errors["regulation"] = (
            "Enter the regulation breached, for example 'Regulation 17: Good governance'"
        )
    if len(reference.strip()) > 20:
        errors["reference"] = "The reference must be 20 characters or fewer"
    methodology = methodology_or_error(inspection.methodology)
    try:
        ids = _check_statements(methodology, statement_ids, "statement_ids")
    except ValidationError as error:
        errors["statement_ids"] = error.message_dict["statement_ids"][0]
        ids = []
    _raise(errors)
    finding = Finding.objects.create(
        inspection=inspection,
        kind=kind,
        text=text.strip(),
        regulation=regulation.strip(),
        reference=reference.strip(),
    )
    FindingStatement.objects.bulk_create(
        FindingStatement(finding=finding, statement_id=sid) for sid in ids
    )
    audit.record(
        acting_user=acting_user,
        action="inspections.finding_added",
        obj=finding,
        after={
            "inspection_id": inspection.pk,
            "kind": kind,
            "reference": finding.reference,
            "regulation": finding.regulation,
            "statement_ids": ids,
        },
    )
    return finding


def _finding_snapshot(finding: Finding) -> dict[str, Any]:
    return {
        "kind": finding.kind,
        "reference": finding.reference,
        "regulation": finding.regulation,
        "text_length": len(finding.text),
        "statement_ids": sorted(finding.statement_ids),
    }


@transaction.atomic
def change_finding(
    *,
    acting_user: Actor,
    finding: Finding,
    kind: str,
    text: str,
    regulation: str = "",
    reference: str = "",
    statement_ids: Sequence[str] = (),
) -> Finding:
    """Correct a finding (type, text, regulation, reference, statements) while no signed-off
    plan rests on it. A signed-off plan is reopened first, with a reason."""
    finding = (
        Finding.objects.select_for_update().select_related("inspection__scope").get(pk=finding.pk)
    )
    if acting_user is not None and not may_manage(acting_user, finding.inspection):
        raise PermissionDenied("You cannot change this inspection")
    plan = ActionPlan.objects.filter(finding=finding).first()
    if plan is not None and plan.is_signed_off:
        raise ValidationError(
            "Its action plan has been signed off, so the finding cannot change: an executive "
            "reopens the plan first, with a reason"
        )
    errors: dict[str, str] = {}
    if kind not in FindingKind.values:
        errors["kind"] = (
            "Choose must-do, should-do, requirement notice, warning notice or condition"
        )
    if not text.strip():
        errors["text"] = "Enter the finding as the report words it"
    notices = {FindingKind.REQUIREMENT_NOTICE, FindingKind.WARNING_NOTICE, FindingKind.CONDITION}
    if kind in notices and not regulation.strip():
        errors["regulation"] = (
            "Enter the regulation breached, for example 'Regulation 17: Good governance'"
        )
    if len(reference.strip()) > 20:
        errors["reference"] = "The reference must be 20 characters or fewer"
    methodology = methodology_or_error(finding.inspection.methodology)
    try:
        ids = _check_statements(methodology, statement_ids, "statement_ids")
    except ValidationError as error:
        errors["statement_ids"] = error.message_dict["statement_ids"][0]
        ids = []
    _raise(errors)
    before = _finding_snapshot(finding)
    text_changed = finding.text != text.strip()
    finding.kind = kind
    finding.text = text.strip()
    finding.regulation = regulation.strip()
    finding.reference = reference.strip()
    finding.save(update_fields=["kind", "text", "regulation", "reference"])
    finding.statements.all().delete()
    FindingStatement.objects.bulk_create(
        FindingStatement(finding=finding, statement_id=sid) for sid in ids
    )
    old, new = audit.diff(before, _finding_snapshot(finding))
    audit.record(
        acting_user=acting_user,
        action="inspections.finding_changed",
        obj=finding,
        before=old,
        after={**new, "text_changed": text_changed},
    )
    return finding


# Action plans ----------------------------------------------------------------


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


def _lock(plan: ActionPlan) -> ActionPlan:
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


def _require_update(acting_user: Actor, plan: ActionPlan) -> None:
    if acting_user is not None and not may_update_plan(acting_user, plan):
        raise PermissionDenied("Only the action's owner or a governance lead can update it")


def _require_open(plan: ActionPlan) -> None:
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
    _raise(errors)
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
    plan = _lock(plan)
    if acting_user is not None and not may_manage(acting_user, plan.finding.inspection):
        raise PermissionDenied("Only a governance lead can reassign or re-date an action")
    _require_open(plan)
    errors: dict[str, str] = {}
    if owner is None or not owner.is_active:
        errors["owner"] = "Choose an owner whose account is active"
    if due_date is None:
        errors["due_date"] = "Enter the date the action is due"
    if not title.strip():
        errors["title"] = "Enter a short title for the action"
    _raise(errors)
    assert owner is not None and due_date is not None
    before = _plan_snapshot(plan)
    plan.owner, plan.due_date, plan.title = owner, due_date, title.strip()
    _save_plan(plan, before, acting_user=acting_user, action="inspections.plan_changed")
    return plan


@transaction.atomic
def add_milestone(
    *, acting_user: Actor, plan: ActionPlan, title: str, due_date: Date | None
) -> Milestone:
    plan = _lock(plan)
    _require_update(acting_user, plan)
    _require_open(plan)
    _raise(
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
    plan = _lock(milestone.plan)
    _require_update(acting_user, plan)
    _require_open(plan)
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
    plan = _lock(plan)
    _require_update(acting_user, plan)
    _require_open(plan)
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
    _raise(errors)
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


def _check_upload(upload: UploadedFile) -> tuple[bytes, str, str]:
    """The bytes, extension and MIME type of an upload, checked from its content."""
    limit: int = settings.MAX_UPLOAD_BYTES
    if upload.size is not None and upload.size > limit:
        raise ValidationError({"file": f"The file must be smaller than {size_label(limit)}"})
    upload.seek(0)
    raw = upload.read(limit + 1)
    if len(raw) > limit:
        raise ValidationError({"file": f"The file must be smaller than {size_label(limit)}"})
    if not raw:
        raise ValidationError({"file": "The file is empty"})
    kind = filetype.guess(raw)
    if kind is None or kind.extension not in ALLOWED_TYPES:
        raise ValidationError(
            {"file": f"The file must be a {ALLOWED_LABEL}, judged from its content, not its name"}
        )
    problem = scanning.scan_problem(raw)
    if problem:
        raise ValidationError({"file": problem})
    return raw, kind.extension, ALLOWED_TYPES[kind.extension]


@transaction.atomic
def add_evidence(
    *,
    acting_user: Actor,
    plan: ActionPlan,
    kind: str,
    title: str,
    upload: UploadedFile | None = None,
    url: str = "",
    note: str = "",
    added_on: Date | None = None,
) -> CompletionEvidence:
    plan = _lock(plan)
    _require_update(acting_user, plan)
    _require_open(plan)
    errors: dict[str, str] = {}
    if kind not in EvidenceKind.values:
        errors["kind"] = "Choose a document, a link or a note"
    if not title.strip():
        errors["title"] = "Enter a title for the evidence"
    if kind == EvidenceKind.FILE and upload is None:
        errors["file"] = "Choose a file to upload"
    if kind == EvidenceKind.LINK and not url.strip().startswith(("https://", "http://")):
        errors["url"] = "Enter the web address, starting https://"
    if kind == EvidenceKind.NOTE and not note.strip():
        errors["note"] = "Enter the note: what was done and where the proof is kept"
    _raise(errors)
    evidence = CompletionEvidence(
        plan=plan,
        kind=kind,
        title=title.strip(),
        url=url.strip() if kind == EvidenceKind.LINK else "",
        note=note.strip(),
        added_by=acting_user if isinstance(acting_user, User) else None,
        added_on=added_on or timezone.localdate(),
    )
    if kind == EvidenceKind.FILE:
        assert upload is not None
        raw, extension, content_type = _check_upload(upload)
        evidence.file_name = (upload.name or f"evidence.{extension}")[-200:]
        evidence.content_type = content_type
        evidence.size = len(raw)
        evidence.save()
        # Stored under our own name, with the extension the content showed.
        evidence.file.save(f"{evidence.pk}.{extension}", ContentFile(raw), save=True)
    else:
        evidence.save()
    audit.record(
        acting_user=acting_user,
        action="inspections.evidence_added",
        obj=evidence,
        after={
            "plan_id": plan.pk,
            "kind": kind,
            "title": evidence.title,
            "content_type": evidence.content_type,
            "size": evidence.size,
        },
    )
    return evidence


@transaction.atomic
def sign_off(*, acting_user: User, plan: ActionPlan, note: str = "") -> ActionPlan:
    """An executive confirms the action is done: not its owner, and only with evidence."""
    plan = _lock(plan)
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
    plan = _lock(plan)
    if not isinstance(acting_user, User) or not acting_user.is_authenticated:
        raise PermissionDenied("Reopening needs a named executive")
    if not can(acting_user, Cap.SIGN_OFF_ACTIONS, plan.finding.inspection.scope):
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
