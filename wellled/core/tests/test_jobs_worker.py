"""A real Celery worker on the embedded filesystem queue runs a job a request queued.

This is what `wellled serve` runs beside the web server: the request returns at
once and the job runs in another process. Takes a few seconds.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import kombu.pools
import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from wellled.celery import app as celery_app
from wellled.core import tasks
from wellled.core.management.commands.serve import worker_command
from wellled.core.models import Job
from wellled.core.testing import Trust
from wellled.core.tests.subprocess_env import subprocess_env

WAIT_SECONDS = 30


@pytest.fixture
def embedded_queue(tmp_path: Path) -> Iterator[Path]:
    """Send this process's jobs to a filesystem queue under tmp_path/var, as serve would."""
    var = tmp_path / "var"
    options = {
        "data_folder_in": str(var / "queue"),
        "data_folder_out": str(var / "queue"),
        "processed_folder": str(var / "queue-processed"),
        "store_processed": False,
        "control_folder": str(var / "queue-control"),
    }
    (var / "queue").mkdir(parents=True)
    saved = {
        key: celery_app.conf[key]
        for key in ("broker_url", "broker_transport_options", "task_always_eager")
    }
    celery_app.conf.update(
        broker_url="filesystem://", broker_transport_options=options, task_always_eager=False
    )
    _drop_connections()
    try:
        yield var
    finally:
        celery_app.conf.update(saved)
        _drop_connections()


def _drop_connections() -> None:
    # Connections and producers made earlier carry the old transport options.
    kombu.pools.reset()
    celery_app._pool = None  # type: ignore[attr-defined]
    celery_app.amqp._producer_pool = None  # type: ignore[attr-defined]


def _job_state(job: Job, database_url: str) -> tuple[str, int, str]:
    if connection.vendor == "sqlite":
        # The worker writes to the copy of the test database it was given.
        path = database_url.removeprefix("sqlite:///")
        with sqlite3.connect(path) as db:
            row = db.execute(
                "SELECT status, progress, message FROM core_job WHERE id = ?", [job.id.hex]
            ).fetchone()
        return row[0], row[1], row[2]
    job.refresh_from_db()
    return job.status, job.progress, job.message


def _run_a_worker_until_finished(job: Job, tmp_path: Path) -> tuple[tuple[str, int, str], str]:
    """Start the embedded worker as serve does, wait for the job to end, stop it."""
    env = subprocess_env(tmp_path)
    log_path = tmp_path / "worker.log"
    with log_path.open("wb") as log:
        worker = subprocess.Popen(  # noqa: S603
            worker_command(), env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            deadline = time.monotonic() + WAIT_SECONDS
            state = _job_state(job, env["DATABASE_URL"])
            while state[0] not in (Job.Status.SUCCEEDED, Job.Status.FAILED):
                assert worker.poll() is None, log_path.read_text()
                assert time.monotonic() < deadline, f"job still {state}\n{log_path.read_text()}"
                time.sleep(0.5)
                state = _job_state(job, env["DATABASE_URL"])
        finally:
            os.killpg(worker.pid, signal.SIGTERM)
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait()
    return state, log_path.read_text()


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_a_queued_job(
    client_for: Any, trust: Trust, embedded_queue: Path, tmp_path: Path
) -> None:
    client = client_for("governance_lead")
    started = time.monotonic()
    response = client.post(reverse("core:audit_verify"))
    # The request only queued the job.
    assert time.monotonic() - started < 5
    assert response.status_code == 302
    job = Job.objects.get()
    assert job.status == Job.Status.QUEUED
    assert len(list((embedded_queue / "queue").glob("*.msg"))) == 1

    state, output = _run_a_worker_until_finished(job, tmp_path)

    status, progress, message = state
    assert status == Job.Status.SUCCEEDED, output
    assert progress == 100
    assert message.startswith("The audit trail is intact")
    assert "wellled.core.tasks.run_job" in output
    # The scheduler runs inside the embedded worker, so periodic jobs need nothing more.
    assert "beat: Starting..." in output
    assert list((embedded_queue / "queue").glob("*.msg")) == []


@pytest.mark.django_db(transaction=True)
def test_a_job_whose_message_was_lost_is_sent_again_and_a_real_worker_runs_it(
    client_for: Any, trust: Trust, embedded_queue: Path, tmp_path: Path, settings: Any
) -> None:
    """The queue lost the message of Grace's audit check before any worker took it."""
    settings.WELLLED_JOB_UNCLAIMED_MINUTES = 10
    client_for("governance_lead").post(reverse("core:audit_verify"))
    job = Job.objects.get()
    for lost in (embedded_queue / "queue").glob("*.msg"):
        lost.unlink()
    Job.objects.filter(pk=job.pk).update(queued_at=timezone.now() - timedelta(minutes=11))

    # The scheduler's check, run here at once rather than waiting for its minute.
    assert tasks.recover_unclaimed_jobs_task() == (1, 0)
    assert len(list((embedded_queue / "queue").glob("*.msg"))) == 1

    state, output = _run_a_worker_until_finished(job, tmp_path)

    status, _progress, message = state
    assert status == Job.Status.SUCCEEDED, output
    assert message.startswith("The audit trail is intact")
