"""Every write to CQC assurance. Views, the API, the demo and tests all call these.

`acting_user=None` is the system (demo data, scheduled jobs); everyone else is
checked against `wellled.organisation.access`. Each action validates its input,
raises a ValidationError keyed by field with a message a user can act on, and
writes one audit event whose before/after hold ids, scores and dates only.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import filetype
from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import get_valid_filename

from wellled.assurance import frameworks
from wellled.assurance.models import (
    AssessmentRound,
    EvidenceCategory,
    EvidenceItem,
    EvidenceKind,
    EvidenceStatement,
    RoundStatus,
    StatementAssessment,
)
from wellled.core import audit, scanning
from wellled.core.models import Job
from wellled.core.types import Actor
from wellled.engines.ratings import (
    Rating,
    RatingsError,
    Rounding,
    statement_score_from_evidence,
)
from wellled.organisation.access import Cap, can
from wellled.organisation.models import OrgUnit, UnitKind

PACK_JOB_KIND = "assurance.inspection_pack"

# Scopes a round may cover, and which key questions each gets.
ROUND_SCOPES = (UnitKind.TRUST, UnitKind.SERVICE, UnitKind.SITE)

# MIME type read from the bytes -> the file name endings that may carry it.
BINARY_TYPES: dict[str, tuple[str, ...]] = {
    "application/pdf": (".pdf",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (".docx",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (".xlsx",),
    "image/png": (".png",),
    "image/jpeg": (".jpg", ".jpeg"),
}
TEXT_TYPES: dict[str, str] = {".csv": "text/csv", ".txt": "text/plain"}
ALLOWED_LABEL = "PDF, Word (DOCX), Excel (XLSX), PNG, JPEG, CSV or plain text"


def _require(acting_user: Actor, capability: Cap, unit: OrgUnit | None = None) -> None:
    if acting_user is None:
        return
    if not can(acting_user, capability, unit):
        raise PermissionDenied("You do not have permission to do this here")


def _raise(errors: Mapping[str, str]) -> None:
    if errors:
        raise ValidationError(dict(errors))


def _round_snapshot(round_: AssessmentRound) -> dict[str, Any]:
    return {
        "title": round_.title,
        "scope_id": round_.scope_id,
        "methodology_id": round_.methodology_id,
        "key_questions": list(round_.key_questions),
        "previous_ratings": dict(round_.previous_ratings),
        "rounding": round_.rounding,
        "status": round_.status,
        "opened_on": round_.opened_on,
        "closed_on": round_.closed_on,
        "has_close_reason": bool(round_.close_reason.strip()),
        "limiters": {kq: list(names) for kq, names in round_.limiters.items()},
        "limiters_reason": round_.limiters_reason,
    }


def _assessment_snapshot(assessment: StatementAssessment) -> dict[str, Any]:
    return {
        "statement_id": assessment.statement_id,
        "owner_id": assessment.owner_id,
        "score": assessment.score,
        "category_scores": dict(assessment.category_scores),
        "has_rationale": bool(assessment.rationale.strip()),
        "evidence_ids": sorted(assessment.evidence.values_list("pk", flat=True))
        if assessment.pk
        else [],
    }


# Rounds -----------------------------------------------------------------------


@transaction.atomic
def open_round(
    *,
    acting_user: Actor,
    scope: OrgUnit,
    methodology_id: str,
    title: str,
    opened_on: datetime.date | None = None,
    previous_ratings: Mapping[str, str] | None = None,
    rounding: str = "",
) -> AssessmentRound:
    """Open a self-assessment round: the trust's well-led, or all five for a service."""
    _require(acting_user, Cap.MANAGE_ASSURANCE, scope)
    methodology = frameworks.get_framework(methodology_id)
    errors: dict[str, str] = {}
    if not frameworks.is_scored(methodology):
        scored = ", ".join(frameworks.scored_framework_ids())
        errors["methodology"] = (
            f"{methodology.id} rates key questions by judgement, not from statement scores, "
            f"so it cannot be used for a scored self-assessment. Use one of: {scored}."
        )
    if not title.strip():
        errors["title"] = "Enter a title for the round"
    if scope.kind not in ROUND_SCOPES:
        errors["scope"] = "Choose the trust, a service or a location (site) for the round"
    elif not scope.is_active:
        errors["scope"] = "This unit is closed: choose an open one"
    chosen_rounding = rounding or methodology.default_rounding.value
    try:
        Rounding.parse(chosen_rounding)
    except RatingsError as error:
        errors["rounding"] = str(error)
    _raise(errors)
    if scope.kind == UnitKind.TRUST:
        key_questions = list(frameworks.TRUST_KEY_QUESTIONS)
    else:
        key_questions = [kq.id for kq in methodology.key_questions]
    cleaned_previous: dict[str, str] = {}
    for kq_id, word in (previous_ratings or {}).items():
        if not word:
            continue
        if kq_id not in key_questions:
            errors["previous_ratings"] = f"{kq_id!r} is not a key question of this round"
            continue
        try:
            cleaned_previous[kq_id] = str(Rating.parse(word))
        except RatingsError as error:
            errors["previous_ratings"] = str(error)
    _raise(errors)
    round_ = AssessmentRound.objects.create(
        title=title.strip(),
        scope=scope,
        methodology_id=methodology.id,
        key_questions=key_questions,
        previous_ratings=cleaned_previous,
        rounding=chosen_rounding,
        opened_on=opened_on or timezone.localdate(),
        opened_by=acting_user if isinstance(acting_user, User) else None,
    )
    order = 0
    for kq_id in key_questions:
        for item in methodology.key_question(kq_id).statements:
            StatementAssessment.objects.create(
                round=round_, key_question_id=kq_id, statement_id=item.id, order=order
            )
            order += 1
    audit.record(
        acting_user=acting_user,
        action="assurance.round_opened",
        obj=round_,
        after=_round_snapshot(round_),
    )
    return round_


