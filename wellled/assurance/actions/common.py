"""What the assurance actions share: the error helper, the audit snapshots and the locks."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError

from wellled.assurance.models import AssessmentRound, EvidenceItem, StatementAssessment


def raise_errors(errors: Mapping[str, str]) -> None:
    if errors:
        raise ValidationError(dict(errors))


def round_snapshot(round_: AssessmentRound) -> dict[str, Any]:
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


def assessment_snapshot(assessment: StatementAssessment) -> dict[str, Any]:
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


def evidence_snapshot(item: EvidenceItem) -> dict[str, Any]:
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


def lock_round(round_: AssessmentRound) -> AssessmentRound:
    return AssessmentRound.objects.select_for_update().get(pk=round_.pk)


def require_open(round_: AssessmentRound) -> None:
    if not round_.is_open:
        raise ValidationError("This round is closed: its scores can no longer change")


def lock_evidence(item: EvidenceItem) -> EvidenceItem:
    return EvidenceItem.objects.select_for_update().select_related("unit").get(pk=item.pk)


def require_current(item: EvidenceItem) -> None:
    if item.is_retired:
        raise ValidationError(
            "This evidence is retired: it is kept for the audit and can no longer change"
        )
