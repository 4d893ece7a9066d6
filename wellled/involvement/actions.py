"""Every write of involvement: one function each, keyword-only, one transaction,
an audit event. The audit trail names register entries by number, never by name."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from wellled.core import audit
from wellled.core.types import Actor
from wellled.involvement import access, queries, rules
from wellled.involvement.models import (
    Activity,
    Claim,
    ClaimStatus,
    ConsentScope,
    ContactBy,
    EqualityAnswers,
    Feedback,
    Opportunity,
    Participation,
    PaymentPolicy,
    Person,
    RoleLevel,
    Source,
)
from wellled.organisation.models import OrgUnit

DUPLICATE = (
    "{name} is already on the register with this email address or phone number. "
    "Open their entry to change their details instead"
)


@dataclass(frozen=True)
class Equality:
    """Optional equality monitoring answers (any may be blank)."""

    age_band: str = ""
    ethnic_group: str = ""
    sex: str = ""
    disabled: str = ""

    def given(self) -> bool:
        return any((self.age_band, self.ethnic_group, self.sex, self.disabled))


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _consent_problem(consent_scope: Sequence[str]) -> None:
    if ConsentScope.CONTACT not in consent_scope:
        raise ValidationError(
            {
                "consent_scope": (
                    "Tick 'Contact me about opportunities to take part': "
                    "it is what we keep your details for"
                )
            }
        )


def _contact_problems(contact_by: str, email: str, phone: str, postal_address: str) -> None:
    needed = {
        ContactBy.EMAIL: ("email", email, "Enter your email address, or choose another way"),
        ContactBy.PHONE: ("phone", phone, "Enter your phone number, or choose another way"),
        ContactBy.POST: (
            "postal_address",
            postal_address,
            "Enter your address, or choose another way",
        ),
    }
    name, value, message = needed[ContactBy(contact_by)]
    if not value.strip():
        raise ValidationError({name: message})


def _new_person(
    *,
    full_name: str,
    email: str,
    phone: str,
    postal_address: str,
    interests: Sequence[str],
    accessibility_needs: str,
    consent_scope: Sequence[str],
    today: datetime.date,
    **fields: Any,
) -> Person:
    return Person.objects.create(
        full_name=full_name.strip(),
        email=email.strip(),
        email_key=queries.email_key(email),
        phone=phone.strip(),
        phone_key=queries.phone_key(phone),
        postal_address=postal_address.strip(),
        interests=sorted(set(interests)),
        accessibility_needs=accessibility_needs.strip(),
        consent_on=today,
        consent_scope=sorted(set(consent_scope)),
        last_active_on=today,
        **fields,
    )


def _mark_repeat(existing: Person, today: datetime.date) -> Person:
    existing.repeat_registration_on = today
    existing.save(update_fields=["repeat_registration_on"])
    audit.record(acting_user=None, action="involvement.person.registered_again", obj=existing)
    return existing


@transaction.atomic
def register_person(
    *,
    acting_user: Actor,
    full_name: str,
    contact_by: str,
    experience: str,
    consent_scope: Sequence[str],
    email: str = "",
    phone: str = "",
    postal_address: str = "",
    interests: Sequence[str] = (),
    services: Sequence[OrgUnit] = (),
    accessibility_needs: str = "",
    retention_months: int = 24,
    equality: Equality | None = None,
    source: str = Source.STAFF,
    today: datetime.date | None = None,
) -> Person:
    """Add someone to the register. From the public form (acting_user None) a repeat
    registration is not added again, and the existing entry is returned marked, so
    the page never tells anyone whether an address is already registered."""
    if source == Source.STAFF:
        _require(acting_user is None or access.may_manage(acting_user))
    _consent_problem(consent_scope)
    _contact_problems(contact_by, email, phone, postal_address)
    today = today or timezone.localdate()
    existing = queries.find_duplicate(email=email, phone=phone)
    if existing is not None and source == Source.PUBLIC:
        return _mark_repeat(existing, today)
    if existing is not None:
        raise ValidationError({"email": DUPLICATE.format(name=existing.full_name)})
    person = _new_person(
        full_name=full_name,
        email=email,
        phone=phone,
        postal_address=postal_address,
        contact_by=contact_by,
        experience=experience,
        interests=interests,
        accessibility_needs=accessibility_needs,
        consent_scope=consent_scope,
        retention_months=retention_months,
        source=source,
        today=today,
    )
    person.services.set(services)
    if equality is not None and equality.given():
        EqualityAnswers.objects.create(person=person, **equality.__dict__)
    audit.record(
        acting_user=acting_user,
        action="involvement.person.registered",
        obj=person,
        # What was agreed, not who agreed it.
        after={"source": source, "consent_scope": person.consent_scope},
    )
    return person


@transaction.atomic
def add_payment_policy(
    *,
    acting_user: Actor,
    version: str,
    in_force_from: datetime.date,
    target_days: int,
    levels: Sequence[tuple[int, str, int, int]],
    note: str = "",
) -> PaymentPolicy:
    """A new version of the payment policy: (level, label, half-day pence, full-day
    pence) per role level. Earlier versions stay for the claims made under them."""
    _require(access.may_approve_claims(acting_user))
    if PaymentPolicy.objects.filter(in_force_from=in_force_from).exists():
        raise ValidationError({"in_force_from": "A version already starts on this date"})
    policy = PaymentPolicy.objects.create(
        version=version, in_force_from=in_force_from, target_days=target_days, note=note
    )
    RoleLevel.objects.bulk_create(
        RoleLevel(policy=policy, level=level, label=label, half_day_pence=half, full_day_pence=full)
        for level, label, half, full in levels
    )
    audit.record(
        acting_user=acting_user,
        action="involvement.policy.added",
        obj=policy,
        after={"levels": [list(row) for row in levels], "target_days": target_days},
    )
    return policy


@transaction.atomic
def create_opportunity(
    *,
    acting_user: Actor,
    title: str,
    kind: str,
    service: OrgUnit,
    rung_aimed: int,
    role_level: int,
    description: str = "",
) -> Opportunity:
    _require(access.may_manage_at(acting_user, service))
    problem = rules.rung_problem(kind, rung_aimed)
    if problem:
        raise ValidationError({"rung_aimed": problem})
    opportunity = Opportunity.objects.create(
        title=title.strip(),
        kind=kind,
        service=service,
        rung_aimed=rung_aimed,
        role_level=role_level,
        description=description.strip(),
    )
    audit.record(
        acting_user=acting_user,
        action="involvement.opportunity.created",
        obj=opportunity,
        after={"kind": kind, "service": service.pk, "rung_aimed": rung_aimed},
    )
    return opportunity


def _activity_problems(
    opportunity: Opportunity,
    held_on: datetime.date,
    hours: Decimal,
    rung_reached: int | None,
    attended: Sequence[Person],
    today: datetime.date,
) -> None:
    errors: dict[str, str] = {}
    if held_on > today and attended:
        errors["attended"] = (
            "No one can have attended an activity dated in the future: "
            "record attendance on or after the day"
        )
    if held_on > today and rung_reached is not None:
        errors["rung_reached"] = "Record the rung reached once the activity has happened"
    problem = rules.rung_problem(opportunity.kind, rung_reached)
    if problem:
        errors["rung_reached"] = problem
    if not Decimal("0") < hours <= Decimal(24):
        errors["hours"] = "Enter the hours as a number between 0.5 and 24"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def record_activity(
    *,
    acting_user: Actor,
    opportunity: Opportunity,
    held_on: datetime.date,
    hours: Decimal,
    participants: Sequence[Person],
    attended: Sequence[Person] = (),
    rung_reached: int | None = None,
    notes: str = "",
    today: datetime.date | None = None,
) -> Activity:
    """One session of an opportunity, who was invited and who came."""
    _require(access.may_manage_at(acting_user, opportunity.service))
    today = today or timezone.localdate()
    _activity_problems(opportunity, held_on, hours, rung_reached, attended, today)
    activity = Activity.objects.create(
        opportunity=opportunity,
        held_on=held_on,
        hours=hours,
        rung_reached=rung_reached,
        notes=notes.strip(),
    )
    came = {person.pk for person in attended}
    everyone = {person.pk: person for person in [*participants, *attended]}
    Participation.objects.bulk_create(
        Participation(activity=activity, person=person, attended=pk in came)
        for pk, person in everyone.items()
    )
    Person.objects.filter(pk__in=came, last_active_on__lt=held_on).update(last_active_on=held_on)
    audit.record(
        acting_user=acting_user,
        action="involvement.activity.recorded",
        obj=activity,
        after={
            "held_on": held_on.isoformat(),
            "rung_reached": rung_reached,
            "invited": len(everyone),
            "attended": len(came),
        },
    )
    return activity


def _policy_level(activity: Activity) -> tuple[PaymentPolicy, RoleLevel]:
    policy = queries.policy_in_force(activity.held_on)
    level = queries.role_level(policy, activity.opportunity.role_level) if policy else None
    if policy is None or level is None:
        raise ValidationError(
            "No payment policy covers this activity's date and role level: "
            "add a policy version first"
        )
    return policy, level


@transaction.atomic
def submit_claim(
    *,
    acting_user: Actor,
    participation: Participation,
    received_on: datetime.date,
    expenses_pence: int = 0,
    payment_pence: int | None = None,
    payment_declined: bool = False,
    declined_note: str = "",
    today: datetime.date | None = None,
) -> Claim:
    """A claim for taking part: the payment at the policy's rate unless another
    amount is given, and expenses. Someone who declines payment (often because of
    benefits) still has their expenses paid."""
    _require(access.may_approve_claims(acting_user))
    today = today or timezone.localdate()
    activity = participation.activity
    if not participation.attended:
        raise ValidationError("Only someone who attended can claim for it")
    if Claim.objects.filter(participation=participation).exists():
        raise ValidationError("A claim has already been made for this")
    if received_on > today or received_on < activity.held_on:
        raise ValidationError(
            {"received_on": "The claim arrives on or after the activity, and not in the future"}
        )
    if payment_declined and not declined_note.strip():
        raise ValidationError(
            {
                "declined_note": (
                    "Say in plain words why payment was declined, for the person's record"
                )
            }
        )
    policy, level = _policy_level(activity)
    rate = rules.policy_pence(
        half_day_pence=level.half_day_pence,
        full_day_pence=level.full_day_pence,
        hours=activity.hours,
    )
    claim = Claim.objects.create(
        participation=participation,
        policy=policy,
        received_on=received_on,
        payment_pence=0 if payment_declined else (rate if payment_pence is None else payment_pence),
        expenses_pence=expenses_pence,
        payment_declined=payment_declined,
        declined_note=declined_note.strip(),
    )
    audit.record(
        acting_user=acting_user,
        action="involvement.claim.submitted",
        obj=claim,
        after={"payment_pence": claim.payment_pence, "expenses_pence": expenses_pence},
    )
    return claim


def policy_rate(claim: Claim) -> int:
    """The payment the policy sets for this claim's activity."""
    activity = claim.participation.activity
    level = queries.role_level(claim.policy, activity.opportunity.role_level)
    if level is None:
        return 0
    return rules.policy_pence(
        half_day_pence=level.half_day_pence,
        full_day_pence=level.full_day_pence,
        hours=activity.hours,
    )


