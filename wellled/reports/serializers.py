"""Shapes of the /api/v1/metrics/ endpoints."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from wellled.reports.chartdata import ChartData
from wellled.reports.models import Metric


class MetricSerializer(serializers.ModelSerializer[Metric]):
    owner = serializers.SerializerMethodField()
    service = serializers.IntegerField(source="service_id", read_only=True, allow_null=True)
    service_name = serializers.SerializerMethodField()

    class Meta:
        model = Metric
        fields = [
            "id",
            "slug",
            "name",
            "definition",
            "owner",
            "unit",
            "improvement",
            "target",
            "target_from",
            "target_to",
            "frequency",
            "profile",
            "domain",
            "service",
            "service_name",
            "source_kind",
            "source_key",
            "baseline_points",
            "is_active",
        ]
        read_only_fields = fields

    def get_owner(self, metric: Metric) -> str:
        return metric.owner.get_full_name() or metric.owner.get_username()

    def get_service_name(self, metric: Metric) -> str:
        return metric.service.name if metric.service else ""


class PointSerializer(serializers.Serializer[dict[str, Any]]):
    period = serializers.DateField()
    value = serializers.FloatField(allow_null=True)
    mean = serializers.FloatField(allow_null=True)
    lpl = serializers.FloatField(allow_null=True, help_text="Lower process limit")
    upl = serializers.FloatField(allow_null=True, help_text="Upper process limit")
    point_type = serializers.ChoiceField(
        choices=[
            "common_cause",
            "special_cause_improvement",
            "special_cause_concern",
            "special_cause_neither",
            "",
        ]
    )
    annotations = serializers.ListField(child=serializers.CharField())


class ChartSerializer(serializers.Serializer[dict[str, Any]]):
    variation = serializers.CharField(help_text="MDC variation icon, '' with too few points")
    assurance = serializers.CharField(help_text="pass, fail, hit_or_miss or ''")
    target = serializers.FloatField(allow_null=True)
    rebases = serializers.ListField(child=serializers.DateField())
    warnings = serializers.ListField(child=serializers.CharField())
    description = serializers.CharField()
    points = PointSerializer(many=True)


class MetricDetailSerializer(MetricSerializer):
    chart = serializers.SerializerMethodField()

    class Meta(MetricSerializer.Meta):
        fields = [*MetricSerializer.Meta.fields, "chart"]
        read_only_fields = fields

    @extend_schema_field(ChartSerializer)
    def get_chart(self, metric: Metric) -> dict[str, Any]:
        chart: ChartData = self.context["chart"]
        return chart_payload(chart)


def chart_payload(chart: ChartData) -> dict[str, Any]:
    notes: dict[Any, list[str]] = {}
    for period, text in chart.annotations:
        notes.setdefault(period, []).append(text)
    return {
        "variation": chart.variation,
        "assurance": chart.assurance,
        "target": chart.target,
        "rebases": chart.rebases,
        "warnings": chart.warnings,
        "description": chart.description,
        "points": [
            {
                "period": period,
                "value": chart.values[i],
                "mean": chart.mean[i],
                "lpl": chart.lpl[i],
                "upl": chart.upl[i],
                "point_type": chart.point_types[i],
                "annotations": notes.get(period, []),
            }
            for i, period in enumerate(chart.periods)
        ],
    }


class ValueRowSerializer(serializers.Serializer[dict[str, Any]]):
    period = serializers.CharField(help_text="YYYY-MM-DD: the first day of the month or the Monday")
    value = serializers.JSONField(help_text="A number (a numeric string is accepted)")


class ImportValuesSerializer(serializers.Serializer[dict[str, Any]]):
    rows = serializers.ListField(child=serializers.DictField(), min_length=1, max_length=5000)


class ImportResultSerializer(serializers.Serializer[dict[str, Any]]):
    imported = serializers.IntegerField()
    metric = MetricSerializer()
