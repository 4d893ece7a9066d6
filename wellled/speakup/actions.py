"""Every write to speak-up cases. Views, the API, the demo and tests call these.

Guardian actions take the guardian's unlocked private key (`private_key`), because
every change that touches content needs the case key, and the server cannot get
the case key without it. Reporter actions take a `ReporterSession`, which holds
the case key opened with the receipt code.

Audit events hold no content. What a reporter does (submitting a concern, open,
confidential or anonymous; a message, an answer, revealing who they are) is not
written to the audit trail when it happens: it is counted in a tally for the day
(`ReporterTally`: no time, no case), and `write_reporter_tallies` writes one event
per day and kind after the day is over. So neither the trail's exact times nor its
order can be joined to a case, a session or a proxy's log.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime
import json
import logging
import secrets
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from wellled.core import audit
from wellled.core.types import Actor
from wellled.organisation.access import Cap, can
from wellled.organisation.models import OrgUnit
from wellled.speakup import alerts, crypto, enrolment, epochs, uploads
from wellled.speakup.models import (
    DISCLOSURE_ORDER,
    Attachment,
    Author,
    Case,
    CaseAction,
    CaseKey,
    Channel,
    Escalation,
    FeedbackAnswer,
    GuardianKey,
    KeyHolder,
    Message,
    RecoveryKey,
    ReporterTally,
    Route,
    Status,
    Theme,
    WorkerGroup,
    monday_of,
)

logger = logging.getLogger(__name__)

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


def _raise(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError(errors)


_as_of: contextvars.ContextVar[Date | None] = contextvars.ContextVar("speakup_as_of", default=None)


def _today() -> Date:
    return _as_of.get() or timezone.localdate()


@contextlib.contextmanager
def as_of(day: Date) -> Iterator[None]:
    """Run actions as if today were `day`: for the demo's year of history."""
    token = _as_of.set(day)
    try:
        yield
    finally:
        _as_of.reset(token)


def _new_reference() -> str:
    for _ in range(20):
        ref = "SU-" + "".join(secrets.choice(crypto.CODE_ALPHABET) for _ in range(6))
        if not Case.objects.filter(reference=ref).exists():
            return ref
    raise RuntimeError("could not find a free speak-up reference")


def _lock(case: Case) -> Case:
    return Case.objects.select_for_update().get(pk=case.pk)


def _summary_of(narrative: str) -> str:
    flat = " ".join(narrative.split())
    return flat if len(flat) <= SUMMARY_LENGTH else flat[: SUMMARY_LENGTH - 1] + "…"


def _reporter_json(case_key: bytes, details: dict[str, str]) -> bytes | None:
    kept = {k: v for k, v in details.items() if v}
    if not kept:
        return None
    return crypto.seal(case_key, json.dumps(kept).encode())


def read_reporter(case_key: bytes, case: Case) -> dict[str, str]:
    if case.sealed_reporter is None:
        return {}
    value: dict[str, str] = json.loads(crypto.open_sealed(case_key, case.sealed_reporter))
    return value


# --- Guardians and their keys ---


def is_guardian(user: Actor) -> bool:
    """Holds the capability to read cases (operators never do)."""
    return user is not None and user.is_authenticated and can(user, Cap.READ_SPEAKUP_CASES)


def guardian_keys() -> list[GuardianKey]:
    """Keys of every approved guardian, to whom a new case is sent (enrolment.py)."""
    return enrolment.trusted_guardian_keys()


def _require_guardian_or_nominee(acting_user: Actor) -> User:
    """A guardian, or a nominee setting up or unlocking the key to be approved."""
    if enrolment.is_nominee(acting_user):
        assert isinstance(acting_user, User)
        return acting_user
    return _require_guardian(acting_user)


def _require_guardian(acting_user: Actor) -> User:
    if not is_guardian(acting_user):
        raise PermissionDenied
    assert isinstance(acting_user, User)
    return acting_user


@transaction.atomic
def set_up_guardian_key(*, acting_user: Actor, passphrase: str, confirm: str) -> GuardianKey:
    """Create the guardian's key pair, sealed under a passphrase only they know.
    A nominee (pending grant) sets theirs up too, so that a guardian can approve it."""
    user = _require_guardian_or_nominee(acting_user)
    errors: dict[str, str] = {}
    if len(passphrase) < MIN_PASSPHRASE:
        errors["passphrase"] = f"Your passphrase must be at least {MIN_PASSPHRASE} characters"
    elif passphrase != confirm:
        errors["confirm"] = "The two passphrases are different: type the same one twice"
    if GuardianKey.objects.filter(user=user).exists():
        errors["passphrase"] = "You already have a speak-up key: change its passphrase instead"  # noqa: S105
    _raise(errors)
    key = _create_key(user, passphrase)
    audit.record(acting_user=user, action="speakup.key_created", obj=key)
    return key


