"""The complaints team's own settings: who handles new cases about a service, and the
caseload filters each person has saved. (models.py names these too.)"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from wellled.organisation.models import OrgUnit


class AssignmentRule(models.Model):
    """New cases about this service go to this handler (actions.intake applies it).

    A case recorded by staff is handled by whoever records it; the rule fills the
    gap for cases that arrive with nobody: the online form, and any intake that
    names no handler. One rule a service.
    """

    service = models.OneToOneField(
        OrgUnit, on_delete=models.CASCADE, related_name="complaint_assignment_rule"
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="complaint_assignment_rules",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["service__name"]

    def __str__(self) -> str:
        return f"Assignment rule {self.pk}"


class SavedCaseloadFilter(models.Model):
    """A filter of the caseload one person saved under a name, to pick again.

    `query` is the caseload's query string (search, status, overdue, ordering).
    A search may hold a name: the filter is its owner's alone, and the audit trail
    records only whether it has a search.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="saved_caseload_filters",
    )
    name = models.CharField(max_length=80)
    query = models.CharField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="saved_filter_unique_name")
        ]

    def __str__(self) -> str:
        return f"Saved filter {self.pk}"


class Letterhead(models.Model):
    """The top of every letter the complaints team sends: one row for the trust.

    Complaints managers edit it (actions.save_letterhead) beside the letter
    templates; the PDF and Word letters both read it. With no row saved, letters
    carry the trust's name from the organisation records and no address.
    """

    name = models.CharField(max_length=200, blank=True)
    # One line of the postal address a line, as it is printed.
    address = models.TextField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    website = models.CharField(max_length=200, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return "Letterhead"


# Who a contact was with: the page and the API refuse a longer answer with these words.
WITH_WHOM_MAX_LENGTH = 200
WITH_WHOM_TOO_LONG = f"Who the contact was with must be {WITH_WHOM_MAX_LENGTH} characters or fewer"


class CaseNote(models.Model):
    """An investigation note or a contact with someone about the case, on its timeline.

    Written by the complaints team (actions.add_case_note, actions.record_contact)
    and read by whoever may open the case. The text is casework and may name people,
    so the audit event records only its kind and date, never the text.
    """

    class Kind(models.TextChoices):
        NOTE = "note", "Investigation note"
        CONTACT = "contact", "Contact"

    class Method(models.TextChoices):
        PHONE = "phone", "Phone call"
        EMAIL = "email", "Email"
        LETTER = "letter", "Letter"
        MEETING = "meeting", "Meeting"
        OTHER = "other", "Other"

    class Direction(models.TextChoices):
        IN = "in", "From them"
        OUT = "out", "From us"

    complaint = models.ForeignKey(
        "complaints.Complaint", on_delete=models.CASCADE, related_name="case_notes"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    happened_on = models.DateField()
    # A contact's method, direction and who it was with; blank for a note.
    method = models.CharField(max_length=10, choices=Method.choices, blank=True)
    direction = models.CharField(max_length=3, choices=Direction.choices, blank=True)
    with_whom = models.CharField(max_length=WITH_WHOM_MAX_LENGTH, blank=True)
    text = models.TextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-happened_on", "-recorded_at"]

    def __str__(self) -> str:
        return f"Case note {self.pk}"