def _lock_round(round_: AssessmentRound) -> AssessmentRound:
    return AssessmentRound.objects.select_for_update().get(pk=round_.pk)


def _require_open(round_: AssessmentRound) -> None:
    if not round_.is_open:
        raise ValidationError("This round is closed: its scores can no longer change")


@transaction.atomic
def assign_owner(
    *, acting_user: Actor, assessment: StatementAssessment, owner: User | None
) -> StatementAssessment:
    """Make someone (or nobody) the owner who scores a statement in an open round."""
    round_ = _lock_round(assessment.round)
    _require(acting_user, Cap.MANAGE_ASSURANCE, round_.scope)
    _require_open(round_)
    if owner is not None and not owner.is_active:
        raise ValidationError({"owner": "This person's account is deactivated"})
    before = _assessment_snapshot(assessment)
    assessment.owner = owner
    assessment.save(update_fields=["owner"])
    old, new = audit.diff(before, _assessment_snapshot(assessment))
    audit.record(
        acting_user=acting_user,
        action="assurance.owner_assigned",
        obj=round_,
        before={"statement_id": assessment.statement_id, **old},
        after={"statement_id": assessment.statement_id, **new},
    )
    return assessment


def may_score(user: Actor, assessment: StatementAssessment) -> bool:
    if user is None:
        return True
    if not user.is_authenticated:
        return False
    if assessment.owner_id is not None and assessment.owner_id == user.pk:
        return True
    return can(user, Cap.MANAGE_ASSURANCE, assessment.round.scope)


def checked_score(value: object) -> int:
    message = "Enter a score from 1 to 4"
    if isinstance(value, bool) or value is None or value == "":
        raise ValidationError({"score": message})
    if isinstance(value, str):
        text = value.strip()
        if not text.lstrip("-").isdigit():
            raise ValidationError({"score": f"{message} (you entered {value!r})"})
        value = int(text)
    if not isinstance(value, int):
        raise ValidationError({"score": message})
    if not 1 <= value <= 4:
        raise ValidationError(
            {"score": f"A score must be from 1 to 4: {value} is outside the scale"}
        )
    return value


