"""Workforce equality: a reporting year's aggregate inputs to WRES or WDES, and no names.

Only counts by group are stored (the engine's `inputs.read_counts` layout); no person's
record, so nobody can see one from these pages.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Standard(models.TextChoices):
    WRES = "WRES", "Workforce Race Equality Standard"
    WDES = "WDES", "Workforce Disability Equality Standard"


class EqualityYear(models.Model):
    """One standard's inputs for one reporting year (the 12 months to 31 March)."""

    standard = models.CharField(max_length=4, choices=Standard.choices)
    year = models.PositiveSmallIntegerField(help_text="The year of the 31 March snapshot")
    source_name = models.CharField(max_length=200, blank=True)
    imported_at = models.DateTimeField()
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["standard", "year"]
        constraints = [
            models.UniqueConstraint(fields=["standard", "year"], name="equality_one_year_each")
        ]

    def __str__(self) -> str:
        return f"{self.standard} {self.year}"


class EqualityFigure(models.Model):
    """One count: a measure (shortlisted, appointed, survey_5_positive, ...) for one group."""

    equality_year = models.ForeignKey(
        EqualityYear, on_delete=models.CASCADE, related_name="figures"
    )
    measure = models.CharField(max_length=60)
    group = models.CharField(max_length=20)
    count = models.PositiveIntegerField()

    class Meta:
        ordering = ["equality_year", "measure", "group"]
        constraints = [
            models.UniqueConstraint(
                fields=["equality_year", "measure", "group"], name="equality_one_figure_each"
            )
        ]

    def __str__(self) -> str:
        return f"{self.equality_year} {self.measure} {self.group}"
