"""/api/v1/metrics/: the catalogue, each metric's values with their SPC columns,
and importing values.

Reads go through `metrics_visible_to` / `get_metric_for_user`, and the import
through `actions.import_metric_values`, exactly as the pages do: the same rows
are refused with the same messages, and nothing is half-imported.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import include, path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from wellled.core.api import path_id, query_choice
from wellled.organisation.access import Cap, can
from wellled.reports import access, actions
from wellled.reports.charting import chart_for_metric
from wellled.reports.importing import RawRow
from wellled.reports.models import Domain, Frequency, Metric, SourceKind
from wellled.reports.queries import get_metric_for_user, metrics_visible_to
from wellled.reports.serializers import (
    ImportResultSerializer,
    ImportValuesSerializer,
    MetricDetailSerializer,
    MetricSerializer,
)


@extend_schema_view(
    list=extend_schema(
        summary="List the metrics you may see",
        parameters=[
            OpenApiParameter("domain", OpenApiTypes.STR, enum=Domain.values),
            OpenApiParameter("frequency", OpenApiTypes.STR, enum=Frequency.values),
            OpenApiParameter("source_kind", OpenApiTypes.STR, enum=SourceKind.values),
        ],
    ),
    retrieve=extend_schema(
        summary="Get a metric with its values and SPC columns per point",
        description=(
            "`chart.points` has one entry per period: the value, the mean and process "
            "limits of its segment (null with too few points), and its point type. "
            "`chart.variation` and `chart.assurance` are the MDC icons."
        ),
        responses=MetricDetailSerializer,
    ),
    values=extend_schema(
        summary="Import values into an imported metric (all rows or none)",
        description=(
            'Body: {"rows": [{"period": "2026-01-01", "value": 42}, ...]}. Rows are '
            "numbered from 1 in error messages. A period that already has a value gets the "
            "new one. Every row is checked first: non-numeric values, dates not on the "
            "start of a week or month, duplicate dates and gaps in the series are refused "
            "with a 400 naming each row, and nothing is written."
        ),
        request=ImportValuesSerializer,
        responses={201: ImportResultSerializer},
    ),
)
class MetricViewSet(viewsets.GenericViewSet[Metric]):
    serializer_class = MetricSerializer
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self) -> QuerySet[Metric]:
        return metrics_visible_to(self.request.user).select_related("owner", "service")

    def list(self, request: Request) -> Response:
        metrics = self.get_queryset().order_by("domain", "name")
        for name, choices in (
            ("domain", Domain.values),
            ("frequency", Frequency.values),
            ("source_kind", SourceKind.values),
        ):
            wanted = query_choice(request, name, choices)
            if wanted is not None:
                metrics = metrics.filter(**{name: wanted})
        page = self.paginate_queryset(metrics)
        return self.get_paginated_response(MetricSerializer(page, many=True).data)

    def _metric(self, request: Request, pk: str) -> Metric:
        metric = self.get_queryset().filter(pk=path_id(pk)).first()
        if metric is None:
            raise NotFound("No such metric")
        return get_metric_for_user(request.user, metric.slug)

    def retrieve(self, request: Request, pk: str) -> Response:
        metric = self._metric(request, pk)
        chart = chart_for_metric(metric)
        return Response(MetricDetailSerializer(metric, context={"chart": chart}).data)

    @action(detail=True, methods=["post"])
    def values(self, request: Request, pk: str) -> Response:
        if not can(request.user, Cap.MANAGE_METRICS):
            raise PermissionDenied
        metric = self._metric(request, pk)
        if not access.can_manage(request.user, metric):
            raise PermissionDenied
        serializer = ImportValuesSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        rows = [
            RawRow(
                number=number,
                metric=None,
                period=str(row.get("period", "")),
                value=row.get("value"),
            )
            for number, row in enumerate(serializer.validated_data["rows"], start=1)
        ]
        checked = actions.import_metric_values(acting_user=request.user, rows=rows, metric=metric)
        return Response(
            {"imported": checked.row_count, "metric": MetricSerializer(metric).data},
            status=status.HTTP_201_CREATED,
        )


router = SimpleRouter()
router.register("metrics", MetricViewSet, basename="metric")

urlpatterns = [path("", include(router.urls))]
