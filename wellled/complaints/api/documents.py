"""A case's letters and documents."""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from wellled.complaints import actions, letters
from wellled.complaints.api._common import (
    ATTACHMENT_ID,
    ATTACHMENT_RENDERERS,
    DOCX,
    FORMAT,
    LETTER_FIELDS,
    LETTER_ID,
    LETTER_RENDERERS,
    CaseViewSetBase,
)
from wellled.complaints.queries import get_attachment_for_user
from wellled.complaints.serializers import (
    AttachmentSerializer,
    AttachmentUploadSerializer,
    DraftLetterSerializer,
    LetterDetailSerializer,
    LetterEditSerializer,
    LetterSentSerializer,
    LetterSerializer,
)
from wellled.complaints.uploads import ALLOWED
from wellled.core import audit
from wellled.core.api import path_id
from wellled.organisation.queries import get_trust


class DocumentsMixin(CaseViewSetBase):
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
        letter = self._letter(request, pk, letter_pk)
        complaint = letter.complaint
        if request.method == "PATCH":
            data = self._valid(LetterEditSerializer, request)
            values = {name: data.get(name, getattr(letter, name)) for name in LETTER_FIELDS}
            letter = actions.edit_letter(
                acting_user=request.user,
                letter=letter,
                withdraw_sign_off=data.get("withdraw_sign_off", False),
                **values,
            )
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
        letter = self._letter(request, pk, letter_pk)
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
        letter = self._letter(request, pk, letter_pk)
        complaint = letter.complaint
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
        attachment = get_attachment_for_user(request.user, path_id(pk), path_id(attachment_pk))
        self._require_acceptable(request, attachment.content_type)
        audit.record_view(acting_user=request.user, obj=attachment)
        response = HttpResponse(bytes(attachment.data), content_type=attachment.content_type)
        safe_name = "".join(ch for ch in attachment.filename if ch.isalnum() or ch in "._- ")
        response["Content-Disposition"] = f'attachment; filename="{safe_name or "document"}"'
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "no-store"
        return response
