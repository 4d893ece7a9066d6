"""Inspections, their findings, and the action plans that answer them.

Quality statements are named by a methodology id and a statement id from
wellled.engines.ratings (for example "saf_2024_statements" and
"freedom-to-speak-up"), stored as strings and checked against the engine by the
actions. The rules (who may write what, done needs evidence, sign-off by someone
other than the owner) are in actions.py; the models hold data and derived views.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from wellled.organisation.models import OrgUnit


class InspectionKind(models.TextChoices):
    CQC_INSPECTION = "cqc_inspection", "CQC inspection"
    CQC_ASSESSMENT = "cqc_assessment", "CQC assessment"
    MOCK_INSPECTION = "mock_inspection", "Internal mock inspection"
    PEER_REVIEW = "peer_review", "Peer review"


CQC_KINDS = frozenset({InspectionKind.CQC_INSPECTION, InspectionKind.CQC_ASSESSMENT})


class RatingWord(models.TextChoices):
    """CQC's ratings, in CQC's words."""

    OUTSTANDING = "Outstanding", "Outstanding"
    GOOD = "Good", "Good"
    REQUIRES_IMPROVEMENT = "Requires improvement", "Requires improvement"
    INADEQUATE = "Inadequate", "Inadequate"


class Inspection(models.Model):
    kind = models.CharField(max_length=20, choices=InspectionKind.choices)
    title = models.CharField(max_length=200)
    methodology = models.CharField(max_length=60)
    scope = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="inspections")
    started_on = models.DateField()
    ended_on = models.DateField()
    report_published_on = models.DateField(null=True, blank=True)
    report_url = models.URLField(max_length=500, blank=True)
    overall_rating = models.CharField(max_length=30, choices=RatingWord.choices, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-started_on", "-pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_cqc(self) -> bool:
        return self.kind in CQC_KINDS


class KeyQuestionRating(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="ratings")
    key_question = models.CharField(max_length=60)
    rating = models.CharField(max_length=30, choices=RatingWord.choices)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "key_question"], name="inspections_one_rating_per_kq"
            )
        ]

    def __str__(self) -> str:
        return f"{self.key_question}: {self.rating}"


class StatementScore(models.Model):
    inspection = models.ForeignKey(
        Inspection, on_delete=models.CASCADE, related_name="statement_scores"
    )
    statement_id = models.CharField(max_length=100)
    score = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "statement_id"], name="inspections_one_score_per_statement"
            ),
            models.CheckConstraint(
                condition=models.Q(score__gte=1, score__lte=4), name="inspections_score_1_to_4"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.statement_id}: {self.score}"


class FindingKind(models.TextChoices):
    MUST_DO = "must_do", "Must-do action"
    SHOULD_DO = "should_do", "Should-do action"
    REQUIREMENT_NOTICE = "requirement_notice", "Requirement notice"
    WARNING_NOTICE = "warning_notice", "Warning notice"
    CONDITION = "condition", "Condition of registration"


class Finding(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="findings")
    kind = models.CharField(max_length=30, choices=FindingKind.choices)
    reference = models.CharField(max_length=20, blank=True)
    regulation = models.CharField(max_length=300, blank=True)
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["inspection", "pk"]

    def __str__(self) -> str:
        label = self.reference or f"#{self.pk}"
        return f"{self.get_kind_display()} {label}"

    @property
    def statement_ids(self) -> list[str]:
        return [link.statement_id for link in self.statements.all()]


class FindingStatement(models.Model):
    """A quality statement a finding is about (ids from the inspection's methodology)."""

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="statements")
    statement_id = models.CharField(max_length=100, db_index=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["finding", "statement_id"], name="inspections_finding_statement_once"
            )
        ]

    def __str__(self) -> str:
        return self.statement_id


# What lists and the API show: the stored status, or overdue.
# (The actions are improvement actions: wellled.improvement.models.Status.)
SHOWN_STATUSES: dict[str, str] = {
    "not_started": "Not started",
    "on_track": "On track",
    "at_risk": "At risk",
    "overdue": "Overdue",
    "done": "Done",
}


def _evidence_path(instance: Any, filename: str) -> str:
    """Where the old action plans' evidence files were stored. Kept because migration
    0001 names it; the files themselves stay there, now cited by evidence library
    items (migration 0002)."""
    return f"inspections/evidence/{instance.plan_id}/{filename}"
