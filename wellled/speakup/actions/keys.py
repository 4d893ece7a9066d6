"""Guardians' own keys (set up, unlock, change, start again) and the wraps of a
case key for guardians and for the trust's recovery key."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from wellled.core import audit
from wellled.core.types import Actor
from wellled.speakup import crypto, enrolment, epochs
from wellled.speakup.access import require_guardian, require_guardian_or_nominee
from wellled.speakup.actions.common import MIN_PASSPHRASE, raise_errors
from wellled.speakup.models import Case, CaseKey, GuardianKey, KeyHolder, RecoveryKey


def guardian_keys() -> list[GuardianKey]:
    """Keys of every approved guardian, to whom a new case is sent (enrolment.py)."""
    return enrolment.trusted_guardian_keys()


@transaction.atomic
def set_up_guardian_key(*, acting_user: Actor, passphrase: str, confirm: str) -> GuardianKey:
    """Create the guardian's key pair, sealed under a passphrase only they know.
    A nominee (pending grant) sets theirs up too, so that a guardian can approve it."""
    user = require_guardian_or_nominee(acting_user)
    errors: dict[str, str] = {}
    if len(passphrase) < MIN_PASSPHRASE:
        errors["passphrase"] = f"Your passphrase must be at least {MIN_PASSPHRASE} characters"
    elif passphrase != confirm:
        errors["confirm"] = "The two passphrases are different: type the same one twice"
    if GuardianKey.objects.filter(user=user).exists():
        errors["passphrase"] = "You already have a speak-up key: change its passphrase instead"  # noqa: S105
    raise_errors(errors)
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
    user = require_guardian_or_nominee(acting_user)
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
    user = require_guardian(acting_user)
    private = unlock_guardian_key(acting_user=user, passphrase=old_passphrase)
    errors: dict[str, str] = {}
    if len(new_passphrase) < MIN_PASSPHRASE:
        errors["new_passphrase"] = f"Your passphrase must be at least {MIN_PASSPHRASE} characters"
    elif new_passphrase != confirm:
        errors["confirm"] = "The two passphrases are different: type the same one twice"
    raise_errors(errors)
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
    user = require_guardian(acting_user)
    errors: dict[str, str] = {}
    if len(passphrase) < MIN_PASSPHRASE:
        errors["passphrase"] = f"Your passphrase must be at least {MIN_PASSPHRASE} characters"
    elif passphrase != confirm:
        errors["confirm"] = "The two passphrases are different: type the same one twice"
    if not understood:
        errors["understood"] = "Confirm that you understand you will lose access to your cases"
    raise_errors(errors)
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


def wrap_for(case: Case, case_key: bytes, keys: Iterable[GuardianKey]) -> list[int]:
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


def wrap_recovery(case: Case, case_key: bytes) -> None:
    """Also wrap for the trust's recovery key, if one is set up (recovery.py)."""
    recovery_key = RecoveryKey.objects.filter(is_current=True).first()
    if recovery_key is not None:
        CaseKey.objects.create(
            case=case,
            holder=KeyHolder.ESCROW,
            recovery_key=recovery_key,
            **epochs.seal_wrap(crypto.wrap_for_public_key(case_key, recovery_key.public_key)),
        )
