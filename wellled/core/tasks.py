from __future__ import annotations

import logging
import threading
from contextlib import nullcontext
from datetime import timedelta
from typing import Any

from celery import shared_task
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections, transaction
from django.utils import timezone

from wellled.core import audit, jobs
from wellled.core.actions import (
    RUN_JOB_TASK,
    beat_job_heartbeat,
    claim_job,
    close_stale_jobs,
    delete_finished_jobs,
    finish_job,
    recover_stalled_jobs,
    recover_unclaimed_jobs,
    update_job_progress,
)

# STALE_MESSAGE is named here too, where it has long been found.
from wellled.core.actions import STALE_MESSAGE as STALE_MESSAGE
from wellled.core.models import Job
from wellled.core.request_id import set_request_id

logger = logging.getLogger(__name__)

FAILED_MESSAGE = "Something went wrong and nothing was changed. The error has been logged."


class _SideChannel:
    """A second PostgreSQL connection for progress reported inside a transaction.

    The handler's own transaction would hide its progress until it commits. The
    handler never locks its job's row, so this connection does not wait on it;
    the lock timeout is there in case one ever does. Progress is best effort.
    """

    def __init__(self) -> None:
        self._wrapper: Any = None

    def update(self, job: Job, progress: int, message: str) -> None:
        try:
            if self._wrapper is None:
                self._wrapper = connections.create_connection(DEFAULT_DB_ALIAS)
                with self._wrapper.cursor() as cursor:
                    cursor.execute("SET lock_timeout = '2s'")
            table = self._wrapper.ops.quote_name(Job._meta.db_table)
            with self._wrapper.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {table} SET progress = %s, message = %s, status = %s "  # noqa: S608
                    "WHERE id = %s",
                    [progress, message, Job.Status.RUNNING, job.id],
                )
        except DatabaseError:
            logger.warning("Could not report the progress of job %s", job.id, exc_info=True)

    def close(self) -> None:
        if self._wrapper is not None:
            self._wrapper.close()
            self._wrapper = None


# A running job's worker writes its heartbeat this often; a job whose heartbeat is
# older than STALLED_AFTER lost its worker. The check runs every minute (settings'
# CELERY_BEAT_SCHEDULE), so a dead worker is noticed within about three minutes.
HEARTBEAT_EVERY = timedelta(seconds=20)
STALLED_AFTER = timedelta(minutes=2)


class _Heartbeat(threading.Thread):
    """Touches the job's heartbeat from a thread (and connection) of its own.

    It stops with the worker: a killed worker's jobs fall silent, which is the
    point. On SQLite a handler's open transaction holds the only write lock, so a
    beat may wait or fail; it is best effort, and logged.
    """

    def __init__(self, job_id: str) -> None:
        super().__init__(name=f"heartbeat-{job_id}", daemon=True)
        self._job_id = job_id
        self._halt = threading.Event()

    def run(self) -> None:
        try:
            while not self._halt.wait(HEARTBEAT_EVERY.total_seconds()):
                try:
                    if not beat_job_heartbeat(job_id=self._job_id):
                        return
                except DatabaseError:
                    logger.warning("Could not record the heartbeat of job %s", self._job_id)
        finally:
            connection.close()

    def stop(self) -> None:
        self._halt.set()
        self.join(timeout=HEARTBEAT_EVERY.total_seconds() + 5)


@shared_task(name=RUN_JOB_TASK)
def run_job(job_id: str) -> None:
    job = claim_job(job_id=job_id)
    if job is None:
        # Already taken by another worker, finished, or pruned.
        return
    set_request_id(f"job-{job.id.hex}")
    heartbeat = _Heartbeat(str(job.id))
    heartbeat.start()
    try:
        _run_claimed(job)
    finally:
        heartbeat.stop()


def _run_claimed(job: Job) -> None:
    side = _SideChannel()

    def progress(percent: int, message: str) -> None:
        percent = max(0, min(100, percent))
        if connection.in_atomic_block and connection.vendor == "postgresql":
            side.update(job, percent, message[:300])
        else:
            update_job_progress(job=job, progress=percent, message=message)

    atomic = transaction.atomic() if jobs.is_atomic(job.kind) else nullcontext()
    try:
        with atomic:
            outcome = jobs.get_handler(job.kind)(job, progress)
    except Exception:
        logger.exception("Job %s of kind %s failed", job.id, job.kind)
        finish_job(job=job, succeeded=False, message=FAILED_MESSAGE, result={})
        return
    finally:
        side.close()
    finish_job(
        job=job,
        succeeded=outcome.succeeded,
        message=outcome.message,
        result=outcome.result,
        result_url=outcome.result_url,
    )


@shared_task(name="wellled.core.tasks.recover_stalled_jobs")
def recover_stalled_jobs_task() -> tuple[int, int]:
    """Queue again, or fail, the running jobs whose worker has died."""
    requeued, failed = recover_stalled_jobs(stalled_before=timezone.now() - STALLED_AFTER)
    if requeued or failed:
        logger.warning("Jobs whose worker stopped: %d queued again, %d failed", requeued, failed)
    return requeued, failed


def unclaimed_after() -> timedelta:
    """How long a queued job may wait for a worker before its message counts as lost.

    Longer than the broker's normal latency and a normal queue: a message sent
    again is harmless (claiming is atomic), a job failed too early is not.
    """
    return timedelta(minutes=settings.WELLLED_JOB_UNCLAIMED_MINUTES)


@shared_task(name="wellled.core.tasks.recover_unclaimed_jobs")
def recover_unclaimed_jobs_task() -> tuple[int, int]:
    """Send again once, then fail, the queued jobs whose message no worker took."""
    now = timezone.now()
    resent, failed = recover_unclaimed_jobs(
        sent_before=now - unclaimed_after(), beating_since=now - STALLED_AFTER
    )
    if resent or failed:
        logger.warning("Jobs no worker claimed: %d sent again, %d failed", resent, failed)
    return resent, failed


# A job still queued this long after it was started never reached a worker.
STALE_AFTER = timedelta(hours=6)


@shared_task(name="wellled.core.tasks.prune_finished_jobs")
def prune_finished_jobs(days: int = 30) -> int:
    """Delete old finished jobs, and close jobs that never ran."""
    now = timezone.now()
    close_stale_jobs(started_before=now - STALE_AFTER)
    return delete_finished_jobs(finished_before=now - timedelta(days=days))


@shared_task(name="wellled.core.tasks.write_audit_checkpoint")
def write_audit_checkpoint() -> int:
    """Sign the audit chain's head into the checkpoint file, outside the database."""
    checkpoint = audit.write_checkpoint()
    return checkpoint.seq if checkpoint is not None else 0
