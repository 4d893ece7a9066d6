"""Late responses (regulation 14): a task for each missed response date, closed by a letter."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from wellled.complaints.actions._common import Date, day_errors, raise_errors, require_capability
from wellled.complaints.models import (
    OPEN_STATUSES,
    Complaint,
    Kind,
    LateResponseTask,
)
from wellled.core import audit
from wellled.core.types import Actor
from wellled.organisation.access import Cap


def close_late_task(
    task: LateResponseTask, *, sent_on: Date, reason: str, acting_user: Actor
) -> LateResponseTask:
    task.letter_sent_on = sent_on
    task.reason_for_delay = reason
    task.save(update_fields=["letter_sent_on", "reason_for_delay"])
    audit.record(
        acting_user=acting_user,
        action="complaint.late_letter_sent",
        obj=task,
        after={"complaint_id": task.complaint_id, "letter_sent_on": sent_on},
    )
    return task


@transaction.atomic
def open_late_response_tasks(
    *, acting_user: Actor = None, today: Date | None = None
) -> list[LateResponseTask]:
    """Open a "late response letter" task for every open case whose response date
    has passed without a response. Each missed date opens one task, once."""
    today = today or timezone.localdate()
    late = Complaint.objects.filter(
        kind=Kind.COMPLAINT,
        exclusion="",
        status__in=OPEN_STATUSES,
        responded_on__isnull=True,
        response_due__lt=today,
    ).exclude(late_response_tasks__missed_due=models.F("response_due"))
    opened = []
    for complaint in late.only("pk", "response_due"):
        assert complaint.response_due is not None
        task, created = LateResponseTask.objects.get_or_create(
            complaint=complaint, missed_due=complaint.response_due, defaults={"opened_on": today}
        )
        if created:
            audit.record(
                acting_user=acting_user,
                action="complaint.late_response_task_opened",
                obj=task,
                after={"complaint_id": complaint.pk, "missed_due": task.missed_due},
            )
            opened.append(task)
    return opened


@transaction.atomic
def record_late_letter_sent(
    *, acting_user: Actor, task: LateResponseTask, sent_on: Date, reason_for_delay: str
) -> LateResponseTask:
    task = LateResponseTask.objects.select_for_update().select_related("complaint").get(pk=task.pk)
    require_capability(acting_user, Cap.MANAGE_COMPLAINTS, task.complaint.service)
    if task.letter_sent_on is not None:
        raise ValidationError("The late response letter is already recorded as sent")
    errors = day_errors(
        sent_on,
        "sent_on",
        not_before=task.missed_due,
        before_label="the missed response date",
        today=timezone.localdate(),
    )
    if not reason_for_delay.strip():
        errors["reason_for_delay"] = "Say why the response is late: the letter must explain it"
    raise_errors(errors)
    return close_late_task(
        task, sent_on=sent_on, reason=reason_for_delay.strip(), acting_user=acting_user
    )