def _create_key(user: User, passphrase: str) -> GuardianKey:
    material = crypto.new_guardian_key(passphrase)
    return GuardianKey.objects.create(
        user=user,
        public_key=material.public_key,
        signing_public_key=material.signing_public_key,
        sealed_private_key=material.sealed_private_key,
        salt=material.salt,
        opslimit=material.opslimit,
        memlimit=material.memlimit,
    )


def unlock_guardian_key(*, acting_user: Actor, passphrase: str) -> bytes:
    """The guardian's private key, or a ValidationError if the passphrase is wrong."""
    user = _require_guardian_or_nominee(acting_user)
    key = GuardianKey.objects.filter(user=user).first()
    if key is None:
        raise ValidationError({"passphrase": "Set up your speak-up key first"})
    try:
        private = crypto.unlock_guardian_key(
            passphrase,
            sealed_private_key=key.sealed_private_key,
            salt=key.salt,
            opslimit=key.opslimit,
            memlimit=key.memlimit,
        )
    except crypto.CryptoError:
        with transaction.atomic():
            audit.record(acting_user=user, action="speakup.key_unlock_failed", obj=key)
        raise ValidationError({"passphrase": "That passphrase did not unlock your key"}) from None
    with transaction.atomic():
        if not key.signing_public_key:
            # A key made before enrolment was signed: record its signing half now.
            key.signing_public_key = crypto.signing_public_key_of(private)
            key.save(update_fields=["signing_public_key"])
        audit.record(acting_user=user, action="speakup.key_unlocked", obj=key)
    return private


@transaction.atomic
def change_guardian_passphrase(
    *, acting_user: Actor, old_passphrase: str, new_passphrase: str, confirm: str
) -> GuardianKey:
    user = _require_guardian(acting_user)
    private = unlock_guardian_key(acting_user=user, passphrase=old_passphrase)
    errors: dict[str, str] = {}
    if len(new_passphrase) < MIN_PASSPHRASE:
        errors["new_passphrase"] = f"Your passphrase must be at least {MIN_PASSPHRASE} characters"
    elif new_passphrase != confirm:
        errors["confirm"] = "The two passphrases are different: type the same one twice"
    _raise(errors)
    key = GuardianKey.objects.select_for_update().get(user=user)
    salt = crypto.new_salt()
    opslimit, memlimit = crypto.argon2_params()
    kek = crypto.derive_key(new_passphrase, salt, opslimit=opslimit, memlimit=memlimit)
    key.sealed_private_key = crypto.seal(kek, private)
    key.salt = salt
    key.opslimit = opslimit
    key.memlimit = memlimit
    key.save(update_fields=["sealed_private_key", "salt", "opslimit", "memlimit"])
    audit.record(acting_user=user, action="speakup.key_passphrase_changed", obj=key)
    return key


@transaction.atomic
def reset_guardian_key(
    *, acting_user: Actor, passphrase: str, confirm: str, understood: bool
) -> tuple[GuardianKey, int]:
    """For a forgotten passphrase: a new key pair, and every case sent to the old one
    is lost to this guardian until another guardian sends it again (or, for a case
    no other guardian holds, the worker next opens it with their code).
    Returns the new key and how many cases were lost."""
    user = _require_guardian(acting_user)
    errors: dict[str, str] = {}
    if len(passphrase) < MIN_PASSPHRASE:
        errors["passphrase"] = f"Your passphrase must be at least {MIN_PASSPHRASE} characters"
    elif passphrase != confirm:
        errors["confirm"] = "The two passphrases are different: type the same one twice"
    if not understood:
        errors["understood"] = "Confirm that you understand you will lose access to your cases"
    _raise(errors)
    lost, _ = CaseKey.objects.filter(holder=KeyHolder.GUARDIAN, guardian=user).delete()
    GuardianKey.objects.filter(user=user).delete()
    # The new key carries no certificate: another guardian must approve it before
    # new cases are sent to it, so a taken-over login cannot simply start again.
    key = _create_key(user, passphrase)
    audit.record(acting_user=user, action="speakup.key_reset", obj=key, after={"cases_lost": lost})
    enrolment.tell_guardians(
        f"{enrolment.display_name(user)} has a new speak-up key to approve",
        f"{enrolment.display_name(user)} started again with a new speak-up key. New concerns "
        "will not be sent to it until a guardian checks its fingerprint with them and approves "
        "it on the speak-up guardians page. If you did not expect this, do not approve it.",
        also=[user],
    )
    return key, lost


def case_key_for_guardian(case: Case, user: User, private_key: bytes) -> bytes:
    """Open the case key with the guardian's private key; PermissionDenied if the
    case is not assigned to them (no wrap) or the key is not theirs."""
    wrap = CaseKey.objects.filter(case=case, holder=KeyHolder.GUARDIAN, guardian=user).first()
    if wrap is None:
        raise PermissionDenied
    try:
        return crypto.unwrap_with_private_key(epochs.opened(wrap), private_key)
    except crypto.CryptoError:
        raise PermissionDenied from None


