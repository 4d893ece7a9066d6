"""Durable jobs: a worker that dies mid-job is noticed, and its job retried or failed.

The worker's death is simulated the way the heartbeat check sees it: the job is
claimed and running, and its heartbeat has gone quiet (a killed worker stops
beating). The check runs every minute from the schedule.
"""

from __future__ import annotations

import datetime
import time
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from wellled.core import actions, jobs, tasks
from wellled.core.models import Job
from wellled.core.testing import Trust

runs: list[str] = []


@jobs.handler("test.durable.once")
def _once(job: Job, progress: jobs.Progress) -> jobs.Outcome:
    runs.append("once")
    return jobs.Outcome(succeeded=True, message="Done once")


@jobs.handler("test.durable.idempotent", atomic=False, retry=True)
def _idempotent(job: Job, progress: jobs.Progress) -> jobs.Outcome:
    runs.append("idempotent")
    return jobs.Outcome(succeeded=True, message="Done again")


@jobs.handler("test.durable.waits_for_heartbeat", atomic=False)
def _waits_for_heartbeat(job: Job, progress: jobs.Progress) -> jobs.Outcome:
    claimed_beat = Job.objects.get(pk=job.pk).heartbeat_at
    deadline = time.monotonic() + 10
    while Job.objects.get(pk=job.pk).heartbeat_at == claimed_beat:
        assert time.monotonic() < deadline, "no heartbeat arrived"
        time.sleep(0.05)
    return jobs.Outcome(succeeded=True, message="Heard the heartbeat")


@pytest.fixture(autouse=True)
def _forget_runs() -> None:
    runs.clear()


def _running_with_a_dead_worker(user: Any, kind: str, *, progress: int = 50) -> Job:
    """A job its worker claimed, reported half done, then died running."""
    job = Job.objects.create(kind=kind, title="Board pack for March", started_by=user)
    claimed = actions.claim_job(job_id=str(job.id))
    assert claimed is not None
    actions.update_job_progress(job=claimed, progress=progress, message="Laying out the PDF")
    quiet_since = timezone.now() - tasks.STALLED_AFTER - datetime.timedelta(seconds=30)
    Job.objects.filter(pk=job.pk).update(heartbeat_at=quiet_since)
    return Job.objects.get(pk=job.pk)


def test_a_job_whose_worker_died_is_failed_and_its_starter_is_told(
    trust: Trust, client_for: Any
) -> None:
    """Lead engineer Grace's import was at 50% when its worker was killed."""
    grace = trust.people["governance_lead"]
    job = _running_with_a_dead_worker(grace, "test.durable.once")

    assert tasks.recover_stalled_jobs_task() == (0, 1)

    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.finished_at is not None
    assert job.message.startswith("The background worker running this job stopped at 50%")
    assert "Nothing it had done was kept: start it again" in job.message
    # Grace sees it on the job's page, which stops telling her the job carries on.
    client = client_for("governance_lead")
    page = client.get(reverse("core:job", args=[job.id])).content.decode()
    assert "The background worker running this job stopped at 50%" in page
    assert "the job carries on" not in page
    assert runs == []


def test_an_idempotent_job_whose_worker_died_runs_again(
    trust: Trust, django_capture_on_commit_callbacks: Any
) -> None:
    job = _running_with_a_dead_worker(trust.people["governance_lead"], "test.durable.idempotent")

    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.recover_stalled_jobs_task() == (1, 0)

    job.refresh_from_db()
    assert runs == ["idempotent"]
    assert (job.status, job.message, job.attempts) == (Job.Status.SUCCEEDED, "Done again", 2)


def test_while_it_waits_for_a_worker_the_starter_is_told_it_runs_again(trust: Trust) -> None:
    job = _running_with_a_dead_worker(trust.people["governance_lead"], "test.durable.idempotent")
    # The message is sent only once the recovery commits; nothing consumes it here.
    tasks.recover_stalled_jobs_task()
    job.refresh_from_db()
    assert job.status == Job.Status.QUEUED
    assert job.message == (
        "The background worker running this job stopped at 50%. The job is being run "
        "again from the start (attempt 2 of 3): you need do nothing."
    )


def test_an_idempotent_job_fails_after_its_last_attempt(trust: Trust) -> None:
    job = _running_with_a_dead_worker(trust.people["governance_lead"], "test.durable.idempotent")
    Job.objects.filter(pk=job.pk).update(attempts=actions.MAX_ATTEMPTS)

    assert tasks.recover_stalled_jobs_task() == (0, 1)

    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert "Check what it had done before you run it again" in job.message


def test_a_job_whose_worker_still_beats_is_left_alone(trust: Trust) -> None:
    job = _running_with_a_dead_worker(trust.people["governance_lead"], "test.durable.once")
    actions.beat_job_heartbeat(job_id=str(job.id))

    assert tasks.recover_stalled_jobs_task() == (0, 0)

    job.refresh_from_db()
    assert (job.status, job.progress) == (Job.Status.RUNNING, 50)


def test_only_one_worker_can_claim_a_job(trust: Trust) -> None:
    job = Job.objects.create(
        kind="test.durable.once", title="Twice sent", started_by=trust.people["governance_lead"]
    )
    first = actions.claim_job(job_id=str(job.id))
    second = actions.claim_job(job_id=str(job.id))
    assert first is not None
    assert second is None
    # A redelivered message for the running job does nothing.
    tasks.run_job(str(job.id))
    assert runs == []
    job.refresh_from_db()
    assert (job.status, job.attempts) == (Job.Status.RUNNING, 1)


