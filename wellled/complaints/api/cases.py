"""The caseload, a case, recording one and changing its details."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from wellled.complaints import actions
from wellled.complaints.api._common import (
    CaseViewSetBase,
    query_date,
)
from wellled.complaints.models import (
    Channel,
    Kind,
    Status,
)
from wellled.complaints.queries import (
    ANY_STATUS,
    DEFAULT_SORT,
    SORT_CHOICES,
    caseload,
    get_complaint_for_user,
)
from wellled.complaints.serializers import (
    ComplaintCreateSerializer,
    ComplaintDetailSerializer,
    ComplaintSerializer,
    ComplaintUpdateSerializer,
)
from wellled.core import audit
from wellled.core.api import path_id, query_choice, query_int, query_text
from wellled.organisation.access import Cap, require

MAX_SEARCH = 200


class CasesMixin(CaseViewSetBase):
    def list(self, request: Request) -> Response:
        # The caseload page refuses anyone without VIEW_COMPLAINTS; so does this.
        require(request.user, Cap.VIEW_COMPLAINTS)
        overdue = query_choice(request, "overdue", ["true", "false"])
        text = query_text(request, "q") or ""
        if len(text) > MAX_SEARCH:
            raise ValidationError({"q": [f"Search for at most {MAX_SEARCH} characters"]})
        # The caseload page's own search, status and sort, from the same query.
        cases = caseload(
            request.user,
            q=text,
            status=query_choice(request, "status", Status.values) or ANY_STATUS,
            overdue=None if overdue is None else overdue == "true",
            ordering=query_choice(request, "ordering", SORT_CHOICES) or DEFAULT_SORT,
        )
        service = query_int(request, "service")
        if service is not None:
            cases = cases.filter(service_id=service)
        site = query_int(request, "site")
        if site is not None:
            cases = cases.filter(site_id=site)
        handler = query_int(request, "handler")
        if handler is not None:
            cases = cases.filter(handler_id=handler)
        kind = query_choice(request, "kind", Kind.values)
        if kind is not None:
            cases = cases.filter(kind=kind)
        channel = query_choice(request, "channel", Channel.values)
        if channel is not None:
            cases = cases.filter(channel=channel)
        received_from = query_date(request, "received_from")
        if received_from is not None:
            cases = cases.filter(received_on__gte=received_from)
        received_to = query_date(request, "received_to")
        if received_to is not None:
            cases = cases.filter(received_on__lte=received_to)
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

    def partial_update(self, request: Request, pk: str) -> Response:
        complaint = get_complaint_for_user(request.user, path_id(pk), manage=True)
        serializer = ComplaintUpdateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        with transaction.atomic():
            if "handler" in data:
                complaint = actions.assign_handler(
                    acting_user=request.user, complaint=complaint, handler=data.pop("handler")
                )
            if data:
                complaint = actions.update_case_details(
                    acting_user=request.user, complaint=complaint, **data
                )
        complaint.refresh_from_db()
        audit.record_view(acting_user=request.user, obj=complaint)
        return Response(ComplaintDetailSerializer(complaint).data)
