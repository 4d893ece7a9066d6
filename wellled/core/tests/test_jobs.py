"""Background jobs: queued after commit, watched by their starter, all-or-nothing."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.urls import reverse
from django.utils import timezone

from wellled.core import actions, jobs, tasks
from wellled.core.models import AuditEvent, ClosureDay, Job
from wellled.core.testing import Trust

ran: list[str] = []


@jobs.handler("test.succeeds")
def _succeeds(job: Job, progress: jobs.Progress) -> jobs.Outcome:
    ran.append(str(job.id))
    progress(50, "Halfway")
    return jobs.Outcome(succeeded=True, message="All done", result={"count": 3})


@jobs.handler("test.writes_then_fails")
def _writes_then_fails(job: Job, progress: jobs.Progress) -> jobs.Outcome:
    actions.add_closure_day(
        acting_user=job.started_by, date=datetime.date(2026, 12, 24), reason="Christmas Eve"
    )
    progress(60, "Added the first day")
    raise RuntimeError("the secret detail of Zoë's case")


@pytest.fixture(autouse=True)
def _forget_runs() -> None:
    ran.clear()


def _start(user: Any, kind: str = "test.succeeds") -> Job:
    return actions.start_job(acting_user=user, kind=kind, title="Test job", payload={"n": 1})


# --- Queuing -----------------------------------------------------------------


def test_a_job_is_queued_when_its_transaction_commits(
    governance_lead: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = _start(governance_lead)
    # Nothing has run yet: the job waits for the commit.
    assert ran == []
    assert Job.objects.get(pk=job.pk).status == Job.Status.QUEUED
    assert len(callbacks) == 1
    callbacks[0]()
    job.refresh_from_db()
    assert ran == [str(job.id)]
    assert (job.status, job.progress, job.message) == (Job.Status.SUCCEEDED, 100, "All done")
    assert job.result == {"count": 3}
    assert job.finished_at is not None
    assert AuditEvent.objects.filter(action="job.started", object_id=str(job.id)).exists()


def test_nothing_runs_if_the_transaction_rolls_back(
    governance_lead: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                _start(governance_lead)
                raise RuntimeError("the rest of the request failed")
        except RuntimeError:
            pass
    assert callbacks == []
    assert ran == []
    assert not Job.objects.exists()


# --- Watching ----------------------------------------------------------------


def test_the_starter_watches_progress(
    client_for: Any, governance_lead: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False):
        job = _start(governance_lead)
    actions.update_job_progress(job=job, progress=40, message="Checked 400 of 1,000 rows")
    response = client_for("governance_lead").get(reverse("core:job", args=[job.id]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Checked 400 of 1,000 rows" in page
    assert 'value="40"' in page
    # Reloads itself without JavaScript; with it, htmx refreshes the panel instead.
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in page
    assert "vendor/htmx/htmx.min.js" in page


@pytest.mark.parametrize("persona", ["auditor", "operator", "outsider"])
def test_nobody_else_sees_a_job(
    client_for: Any, governance_lead: Any, persona: str, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False):
        job = _start(governance_lead)
    assert client_for(persona).get(reverse("core:job", args=[job.id])).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(
    client: Any, governance_lead: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False):
        job = _start(governance_lead)
    response = client.get(reverse("core:job", args=[job.id]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_htmx_gets_only_the_progress_panel(
    client_for: Any, governance_lead: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = _start(governance_lead)
    client = client_for("governance_lead")
    url = reverse("core:job", args=[job.id])
    panel = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in panel
    assert 'id="job-progress"' in panel
    assert f'hx-get="{url}"' in panel
    assert 'hx-trigger="every 2s"' in panel

    callbacks[0]()
    finished_panel = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "All done" in finished_panel
    assert "hx-get" not in finished_panel
    finished_page = client.get(url).content.decode()
    assert "<html" in finished_page
    assert 'http-equiv="refresh"' not in finished_page
    assert "htmx.min.js" not in finished_page


# --- Failing -----------------------------------------------------------------


def test_a_failing_handler_leaves_nothing_half_done(
    client_for: Any,
    governance_lead: Any,
    django_capture_on_commit_callbacks: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        job = _start(governance_lead, kind="test.writes_then_fails")
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.message == tasks.FAILED_MESSAGE
    assert job.result == {}
    # The closure day it added was rolled back, with its audit event.
    assert not ClosureDay.objects.exists()
    assert not AuditEvent.objects.filter(action="closure_day.added").exists()
    page = client_for("governance_lead").get(reverse("core:job", args=[job.id])).content.decode()
    assert "Something went wrong and nothing was changed" in page
    assert "secret detail" not in page
    assert "Failed" in page


def test_an_unknown_kind_fails_safely(
    governance_lead: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        job = _start(governance_lead, kind="test.no_such_kind")
    job.refresh_from_db()
    assert (job.status, job.message) == (Job.Status.FAILED, tasks.FAILED_MESSAGE)


def test_a_job_runs_once(governance_lead: Any, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        job = _start(governance_lead)
    # A message delivered twice finds the job no longer queued.
    tasks.run_job(str(job.id))
    assert ran == [str(job.id)]


# --- Progress from inside a transaction (PostgreSQL) ---------------------------

seen_from_outside: list[tuple[int, str]] = []


@jobs.handler("test.reports_inside_its_transaction")
def _reports_inside(job: Job, progress: jobs.Progress) -> jobs.Outcome:
    assert connection.in_atomic_block
    progress(40, "Checked 40 rows")
    other = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT progress, message FROM core_job WHERE id = %s", [job.id])
            seen_from_outside.append(tuple(cursor.fetchone()))
    finally:
        other.close()
    return jobs.Outcome(succeeded=True, message="Done")


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite has one writer: progress shows at commit"
)
@pytest.mark.django_db(transaction=True)
def test_progress_inside_the_handlers_transaction_is_visible_at_once(trust: Trust) -> None:
    seen_from_outside.clear()
    job = _start(trust.people["governance_lead"], kind="test.reports_inside_its_transaction")
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert seen_from_outside == [(40, "Checked 40 rows")]


# --- Housekeeping ------------------------------------------------------------


def test_pruning_removes_old_jobs_and_closes_abandoned_ones(governance_lead: Any) -> None:
    now = timezone.now()
    old = Job.objects.create(
        kind="test.succeeds",
        title="Old",
        started_by=governance_lead,
        status=Job.Status.SUCCEEDED,
        finished_at=now - datetime.timedelta(days=31),
    )
    recent = Job.objects.create(
        kind="test.succeeds",
        title="Recent",
        started_by=governance_lead,
        status=Job.Status.SUCCEEDED,
        finished_at=now - datetime.timedelta(days=1),
    )
    abandoned = Job.objects.create(
        kind="test.succeeds", title="Abandoned", started_by=governance_lead, status="running"
    )
    Job.objects.filter(pk=abandoned.pk).update(created_at=now - datetime.timedelta(hours=7))
    running = Job.objects.create(
        kind="test.succeeds", title="Running", started_by=governance_lead, status="running"
    )
    assert tasks.prune_finished_jobs() == 1
    assert not Job.objects.filter(pk=old.pk).exists()
    assert Job.objects.filter(pk=recent.pk).exists()
    abandoned.refresh_from_db()
    assert (abandoned.status, abandoned.message) == (Job.Status.FAILED, tasks.STALE_MESSAGE)
    running.refresh_from_db()
    assert running.status == Job.Status.RUNNING