@transaction.atomic
def score_statement(
    *,
    acting_user: Actor,
    assessment: StatementAssessment,
    score: object,
    rationale: str,
    evidence: Iterable[EvidenceItem] = (),
    category_scores: Mapping[str, object] | None = None,
) -> StatementAssessment:
    """Score a statement 1 to 4 with its rationale and the evidence it rests on.

    Under a methodology that scores evidence categories (saf_2023_evidence_categories),
    `category_scores` may be given instead: the ratings engine turns them into the
    statement's score.
    """
    round_ = _lock_round(assessment.round)
    assessment.round = round_
    if not may_score(acting_user, assessment):
        raise PermissionDenied("Only the statement's owner or the governance lead may score it")
    _require_open(round_)
    errors: dict[str, str] = {}
    checked: int | None = None
    given = {k: v for k, v in (category_scores or {}).items() if v not in (None, "")}
    categories: dict[str, int] = {}
    if given:
        checked, categories, problem = score_from_categories(round_, assessment, given)
        if problem:
            errors["category_scores"] = problem
        elif score not in (None, "") and str(score).strip() != str(checked):
            errors["score"] = (
                f"Under {round_.methodology_id} the statement's score comes from its "
                f"evidence categories ({checked}): leave the score empty or enter {checked}"
            )
    else:
        try:
            checked = checked_score(score)
        except ValidationError as error:
            errors["score"] = error.message_dict["score"][0]
    if not rationale.strip():
        errors["rationale"] = "Explain the score: say what the evidence shows"
    items = list(evidence)
    wrong = [
        item.title
        for item in items
        if assessment.statement_id not in {t.statement_id for t in item.statement_tags.all()}
    ]
    if wrong:
        errors["evidence"] = (
            "Link only evidence tagged to this quality statement. Not tagged: " + ", ".join(wrong)
        )
    linked = set(assessment.evidence.values_list("pk", flat=True))
    retired = [item.title for item in items if item.is_retired and item.pk not in linked]
    if retired and "evidence" not in errors:
        errors["evidence"] = "Retired evidence cannot be linked: " + ", ".join(retired)
    _raise(errors)
    before = _assessment_snapshot(assessment)
    assessment.score = checked
    assessment.category_scores = categories
    assessment.rationale = rationale.strip()
    assessment.scored_by = acting_user if isinstance(acting_user, User) else None
    assessment.scored_at = timezone.now()
    assessment.save(
        update_fields=["score", "category_scores", "rationale", "scored_by", "scored_at"]
    )
    assessment.evidence.set(items)
    old, new = audit.diff(before, _assessment_snapshot(assessment))
    audit.record(
        acting_user=acting_user,
        action="assurance.statement_scored",
        obj=round_,
        before={"statement_id": assessment.statement_id, **old},
        after={"statement_id": assessment.statement_id, **new},
    )
    return assessment


def score_from_categories(
    round_: AssessmentRound, assessment: StatementAssessment, categories: Mapping[str, object]
) -> tuple[int | None, dict[str, int], str]:
    """(statement score, cleaned category scores, problem) from the engine's 2023 conversion."""
    methodology = frameworks.get_framework(round_.methodology_id)
    if methodology.statement_scoring != "evidence_categories":
        return (
            None,
            {},
            (
                f"{methodology.id} scores quality statements directly: give a score, "
                "not evidence category scores"
            ),
        )
    cleaned: dict[str, int] = {}
    for category, value in categories.items():
        try:
            cleaned[category] = checked_score(value)
        except ValidationError:
            name = methodology.evidence_categories.get(category, category)
            return None, {}, f"{name}: a category score must be from 1 to 4, not {value!r}"
    try:
        result = statement_score_from_evidence(
            cleaned,
            methodology=methodology.id,
            statement=assessment.statement_id,
            rounding=round_.rounding,
        )
    except RatingsError as error:
        return None, {}, str(error)
    return result.score, cleaned, ""


@transaction.atomic
def close_round(
    *,
    acting_user: Actor,
    round_: AssessmentRound,
    reason: str = "",
    closed_on: datetime.date | None = None,
) -> AssessmentRound:
    """Close a round. Unscored statements need a recorded reason; nothing is discarded."""
    round_ = _lock_round(round_)
    _require(acting_user, Cap.MANAGE_ASSURANCE, round_.scope)
    _require_open(round_)
    unscored = list(round_.statements.filter(score__isnull=True).order_by("order"))
    if unscored and not reason.strip():
        count = len(unscored)
        noun = "statement is" if count == 1 else "statements are"
        raise ValidationError(
            {
                "reason": f"{count} {noun} not scored: record why the round closes without "
                "them (they take the score implied by the previous rating)"
            }
        )
    before = _round_snapshot(round_)
    round_.status = RoundStatus.CLOSED
    round_.closed_on = closed_on or timezone.localdate()
    round_.closed_by = acting_user if isinstance(acting_user, User) else None
    round_.close_reason = reason.strip()
    round_.save(update_fields=["status", "closed_on", "closed_by", "close_reason"])
    old, new = audit.diff(before, _round_snapshot(round_))
    audit.record(
        acting_user=acting_user,
        action="assurance.round_closed",
        obj=round_,
        before=old,
        after={**new, "unscored": [a.statement_id for a in unscored]},
    )
    return round_


