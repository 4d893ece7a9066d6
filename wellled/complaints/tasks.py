"""Celery tasks for complaints: thin wrappers that call the module's functions."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="wellled.complaints.tasks.send_deadline_reminders")
def send_deadline_reminders() -> int:
    """Daily: remind handlers of deadlines and escalate overdue cases (reminders.py)."""
    from wellled.complaints.reminders import send_reminders

    return send_reminders()


@shared_task(name="wellled.complaints.tasks.open_late_response_tasks")
def open_late_response_tasks() -> int:
    """Daily: a late response letter task for each missed response date."""
    from wellled.complaints.actions import open_late_response_tasks as open_tasks

    return len(open_tasks(acting_user=None))