def _wrap_for(case: Case, case_key: bytes, keys: Iterable[GuardianKey]) -> list[int]:
    added = []
    for gkey in keys:
        _, created = CaseKey.objects.get_or_create(
            case=case,
            holder=KeyHolder.GUARDIAN,
            guardian_id=gkey.user_id,
            defaults=epochs.seal_wrap(crypto.wrap_for_public_key(case_key, gkey.public_key)),
        )
        if created:
            added.append(gkey.user_id)
    return added


def _wrap_recovery(case: Case, case_key: bytes) -> None:
    """Also wrap for the trust's recovery key, if one is set up (recovery.py)."""
    recovery_key = RecoveryKey.objects.filter(is_current=True).first()
    if recovery_key is not None:
        CaseKey.objects.create(
            case=case,
            holder=KeyHolder.ESCROW,
            recovery_key=recovery_key,
            **epochs.seal_wrap(crypto.wrap_for_public_key(case_key, recovery_key.public_key)),
        )


# --- Raising a concern ---


@dataclass
class NewConcern:
    narrative: str
    route: str = Route.ANONYMOUS
    files: Sequence[tuple[str, bytes]] = ()
    strip_metadata: bool = False
    notify_email: str = ""
    reporter_name: str = ""
    reporter_contact: str = ""
    unit: OrgUnit | None = None
    worker_group: str = WorkerGroup.NOT_KNOWN


@dataclass
class Submitted:
    case: Case
    code: str | None
    sent_to: int = 0
    file_errors: list[str] = field(default_factory=list)


def _check_files(
    files: Sequence[tuple[str, bytes]], strip: bool, key: str = "files"
) -> list[uploads.CheckedFile]:
    if len(files) > uploads.MAX_FILES:
        raise ValidationError({key: f"Send at most {uploads.MAX_FILES} files at a time"})
    checked = []
    problems = []
    for name, data in files:
        try:
            item = uploads.check_file(name, data)
        except ValidationError as exc:
            problems.extend(exc.messages)
            continue
        if strip:
            try:
                item = uploads.strip_metadata(item)
            except Exception:  # a damaged file: say so, lose nothing else
                problems.append(
                    f"“{item.name}” could not be cleaned of metadata: it may be damaged"
                )
                continue
        checked.append(item)
    if problems:
        raise ValidationError({key: problems})
    return checked


def _store_files(
    case: Case, case_key: bytes, message: Message | None, files: list[uploads.CheckedFile]
) -> None:
    for item in files:
        meta = json.dumps({"name": item.name, "type": item.media_type, "size": len(item.data)})
        Attachment.objects.create(
            case=case,
            message=message,
            sealed_meta=crypto.seal(case_key, meta.encode()),
            sealed_data=crypto.seal(case_key, item.data),
        )


def _concern_errors(concern: NewConcern) -> dict[str, str]:
    errors: dict[str, str] = {}
    narrative = concern.narrative.strip()
    if not narrative:
        errors["narrative"] = "Tell us what your concern is"
    elif len(narrative) > NARRATIVE_MAX:
        errors["narrative"] = (
            f"Your concern is {len(narrative):,} characters long: keep it under "
            f"{NARRATIVE_MAX:,}, and add the rest as a message after you send it"
        )
    if concern.route not in Route.values:
        errors["route"] = "Choose how you want to speak up"
    if concern.worker_group not in WorkerGroup.values:
        errors["worker_group"] = "Choose a worker group from the list"
    if concern.notify_email:
        try:
            validate_email(concern.notify_email)
        except ValidationError:
            errors["notify_email"] = "Enter an email address like name@example.com, or leave it"
    return errors


def _create_case(
    *,
    concern: NewConcern,
    channel: str,
    received_on: Date,
    reporter_details: dict[str, str],
    issue_code: bool,
    checked_files: list[uploads.CheckedFile],
) -> Submitted:
    case_key = crypto.new_case_key()
    narrative = concern.narrative.strip()
    week = monday_of(received_on)
    code: str | None = None
    lookup = None
    salt = None
    opslimit, memlimit = crypto.argon2_params()
    if issue_code:
        code = crypto.generate_code()
        normal = crypto.normalise_code(code)
        assert normal is not None
        lookup = crypto.receipt_lookup(normal)
        salt = crypto.new_salt()
    case = Case.objects.create(
        reference=_new_reference(),
        route=concern.route,
        disclosure=concern.route,
        received_week=week,
        updated_week=week,
        channel=channel,
        worker_group=concern.worker_group,
        unit=concern.unit,
        has_receipt=issue_code,
        receipt_lookup=lookup,
        receipt_salt=salt,
        receipt_opslimit=opslimit if issue_code else None,
        receipt_memlimit=memlimit if issue_code else None,
        sealed_summary=crypto.seal_text(case_key, _summary_of(narrative)),
        sealed_narrative=crypto.seal_text(case_key, narrative),
        sealed_reporter=_reporter_json(case_key, reporter_details),
    )
    if code is not None and salt is not None:
        normal = crypto.normalise_code(code)
        assert normal is not None
        CaseKey.objects.create(
            case=case,
            holder=KeyHolder.REPORTER,
            **epochs.seal_wrap(
                crypto.wrap_for_code(case_key, normal, salt, opslimit=opslimit, memlimit=memlimit)
            ),
        )
    sent = _wrap_for(case, case_key, guardian_keys())
    _wrap_recovery(case, case_key)
    _store_files(case, case_key, None, checked_files)
    return Submitted(case=case, code=code, sent_to=len(sent))


