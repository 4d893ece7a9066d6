"""Who is a speak-up guardian, cryptographically: enrolment, approval and leaving.

Granting the guardian role (page, API, command) makes a *pending* grant, which
holds no capability (organisation.access reads active grants only). The nominee
sets up their key; then an existing guardian, with their own key unlocked, checks
the nominee's key fingerprint with them and approves: the approver signs a
statement binding the nominee's user id to their public keys (`GuardianCertificate`).
When no guardian exists (the first enrolment, or after every guardian has gone),
the executive lead for speaking up and a second senior leader (an executive or a
board member) approve together, and the certificate is a root.

A case key is wrapped only for `trusted_guardian_keys()`: active guardians whose
current key has a certificate whose chain of signatures reaches a root. A row
written straight into the database (an active grant, an approval, a certificate
without a valid signature) therefore enrols nobody. Only a forged *root* would,
which is why roots can be pinned with WELLLED_SPEAKUP_TRUST_ROOTS and every
guardian is told of every enrolment.

Platform operators (superusers) and trust administrators can never approve.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from wellled.core import audit
from wellled.core.navigation import WorkItem
from wellled.core.types import Actor, AnyUser
from wellled.organisation.access import forget_grants, roles_of
from wellled.organisation.models import GrantStatus, Role, RoleAssignment
from wellled.organisation.role_policies import RolePolicy, register
from wellled.speakup import crypto
from wellled.speakup.models import (
    Case,
    CaseKey,
    FirstGuardianApproval,
    GuardianCertificate,
    GuardianKey,
    KeyHolder,
)

SENIOR_ROLES = (Role.EXECUTIVE, Role.BOARD_MEMBER)


# --- Who is trusted ---


def _pinned_roots() -> set[str]:
    """Root fingerprints the operator pinned in settings (empty: any root)."""
    value = getattr(settings, "WELLLED_SPEAKUP_TRUST_ROOTS", "") or ""
    if isinstance(value, (list, tuple)):
        items: Iterable[str] = value
    else:
        items = str(value).split(",")
    return {" ".join(item.split()).upper() for item in items if item.strip()}


def _valid_certificates() -> list[GuardianCertificate]:
    """Every certificate whose chain of signatures reaches an accepted root."""
    certificates = list(GuardianCertificate.objects.all())
    pins = _pinned_roots()
    by_signing_key: dict[bytes, list[GuardianCertificate]] = {}
    for cert in certificates:
        by_signing_key.setdefault(bytes(cert.signing_public_key), []).append(cert)
    verdict: dict[object, bool] = {}

    def holds(cert: GuardianCertificate, seen: frozenset[object]) -> bool:
        if cert.pk in verdict:
            return verdict[cert.pk]
        if cert.pk in seen:
            return False
        if cert.is_root:
            ok = not pins or crypto.fingerprint(bytes(cert.signing_public_key)) in pins
        else:
            statement = crypto.certificate_statement(
                cert.user_id, bytes(cert.box_public_key), bytes(cert.signing_public_key)
            )
            ok = crypto.signature_holds(
                bytes(cert.signer_public_key), statement, bytes(cert.signature)
            ) and any(
                holds(signer, seen | {cert.pk})
                for signer in by_signing_key.get(bytes(cert.signer_public_key), [])
            )
        verdict[cert.pk] = ok
        return ok

    return [cert for cert in certificates if holds(cert, frozenset())]


def active_guardian_ids() -> set[int]:
    """Users with an active guardian grant on an open unit and an active login."""
    return set(
        RoleAssignment.objects.filter(
            role=Role.FTSU_GUARDIAN,
            status=GrantStatus.ACTIVE,
            unit__is_active=True,
            user__is_active=True,
        ).values_list("user_id", flat=True)
    )


def trusted_guardian_keys() -> list[GuardianKey]:
    """The keys a case may be wrapped for: active guardians, certified keys."""
    certified = {(c.user_id, bytes(c.box_public_key)) for c in _valid_certificates()}
    keys = GuardianKey.objects.filter(user_id__in=active_guardian_ids())
    return [key for key in keys if (key.user_id, bytes(key.public_key)) in certified]


def is_trusted(key: GuardianKey | None) -> bool:
    return key is not None and any(k.pk == key.pk for k in trusted_guardian_keys())


def _trusted_users() -> list[User]:
    return list(User.objects.filter(pk__in=[k.user_id for k in trusted_guardian_keys()]))


# --- Nominees ---


def is_nominee(user: Actor) -> bool:
    return (
        user is not None
        and user.is_authenticated
        and RoleAssignment.objects.filter(
            user_id=user.pk, role=Role.FTSU_GUARDIAN, status=GrantStatus.PENDING
        ).exists()
    )


@dataclass
class Enrolment:
    """One guardian or nominee as the enrolment page shows them."""

    user: User
    grant: RoleAssignment | None
    key: GuardianKey | None
    trusted: bool

    @property
    def fingerprint(self) -> str:
        return crypto.fingerprint(bytes(self.key.public_key)) if self.key else ""

    @property
    def awaiting_approval(self) -> bool:
        return not self.trusted and self.key is not None


def enrolments() -> list[Enrolment]:
    """Every active or pending guardian, with the state of their key."""
    grants = (
        RoleAssignment.objects.filter(role=Role.FTSU_GUARDIAN, user__is_active=True)
        .select_related("user", "unit")
        .order_by("user__first_name", "user__last_name", "user__username")
    )
    trusted = {key.pk for key in trusted_guardian_keys()}
    keys = {
        key.user_id: key for key in GuardianKey.objects.filter(user__in=[g.user for g in grants])
    }
    seen: dict[int, Enrolment] = {}
    for grant in grants:
        entry = seen.get(grant.user_id)
        if entry is not None and entry.grant and entry.grant.status == GrantStatus.ACTIVE:
            continue
        key = keys.get(grant.user_id)
        seen[grant.user_id] = Enrolment(
            user=grant.user, grant=grant, key=key, trusted=key is not None and key.pk in trusted
        )
    return list(seen.values())


def key_status(user: User) -> dict[str, object]:
    """What a guardian or nominee is told about their own key's approval."""
    key = GuardianKey.objects.filter(user_id=user.pk).first()
    return {
        "key": key,
        "fingerprint": crypto.fingerprint(bytes(key.public_key)) if key else "",
        "trusted": is_trusted(key),
        "pending": is_nominee(user),
    }