ENFORCEMENT_LIMITERS = ("requirement_notice", "warning_notice", "condition_of_registration")


@transaction.atomic
def set_limiters(
    *,
    acting_user: Actor,
    round_: AssessmentRound,
    limiters: Mapping[str, Sequence[str]],
    reason: str = "",
) -> AssessmentRound:
    """Record which of the engine's limiters apply to each key question of an open round.

    Enforcement (a requirement notice, warning notice or condition) is a fact the
    governance lead states, so it needs a reason saying what it rests on. Giving no
    limiters clears them.
    """
    round_ = _lock_round(round_)
    _require(acting_user, Cap.MANAGE_ASSURANCE, round_.scope)
    _require_open(round_)
    methodology = frameworks.get_framework(round_.methodology_id)
    known = list(methodology.limiters)
    errors: dict[str, str] = {}
    cleaned: dict[str, list[str]] = {}
    for kq_id, names in limiters.items():
        if kq_id not in round_.key_questions:
            errors["limiters"] = f"{kq_id!r} is not a key question of this round"
            continue
        if isinstance(names, str):
            names = [names]
        chosen = list(dict.fromkeys(n for n in names if n))
        unknown = [n for n in chosen if n not in known]
        if unknown:
            errors["limiters"] = (
                f"Unknown limiter {', '.join(map(repr, unknown))} for {methodology.id}. "
                f"Use any of: {', '.join(known)}"
            )
            continue
        if chosen:
            # In the framework's order, so the page and the engine read them the same way.
            cleaned[kq_id] = [n for n in known if n in chosen]
    enforcement = any(n in ENFORCEMENT_LIMITERS for names in cleaned.values() for n in names)
    if enforcement and not reason.strip():
        errors["reason"] = (
            "Say what the enforcement rests on, for example the requirement notice, "
            "its regulation and the inspection"
        )
    _raise(errors)
    before = _round_snapshot(round_)
    round_.limiters = {kq: cleaned[kq] for kq in round_.key_questions if kq in cleaned}
    round_.limiters_reason = reason.strip() if cleaned else ""
    round_.save(update_fields=["limiters", "limiters_reason"])
    old, new = audit.diff(before, _round_snapshot(round_))
    audit.record(
        acting_user=acting_user,
        action="assurance.limiters_set",
        obj=round_,
        before=old,
        after=new,
    )
    return round_


# Evidence ---------------------------------------------------------------------


def check_upload(upload: UploadedFile) -> tuple[str, str]:
    """(safe file name, MIME type read from the bytes), or a ValidationError saying why not."""
    limit = int(settings.MAX_UPLOAD_BYTES)
    size = upload.size or 0
    if size == 0:
        raise ValidationError({"file": "The file is empty"})
    if size > limit:
        raise ValidationError(
            {"file": f"The file must be smaller than {limit // (1024 * 1024) or 1} MB"}
        )
    name = get_valid_filename(os.path.basename(upload.name or "evidence"))[:150] or "evidence"
    ending = os.path.splitext(name)[1].lower()
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is not None:
        endings = BINARY_TYPES.get(kind.mime)
        if endings is None:
            raise ValidationError(
                {"file": f"This kind of file cannot be uploaded. Upload a {ALLOWED_LABEL} file"}
            )
        if ending not in endings:
            raise ValidationError(
                {
                    "file": f"The file's content is {kind.extension.upper()} but its name ends "
                    f"{ending or 'with no type'}: rename it or upload the right file"
                }
            )
        _scan_upload(upload)
        return name, kind.mime
    if ending in TEXT_TYPES:
        content = upload.read()
        upload.seek(0)
        if isinstance(content, str):
            content = content.encode()
        if b"\x00" in content:
            raise ValidationError({"file": "The file is not plain text: upload a CSV or TXT file"})
        try:
            content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError(
                {"file": "Save the file as UTF-8 text and upload it again"}
            ) from None
        _scan_upload(upload)
        return name, TEXT_TYPES[ending]
    raise ValidationError(
        {"file": f"This kind of file cannot be uploaded. Upload a {ALLOWED_LABEL} file"}
    )


