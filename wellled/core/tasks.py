from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from wellled.core import jobs
from wellled.core.actions import finish_job, update_job_progress
from wellled.core.middleware import set_request_id
from wellled.core.models import Job

logger = logging.getLogger(__name__)


@shared_task(name="wellled.core.tasks.run_job")
def run_job(job_id: str) -> None:
    job = Job.objects.filter(id=job_id, status=Job.Status.QUEUED).first()
    if job is None:
        # Already taken by another worker, or pruned.
        return
    set_request_id(f"job-{job.id.hex}")
    update_job_progress(job=job, progress=0, message="Started")

    def progress(percent: int, message: str) -> None:
        update_job_progress(job=job, progress=percent, message=message)

    try:
        outcome = jobs.get_handler(job.kind)(job, progress)
    except Exception:
        logger.exception("Job %s of kind %s failed", job.id, job.kind)
        finish_job(
            job=job,
            succeeded=False,
            message="Something went wrong and nothing was changed. The error has been logged.",
            result={},
        )
        return
    finish_job(
        job=job,
        succeeded=outcome.succeeded,
        message=outcome.message,
        result=outcome.result,
        result_url=outcome.result_url,
    )


@shared_task(name="wellled.core.tasks.prune_finished_jobs")
def prune_finished_jobs(days: int = 30) -> int:
    cutoff = timezone.now() - timedelta(days=days)
    deleted, _ = Job.objects.filter(finished_at__lt=cutoff).delete()
    return deleted
