"""API shapes of the surveys app."""

from __future__ import annotations

from rest_framework import serializers

from wellled.surveys.models import SurveyResult


class SurveyResultSerializer(serializers.ModelSerializer[SurveyResult]):
    year = serializers.IntegerField(source="survey_year.year", read_only=True)
    question_map = serializers.CharField(source="survey_year.question_map_version", read_only=True)
    value = serializers.DecimalField(max_digits=7, decimal_places=3, coerce_to_string=False)

    class Meta:
        model = SurveyResult
        fields = [
            "year",
            "organisation_code",
            "organisation_name",
            "question_code",
            "measure_key",
            "value",
            "base",
            "question_map",
        ]
        read_only_fields = fields
