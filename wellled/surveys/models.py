"""NHS Staff Survey results: published aggregates per organisation, question and year."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class SurveyYear(models.Model):
    """A survey year with results in wellled, and the question map they were read with."""

    year = models.PositiveSmallIntegerField(unique=True)
    question_map_version = models.CharField(max_length=40)
    source_name = models.CharField(max_length=200, blank=True)
    imported_at = models.DateTimeField()
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["year"]

    def __str__(self) -> str:
        return f"NHS Staff Survey {self.year}"


class SurveyResult(models.Model):
    """One organisation's published result for one question of one survey year."""

    survey_year = models.ForeignKey(SurveyYear, on_delete=models.CASCADE, related_name="results")
    # Several codes joined by "/" where organisations answered as one.
    organisation_code = models.CharField(max_length=64)
    organisation_name = models.CharField(max_length=200, blank=True)
    question_code = models.CharField(max_length=60)
    measure_key = models.CharField(max_length=60)
    value = models.DecimalField(max_digits=7, decimal_places=3)
    base = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["survey_year__year", "organisation_code", "measure_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey_year", "organisation_code", "measure_key"],
                name="surveys_one_result_per_measure",
            )
        ]
        indexes = [models.Index(fields=["organisation_code", "measure_key"])]

    def __str__(self) -> str:
        return f"{self.organisation_code} {self.measure_key} {self.survey_year.year}"
