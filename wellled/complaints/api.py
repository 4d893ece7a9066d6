"""/api/v1/complaints/: the caseload, a case, intake and the first two steps.

Each endpoint does what the matching page does: the same access check, the same
`complaints_visible_to` / `get_complaint_for_user` reads and the same action in
wellled.complaints.actions. An action's ValidationError becomes a 400 in
wellled.core.api.exception_handler.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db.models import Q, QuerySet
from django.urls import include, path
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from wellled.complaints import actions
from wellled.complaints.models import OPEN_STATUSES, Complaint, Status
from wellled.complaints.queries import (
    complaints_visible_to,
    get_complaint_for_user,
    overdue_condition,
)
from wellled.complaints.serializers import (
    AcknowledgeSerializer,
    AgreeResponseDateSerializer,
    ComplaintCreateSerializer,
    ComplaintDetailSerializer,
    ComplaintSerializer,
)
from wellled.core import audit
from wellled.core.api import path_id, query_choice, query_int
from wellled.organisation.access import Cap, require


@extend_schema_view(
    list=extend_schema(
        summary="List the complaints you may see",
        description=(
            "Every case in your scope, open or closed, newest first. The list holds "
            "no personal data; get a case for its summary and people."
        ),
        parameters=[
            OpenApiParameter("status", OpenApiTypes.STR, enum=Status.values),
            OpenApiParameter("service", OpenApiTypes.INT, description="About this service."),
            OpenApiParameter(
                "overdue",
                OpenApiTypes.STR,
                enum=["true", "false"],
                description="true: open cases whose next deadline has passed; false: the rest.",
            ),
        ],
    ),
    retrieve=extend_schema(
        summary="Get a complaint, with its summary and people (the look is audited)",
        responses=ComplaintDetailSerializer,
    ),
    create=extend_schema(
        summary="Record a complaint, PALS concern or oral complaint resolved at once",
        request=ComplaintCreateSerializer,
        responses={201: ComplaintDetailSerializer},
    ),
    acknowledge=extend_schema(
        summary="Record the acknowledgement and the offer to discuss (regulation 13)",
        request=AcknowledgeSerializer,
        responses=ComplaintSerializer,
    ),
    agree_response_date=extend_schema(
        summary="Record the response date agreed with the complainant",
        request=AgreeResponseDateSerializer,
        responses=ComplaintSerializer,
    ),
)
class ComplaintViewSet(viewsets.GenericViewSet[Complaint]):
    serializer_class = ComplaintSerializer
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self) -> QuerySet[Complaint]:
        return complaints_visible_to(self.request.user)

    def list(self, request: Request) -> Response:
        # The caseload page refuses anyone without VIEW_COMPLAINTS; so does this.
        require(request.user, Cap.VIEW_COMPLAINTS)
        cases = self.get_queryset().order_by("-received_on", "-pk")
        wanted = query_choice(request, "status", Status.values)
        if wanted is not None:
            cases = cases.filter(status=wanted)
        service = query_int(request, "service")
        if service is not None:
            cases = cases.filter(service_id=service)
        overdue = query_choice(request, "overdue", ["true", "false"])
        if overdue is not None:
            late = overdue_condition(timezone.localdate()) & Q(status__in=OPEN_STATUSES)
            cases = cases.filter(late) if overdue == "true" else cases.exclude(late)
        page = self.paginate_queryset(cases)
        return self.get_paginated_response(ComplaintSerializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        complaint = get_complaint_for_user(request.user, path_id(pk))
        # It shows the people and the summary: every look is on the audit trail.
        audit.record_view(acting_user=request.user, obj=complaint)
        return Response(ComplaintDetailSerializer(complaint).data)

    def create(self, request: Request) -> Response:
        require(request.user, Cap.MANAGE_COMPLAINTS)
        serializer = ComplaintCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        # IsAuthenticated has run: this is a login, and becomes the handler.
        handler = request.user
        assert isinstance(handler, User)
        patient = None
        if data["patient_name"].strip():
            patient = actions.PatientDetails(
                full_name=data["patient_name"],
                nhs_number=data["nhs_number"],
                date_of_birth=data.get("date_of_birth"),
            )
        complaint = actions.record_complaint(
            acting_user=request.user,
            kind=data["kind"],
            channel=data["channel"],
            received_on=data["received_on"],
            resolved_on=data.get("resolved_on"),
            service=data["service"],
            team=data.get("team"),
            site=data.get("site"),
            summary=data["summary"],
            event_date=data.get("event_date"),
            aware_date=data.get("aware_date"),
            late_acceptance_reason=data["late_acceptance_reason"],
            complainant=actions.ComplainantDetails(
                full_name=data["complainant_name"],
                email=data["complainant_email"],
                phone=data["complainant_phone"],
                address=data["complainant_address"],
                relationship=data["complainant_relationship"],
                representative_basis=data["representative_basis"],
                consent_status=data["consent_status"],
                consent_evidence=data["consent_evidence"],
            ),
            patient=patient,
            # As on the page: whoever records the case handles it until reassigned.
            handler=handler,
        )
        return Response(ComplaintDetailSerializer(complaint).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def acknowledge(self, request: Request, pk: str) -> Response:
        # The permission first: someone who may not act learns nothing from a 400.
        complaint = get_complaint_for_user(request.user, path_id(pk), manage=True)
        serializer = AcknowledgeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        complaint = actions.acknowledge(
            acting_user=request.user, complaint=complaint, **serializer.validated_data
        )
        return Response(ComplaintSerializer(complaint).data)

    @action(detail=True, methods=["post"], url_path="agree-response-date")
    def agree_response_date(self, request: Request, pk: str) -> Response:
        complaint = get_complaint_for_user(request.user, path_id(pk), manage=True)
        serializer = AgreeResponseDateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        complaint = actions.agree_response_date(
            acting_user=request.user, complaint=complaint, **serializer.validated_data
        )
        return Response(ComplaintSerializer(complaint).data)


router = SimpleRouter()
router.register("complaints", ComplaintViewSet, basename="complaint")

urlpatterns = [path("", include(router.urls))]
