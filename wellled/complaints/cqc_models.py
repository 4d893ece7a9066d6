"""CQC's requests for a summary of complaints (regulation 16(3) of the Health and
Social Care Act 2008 (Regulated Activities) Regulations 2014). (models.py names it.)"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class CQCRequest(models.Model):
    """One request from CQC, its 28-day clock and when the summary went."""

    received_on = models.DateField()
    # The 28 days begin on the day after the request is received (clocks.cqc_summary_due).
    due_on = models.DateField()
    period_start = models.DateField()
    period_end = models.DateField()
    cqc_reference = models.CharField(max_length=60, blank=True)
    # 16(3)(c): any other information about the complaints that CQC asks for.
    other_information = models.TextField(blank=True)
    sent_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_on", "-pk"]

    def __str__(self) -> str:
        return f"CQC request of {self.received_on:%d %b %Y}"
