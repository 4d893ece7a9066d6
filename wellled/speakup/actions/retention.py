"""The end of a case: destroying its key when its retention period is over."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from wellled.core import audit
from wellled.core.types import Actor
from wellled.speakup.access import require_case_holder
from wellled.speakup.actions.common import DEFAULT_RETENTION_DAYS, action_day, lock_case
from wellled.speakup.models import Case, CaseKey, Status, monday_of

Date = datetime.date


def retention_days() -> int:
    return int(getattr(settings, "WELLLED_SPEAKUP_RETENTION_DAYS", DEFAULT_RETENTION_DAYS))


@transaction.atomic
def shred_case(*, acting_user: Actor, case: Case) -> Case:
    """Destroy every wrapped copy of the case key: the content can never be read
    again. The plaintext reporting fields stay for the national return."""
    if acting_user is not None:
        require_case_holder(acting_user, case)
    case = lock_case(case)
    if not case.is_closed:
        raise ValidationError("Only a closed case can be destroyed")
    if case.shredded:
        raise ValidationError("This case has already been destroyed")
    deleted, _ = CaseKey.objects.filter(case=case).delete()
    case.shredded = True
    case.shredded_week = monday_of(action_day())
    case.receipt_lookup = None
    case.receipt_salt = None
    case.save(update_fields=["shredded", "shredded_week", "receipt_lookup", "receipt_salt"])
    audit.record(
        acting_user=acting_user,
        action="speakup.shredded",
        obj=case,
        after={"keys_destroyed": deleted},
    )
    return case


def shred_expired(*, today: Date | None = None) -> int:
    """Shred every closed case whose retention period has ended (a daily task)."""
    day = today or action_day()
    cutoff = day - datetime.timedelta(days=retention_days())
    count = 0
    for case in Case.objects.filter(status=Status.CLOSED, shredded=False, closed_week__lt=cutoff):
        shred_case(acting_user=None, case=case)
        count += 1
    return count
