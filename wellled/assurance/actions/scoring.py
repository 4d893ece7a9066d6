"""Scoring a quality statement in an open round, directly or from evidence categories."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from wellled.assurance import frameworks
from wellled.assurance.access import may_score
from wellled.assurance.actions.common import (
    assessment_snapshot,
    lock_round,
    raise_errors,
    require_open,
)
from wellled.assurance.models import AssessmentRound, EvidenceItem, StatementAssessment
from wellled.core import audit
from wellled.core.types import Actor
from wellled.engines.ratings import RatingsError, statement_score_from_evidence


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


def _statement_score(
    round_: AssessmentRound,
    assessment: StatementAssessment,
    score: object,
    category_scores: Mapping[str, object] | None,
    errors: dict[str, str],
) -> tuple[int | None, dict[str, int]]:
    """(the score to save, the category scores it came from); problems go into `errors`."""
    given = {k: v for k, v in (category_scores or {}).items() if v not in (None, "")}
    if not given:
        try:
            return checked_score(score), {}
        except ValidationError as error:
            errors["score"] = error.message_dict["score"][0]
            return None, {}
    checked, categories, problem = score_from_categories(round_, assessment, given)
    if problem:
        errors["category_scores"] = problem
    elif score not in (None, "") and str(score).strip() != str(checked):
        errors["score"] = (
            f"Under {round_.methodology_id} the statement's score comes from its "
            f"evidence categories ({checked}): leave the score empty or enter {checked}"
        )
    return checked, categories


def _evidence_errors(
    assessment: StatementAssessment, items: Sequence[EvidenceItem], errors: dict[str, str]
) -> None:
    """Only evidence tagged to the statement, and no newly linked retired evidence."""
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
    round_ = lock_round(assessment.round)
    assessment.round = round_
    if not may_score(acting_user, assessment):
        raise PermissionDenied("Only the statement's owner or the governance lead may score it")
    require_open(round_)
    if frameworks.get_framework(round_.methodology_id).judged:
        raise ValidationError(
            {"score": "This framework has no scores: say which rating's characteristics fit"}
        )
    errors: dict[str, str] = {}
    checked, categories = _statement_score(round_, assessment, score, category_scores, errors)
    if not rationale.strip():
        errors["rationale"] = "Explain the score: say what the evidence shows"
    items = list(evidence)
    _evidence_errors(assessment, items, errors)
    raise_errors(errors)
    before = assessment_snapshot(assessment)
    assessment.score = checked
    assessment.category_scores = categories
    assessment.rationale = rationale.strip()
    assessment.scored_by = acting_user if isinstance(acting_user, User) else None
    assessment.scored_at = timezone.now()
    assessment.save(
        update_fields=["score", "category_scores", "rationale", "scored_by", "scored_at"]
    )
    assessment.evidence.set(items)
    old, new = audit.diff(before, assessment_snapshot(assessment))
    audit.record(
        acting_user=acting_user,
        action="assurance.statement_scored",
        obj=round_,
        before={"statement_id": assessment.statement_id, **old},
        after={"statement_id": assessment.statement_id, **new},
    )
    return assessment
