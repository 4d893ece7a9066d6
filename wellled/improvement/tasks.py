"""Scheduled work for improvement actions."""

from __future__ import annotations

from celery import shared_task

from wellled.improvement import reminders


@shared_task(name="wellled.improvement.tasks.send_action_reminders")
def send_action_reminders() -> int:
    return reminders.send_reminders()
