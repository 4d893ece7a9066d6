"""One improvement action, whatever raised it: what will change, why, who owns it,
by when, how it is going, the evidence that it was done, and who signed it off.

Every module that turns a finding into work (complaint learning, inspection
findings, self-assessment statements; later walkrounds, equality indicators,
strategic objectives and co-production commitments) raises an `Action` here, so
a board can ask one question of all of them: what did we promise, who owns it, is
it late, and did it work? `sources.py` says how a module names what raised it.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models

from wellled.organisation.models import OrgUnit


class Status(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    ON_TRACK = "on_track", "On track"
    AT_RISK = "at_risk", "At risk"
    DONE = "done", "Done"


OPEN_STATUSES = (Status.NOT_STARTED, Status.ON_TRACK, Status.AT_RISK)


class Action(models.Model):
    title = models.CharField(max_length=200)  # what will change
    description = models.TextField(blank=True)
    # What raised it: a kind registered in sources.py and the id of the thing of
    # that kind (a complaint issue, an inspection finding, a quality statement's
    # score in a round ...). Typed by the registry rather than a generic foreign
    # key, so that each source decides what may be said of it and who may see it.
    source_kind = models.CharField(max_length=40)
    source_id = models.CharField(max_length=100)
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="improvement_actions")
    team = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_actions"
    )
    # The executive accountable for it: where lateness is escalated, and how the
    # board groups the trust's actions.
    executive = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="sponsored_actions",
        null=True,
        blank=True,
    )
    raised_on = models.DateField()
    due_on = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    done_on = models.DateField(null=True, blank=True)
    completion_note = models.TextField(blank=True)
    # "Did it work?": the measure the action meant to move (a metric catalogue slug
    # or a registered metric source key), shown beside it with its SPC chart.
    measure = models.CharField(max_length=100, blank=True)
    # A named role other than the owner's signs the action off, where the source or
    # the person raising it asks for one.
    sign_off_role = models.CharField(max_length=40, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    signed_off_on = models.DateField(null=True, blank=True)
    sign_off_note = models.TextField(blank=True)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    # For an action moved here from a module's own action table: that record's audit
    # name and id ("inspections.actionplan:12"), so its earlier audit events and old
    # links still lead to it.
    legacy_ref = models.CharField(max_length=60, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(fields=["source_kind", "source_id"]),
            models.Index(fields=["status", "due_on"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status != Status.DONE

    def is_overdue(self, today: datetime.date) -> bool:
        return self.is_open and self.due_on < today

    @property
    def needs_sign_off(self) -> bool:
        return bool(self.sign_off_role) and self.signed_off_on is None

    @property
    def is_closed(self) -> bool:
        """Done, and signed off where a sign-off is asked for."""
        return self.status == Status.DONE and not self.needs_sign_off

    def days_late(self) -> int:
        """Days after the due date it was done (0 if on time); open actions: None-safe 0."""
        if self.done_on is None:
            return 0
        return max(0, (self.done_on - self.due_on).days)


class Milestone(models.Model):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(max_length=200)
    due_on = models.DateField()
    done_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.title


class ProgressUpdate(models.Model):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    written_on = models.DateField()
    note = models.TextField()
    status = models.CharField(max_length=20, choices=Status.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-written_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.written_on}: {self.get_status_display()}"


class DueDateChange(models.Model):
    """A re-plan: the history of an action's due date and why it moved."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="replans")
    previous_due_on = models.DateField()
    new_due_on = models.DateField()
    reason = models.TextField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    changed_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.previous_due_on} → {self.new_due_on}"


class ActionEvidence(models.Model):
    """Completion evidence: an item of the assurance evidence library, so finishing
    an action files its evidence for CQC under the statements it supports."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="evidence_links")
    item = models.ForeignKey(
        "assurance.EvidenceItem", on_delete=models.PROTECT, related_name="improvement_actions"
    )
    added_on = models.DateField()
    # For evidence moved here from a module's own evidence table
    # ("inspections.completionevidence:7"), so old download links still resolve.
    legacy_ref = models.CharField(max_length=60, blank=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["action", "item"], name="improvement_evidence_once")
        ]

    def __str__(self) -> str:
        return f"Evidence {self.item_id} for action {self.action_id}"
