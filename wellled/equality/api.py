"""/api/v1/equality/: the years held and each year's indicators, with the pages' permissions.

Read-only: a year is imported on its page. Everything here is an aggregate by group (the
app holds no person's record), so the pages' one capability, `equality.view`, decides:
the EDI lead, board members, executives, the governance lead and auditors read; anyone
else gets an empty list or a 404.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import include, path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from wellled.core.api import path_id, query_choice, query_int
from wellled.engines.equality import ReportRow
from wellled.equality import queries
from wellled.equality.improvement_source import AIMS, source_id
from wellled.equality.models import EqualityYear, Standard

VERDICTS = ["improved", "worsened", "no_significant_change", "not_comparable"]


class YearSerializer(serializers.ModelSerializer[EqualityYear]):
    figure_count = serializers.IntegerField(help_text="How many counts the year holds")

    class Meta:
        model = EqualityYear
        fields = ["id", "standard", "year", "source_name", "imported_at", "figure_count"]


class GroupFigureSerializer(serializers.Serializer[Any]):
    group = serializers.CharField()
    name = serializers.CharField(help_text='e.g. "BME"')
    percent = serializers.FloatField(allow_null=True, help_text="None when suppressed")
    responses = serializers.IntegerField(allow_null=True, help_text="None when suppressed")
    suppressed = serializers.BooleanField(help_text="Fewer than 11 responses: not shown")


class BoardGapSerializer(serializers.Serializer[Any]):
    membership = serializers.CharField()
    gap = serializers.FloatField(allow_null=True, help_text="Percentage points")


class IndicatorSerializer(serializers.Serializer[Any]):
    id = serializers.CharField(help_text='The source id EDI actions name, e.g. "WRES:2"')
    name = serializers.CharField(help_text='e.g. "WRES indicator 2"')
    title = serializers.CharField()
    kind = serializers.CharField()
    direction = serializers.CharField(help_text="Which way is better: " + ", ".join(AIMS))
    value = serializers.FloatField(allow_null=True, help_text="The headline figure")
    ratio = serializers.FloatField(allow_null=True)
    ci_low = serializers.FloatField(allow_null=True, help_text="95% interval, lower end")
    ci_high = serializers.FloatField(allow_null=True, help_text="95% interval, upper end")
    fisher_p = serializers.FloatField(allow_null=True, help_text="Given when numbers are small")
    unknown_left_out = serializers.IntegerField(allow_null=True)
    outside_band = serializers.BooleanField(allow_null=True, help_text="Outside 0.80-1.25")
    significant = serializers.BooleanField(allow_null=True)
    change = serializers.ChoiceField(
        choices=VERDICTS, allow_null=True, help_text="Since the year before, where held"
    )
    groups = GroupFigureSerializer(many=True, help_text="Survey indicators: each group")
    board_gaps = BoardGapSerializer(many=True, help_text="Board indicators: each membership")


class YearDetailSerializer(YearSerializer):
    indicators = IndicatorSerializer(many=True)

    class Meta(YearSerializer.Meta):
        fields = [*YearSerializer.Meta.fields, "indicators"]


def indicator_data(row: ReportRow) -> dict[str, Any]:
    """One report row as the API gives it: figures only, never a person."""
    lk, flags = row.likelihood, row.flags
    return {
        "id": source_id(row.indicator),
        "name": row.indicator.label,
        "title": row.indicator.title,
        "kind": row.indicator.kind,
        "direction": row.indicator.better,
        "value": row.value,
        "ratio": lk.ratio if lk else None,
        "ci_low": lk.ci_low if lk else None,
        "ci_high": lk.ci_high if lk else None,
        "fisher_p": lk.fisher_p if lk else None,
        "unknown_left_out": lk.declaration.unknown if lk and lk.declaration else None,
        "outside_band": flags.outside_band,
        "significant": flags.significant,
        "change": flags.change,
        "groups": [
            {
                "group": g.group,
                "name": g.label,
                "percent": g.percent,
                "responses": g.responses,
                "suppressed": g.suppressed,
            }
            for g in (row.survey.groups if row.survey else ())
        ],
        "board_gaps": [
            {"membership": name, "gap": gap.gap} for name, gap in (row.board or {}).items()
        ],
    }


@extend_schema_view(
    list=extend_schema(
        summary="The WRES and WDES years held, earliest first",
        parameters=[
            OpenApiParameter("standard", OpenApiTypes.STR, enum=Standard.values),
            OpenApiParameter("year", OpenApiTypes.INT),
        ],
    ),
    retrieve=extend_schema(
        summary="One year's indicators: ratio, interval, flags and direction",
        responses=YearDetailSerializer,
    ),
)
class YearViewSet(viewsets.ReadOnlyModelViewSet[EqualityYear]):
    serializer_class = YearSerializer

    def get_queryset(self) -> QuerySet[EqualityYear]:
        return queries.years_visible_to(self.request.user)

    def list(self, request: Request) -> Response:
        years = self.get_queryset().order_by("year", "standard")
        standard = query_choice(request, "standard", list(Standard.values))
        if standard:
            years = years.filter(standard=standard)
        year = query_int(request, "year")
        if year is not None:
            years = years.filter(year=year)
        page = self.paginate_queryset(years)
        return self.get_paginated_response(YearSerializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        held = queries.get_year_by_id_for_user(request.user, path_id(pk))
        rows = queries.history(held.standard).get(held.year, [])
        data = YearSerializer(held).data
        data["indicators"] = [indicator_data(row) for row in rows]
        return Response(data)


router = SimpleRouter()
router.register("equality/years", YearViewSet, basename="equality-year")

urlpatterns = [path("", include(router.urls))]
