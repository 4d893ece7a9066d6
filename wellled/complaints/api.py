"""/api/v1/complaints/: the caseload, a case, and every step the case page offers.

Each endpoint does what the matching page does: the same access check, the same
`complaints_visible_to` / `get_complaint_for_user` reads and the same action in
wellled.complaints.actions. The order is always the same: permission first (so
someone who may not act learns nothing from a 400), then the body's shape (the
serializer), then the action, whose ValidationError becomes a 400 in
wellled.core.api.exception_handler. Whatever returns people, letters, issue text
or documents records the look with `audit.record_view`, as the pages do.

Things on a case (issues, letters, attachments, Ombudsman referrals, late
response tasks) are nested under it: `/api/v1/complaints/<id>/issues/<issue_id>/`.
A nested id that belongs to another case is a 404.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404, HttpResponse
from django.urls import include, path
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from wellled.complaints import actions, letters
from wellled.complaints.models import (
    OPEN_STATUSES,
    Channel,
    Complaint,
    ComplaintIssue,
    Kind,
    LateResponseTask,
    Letter,
    PHSORecommendation,
    PHSOReferral,
    Status,
)
from wellled.complaints.queries import (
    complaints_visible_to,
    get_complaint_for_user,
    overdue_condition,
)
from wellled.complaints.serializers import (
    ISSUE_CODING_FIELDS,
    AcknowledgeSerializer,
    AgreeResponseDateSerializer,
    AttachmentSerializer,
    AttachmentUploadSerializer,
    CloseSerializer,
    ComplainantFullSerializer,
    ComplainantUpdateSerializer,
    ComplaintCreateSerializer,
    ComplaintDetailSerializer,
    ComplaintSerializer,
    ComplaintUpdateSerializer,
    ConsentSerializer,
    DraftLetterSerializer,
    EmptySerializer,
    EscalateSerializer,
    ExcludeSerializer,
    ExtendResponseDateSerializer,
    HandlerSerializer,
    IssueInputSerializer,
    IssueOutcomeSerializer,
    IssueSerializer,
    LateLetterSentSerializer,
    LateResponseTaskSerializer,
    LearningSerializer,
    LetterDetailSerializer,
    LetterEditSerializer,
    LetterSentSerializer,
    LetterSerializer,
    PatientSerializer,
    PatientUpdateSerializer,
    PHSOCompleteInputSerializer,
    PHSODecisionInputSerializer,
    PHSORecommendationInputSerializer,
    PHSORecommendationSerializer,
    PHSOReferInputSerializer,
    PHSOReferralSerializer,
    RecordResponseSerializer,
    ReopenSerializer,
    SetResponseDateSerializer,
    SignOffSerializer,
    TransferSerializer,
)
from wellled.complaints.uploads import ALLOWED
from wellled.core import audit
from wellled.core.api import path_id, query_choice, query_int
from wellled.organisation.access import Cap, require
from wellled.organisation.queries import get_trust


def _path(name: str, description: str) -> OpenApiParameter:
    return OpenApiParameter(name, OpenApiTypes.INT, OpenApiParameter.PATH, description=description)


ISSUE_ID = _path("issue_pk", "The issue's id (on this case).")
LETTER_ID = _path("letter_pk", "The letter's id (on this case).")
ATTACHMENT_ID = _path("attachment_pk", "The document's id (on this case).")
REFERRAL_ID = _path("referral_pk", "The Ombudsman referral's id (on this case).")
RECOMMENDATION_ID = _path("recommendation_pk", "The recommendation's id (on this case).")
TASK_ID = _path("task_pk", "The late response task's id (on this case).")
FORMAT = OpenApiParameter(
    "fmt", OpenApiTypes.STR, OpenApiParameter.PATH, enum=["pdf", "docx"], description="File type."
)
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_FILE_FORMATS = {"application/pdf": "pdf", DOCX: "docx", "image/jpeg": "jpeg", "image/png": "png"}


class FileRenderer(BaseRenderer):
    """A file type a download answers with, so that content negotiation accepts it.

    The project's only renderer is JSON, so `Accept: application/pdf` was a 406.
    A download returns its own HttpResponse with the file's bytes and never goes
    through a renderer; an error from a download is rendered as JSON
    (`ComplaintViewSet.handle_exception`), whatever file type was asked for.
    """

    charset = None

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        if isinstance(data, bytes):
            return data
        return JSONRenderer().render(data)


@functools.cache
def file_renderer(media_type: str) -> type[FileRenderer]:
    """The renderer class standing for one file type (one class per type)."""
    fmt = _FILE_FORMATS.get(media_type, "file")
    return type(
        f"{fmt.upper()}FileRenderer", (FileRenderer,), {"media_type": media_type, "format": fmt}
    )


# JSON first: it answers `*/*` and no Accept, and renders a refusal (406) as JSON. It
# stays acceptable, as before this negotiation, for clients that send it on every call.
LETTER_RENDERERS = [JSONRenderer, file_renderer("application/pdf"), file_renderer(DOCX)]
ATTACHMENT_RENDERERS = [JSONRenderer, *(file_renderer(media_type) for media_type in ALLOWED)]


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
            OpenApiParameter("site", OpenApiTypes.INT, description="At this site."),
            OpenApiParameter("handler", OpenApiTypes.INT, description="Handled by this login."),
            OpenApiParameter("kind", OpenApiTypes.STR, enum=Kind.values),
            OpenApiParameter("channel", OpenApiTypes.STR, enum=Channel.values),
            OpenApiParameter(
                "received_from", OpenApiTypes.DATE, description="Received on or after."
            ),
            OpenApiParameter(
                "received_to", OpenApiTypes.DATE, description="Received on or before."
            ),
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
    partial_update=extend_schema(
        summary="Change a complaint's handler, summary, team, site or dates",
        description=(
            "Only the fields sent change. The handler is changed by the same action as the "
            "case page's 'change the handler' step, the rest by `update_case_details`. The "
            "received date cannot change: every clock runs from it."
        ),
        request=ComplaintUpdateSerializer,
        responses=ComplaintDetailSerializer,
    ),
    acknowledge=extend_schema(
        summary="Record the acknowledgement and the offer to discuss (regulation 13)",
        request=AcknowledgeSerializer,
        responses=ComplaintSerializer,
    ),
    set_response_date=extend_schema(
        summary="Record the response date the trust set, once the complainant was told",
        request=SetResponseDateSerializer,
        responses=ComplaintSerializer,
    ),
    extend_response_date=extend_schema(
        summary="Extend the response date, with the complainant's recorded agreement",
        request=ExtendResponseDateSerializer,
        responses=ComplaintSerializer,
    ),
    start_investigation=extend_schema(
        summary="Start the investigation", request=EmptySerializer, responses=ComplaintSerializer
    ),
    submit_draft=extend_schema(
        summary="Submit the draft response for sign-off",
        request=EmptySerializer,
        responses=ComplaintSerializer,
    ),
    sign_off=extend_schema(
        summary="Sign off the response (responsible person or delegate)",
        request=SignOffSerializer,
        responses=ComplaintSerializer,
    ),
    record_response=extend_schema(
        summary="Record the final response as sent",
        request=RecordResponseSerializer,
        responses=ComplaintSerializer,
    ),
    close=extend_schema(
        summary="Close the case (refused while learning is missing)",
        request=CloseSerializer,
        responses=ComplaintSerializer,
    ),
    reopen=extend_schema(
        summary="Reopen the case, with a reason",
        request=ReopenSerializer,
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
    http_method_names = ["get", "post", "patch", "head", "options"]

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
        received_from = _query_date(request, "received_from")
        if received_from is not None:
            cases = cases.filter(received_on__gte=received_from)
        received_to = _query_date(request, "received_to")
        if received_to is not None:
            cases = cases.filter(received_on__lte=received_to)
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

    def _step(
        self, request: Request, pk: str, serializer_class: Any, run: Any, *, sign: bool = False
    ) -> Response:
        complaint = get_complaint_for_user(request.user, path_id(pk), manage=not sign)
        if sign:
            require(request.user, Cap.SIGN_OFF_COMPLAINTS, complaint.service)
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = {k: v for k, v in serializer.validated_data.items() if v is not None}
        if serializer_class in (ExtendResponseDateSerializer, SetResponseDateSerializer):
            # These actions name a missing date themselves: pass None through.
            data = dict(serializer.validated_data)
        complaint = run(acting_user=request.user, complaint=complaint, **data)
        return Response(ComplaintSerializer(complaint).data)

    @action(detail=True, methods=["post"], url_path="set-response-date")
    def set_response_date(self, request: Request, pk: str) -> Response:
        return self._step(request, pk, SetResponseDateSerializer, actions.set_response_date)

    @action(detail=True, methods=["post"], url_path="extend-response-date")
    def extend_response_date(self, request: Request, pk: str) -> Response:
        def run(**kwargs: Any) -> Complaint:
            extension = actions.extend_response_date(**kwargs)
            return extension.complaint

        return self._step(request, pk, ExtendResponseDateSerializer, run)

    @action(detail=True, methods=["post"], url_path="start-investigation")
    def start_investigation(self, request: Request, pk: str) -> Response:
        return self._step(request, pk, EmptySerializer, actions.start_investigation)

    @action(detail=True, methods=["post"], url_path="submit-draft")
    def submit_draft(self, request: Request, pk: str) -> Response:
        return self._step(request, pk, EmptySerializer, actions.submit_draft)

    @action(detail=True, methods=["post"], url_path="sign-off")
    def sign_off(self, request: Request, pk: str) -> Response:
        return self._step(request, pk, SignOffSerializer, actions.sign_off, sign=True)

    @action(detail=True, methods=["post"], url_path="record-response")
    def record_response(self, request: Request, pk: str) -> Response:
        return self._step(request, pk, RecordResponseSerializer, actions.record_response)

    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str) -> Response:
        return self._step(request, pk, CloseSerializer, actions.close)

    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, pk: str) -> Response:
        return self._step(request, pk, ReopenSerializer, actions.reopen)

    @extend_schema(
        summary="Return the draft for more work (the signatory)",
        request=EmptySerializer,
        responses=ComplaintSerializer,
    )
    @action(detail=True, methods=["post"], url_path="return-draft")
    def return_draft(self, request: Request, pk: str) -> Response:
        return self._step(request, pk, EmptySerializer, actions.return_draft, sign=True)

    # Small helpers: the case, then the thing on it --------------------------------

    def _case(self, request: Request, pk: str, *, manage: bool) -> Complaint:
        return get_complaint_for_user(request.user, path_id(pk), manage=manage)

    def _require_acceptable(self, request: Request, media_type: str) -> None:
        """406 unless the client's Accept takes this one file's type (or JSON, as before).

        The action's renderers let through any type the endpoint can give; this is
        the type of the file actually asked for (the letter's format, the document's
        own type), checked by DRF's own negotiation.
        """
        self.get_content_negotiator().select_renderer(
            request, [JSONRenderer(), file_renderer(media_type)()], self.format_kwarg
        )

    def handle_exception(self, exc: Exception) -> Response:
        response = super().handle_exception(exc)
        # A download's error is JSON even when a file type was asked for (an error
        # need not match Accept), rather than JSON labelled as a PDF.
        if isinstance(getattr(self.request, "accepted_renderer", None), FileRenderer):
            self.request.accepted_renderer = JSONRenderer()
            self.request.accepted_media_type = JSONRenderer.media_type
        return response

    @staticmethod
    def _valid(serializer_class: Any, request: Request, **kwargs: Any) -> dict[str, Any]:
        serializer = serializer_class(data=request.data, context={"request": request}, **kwargs)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    @staticmethod
    def _issue(complaint: Complaint, issue_pk: str) -> ComplaintIssue:
        found = (
            complaint.issues.filter(pk=path_id(issue_pk)).select_related(*_ISSUE_RELATIONS).first()
        )
        if found is None:
            raise Http404("No such issue on this case")
        return found

    @staticmethod
    def _letter(complaint: Complaint, letter_pk: str) -> Letter:
        found = complaint.letters.filter(pk=path_id(letter_pk)).select_related("complaint").first()
        if found is None:
            raise Http404("No such letter on this case")
        return found

    # Handler, people and consent -------------------------------------------------

    @extend_schema(
        summary="Change who handles the case",
        request=HandlerSerializer,
        responses=ComplaintSerializer,
    )
    @action(detail=True, methods=["post"], url_path="change-handler")
    def change_handler(self, request: Request, pk: str) -> Response:
        complaint = self._case(request, pk, manage=True)
        data = self._valid(HandlerSerializer, request)
        complaint = actions.assign_handler(
            acting_user=request.user, complaint=complaint, handler=data["handler"]
        )
        return Response(ComplaintSerializer(complaint).data)

    @extend_schema(
        summary="Record the patient's consent to the representative, with its evidence",
        request=ConsentSerializer,
        responses=ComplainantFullSerializer,
    )
    @action(detail=True, methods=["post"])
    def consent(self, request: Request, pk: str) -> Response:
        complaint = self._case(request, pk, manage=True)
        data = self._valid(ConsentSerializer, request)
        person = actions.update_consent(acting_user=request.user, complaint=complaint, **data)
        audit.record_view(acting_user=request.user, obj=complaint, reason="complainant")
        return Response(ComplainantFullSerializer(person).data)

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
                **{name: data.get(name, getattr(person, name)) for name in _COMPLAINANT_FIELDS}
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

    # Issues ----------------------------------------------------------------------

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
            issue = self._issue(complaint, str(issue.pk))
            return Response(IssueSerializer(issue).data, status=status.HTTP_201_CREATED)
        found = complaint.issues.select_related(*_ISSUE_RELATIONS).order_by("pk")
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
        complaint = self._case(request, pk, manage=request.method == "PATCH")
        issue = self._issue(complaint, issue_pk)
        if request.method == "PATCH":
            data = self._valid(IssueInputSerializer, request, partial=True)
            coding = {name: data.get(name, getattr(issue, name)) for name in ISSUE_CODING_FIELDS}
            actions.update_issue(acting_user=request.user, issue=issue, **coding)
            issue = self._issue(complaint, issue_pk)
        audit.record_view(acting_user=request.user, obj=complaint, reason="issues")
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
        complaint = self._case(request, pk, manage=True)
        issue = self._issue(complaint, issue_pk)
        data = self._valid(IssueOutcomeSerializer, request)
        actions.record_issue_outcome(acting_user=request.user, issue=issue, **data)
        return Response(IssueSerializer(self._issue(complaint, issue_pk)).data)

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
        complaint = self._case(request, pk, manage=True)
        issue = self._issue(complaint, issue_pk)
        data = self._valid(LearningSerializer, request)
        actions.record_learning(acting_user=request.user, issue=issue, **data)
        return Response(IssueSerializer(self._issue(complaint, issue_pk)).data)

    # Scope: regulation 8, transfer, PALS escalation ------------------------------

    @extend_schema(
        summary="Record that regulation 8 excludes the complaint (it closes)",
        request=ExcludeSerializer,
        responses=ComplaintSerializer,
    )
    @action(detail=True, methods=["post"])
    def exclude(self, request: Request, pk: str) -> Response:
        return self._step(request, pk, ExcludeSerializer, actions.exclude)

    @extend_schema(
        summary="Record the transfer to the body that should handle it",
        request=TransferSerializer,
        responses=ComplaintSerializer,
    )
    @action(detail=True, methods=["post"])
    def transfer(self, request: Request, pk: str) -> Response:
        return self._step(request, pk, TransferSerializer, actions.transfer)

    @extend_schema(
        summary="Escalate a PALS concern into a formal complaint (a new case)",
        description=(
            "Returns the new complaint; the concern closes as escalated and keeps its history."
        ),
        request=EscalateSerializer,
        responses={201: ComplaintSerializer},
    )
    @action(detail=True, methods=["post"])
    def escalate(self, request: Request, pk: str) -> Response:
        concern = self._case(request, pk, manage=True)
        data = {k: v for k, v in self._valid(EscalateSerializer, request).items() if v is not None}
        complaint = actions.escalate_pals_concern(acting_user=request.user, concern=concern, **data)
        return Response(ComplaintSerializer(complaint).data, status=status.HTTP_201_CREATED)

    # The Ombudsman ---------------------------------------------------------------

    @extend_schema(
        summary="Record that the complainant went to the Ombudsman",
        request=PHSOReferInputSerializer,
        responses=ComplaintSerializer,
    )
    @action(detail=True, methods=["post"], url_path="refer-to-phso")
    def refer_to_phso(self, request: Request, pk: str) -> Response:
        return self._step(request, pk, PHSOReferInputSerializer, actions.refer_to_phso)

    @extend_schema(
        summary="The case's Ombudsman referrals, decisions and recommendations",
        responses=PHSOReferralSerializer(many=True),
    )
    @action(detail=True, methods=["get"], url_path="phso-referrals")
    def phso_referrals(self, request: Request, pk: str) -> Response:
        complaint = self._case(request, pk, manage=False)
        referrals = complaint.phso_referrals.prefetch_related("recommendations").order_by("pk")
        return Response(PHSOReferralSerializer(referrals, many=True).data)

    def _referral(self, request: Request, pk: str, referral_pk: str) -> PHSOReferral:
        complaint = self._case(request, pk, manage=True)
        found = complaint.phso_referrals.filter(pk=path_id(referral_pk)).first()
        if found is None:
            raise Http404("No such Ombudsman referral on this case")
        return found

    @extend_schema(
        summary="Record the Ombudsman's decision",
        parameters=[REFERRAL_ID],
        request=PHSODecisionInputSerializer,
        responses=PHSOReferralSerializer,
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"phso-referrals/(?P<referral_pk>[0-9]+)/decision",
        url_name="phso-decision",
    )
    def phso_decision(self, request: Request, pk: str, referral_pk: str) -> Response:
        referral = self._referral(request, pk, referral_pk)
        data = self._valid(PHSODecisionInputSerializer, request)
        referral = actions.record_phso_decision(acting_user=request.user, referral=referral, **data)
        referral = PHSOReferral.objects.prefetch_related("recommendations").get(pk=referral.pk)
        return Response(PHSOReferralSerializer(referral).data)

    @extend_schema(
        summary="Add an Ombudsman recommendation",
        parameters=[REFERRAL_ID],
        request=PHSORecommendationInputSerializer,
        responses={201: PHSORecommendationSerializer},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"phso-referrals/(?P<referral_pk>[0-9]+)/recommendations",
        url_name="phso-recommendations",
    )
    def phso_recommendations(self, request: Request, pk: str, referral_pk: str) -> Response:
        referral = self._referral(request, pk, referral_pk)
        data = self._valid(PHSORecommendationInputSerializer, request)
        recommendation = actions.add_phso_recommendation(
            acting_user=request.user, referral=referral, **data
        )
        return Response(
            PHSORecommendationSerializer(recommendation).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        summary="Record a recommendation as completed, with evidence",
        parameters=[RECOMMENDATION_ID],
        request=PHSOCompleteInputSerializer,
        responses=PHSORecommendationSerializer,
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"phso-recommendations/(?P<recommendation_pk>[0-9]+)/complete",
        url_name="phso-recommendation-complete",
    )
    def phso_recommendation_complete(
        self, request: Request, pk: str, recommendation_pk: str
    ) -> Response:
        complaint = self._case(request, pk, manage=True)
        found = PHSORecommendation.objects.filter(
            referral__complaint=complaint, pk=path_id(recommendation_pk)
        ).first()
        if found is None:
            raise Http404("No such Ombudsman recommendation on this case")
        data = self._valid(PHSOCompleteInputSerializer, request)
        found = actions.complete_phso_recommendation(
            acting_user=request.user, recommendation=found, **data
        )
        return Response(PHSORecommendationSerializer(found).data)

    # Late responses --------------------------------------------------------------

    @extend_schema(
        summary="The late response letter tasks opened by missed response dates",
        responses=LateResponseTaskSerializer(many=True),
    )
    @action(detail=True, methods=["get"], url_path="late-response-tasks")
    def late_response_tasks(self, request: Request, pk: str) -> Response:
        complaint = self._case(request, pk, manage=False)
        tasks = complaint.late_response_tasks.order_by("missed_due", "pk")
        return Response(LateResponseTaskSerializer(tasks, many=True).data)

    @extend_schema(
        summary="Record the late response letter as sent, with the reason for the delay",
        parameters=[TASK_ID],
        request=LateLetterSentSerializer,
        responses=LateResponseTaskSerializer,
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"late-response-tasks/(?P<task_pk>[0-9]+)/letter-sent",
        url_name="late-letter-sent",
    )
    def late_letter_sent(self, request: Request, pk: str, task_pk: str) -> Response:
        complaint = self._case(request, pk, manage=True)
        task: LateResponseTask | None = complaint.late_response_tasks.filter(
            pk=path_id(task_pk)
        ).first()
        if task is None:
            raise Http404("No such late response task on this case")
        data = self._valid(LateLetterSentSerializer, request)
        task = actions.record_late_letter_sent(acting_user=request.user, task=task, **data)
        return Response(LateResponseTaskSerializer(task).data)

    # Letters ---------------------------------------------------------------------

    @extend_schema(
        methods=["GET"],
        summary="The case's letters (complaints staff)",
        responses=LetterSerializer(many=True),
    )
    @extend_schema(
        methods=["POST"],
        summary="Draft a letter from the trust's template",
        request=DraftLetterSerializer,
        responses={201: LetterDetailSerializer},
    )
    @action(detail=True, methods=["get", "post"])
    def letters(self, request: Request, pk: str) -> Response:
        # Letters name the complainant: complaints staff only, as on the pages.
        complaint = self._case(request, pk, manage=True)
        if request.method == "POST":
            data = self._valid(DraftLetterSerializer, request)
            letter = actions.draft_letter(acting_user=request.user, complaint=complaint, **data)
            audit.record_view(acting_user=request.user, obj=complaint, reason="letter")
            return Response(LetterDetailSerializer(letter).data, status=status.HTTP_201_CREATED)
        return Response(LetterSerializer(complaint.letters.order_by("pk"), many=True).data)

    @extend_schema(
        methods=["GET"],
        summary="A letter with its text (the look is audited)",
        parameters=[LETTER_ID],
        responses=LetterDetailSerializer,
    )
    @extend_schema(
        methods=["PATCH"],
        summary="Edit a letter not yet sent; confirm a final response's checklist",
        parameters=[LETTER_ID],
        request=LetterEditSerializer,
        responses=LetterDetailSerializer,
    )
    @action(
        detail=True,
        methods=["get", "patch"],
        url_path=r"letters/(?P<letter_pk>[0-9]+)",
        url_name="letter",
    )
    def letter(self, request: Request, pk: str, letter_pk: str) -> Response:
        complaint = self._case(request, pk, manage=True)
        letter = self._letter(complaint, letter_pk)
        if request.method == "PATCH":
            data = self._valid(LetterEditSerializer, request)
            values = {name: data.get(name, getattr(letter, name)) for name in _LETTER_FIELDS}
            letter = actions.edit_letter(acting_user=request.user, letter=letter, **values)
        audit.record_view(acting_user=request.user, obj=complaint, reason="letter")
        return Response(LetterDetailSerializer(letter).data)

    @extend_schema(
        summary="Record an acknowledgement, holding or late letter as sent",
        parameters=[LETTER_ID],
        request=LetterSentSerializer,
        responses=LetterSerializer,
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"letters/(?P<letter_pk>[0-9]+)/sent",
        url_name="letter-sent",
    )
    def letter_sent(self, request: Request, pk: str, letter_pk: str) -> Response:
        complaint = self._case(request, pk, manage=True)
        letter = self._letter(complaint, letter_pk)
        data = self._valid(LetterSentSerializer, request)
        letter = actions.mark_letter_sent(acting_user=request.user, letter=letter, **data)
        return Response(LetterSerializer(letter).data)

    @extend_schema(
        summary="Download a letter as PDF or DOCX (the look is audited)",
        operation_id="complaints_letter_download",
        parameters=[LETTER_ID, FORMAT],
        responses={(200, "application/pdf"): OpenApiTypes.BINARY, (200, DOCX): OpenApiTypes.BINARY},
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"letters/(?P<letter_pk>[0-9]+)/(?P<fmt>pdf|docx)",
        url_name="letter-download",
        renderer_classes=LETTER_RENDERERS,
    )
    def letter_download(self, request: Request, pk: str, letter_pk: str, fmt: str) -> HttpResponse:
        complaint = self._case(request, pk, manage=True)
        letter = self._letter(complaint, letter_pk)
        self._require_acceptable(request, "application/pdf" if fmt == "pdf" else DOCX)
        audit.record_view(acting_user=request.user, obj=complaint, reason=f"letter {fmt}")
        trust = get_trust()
        trust_name = trust.name if trust else "NHS trust"
        if fmt == "pdf":
            body, content_type = letters.letter_pdf(letter, trust_name), "application/pdf"
        else:
            body, content_type = letters.letter_docx(letter, trust_name), DOCX
        response = HttpResponse(body, content_type=content_type)
        name = f"{complaint.reference}-{letter.kind}.{fmt}"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        response["Cache-Control"] = "no-store"
        return response

    # Attachments -----------------------------------------------------------------

    @extend_schema(
        methods=["GET"],
        summary="The documents kept with the case",
        responses=AttachmentSerializer(many=True),
    )
    @extend_schema(
        methods=["POST"],
        summary="Attach a document (size and real type are checked)",
        request={"multipart/form-data": AttachmentUploadSerializer},
        responses={201: AttachmentSerializer},
    )
    @action(
        detail=True,
        methods=["get", "post"],
        parser_classes=[MultiPartParser, FormParser, JSONParser],
    )
    def attachments(self, request: Request, pk: str) -> Response:
        complaint = self._case(request, pk, manage=request.method == "POST")
        if request.method == "POST":
            data = self._valid(AttachmentUploadSerializer, request)
            upload = data["attachment"]
            attachment = actions.add_attachment(
                acting_user=request.user,
                complaint=complaint,
                filename=upload.name or "document",
                data=upload.read(),
            )
            return Response(AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)
        found = complaint.attachments.defer("data").order_by("pk")
        return Response(AttachmentSerializer(found, many=True).data)

    @extend_schema(
        summary="Download a document (the look is audited)",
        parameters=[ATTACHMENT_ID],
        responses={(200, media_type): OpenApiTypes.BINARY for media_type in ALLOWED},
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"attachments/(?P<attachment_pk>[0-9]+)/download",
        url_name="attachment-download",
        renderer_classes=ATTACHMENT_RENDERERS,
    )
    def attachment_download(self, request: Request, pk: str, attachment_pk: str) -> HttpResponse:
        complaint = self._case(request, pk, manage=False)
        attachment = complaint.attachments.filter(pk=path_id(attachment_pk)).first()
        if attachment is None:
            raise Http404("No such document on this case")
        self._require_acceptable(request, attachment.content_type)
        audit.record_view(acting_user=request.user, obj=attachment)
        response = HttpResponse(bytes(attachment.data), content_type=attachment.content_type)
        safe_name = "".join(ch for ch in attachment.filename if ch.isalnum() or ch in "._- ")
        response["Content-Disposition"] = f'attachment; filename="{safe_name or "document"}"'
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "no-store"
        return response


_COMPLAINANT_FIELDS = (
    "full_name",
    "email",
    "phone",
    "address",
    "relationship",
    "representative_basis",
    "consent_status",
    "consent_evidence",
)
_LETTER_FIELDS = (
    "subject",
    "body",
    "confirms_how_considered",
    "confirms_conclusions",
    "confirms_actions",
    "confirms_ombudsman_rights",
)
_ISSUE_RELATIONS = (
    "subject",
    "clinical_subcategory",
    "service_area",
    "profession",
    "hcat_domain",
    "hcat_category",
    "hcat_stage",
    "harm",
)


def _query_date(request: Request, name: str) -> datetime.date | None:
    raw = request.query_params.get(name)
    if not raw:
        return None
    try:
        return datetime.date.fromisoformat(raw)
    except ValueError:
        raise ValidationError({name: [f"{raw!r} is not a date like 2026-03-31"]}) from None


router = SimpleRouter()
router.register("complaints", ComplaintViewSet, basename="complaint")

urlpatterns = [path("", include(router.urls))]
