"""API shapes for CQC assurance. Input serializers only check and convert; actions decide."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from wellled.assurance import frameworks
from wellled.assurance.models import AssessmentRound, EvidenceItem, EvidenceKind
from wellled.assurance.results import KeyQuestionOutcome, RoundOutcome
from wellled.engines.ratings import KeyQuestionResult, Methodology
from wellled.organisation.serializers import ActiveUserField, VisibleUnitField


def _person(user: Any) -> str | None:
    if user is None:
        return None
    return str(user.get_full_name() or user.get_username())


# Frameworks ---------------------------------------------------------------------


def framework_summary(methodology: Methodology) -> dict[str, Any]:
    return {
        "id": methodology.id,
        "title": methodology.title,
        "framework": methodology.framework,
        "scored": frameworks.is_scored(methodology),
        "default_rounding": methodology.default_rounding.value,
    }


def framework_detail(methodology: Methodology) -> dict[str, Any]:
    return {
        **framework_summary(methodology),
        "score_scale": [
            {"score": p.score, "meaning": p.meaning} for p in frameworks.score_scale(methodology)
        ],
        "bands": [
            {"rating": b.rating, "low": b.low, "high": b.high}
            for b in frameworks.bands(methodology)
        ],
        "evidence_categories": [
            {"id": key, "name": name} for key, name in methodology.evidence_categories.items()
        ],
        "key_questions": [
            {
                "id": kq.id,
                "name": kq.name,
                "statements": [
                    {
                        "id": s.id,
                        "label": s.label,
                        "name": s.name,
                        "we_statement": s.we_statement,
                    }
                    for s in kq.statements
                ],
            }
            for kq in methodology.key_questions
        ],
    }


class AssuranceFrameworkSerializer(serializers.Serializer[Any]):
    id = serializers.CharField()
    title = serializers.CharField()
    framework = serializers.CharField()
    scored = serializers.BooleanField()
    default_rounding = serializers.CharField()


class AssuranceStatementSerializer(serializers.Serializer[Any]):
    id = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    name = serializers.CharField()
    we_statement = serializers.CharField(allow_null=True)


class AssuranceKeyQuestionSerializer(serializers.Serializer[Any]):
    id = serializers.CharField()
    name = serializers.CharField()
    statements = AssuranceStatementSerializer(many=True)


class AssuranceScorePointSerializer(serializers.Serializer[Any]):
    score = serializers.IntegerField()
    meaning = serializers.CharField()


class AssuranceBandSerializer(serializers.Serializer[Any]):
    rating = serializers.CharField()
    low = serializers.IntegerField()
    high = serializers.IntegerField()


class AssuranceCategorySerializer(serializers.Serializer[Any]):
    id = serializers.CharField()
    name = serializers.CharField()


class AssuranceFrameworkDetailSerializer(AssuranceFrameworkSerializer):
    score_scale = AssuranceScorePointSerializer(many=True)
    bands = AssuranceBandSerializer(many=True)
    evidence_categories = AssuranceCategorySerializer(many=True)
    key_questions = AssuranceKeyQuestionSerializer(many=True)


# Results ------------------------------------------------------------------------


def result_data(result: KeyQuestionResult) -> dict[str, Any]:
    return {
        "methodology": result.methodology,
        "key_question": result.key_question,
        "raw_percentage": result.raw_percentage,
        "published_percentage": result.published_percentage,
        "rounding": result.percentage.rounding.value,
        "band_rating": str(result.band_rating),
        "rating": str(result.rating),
        "boundary_case": result.boundary_case,
        "ratings_by_rounding": {
            mode.value: str(rating) for mode, rating in result.ratings_by_rounding.items()
        },
        "statement_scores": dict(result.statement_scores),
        "carried_forward": list(result.carried_forward),
        "previous_rating": str(result.previous_rating) if result.previous_rating else None,
        "limiters_applied": [
            {
                "name": lim.name,
                "cap": str(lim.cap),
                "reason": lim.reason,
                "status": lim.status,
                "changed_rating": lim.changed_rating,
                "sources": list(lim.sources),
            }
            for lim in result.limiters_applied
        ],
        "notes": list(result.notes),
    }


def key_question_data(outcome: KeyQuestionOutcome) -> dict[str, Any]:
    return {
        "key_question": outcome.key_question,
        "name": outcome.name,
        "scored": outcome.scored,
        "total": outcome.total,
        "limiters": list(outcome.limiters),
        "limited": outcome.limited,
        "result": result_data(outcome.result) if outcome.result is not None else None,
        "problem": outcome.problem or None,
        "what_if": [
            {
                "direction": direction,
                "statement_id": w.statement_id,
                "from_score": w.from_score,
                "to_score": w.to_score,
                "rating": w.rating,
                "published_percentage": w.published_percentage,
            }
            for direction, items in (("up", outcome.up), ("down", outcome.down))
            for w in items
        ],
    }


def outcome_data(outcome: RoundOutcome) -> dict[str, Any]:
    overall = None
    if outcome.overall is not None:
        overall = {
            "rating": str(outcome.overall.rating) if outcome.overall.rating else None,
            "judgement_needed": outcome.overall.judgement_needed,
            "reason": outcome.overall.reason,
            "gap": outcome.overall.gap,
        }
    return {
        "methodology": outcome.methodology,
        "key_questions": [key_question_data(kq) for kq in outcome.key_questions],
        "overall": overall,
    }


class AssuranceResultSerializer(serializers.Serializer[Any]):
    methodology = serializers.CharField()
    key_question = serializers.CharField()
    raw_percentage = serializers.FloatField()
    published_percentage = serializers.IntegerField()
    rounding = serializers.CharField()
    band_rating = serializers.CharField()
    rating = serializers.CharField()
    boundary_case = serializers.BooleanField()
    ratings_by_rounding = serializers.DictField(child=serializers.CharField())
    statement_scores = serializers.DictField(child=serializers.IntegerField())
    carried_forward = serializers.ListField(child=serializers.CharField())
    previous_rating = serializers.CharField(allow_null=True)
    limiters_applied = serializers.ListField(child=serializers.DictField())
    notes = serializers.ListField(child=serializers.CharField())


class AssuranceWhatIfSerializer(serializers.Serializer[Any]):
    direction = serializers.ChoiceField(choices=["up", "down"])
    statement_id = serializers.CharField()
    from_score = serializers.IntegerField()
    to_score = serializers.IntegerField()
    rating = serializers.CharField()
    published_percentage = serializers.IntegerField()


class AssuranceKeyQuestionOutcomeSerializer(serializers.Serializer[Any]):
    key_question = serializers.CharField()
    name = serializers.CharField()
    scored = serializers.IntegerField()
    total = serializers.IntegerField()
    limiters = serializers.ListField(child=serializers.CharField())
    limited = serializers.BooleanField()
    result = AssuranceResultSerializer(allow_null=True)
    problem = serializers.CharField(allow_null=True)
    what_if = AssuranceWhatIfSerializer(many=True)


class AssuranceOverallSerializer(serializers.Serializer[Any]):
    rating = serializers.CharField(allow_null=True)
    judgement_needed = serializers.BooleanField()
    reason = serializers.CharField()
    gap = serializers.CharField(allow_null=True)


class AssuranceOutcomeSerializer(serializers.Serializer[Any]):
    methodology = serializers.CharField()
    key_questions = AssuranceKeyQuestionOutcomeSerializer(many=True)
    overall = AssuranceOverallSerializer(allow_null=True)


# Rounds -------------------------------------------------------------------------


class AssuranceRoundSerializer(serializers.ModelSerializer[AssessmentRound]):
    class Meta:
        model = AssessmentRound
        fields = [
            "id",
            "title",
            "scope",
            "methodology_id",
            "key_questions",
            "previous_ratings",
            "rounding",
            "status",
            "opened_on",
            "closed_on",
            "close_reason",
            "limiters",
            "limiters_reason",
        ]


class AssuranceStatementScoreSerializer(serializers.Serializer[Any]):
    statement_id = serializers.CharField()
    key_question = serializers.CharField()
    owner = serializers.CharField(allow_null=True)
    score = serializers.IntegerField(allow_null=True)
    # Under a 2026 draft framework: the rating whose characteristics best fit ("" if none).
    fit = serializers.CharField()
    category_scores = serializers.DictField(child=serializers.IntegerField())
    rationale = serializers.CharField()
    evidence = serializers.ListField(child=serializers.IntegerField())


class AssuranceJudgementSerializer(serializers.Serializer[Any]):
    """The trust's judgement of a key question under a framework with no scores."""

    key_question = serializers.CharField()
    rating = serializers.CharField(help_text="In CQC's words; estimated, not CQC's rating")
    rationale = serializers.CharField()
    judged_by = serializers.CharField(allow_null=True)
    judged_at = serializers.DateTimeField()


