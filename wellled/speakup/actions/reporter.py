"""The reporter's channel: a receipt code opens the case; messages, the feedback
answer and revealing who they are. What a reporter does is tallied by day, never
audited at the time (see the package's docstring)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from wellled.core import audit
from wellled.core.types import Actor
from wellled.speakup import crypto, epochs
from wellled.speakup.actions.common import (
    MESSAGE_MAX,
    action_day,
    lock_case,
    message_errors,
    next_seq,
    raise_errors,
    tally_today,
)
from wellled.speakup.actions.files import check_files, store_files
from wellled.speakup.actions.keys import guardian_keys, wrap_for
from wellled.speakup.content import read_reporter, seal_reporter
from wellled.speakup.models import (
    DISCLOSURE_ORDER,
    Author,
    Case,
    CaseKey,
    FeedbackAnswer,
    KeyHolder,
    Message,
    ReporterTally,
    Route,
    monday_of,
)

Date = datetime.date


class CodeNotRecognised(Exception):
    """Deliberately says nothing more."""


@dataclass
class ReporterSession:
    case: Case
    case_key: bytes


def open_with_code(*, code: str) -> ReporterSession:
    """The case and its key for a receipt code, or CodeNotRecognised."""
    normal = crypto.normalise_code(code)
    if normal is None:
        raise CodeNotRecognised
    case = Case.objects.filter(receipt_lookup=crypto.receipt_lookup(normal)).first()
    if case is None or case.shredded or case.receipt_salt is None:
        raise CodeNotRecognised
    wrap = CaseKey.objects.filter(case=case, holder=KeyHolder.REPORTER).first()
    if wrap is None:
        raise CodeNotRecognised
    try:
        case_key = crypto.unwrap_with_code(
            epochs.opened(wrap),
            normal,
            bytes(case.receipt_salt),
            opslimit=case.receipt_opslimit,
            memlimit=case.receipt_memlimit,
        )
    except crypto.CryptoError:
        raise CodeNotRecognised from None
    # A case that no current guardian can open (sent before any guardian was
    # approved, or whose guardians have all gone) reaches every guardian now.
    # Wraps held by former guardians do not count: they must not block this.
    current = guardian_keys()
    holders = set(
        CaseKey.objects.filter(case=case, holder=KeyHolder.GUARDIAN).values_list(
            "guardian_id", flat=True
        )
    )
    if current and not holders & {key.user_id for key in current}:
        with transaction.atomic():
            if wrap_for(case, case_key, current):
                tally_today("speakup.sent_to_guardians")
    return ReporterSession(case=case, case_key=case_key)


@transaction.atomic
def write_reporter_tallies(*, acting_user: Actor = None, today: Date | None = None) -> int:
    """One audit event per finished day and kind of reporter action, then the
    day's tally goes. Days not yet over wait, so the events carry no time of day.
    Returns how many events were written."""
    day = today or action_day()
    written = 0
    tallies = ReporterTally.objects.select_for_update().filter(day__lt=day)
    for tally in tallies.order_by("day", "action", "route"):
        after: dict[str, Any] = {"day": tally.day, "count": tally.count}
        if tally.route:
            after["route"] = tally.route
        audit.record(acting_user=acting_user, action=tally.action, after=after)
        tally.delete()
        written += 1
    return written


@transaction.atomic
def post_reporter_message(
    *,
    session: ReporterSession,
    body: str,
    files: Sequence[tuple[str, bytes]] = (),
    strip_metadata: bool = False,
) -> Message:
    case = lock_case(session.case)
    if case.is_closed:
        raise ValidationError(
            {
                "body": "This concern has been closed, so it takes no more messages. "
                "If something new has happened, raise a new concern."
            }
        )
    raise_errors(message_errors(body, files))
    checked = check_files(files, strip_metadata)
    today = action_day()
    sent_on = monday_of(today) if case.route == Route.ANONYMOUS else today
    message = Message.objects.create(
        case=case,
        seq=next_seq(case),
        author=Author.REPORTER,
        sent_on=sent_on,
        sealed_body=crypto.seal_text(session.case_key, body.strip()),
    )
    store_files(case, session.case_key, message, checked)
    case.updated_week = monday_of(today)
    case.save(update_fields=["updated_week"])
    tally_today("speakup.reporter_message_added")
    return message


@transaction.atomic
def answer_feedback(*, session: ReporterSession, answer: str, reason: str = "") -> Case:
    case = lock_case(session.case)
    if not case.is_closed or not case.feedback_requested:
        raise ValidationError({"answer": "There is no question to answer on this concern yet"})
    if case.feedback_answer != FeedbackAnswer.BLANK:
        raise ValidationError({"answer": "You have already answered, thank you"})
    if answer not in FeedbackAnswer.values or answer == FeedbackAnswer.BLANK:
        raise ValidationError({"answer": "Choose Yes, No, Maybe or Don't know"})
    if len(reason) > MESSAGE_MAX:
        raise ValidationError({"reason": f"Keep your reason under {MESSAGE_MAX:,} characters"})
    case.feedback_answer = answer
    if reason.strip():
        case.sealed_feedback_reason = crypto.seal_text(session.case_key, reason.strip())
    case.save(update_fields=["feedback_answer", "sealed_feedback_reason"])
    tally_today("speakup.feedback_given")
    return case


@transaction.atomic
def reveal_identity(
    *, session: ReporterSession, level: str, name: str, contact: str = "", confirm: bool
) -> Case:
    """The worker tells the guardian (confidential) or everyone (open) who they are.
    This cannot be undone: disclosure only ever rises."""
    case = lock_case(session.case)
    errors: dict[str, str] = {}
    if level not in (Route.CONFIDENTIAL, Route.OPEN):
        errors["level"] = "Choose who may know your name"
    elif DISCLOSURE_ORDER[level] <= DISCLOSURE_ORDER[case.disclosure]:
        errors["level"] = "You have already shared this much: it cannot be taken back"
    if not name.strip():
        errors["name"] = "Enter your name"
    if not confirm:
        errors["confirm"] = "Confirm that you understand this cannot be undone"
    raise_errors(errors)
    details = read_reporter(session.case_key, case)
    details.update({"name": name.strip()[:200], "contact": contact.strip()[:200]})
    case.sealed_reporter = seal_reporter(session.case_key, details)
    case.disclosure = level
    case.save(update_fields=["sealed_reporter", "disclosure"])
    tally_today("speakup.identity_revealed", route=level)
    return case