@transaction.atomic
def submit_anonymous_concern(*, concern: NewConcern) -> Submitted:
    """An anonymous concern from the public form: no login, nothing about who sent it."""
    concern.route = Route.ANONYMOUS
    _raise(_concern_errors(concern))
    files = _check_files(concern.files, concern.strip_metadata)
    result = _create_case(
        concern=concern,
        channel=Channel.ONLINE,
        received_on=_today(),
        reporter_details={"notify_email": concern.notify_email.strip()},
        issue_code=True,
        checked_files=files,
    )
    _tally("speakup.anonymous_concern_received")
    return result


@transaction.atomic
def raise_concern(*, acting_user: Actor, concern: NewConcern) -> Submitted:
    """An open or confidential concern from a logged-in member of staff."""
    if acting_user is None or not can(acting_user, Cap.RAISE_CONCERN):
        raise PermissionDenied
    assert isinstance(acting_user, User)
    errors = _concern_errors(concern)
    if concern.route == Route.ANONYMOUS:
        errors["route"] = "To speak up anonymously, use the anonymous form without logging in"
    _raise(errors)
    files = _check_files(concern.files, concern.strip_metadata)
    details = {
        "name": acting_user.get_full_name() or acting_user.get_username(),
        "username": acting_user.get_username(),
        "email": acting_user.email,
        "contact": concern.reporter_contact.strip(),
        "notify_email": concern.notify_email.strip(),
    }
    result = _create_case(
        concern=concern,
        channel=Channel.ONLINE,
        received_on=_today(),
        reporter_details=details,
        issue_code=True,
        checked_files=files,
    )
    # Who raised which case is kept only inside the sealed content; an event naming
    # the case, or dated to the second, could be joined to their session or logins.
    _tally("speakup.concern_raised", route=result.case.route)
    return result


@transaction.atomic
def record_on_behalf(
    *,
    acting_user: Actor,
    concern: NewConcern,
    channel: str,
    received_on: Date,
    issue_code: bool,
) -> Submitted:
    """A guardian records a concern raised in person, by phone or in writing."""
    user = _require_guardian(acting_user)
    errors = _concern_errors(concern)
    if channel not in Channel.values or channel == Channel.ONLINE:
        errors["channel"] = "Choose how the concern reached you"
    if received_on > _today():
        errors["received_on"] = "The date received cannot be in the future"
    if concern.route == Route.ANONYMOUS and (concern.reporter_name or concern.reporter_contact):
        errors["reporter_name"] = "An anonymous concern cannot carry a name or contact details"
    if concern.route != Route.ANONYMOUS and not concern.reporter_name.strip():
        errors["reporter_name"] = "Enter the name of the worker who spoke up"
    _raise(errors)
    if not GuardianKey.objects.filter(user=user).exists():
        raise ValidationError("Set up your speak-up key before recording concerns")
    files = _check_files(concern.files, concern.strip_metadata)
    details = {
        "name": concern.reporter_name.strip(),
        "contact": concern.reporter_contact.strip(),
        "notify_email": concern.notify_email.strip(),
    }
    result = _create_case(
        concern=concern,
        channel=channel,
        received_on=received_on,
        reporter_details=details,
        issue_code=issue_code,
        checked_files=files,
    )
    case = result.case
    case.lead_guardian = user
    case.save(update_fields=["lead_guardian"])
    audit.record(
        acting_user=user, action="speakup.concern_recorded", obj=case, after=snapshot(case)
    )
    return result


# --- The reporter's channel (receipt code) ---


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
            if _wrap_for(case, case_key, current):
                _tally("speakup.sent_to_guardians")
    return ReporterSession(case=case, case_key=case_key)


def _tally(action: str, *, route: str = "") -> None:
    """Count a reporter's action for today; the audit event comes after the day."""
    tally, _ = ReporterTally.objects.get_or_create(day=_today(), action=action, route=route)
    ReporterTally.objects.filter(pk=tally.pk).update(count=F("count") + 1)


