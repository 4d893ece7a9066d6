"""The golden thread as data: true-north themes → breakthrough objectives → each
unit's driver and watch metrics (agreed through catchball) → monthly deployment
reviews; and the Board Assurance Framework's principal risks beside them.

Vocabulary from /work/shared/reference/governance-and-involvement.md §3.2
(NHS IMPACT and hoshin kanri as trusts use it)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from wellled.improvement.models import Action
from wellled.organisation.models import OrgUnit
from wellled.reports.models import Metric
from wellled.strategy import matrix


class Theme(models.Model):
    """A true-north theme: a long-term goal all work aligns to, with its measure."""

    title = models.CharField(max_length=200)
    long_term_measure = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title


class Objective(models.Model):
    """A breakthrough objective for a period: board level, an executive owner, a target."""

    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="objectives")
    title = models.CharField(max_length=200)
    target = models.CharField(max_length=300)
    executive = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="strategic_objectives"
    )
    starts_on = models.DateField()
    ends_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["theme__position", "theme_id", "pk"]

    def __str__(self) -> str:
        return self.title


class MetricKind(models.TextChoices):
    DRIVER = "driver", "Driver metric"  # within the team's control, actively driven
    WATCH = "watch", "Watch metric"  # monitored, not actively driven


class Agreement(models.TextChoices):
    PROPOSED = "proposed", "Proposed, awaiting the level above"
    AGREED = "agreed", "Agreed"
    RETURNED = "returned", "Returned with a comment"


class DriverMetric(models.Model):
    """A unit's driver or watch metric, tied to a breakthrough objective."""

    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="driver_metrics")
    objective = models.ForeignKey(
        Objective, on_delete=models.PROTECT, related_name="driver_metrics"
    )
    metric = models.ForeignKey(Metric, on_delete=models.PROTECT, related_name="driver_uses")
    kind = models.CharField(max_length=10, choices=MetricKind.choices, default=MetricKind.DRIVER)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="driver_metrics"
    )
    target = models.FloatField()
    agreement = models.CharField(
        max_length=10, choices=Agreement.choices, default=Agreement.PROPOSED
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["unit__path", "kind", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "metric"], name="strategy_one_use_per_unit")
        ]

    def __str__(self) -> str:
        return f"{self.metric.name} ({self.unit.name})"


class CatchballStep(models.Model):
    """One turn of the catchball: a proposal, an acceptance or a return, kept for good."""

    class Step(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        AGREED = "agreed", "Accepted"
        RETURNED = "returned", "Returned"

    driver = models.ForeignKey(DriverMetric, on_delete=models.CASCADE, related_name="steps")
    step = models.CharField(max_length=10, choices=Step.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    target = models.FloatField()
    comment = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_step_display()}: {self.target}"


class Review(models.Model):
    """A unit's monthly strategy deployment review."""

    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="strategy_reviews")
    month = models.DateField(help_text="The first day of the month reviewed")
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    closed_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-month", "unit__path"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "month"], name="strategy_one_review_a_month")
        ]

    def __str__(self) -> str:
        return f"Review of {self.month:%B %Y}"

    @property
    def is_closed(self) -> bool:
        return self.closed_on is not None


