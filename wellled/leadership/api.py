"""/api/v1/leadership/: the rota's visits, with the pages' permissions.

Reads only for now: a visit is recorded, and feedback sent, on its pages. Leaders'
calendars are at /leadership/my-visits.ics (iCalendar).
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.urls import include, path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from wellled.core.api import path_id, query_choice, query_int
from wellled.leadership import queries
from wellled.leadership.models import Session, Visit, VisitStatus


class VisitSerializer(serializers.ModelSerializer[Visit]):
    programme = serializers.CharField(source="programme.name")
    place = serializers.CharField(source="place.name")
    hub = serializers.CharField(source="hub.name")
    executive = serializers.SerializerMethodField()
    non_executive = serializers.SerializerMethodField()

    class Meta:
        model = Visit
        fields = [
            "id",
            "programme_id",
            "programme",
            "place_id",
            "place",
            "hub",
            "round",
            "planned_on",
            "session",
            "status",
            "executive",
            "non_executive",
            "held_on",
            "feedback_due_on",
            "feedback_sent_on",
            "receipt_confirmed_on",
        ]

    def _name(self, user: object) -> str | None:
        if not isinstance(user, User):
            return None
        return user.get_full_name() or user.get_username()

    def get_executive(self, visit: Visit) -> str | None:
        return self._name(visit.executive)

    def get_non_executive(self, visit: Visit) -> str | None:
        return self._name(visit.non_executive)


class VisitDetailSerializer(VisitSerializer):
    class Meta(VisitSerializer.Meta):
        fields = [
            *VisitSerializer.Meta.fields,
            "themes",
            "good_practice",
            "concerns",
            "checklist_version",
            "checklist",
            "feedback",
        ]


@extend_schema_view(
    list=extend_schema(
        summary="Walkround visits you may see, earliest first",
        parameters=[
            OpenApiParameter("programme", OpenApiTypes.INT),
            OpenApiParameter("status", OpenApiTypes.STR, enum=VisitStatus.values),
            OpenApiParameter("session", OpenApiTypes.STR, enum=Session.values),
        ],
    ),
    retrieve=extend_schema(summary="One visit, with what it found and the team's feedback"),
)
class VisitViewSet(viewsets.ReadOnlyModelViewSet[Visit]):
    serializer_class = VisitSerializer

    def get_queryset(self) -> QuerySet[Visit]:
        return queries.visits_visible_to(self.request.user)

    def list(self, request: Request) -> Response:
        visits = self.get_queryset()
        programme = query_int(request, "programme")
        if programme is not None:
            visits = visits.filter(programme_id=programme)
        status = query_choice(request, "status", list(VisitStatus.values))
        if status:
            visits = visits.filter(status=status)
        session = query_choice(request, "session", list(Session.values))
        if session:
            visits = visits.filter(session=session)
        page = self.paginate_queryset(visits)
        return self.get_paginated_response(VisitSerializer(page, many=True).data)

    @extend_schema(responses=VisitDetailSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        visit = queries.get_visit_for_user(request.user, path_id(pk))
        return Response(VisitDetailSerializer(visit).data)


router = SimpleRouter()
router.register("leadership/visits", VisitViewSet, basename="leadership-visit")

urlpatterns = [path("", include(router.urls))]