@transaction.atomic
def write_reporter_tallies(*, acting_user: Actor = None, today: Date | None = None) -> int:
    """One audit event per finished day and kind of reporter action, then the
    day's tally goes. Days not yet over wait, so the events carry no time of day.
    Returns how many events were written."""
    day = today or _today()
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


def next_seq(case: Case) -> int:
    last = Message.objects.filter(case=case).order_by("-seq").values_list("seq", flat=True).first()
    return (last or 0) + 1


def _message_errors(body: str, files: Sequence[tuple[str, bytes]]) -> dict[str, str]:
    text = body.strip()
    if not text and not files:
        return {"body": "Write a message or add a file"}
    if len(text) > MESSAGE_MAX:
        return {"body": f"Keep your message under {MESSAGE_MAX:,} characters"}
    return {}


@transaction.atomic
def post_reporter_message(
    *,
    session: ReporterSession,
    body: str,
    files: Sequence[tuple[str, bytes]] = (),
    strip_metadata: bool = False,
) -> Message:
    case = _lock(session.case)
    if case.is_closed:
        raise ValidationError(
            {
                "body": "This concern has been closed, so it takes no more messages. "
                "If something new has happened, raise a new concern."
            }
        )
    _raise(_message_errors(body, files))
    checked = _check_files(files, strip_metadata)
    today = _today()
    sent_on = monday_of(today) if case.route == Route.ANONYMOUS else today
    message = Message.objects.create(
        case=case,
        seq=next_seq(case),
        author=Author.REPORTER,
        sent_on=sent_on,
        sealed_body=crypto.seal_text(session.case_key, body.strip()),
    )
    _store_files(case, session.case_key, message, checked)
    case.updated_week = monday_of(today)
    case.save(update_fields=["updated_week"])
    _tally("speakup.reporter_message_added")
    return message


@transaction.atomic
def answer_feedback(*, session: ReporterSession, answer: str, reason: str = "") -> Case:
    case = _lock(session.case)
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
    _tally("speakup.feedback_given")
    return case


@transaction.atomic
def reveal_identity(
    *, session: ReporterSession, level: str, name: str, contact: str = "", confirm: bool
) -> Case:
    """The worker tells the guardian (confidential) or everyone (open) who they are.
    This cannot be undone: disclosure only ever rises."""
    case = _lock(session.case)
    errors: dict[str, str] = {}
    if level not in (Route.CONFIDENTIAL, Route.OPEN):
        errors["level"] = "Choose who may know your name"
    elif DISCLOSURE_ORDER[level] <= DISCLOSURE_ORDER[case.disclosure]:
        errors["level"] = "You have already shared this much: it cannot be taken back"
    if not name.strip():
        errors["name"] = "Enter your name"
    if not confirm:
        errors["confirm"] = "Confirm that you understand this cannot be undone"
    _raise(errors)
    details = read_reporter(session.case_key, case)
    details.update({"name": name.strip()[:200], "contact": contact.strip()[:200]})
    case.sealed_reporter = _reporter_json(session.case_key, details)
    case.disclosure = level
    case.save(update_fields=["sealed_reporter", "disclosure"])
    _tally("speakup.identity_revealed", route=level)
    return case


# --- Guardian casework ---


@dataclass
class GuardianContext:
    """A guardian acting on one case, with that case's key opened."""

    user: User
    case: Case
    case_key: bytes


def open_case(*, acting_user: Actor, case: Case, private_key: bytes) -> GuardianContext:
    user = _require_guardian(acting_user)
    if case.shredded:
        raise ValidationError("This case was destroyed at the end of its retention period")
    return GuardianContext(
        user=user, case=case, case_key=case_key_for_guardian(case, user, private_key)
    )


@dataclass
class CaseDetails:
    summary: str
    element_patient_safety: bool
    element_worker_safety: bool
    element_bullying_harassment: bool
    element_other_behaviour: bool
    worker_group: str
    unit: OrgUnit | None
    themes: Sequence[Theme]


@transaction.atomic
def triage(*, acting_user: Actor, case: Case, private_key: bytes, details: CaseDetails) -> Case:
    ctx = open_case(acting_user=acting_user, case=case, private_key=private_key)
    case = _lock(case)
    before = snapshot(case)
    errors: dict[str, str] = {}
    summary = " ".join(details.summary.split())
    if not summary:
        errors["summary"] = "Enter a short summary for your caseload"
    elif len(summary) > SUMMARY_LENGTH:
        errors["summary"] = f"Keep the summary under {SUMMARY_LENGTH} characters"
    if details.worker_group not in WorkerGroup.values:
        errors["worker_group"] = "Choose a worker group from the list"
    _raise(errors)
    case.sealed_summary = crypto.seal_text(ctx.case_key, summary)
    case.element_patient_safety = details.element_patient_safety
    case.element_worker_safety = details.element_worker_safety
    case.element_bullying_harassment = details.element_bullying_harassment
    case.element_other_behaviour = details.element_other_behaviour
    case.worker_group = details.worker_group
    case.unit = details.unit
    if case.status == Status.RECEIVED:
        case.status = Status.TRIAGED
    if case.lead_guardian_id is None:
        case.lead_guardian = ctx.user
    case.updated_week = monday_of(_today())
    case.save()
    case.themes.set(details.themes)
    old, new = audit.diff(before, snapshot(case))
    new["themes"] = sorted(t.name for t in details.themes)
    audit.record(acting_user=ctx.user, action="speakup.triaged", obj=case, before=old, after=new)
    return case


