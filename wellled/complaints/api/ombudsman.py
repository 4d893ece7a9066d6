"""The Ombudsman's decisions and recommendations, and late response letters."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from wellled.complaints import actions
from wellled.complaints.api._common import (
    RECOMMENDATION_ID,
    REFERRAL_ID,
    TASK_ID,
    CaseViewSetBase,
)
from wellled.complaints.queries import (
    get_late_task_for_user,
    get_recommendation_for_user,
    get_referral_for_user,
)
from wellled.complaints.serializers import (
    LateLetterSentSerializer,
    LateResponseTaskSerializer,
    PHSOCompleteInputSerializer,
    PHSODecisionInputSerializer,
    PHSORecommendationInputSerializer,
    PHSORecommendationSerializer,
    PHSOReferralSerializer,
)
from wellled.core.api import path_id


class OmbudsmanMixin(CaseViewSetBase):
    @extend_schema(
        summary="The case's Ombudsman referrals, decisions and recommendations",
        responses=PHSOReferralSerializer(many=True),
    )
    @action(detail=True, methods=["get"], url_path="phso-referrals")
    def phso_referrals(self, request: Request, pk: str) -> Response:
        complaint = self._case(request, pk, manage=False)
        referrals = complaint.phso_referrals.prefetch_related("recommendations").order_by("pk")
        return Response(PHSOReferralSerializer(referrals, many=True).data)

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
        referral = get_referral_for_user(request.user, path_id(pk), path_id(referral_pk))
        data = self._valid(PHSODecisionInputSerializer, request)
        referral = actions.record_phso_decision(acting_user=request.user, referral=referral, **data)
        # Read again with its recommendations, as the referral now stands.
        referral = get_referral_for_user(request.user, path_id(pk), path_id(referral_pk))
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
        referral = get_referral_for_user(request.user, path_id(pk), path_id(referral_pk))
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
        found = get_recommendation_for_user(request.user, path_id(pk), path_id(recommendation_pk))
        data = self._valid(PHSOCompleteInputSerializer, request)
        found = actions.complete_phso_recommendation(
            acting_user=request.user, recommendation=found, **data
        )
        return Response(PHSORecommendationSerializer(found).data)

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
        task = get_late_task_for_user(request.user, path_id(pk), path_id(task_pk))
        data = self._valid(LateLetterSentSerializer, request)
        task = actions.record_late_letter_sent(acting_user=request.user, task=task, **data)
        return Response(LateResponseTaskSerializer(task).data)
