"""Self-assessment under a framework judged against rating characteristics (CQC's 2026
sector drafts): per assessment question, the rating whose characteristics best fit, with
rationale and evidence; per key question, one of CQC's four words. Never a percentage.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from wellled.assurance import frameworks
from wellled.assurance.access import may_score, require
from wellled.assurance.actions.common import (
    assessment_snapshot,
    lock_round,
    raise_errors,
    require_open,
)
from wellled.assurance.models import (
    AssessmentRound,
    EvidenceItem,
    KeyQuestionJudgement,
    StatementAssessment,
)
from wellled.core import audit
from wellled.core.types import Actor
from wellled.engines.ratings import Rating, RatingsError
from wellled.organisation.access import Cap


def _judged_round(round_: AssessmentRound) -> None:
    methodology = frameworks.get_framework(round_.methodology_id)
    if not methodology.judged:
        raise ValidationError(
            f"{methodology.id} is scored from quality statements: score each statement instead"
        )


def _rating(value: str, field: str, errors: dict[str, str]) -> str:
    if not value.strip():
        errors[field] = "Choose Outstanding, Good, Requires improvement or Inadequate"
        return ""
    try:
        return str(Rating.parse(value))
    except RatingsError as error:
        errors[field] = str(error)
        return ""


def _carried_evidence_errors(
    round_: AssessmentRound,
    assessment: StatementAssessment,
    items: list[EvidenceItem],
    errors: dict[str, str],
) -> None:
    """Evidence must be tagged to a quality statement that maps to this question."""
    methodology = frameworks.get_framework(round_.methodology_id)
    allowed = set(methodology.mapped_from(assessment.statement_id))
    wrong = [item.title for item in items if not allowed & set(item.statement_ids)]
    if wrong:
        errors["evidence"] = (
            "Link only evidence tagged to the quality statements this question carries over "
            "from. Not tagged to them: " + ", ".join(wrong)
        )
    linked = set(assessment.evidence.values_list("pk", flat=True))
    retired = [item.title for item in items if item.is_retired and item.pk not in linked]
    if retired and "evidence" not in errors:
        errors["evidence"] = "Retired evidence cannot be linked: " + ", ".join(retired)


@transaction.atomic
def assess_question(
    *,
    acting_user: Actor,
    assessment: StatementAssessment,
    fit: str,
    rationale: str,
    evidence: Iterable[EvidenceItem] = (),
) -> StatementAssessment:
    """Say which rating's characteristics best fit an assessment question, and why."""
    round_ = lock_round(assessment.round)
    assessment.round = round_
    if not may_score(acting_user, assessment):
        raise PermissionDenied("Only the question's owner or the governance lead may assess it")
    require_open(round_)
    _judged_round(round_)
    errors: dict[str, str] = {}
    chosen = _rating(fit, "fit", errors)
    if not rationale.strip():
        errors["rationale"] = "Explain the fit: say which characteristics the evidence shows"
    items = list(evidence)
    _carried_evidence_errors(round_, assessment, items, errors)
    raise_errors(errors)
    before = {**assessment_snapshot(assessment), "fit": assessment.fit}
    assessment.fit = chosen
    assessment.rationale = rationale.strip()
    assessment.scored_by = acting_user if isinstance(acting_user, User) else None
    assessment.scored_at = timezone.now()
    assessment.save(update_fields=["fit", "rationale", "scored_by", "scored_at"])
    assessment.evidence.set(items)
    old, new = audit.diff(before, {**assessment_snapshot(assessment), "fit": assessment.fit})
    audit.record(
        acting_user=acting_user,
        action="assurance.question_assessed",
        obj=round_,
        before={"statement_id": assessment.statement_id, **old},
        after={"statement_id": assessment.statement_id, **new},
    )
    return assessment


@transaction.atomic
def judge_key_question(
    *,
    acting_user: Actor,
    round_: AssessmentRound,
    key_question: str,
    rating: str,
    rationale: str,
) -> KeyQuestionJudgement:
    """Record the trust's judgement of a key question: one of four words, with why."""
    round_ = lock_round(round_)
    require(acting_user, Cap.MANAGE_ASSURANCE, round_.scope)
    require_open(round_)
    _judged_round(round_)
    errors: dict[str, str] = {}
    if key_question not in round_.key_questions:
        errors["key_question"] = f"{key_question!r} is not a key question of this round"
    chosen = _rating(rating, "rating", errors)
    if not rationale.strip():
        errors["rationale"] = (
            "Explain the judgement: weigh the assessment questions' fit and the evidence"
        )
    raise_errors(errors)
    judgement = KeyQuestionJudgement.objects.filter(
        round=round_, key_question_id=key_question
    ).first()
    before = {"rating": judgement.rating} if judgement else {}
    if judgement is None:
        judgement = KeyQuestionJudgement(round=round_, key_question_id=key_question)
    judgement.rating = chosen
    judgement.rationale = rationale.strip()
    judgement.judged_by = acting_user if isinstance(acting_user, User) else None
    judgement.judged_at = timezone.now()
    judgement.save()
    audit.record(
        acting_user=acting_user,
        action="assurance.key_question_judged",
        obj=round_,
        before={"key_question": key_question, **before},
        after={"key_question": key_question, "rating": chosen},
    )
    return judgement
