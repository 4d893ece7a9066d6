"""Recording an inspection, its ratings and statement scores, and its findings."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from wellled.core import audit
from wellled.core.types import Actor
from wellled.engines.ratings import Methodology, Rating, RatingsError
from wellled.improvement.models import Action
from wellled.inspections.access import may_manage, may_record
from wellled.inspections.actions.common import (
    check_statements,
    methodology_or_error,
    raise_errors,
)
from wellled.inspections.improvement_source import KIND
from wellled.inspections.models import (
    Finding,
    FindingKind,
    FindingStatement,
    Inspection,
    InspectionKind,
    KeyQuestionRating,
    StatementScore,
)
from wellled.organisation.models import OrgUnit, UnitKind

Date = datetime.date

# Where an inspection may be scoped: the trust, a location (site) or a service.
SCOPE_KINDS = frozenset({UnitKind.TRUST, UnitKind.SITE, UnitKind.SERVICE})

NOTICES = {FindingKind.REQUIREMENT_NOTICE, FindingKind.WARNING_NOTICE, FindingKind.CONDITION}


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


def _rating_or_error(word: str, field: str, errors: dict[str, str]) -> str:
    """The engine's word for a rating ("" for none); a bad one goes into `errors`."""
    if not word:
        return ""
    try:
        return str(Rating.parse(word))
    except RatingsError as error:
        errors[field] = str(error)
        return ""


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
    rating = _rating_or_error(overall_rating, "overall_rating", errors)
    raise_errors(errors)
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
    if acting_user is not None and not may_record(acting_user, scope):
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


# Ratings and statement scores -------------------------------------------------


def _key_question_ratings(
    methodology: Methodology, given: Mapping[str, str], errors: dict[str, str]
) -> dict[str, str]:
    kq_ids = {kq.id for kq in methodology.key_questions}
    ratings: dict[str, str] = {}
    for kq_id, word in given.items():
        if kq_id not in kq_ids:
            errors["ratings"] = f"Unknown key question {kq_id!r} in {methodology.id}"
            continue
        rating = _rating_or_error(word, f"rating_{kq_id}", errors)
        if rating:
            ratings[kq_id] = rating
    return ratings


def _statement_scores(
    methodology: Methodology, scores: Mapping[str, int | None], errors: dict[str, str]
) -> dict[str, int]:
    """The scores given (None left out); problems go into `errors`."""
    given = {sid: score for sid, score in scores.items() if score is not None}
    if given and methodology.key_question_scoring is None:
        errors["scores"] = (
            f"{methodology.title} does not score quality statements: record ratings only"
        )
    try:
        check_statements(methodology, given, "scores")
    except ValidationError as error:
        errors["scores"] = error.message_dict["scores"][0]
    for sid, score in given.items():
        if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 4:
            errors[f"score_{sid}"] = (
                f"The score for {sid} must be a whole number from 1 to 4, not {score!r}"
            )
    return given


def _replace_ratings(
    inspection: Inspection,
    methodology: Methodology,
    ratings: Mapping[str, str],
    scores: Mapping[str, int],
) -> None:
    """The inspection's ratings and scores become these, in the framework's order."""
    inspection.ratings.all().delete()
    inspection.statement_scores.all().delete()
    KeyQuestionRating.objects.bulk_create(
        KeyQuestionRating(inspection=inspection, key_question=kq.id, rating=ratings[kq.id])
        for kq in methodology.key_questions
        if kq.id in ratings
    )
    statement_order = [s.id for kq in methodology.key_questions for s in kq.statements]
    StatementScore.objects.bulk_create(
        StatementScore(inspection=inspection, statement_id=sid, score=int(scores[sid]))
        for sid in statement_order
        if sid in scores
    )


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
    ratings = _key_question_ratings(methodology, key_question_ratings, errors)
    given = _statement_scores(methodology, statement_scores, errors)
    overall = _rating_or_error(overall_rating, "overall_rating", errors)
    raise_errors(errors)
    before = {
        "ratings": {r.key_question: r.rating for r in inspection.ratings.all()},
        "scores": {s.statement_id: s.score for s in inspection.statement_scores.all()},
        "overall_rating": inspection.overall_rating,
    }
    _replace_ratings(inspection, methodology, ratings, given)
    inspection.overall_rating = overall
    inspection.save(update_fields=["overall_rating", "updated_at"])
    after = {"ratings": ratings, "scores": dict(given), "overall_rating": overall}
    old, new = audit.diff(before, after)
    audit.record(
        acting_user=acting_user, action="inspections.rated", obj=inspection, before=old, after=new
    )
    return inspection


# Findings --------------------------------------------------------------------


def _check_finding(
    *,
    methodology_id: str,
    kind: str,
    text: str,
    regulation: str,
    reference: str,
    statement_ids: Sequence[str],
) -> list[str]:
    """The finding's statement ids, or a ValidationError by field."""
    errors: dict[str, str] = {}
    if kind not in FindingKind.values:
        errors["kind"] = (
            "Choose must-do, should-do, requirement notice, warning notice or condition"
        )
    if not text.strip():
        errors["text"] = "Enter the finding as the report words it"
    if kind in NOTICES and not regulation.strip():
        errors["regulation"] = (
            "Enter the regulation breached, for example 'Regulation 17: Good governance'"
        )
    if len(reference.strip()) > 20:
        errors["reference"] = "The reference must be 20 characters or fewer"
    methodology = methodology_or_error(methodology_id)
    try:
        ids = check_statements(methodology, statement_ids, "statement_ids")
    except ValidationError as error:
        errors["statement_ids"] = error.message_dict["statement_ids"][0]
        ids = []
    raise_errors(errors)
    return ids


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
    ids = _check_finding(
        methodology_id=inspection.methodology,
        kind=kind,
        text=text,
        regulation=regulation,
        reference=reference,
        statement_ids=statement_ids,
    )
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
    action rests on it. A signed-off action is reopened first, with a reason."""
    finding = (
        Finding.objects.select_for_update().select_related("inspection__scope").get(pk=finding.pk)
    )
    if acting_user is not None and not may_manage(acting_user, finding.inspection):
        raise PermissionDenied("You cannot change this inspection")
    signed = Action.objects.filter(
        source_kind=KIND, source_id=str(finding.pk), signed_off_on__isnull=False
    )
    if signed.exists():
        raise ValidationError(
            "Its action has been signed off, so the finding cannot change: an executive "
            "reopens the action first, with a reason"
        )
    ids = _check_finding(
        methodology_id=finding.inspection.methodology,
        kind=kind,
        text=text,
        regulation=regulation,
        reference=reference,
        statement_ids=statement_ids,
    )
    before = _finding_snapshot(finding)
    text_changed = finding.text != text.strip()
    finding.kind, finding.text = kind, text.strip()
    finding.regulation, finding.reference = regulation.strip(), reference.strip()
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
