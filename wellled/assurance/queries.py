"""Reads for CQC assurance: rounds, their computed ratings, the evidence library.

Who sees what:
- rounds: holders of VIEW_ASSURANCE over the round's scope, and anyone who owns a
  statement in it (an owner may hold CONTRIBUTE_EVIDENCE only, such as a guardian);
- evidence: holders of VIEW_ASSURANCE or CONTRIBUTE_EVIDENCE over the item's unit.

Who may do what is decided in `access.py`.

Nothing here is personal data beyond staff names as owners, so views are not
audited as looks at a record.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from wellled.assurance import frameworks
from wellled.assurance.models import (
    AssessmentRound,
    EvidenceItem,
    KeyQuestionJudgement,
    RoundStatus,
    StatementAssessment,
)
from wellled.assurance.panels import open_enforcement_for
from wellled.assurance.results import RoundOutcome, round_outcome
from wellled.core.navigation import WorkItem
from wellled.core.types import AnyUser
from wellled.organisation.access import Cap, scope_paths
from wellled.organisation.models import OrgUnit, UnitKind


def _under(field: str, paths: tuple[str, ...]) -> Q:
    condition = Q(pk__in=[])
    for path in paths:
        condition |= Q(**{f"{field}__path__startswith": path})
    return condition


def rounds_visible_to(user: AnyUser) -> QuerySet[AssessmentRound]:
    if not user.is_authenticated:
        return AssessmentRound.objects.none()
    condition = _under("scope", scope_paths(user, Cap.VIEW_ASSURANCE)) | _under(
        "scope", scope_paths(user, Cap.MANAGE_ASSURANCE)
    )
    condition |= Q(pk__in=StatementAssessment.objects.filter(owner=user).values("round_id"))
    return AssessmentRound.objects.filter(condition).select_related("scope").distinct()


def get_round_for_user(user: AnyUser, pk: int) -> AssessmentRound:
    round_ = rounds_visible_to(user).filter(pk=pk).first()
    if round_ is None:
        if AssessmentRound.objects.filter(pk=pk).exists():
            raise PermissionDenied
        raise Http404("No such round")
    return round_


def get_assessment_for_user(user: AnyUser, round_pk: int, statement_id: str) -> StatementAssessment:
    round_ = get_round_for_user(user, round_pk)
    assessment = round_.statements.filter(statement_id=statement_id).select_related("owner").first()
    if assessment is None:
        raise Http404("No such statement in this round")
    assessment.round = round_
    return assessment


def round_scores(round_: AssessmentRound) -> dict[str, int | None]:
    return dict(round_.statements.values_list("statement_id", "score"))


def outcome_for(
    round_: AssessmentRound, overrides: Mapping[str, int | None] | None = None
) -> RoundOutcome:
    """The engine's ratings for the round, from its scores as they stand.

    `overrides` replaces some statements' scores without saving anything: the live
    preview on the scoring form asks "what if this statement scored 3?".
    """
    scores = round_scores(round_)
    scores.update(overrides or {})
    return round_outcome(
        methodology_id=round_.methodology_id,
        key_questions=round_.key_questions,
        scores=scores,
        previous_ratings=round_.previous_ratings,
        rounding=round_.rounding,
        limiters=round_.limiters,
    )


def latest_trust_round(user: AnyUser) -> AssessmentRound | None:
    """The trust's most recent scored well-led round, open or closed, that the user may see.

    The well-led page is laid out by quality statement, so a round under a 2026 draft
    framework (no scores) is shown on its own round page instead.
    """
    return (
        rounds_visible_to(user)
        .filter(scope__kind=UnitKind.TRUST, methodology_id__in=frameworks.scored_framework_ids())
        .order_by("-opened_on", "-pk")
        .first()
    )


@dataclass(frozen=True)
class TrendRow:
    round: AssessmentRound
    outcome: RoundOutcome


def trend_for(user: AnyUser, scope: OrgUnit) -> list[TrendRow]:
    rounds = rounds_visible_to(user).filter(scope=scope).order_by("opened_on", "pk")
    return [TrendRow(r, outcome_for(r)) for r in rounds]


def scopes_with_rounds(user: AnyUser) -> QuerySet[OrgUnit]:
    ids = rounds_visible_to(user).values("scope_id")
    return OrgUnit.objects.filter(pk__in=ids).order_by("path")


# Limiters ---------------------------------------------------------------------


def limiter_suggestions(round_: AssessmentRound) -> list[dict[str, Any]]:
    """Open notices and conditions on inspections of the round's scope, as suggestions.

    Each row says which key questions of the round it would limit (those its linked
    statements belong to); a notice linked to no statement of the round is listed
    for the lead to judge, not suggested. The modules that record enforcement feed
    it through `assurance.panels`.
    """
    methodology = frameworks.get_framework(round_.methodology_id)
    rows = []
    for found in open_enforcement_for(round_.scope):
        key_questions = [kq for kq in found.key_questions if kq in round_.key_questions]
        rows.append(
            {
                "enforcement": found,
                "limiter": found.limiter,
                "label": found.label,
                "key_questions": key_questions,
                "key_question_names": [
                    frameworks.key_question_name(methodology, kq) for kq in key_questions
                ],
                "href": found.href,
            }
        )
    return rows


def suggested_limiters(rows: list[dict[str, Any]]) -> tuple[dict[str, list[str]], str]:
    chosen: dict[str, list[str]] = {}
    reasons = []
    for row in rows:
        for kq in row["key_questions"]:
            chosen.setdefault(kq, [])
            if row["limiter"] not in chosen[kq]:
                chosen[kq].append(row["limiter"])
        if row["key_questions"]:
            reasons.append(f"{row['label']}: open")
    return chosen, "; ".join(reasons)


# Evidence ---------------------------------------------------------------------


def evidence_visible_to(user: AnyUser) -> QuerySet[EvidenceItem]:
    if not user.is_authenticated:
        return EvidenceItem.objects.none()
    paths = (
        scope_paths(user, Cap.VIEW_ASSURANCE)
        + scope_paths(user, Cap.CONTRIBUTE_EVIDENCE)
        + scope_paths(user, Cap.MANAGE_ASSURANCE)
    )
    if not paths:
        return EvidenceItem.objects.none()
    return (
        EvidenceItem.objects.filter(_under("unit", paths))
        .select_related("owner", "unit")
        .prefetch_related("statement_tags", "category_tags")
    )


def current_evidence_visible_to(user: AnyUser) -> QuerySet[EvidenceItem]:
    """The library as it is shown by default: retired items left out."""
    return evidence_visible_to(user).filter(retired_on__isnull=True)


def get_evidence_for_user(user: AnyUser, pk: int) -> EvidenceItem:
    item = evidence_visible_to(user).filter(pk=pk).first()
    if item is None:
        if EvidenceItem.objects.filter(pk=pk).exists():
            raise PermissionDenied
        raise Http404("No such evidence")
    return item


def times_cited(item: EvidenceItem) -> int:
    """How many statement scores, in any round, rest on the item."""
    return StatementAssessment.objects.filter(evidence=item).count()


def stale_condition(today: datetime.date) -> Q:
    return Q(review_date__lt=today)


def evidence_for_statement(
    user: AnyUser, statement_id: str, *, include_retired: bool = False
) -> QuerySet[EvidenceItem]:
    """Evidence tagged to a statement (packs, the well-led page, the score form)."""
    items = evidence_visible_to(user) if include_retired else current_evidence_visible_to(user)
    return items.filter(statement_tags__statement_id=statement_id).distinct()


def assurance_work(user: AnyUser) -> list[WorkItem]:
    """ "My work": evidence the user owns that is past its review date, and statements to score."""
    if not user.is_authenticated:
        return []
    today = timezone.localdate()
    items: list[WorkItem] = []
    for item in EvidenceItem.objects.filter(
        owner=user, review_date__lt=today, retired_on__isnull=True
    ).order_by("review_date", "pk"):
        items.append(
            WorkItem(
                title=f"Review evidence: {item.title}",
                href=reverse("assurance:evidence_detail", args=[item.pk]),
                module="CQC assurance",
                due=item.review_date,
                detail="Stale: the review date has passed",
                group="Evidence to review",
            )
        )
    for assessment in (
        StatementAssessment.objects.filter(
            owner=user, score__isnull=True, fit="", round__status=RoundStatus.OPEN
        )
        .select_related("round")
        .order_by("round__opened_on", "order")
    ):
        # Under a 2026 draft framework a question is assessed, not scored.
        judged = frameworks.get_framework(assessment.round.methodology_id).judged
        items.append(
            WorkItem(
                title=(
                    f"Assess a question in {assessment.round.title}"
                    if judged
                    else f"Score a quality statement in {assessment.round.title}"
                ),
                href=reverse(
                    "assurance:question" if judged else "assurance:score",
                    args=[assessment.round_id, assessment.statement_id],
                ),
                module="CQC assurance",
                detail=assessment.statement_id.replace("-", " ").capitalize(),
                group="Questions to assess" if judged else "Quality statements to score",
            )
        )
    return items


def carried_evidence(
    user: AnyUser, methodology_id: str, question_id: str
) -> QuerySet[EvidenceItem]:
    """Current evidence for an assessment question of a framework with no scores.

    The evidence library is tagged against the quality statements; a question's evidence
    is what is tagged to the statements it maps from. The mapping is wellled's inference
    (see the framework's data), and the pages say so.
    """
    mapped = frameworks.get_framework(methodology_id).mapped_from(question_id)
    return (
        current_evidence_visible_to(user).filter(statement_tags__statement_id__in=mapped).distinct()
    )


def judgements_of(round_: AssessmentRound) -> dict[str, KeyQuestionJudgement]:
    return {j.key_question_id: j for j in round_.judgements.select_related("judged_by")}
