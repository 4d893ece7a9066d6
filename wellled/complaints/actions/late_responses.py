"""Late responses (regulation 14(2)): a task for each missed response date, closed by a letter.

Regulation 14(2) of the Local Authority Social Services and National Health Service
Complaints (England) Regulations 2009: where the response is not sent within six
months beginning on the day of receipt, or a longer period agreed before that
expiry, the complainant must be told in writing, with the reason.
"""

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


def _missed_dates(today: Date) -> list[tuple[int, Date]]:
    """(case, missed date) for every open formal case with a date passed unanswered
    and no task for that date yet.

    Two dates can be missed: the response date agreed or set by the trust, and the
    last day of the six months beginning on receipt (or the longer period agreed
    before it ended). Missing the second is what regulation 14(2) speaks of, and it
    applies whether or not a date was ever agreed. The six months belong to the
    first response: a reopened case is late only against its new agreed date.
    """
    open_cases = Complaint.objects.filter(
        kind=Kind.COMPLAINT,
        exclusion="",
        status__in=OPEN_STATUSES,
        responded_on__isnull=True,
    ).order_by()
    agreed = (
        open_cases.filter(response_due__lt=today)
        .exclude(late_response_tasks__missed_due=models.F("response_due"))
        .values_list("pk", "response_due")
    )
    statutory = (
        open_cases.filter(first_responded_on__isnull=True, backstop_due__lt=today)
        .exclude(late_response_tasks__missed_due=models.F("backstop_due"))
        .values_list("pk", "backstop_due")
    )
    # The filters above leave no date empty.
    return sorted({(pk, due) for pk, due in (*agreed, *statutory) if due is not None})


@transaction.atomic
def open_late_response_tasks(
    *, acting_user: Actor = None, today: Date | None = None
) -> list[LateResponseTask]:
    """Open a "late response letter" task for every open case whose response date, or
    whose six months, passed without a response. Each missed date opens one task,
    once; the daily job catches every case, however old."""
    today = today or timezone.localdate()
    opened = []
    for complaint_id, missed_due in _missed_dates(today):
        task, created = LateResponseTask.objects.get_or_create(
            complaint_id=complaint_id, missed_due=missed_due, defaults={"opened_on": today}
        )
        if created:
            audit.record(
                acting_user=acting_user,
                action="complaint.late_response_task_opened",
                obj=task,
                after={"complaint_id": complaint_id, "missed_due": task.missed_due},
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