@transaction.atomic
def set_status(*, acting_user: Actor, case: Case, status: str) -> Case:
    user = _require_guardian(acting_user)
    if not CaseKey.objects.filter(case=case, holder=KeyHolder.GUARDIAN, guardian=user).exists():
        raise PermissionDenied
    case = _lock(case)
    if status not in (Status.TRIAGED, Status.IN_PROGRESS):
        raise ValidationError({"status": "Choose Triaged or In progress; close a case to close it"})
    if case.is_closed:
        raise ValidationError({"status": "This case is closed"})
    before = case.status
    case.status = status
    case.updated_week = monday_of(_today())
    case.save(update_fields=["status", "updated_week"])
    audit.record(
        acting_user=user,
        action="speakup.status_changed",
        obj=case,
        before={"status": before},
        after={"status": status},
    )
    return case


@transaction.atomic
def assign_guardian(
    *,
    acting_user: Actor,
    case: Case,
    private_key: bytes,
    guardian: User,
    make_lead: bool = True,
    remove_self: bool = False,
) -> Case:
    """Re-wrap the case key for another guardian; optionally hand the case over."""
    ctx = open_case(acting_user=acting_user, case=case, private_key=private_key)
    errors: dict[str, str] = {}
    if not is_guardian(guardian):
        errors["guardian"] = "Choose someone who is a speak-up guardian"
    gkey = GuardianKey.objects.filter(user=guardian).first()
    if gkey is None and not errors:
        errors["guardian"] = (
            "This guardian has not set up a speak-up key yet, so the case cannot be sent to them"
        )
    elif not errors and not enrolment.is_trusted(gkey):
        errors["guardian"] = (
            "This guardian's key has not been approved yet, so the case cannot be sent to them: "
            "approve them on the guardians page first"
        )
    if remove_self and guardian.pk == ctx.user.pk:
        errors["remove_self"] = "You cannot hand a case over to yourself"
    _raise(errors)
    assert gkey is not None
    case = _lock(case)
    before = snapshot(case)
    _wrap_for(case, ctx.case_key, [gkey])
    if make_lead:
        case.lead_guardian = guardian
    if remove_self:
        CaseKey.objects.filter(case=case, holder=KeyHolder.GUARDIAN, guardian=ctx.user).delete()
        if case.lead_guardian_id == ctx.user.pk:
            case.lead_guardian = guardian
    case.save(update_fields=["lead_guardian"])
    audit.record(
        acting_user=ctx.user,
        action="speakup.assigned",
        obj=case,
        before=before,
        after={**snapshot(case), "guardian_id": guardian.pk, "removed_self": remove_self},
    )
    return case


@transaction.atomic
def remove_guardian(*, acting_user: Actor, case: Case, private_key: bytes, guardian: User) -> Case:
    """Take a guardian off a case: their wrap of the key is deleted."""
    ctx = open_case(acting_user=acting_user, case=case, private_key=private_key)
    case = _lock(case)
    wraps = CaseKey.objects.filter(case=case, holder=KeyHolder.GUARDIAN)
    if not wraps.filter(guardian=guardian).exists():
        raise ValidationError({"guardian": "That guardian is not on this case"})
    if wraps.count() <= 1:
        raise ValidationError({"guardian": "A case needs at least one guardian"})
    wraps.filter(guardian=guardian).delete()
    if case.lead_guardian_id == guardian.pk:
        case.lead_guardian = ctx.user if ctx.user.pk != guardian.pk else None
        case.save(update_fields=["lead_guardian"])
    audit.record(
        acting_user=ctx.user,
        action="speakup.guardian_removed",
        obj=case,
        after={"guardian_id": guardian.pk},
    )
    return case


def _notify_reporter(case: Case, case_key: bytes) -> None:
    """A content-free email to the address the worker gave, if any."""
    address = read_reporter(case_key, case).get("notify_email", "")
    if not address:
        return

    def send() -> None:
        alerts.send_reporter_alert(address)

    transaction.on_commit(send)