@pytest.mark.django_db(transaction=True)
def test_a_running_job_sends_heartbeats(trust: Trust, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tasks, "HEARTBEAT_EVERY", datetime.timedelta(milliseconds=100))
    job = Job.objects.create(
        kind="test.durable.waits_for_heartbeat",
        title="Long",
        started_by=trust.people["governance_lead"],
    )
    tasks.run_job(str(job.id))
    job.refresh_from_db()
    assert (job.status, job.message) == (Job.Status.SUCCEEDED, "Heard the heartbeat")


def _queued_and_not_claimed(user: Any, *, minutes: int) -> Job:
    """A job started `minutes` ago whose message no worker has taken since."""
    job = Job.objects.create(kind="test.durable.once", title="Complaints import", started_by=user)
    Job.objects.filter(pk=job.pk).update(
        queued_at=timezone.now() - datetime.timedelta(minutes=minutes)
    )
    return Job.objects.get(pk=job.pk)


def test_a_job_no_worker_claimed_is_sent_again_once_and_runs(
    trust: Trust, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    """Grace's import sat queued for 11 minutes: its message was lost on the way."""
    settings.WELLLED_JOB_UNCLAIMED_MINUTES = 10
    job = _queued_and_not_claimed(trust.people["governance_lead"], minutes=11)

    with django_capture_on_commit_callbacks(execute=False) as sent:
        assert tasks.recover_unclaimed_jobs_task() == (1, 0)
    job.refresh_from_db()
    assert (job.status, job.message) == (Job.Status.QUEUED, actions.RESENT_MESSAGE)
    # A second check before the window has passed again sends nothing more.
    with django_capture_on_commit_callbacks(execute=False) as again:
        assert tasks.recover_unclaimed_jobs_task() == (0, 0)
    assert again == []

    # The message sent again reaches a worker (eager here), which runs the job once.
    assert len(sent) == 1
    sent[0]()
    job.refresh_from_db()
    assert (job.status, job.message, job.attempts) == (Job.Status.SUCCEEDED, "Done once", 1)
    assert runs == ["once"]


def test_a_job_waiting_less_than_the_window_is_left_alone(trust: Trust, settings: Any) -> None:
    settings.WELLLED_JOB_UNCLAIMED_MINUTES = 10
    job = _queued_and_not_claimed(trust.people["governance_lead"], minutes=9)

    assert tasks.recover_unclaimed_jobs_task() == (0, 0)

    job.refresh_from_db()
    assert (job.status, job.message, job.resent_at) == (Job.Status.QUEUED, "", None)


def test_a_job_still_unclaimed_after_it_was_sent_again_fails_and_its_starter_is_told(
    trust: Trust, client_for: Any, settings: Any
) -> None:
    settings.WELLLED_JOB_UNCLAIMED_MINUTES = 10
    job = _queued_and_not_claimed(trust.people["governance_lead"], minutes=30)
    Job.objects.filter(pk=job.pk).update(
        resent_at=timezone.now() - datetime.timedelta(minutes=11), message=actions.RESENT_MESSAGE
    )

    assert tasks.recover_unclaimed_jobs_task() == (0, 1)

    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.finished_at is not None
    assert job.message == actions.UNCLAIMED_MESSAGE
    page = client_for("governance_lead").get(reverse("core:job", args=[job.id])).content.decode()
    assert "No background worker picked this job up, so it did not run" in page
    assert "the job carries on" not in page
    assert runs == []


def test_while_workers_are_busy_an_unclaimed_job_keeps_waiting(trust: Trust, settings: Any) -> None:
    """A long board pack holds the only worker: the import behind it is not lost, only late."""
    settings.WELLLED_JOB_UNCLAIMED_MINUTES = 10
    grace = trust.people["governance_lead"]
    busy = Job.objects.create(kind="test.durable.once", title="Board pack", started_by=grace)
    assert actions.claim_job(job_id=str(busy.id)) is not None
    job = _queued_and_not_claimed(grace, minutes=30)
    Job.objects.filter(pk=job.pk).update(resent_at=timezone.now() - datetime.timedelta(minutes=11))

    assert tasks.recover_unclaimed_jobs_task() == (0, 0)

    job.refresh_from_db()
    assert job.status == Job.Status.QUEUED


def test_a_job_queued_again_after_its_worker_died_gets_a_fresh_window(
    trust: Trust, settings: Any
) -> None:
    settings.WELLLED_JOB_UNCLAIMED_MINUTES = 10
    job = _running_with_a_dead_worker(trust.people["governance_lead"], "test.durable.idempotent")
    Job.objects.filter(pk=job.pk).update(
        queued_at=timezone.now() - datetime.timedelta(hours=1), resent_at=timezone.now()
    )
    tasks.recover_stalled_jobs_task()
    job.refresh_from_db()
    assert job.status == Job.Status.QUEUED
    assert job.resent_at is None
    assert timezone.now() - job.queued_at < datetime.timedelta(minutes=1)

    assert tasks.recover_unclaimed_jobs_task() == (0, 0)