class AssuranceRoundDetailSerializer(AssuranceRoundSerializer):
    statements = serializers.SerializerMethodField()
    outcome = serializers.SerializerMethodField()
    judgements = serializers.SerializerMethodField()

    class Meta(AssuranceRoundSerializer.Meta):
        fields = [*AssuranceRoundSerializer.Meta.fields, "statements", "outcome", "judgements"]

    @extend_schema_field(AssuranceJudgementSerializer(many=True))
    def get_judgements(self, round_: AssessmentRound) -> list[dict[str, Any]]:
        return [
            {
                "key_question": j.key_question_id,
                "rating": j.rating,
                "rationale": j.rationale,
                "judged_by": _person(j.judged_by),
                "judged_at": j.judged_at,
            }
            for j in round_.judgements.select_related("judged_by")
        ]

    @extend_schema_field(AssuranceStatementScoreSerializer(many=True))
    def get_statements(self, round_: AssessmentRound) -> list[dict[str, Any]]:
        return [
            {
                "statement_id": a.statement_id,
                "key_question": a.key_question_id,
                "owner": _person(a.owner),
                "score": a.score,
                "fit": a.fit,
                "category_scores": dict(a.category_scores),
                "rationale": a.rationale,
                "evidence": sorted(e.pk for e in a.evidence.all()),
            }
            for a in round_.statements.select_related("owner").prefetch_related("evidence")
        ]

    @extend_schema_field(AssuranceOutcomeSerializer)
    def get_outcome(self, round_: AssessmentRound) -> dict[str, Any]:
        return outcome_data(self.context["outcome"])