def enrolment_work(user: AnyUser) -> list[WorkItem]:
    """My work: a nominee's key to set up or read out, approvals waiting for a
    guardian, and the first guardian's approval for the leaders who give it."""
    if not isinstance(user, User):
        return []
    module = "Freedom to Speak Up"
    key = GuardianKey.objects.filter(user_id=user.pk).first()
    nominee = is_nominee(user)
    is_guardian = Role.FTSU_GUARDIAN in roles_of(user)
    if not (nominee or is_guardian or may_approve_first(user)):
        return []
    trusted = trusted_guardian_keys()
    trusted_users = {k.user_id for k in trusted}
    items: list[WorkItem] = []
    if nominee and key is None:
        items.append(
            WorkItem(
                title="Set up your speak-up key",
                href=reverse("speakup:key_setup"),
                module=module,
                detail="You were made a guardian: a guardian approves you once your key is set up",
            )
        )
    elif (nominee or is_guardian) and key is not None and user.pk not in trusted_users:
        items.append(
            WorkItem(
                title="Read your speak-up key fingerprint to a guardian",
                href=reverse("speakup:key_setup"),
                module=module,
                detail="No concerns are sent to you until your key is approved",
            )
        )
    waiting = [e for e in enrolments() if e.awaiting_approval and e.user.pk != user.pk]
    if waiting and user.pk in trusted_users:
        items.extend(
            WorkItem(
                title=f"Approve {display_name(e.user)} as a speak-up guardian",
                href=reverse("speakup:guardians"),
                module=module,
                detail=f"Check their key fingerprint {e.fingerprint} with them first",
            )
            for e in waiting
        )
    elif waiting and not trusted and may_approve_first(user):
        items.extend(
            WorkItem(
                title=f"Approve {display_name(e.user)} as the first speak-up guardian",
                href=reverse("speakup:first_guardian"),
                module=module,
                detail="The executive lead for speaking up and a second senior leader approve",
            )
            for e in waiting
        )
    return items