def _scan_upload(upload: UploadedFile) -> None:
    """A ValidationError if the virus scanner refuses the file or cannot check it."""
    upload.seek(0)
    content = upload.read()
    upload.seek(0)
    if isinstance(content, str):
        content = content.encode()
    problem = scanning.scan_problem(content)
    if problem:
        raise ValidationError({"file": problem})


def _evidence_snapshot(item: EvidenceItem) -> dict[str, Any]:
    return {
        "kind": item.kind,
        "title": item.title,
        "has_description": bool(item.description.strip()),
        "unit_id": item.unit_id,
        "framework": item.framework,
        "statements": sorted(t.statement_id for t in item.statement_tags.all()),
        "categories": sorted(t.category_id for t in item.category_tags.all()),
        "owner_id": item.owner_id,
        "evidence_date": item.evidence_date,
        "review_date": item.review_date,
        "url": item.url,
        "file_name": item.file_name,
        "file_type": item.file_type,
        "file_size": item.file_size,
        "file_version": item.file_version,
        "measure_key": item.measure_key,
        "retired_on": item.retired_on,
    }


def _may_contribute(user: Actor, unit: OrgUnit) -> bool:
    return (
        user is None
        or can(user, Cap.CONTRIBUTE_EVIDENCE, unit)
        or can(user, Cap.MANAGE_ASSURANCE, unit)
    )


def may_change_evidence(user: Actor, item: EvidenceItem) -> bool:
    """The item's owner, or the governance lead over its unit."""
    if user is None:
        return True
    if not user.is_authenticated:
        return False
    return user.pk == item.owner_id or can(user, Cap.MANAGE_ASSURANCE, item.unit)


def _check_evidence(
    *,
    kind: str,
    title: str,
    statement_ids: Sequence[str],
    category_ids: Sequence[str],
    owner: User | None,
    evidence_date: datetime.date | None,
    review_date: datetime.date | None,
    description: str,
    url: str,
    measure_key: str,
) -> tuple[dict[str, str], list[str], list[str]]:
    """(errors by field, cleaned statement ids, cleaned category ids) for an item's fields."""
    methodology = frameworks.evidence_framework_methodology()
    errors: dict[str, str] = {}
    if kind not in EvidenceKind.values:
        errors["kind"] = "Choose a document, a link, a note or a live measure"
    if not title.strip():
        errors["title"] = "Enter a title for the evidence"
    elif len(title.strip()) > 200:
        errors["title"] = "The title must be 200 characters or fewer"
    statements = list(dict.fromkeys(s for s in statement_ids if s))
    if not statements:
        errors["statements"] = "Tag the evidence to at least one quality statement"
    else:
        unknown = [s for s in statements if frameworks.statement(methodology, s) is None]
        if unknown:
            errors["statements"] = "Unknown quality statement: " + ", ".join(unknown)
    categories = list(dict.fromkeys(c for c in category_ids if c))
    unknown_categories = [c for c in categories if c not in methodology.evidence_categories]
    if unknown_categories:
        errors["categories"] = "Unknown evidence category: " + ", ".join(unknown_categories)
    if evidence_date is None:
        errors["evidence_date"] = "Enter the date of the evidence"
    elif evidence_date > timezone.localdate():
        errors["evidence_date"] = "The date of the evidence cannot be in the future"
    if review_date is None:
        errors["review_date"] = "Enter the date by which it must be reviewed"
    elif evidence_date is not None and review_date < evidence_date:
        errors["review_date"] = "The review date cannot be before the date of the evidence"
    if owner is None or not owner.is_active:
        errors["owner"] = "Choose an owner with an active account"
    if kind == EvidenceKind.LINK and not url.strip():
        errors["url"] = "Enter the web address of the evidence"
    if kind == EvidenceKind.LINK and url.strip() and not url.strip().startswith("https://"):
        errors["url"] = "Enter a web address starting https://"
    if kind == EvidenceKind.NOTE and not description.strip():
        errors["description"] = "Write the note"
    if kind == EvidenceKind.MEASURE:
        from wellled.reports.sources import all_sources

        keys = {source.key for source in all_sources()}
        if not measure_key:
            errors["measure_key"] = "Choose the live measure"
        elif measure_key not in keys:
            errors["measure_key"] = f"No live measure is registered as {measure_key!r}"
    return errors, statements, categories