class AssuranceRoundCreateSerializer(serializers.Serializer[Any]):
    title = serializers.CharField(max_length=200)
    scope = VisibleUnitField()
    methodology = serializers.CharField(default="saf_2024_statements")
    rounding = serializers.CharField(required=False, allow_blank=True, default="")
    previous_ratings = serializers.DictField(
        child=serializers.CharField(), required=False, default=dict
    )


class AssuranceScoreInputSerializer(serializers.Serializer[Any]):
    statement_id = serializers.CharField()
    # Any JSON value: the action says clearly why a score outside 1 to 4 is refused.
    score = serializers.JSONField(required=False, allow_null=True, default=None)
    rationale = serializers.CharField(allow_blank=True, default="")
    evidence = serializers.ListField(child=serializers.IntegerField(), default=list)
    # saf_2023_evidence_categories only: category id -> 1 to 4, instead of a score.
    category_scores = serializers.DictField(
        child=serializers.JSONField(allow_null=True), required=False, default=dict
    )


class AssuranceLimitersInputSerializer(serializers.Serializer[Any]):
    # Key question id -> limiter names; {} clears them.
    limiters = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), default=dict
    )
    reason = serializers.CharField(allow_blank=True, default="")


class AssuranceLimiterSuggestionSerializer(serializers.Serializer[Any]):
    finding_id = serializers.IntegerField()
    inspection_id = serializers.IntegerField()
    label = serializers.CharField()  # type: ignore[assignment]
    limiter = serializers.CharField()
    key_questions = serializers.ListField(child=serializers.CharField())


class AssuranceLimitersSerializer(serializers.Serializer[Any]):
    limiters = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))
    reason = serializers.CharField()
    suggestions = AssuranceLimiterSuggestionSerializer(many=True)
    suggested_limiters = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField())
    )


class AssuranceRetireInputSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(allow_blank=True, default="")


class AssuranceCloseInputSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(allow_blank=True, default="")


class AssuranceRatingInputSerializer(serializers.Serializer[Any]):
    methodology = serializers.CharField(default="saf_2024_statements")
    key_question = serializers.CharField(required=False, allow_blank=True, default="")
    scores = serializers.DictField(child=serializers.JSONField(allow_null=True))
    previous_rating = serializers.CharField(required=False, allow_blank=True, default="")
    rounding = serializers.CharField(required=False, allow_blank=True, default="")
    limiters = serializers.ListField(child=serializers.CharField(), default=list)


# Evidence -----------------------------------------------------------------------


class AssuranceEvidenceSerializer(serializers.ModelSerializer[EvidenceItem]):
    statements = serializers.SerializerMethodField()
    categories = serializers.SerializerMethodField()
    owner_name = serializers.SerializerMethodField()
    stale = serializers.SerializerMethodField()

    class Meta:
        model = EvidenceItem
        fields = [
            "id",
            "kind",
            "title",
            "description",
            "unit",
            "framework",
            "statements",
            "categories",
            "owner",
            "owner_name",
            "evidence_date",
            "review_date",
            "stale",
            "url",
            "file_name",
            "file_type",
            "file_size",
            "file_version",
            "measure_key",
            "retired_on",
            "retire_reason",
        ]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_statements(self, item: EvidenceItem) -> list[str]:
        return item.statement_ids

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_categories(self, item: EvidenceItem) -> list[str]:
        return item.category_ids

    @extend_schema_field(OpenApiTypes.STR)
    def get_owner_name(self, item: EvidenceItem) -> str | None:
        return _person(item.owner)

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_stale(self, item: EvidenceItem) -> bool:
        return bool(item.is_stale(self.context["today"]))


class AssuranceEvidenceCreateSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=EvidenceKind.choices)
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(allow_blank=True, default="")
    unit = VisibleUnitField()
    statements = serializers.ListField(child=serializers.CharField(), default=list)
    categories = serializers.ListField(child=serializers.CharField(), default=list)
    owner = ActiveUserField(required=False)
    evidence_date = serializers.DateField()
    review_date = serializers.DateField()
    url = serializers.CharField(allow_blank=True, default="", max_length=500)
    file = serializers.FileField(required=False, allow_null=True)
    measure_key = serializers.CharField(allow_blank=True, default="")


class AssuranceEvidenceChangeSerializer(serializers.Serializer[Any]):
    """Every field but the file is given whole: the item becomes what is sent."""

    title = serializers.CharField(max_length=200)
    description = serializers.CharField(allow_blank=True, default="")
    statements = serializers.ListField(child=serializers.CharField(), default=list)
    categories = serializers.ListField(child=serializers.CharField(), default=list)
    owner = ActiveUserField()
    evidence_date = serializers.DateField()
    review_date = serializers.DateField()
    url = serializers.CharField(required=False, allow_blank=True, max_length=500)
    measure_key = serializers.CharField(required=False, allow_blank=True)
    file = serializers.FileField(required=False, allow_null=True)
