"""Celery tasks for complaints: thin wrappers that call the module's functions."""

from __future__ import annotations

import logging

from celery import shared_task

from wellled.complaints import actions, reminders, rollup_check, rollup_rebuild

logger = logging.getLogger(__name__)


@shared_task(name="wellled.complaints.tasks.send_deadline_reminders")
def send_deadline_reminders() -> int:
    """Daily: remind handlers of deadlines and escalate overdue cases (reminders.py)."""
    return reminders.send_reminders()


@shared_task(name="wellled.complaints.tasks.open_late_response_tasks")
def open_late_response_tasks() -> int:
    """Daily: a late response letter task for each missed response date."""
    return len(actions.open_late_response_tasks(acting_user=None))


@shared_task(name="wellled.complaints.tasks.check_measure_rollup")
def check_measure_rollup() -> int:
    """Nightly: compare the measures' roll-up with the cases and, if any figure
    differs, log how many (no case details) and count every case again."""
    problems = rollup_check.check()
    if problems:
        logger.error(
            "complaints measures roll-up: %d figures differed from the cases; rebuilt",
            len(problems),
        )
        rollup_rebuild.rebuild()
    return len(problems)


@shared_task(name="wellled.complaints.tasks.prune_held_uploads")
def prune_held_uploads() -> int:
    """Hourly: delete documents held from public forms that were never sent."""
    return actions.prune_held_uploads(acting_user=None)
