from __future__ import annotations

import logging
from contextlib import nullcontext
from datetime import timedelta
from typing import Any

from celery import shared_task
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections, transaction
from django.utils import timezone

from wellled.core import jobs
from wellled.core.actions import (
    RUN_JOB_TASK,
    close_stale_jobs,
    delete_finished_jobs,
    finish_job,
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


@shared_task(name=RUN_JOB_TASK)
def run_job(job_id: str) -> None:
    job = Job.objects.filter(id=job_id, status=Job.Status.QUEUED).first()
    if job is None:
        # Already taken by another worker, or pruned.
        return
    set_request_id(f"job-{job.id.hex}")
    update_job_progress(job=job, progress=0, message="Started")
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


STALE_AFTER = timedelta(hours=6)


@shared_task(name="wellled.core.tasks.prune_finished_jobs")
def prune_finished_jobs(days: int = 30) -> int:
    """Delete old finished jobs, and close jobs whose worker died under them."""
    now = timezone.now()
    close_stale_jobs(started_before=now - STALE_AFTER)
    return delete_finished_jobs(finished_before=now - timedelta(days=days))
