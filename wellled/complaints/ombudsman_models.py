"""Referrals to the Parliamentary and Health Service Ombudsman and the
recommendations it makes. (models.py names these too.)"""

from __future__ import annotations

from django.db import models


class PHSODecision(models.TextChoices):
    PENDING = "pending", "Awaiting the Ombudsman's decision"
    NOT_TAKEN_ON = "not_taken_on", "Not taken on for investigation"
    RESOLVED = "resolved", "Resolved without a full investigation"
    UPHELD = "upheld", "Upheld"
    PARTLY_UPHELD = "partly_upheld", "Partly upheld"
    NOT_UPHELD = "not_upheld", "Not upheld"


class PHSOReferral(models.Model):
    """The complainant took the complaint to the Ombudsman."""

    complaint = models.ForeignKey(
        "complaints.Complaint", on_delete=models.CASCADE, related_name="phso_referrals"
    )
    referred_on = models.DateField()
    phso_reference = models.CharField(max_length=60, blank=True)
    decision = models.CharField(
        max_length=20, choices=PHSODecision.choices, default=PHSODecision.PENDING
    )
    decision_on = models.DateField(null=True, blank=True)
    decision_summary = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["complaint_id", "referred_on", "pk"]

    def __str__(self) -> str:
        return f"Ombudsman referral {self.pk} of {self.complaint_id}"


class PHSORecommendation(models.Model):
    """One thing the Ombudsman asked the trust to do, tracked until done."""

    referral = models.ForeignKey(
        PHSOReferral, on_delete=models.CASCADE, related_name="recommendations"
    )
    description = models.TextField()
    due_on = models.DateField()
    completed_on = models.DateField(null=True, blank=True)
    evidence = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["referral_id", "due_on", "pk"]

    def __str__(self) -> str:
        return f"Recommendation {self.pk} of referral {self.referral_id}"

    @property
    def is_open(self) -> bool:
        return self.completed_on is None
