"""/api/v1/learning/: the redacted library, and the old addresses of learning actions.

The same queries and actions as the pages: the library holds no personal data.
Learning actions are improvement actions (/api/v1/actions/); their old addresses
redirect there, and the old "complete" call still works.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import HttpResponse, HttpResponsePermanentRedirect
from django.urls import include, path, reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from wellled.core.api import path_id, query_int, query_text
from wellled.improvement import access as improvement_access
from wellled.improvement.models import Action
from wellled.improvement.queries import actions_visible_to, get_action_by_legacy_ref, source_labels
from wellled.improvement.serializers import ImprovementActionDetailSerializer
from wellled.learning import actions, queries
from wellled.learning.improvement_source import KIND
from wellled.learning.models import LearningShare
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


_MOVED = (
    "Learning actions are improvement actions: this address answers with a permanent "
    "redirect to /api/v1/actions/, where they are listed with source_kind="
    "complaint_learning. An id from before the move is resolved to its action."
)


@extend_schema_view(
    list=extend_schema(
        summary="Moved: learning actions are listed at /api/v1/actions/",
        operation_id="learning_actions_list",
        description=_MOVED,
        responses={301: None},
    ),
    retrieve=extend_schema(
        summary="Moved: one learning action, by its id from before the move",
        description=_MOVED,
        responses={301: None},
    ),
    complete=extend_schema(
        summary="Record a learning action done, with its evidence (id from before the move)",
        description=(
            "Kept for scripts written before learning actions joined the action loop: the "
            "evidence is filed as a note in the evidence library and the action is "
            "completed. New scripts use /api/v1/actions/{id}/evidence/ and /complete/."
        ),
        request=CompleteSerializer,
        responses=ImprovementActionDetailSerializer,
    ),
)
class LearningActionViewSet(viewsets.GenericViewSet[Action]):
    serializer_class = ImprovementActionDetailSerializer

    def get_queryset(self) -> QuerySet[Action]:
        return actions_visible_to(self.request.user).filter(source_kind=KIND)

    def list(self, request: Request) -> HttpResponse:
        target = reverse("improvement-action-list") + f"?source_kind={KIND}"
        return HttpResponsePermanentRedirect(target)

    def _moved(self, request: Request, pk: str) -> Action:
        return get_action_by_legacy_ref(request.user, f"learning.learningaction:{path_id(pk)}")

    def retrieve(self, request: Request, pk: str) -> HttpResponse:
        moved = self._moved(request, pk)
        return HttpResponsePermanentRedirect(reverse("improvement-action-detail", args=[moved.pk]))

    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: str) -> Response:
        found = self._moved(request, pk)
        # The permission first: someone who may not act learns nothing from a 400.
        if not improvement_access.may_update(request.user, found):
            raise PermissionDenied("Only the action's owner or a manager can complete it")
        serializer = CompleteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        done = actions.complete_learning_action(
            acting_user=request.user, action=found, **serializer.validated_data
        )
        context = {"sources": source_labels([done], request.user)}
        return Response(ImprovementActionDetailSerializer(done, context=context).data)


router = SimpleRouter()
router.register("learning/shared", SharedLearningViewSet, basename="shared-learning")
router.register("learning/actions", LearningActionViewSet, basename="learning-action")

urlpatterns = [path("", include(router.urls))]