def _set_tags(item: EvidenceItem, statements: Sequence[str], categories: Sequence[str]) -> None:
    item.statement_tags.all().delete()
    item.category_tags.all().delete()
    EvidenceStatement.objects.bulk_create(
        EvidenceStatement(item=item, statement_id=s) for s in statements
    )
    EvidenceCategory.objects.bulk_create(
        EvidenceCategory(item=item, category_id=c) for c in categories
    )


@transaction.atomic
def add_evidence(
    *,
    acting_user: Actor,
    kind: str,
    title: str,
    unit: OrgUnit,
    statement_ids: Sequence[str],
    owner: User,
    evidence_date: datetime.date,
    review_date: datetime.date,
    category_ids: Sequence[str] = (),
    description: str = "",
    url: str = "",
    upload: UploadedFile | None = None,
    measure_key: str = "",
    authorised: bool = False,
) -> EvidenceItem:
    """Add an item to the evidence library, tagged to at least one quality statement.

    `authorised`: the calling module has already decided this person may file it
    (an action's owner filing its completion evidence), so the library's own
    contributor check is not asked again.
    """
    if not authorised and not _may_contribute(acting_user, unit):
        raise PermissionDenied("You may not add evidence for this part of the trust")
    methodology = frameworks.evidence_framework_methodology()
    errors, statements, categories = _check_evidence(
        kind=kind,
        title=title,
        statement_ids=statement_ids,
        category_ids=category_ids,
        owner=owner,
        evidence_date=evidence_date,
        review_date=review_date,
        description=description,
        url=url,
        measure_key=measure_key,
    )
    if not unit.is_active:
        errors["unit"] = "This unit is closed: choose an open one"
    file_name = file_type = ""
    if kind == EvidenceKind.DOCUMENT:
        if upload is None:
            errors["file"] = "Choose the document to upload"
        else:
            try:
                file_name, file_type = check_upload(upload)
            except ValidationError as error:
                errors["file"] = error.message_dict["file"][0]
    elif upload is not None:
        errors["file"] = "Only a document has a file: choose Document, or remove the file"
    _raise(errors)
    item = EvidenceItem(
        kind=kind,
        title=title.strip(),
        description=description.strip(),
        unit=unit,
        framework=methodology.framework,
        url=url.strip() if kind == EvidenceKind.LINK else "",
        measure_key=measure_key if kind == EvidenceKind.MEASURE else "",
        owner=owner,
        evidence_date=evidence_date,
        review_date=review_date,
        created_by=acting_user if isinstance(acting_user, User) else None,
    )
    if upload is not None and kind == EvidenceKind.DOCUMENT:
        item.file_name = file_name
        item.file_type = file_type
        item.file_size = upload.size
        item.file_version = 1
        item.file.save(file_name, upload, save=False)
    item.save()
    _set_tags(item, statements, categories)
    audit.record(
        acting_user=acting_user,
        action="assurance.evidence_added",
        obj=item,
        after=_evidence_snapshot(item),
    )
    return item


def _lock_evidence(item: EvidenceItem) -> EvidenceItem:
    return EvidenceItem.objects.select_for_update().select_related("unit").get(pk=item.pk)


def _require_current(item: EvidenceItem) -> None:
    if item.is_retired:
        raise ValidationError(
            "This evidence is retired: it is kept for the audit and can no longer change"
        )