@transaction.atomic
def approve_claim(
    *,
    acting_user: Actor,
    claim: Claim,
    over_rate_reason: str = "",
    today: datetime.date | None = None,
) -> Claim:
    _require(access.may_approve_claims(acting_user))
    if claim.status != ClaimStatus.SUBMITTED:
        raise ValidationError("This claim has already been approved")
    rate = policy_rate(claim)
    if claim.payment_pence > rate and not over_rate_reason.strip():
        raise ValidationError(
            {
                "over_rate_reason": (
                    f"This claim is {rules.pounds(claim.payment_pence)}, over the policy's "
                    f"{rules.pounds(rate)}: give the reason for paying more"
                )
            }
        )
    claim.status = ClaimStatus.APPROVED
    claim.over_rate_reason = over_rate_reason.strip()
    claim.approved_by = acting_user if acting_user and acting_user.is_authenticated else None
    claim.approved_on = today or timezone.localdate()
    claim.save(update_fields=["status", "over_rate_reason", "approved_by", "approved_on"])
    audit.record(
        acting_user=acting_user,
        action="involvement.claim.approved",
        obj=claim,
        after={"over_rate": claim.payment_pence > rate},
    )
    return claim


@transaction.atomic
def mark_paid(
    *,
    acting_user: Actor,
    claim: Claim,
    paid_on: datetime.date,
    today: datetime.date | None = None,
) -> Claim:
    """Finance has paid: the day it did so ends the claim's turnaround."""
    _require(access.may_approve_claims(acting_user))
    if claim.status != ClaimStatus.APPROVED:
        raise ValidationError("Only an approved claim can be marked as paid")
    if paid_on > (today or timezone.localdate()) or paid_on < claim.received_on:
        raise ValidationError(
            {"paid_on": "The payment date is on or after the claim arrived, and not in the future"}
        )
    claim.status = ClaimStatus.PAID
    claim.paid_on = paid_on
    claim.save(update_fields=["status", "paid_on"])
    audit.record(
        acting_user=acting_user,
        action="involvement.claim.paid",
        obj=claim,
        after={"paid_on": paid_on.isoformat(), "turnaround_days": claim.turnaround_days},
    )
    return claim


@transaction.atomic
def record_feedback(
    *,
    acting_user: Actor,
    activity: Activity,
    you_said: str,
    we_did: str,
    participants_told_on: datetime.date | None = None,
    today: datetime.date | None = None,
) -> Feedback:
    """What people said and what changed because of it, and the day participants
    were told (once they have been). Recording it again replaces the words."""
    _require(access.may_manage_at(acting_user, activity.opportunity.service))
    today = today or timezone.localdate()
    told = participants_told_on
    if told is not None and (told > today or told < activity.held_on):
        raise ValidationError(
            {
                "participants_told_on": (
                    "The day people were told is on or after the activity, and not in the future"
                )
            }
        )
    feedback, created = Feedback.objects.update_or_create(
        activity=activity,
        defaults={
            "you_said": you_said.strip(),
            "we_did": we_did.strip(),
            "participants_told_on": told,
        },
        create_defaults={
            "you_said": you_said.strip(),
            "we_did": we_did.strip(),
            "participants_told_on": told,
            "recorded_on": today,
        },
    )
    audit.record(
        acting_user=acting_user,
        action="involvement.feedback." + ("recorded" if created else "changed"),
        obj=feedback,
        after={"participants_told_on": told.isoformat() if told else None},
    )
    return feedback
