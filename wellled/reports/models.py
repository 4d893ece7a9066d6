"""The metric catalogue, its series, and the board's monthly reports.

A `Metric` is either *registered* (its values come from a source a module
registers in `sources.py`, computed on demand) or *imported* (its values are
`MetricValue` rows, from a CSV upload or the API). Rules live in `actions.py`;
the SPC chart of a metric is built by `charting.py`.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models

from wellled.organisation.models import OrgUnit


class Improvement(models.TextChoices):
    INCREASE = "increase", "Higher is better"
    DECREASE = "decrease", "Lower is better"
    NEITHER = "neither", "Neither"


class Frequency(models.TextChoices):
    WEEKLY = "weekly", "Weekly"
    MONTHLY = "monthly", "Monthly"


class Domain(models.TextChoices):
    """The IPR's sections: the CQC key questions plus the board's other headings."""

    WELL_LED = "well-led", "Well-led"
    SAFE = "safe", "Safe"
    EFFECTIVE = "effective", "Effective"
    CARING = "caring", "Caring"
    RESPONSIVE = "responsive", "Responsive"
    PEOPLE = "people", "People"
    FINANCE = "finance", "Finance"
    OPERATIONS = "operations", "Operational performance"
    EQUALITY = "equality", "Equality, diversity and inclusion"


# The order the IPR and the board pack show the sections in: CQC's five key
# questions in CQC's own order, then the board's other headings.
DOMAIN_ORDER: tuple[str, ...] = (
    Domain.SAFE,
    Domain.EFFECTIVE,
    Domain.CARING,
    Domain.RESPONSIVE,
    Domain.WELL_LED,
    Domain.PEOPLE,
    Domain.EQUALITY,
    Domain.OPERATIONS,
    Domain.FINANCE,
)


def domain_rank(domain: str) -> int:
    return DOMAIN_ORDER.index(domain) if domain in DOMAIN_ORDER else len(DOMAIN_ORDER)


class SourceKind(models.TextChoices):
    REGISTERED = "registered", "Computed by wellled"
    IMPORTED = "imported", "Imported series"


class Metric(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    definition = models.TextField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_metrics"
    )
    unit = models.CharField(max_length=30, help_text='"%", "count", "days" ...')
    improvement = models.CharField(max_length=10, choices=Improvement.choices)
    target = models.FloatField(null=True, blank=True)
    target_from = models.DateField(null=True, blank=True)
    target_to = models.DateField(null=True, blank=True)
    frequency = models.CharField(max_length=10, choices=Frequency.choices)
    profile = models.CharField(max_length=30, default="mdc_excel_v5")
    domain = models.CharField(max_length=20, choices=Domain.choices)
    service = models.ForeignKey(
        OrgUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="metrics"
    )
    source_kind = models.CharField(max_length=12, choices=SourceKind.choices)
    source_key = models.CharField(max_length=100, blank=True)
    # Number of points at the start whose limits are carried forward (None: none).
    baseline_points = models.PositiveSmallIntegerField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["domain", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_registered(self) -> bool:
        return self.source_kind == SourceKind.REGISTERED

    def target_applies(self, period: datetime.date) -> bool:
        """Whether the target is in force for a period (open-ended at either side)."""
        if self.target is None:
            return False
        if self.target_from is not None and period < self.target_from:
            return False
        return not (self.target_to is not None and period > self.target_to)


class MetricValue(models.Model):
    metric = models.ForeignKey(Metric, on_delete=models.CASCADE, related_name="values")
    period = models.DateField(help_text="The first day of the week (Monday) or month")
    value = models.FloatField()

    class Meta:
        ordering = ["metric", "period"]
        constraints = [
            models.UniqueConstraint(fields=["metric", "period"], name="unique_metric_period")
        ]

    def __str__(self) -> str:
        return f"{self.metric}: {self.period} = {self.value:g}"


class Annotation(models.Model):
    metric = models.ForeignKey(Metric, on_delete=models.CASCADE, related_name="annotations")
    period = models.DateField()
    text = models.CharField(max_length=300)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="metric_annotations"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["metric", "period", "created_at"]

    def __str__(self) -> str:
        return f"{self.period}: {self.text}"


class Rebase(models.Model):
    """A recalculation of a metric's limits from a period, once approved."""

    metric = models.ForeignKey(Metric, on_delete=models.CASCADE, related_name="rebases")
    period = models.DateField()
    reason = models.TextField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="requested_rebases"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="approved_rebases",
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["metric", "period"]
        constraints = [
            models.UniqueConstraint(fields=["metric", "period"], name="unique_rebase_period")
        ]

    def __str__(self) -> str:
        return f"{self.metric}: recalculate from {self.period}"

    @property
    def is_approved(self) -> bool:
        return self.approved_at is not None


class Narrative(models.Model):
    """What the chart shows, what it means, and what is being done: one a month."""

    metric = models.ForeignKey(Metric, on_delete=models.CASCADE, related_name="narratives")
    month = models.DateField(help_text="The first day of the month reported on")
    what = models.TextField()
    so_what = models.TextField()
    what_next = models.TextField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="metric_narratives"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["metric", "-month"]
        constraints = [
            models.UniqueConstraint(fields=["metric", "month"], name="unique_narrative_month")
        ]

    def __str__(self) -> str:
        return f"{self.metric}: {self.month:%B %Y}"


class BoardPack(models.Model):
    """The IPR of one month as a PDF, kept exactly as issued."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Being produced"
        ISSUED = "issued", "Issued"
        FAILED = "failed", "Failed"

    month = models.DateField(help_text="The first day of the month the pack reports on")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    job = models.ForeignKey(
        "core.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    pdf = models.BinaryField(null=True, blank=True, editable=False)
    sha256 = models.CharField(max_length=64, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="board_packs"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    issued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-month", "-created_at"]

    def __str__(self) -> str:
        return f"Board pack for {self.month:%B %Y}"
