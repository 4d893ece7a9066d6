"""/api/v1/staff-survey/: the imported NHS Staff Survey results.

The same access as the pages: VIEW_SURVEYS, trust-wide (the results are published
aggregates about whole organisations).
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import include, path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from wellled.core.api import query_choice, query_int, query_text
from wellled.organisation.access import Cap, require
from wellled.surveys.measures import MEASURES
from wellled.surveys.models import SurveyResult
from wellled.surveys.queries import results_visible_to, trust_ods_code
from wellled.surveys.serializers import SurveyResultSerializer


@extend_schema_view(
    list=extend_schema(
        summary="List NHS Staff Survey results",
        description=(
            "Published results per survey year, organisation and measure. By default the "
            "trust's own results; organisation=all lists every organisation imported."
        ),
        parameters=[
            OpenApiParameter("year", OpenApiTypes.INT, description="Survey year."),
            OpenApiParameter("measure", OpenApiTypes.STR, enum=list(MEASURES)),
            OpenApiParameter(
                "organisation",
                OpenApiTypes.STR,
                description="An ODS code, or 'all'. Default: the trust's ODS code.",
            ),
        ],
    ),
)
class SurveyResultViewSet(viewsets.GenericViewSet[SurveyResult]):
    serializer_class = SurveyResultSerializer
    http_method_names = ["get", "head", "options"]

    def get_queryset(self) -> QuerySet[SurveyResult]:
        return results_visible_to(self.request.user)

    def list(self, request: Request) -> Response:
        require(request.user, Cap.VIEW_SURVEYS)
        results = self.get_queryset().order_by(
            "survey_year__year", "organisation_code", "measure_key"
        )
        year = query_int(request, "year")
        if year is not None:
            results = results.filter(survey_year__year=year)
        measure = query_choice(request, "measure", list(MEASURES))
        if measure is not None:
            results = results.filter(measure_key=measure)
        organisation = (query_text(request, "organisation") or "").strip().upper()
        if organisation != "ALL":
            results = results.filter(organisation_code=organisation or trust_ods_code())
        page = self.paginate_queryset(results)
        return self.get_paginated_response(SurveyResultSerializer(page, many=True).data)


router = SimpleRouter()
router.register("staff-survey/results", SurveyResultViewSet, basename="survey-result")

urlpatterns = [path("", include(router.urls))]
