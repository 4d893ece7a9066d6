"""What the strategy API says: driver metrics with their line to true north, and
principal risks on the BAF with their scores."""

from __future__ import annotations

from rest_framework import serializers

from wellled.reports.models import Metric
from wellled.strategy.models import DriverMetric, PrincipalRisk


class DriverMetricSerializer(serializers.ModelSerializer[DriverMetric]):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    metric_slug = serializers.CharField(source="metric.slug", read_only=True)
    metric_name = serializers.CharField(source="metric.name", read_only=True)
    objective_title = serializers.CharField(source="objective.title", read_only=True)
    theme_title = serializers.CharField(source="objective.theme.title", read_only=True)

    class Meta:
        model = DriverMetric
        fields = [
            "id",
            "unit",
            "unit_name",
            "metric_slug",
            "metric_name",
            "kind",
            "target",
            "agreement",
            "objective",
            "objective_title",
            "theme_title",
            "owner",
        ]
        read_only_fields = fields


class PrincipalRiskSerializer(serializers.ModelSerializer[PrincipalRisk]):
    inherent_score = serializers.IntegerField(read_only=True)
    current_score = serializers.IntegerField(read_only=True)
    target_score = serializers.IntegerField(read_only=True)
    current_band = serializers.CharField(read_only=True)
    metric_slugs: serializers.SlugRelatedField[Metric] = serializers.SlugRelatedField(
        source="metrics", many=True, read_only=True, slug_field="slug"
    )

    class Meta:
        model = PrincipalRisk
        fields = [
            "id",
            "reference",
            "title",
            "cause",
            "event",
            "effect",
            "objective",
            "owner",
            "committee",
            "inherent_score",
            "current_score",
            "target_score",
            "current_band",
            "target_reason",
            "assurance_rating",
            "reviewed_on",
            "metric_slugs",
        ]
        read_only_fields = fields
