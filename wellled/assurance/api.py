"""/api/v1/assurance/: frameworks, self-assessment rounds, ratings and the evidence library.

Each endpoint does what the matching page does: the same access checks, the same
queries and the same actions in wellled.assurance.actions. An action's
ValidationError becomes a 400 in wellled.core.api.exception_handler.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.urls import include, path
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.views import APIView

from wellled.assurance import actions, frameworks
from wellled.assurance.access import (
    may_change_evidence,
    may_open_assurance,
    may_score,
    may_score_in,
)
from wellled.assurance.models import AssessmentRound, EvidenceItem, RoundStatus
from wellled.assurance.queries import (
    evidence_visible_to,
    get_assessment_for_user,
    get_evidence_for_user,
    get_round_for_user,
    limiter_suggestions,
    outcome_for,
    rounds_visible_to,
    stale_condition,
    suggested_limiters,
)
from wellled.assurance.serializers import (
    AssuranceCloseInputSerializer,
    AssuranceEvidenceChangeSerializer,
    AssuranceEvidenceCreateSerializer,
    AssuranceEvidenceSerializer,
    AssuranceFrameworkDetailSerializer,
    AssuranceFrameworkSerializer,
    AssuranceLimitersInputSerializer,
    AssuranceLimitersSerializer,
    AssuranceRatingInputSerializer,
    AssuranceResultSerializer,
    AssuranceRetireInputSerializer,
    AssuranceRoundCreateSerializer,
    AssuranceRoundDetailSerializer,
    AssuranceRoundSerializer,
    AssuranceScoreInputSerializer,
    framework_detail,
    framework_summary,
    result_data,
)
from wellled.core.api import path_id, query_choice, query_int, query_text
from wellled.engines.ratings import RatingsError, score_key_question
from wellled.organisation.access import Cap, require


def _require_assurance(request: Request) -> None:
    if not may_open_assurance(request.user):
        raise PermissionDenied


@extend_schema_view(
    list=extend_schema(
        summary="List the framework versions (methodologies)",
        responses=AssuranceFrameworkSerializer(many=True),
    ),
    retrieve=extend_schema(
        summary="Get a framework version with its key questions, statements, scale and bands",
        responses=AssuranceFrameworkDetailSerializer,
    ),
)
class FrameworkViewSet(viewsets.ViewSet):
    lookup_value_regex = r"[a-z0-9_]+"
    serializer_class = AssuranceFrameworkSerializer

    def list(self, request: Request) -> Response:
        _require_assurance(request)
        rows = [framework_summary(frameworks.get_framework(m)) for m in frameworks.framework_ids()]
        return Response(rows)

    def retrieve(self, request: Request, pk: str) -> Response:
        _require_assurance(request)
        try:
            methodology = frameworks.get_framework(pk)
        except ValidationError as error:
            return Response(
                {"detail": error.message_dict["methodology"][0]}, status=status.HTTP_404_NOT_FOUND
            )
        return Response(framework_detail(methodology))


@extend_schema_view(
    list=extend_schema(
        summary="List the self-assessment rounds you may see",
        parameters=[
            OpenApiParameter("scope", OpenApiTypes.INT, description="Rounds of this unit."),
            OpenApiParameter("status", OpenApiTypes.STR, enum=RoundStatus.values),
        ],
    ),
    retrieve=extend_schema(
        summary="Get a round with its statement scores and the rating the engine gives",
        responses=AssuranceRoundDetailSerializer,
    ),
    create=extend_schema(
        summary="Open a self-assessment round (governance lead)",
        request=AssuranceRoundCreateSerializer,
        responses={201: AssuranceRoundDetailSerializer},
    ),
    scores=extend_schema(
        summary="Score one statement 1 to 4 with a rationale and evidence; returns the round",
        request=AssuranceScoreInputSerializer,
        responses=AssuranceRoundDetailSerializer,
    ),
    close=extend_schema(
        summary="Close the round (a reason is needed when statements are unscored)",
        request=AssuranceCloseInputSerializer,
        responses=AssuranceRoundDetailSerializer,
    ),
)
class RoundViewSet(viewsets.GenericViewSet[AssessmentRound]):
    serializer_class = AssuranceRoundSerializer
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self) -> QuerySet[AssessmentRound]:
        return rounds_visible_to(self.request.user)

    def _detail(self, round_: AssessmentRound, code: int = status.HTTP_200_OK) -> Response:
        round_.refresh_from_db()
        data = AssuranceRoundDetailSerializer(round_, context={"outcome": outcome_for(round_)}).data
        return Response(data, status=code)

    def list(self, request: Request) -> Response:
        rounds = self.get_queryset().order_by("-opened_on", "-pk")
        scope = query_int(request, "scope")
        if scope is not None:
            rounds = rounds.filter(scope_id=scope)
        wanted = query_choice(request, "status", RoundStatus.values)
        if wanted is not None:
            rounds = rounds.filter(status=wanted)
        page = self.paginate_queryset(rounds)
        return self.get_paginated_response(AssuranceRoundSerializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        return self._detail(get_round_for_user(request.user, path_id(pk)))

    def create(self, request: Request) -> Response:
        require(request.user, Cap.MANAGE_ASSURANCE)
        serializer = AssuranceRoundCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        round_ = actions.open_round(
            acting_user=request.user,
            scope=data["scope"],
            methodology_id=data["methodology"],
            title=data["title"],
            rounding=data["rounding"],
            previous_ratings=data["previous_ratings"],
        )
        return self._detail(round_, status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def scores(self, request: Request, pk: str) -> Response:
        # The permission first: someone who may not score learns nothing from a 400.
        round_ = get_round_for_user(request.user, path_id(pk))
        if not may_score_in(request.user, round_):
            raise PermissionDenied
        serializer = AssuranceScoreInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        assessment = get_assessment_for_user(request.user, path_id(pk), data["statement_id"])
        if not may_score(request.user, assessment):
            raise PermissionDenied
        wanted = set(data["evidence"])
        evidence = list(evidence_visible_to(request.user).filter(pk__in=wanted))
        missing = wanted - {item.pk for item in evidence}
        if missing:
            ids = ", ".join(str(pk) for pk in sorted(missing))
            raise ValidationError({"evidence": f"No evidence you may see has id {ids}"})
        actions.score_statement(
            acting_user=request.user,
            assessment=assessment,
            score=data["score"],
            rationale=data["rationale"],
            evidence=evidence,
            category_scores=data["category_scores"],
        )
        return self._detail(assessment.round)

    @extend_schema(
        methods=["GET"],
        summary="The round's limiters, and those suggested by open notices and conditions",
        responses=AssuranceLimitersSerializer,
    )
    @extend_schema(
        methods=["POST"],
        summary="Record the limiters per key question (governance lead); returns the round",
        request=AssuranceLimitersInputSerializer,
        responses=AssuranceRoundDetailSerializer,
    )
    @action(detail=True, methods=["get", "post"])
    def limiters(self, request: Request, pk: str) -> Response:
        round_ = get_round_for_user(request.user, path_id(pk))
        require(request.user, Cap.MANAGE_ASSURANCE, round_.scope)
        if request.method == "GET":
            rows = limiter_suggestions(round_)
            suggested, _ = suggested_limiters(rows)
            return Response(
                {
                    "limiters": round_.limiters,
                    "reason": round_.limiters_reason,
                    "suggestions": [
                        {
                            "finding_id": row["enforcement"].finding_id,
                            "inspection_id": row["enforcement"].inspection_id,
                            "label": row["label"],
                            "limiter": row["limiter"],
                            "key_questions": row["key_questions"],
                        }
                        for row in rows
                    ],
                    "suggested_limiters": suggested,
                }
            )
        serializer = AssuranceLimitersInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        round_ = actions.set_limiters(
            acting_user=request.user,
            round_=round_,
            limiters=serializer.validated_data["limiters"],
            reason=serializer.validated_data["reason"],
        )
        return self._detail(round_)

    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str) -> Response:
        round_ = get_round_for_user(request.user, path_id(pk))
        require(request.user, Cap.MANAGE_ASSURANCE, round_.scope)
        serializer = AssuranceCloseInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        round_ = actions.close_round(
            acting_user=request.user, round_=round_, reason=serializer.validated_data["reason"]
        )
        return self._detail(round_)


class RatingView(APIView):
    """A thin wrapper over `wellled.engines.ratings.score_key_question`."""

    @extend_schema(
        summary="Compute a key question's percentage and rating for a set of scores",
        request=AssuranceRatingInputSerializer,
        responses=AssuranceResultSerializer,
    )
    def post(self, request: Request) -> Response:
        _require_assurance(request)
        serializer = AssuranceRatingInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        frameworks.get_framework(data["methodology"])
        try:
            result = score_key_question(
                data["scores"],
                methodology=data["methodology"],
                key_question=data["key_question"] or None,
                previous_rating=data["previous_rating"] or None,
                rounding=data["rounding"] or None,
                limiters=data["limiters"],
            )
        except RatingsError as error:
            raise ValidationError({"scores": str(error)}) from None
        return Response(result_data(result))


@extend_schema_view(
    list=extend_schema(
        summary="List the evidence you may see",
        parameters=[
            OpenApiParameter(
                "statement", OpenApiTypes.STR, description="Tagged to this statement."
            ),
            OpenApiParameter("category", OpenApiTypes.STR, description="In this category."),
            OpenApiParameter(
                "stale",
                OpenApiTypes.STR,
                enum=["true", "false"],
                description="true: past its review date; false: current.",
            ),
            OpenApiParameter(
                "retired",
                OpenApiTypes.STR,
                enum=["include", "only"],
                description="Retired items are left out unless asked for.",
            ),
        ],
    ),
    change=extend_schema(
        summary="Change an item (owner or governance lead); a file replaces the document",
        request={
            "application/json": AssuranceEvidenceChangeSerializer,
            "multipart/form-data": AssuranceEvidenceChangeSerializer,
        },
        responses=AssuranceEvidenceSerializer,
    ),
    retire=extend_schema(
        summary="Retire an item: kept for the audit, left out of the library and packs",
        request=AssuranceRetireInputSerializer,
        responses=AssuranceEvidenceSerializer,
    ),
    retrieve=extend_schema(summary="Get an evidence item"),
    create=extend_schema(
        summary="Add evidence (JSON, or multipart with a file for a document)",
        request={
            "application/json": AssuranceEvidenceCreateSerializer,
            "multipart/form-data": AssuranceEvidenceCreateSerializer,
        },
        responses={201: AssuranceEvidenceSerializer},
    ),
)
class EvidenceViewSet(viewsets.GenericViewSet[EvidenceItem]):
    serializer_class = AssuranceEvidenceSerializer
    http_method_names = ["get", "post", "head", "options"]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self) -> QuerySet[EvidenceItem]:
        return evidence_visible_to(self.request.user)

    def _context(self) -> dict[str, Any]:
        return {"today": timezone.localdate()}

    def list(self, request: Request) -> Response:
        items = self.get_queryset()
        statement = query_text(request, "statement")
        if statement:
            items = items.filter(statement_tags__statement_id=statement)
        category = query_text(request, "category")
        if category:
            items = items.filter(category_tags__category_id=category)
        stale = query_choice(request, "stale", ["true", "false"])
        if stale is not None:
            condition = stale_condition(timezone.localdate())
            items = items.filter(condition) if stale == "true" else items.exclude(condition)
        retired = query_choice(request, "retired", ["include", "only"])
        if retired == "only":
            items = items.filter(retired_on__isnull=False)
        elif retired is None:
            items = items.filter(retired_on__isnull=True)
        page = self.paginate_queryset(items.distinct().order_by("review_date", "pk"))
        return self.get_paginated_response(
            AssuranceEvidenceSerializer(page, many=True, context=self._context()).data
        )

    def retrieve(self, request: Request, pk: str) -> Response:
        item = get_evidence_for_user(request.user, path_id(pk))
        return Response(AssuranceEvidenceSerializer(item, context=self._context()).data)

    def create(self, request: Request) -> Response:
        if not may_open_assurance(request.user):
            raise PermissionDenied
        owner = request.user
        assert isinstance(owner, User)
        data_in: Any = request.data
        if hasattr(data_in, "getlist"):
            # Multipart: repeated fields carry the lists.
            data_in = {
                **{key: data_in.get(key) for key in data_in},
                "statements": data_in.getlist("statements"),
                "categories": data_in.getlist("categories"),
            }
        serializer = AssuranceEvidenceCreateSerializer(data=data_in, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        item = actions.add_evidence(
            acting_user=request.user,
            kind=data["kind"],
            title=data["title"],
            description=data["description"],
            unit=data["unit"],
            statement_ids=data["statements"],
            category_ids=data["categories"],
            owner=data.get("owner") or owner,
            evidence_date=data["evidence_date"],
            review_date=data["review_date"],
            url=data["url"],
            upload=data.get("file"),
            measure_key=data["measure_key"],
        )
        item = get_evidence_for_user(request.user, item.pk)
        return Response(
            AssuranceEvidenceSerializer(item, context=self._context()).data,
            status=status.HTTP_201_CREATED,
        )

    def _item_to_change(self, request: Request, pk: str) -> EvidenceItem:
        # The permission first: someone who may not change it learns nothing from a 400.
        item = get_evidence_for_user(request.user, path_id(pk))
        if not may_change_evidence(request.user, item):
            raise PermissionDenied
        return item

    @action(detail=True, methods=["post"])
    def change(self, request: Request, pk: str) -> Response:
        item = self._item_to_change(request, pk)
        data_in: Any = request.data
        if hasattr(data_in, "getlist"):
            data_in = {
                **{key: data_in.get(key) for key in data_in},
                "statements": data_in.getlist("statements"),
                "categories": data_in.getlist("categories"),
            }
        serializer = AssuranceEvidenceChangeSerializer(data=data_in)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        actions.change_evidence(
            acting_user=request.user,
            item=item,
            title=data["title"],
            description=data["description"],
            statement_ids=data["statements"],
            category_ids=data["categories"],
            owner=data["owner"],
            evidence_date=data["evidence_date"],
            review_date=data["review_date"],
            url=data.get("url"),
            measure_key=data.get("measure_key"),
            upload=data.get("file"),
        )
        item = get_evidence_for_user(request.user, item.pk)
        return Response(AssuranceEvidenceSerializer(item, context=self._context()).data)

    @action(detail=True, methods=["post"])
    def retire(self, request: Request, pk: str) -> Response:
        item = self._item_to_change(request, pk)
        serializer = AssuranceRetireInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        actions.retire_evidence(
            acting_user=request.user, item=item, reason=serializer.validated_data["reason"]
        )
        item = get_evidence_for_user(request.user, item.pk)
        return Response(AssuranceEvidenceSerializer(item, context=self._context()).data)


router = SimpleRouter()
router.register("assurance/frameworks", FrameworkViewSet, basename="assurance-framework")
router.register("assurance/rounds", RoundViewSet, basename="assurance-round")
router.register("assurance/evidence", EvidenceViewSet, basename="assurance-evidence")

urlpatterns = [
    path("assurance/ratings/", RatingView.as_view(), name="assurance-ratings"),
    path("", include(router.urls)),
]
