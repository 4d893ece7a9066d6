"""The workflow steps of a case, as on the case page: acknowledgement to closure,
regulation 8, transfer, PALS escalation, the handler, consent and the Ombudsman referral."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from wellled.complaints import actions
from wellled.complaints.api._common import (
    CaseViewSetBase,
)
from wellled.complaints.models import (
    Complaint,
)
from wellled.complaints.queries import (
    get_complaint_for_user,
)
from wellled.complaints.serializers import (
    AcknowledgeSerializer,
    AgreeResponseDateSerializer,
    CloseSerializer,
    ComplainantFullSerializer,
    ComplaintSerializer,
    ConsentSerializer,
    EmptySerializer,
    EscalateSerializer,
    ExcludeSerializer,
    ExtendResponseDateSerializer,
    HandlerSerializer,
    PHSOReferInputSerializer,
    RecordResponseSerializer,
    ReopenSerializer,
    SetResponseDateSerializer,
    SignOffSerializer,
    TransferSerializer,
)
from wellled.core import audit
from wellled.core.api import path_id


class StepsMixin(CaseViewSetBase):
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

    @extend_schema(
        summary="Record that the complainant went to the Ombudsman",
        request=PHSOReferInputSerializer,
        responses=ComplaintSerializer,
    )
    @action(detail=True, methods=["post"], url_path="refer-to-phso")
    def refer_to_phso(self, request: Request, pk: str) -> Response:
        return self._step(request, pk, PHSOReferInputSerializer, actions.refer_to_phso)
