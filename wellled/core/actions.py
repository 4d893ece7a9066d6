"""Writes owned by the core app. Every write is one function here."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from wellled.celery import app as celery_app
from wellled.core import audit
from wellled.core.models import ClosureDay, Job, SentReminder
from wellled.core.types import Actor

# The task that runs a job (`wellled.core.tasks.run_job`), found by its name in the
# Celery app's registry: the task module calls these actions, so importing it here
# would make a cycle. The core app's ready() imports it, which registers it.
RUN_JOB_TASK = "wellled.core.tasks.run_job"
STALE_MESSAGE = "The job stopped before it finished. Nothing more will happen: start it again."


@transaction.atomic
def record_operator_access(
    *, acting_user: User, method: str, path: str, view: str, status: int
) -> None:
    audit.record(
        acting_user=acting_user,
        action="operator.access",
        object_type="url",
        object_id=view[:64],
        object_repr=path[:200],
        after={"method": method, "status": status},
    )


@transaction.atomic
def add_closure_day(*, acting_user: Actor, date: datetime.date, reason: str) -> ClosureDay:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Enter why the trust is closed on this day"})
    taken = ValidationError({"date": f"{date:%d %B %Y} is already a closure day"})
    if ClosureDay.objects.filter(date=date).exists():
        raise taken
    try:
        # A savepoint, so that losing a race with another admin is a form error, not a 500.
        with transaction.atomic():
            day = ClosureDay.objects.create(date=date, reason=reason)
    except IntegrityError:
        raise taken from None
    audit.record(
        acting_user=acting_user,
        action="closure_day.added",
        obj=day,
        after={"date": date.isoformat(), "reason": reason},
    )
    return day


@transaction.atomic
def remove_closure_day(*, acting_user: Actor, day: ClosureDay) -> None:
    before = {"date": day.date.isoformat(), "reason": day.reason}
    audit.record(acting_user=acting_user, action="closure_day.removed", obj=day, before=before)
    day.delete()


@transaction.atomic
def start_job(*, acting_user: User, kind: str, title: str, payload: dict[str, object]) -> Job:
    """Create a job and queue it once the transaction commits."""
    job = Job.objects.create(kind=kind, title=title, started_by=acting_user, payload=payload)
    audit.record(acting_user=acting_user, action="job.started", obj=job, after={"kind": kind})
    transaction.on_commit(lambda: celery_app.tasks[RUN_JOB_TASK].delay(str(job.id)))
    return job


def update_job_progress(*, job: Job, progress: int, message: str = "") -> None:
    # Progress is bookkeeping, not a change to the trust's records, so it is not audited.
    job.progress = max(0, min(100, progress))
    job.message = message[:300]
    job.status = Job.Status.RUNNING
    job.save(update_fields=["progress", "message", "status"])


def finish_job(
    *, job: Job, succeeded: bool, message: str, result: dict[str, object], result_url: str = ""
) -> None:
    job.status = Job.Status.SUCCEEDED if succeeded else Job.Status.FAILED
    job.progress = 100
    job.message = message[:300]
    job.result = result
    job.result_url = result_url
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "progress", "message", "result", "result_url", "finished_at"])


# Pruning is bookkeeping like the two above: it changes no record of the trust's,
# so, like them, it is not audited (the job's start was).


@transaction.atomic
def close_stale_jobs(*, started_before: datetime.datetime) -> int:
    """Fail the jobs still open that were started before the time given.

    A worker killed mid-job (or a message lost with it) leaves the job open for
    ever; its starter would watch the page refresh indefinitely.
    """
    return Job.objects.filter(
        status__in=[Job.Status.QUEUED, Job.Status.RUNNING], created_at__lt=started_before
    ).update(status=Job.Status.FAILED, message=STALE_MESSAGE, finished_at=timezone.now())


@transaction.atomic
def delete_finished_jobs(*, finished_before: datetime.datetime) -> int:
    deleted, _ = Job.objects.filter(finished_at__lt=finished_before).delete()
    return deleted


@transaction.atomic
def record_reminders_sent(
    *,
    user: User,
    keys: Sequence[tuple[str, str]],
    action: str,
    after: dict[str, Any],
    send: Callable[[], object],
) -> None:
    """Reserve the reminders' keys (a duplicate raises and nothing is sent), record
    the audit event, then send: all or nothing."""
    SentReminder.objects.bulk_create(
        [SentReminder(key=key, kind=kind, recipient=user) for key, kind in keys]
    )
    audit.record(
        acting_user=None,
        action=action,
        object_type="auth.user",
        object_id=str(user.pk),
        object_repr=user.get_username(),
        after=after,
    )
    send()