@transaction.atomic
def post_guardian_message(
    *,
    acting_user: Actor,
    case: Case,
    private_key: bytes,
    body: str,
    files: Sequence[tuple[str, bytes]] = (),
    internal: bool = False,
) -> Message:
    """A reply to the worker, or (internal=True) a note only guardians read."""
    ctx = open_case(acting_user=acting_user, case=case, private_key=private_key)
    case = _lock(case)
    if case.is_closed and not internal:
        raise ValidationError(
            {
                "body": "This case is closed, so the worker cannot receive replies on it. "
                "Your text has been kept below: record it as a note instead."
            }
        )
    if not internal and not case.has_receipt:
        raise ValidationError(
            {
                "body": "This worker has no receipt code, so they cannot read replies here: "
                "record it as a note and contact them as agreed."
            }
        )
    _raise(_message_errors(body, files))
    checked = _check_files(files, False)
    message = Message.objects.create(
        case=case,
        seq=next_seq(case),
        author=Author.GUARDIAN,
        guardian=ctx.user,
        sent_on=_today(),
        sealed_body=crypto.seal_text(ctx.case_key, body.strip()),
        is_internal=internal,
    )
    _store_files(case, ctx.case_key, message, checked)
    case.updated_week = monday_of(_today())
    case.save(update_fields=["updated_week"])
    if not internal:
        _notify_reporter(case, ctx.case_key)
    audit.record(
        acting_user=ctx.user,
        action="speakup.note_added" if internal else "speakup.reply_sent",
        obj=case,
    )
    return message


@transaction.atomic
def add_action(
    *,
    acting_user: Actor,
    case: Case,
    private_key: bytes,
    description: str,
    owner: str,
    due: Date | None,
) -> CaseAction:
    ctx = open_case(acting_user=acting_user, case=case, private_key=private_key)
    errors: dict[str, str] = {}
    if not description.strip():
        errors["description"] = "Describe what is to be done"
    if not owner.strip():
        errors["owner"] = "Enter who will do it"
    _raise(errors)
    action = CaseAction.objects.create(
        case=case,
        sealed_description=crypto.seal_text(ctx.case_key, description.strip()[:2000]),
        sealed_owner=crypto.seal_text(ctx.case_key, owner.strip()[:200]),
        due=due,
        created_by=ctx.user,
    )
    audit.record(
        acting_user=ctx.user,
        action="speakup.action_added",
        obj=case,
        after={"action_id": action.pk, "due": due},
    )
    return action


@transaction.atomic
def complete_action(*, acting_user: Actor, action: CaseAction) -> CaseAction:
    user = _require_guardian(acting_user)
    case = action.case
    if not CaseKey.objects.filter(case=case, holder=KeyHolder.GUARDIAN, guardian=user).exists():
        raise PermissionDenied
    if action.done:
        raise ValidationError("This action is already done")
    action.done = True
    action.save(update_fields=["done"])
    audit.record(
        acting_user=user, action="speakup.action_done", obj=case, after={"action_id": action.pk}
    )
    return action


@transaction.atomic
def escalate(
    *,
    acting_user: Actor,
    case: Case,
    private_key: bytes,
    route: str,
    note: str,
    escalated_on: Date,
) -> Escalation:
    from wellled.speakup.models import EscalationRoute

    ctx = open_case(acting_user=acting_user, case=case, private_key=private_key)
    errors: dict[str, str] = {}
    if route not in EscalationRoute.values:
        errors["route"] = "Choose where the concern was escalated to"
    if escalated_on > _today():
        errors["escalated_on"] = "The date cannot be in the future"
    _raise(errors)
    escalation = Escalation.objects.create(
        case=case,
        route=route,
        escalated_on=escalated_on,
        sealed_note=crypto.seal_text(ctx.case_key, note.strip()[:4000]),
        created_by=ctx.user,
    )
    case = _lock(case)
    if case.status in (Status.RECEIVED, Status.TRIAGED):
        case.status = Status.IN_PROGRESS
        case.save(update_fields=["status"])
    audit.record(acting_user=ctx.user, action="speakup.escalated", obj=case, after={"route": route})
    return escalation


@transaction.atomic
def record_detriment(
    *,
    acting_user: Actor,
    case: Case,
    private_key: bytes,
    reported: bool,
    follow_up_due: Date | None = None,
    note: str = "",
) -> Case:
    """Record whether the worker reports detriment for speaking up, and when to
    follow it up. While it is reported and open, "my work" prompts the guardian."""
    ctx = open_case(acting_user=acting_user, case=case, private_key=private_key)
    case = _lock(case)
    before = snapshot(case)
    if reported and follow_up_due is None:
        follow_up_due = _today() + datetime.timedelta(days=DETRIMENT_FOLLOW_UP_DAYS)
    if follow_up_due is not None and follow_up_due < _today():
        raise ValidationError({"follow_up_due": "The follow-up date cannot be in the past"})
    case.detriment_reported = reported or case.detriment_reported
    case.detriment_follow_up_due = follow_up_due if reported else None
    case.save(update_fields=["detriment_reported", "detriment_follow_up_due"])
    if note.strip():
        Message.objects.create(
            case=case,
            seq=next_seq(case),
            author=Author.GUARDIAN,
            guardian=ctx.user,
            sent_on=_today(),
            sealed_body=crypto.seal_text(ctx.case_key, "Detriment: " + note.strip()),
            is_internal=True,
        )
    old, new = audit.diff(before, snapshot(case))
    audit.record(
        acting_user=ctx.user, action="speakup.detriment_recorded", obj=case, before=old, after=new
    )
    return case


