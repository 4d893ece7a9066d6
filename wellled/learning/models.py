"""Learning from complaints: sharing with read receipts, and public "You said, we
did" summaries.

The learning statement itself lives on the complaint's issue
(`ComplaintIssue.learning_statement`); this app holds what follows from it. The
actions that learning leads to are improvement actions (wellled.improvement),
raised on the issue's learning (improvement_source.py).
Shared learning and public summaries are written to be read by anyone, so the
actions refuse text that names the people on the case (see redaction.py).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from wellled.complaints.models import Complaint
from wellled.organisation.models import OrgUnit


class LearningShare(models.Model):
    """Learning from one complaint, written for staff and shared with chosen units."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="shares")
    title = models.CharField(max_length=200)
    summary = models.TextField()
    # Copied from the case when shared, so the library filters without reading cases.
    service = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    site = models.ForeignKey(
        OrgUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    themes = models.ManyToManyField("complaints.ReferenceItem", related_name="+", blank=True)
    audience = models.ManyToManyField(OrgUnit, related_name="learning_shared_with")
    # None: shared by the system (demo data, imports).
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    shared_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-shared_on", "-pk"]

    def __str__(self) -> str:
        return self.title


class ReadReceipt(models.Model):
    """A member of staff confirmed they read a piece of shared learning."""

    share = models.ForeignKey(LearningShare, on_delete=models.CASCADE, related_name="receipts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["share", "user"], name="one_receipt_per_reader")
        ]

    def __str__(self) -> str:
        return f"Read receipt {self.pk}"


class YouSaidWeDid(models.Model):
    """A public summary: what people told the trust, and what changed."""

    service = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    you_said = models.TextField()
    we_did = models.TextField()
    month = models.DateField()  # first day of the month the change was made
    share = models.ForeignKey(
        LearningShare, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_on = models.DateField()
    withdrawn_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-month", "-pk"]
        verbose_name = "You said, we did summary"
        verbose_name_plural = "You said, we did summaries"

    def __str__(self) -> str:
        return f"You said, we did {self.pk}"
