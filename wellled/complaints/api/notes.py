"""A case's investigation notes and contact log, as on the case page's timeline.

Whoever may open the case reads them (the look is audited: the text may name people);
adding one needs the complaints team's capability over the case's service, checked
before the body is read, and goes through the same action as the page.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from wellled.complaints import actions
from wellled.complaints.api._common import CaseViewSetBase
from wellled.complaints.models import CaseNote, Complaint
from wellled.complaints.serializers import (
    CaseNoteInputSerializer,
    CaseNoteSerializer,
    ContactInputSerializer,
    ContactSerializer,
)
from wellled.core import audit


def _on_case(complaint: Complaint, kind: str) -> QuerySet[CaseNote]:
    # The timeline's order: the day it happened, then when it was written down.
    return complaint.case_notes.filter(kind=kind).select_related("recorded_by")


class NotesMixin(CaseViewSetBase):
    def _list(self, request: Request, complaint: Complaint, kind: str, out: Any) -> Response:
        notes = _on_case(complaint, kind).order_by("-happened_on", "-pk")
        # The viewset is typed for complaints; the same pages hold a case's notes.
        page = self.paginate_queryset(notes)  # type: ignore[arg-type]
        audit.record_view(acting_user=request.user, obj=complaint, reason=f"{kind}s")
        return self.get_paginated_response(out(page, many=True).data)

    @extend_schema(
        methods=["GET"],
        summary="The case's investigation notes, newest first (the look is audited)",
        responses=CaseNoteSerializer(many=True),
    )
    @extend_schema(
        methods=["POST"],
        summary="Add an investigation note (the case page's 'Add an investigation note')",
        description=(
            "The date must be today or in the past; the text up to 10,000 characters. "
            "The audit trail records that a note was added and its date, never its text."
        ),
        request=CaseNoteInputSerializer,
        responses={201: CaseNoteSerializer},
    )
    @action(detail=True, methods=["get", "post"])
    def notes(self, request: Request, pk: str) -> Response:
        complaint = self._case(request, pk, manage=request.method == "POST")
        if request.method == "GET":
            return self._list(request, complaint, CaseNote.Kind.NOTE, CaseNoteSerializer)
        data = self._valid(CaseNoteInputSerializer, request)
        note = actions.add_case_note(acting_user=request.user, complaint=complaint, **data)
        return Response(CaseNoteSerializer(note).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        methods=["GET"],
        summary="The case's contact log, newest first (the look is audited)",
        responses=ContactSerializer(many=True),
    )
    @extend_schema(
        methods=["POST"],
        summary="Log a contact about the case: a call, an email, a letter or a meeting",
        description=(
            "The date must be today or in the past; the summary up to 10,000 characters. "
            "The audit trail records the contact's date, method and direction, never "
            "who it was with or what was said."
        ),
        request=ContactInputSerializer,
        responses={201: ContactSerializer},
    )
    @action(detail=True, methods=["get", "post"])
    def contacts(self, request: Request, pk: str) -> Response:
        complaint = self._case(request, pk, manage=request.method == "POST")
        if request.method == "GET":
            return self._list(request, complaint, CaseNote.Kind.CONTACT, ContactSerializer)
        data = self._valid(ContactInputSerializer, request)
        note = actions.record_contact(acting_user=request.user, complaint=complaint, **data)
        return Response(ContactSerializer(note).data, status=status.HTTP_201_CREATED)