# --- Approving ---


def may_approve_first(user: User) -> bool:
    """Holds a role that takes part in approving the first guardian."""
    roles = roles_of(user)
    return Role.FTSU_EXECUTIVE_LEAD in roles or bool(roles & set(SENIOR_ROLES))


def _cannot_approve(user: User) -> str | None:
    if user.is_superuser:
        return "Platform operators cannot approve guardians"
    if Role.TRUST_ADMIN in roles_of(user):
        return "Trust administrators cannot approve guardians"
    return None


def _grant_to_approve(grant: RoleAssignment) -> GuardianKey:
    if grant.role != Role.FTSU_GUARDIAN:
        raise ValidationError("Only a Freedom to Speak Up guardian's enrolment is approved here")
    key = GuardianKey.objects.filter(user_id=grant.user_id).first()
    if key is None:
        raise ValidationError(
            f"{grant.user.get_full_name() or grant.user.get_username()} has not set up "
            "their speak-up key yet: ask them to log in and set it up, then approve them"
        )
    if is_trusted(key) and grant.status == GrantStatus.ACTIVE:
        raise ValidationError("This guardian is already approved")
    return key


def _activate(grant: RoleAssignment) -> None:
    RoleAssignment.objects.filter(
        user_id=grant.user_id, role=Role.FTSU_GUARDIAN, status=GrantStatus.PENDING
    ).update(status=GrantStatus.ACTIVE)
    forget_grants(grant.user)


@transaction.atomic
def approve_guardian(
    *, acting_user: Actor, grant: RoleAssignment, private_key: bytes, fingerprint_checked: bool
) -> GuardianCertificate:
    """An approved guardian signs the nominee's keys: from now on new cases are sent
    to them too. The approver's own key must be trusted and unlocked."""
    if acting_user is None or not isinstance(acting_user, User):
        raise PermissionDenied
    refusal = _cannot_approve(acting_user)
    if refusal:
        raise PermissionDenied(refusal)
    own = GuardianKey.objects.filter(user=acting_user).first()
    if (
        own is None
        or not is_trusted(own)
        or crypto.public_key_of(private_key) != bytes(own.public_key)
    ):
        raise PermissionDenied("Only an approved guardian, with their key unlocked, can approve")
    grant = RoleAssignment.objects.select_for_update().select_related("user").get(pk=grant.pk)
    if grant.user_id == acting_user.pk:
        raise PermissionDenied("You cannot approve yourself")
    key = _grant_to_approve(grant)
    if not fingerprint_checked:
        raise ValidationError(
            {"fingerprint_checked": "Check the key fingerprint with the new guardian first"}
        )
    statement = crypto.certificate_statement(
        grant.user_id, bytes(key.public_key), _signing_public_key(key)
    )
    cert = GuardianCertificate.objects.create(
        user_id=grant.user_id,
        box_public_key=bytes(key.public_key),
        signing_public_key=_signing_public_key(key),
        signer_public_key=crypto.signing_public_key_of(private_key),
        signature=crypto.sign(private_key, statement),
        approved_on=timezone.localdate(),
    )
    cert.approved_by.set([acting_user])
    _activate(grant)
    audit.record(
        acting_user=acting_user,
        action="speakup.guardian_approved",
        obj=grant,
        after={"user_id": grant.user_id, "fingerprint": crypto.fingerprint(bytes(key.public_key))},
    )
    tell_guardians(
        f"{display_name(grant.user)} is now a Freedom to Speak Up guardian",
        f"{display_name(acting_user)} approved {display_name(grant.user)} as a speak-up guardian. "
        "New concerns will be sent to them too. If you did not expect this, tell your "
        "executive lead for speaking up at once.",
        also=[grant.user],
    )
    return cert


