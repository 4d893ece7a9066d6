"""What the complaints API's parts share: path parameters, file renderers, and the
base of the case viewset (the case, then the thing on it)."""

from __future__ import annotations

import datetime
import functools
from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from wellled.complaints.models import (
    Complaint,
    ComplaintIssue,
    Letter,
)
from wellled.complaints.queries import (
    complaints_visible_to,
    get_complaint_for_user,
    get_issue_for_user,
    get_letter_for_user,
)
from wellled.complaints.serializers import (
    ComplaintSerializer,
    ExtendResponseDateSerializer,
    SetResponseDateSerializer,
)
from wellled.complaints.uploads import ALLOWED
from wellled.core.api import path_id, query_text
from wellled.organisation.access import Cap, require


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


class CaseViewSetBase(viewsets.GenericViewSet[Complaint]):
    serializer_class = ComplaintSerializer

    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Complaint]:
        return complaints_visible_to(self.request.user)

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
    def _issue(request: Request, pk: str, issue_pk: str, *, manage: bool) -> ComplaintIssue:
        return get_issue_for_user(request.user, path_id(pk), path_id(issue_pk), manage=manage)

    @staticmethod
    def _letter(request: Request, pk: str, letter_pk: str) -> Letter:
        # Letters name the complainant: complaints staff only, as on the pages.
        return get_letter_for_user(request.user, path_id(pk), path_id(letter_pk))


COMPLAINANT_FIELDS = (
    "full_name",
    "email",
    "phone",
    "address",
    "relationship",
    "representative_basis",
    "consent_status",
    "consent_evidence",
)
LETTER_FIELDS = (
    "subject",
    "body",
    "confirms_how_considered",
    "confirms_conclusions",
    "confirms_actions",
    "confirms_ombudsman_rights",
)
ISSUE_RELATIONS = (
    "subject",
    "clinical_subcategory",
    "service_area",
    "profession",
    "hcat_domain",
    "hcat_category",
    "hcat_stage",
    "harm",
)


def query_date(request: Request, name: str) -> datetime.date | None:
    raw = query_text(request, name)
    if not raw:
        return None
    try:
        return datetime.date.fromisoformat(raw)
    except ValueError:
        raise ValidationError({name: [f"{raw!r} is not a date like 2026-03-31"]}) from None
