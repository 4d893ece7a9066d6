"""Writes owned by the core app. Every write is one function here."""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable, Sequence
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from wellled.celery import app as celery_app
from wellled.core import audit, jobs
from wellled.core.models import ClosureDay, Job, SentReminder
from wellled.core.types import Actor

# The task that runs a job (`wellled.core.tasks.run_job`), found by its name in the
# Celery app's registry: the task module calls these actions, so importing it here
# would make a cycle. The core app's ready() imports it, which registers it.
RUN_JOB_TASK = "wellled.core.tasks.run_job"
STALE_MESSAGE = "The job stopped before it finished. Nothing more will happen: start it again."
# Runs in all, the first included, of a job whose handler may be retried.
MAX_ATTEMPTS = 3


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


def claim_job(*, job_id: str) -> Job | None:
    """Take a queued job for this worker, or None if another worker has it.

    One conditional UPDATE: of two workers handed the same message (a broker's
    redelivery, a job queued again after its worker died), exactly one wins.
    """
    claimed = Job.objects.filter(id=job_id, status=Job.Status.QUEUED).update(
        status=Job.Status.RUNNING,
        progress=0,
        message="Started",
        heartbeat_at=timezone.now(),
        attempts=F("attempts") + 1,
    )
    return Job.objects.get(id=job_id) if claimed else None


def beat_job_heartbeat(*, job_id: str) -> bool:
    """Show that the job's worker is alive. False once the job is no longer running."""
    return bool(
        Job.objects.filter(id=job_id, status=Job.Status.RUNNING).update(heartbeat_at=timezone.now())
    )


def update_job_progress(*, job: Job, progress: int, message: str = "") -> None:
    # Progress is bookkeeping, not a change to the trust's records, so it is not audited.
    job.progress = max(0, min(100, progress))
    job.message = message[:300]
    job.status = Job.Status.RUNNING
    job.heartbeat_at = timezone.now()
    job.save(update_fields=["progress", "message", "status", "heartbeat_at"])


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

    The last resort: a job whose message was lost is normally sent again or failed
    within minutes by `recover_unclaimed_jobs`, and a running job whose worker
    died is found by `recover_stalled_jobs`; this closes whatever they left, such
    as a job that waited behind busy workers for six hours.
    """
    return Job.objects.filter(
        status__in=[Job.Status.QUEUED, Job.Status.RUNNING], created_at__lt=started_before
    ).update(status=Job.Status.FAILED, message=STALE_MESSAGE, finished_at=timezone.now())


def _send_job(job_id: str) -> None:
    celery_app.tasks[RUN_JOB_TASK].delay(job_id)


def _worker_lost_message(job: Job) -> str:
    if jobs.is_retried(job.kind) and job.attempts < MAX_ATTEMPTS:
        return (
            f"The background worker running this job stopped at {job.progress}%. "
            f"The job is being run again from the start (attempt {job.attempts + 1} "
            f"of {MAX_ATTEMPTS}): you need do nothing."
        )
    kept = (
        "Nothing it had done was kept"
        if jobs.is_atomic(job.kind)
        else "Check what it had done before you run it again"
    )
    return (
        f"The background worker running this job stopped at {job.progress}%, so the job "
        f"did not finish. {kept}: start it again, and if this happens again tell an "
        "administrator."
    )


@transaction.atomic
def recover_stalled_jobs(*, stalled_before: datetime.datetime) -> tuple[int, int]:
    """Queue again, or fail, the running jobs whose worker stopped sending heartbeats.

    Returns (queued again, failed). A job whose handler may be retried goes back
    to the queue until it has had MAX_ATTEMPTS runs; any other is failed with a
    message its starter reads on the job's page.
    """
    stalled = Job.objects.select_for_update().filter(
        Q(heartbeat_at__lt=stalled_before)
        | Q(heartbeat_at__isnull=True, created_at__lt=stalled_before),
        status=Job.Status.RUNNING,
    )
    requeued, failed = 0, 0
    for job in stalled:
        message = _worker_lost_message(job)
        if jobs.is_retried(job.kind) and job.attempts < MAX_ATTEMPTS:
            Job.objects.filter(id=job.id, status=Job.Status.RUNNING).update(
                status=Job.Status.QUEUED,
                progress=0,
                message=message[:300],
                queued_at=timezone.now(),
                resent_at=None,
            )
            transaction.on_commit(functools.partial(_send_job, str(job.id)))
            requeued += 1
        else:
            Job.objects.filter(id=job.id, status=Job.Status.RUNNING).update(
                status=Job.Status.FAILED, message=message[:300], finished_at=timezone.now()
            )
            failed += 1
    return requeued, failed


RESENT_MESSAGE = (
    "No background worker had picked this job up, so it has been sent to them again: "
    "you need do nothing."
)
UNCLAIMED_MESSAGE = (
    "No background worker picked this job up, so it did not run and nothing was changed. "
    "Start it again, and if this happens again tell an administrator."
)


@transaction.atomic
def recover_unclaimed_jobs(
    *, sent_before: datetime.datetime, beating_since: datetime.datetime
) -> tuple[int, int]:
    """Send again, or fail, the queued jobs that no worker claimed after their message went.

    Returns (sent again, failed). A message can be lost before any worker takes
    it (a broker restarted without persistence, a queue file removed). A job whose
    message went before `sent_before` is sent once more: claiming is atomic, so
    if the first message was only slow the job still runs once. If that second
    message also goes unclaimed, the job is failed with a message its starter
    reads on the job's page, but only while no job is running with a heartbeat
    since `beating_since`: busy workers may simply not have reached it yet, and
    the six-hour clean-up (`close_stale_jobs`) still bounds the wait.
    """
    # Bookkeeping like the job writes above, changing no record of the trust's: not audited.
    now = timezone.now()
    lost = list(
        Job.objects.filter(
            status=Job.Status.QUEUED, resent_at__isnull=True, queued_at__lt=sent_before
        ).values_list("id", flat=True)
    )
    resent = 0
    for job_id in lost:
        # Conditional, so a job a worker claimed meanwhile is not sent again.
        if Job.objects.filter(id=job_id, status=Job.Status.QUEUED, resent_at__isnull=True).update(
            resent_at=now, message=RESENT_MESSAGE
        ):
            transaction.on_commit(functools.partial(_send_job, str(job_id)))
            resent += 1
    if Job.objects.filter(status=Job.Status.RUNNING, heartbeat_at__gte=beating_since).exists():
        return resent, 0
    failed = Job.objects.filter(status=Job.Status.QUEUED, resent_at__lt=sent_before).update(
        status=Job.Status.FAILED, message=UNCLAIMED_MESSAGE, finished_at=now
    )
    return resent, failed


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