def _signing_public_key(key: GuardianKey) -> bytes:
    if not key.signing_public_key:
        raise ValidationError(
            "This key was made before keys could be approved: the guardian must unlock it "
            "once (or set up a new key) before it can be approved"
        )
    return bytes(key.signing_public_key)


@transaction.atomic
def approve_first_guardian(
    *, acting_user: Actor, grant: RoleAssignment
) -> GuardianCertificate | None:
    """When no approved guardian exists: the executive lead for speaking up and a
    second senior leader each approve. Returns the root certificate once both have."""
    approver, is_lead = _first_approver(acting_user)
    if trusted_guardian_keys():
        raise ValidationError("There is an approved guardian: they approve new guardians")
    grant = RoleAssignment.objects.select_for_update().select_related("user").get(pk=grant.pk)
    if grant.user_id == approver.pk:
        raise PermissionDenied("You cannot approve yourself")
    key = _grant_to_approve(grant)
    current = FirstGuardianApproval.objects.filter(
        grant=grant, box_public_key=bytes(key.public_key)
    )
    if current.filter(approver=approver).exists():
        raise ValidationError("You have already approved this guardian: a second person must too")
    FirstGuardianApproval.objects.create(
        grant=grant,
        approver=approver,
        box_public_key=bytes(key.public_key),
        as_executive_lead=is_lead,
        approved_on=timezone.localdate(),
    )
    audit.record(
        acting_user=approver,
        action="speakup.first_guardian_approval",
        obj=grant,
        after={"user_id": grant.user_id, "fingerprint": crypto.fingerprint(bytes(key.public_key))},
    )
    pair = _lead_and_senior([a.approver for a in current.select_related("approver")])
    if pair is None:
        return None
    return _enrol_root(approver, grant, key, *pair)


def _first_approver(acting_user: Actor) -> tuple[User, bool]:
    """Someone who may approve a first guardian, and whether they are the executive lead."""
    if acting_user is None or not isinstance(acting_user, User):
        raise PermissionDenied
    refusal = _cannot_approve(acting_user)
    if refusal:
        raise PermissionDenied(refusal)
    is_lead = Role.FTSU_EXECUTIVE_LEAD in roles_of(acting_user)
    if not may_approve_first(acting_user):
        raise PermissionDenied(
            "Only the executive lead for speaking up or an executive or board member can approve"
        )
    return acting_user, is_lead


def _lead_and_senior(approvers: list[User]) -> tuple[User, User] | None:
    """One approval must be the executive lead's and another a different senior
    leader's; someone holding both roles counts once."""
    return next(
        (
            (lead, senior)
            for lead in approvers
            if Role.FTSU_EXECUTIVE_LEAD in roles_of(lead)
            for senior in approvers
            if senior.pk != lead.pk and roles_of(senior) & set(SENIOR_ROLES)
        ),
        None,
    )


def _enrol_root(
    acting_user: User, grant: RoleAssignment, key: GuardianKey, lead: User, senior: User
) -> GuardianCertificate:
    """The root certificate for the first guardian, approved by the lead and a senior leader."""
    cert = GuardianCertificate.objects.create(
        user_id=grant.user_id,
        box_public_key=bytes(key.public_key),
        signing_public_key=_signing_public_key(key),
        signer_public_key=_signing_public_key(key),
        is_root=True,
        approved_on=timezone.localdate(),
    )
    cert.approved_by.set([lead, senior])
    _activate(grant)
    audit.record(
        acting_user=acting_user,
        action="speakup.guardian_enrolled_as_root",
        obj=grant,
        after={
            "user_id": grant.user_id,
            "fingerprint": crypto.fingerprint(_signing_public_key(key)),
            "approved_by": sorted([lead.pk, senior.pk]),
        },
    )
    tell_guardians(
        f"{display_name(grant.user)} is now a Freedom to Speak Up guardian",
        f"{display_name(lead)} and {display_name(senior)} approved {display_name(grant.user)} as "
        "the first speak-up guardian. Their root fingerprint is "
        f"{crypto.fingerprint(_signing_public_key(key))}. If you did not expect this, "
        "tell the chief executive at once: whoever holds this key receives every new concern.",
        also=[grant.user, lead, senior],
        # Every senior leader, so that logins made for the purpose cannot enrol a
        # guardian unseen.
        tell_leaders=True,
    )
    return cert


