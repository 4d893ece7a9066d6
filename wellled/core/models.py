from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone


class AuditEvent(models.Model):
    """One append-only line of the audit trail.

    Each event carries the hash of the one before it, so editing or deleting any
    event breaks the chain at a place `wellled verify-audit` can name. Events are
    written only by `wellled.core.audit.record`, inside the action's transaction.
    """

    # Position in the chain, assigned under a lock so that the chain never forks.
    seq = models.BigIntegerField(unique=True)
    occurred_at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Kept beside the key so the trail still reads if an account is renamed.
    actor_label = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=100, db_index=True)
    object_type = models.CharField(max_length=100, blank=True, db_index=True)
    object_id = models.CharField(max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(max_length=200, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True, db_index=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    # HMAC-SHA256 of `hash` under the audit key, which is kept outside the
    # database (WELLLED_AUDIT_KEY_FILE): without the key a rewritten event cannot
    # be given a valid one. Empty on events written before the trail was keyed.
    mac = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        ordering = ["-seq"]
        indexes = [models.Index(fields=["occurred_at"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"


class ClosureDay(models.Model):
    """A day the trust treats as non-working on top of the bank holidays."""

    date = models.DateField(unique=True)
    reason = models.CharField(max_length=200)

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%d %B %Y}: {self.reason}"


class Job(models.Model):
    """A piece of background work whose progress its starter can watch."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Finished"
        FAILED = "failed", "Failed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=100)
    title = models.CharField(max_length=200)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jobs"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    message = models.CharField(max_length=300, blank=True)
    payload = models.JSONField(default=dict, blank=True)
    result = models.JSONField(default=dict, blank=True)
    result_url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Touched by the worker while it runs the job; a running job whose heartbeat
    # has gone quiet lost its worker (see `actions.recover_stalled_jobs`).
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # How many times a worker has claimed the job.
    attempts = models.PositiveSmallIntegerField(default=0)
    # When its message was last sent to the queue, and when it was sent again because
    # no worker had claimed it: a message lost before any worker took it leaves the
    # job queued, and `actions.recover_unclaimed_jobs` notices within minutes.
    queued_at = models.DateTimeField(default=timezone.now)
    resent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "heartbeat_at"])]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)

    def as_progress(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "status": self.status,
            "progress": self.progress,
            "message": self.message,
            "finished": self.is_finished,
        }


class SentReminder(models.Model):
    """A reminder or escalation email that has gone out, so that it goes out once.

    The key names what was reminded and to whom, e.g.
    "complaints.respond:42:2026-03-31:7" (the case, the deadline, the recipient):
    a new deadline (an extension) is a new key, so it is reminded afresh.
    """

    key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=60, db_index=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return self.key
