"""Inspections, their findings, and the action plans that answer them.

Quality statements are named by a methodology id and a statement id from
wellled.engines.ratings (for example "saf_2024_statements" and
"freedom-to-speak-up"), stored as strings and checked against the engine by the
actions. The rules (who may write what, done needs evidence, sign-off by someone
other than the owner) are in actions.py; the models hold data and derived views.
"""

from __future__ import annotations

import datetime

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


class PlanStatus(models.TextChoices):
    """The stored status. "Overdue" is derived: not done and past its due date."""

    NOT_STARTED = "not_started", "Not started"
    ON_TRACK = "on_track", "On track"
    AT_RISK = "at_risk", "At risk"
    DONE = "done", "Done"


# What lists and the API show: the stored status, or overdue.
SHOWN_STATUSES: dict[str, str] = {
    PlanStatus.NOT_STARTED: "Not started",
    PlanStatus.ON_TRACK: "On track",
    PlanStatus.AT_RISK: "At risk",
    "overdue": "Overdue",
    PlanStatus.DONE: "Done",
}


class ActionPlan(models.Model):
    finding = models.OneToOneField(Finding, on_delete=models.CASCADE, related_name="plan")
    title = models.CharField(max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="inspection_actions"
    )
    due_date = models.DateField()
    status = models.CharField(
        max_length=20, choices=PlanStatus.choices, default=PlanStatus.NOT_STARTED
    )
    done_on = models.DateField(null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspection_sign_offs",
    )
    signed_off_on = models.DateField(null=True, blank=True)
    sign_off_note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_date", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def inspection(self) -> Inspection:
        return self.finding.inspection

    def is_overdue(self, today: datetime.date) -> bool:
        return self.status != PlanStatus.DONE and self.due_date < today

    def shown_status(self, today: datetime.date) -> str:
        """The status key lists show: "overdue" when late, else the stored one."""
        return "overdue" if self.is_overdue(today) else str(self.status)

    def shown_status_label(self, today: datetime.date) -> str:
        return SHOWN_STATUSES[self.shown_status(today)]

    @property
    def is_signed_off(self) -> bool:
        return self.signed_off_by_id is not None

    @property
    def awaiting_sign_off(self) -> bool:
        return self.status == PlanStatus.DONE and not self.is_signed_off


class Milestone(models.Model):
    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(max_length=200)
    due_date = models.DateField()
    done_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_date", "pk"]

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, today: datetime.date) -> bool:
        return self.done_on is None and self.due_date < today


class ProgressUpdate(models.Model):
    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="updates")
    written_on = models.DateField()
    note = models.TextField()
    status = models.CharField(max_length=20, choices=PlanStatus.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-written_on", "-pk"]

    def __str__(self) -> str:
        return f"Update of {self.written_on:%d %b %Y}"


class EvidenceKind(models.TextChoices):
    FILE = "file", "Document"
    LINK = "link", "Link"
    NOTE = "note", "Note"


def _evidence_path(instance: CompletionEvidence, filename: str) -> str:
    # The stored name is ours, not the uploader's: only the checked extension is kept.
    return f"inspections/evidence/{instance.plan_id}/{filename}"


class CompletionEvidence(models.Model):
    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(max_length=10, choices=EvidenceKind.choices)
    title = models.CharField(max_length=200)
    file = models.FileField(upload_to=_evidence_path, blank=True)
    file_name = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(null=True, blank=True)
    url = models.URLField(max_length=500, blank=True)
    note = models.TextField(blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_on", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def summary(self) -> str:
        if self.kind == EvidenceKind.FILE:
            return f"Document: {self.title} ({self.file_name})"
        if self.kind == EvidenceKind.LINK:
            return f"Link: {self.title} ({self.url})"
        return f"Note: {self.title}"
