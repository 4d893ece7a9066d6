"""What every speak-up action shares: limits, the audit snapshot, the action day,
the case lock, the reporter tally and message numbering."""

from __future__ import annotations

import contextlib
import contextvars
import datetime
from collections.abc import Iterator, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from wellled.speakup import alerts
from wellled.speakup.content import read_reporter
from wellled.speakup.models import Case, Message, ReporterTally

Date = datetime.date
NARRATIVE_MAX = 20_000
MESSAGE_MAX = 10_000
SUMMARY_LENGTH = 120
MIN_PASSPHRASE = 12
FEEDBACK_QUESTION = "Given your experience, would you speak up again?"
DEFAULT_RETENTION_DAYS = 3 * 365
DETRIMENT_FOLLOW_UP_DAYS = 28

_REPORTING_FIELDS = (
    "route",
    "disclosure",
    "status",
    "received_week",
    "closed_week",
    "element_patient_safety",
    "element_worker_safety",
    "element_bullying_harassment",
    "element_other_behaviour",
    "worker_group",
    "detriment_reported",
    "detriment_follow_up_due",
    "unit_id",
    "feedback_answer",
    "lead_guardian_id",
)


def snapshot(case: Case) -> dict[str, Any]:
    """The plaintext fields only: what an audit event may carry."""
    return {name: getattr(case, name) for name in _REPORTING_FIELDS}


def raise_errors(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError(errors)


_as_of: contextvars.ContextVar[Date | None] = contextvars.ContextVar("speakup_as_of", default=None)


def action_day() -> Date:
    return _as_of.get() or timezone.localdate()


@contextlib.contextmanager
def as_of(day: Date) -> Iterator[None]:
    """Run actions as if today were `day`: for the demo's year of history."""
    token = _as_of.set(day)
    try:
        yield
    finally:
        _as_of.reset(token)


def lock_case(case: Case) -> Case:
    return Case.objects.select_for_update().get(pk=case.pk)


def tally_today(action: str, *, route: str = "") -> None:
    """Count a reporter's action for today; the audit event comes after the day."""
    tally, _ = ReporterTally.objects.get_or_create(day=action_day(), action=action, route=route)
    ReporterTally.objects.filter(pk=tally.pk).update(count=F("count") + 1)


def next_seq(case: Case) -> int:
    last = Message.objects.filter(case=case).order_by("-seq").values_list("seq", flat=True).first()
    return (last or 0) + 1


def message_errors(body: str, files: Sequence[tuple[str, bytes]]) -> dict[str, str]:
    text = body.strip()
    if not text and not files:
        return {"body": "Write a message or add a file"}
    if len(text) > MESSAGE_MAX:
        return {"body": f"Keep your message under {MESSAGE_MAX:,} characters"}
    return {}


def notify_reporter(case: Case, case_key: bytes) -> None:
    """A content-free email to the address the worker gave, if any."""
    address = read_reporter(case_key, case).get("notify_email", "")
    if not address:
        return

    def send() -> None:
        alerts.send_reporter_alert(address)

    transaction.on_commit(send)