@transaction.atomic
def close_case(*, acting_user: Actor, case: Case, private_key: bytes, outcome: str) -> Case:
    """Close the case and ask the worker, through the same channel, whether they
    would speak up again."""
    ctx = open_case(acting_user=acting_user, case=case, private_key=private_key)
    case = _lock(case)
    if case.is_closed:
        raise ValidationError("This case is already closed")
    if not outcome.strip():
        raise ValidationError({"outcome": "Tell the worker how the concern was resolved"})
    before = snapshot(case)
    today = _today()
    seq = next_seq(case)
    Message.objects.create(
        case=case,
        seq=seq,
        author=Author.GUARDIAN,
        guardian=ctx.user,
        sent_on=today,
        sealed_body=crypto.seal_text(ctx.case_key, outcome.strip()),
        is_internal=not case.has_receipt,
    )
    if case.has_receipt:
        Message.objects.create(
            case=case,
            seq=seq + 1,
            author=Author.SYSTEM,
            sent_on=today,
            sealed_body=crypto.seal_text(ctx.case_key, FEEDBACK_QUESTION),
            is_feedback_request=True,
        )
        case.feedback_requested = True
        _notify_reporter(case, ctx.case_key)
    case.status = Status.CLOSED
    case.closed_week = monday_of(today)
    case.detriment_follow_up_due = None
    case.updated_week = monday_of(today)
    case.save()
    old, new = audit.diff(before, snapshot(case))
    audit.record(acting_user=ctx.user, action="speakup.closed", obj=case, before=old, after=new)
    return case


@transaction.atomic
def record_feedback(
    *, acting_user: Actor, case: Case, private_key: bytes, answer: str, reason: str = ""
) -> Case:
    """The guardian records the worker's answer given in person or by phone."""
    ctx = open_case(acting_user=acting_user, case=case, private_key=private_key)
    case = _lock(case)
    if not case.is_closed:
        raise ValidationError({"answer": "Close the case before recording feedback"})
    if answer not in FeedbackAnswer.values:
        raise ValidationError({"answer": "Choose Yes, No, Maybe or Don't know"})
    before = case.feedback_answer
    case.feedback_answer = answer
    if reason.strip():
        case.sealed_feedback_reason = crypto.seal_text(ctx.case_key, reason.strip()[:MESSAGE_MAX])
    case.save(update_fields=["feedback_answer", "sealed_feedback_reason"])
    audit.record(
        acting_user=ctx.user,
        action="speakup.feedback_recorded",
        obj=case,
        before={"feedback_answer": before},
        after={"feedback_answer": answer},
    )
    return case


@transaction.atomic
def add_theme(*, acting_user: Actor, name: str) -> Theme:
    user = _require_guardian(acting_user)
    clean = " ".join(name.split())[:100]
    if not clean:
        raise ValidationError({"name": "Enter a name for the theme"})
    if Theme.objects.filter(name__iexact=clean).exists():
        raise ValidationError({"name": f"There is already a theme called “{clean}”"})
    theme = Theme.objects.create(name=clean)
    audit.record(acting_user=user, action="speakup.theme_added", obj=theme)
    return theme


# --- Retention, shredding and break-glass ---


def retention_days() -> int:
    return int(getattr(settings, "WELLLED_SPEAKUP_RETENTION_DAYS", DEFAULT_RETENTION_DAYS))


@transaction.atomic
def shred_case(*, acting_user: Actor, case: Case) -> Case:
    """Destroy every wrapped copy of the case key: the content can never be read
    again. The plaintext reporting fields stay for the national return."""
    if acting_user is not None:
        user = _require_guardian(acting_user)
        if not CaseKey.objects.filter(case=case, holder=KeyHolder.GUARDIAN, guardian=user).exists():
            raise PermissionDenied
    case = _lock(case)
    if not case.is_closed:
        raise ValidationError("Only a closed case can be destroyed")
    if case.shredded:
        raise ValidationError("This case has already been destroyed")
    deleted, _ = CaseKey.objects.filter(case=case).delete()
    case.shredded = True
    case.shredded_week = monday_of(_today())
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
    day = today or _today()
    cutoff = day - datetime.timedelta(days=retention_days())
    count = 0
    for case in Case.objects.filter(status=Status.CLOSED, shredded=False, closed_week__lt=cutoff):
        shred_case(acting_user=None, case=case)
        count += 1
    return count
