"""/api/v1/strategy/: driver metrics and the BAF's principal risks, read with the
pages' permissions (`drivers_visible_to`, `risks_visible_to`). Writes are on the
pages for now (docs/strategy.md, "Not done yet")."""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import include, path
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from wellled.organisation.access import Cap, require
from wellled.strategy.models import DriverMetric, PrincipalRisk
from wellled.strategy.queries import drivers_visible_to, risks_visible_to
from wellled.strategy.serializers import DriverMetricSerializer, PrincipalRiskSerializer


@extend_schema_view(
    list=extend_schema(
        summary="List the driver and watch metrics you may see",
        description="Each unit's metrics with the breakthrough objective and true-north "
        "theme they serve, and where their catchball stands.",
    )
)
class DriverMetricViewSet(viewsets.GenericViewSet[DriverMetric]):
    serializer_class = DriverMetricSerializer
    http_method_names = ["get", "head", "options"]

    def get_queryset(self) -> QuerySet[DriverMetric]:
        return drivers_visible_to(self.request.user).order_by("unit__path", "pk")

    def list(self, request: Request) -> Response:
        require(request.user, Cap.VIEW_STRATEGY)
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(DriverMetricSerializer(page, many=True).data)


@extend_schema_view(
    list=extend_schema(
        summary="List the principal risks on the Board Assurance Framework",
        description="Scores are likelihood x consequence on the 5x5 matrix.",
    )
)
class PrincipalRiskViewSet(viewsets.GenericViewSet[PrincipalRisk]):
    serializer_class = PrincipalRiskSerializer
    http_method_names = ["get", "head", "options"]

    def get_queryset(self) -> QuerySet[PrincipalRisk]:
        return risks_visible_to(self.request.user)

    def list(self, request: Request) -> Response:
        require(request.user, Cap.VIEW_BAF)
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(PrincipalRiskSerializer(page, many=True).data)


router = SimpleRouter()
router.register("strategy/driver-metrics", DriverMetricViewSet, basename="strategy-driver")
router.register("strategy/risks", PrincipalRiskViewSet, basename="strategy-risk")

urlpatterns = [path("", include(router.urls))]
