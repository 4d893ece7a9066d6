"""Scheduled work for walkrounds."""

from __future__ import annotations

from celery import shared_task

from wellled.leadership import reminders


@shared_task(name="wellled.leadership.tasks.send_feedback_reminders")
def send_feedback_reminders() -> int:
    return reminders.send_reminders()
