"""/api/v1/learning/: the redacted library, and learning actions with their evidence.

The same queries and actions as the pages: the library holds no personal data;
actions are listed for their owners and for complaints staff over the service.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.urls import include, path
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from wellled.core.api import path_id, query_choice, query_int, query_text
from wellled.learning import actions, queries
from wellled.learning.models import LearningAction, LearningShare
from wellled.organisation.access import Cap, require


class SharedLearningSerializer(serializers.ModelSerializer[LearningShare]):
    service = serializers.CharField(source="service.name")
    site = serializers.CharField(source="site.name", default=None)
    themes = serializers.SerializerMethodField()

    class Meta:
        model = LearningShare
        fields = ["id", "title", "summary", "service", "site", "themes", "shared_on"]

    def get_themes(self, share: LearningShare) -> list[str]:
        return [theme.label for theme in share.themes.all()]


class LearningActionSerializer(serializers.ModelSerializer[LearningAction]):
    complaint = serializers.IntegerField(source="issue.complaint_id")
    owner = serializers.CharField(source="owner.get_username")
    is_done = serializers.BooleanField(read_only=True)

    class Meta:
        model = LearningAction
        fields = [
            "id",
            "complaint",
            "issue",
            "description",
            "owner",
            "due_on",
            "completed_on",
            "evidence",
            "is_done",
        ]


class CompleteSerializer(serializers.Serializer[None]):
    evidence = serializers.CharField()
    completed_on = serializers.DateField(required=False)


@extend_schema_view(
    list=extend_schema(
        summary="The learning library: shared learning, with no personal data",
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, description="Words in the title or summary."),
            OpenApiParameter("service", OpenApiTypes.INT),
            OpenApiParameter("theme", OpenApiTypes.INT, description="A KO41a subject's id."),
        ],
    ),
    retrieve=extend_schema(summary="One piece of shared learning"),
)
class SharedLearningViewSet(viewsets.ReadOnlyModelViewSet[LearningShare]):
    serializer_class = SharedLearningSerializer

    def get_queryset(self) -> QuerySet[LearningShare]:
        return queries.shares_visible_to(self.request.user).order_by("-shared_on", "-pk")

    def list(self, request: Request) -> Response:
        require(request.user, Cap.VIEW_LEARNING)
        shares = self.get_queryset()
        words = (query_text(request, "q") or "").strip()
        if words:
            shares = shares.filter(Q(title__icontains=words) | Q(summary__icontains=words))
        service = query_int(request, "service")
        if service is not None:
            shares = shares.filter(service_id=service)
        theme = query_int(request, "theme")
        if theme is not None:
            shares = shares.filter(themes=theme)
        page = self.paginate_queryset(shares.distinct())
        return self.get_paginated_response(SharedLearningSerializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        share = queries.get_share_for_user(request.user, path_id(pk))
        return Response(SharedLearningSerializer(share).data)


@extend_schema_view(
    list=extend_schema(
        summary="Learning actions you own, or that complaints staff manage in your scope",
        parameters=[
            OpenApiParameter("done", OpenApiTypes.STR, enum=["true", "false"]),
            OpenApiParameter("overdue", OpenApiTypes.STR, enum=["true"]),
        ],
    ),
    retrieve=extend_schema(summary="One learning action"),
    complete=extend_schema(
        summary="Record that an action is done, with its evidence",
        request=CompleteSerializer,
        responses=LearningActionSerializer,
    ),
)
class LearningActionViewSet(viewsets.GenericViewSet[LearningAction]):
    serializer_class = LearningActionSerializer

    def get_queryset(self) -> QuerySet[LearningAction]:
        return queries.learning_actions_visible_to(self.request.user)

    def list(self, request: Request) -> Response:
        found = self.get_queryset().order_by("due_on", "pk")
        done = query_choice(request, "done", ["true", "false"])
        if done is not None:
            found = found.filter(completed_on__isnull=done == "false")
        if query_choice(request, "overdue", ["true"]):
            found = found.filter(completed_on__isnull=True, due_on__lt=timezone.localdate())
        page = self.paginate_queryset(found)
        return self.get_paginated_response(LearningActionSerializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(
            LearningActionSerializer(queries.get_action_for_user(request.user, path_id(pk))).data
        )

    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: str) -> Response:
        found = queries.get_action_for_user(request.user, path_id(pk))
        serializer = CompleteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        done = actions.complete_learning_action(
            acting_user=request.user, action=found, **serializer.validated_data
        )
        return Response(LearningActionSerializer(done).data)


router = SimpleRouter()
router.register("learning/shared", SharedLearningViewSet, basename="shared-learning")
router.register("learning/actions", LearningActionViewSet, basename="learning-action")

urlpatterns = [path("", include(router.urls))]
