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
A nested id that belongs to another case is a 404 (`queries.get_<thing>_for_user`).

The one viewset is put together from a part per use case: `cases`, `steps`,
`people` (and issues), `ombudsman` (and late responses), `documents` (letters and
attachments), `notes` (investigation notes and the contact log), on the shared base
in `_common`. The routes are the viewset's, so
they are as they were.
"""

from __future__ import annotations

from django.urls import include, path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework.routers import SimpleRouter

from wellled.complaints.api._common import CaseViewSetBase
from wellled.complaints.api.cases import CasesMixin
from wellled.complaints.api.documents import DocumentsMixin
from wellled.complaints.api.notes import NotesMixin
from wellled.complaints.api.ombudsman import OmbudsmanMixin
from wellled.complaints.api.people import PeopleAndIssuesMixin
from wellled.complaints.api.steps import StepsMixin
from wellled.complaints.models import Channel, Kind, Status
from wellled.complaints.queries import SORT_CHOICES
from wellled.complaints.serializers import (
    AcknowledgeSerializer,
    AgreeResponseDateSerializer,
    CloseSerializer,
    ComplaintCreateSerializer,
    ComplaintDetailSerializer,
    ComplaintSerializer,
    ComplaintUpdateSerializer,
    EmptySerializer,
    ExtendResponseDateSerializer,
    RecordResponseSerializer,
    ReopenSerializer,
    SetResponseDateSerializer,
    SignOffSerializer,
)


@extend_schema_view(
    list=extend_schema(
        summary="List the complaints you may see",
        description=(
            "Every case in your scope, open or closed, newest first. The list holds "
            "no personal data; get a case for its summary and people. `q`, `status` "
            "and `ordering` work as the caseload page's search, status filter and sort."
        ),
        parameters=[
            OpenApiParameter(
                "q",
                OpenApiTypes.STR,
                description=(
                    "Search: every word must match the reference, the complainant's or "
                    "patient's name, or the summary; ten digits (spaces and dashes "
                    "allowed) match the patient's NHS number exactly."
                ),
            ),
            OpenApiParameter("status", OpenApiTypes.STR, enum=Status.values),
            OpenApiParameter(
                "ordering",
                OpenApiTypes.STR,
                enum=SORT_CHOICES,
                description="Sort key; '-' first for the reverse. Default -received.",
            ),
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
class ComplaintViewSet(
    CasesMixin,
    StepsMixin,
    PeopleAndIssuesMixin,
    OmbudsmanMixin,
    DocumentsMixin,
    NotesMixin,
    CaseViewSetBase,
):
    # No docstring: the schema would show it as every endpoint's description.
    pass


router = SimpleRouter()
router.register("complaints", ComplaintViewSet, basename="complaint")

urlpatterns = [path("", include(router.urls))]
