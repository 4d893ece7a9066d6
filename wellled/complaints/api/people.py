"""The people on a case and its issues."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from wellled.complaints import actions
from wellled.complaints.api._common import (
    COMPLAINANT_FIELDS,
    ISSUE_ID,
    CaseViewSetBase,
)
from wellled.complaints.queries import ISSUE_RELATIONS
from wellled.complaints.serializers import (
    ISSUE_CODING_FIELDS,
    ComplainantFullSerializer,
    ComplainantUpdateSerializer,
    IssueInputSerializer,
    IssueOutcomeSerializer,
    IssueSerializer,
    LearningSerializer,
    PatientSerializer,
    PatientUpdateSerializer,
)
from wellled.core import audit


class PeopleAndIssuesMixin(CaseViewSetBase):
    @extend_schema(
        methods=["GET"],
        summary="The complainant (the look is audited)",
        responses=ComplainantFullSerializer,
    )
    @extend_schema(
        methods=["PATCH"],
        summary="Correct the complainant's details (only the fields sent change)",
        request=ComplainantUpdateSerializer,
        responses=ComplainantFullSerializer,
    )
    @action(detail=True, methods=["get", "patch"])
    def complainant(self, request: Request, pk: str) -> Response:
        complaint = self._case(request, pk, manage=request.method == "PATCH")
        person = complaint.complainant
        if request.method == "PATCH":
            data = self._valid(ComplainantUpdateSerializer, request)
            details = actions.ComplainantDetails(
                **{name: data.get(name, getattr(person, name)) for name in COMPLAINANT_FIELDS}
            )
            person = actions.update_complainant(
                acting_user=request.user, complaint=complaint, details=details
            )
        audit.record_view(acting_user=request.user, obj=complaint, reason="complainant")
        return Response(ComplainantFullSerializer(person).data)

    @extend_schema(
        methods=["GET"],
        summary="The patient (the look is audited); 204 when none is recorded",
        responses={200: PatientSerializer, 204: None},
    )
    @extend_schema(
        methods=["PATCH"],
        summary="Record or correct the patient; the NHS number is checked",
        request=PatientUpdateSerializer,
        responses=PatientSerializer,
    )
    @action(detail=True, methods=["get", "patch"])
    def patient(self, request: Request, pk: str) -> Response:
        complaint = self._case(request, pk, manage=request.method == "PATCH")
        patient = complaint.patient
        if request.method == "PATCH":
            data = self._valid(PatientUpdateSerializer, request)
            details = actions.PatientDetails(
                full_name=data.get("full_name", patient.full_name if patient else ""),
                nhs_number=data.get("nhs_number", patient.nhs_number if patient else ""),
                date_of_birth=data.get("date_of_birth", patient.date_of_birth if patient else None),
            )
            patient = actions.update_patient(
                acting_user=request.user, complaint=complaint, details=details
            )
        if patient is None:
            # Nothing recorded: no personal data shown, so nothing to audit.
            return Response(status=status.HTTP_204_NO_CONTENT)
        audit.record_view(acting_user=request.user, obj=complaint, reason="patient")
        return Response(PatientSerializer(patient).data)

    @extend_schema(
        methods=["GET"],
        summary="The case's issues, with their coding, outcome and learning",
        responses=IssueSerializer(many=True),
    )
    @extend_schema(
        methods=["POST"],
        summary="Add an issue, coded to KO41a (and optionally HCAT)",
        request=IssueInputSerializer,
        responses={201: IssueSerializer},
    )
    @action(detail=True, methods=["get", "post"])
    def issues(self, request: Request, pk: str) -> Response:
        complaint = self._case(request, pk, manage=request.method == "POST")
        if request.method == "POST":
            data = self._valid(IssueInputSerializer, request)
            issue = actions.add_issue(acting_user=request.user, complaint=complaint, **data)
            issue = self._issue(request, pk, str(issue.pk), manage=False)
            return Response(IssueSerializer(issue).data, status=status.HTTP_201_CREATED)
        found = complaint.issues.select_related(*ISSUE_RELATIONS).order_by("pk")
        # Issue descriptions are the complaint in the complainant's words.
        audit.record_view(acting_user=request.user, obj=complaint, reason="issues")
        return Response(IssueSerializer(found, many=True).data)

    @extend_schema(
        methods=["GET"], summary="One issue", parameters=[ISSUE_ID], responses=IssueSerializer
    )
    @extend_schema(
        methods=["PATCH"],
        summary="Change an issue's coding (only the fields sent change)",
        parameters=[ISSUE_ID],
        request=IssueInputSerializer,
        responses=IssueSerializer,
    )
    @action(
        detail=True,
        methods=["get", "patch"],
        url_path=r"issues/(?P<issue_pk>[0-9]+)",
        url_name="issue",
    )
    def issue(self, request: Request, pk: str, issue_pk: str) -> Response:
        issue = self._issue(request, pk, issue_pk, manage=request.method == "PATCH")
        if request.method == "PATCH":
            data = self._valid(IssueInputSerializer, request, partial=True)
            coding = {name: data.get(name, getattr(issue, name)) for name in ISSUE_CODING_FIELDS}
            actions.update_issue(acting_user=request.user, issue=issue, **coding)
            issue = self._issue(request, pk, issue_pk, manage=True)
        audit.record_view(acting_user=request.user, obj=issue.complaint, reason="issues")
        return Response(IssueSerializer(issue).data)

    @extend_schema(
        summary="Record an issue's outcome",
        parameters=[ISSUE_ID],
        request=IssueOutcomeSerializer,
        responses=IssueSerializer,
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"issues/(?P<issue_pk>[0-9]+)/outcome",
        url_name="issue-outcome",
    )
    def issue_outcome(self, request: Request, pk: str, issue_pk: str) -> Response:
        issue = self._issue(request, pk, issue_pk, manage=True)
        data = self._valid(IssueOutcomeSerializer, request)
        actions.record_issue_outcome(acting_user=request.user, issue=issue, **data)
        return Response(IssueSerializer(self._issue(request, pk, issue_pk, manage=True)).data)

    @extend_schema(
        summary="Record what was learned from an issue, or why nothing was",
        parameters=[ISSUE_ID],
        request=LearningSerializer,
        responses=IssueSerializer,
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"issues/(?P<issue_pk>[0-9]+)/learning",
        url_name="issue-learning",
    )
    def issue_learning(self, request: Request, pk: str, issue_pk: str) -> Response:
        issue = self._issue(request, pk, issue_pk, manage=True)
        data = self._valid(LearningSerializer, request)
        actions.record_learning(acting_user=request.user, issue=issue, **data)
        return Response(IssueSerializer(self._issue(request, pk, issue_pk, manage=True)).data)