class ReviewItem(models.Model):
    """A driver metric as the review found it, and its countermeasure summary (A3)."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="items")
    driver = models.ForeignKey(DriverMetric, on_delete=models.PROTECT, related_name="+")
    latest_value = models.FloatField(null=True, blank=True)
    target = models.FloatField()
    variation = models.CharField(max_length=30, blank=True)
    needs_countermeasure = models.BooleanField(default=False)
    problem = models.TextField(blank=True)
    root_cause = models.TextField(blank=True)
    action = models.ForeignKey(
        Action, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["review", "driver__kind", "driver_id"]

    def __str__(self) -> str:
        return f"Review item {self.pk}"


class AssuranceRating(models.TextChoices):
    SUBSTANTIAL = "substantial", "Substantial"
    REASONABLE = "reasonable", "Reasonable"
    LIMITED = "limited", "Limited"
    NONE = "none", "None"


class RiskCategory(models.TextChoices):
    """The domains the board sets an appetite for: RJAH's five (reference §2.4); trusts
    choose their own, so these are a starting point, not a national list."""

    QUALITY = "quality", "Clinical quality and safety"
    FINANCE = "finance", "Finance"
    WORKFORCE = "workforce", "Workforce"
    COMPLIANCE = "compliance", "Regulatory compliance"
    REPUTATION = "reputation", "Reputation"


class AppetiteLevel(models.TextChoices):
    """Five levels, as GGI's matrix has (reference §2.4). The labels differ between
    organisations (NHSCFA: Adverse … Hungry); these are one common set."""

    AVERSE = "averse", "Averse"
    MINIMAL = "minimal", "Minimal"
    CAUTIOUS = "cautious", "Cautious"
    OPEN = "open", "Open"
    SEEK = "seek", "Seek"


class RiskAppetite(models.Model):
    """The board's appetite for a category of risk as approved on a date, with its
    tolerance as the highest acceptable score (RJAH, reference §2.4). A new statement
    supersedes the last; earlier ones are kept."""

    category = models.CharField(max_length=20, choices=RiskCategory.choices)
    level = models.CharField(max_length=10, choices=AppetiteLevel.choices)
    max_score = models.PositiveSmallIntegerField()
    statement = models.TextField(blank=True)
    approved_on = models.DateField()
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["category", "-approved_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_category_display()}: {self.get_level_display()}"


class Axis(models.TextChoices):
    LIKELIHOOD = "likelihood", "Likelihood"
    CONSEQUENCE = "consequence", "Consequence"


class Descriptor(models.Model):
    """One row of a descriptor table, in a numbered version: what a likelihood or a
    consequence of 1-5 means at this trust (reference §2.1: tables as versioned data)."""

    axis = models.CharField(max_length=12, choices=Axis.choices)
    level = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=60)
    description = models.TextField()
    version = models.PositiveSmallIntegerField()
    adopted_on = models.DateField()

    class Meta:
        ordering = ["axis", "-version", "level"]
        constraints = [
            models.UniqueConstraint(
                fields=["axis", "version", "level"], name="strategy_one_descriptor_a_level"
            )
        ]

    def __str__(self) -> str:
        return f"{self.level} {self.name}"


class PrincipalRisk(models.Model):
    """A Board Assurance Framework entry (reference §2.3, "typical BAF entry")."""

    reference = models.CharField(max_length=20, unique=True)  # "SR1"
    title = models.CharField(max_length=200)
    cause = models.TextField()
    event = models.TextField()
    effect = models.TextField()
    objective = models.ForeignKey(Objective, on_delete=models.PROTECT, related_name="risks")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="principal_risks"
    )
    committee = models.CharField(max_length=100)
    inherent_likelihood = models.PositiveSmallIntegerField()
    inherent_consequence = models.PositiveSmallIntegerField()
    current_likelihood = models.PositiveSmallIntegerField()
    current_consequence = models.PositiveSmallIntegerField()
    target_likelihood = models.PositiveSmallIntegerField()
    target_consequence = models.PositiveSmallIntegerField()
    # Required when the target score is above the current one.
    target_reason = models.TextField(blank=True)
    assurance_rating = models.CharField(max_length=12, choices=AssuranceRating.choices)
    metrics = models.ManyToManyField(Metric, blank=True, related_name="principal_risks")
    reviewed_on = models.DateField()
    category = models.CharField(
        max_length=20, choices=RiskCategory.choices, default=RiskCategory.QUALITY
    )
    next_review_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["reference"]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def inherent_score(self) -> int:
        return self.inherent_likelihood * self.inherent_consequence

    @property
    def current_score(self) -> int:
        return self.current_likelihood * self.current_consequence

    @property
    def target_score(self) -> int:
        return self.target_likelihood * self.target_consequence

    @property
    def current_band(self) -> str:
        return matrix.band(self.current_score)


class RiskScore(models.Model):
    """A scoring of a principal risk: who, when, why. Never edited; the latest is the
    risk's current score and the one before gives its movement."""

    risk = models.ForeignKey(PrincipalRisk, on_delete=models.CASCADE, related_name="scores")
    likelihood = models.PositiveSmallIntegerField()
    consequence = models.PositiveSmallIntegerField()
    target_likelihood = models.PositiveSmallIntegerField()
    target_consequence = models.PositiveSmallIntegerField()
    reason = models.TextField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    scored_on = models.DateField()
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-scored_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.risk_id}: {self.score} on {self.scored_on}"

    @property
    def score(self) -> int:
        return self.likelihood * self.consequence

    @property
    def target_score(self) -> int:
        return self.target_likelihood * self.target_consequence


class Line(models.TextChoices):
    MANAGEMENT = "1", "1st line: management"
    OVERSIGHT = "2", "2nd line: oversight"
    INDEPENDENT = "3", "3rd line: independent"


class Control(models.Model):
    """A key control, or (is_gap) a gap in control."""

    risk = models.ForeignKey(PrincipalRisk, on_delete=models.CASCADE, related_name="controls")
    description = models.TextField()
    is_gap = models.BooleanField(default=False)

    class Meta:
        ordering = ["is_gap", "pk"]

    def __str__(self) -> str:
        return self.description[:60]


class AssuranceSource(models.Model):
    """A source of assurance by line, positive or negative, or (is_gap) a gap in assurance."""

    risk = models.ForeignKey(PrincipalRisk, on_delete=models.CASCADE, related_name="assurances")
    line = models.CharField(max_length=1, choices=Line.choices)
    description = models.TextField()
    positive = models.BooleanField(default=True)
    is_gap = models.BooleanField(default=False)

    class Meta:
        ordering = ["line", "is_gap", "pk"]

    def __str__(self) -> str:
        return self.description[:60]
