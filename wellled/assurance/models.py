"""CQC assurance: self-assessment rounds, their statement scores, and the evidence library.

The frameworks themselves are not stored here: they are versioned data in
`wellled/engines/ratings/frameworks/`, read through `wellled.assurance.frameworks`.
A round stores the methodology id it was scored under, so an old round is always
recomputed by the rules it was opened with. Ratings are never stored: they are
worked out by the ratings engine from the scores each time they are shown.

Every write goes through `wellled.assurance.actions`.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from wellled.organisation.models import OrgUnit


class RoundStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class AssessmentRound(models.Model):
    """One self-assessment of a scope (the trust, or a service or location) at a time."""

    title = models.CharField(max_length=200)
    scope = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="assessment_rounds")
    methodology_id = models.CharField(max_length=60)
    # The key questions assessed: well-led alone for the trust, all five for a service.
    key_questions = models.JSONField(default=list)
    # Key question id -> the previous rating in CQC's words ("Good"), for carried scores.
    previous_ratings = models.JSONField(default=dict, blank=True)
    rounding = models.CharField(max_length=20, default="half_up")
    status = models.CharField(max_length=10, choices=RoundStatus.choices, default=RoundStatus.OPEN)
    opened_on = models.DateField()
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_on = models.DateField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Required when the round is closed with statements still unscored.
    close_reason = models.TextField(blank=True)
    # Key question id -> the engine's limiter names that apply ("requirement_notice", ...),
    # recorded by the governance lead; `limiters_reason` says what they rest on.
    limiters = models.JSONField(default=dict, blank=True)
    limiters_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opened_on", "-pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == RoundStatus.OPEN


class StatementAssessment(models.Model):
    """A quality statement in a round: its owner, score (1 to 4), rationale and evidence."""

    round = models.ForeignKey(AssessmentRound, on_delete=models.CASCADE, related_name="statements")
    key_question_id = models.CharField(max_length=60)
    statement_id = models.CharField(max_length=100)
    order = models.PositiveSmallIntegerField(default=0)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_statement_assessments",
    )
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    # Under a framework judged against rating characteristics (CQC's 2026 drafts): the
    # rating, in CQC's words, whose characteristics best fit this assessment question.
    # Never a score: judgement is at key-question level (KeyQuestionJudgement).
    fit = models.CharField(max_length=30, blank=True)
    # Under the 2023 methodology: evidence category id -> 1 to 4, from which the score comes.
    category_scores = models.JSONField(default=dict, blank=True)
    rationale = models.TextField(blank=True)
    evidence: models.ManyToManyField[EvidenceItem, Any] = models.ManyToManyField(
        "EvidenceItem", blank=True, related_name="assessments"
    )
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    scored_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["round", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "statement_id"], name="assurance_one_assessment_per_statement"
            ),
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | models.Q(score__gte=1, score__lte=4),
                name="assurance_score_1_to_4",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.statement_id} in round {self.round_id}"


class KeyQuestionJudgement(models.Model):
    """The trust's own judgement of a key question under a framework with no scores.

    One of CQC's four words with the rationale for it; never a percentage. It is the
    trust's estimate, not CQC's rating.
    """

    round = models.ForeignKey(AssessmentRound, on_delete=models.CASCADE, related_name="judgements")
    key_question_id = models.CharField(max_length=60)
    rating = models.CharField(max_length=30)
    rationale = models.TextField()
    judged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    judged_at = models.DateTimeField()

    class Meta:
        ordering = ["round", "key_question_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "key_question_id"], name="assurance_one_judgement_per_kq"
            )
        ]

    def __str__(self) -> str:
        return f"{self.key_question_id}: {self.rating}"


class EvidenceKind(models.TextChoices):
    DOCUMENT = "document", "Document"
    LINK = "link", "Link"
    NOTE = "note", "Note"
    MEASURE = "measure", "Live measure"


def evidence_upload_to(instance: EvidenceItem, filename: str) -> str:
    today = timezone.localdate()
    return f"assurance/evidence/{today:%Y/%m}/{filename}"


class EvidenceItem(models.Model):
    """One piece of evidence, tagged to quality statements and evidence categories."""

    kind = models.CharField(max_length=10, choices=EvidenceKind.choices)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    # Where the evidence belongs: the trust or a unit below it (decides who sees it).
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="evidence_items")
    # The framework content its statement tags come from (e.g. "saf").
    framework = models.CharField(max_length=60)
    url = models.URLField(max_length=500, blank=True)
    file = models.FileField(upload_to=evidence_upload_to, blank=True, max_length=300)
    file_name = models.CharField(max_length=200, blank=True)
    file_type = models.CharField(max_length=100, blank=True)  # MIME type read from the bytes
    file_size = models.PositiveIntegerField(null=True, blank=True)
    measure_key = models.CharField(max_length=100, blank=True)
    # 1 for the first uploaded document, +1 each time a new file replaces it; 0: no file.
    file_version = models.PositiveSmallIntegerField(default=0)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_evidence"
    )
    evidence_date = models.DateField()
    review_date = models.DateField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Retired evidence is kept for the audit but hidden from the library and packs.
    retired_on = models.DateField(null=True, blank=True)
    retired_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    retire_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_retired(self) -> bool:
        return self.retired_on is not None

    def is_stale(self, today: datetime.date) -> bool:
        return self.review_date < today

    @property
    def statement_ids(self) -> list[str]:
        return [tag.statement_id for tag in self.statement_tags.all()]

    @property
    def category_ids(self) -> list[str]:
        return [tag.category_id for tag in self.category_tags.all()]


class EvidenceStatement(models.Model):
    item = models.ForeignKey(EvidenceItem, on_delete=models.CASCADE, related_name="statement_tags")
    statement_id = models.CharField(max_length=100, db_index=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "statement_id"], name="assurance_evidence_statement_once"
            )
        ]

    def __str__(self) -> str:
        return self.statement_id


class EvidenceCategory(models.Model):
    item = models.ForeignKey(EvidenceItem, on_delete=models.CASCADE, related_name="category_tags")
    category_id = models.CharField(max_length=60, db_index=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "category_id"], name="assurance_evidence_category_once"
            )
        ]

    def __str__(self) -> str:
        return self.category_id