@transaction.atomic
def change_evidence(
    *,
    acting_user: Actor,
    item: EvidenceItem,
    title: str,
    statement_ids: Sequence[str],
    owner: User | None,
    evidence_date: datetime.date | None,
    review_date: datetime.date | None,
    category_ids: Sequence[str] = (),
    description: str = "",
    url: str | None = None,
    measure_key: str | None = None,
    upload: UploadedFile | None = None,
) -> EvidenceItem:
    """Edit an item: its title, description, tags, owner and dates, and for a document a
    new file that replaces the old one (the version goes up; the audit keeps the old
    file's name, type and size). The kind and the unit do not change.

    `url` (links) and `measure_key` (live measures) left as None keep their values.
    """
    item = _lock_evidence(item)
    if not may_change_evidence(acting_user, item):
        raise PermissionDenied("Only the evidence's owner or the governance lead may change it")
    _require_current(item)
    new_url = item.url if url is None else url
    new_measure = item.measure_key if measure_key is None else measure_key
    errors, statements, categories = _check_evidence(
        kind=item.kind,
        title=title,
        statement_ids=statement_ids,
        category_ids=category_ids,
        owner=owner,
        evidence_date=evidence_date,
        review_date=review_date,
        description=description,
        url=new_url,
        measure_key=new_measure,
    )
    file_name = file_type = ""
    if upload is not None:
        if item.kind != EvidenceKind.DOCUMENT:
            errors["file"] = (
                "Only a document has a file: this evidence is a "
                + str(item.get_kind_display()).lower()
            )
        else:
            try:
                file_name, file_type = check_upload(upload)
            except ValidationError as error:
                errors["file"] = error.message_dict["file"][0]
    _raise(errors)
    assert owner is not None and evidence_date is not None and review_date is not None
    before = _evidence_snapshot(item)
    old_file = item.file.name if item.file else ""
    item.title = title.strip()
    item.description = description.strip()
    item.owner = owner
    item.evidence_date = evidence_date
    item.review_date = review_date
    if item.kind == EvidenceKind.LINK:
        item.url = new_url.strip()
    if item.kind == EvidenceKind.MEASURE:
        item.measure_key = new_measure
    if upload is not None:
        item.file_name = file_name
        item.file_type = file_type
        item.file_size = upload.size
        item.file_version = item.file_version + 1
        item.file.save(file_name, upload, save=False)
    item.save()
    _set_tags(item, statements, categories)
    old, new = audit.diff(before, _evidence_snapshot(item))
    audit.record(
        acting_user=acting_user,
        action="assurance.evidence_changed",
        obj=item,
        before=old,
        after=new,
    )
    if upload is not None and old_file and old_file != item.file.name:
        storage = item.file.storage
        transaction.on_commit(lambda: storage.delete(old_file))
    return item


@transaction.atomic
def retire_evidence(*, acting_user: Actor, item: EvidenceItem, reason: str) -> EvidenceItem:
    """Retire an item: it stays (with its document) for the audit and the rounds that
    cite it, but leaves the library, the packs, the well-led page and "my work"."""
    item = _lock_evidence(item)
    if not may_change_evidence(acting_user, item):
        raise PermissionDenied("Only the evidence's owner or the governance lead may retire it")
    if item.is_retired:
        raise ValidationError("This evidence is already retired")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the evidence is retired"})
    before = _evidence_snapshot(item)
    item.retired_on = timezone.localdate()
    item.retired_by = acting_user if isinstance(acting_user, User) else None
    item.retire_reason = reason.strip()
    item.save(update_fields=["retired_on", "retired_by", "retire_reason", "updated_at"])
    old, new = audit.diff(before, _evidence_snapshot(item))
    audit.record(
        acting_user=acting_user,
        action="assurance.evidence_retired",
        obj=item,
        before=old,
        after={**new, "reason": item.retire_reason},
    )
    return item


@transaction.atomic
def review_evidence(
    *, acting_user: Actor, item: EvidenceItem, review_date: datetime.date
) -> EvidenceItem:
    """Record that an item was reviewed and still stands, with its next review date."""
    item = _lock_evidence(item)
    if not may_change_evidence(acting_user, item):
        raise PermissionDenied("Only the evidence's owner or the governance lead may review it")
    _require_current(item)
    today = timezone.localdate()
    if review_date is None or review_date <= today:
        raise ValidationError({"review_date": "The next review date must be in the future"})
    before = _evidence_snapshot(item)
    item.review_date = review_date
    item.save(update_fields=["review_date", "updated_at"])
    old, new = audit.diff(before, _evidence_snapshot(item))
    audit.record(
        acting_user=acting_user,
        action="assurance.evidence_reviewed",
        obj=item,
        before=old,
        after=new,
    )
    return item


@transaction.atomic
def start_inspection_pack(*, acting_user: User, statement_id: str) -> Job:
    """Queue the inspection pack (a ZIP: PDF index and documents) for one quality statement."""
    from wellled.core.actions import start_job

    if not (can(acting_user, Cap.VIEW_ASSURANCE) or can(acting_user, Cap.CONTRIBUTE_EVIDENCE)):
        raise PermissionDenied("You may not export evidence")
    methodology = frameworks.evidence_framework_methodology()
    item = frameworks.statement(methodology, statement_id)
    if item is None:
        raise ValidationError({"statement": f"Unknown quality statement {statement_id!r}"})
    return start_job(
        acting_user=acting_user,
        kind=PACK_JOB_KIND,
        title=f"Inspection pack: {item.label} {item.name}",
        payload={"statement_id": statement_id, "methodology_id": methodology.id},
    )