# --- Leaving, and the notices every guardian gets ---


def last_reader_cases(user: User) -> list[str]:
    """References of unshredded cases that no other trusted guardian can open."""
    others = [k.user_id for k in trusted_guardian_keys() if k.user_id != user.pk]
    held = CaseKey.objects.filter(
        holder=KeyHolder.GUARDIAN, guardian=user, case__shredded=False
    ).values_list("case_id", flat=True)
    shared = CaseKey.objects.filter(
        holder=KeyHolder.GUARDIAN, guardian_id__in=others, case_id__in=held
    ).values_list("case_id", flat=True)
    return list(
        Case.objects.filter(pk__in=held)
        .exclude(pk__in=shared)
        .order_by("reference")
        .values_list("reference", flat=True)
    )


def _before_revoke(grant: RoleAssignment) -> None:
    """Refuse to remove the last reader of any case; tell every guardian."""
    still_guardian = RoleAssignment.objects.filter(
        user_id=grant.user_id, role=Role.FTSU_GUARDIAN, status=GrantStatus.ACTIVE
    ).exclude(pk=grant.pk)
    if grant.status == GrantStatus.ACTIVE and not still_guardian.exists():
        stranded = last_reader_cases(grant.user)
        if stranded:
            # The count only: whoever revokes roles need not learn case references.
            raise ValidationError(
                f"{display_name(grant.user)} is the only guardian who can open {len(stranded)} "
                f"speak-up case{'s' if len(stranded) != 1 else ''}. They must send or hand "
                "these over to another guardian before the role is removed."
            )
    tell_guardians(
        f"{display_name(grant.user)} is no longer a Freedom to Speak Up guardian",
        f"The guardian role of {display_name(grant.user)} was removed. New concerns will not be "
        "sent to them. If you did not expect this, tell your executive lead for speaking up.",
        also=[grant.user],
    )


def _on_pending(grant: RoleAssignment) -> None:
    tell_guardians(
        f"{display_name(grant.user)} has been nominated as a Freedom to Speak Up guardian",
        f"{display_name(grant.user)} was given the guardian role. They will receive no "
        "concerns until an approved guardian checks their key fingerprint with them and "
        "approves them on the speak-up guardians page. If you did not expect this, "
        "do not approve it.",
        also=[grant.user],
        leads_if_no_guardian=True,
    )


def display_name(user: User) -> str:
    return user.get_full_name() or user.get_username()


def tell_guardians(
    subject: str,
    body: str,
    *,
    also: Iterable[User] = (),
    leads_if_no_guardian: bool = False,
    tell_leaders: bool = False,
) -> None:
    """Email every approved guardian (and `also`) once the transaction commits;
    the executive lead and senior leaders too with `tell_leaders`, or when there
    is no guardian with `leads_if_no_guardian`."""
    users = _trusted_users()
    if tell_leaders or (leads_if_no_guardian and not users):
        users += list(
            User.objects.filter(
                Q(role_assignments__role=Role.FTSU_EXECUTIVE_LEAD)
                | Q(role_assignments__role__in=SENIOR_ROLES),
                role_assignments__status=GrantStatus.ACTIVE,
                is_active=True,
            ).distinct()
        )
    addresses = sorted({u.email for u in [*users, *also] if u.email})
    if not addresses:
        return

    def send() -> None:
        send_mail(
            subject=subject,
            message=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=addresses,
            fail_silently=True,
        )

    transaction.on_commit(send)


def register_role_policy() -> None:
    register(
        RolePolicy(role=Role.FTSU_GUARDIAN, on_pending=_on_pending, before_revoke=_before_revoke)
    )
