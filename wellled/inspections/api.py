"""/api/v1/assurance/inspections/ and /api/v1/assurance/actions/.

The same reads and actions as the pages: `inspections_visible_to`,
`plans_visible_to` and wellled.inspections.actions. An action's ValidationError
becomes a 400 in wellled.core.api.exception_handler.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.urls import include, path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from wellled.core.api import path_id, query_choice, query_int
from wellled.inspections import actions
from wellled.inspections.access import holds_sign_off, may_manage, may_update_plan
from wellled.inspections.models import SHOWN_STATUSES, ActionPlan, Finding, Inspection
from wellled.inspections.queries import (
    filter_plans,
    findings_visible_to,
    get_finding_for_user,
    get_inspection_for_user,
    get_plan_for_user,
    inspections_visible_to,
    plans_visible_to,
)
from wellled.inspections.serializers import (
    ActionDetailSerializer,
    ActionSerializer,
    EvidenceInputSerializer,
    EvidenceSerializer,
    FindingChangeInputSerializer,
    InspectionDetailSerializer,
    InspectionSerializer,
    ProgressInputSerializer,
    ReopenInputSerializer,
    SignOffInputSerializer,
)
from wellled.organisation.access import Cap, require


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
        return Response(InspectionDetailSerializer(inspection).data)


@extend_schema_view(
    list=extend_schema(
        summary="List the inspection actions you may see",
        description="Actions of the inspections you may see, and any action you own.",
        parameters=[
            OpenApiParameter("status", OpenApiTypes.STR, enum=list(SHOWN_STATUSES)),
            OpenApiParameter(
                "overdue",
                OpenApiTypes.STR,
                enum=["true", "false"],
                description="true: not done and past the due date; false: the rest.",
            ),
            OpenApiParameter("owner", OpenApiTypes.INT, description="Owned by this user id."),
            OpenApiParameter("inspection", OpenApiTypes.INT, description="Of this inspection."),
        ],
    ),
    retrieve=extend_schema(
        summary="Get an action with its milestones, updates and evidence",
        responses=ActionDetailSerializer,
    ),
    progress=extend_schema(
        summary="Record a progress update and the status it leaves the action in",
        description="Done needs evidence of completion first. Owners and governance leads.",
        request=ProgressInputSerializer,
        responses=ActionDetailSerializer,
    ),
    evidence=extend_schema(
        summary="Add evidence of completion: a document, a link or a note",
        request={"multipart/form-data": EvidenceInputSerializer},
        responses={201: EvidenceSerializer},
    ),
    sign_off=extend_schema(
        summary="Sign off a done action (an executive who is not its owner)",
        request=SignOffInputSerializer,
        responses=ActionDetailSerializer,
    ),
    reopen=extend_schema(
        summary="Withdraw a sign-off with a reason (an executive): the action is open again",
        request=ReopenInputSerializer,
        responses=ActionDetailSerializer,
    ),
)
class ActionViewSet(viewsets.GenericViewSet[ActionPlan]):
    serializer_class = ActionSerializer
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self) -> QuerySet[ActionPlan]:
        return plans_visible_to(self.request.user)

    def list(self, request: Request) -> Response:
        overdue = query_choice(request, "overdue", ["true", "false"])
        plans = filter_plans(
            self.get_queryset(),
            status=query_choice(request, "status", list(SHOWN_STATUSES)),
            overdue=None if overdue is None else overdue == "true",
            owner_id=query_int(request, "owner"),
            inspection_id=query_int(request, "inspection"),
        ).order_by("due_date", "pk")
        page = self.paginate_queryset(plans)
        return self.get_paginated_response(ActionSerializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        plan = get_plan_for_user(request.user, path_id(pk))
        return Response(ActionDetailSerializer(plan).data)

    def _plan_to_update(self, request: Request, pk: str) -> ActionPlan:
        plan = get_plan_for_user(request.user, path_id(pk))
        # The permission first: someone who may not act learns nothing from a 400.
        if not may_update_plan(request.user, plan):
            raise PermissionDenied("Only the action's owner or a governance lead can update it")
        return plan

    @action(detail=True, methods=["post"])
    def progress(self, request: Request, pk: str) -> Response:
        plan = self._plan_to_update(request, pk)
        serializer = ProgressInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        plan = actions.record_progress(
            acting_user=request.user, plan=plan, **serializer.validated_data
        )
        return Response(ActionDetailSerializer(get_plan_for_user(request.user, plan.pk)).data)

    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser, JSONParser])
    def evidence(self, request: Request, pk: str) -> Response:
        plan = self._plan_to_update(request, pk)
        serializer = EvidenceInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        evidence = actions.add_evidence(
            acting_user=request.user,
            plan=plan,
            kind=data["kind"],
            title=data["title"],
            upload=data["file"],
            url=data["url"],
            note=data["note"],
        )
        return Response(EvidenceSerializer(evidence).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"], url_path="sign-off")
    def sign_off(self, request: Request, pk: str) -> Response:
        plan = get_plan_for_user(request.user, path_id(pk))
        if not holds_sign_off(request.user, plan):
            raise PermissionDenied
        serializer = SignOffInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = request.user
        assert isinstance(user, User)
        plan = actions.sign_off(acting_user=user, plan=plan, note=serializer.validated_data["note"])
        return Response(ActionDetailSerializer(get_plan_for_user(user, plan.pk)).data)

    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, pk: str) -> Response:
        plan = get_plan_for_user(request.user, path_id(pk))
        if not holds_sign_off(request.user, plan):
            raise PermissionDenied
        serializer = ReopenInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = request.user
        assert isinstance(user, User)
        plan = actions.reopen_plan(
            acting_user=user, plan=plan, reason=serializer.validated_data["reason"]
        )
        return Response(ActionDetailSerializer(get_plan_for_user(user, plan.pk)).data)


@extend_schema_view(
    change=extend_schema(
        summary="Correct a finding while no signed-off plan rests on it (governance lead)",
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
        return Response(
            InspectionDetailSerializer(get_inspection_for_user(request.user, inspection.pk)).data
        )


router = SimpleRouter()
router.register("assurance/inspections", InspectionViewSet, basename="inspection")
router.register("assurance/actions", ActionViewSet, basename="inspection-action")
router.register("assurance/findings", FindingViewSet, basename="inspection-finding")

urlpatterns = [path("", include(router.urls))]
