"""Raising a concern: anonymously, as a member of staff, or recorded by a guardian."""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction

from wellled.core import audit
from wellled.core.types import Actor
from wellled.organisation.access import Cap, can
from wellled.organisation.models import OrgUnit
from wellled.speakup import crypto, epochs, uploads
from wellled.speakup.access import require_guardian
from wellled.speakup.actions.common import (
    NARRATIVE_MAX,
    SUMMARY_LENGTH,
    action_day,
    raise_errors,
    snapshot,
    tally_today,
)
from wellled.speakup.actions.files import check_files, store_files
from wellled.speakup.actions.keys import guardian_keys, wrap_for, wrap_recovery
from wellled.speakup.content import seal_reporter
from wellled.speakup.models import (
    Case,
    CaseKey,
    Channel,
    GuardianKey,
    KeyHolder,
    Route,
    WorkerGroup,
    monday_of,
)

Date = datetime.date


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
        sealed_reporter=seal_reporter(case_key, reporter_details),
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
    sent = wrap_for(case, case_key, guardian_keys())
    wrap_recovery(case, case_key)
    store_files(case, case_key, None, checked_files)
    return Submitted(case=case, code=code, sent_to=len(sent))


@transaction.atomic
def submit_anonymous_concern(*, concern: NewConcern) -> Submitted:
    """An anonymous concern from the public form: no login, nothing about who sent it."""
    concern.route = Route.ANONYMOUS
    raise_errors(_concern_errors(concern))
    files = check_files(concern.files, concern.strip_metadata)
    result = _create_case(
        concern=concern,
        channel=Channel.ONLINE,
        received_on=action_day(),
        reporter_details={"notify_email": concern.notify_email.strip()},
        issue_code=True,
        checked_files=files,
    )
    tally_today("speakup.anonymous_concern_received")
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
    raise_errors(errors)
    files = check_files(concern.files, concern.strip_metadata)
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
        received_on=action_day(),
        reporter_details=details,
        issue_code=True,
        checked_files=files,
    )
    # Who raised which case is kept only inside the sealed content; an event naming
    # the case, or dated to the second, could be joined to their session or logins.
    tally_today("speakup.concern_raised", route=result.case.route)
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
    user = require_guardian(acting_user)
    errors = _concern_errors(concern)
    if channel not in Channel.values or channel == Channel.ONLINE:
        errors["channel"] = "Choose how the concern reached you"
    if received_on > action_day():
        errors["received_on"] = "The date received cannot be in the future"
    if concern.route == Route.ANONYMOUS and (concern.reporter_name or concern.reporter_contact):
        errors["reporter_name"] = "An anonymous concern cannot carry a name or contact details"
    if concern.route != Route.ANONYMOUS and not concern.reporter_name.strip():
        errors["reporter_name"] = "Enter the name of the worker who spoke up"
    raise_errors(errors)
    if not GuardianKey.objects.filter(user=user).exists():
        raise ValidationError("Set up your speak-up key before recording concerns")
    files = check_files(concern.files, concern.strip_metadata)
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


def _new_reference() -> str:
    for _ in range(20):
        ref = "SU-" + "".join(secrets.choice(crypto.CODE_ALPHABET) for _ in range(6))
        if not Case.objects.filter(reference=ref).exists():
            return ref
    raise RuntimeError("could not find a free speak-up reference")


def _summary_of(narrative: str) -> str:
    flat = " ".join(narrative.split())
    return flat if len(flat) <= SUMMARY_LENGTH else flat[: SUMMARY_LENGTH - 1] + "…"
