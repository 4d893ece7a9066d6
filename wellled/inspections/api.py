"""/api/v1/assurance/inspections/, their findings, and the old addresses of
inspection actions.

The same reads and actions as the pages: `inspections_visible_to` and
wellled.inspections.actions. An action's ValidationError becomes a 400 in
wellled.core.api.exception_handler. The actions that answer findings are
improvement actions (/api/v1/actions/); /api/v1/assurance/actions/ forwards there.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse, HttpResponsePermanentRedirect, HttpResponseRedirect
from django.urls import include, path, reverse
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from wellled.core.api import path_id
from wellled.improvement.models import Action
from wellled.improvement.queries import actions_visible_to, get_action_by_legacy_ref
from wellled.improvement.serializers import ImprovementActionDetailSerializer
from wellled.inspections import actions
from wellled.inspections.access import may_manage
from wellled.inspections.improvement_source import KIND
from wellled.inspections.models import Finding, Inspection
from wellled.inspections.queries import (
    finding_actions,
    findings_visible_to,
    get_finding_for_user,
    get_inspection_for_user,
    inspections_visible_to,
)
from wellled.inspections.serializers import (
    FindingChangeInputSerializer,
    InspectionDetailSerializer,
    InspectionSerializer,
)
from wellled.organisation.access import Cap, require


def _detail(inspection: Inspection) -> Any:
    """The inspection with its findings, each naming the actions that answer it."""
    findings = list(inspection.findings.prefetch_related("statements"))
    context = {"finding_actions": finding_actions([f.pk for f in findings])}
    return InspectionDetailSerializer(inspection, context=context).data


@extend_schema_view(
    list=extend_schema(
        summary="List the inspections you may see",
        description="CQC inspections and assessments, mock inspections and peer reviews, "
        "newest first, with their ratings and statement scores.",
    ),
    retrieve=extend_schema(
        summary="Get an inspection with its findings", responses=InspectionDetailSerializer
    ),
)
class InspectionViewSet(viewsets.GenericViewSet[Inspection]):
    serializer_class = InspectionSerializer
    http_method_names = ["get", "head", "options"]

    def get_queryset(self) -> QuerySet[Inspection]:
        return inspections_visible_to(self.request.user).prefetch_related(
            "ratings", "statement_scores"
        )

    def list(self, request: Request) -> Response:
        require(request.user, Cap.VIEW_INSPECTIONS)
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(InspectionSerializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        inspection = get_inspection_for_user(request.user, path_id(pk))
        return Response(_detail(inspection))


_MOVED = (
    "Inspection actions are improvement actions (/api/v1/actions/, source_kind "
    "inspection_finding). This address answers with a permanent redirect there; an id "
    "from before the move is resolved to its action."
)


def _moved(summary: str, *, post: bool = False, operation_id: str | None = None) -> Any:
    code = 308 if post else 301
    return extend_schema(
        operation_id=operation_id,
        summary=f"Moved: {summary}",
        description=_MOVED
        + (" A POST is redirected with 308, so it is sent again, body and all." if post else ""),
        request=None,
        responses={code: None},
    )


@extend_schema_view(
    list=_moved(
        "inspection actions are listed at /api/v1/actions/",
        operation_id="assurance_actions_list",
    ),
    retrieve=_moved("one inspection action, by its id from before the move"),
    progress=_moved("record progress at /api/v1/actions/{id}/progress/", post=True),
    evidence=_moved("add evidence at /api/v1/actions/{id}/evidence/", post=True),
    sign_off=_moved("sign off at /api/v1/actions/{id}/sign-off/", post=True),
    reopen=_moved("reopen at /api/v1/actions/{id}/reopen/", post=True),
)
class ActionViewSet(viewsets.GenericViewSet[Action]):
    """The old addresses of inspection action plans, kept so scripts keep working."""

    serializer_class = ImprovementActionDetailSerializer
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self) -> QuerySet[Action]:
        return actions_visible_to(self.request.user).filter(source_kind=KIND)

    def _to(self, request: Request, pk: str, name: str) -> HttpResponse:
        moved = get_action_by_legacy_ref(request.user, f"inspections.actionplan:{path_id(pk)}")
        target = reverse(name, args=[moved.pk])
        if request.method == "POST":
            return HttpResponseRedirect(target, status=308)
        return HttpResponsePermanentRedirect(target)

    def list(self, request: Request) -> HttpResponse:
        target = reverse("improvement-action-list") + f"?source_kind={KIND}"
        return HttpResponsePermanentRedirect(target)

    def retrieve(self, request: Request, pk: str) -> HttpResponse:
        return self._to(request, pk, "improvement-action-detail")

    @action(detail=True, methods=["post"])
    def progress(self, request: Request, pk: str) -> HttpResponse:
        return self._to(request, pk, "improvement-action-progress")

    @action(detail=True, methods=["post"])
    def evidence(self, request: Request, pk: str) -> HttpResponse:
        return self._to(request, pk, "improvement-action-evidence")

    @action(detail=True, methods=["post"], url_path="sign-off")
    def sign_off(self, request: Request, pk: str) -> HttpResponse:
        return self._to(request, pk, "improvement-action-sign-off")

    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, pk: str) -> HttpResponse:
        return self._to(request, pk, "improvement-action-reopen")


@extend_schema_view(
    change=extend_schema(
        summary="Correct a finding while no signed-off action rests on it (governance lead)",
        request=FindingChangeInputSerializer,
        responses=InspectionDetailSerializer,
    ),
)
class FindingViewSet(viewsets.GenericViewSet[Finding]):
    serializer_class = FindingChangeInputSerializer
    http_method_names = ["post", "options"]

    def get_queryset(self) -> QuerySet[Finding]:
        return findings_visible_to(self.request.user)

    @action(detail=True, methods=["post"])
    def change(self, request: Request, pk: str) -> Response:
        finding = get_finding_for_user(request.user, path_id(pk))
        inspection = finding.inspection
        if not may_manage(request.user, inspection):
            raise PermissionDenied("You cannot change this inspection")
        serializer = FindingChangeInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        actions.change_finding(
            acting_user=request.user, finding=finding, **serializer.validated_data
        )
        return Response(_detail(get_inspection_for_user(request.user, inspection.pk)))


router = SimpleRouter()
router.register("assurance/inspections", InspectionViewSet, basename="inspection")
router.register("assurance/actions", ActionViewSet, basename="inspection-action")
router.register("assurance/findings", FindingViewSet, basename="inspection-finding")

urlpatterns = [path("", include(router.urls))]
