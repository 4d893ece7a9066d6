"""The recovery key: opening a case that no current guardian can open.

A case is stranded if every guardian it was sent to has gone (their role removed
while the refusal in enrolment.py was bypassed, a login deactivated, a forgotten
passphrase). Every case key is therefore also wrapped for the trust's recovery
key, whose private half is never stored: it is split with Shamir's scheme into
SLIP-39 word lists (https://github.com/satoshilabs/slips/blob/master/slip-0039.md,
the `shamir-mnemonic` reference implementation), one per named holder outside IT
(for example the executive lead for speaking up, the non-executive director for
speaking up and the chief executive). Any `threshold` of them (2 of 3 by default)
typing their words together re-open a case for the guardian who asked; that is
audited, every guardian is told, and the case page says so.

Setting up or replacing the key needs an approved guardian with their key
unlocked, who also wraps every case they hold for the new key. The word lists are
shown once, on the page that makes them, and are kept nowhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import shamir_mnemonic
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from nacl.public import PrivateKey

from wellled.core import audit
from wellled.core.types import Actor
from wellled.organisation.access import roles_of
from wellled.organisation.models import Role
from wellled.speakup import crypto, enrolment, epochs
from wellled.speakup.access import require_trusted_guardian
from wellled.speakup.actions.common import next_seq
from wellled.speakup.models import (
    Author,
    Case,
    CaseKey,
    GuardianKey,
    KeyHolder,
    Message,
    RecoveryKey,
    monday_of,
)

MIN_HOLDERS = 2
MAX_HOLDERS = 7
# The roles a holder must have: senior people outside IT.
HOLDER_ROLES = frozenset({Role.FTSU_EXECUTIVE_LEAD, Role.EXECUTIVE, Role.BOARD_MEMBER})


def eligible_holders() -> list[User]:
    """People who may hold a share: senior leaders, never administrators."""
    candidates = User.objects.filter(
        is_active=True, is_superuser=False, role_assignments__role__in=HOLDER_ROLES
    ).distinct()
    return [
        user
        for user in candidates.order_by("first_name", "last_name", "username")
        if Role.TRUST_ADMIN not in roles_of(user)
    ]


@dataclass
class HolderShare:
    holder: User
    words: str


@transaction.atomic
def set_up_recovery_key(
    *, acting_user: Actor, private_key: bytes, holders: Sequence[User], threshold: int
) -> tuple[RecoveryKey, list[HolderShare]]:
    """Make a new recovery key, split among the holders; return each one's words.

    The previous key stops wrapping new cases but still opens the ones it wrapped."""
    user = require_trusted_guardian(acting_user, private_key)
    ordered = _check_holders(user, holders, threshold)
    recovery_private = PrivateKey.generate()
    lists = shamir_mnemonic.generate_mnemonics(
        group_threshold=1, groups=[(threshold, len(ordered))], master_secret=bytes(recovery_private)
    )[0]
    RecoveryKey.objects.filter(is_current=True).update(is_current=False)
    recovery = RecoveryKey.objects.create(
        public_key=bytes(recovery_private.public_key),
        threshold=threshold,
        holder_ids=[u.pk for u in ordered],
        created_on=timezone.localdate(),
        created_by=user,
    )
    wrapped = _wrap_held_cases(user, private_key, recovery)
    audit.record(
        acting_user=user,
        action="speakup.recovery_key_created",
        obj=recovery,
        after={
            "threshold": threshold,
            "holder_ids": [u.pk for u in ordered],
            "cases_wrapped": wrapped,
        },
    )
    enrolment.tell_guardians(
        "A new speak-up recovery key was set up",
        f"{enrolment.display_name(user)} set up a new recovery key: {threshold} of "
        f"{', '.join(enrolment.display_name(u) for u in ordered)} together can open a case "
        "that no guardian can. Each holder was given their own words on paper.",
        also=ordered,
    )
    # The i-th word list belongs to the i-th holder (SLIP-39 member index i).
    return recovery, [HolderShare(holder=h, words=w) for h, w in zip(ordered, lists, strict=True)]


def _check_holders(user: User, holders: Sequence[User], threshold: int) -> list[User]:
    """The different holders, in the order given, or a ValidationError."""
    errors: dict[str, str] = {}
    eligible = {u.pk for u in eligible_holders()}
    unique = {u.pk: u for u in holders}
    if len(unique) < MIN_HOLDERS or len(unique) > MAX_HOLDERS:
        errors["holders"] = f"Choose between {MIN_HOLDERS} and {MAX_HOLDERS} different holders"
    elif any(pk not in eligible for pk in unique):
        errors["holders"] = (
            "Holders must be executives, board members or the executive lead for speaking "
            "up, and never trust administrators"
        )
    elif user.pk in unique:
        errors["holders"] = "A guardian cannot hold a share: choose people outside casework"
    if not errors and not 2 <= threshold <= len(unique):
        errors["threshold"] = f"The number needed must be between 2 and {len(unique)}"
    if errors:
        raise ValidationError(errors)
    return list(unique.values())


def _wrap_held_cases(user: User, private_key: bytes, recovery: RecoveryKey) -> int:
    """Every case this guardian can open gets a wrap for the new key too, in place
    of any wrap for an older recovery key. Returns how many."""
    held = list(
        CaseKey.objects.filter(holder=KeyHolder.GUARDIAN, guardian=user, case__shredded=False)
    )
    CaseKey.objects.filter(
        case_id__in=[wrap.case_id for wrap in held], holder=KeyHolder.ESCROW
    ).delete()
    CaseKey.objects.bulk_create(
        CaseKey(
            case_id=wrap.case_id,
            holder=KeyHolder.ESCROW,
            recovery_key=recovery,
            **epochs.seal_wrap(
                crypto.wrap_for_public_key(
                    crypto.unwrap_with_private_key(epochs.opened(wrap), private_key),
                    recovery.public_key,
                )
            ),
        )
        for wrap in held
    )
    return len(held)


def stranded_cases() -> list[Case]:
    """Unshredded cases that no approved guardian holds a wrap for."""
    current = [key.user_id for key in enrolment.trusted_guardian_keys()]
    readable = CaseKey.objects.filter(holder=KeyHolder.GUARDIAN, guardian_id__in=current)
    return list(
        Case.objects.filter(shredded=False)
        .exclude(pk__in=readable.values_list("case_id", flat=True))
        .order_by("reference")
    )


@transaction.atomic
def recover_case(
    *, acting_user: Actor, private_key: bytes, case: Case, shares: Sequence[str], reason: str
) -> Case:
    """Re-open a case for this guardian with the holders' words."""
    user = require_trusted_guardian(acting_user, private_key)
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.shredded:
        raise ValidationError("This case was destroyed: nothing can open it")
    typed = [" ".join(s.lower().split()) for s in shares if s.strip()]
    errors: dict[str, str] = {}
    if not reason.strip():
        errors["reason"] = "Record why the case needs the recovery key"
    wrap = _recovery_wrap(case)
    recovery = wrap.recovery_key
    assert recovery is not None
    if len(typed) < recovery.threshold:
        errors["shares"] = f"Enter the words of at least {recovery.threshold} holders"
    if errors:
        raise ValidationError(errors)
    case_key, indexes = _open_with_words(wrap, recovery, typed)
    own = GuardianKey.objects.get(user=user)
    CaseKey.objects.filter(case=case, holder=KeyHolder.GUARDIAN, guardian=user).delete()
    CaseKey.objects.create(
        case=case,
        holder=KeyHolder.GUARDIAN,
        guardian=user,
        **epochs.seal_wrap(crypto.wrap_for_public_key(case_key, own.public_key)),
    )
    holder_order = holders_of(recovery)
    named = [holder_order[i] for i in indexes if i < len(holder_order)]
    _record_recovery(case, case_key, user, named, reason)
    enrolment.tell_guardians(
        f"Speak-up case {case.reference} was opened with the recovery key",
        f"{enrolment.display_name(user)} opened case {case.reference} with the recovery key, "
        f"with the words of {', '.join(enrolment.display_name(h) for h in named)}. The reason "
        "is recorded on the case.",
        also=holder_order,
    )
    return case


def _recovery_wrap(case: Case) -> CaseKey:
    wrap = (
        CaseKey.objects.filter(case=case, holder=KeyHolder.ESCROW)
        .select_related("recovery_key")
        .first()
    )
    if wrap is None or wrap.recovery_key is None:
        raise ValidationError(
            "This case has no recovery copy of its key: it was received before the recovery "
            "key was set up and no guardian wrapped it since, so it cannot be recovered"
        )
    return wrap


def _open_with_words(
    wrap: CaseKey, recovery: RecoveryKey, typed: list[str]
) -> tuple[bytes, list[int]]:
    """The case key, opened with the recovery key the holders' words make, and the
    holders' member indexes."""
    try:
        secret = shamir_mnemonic.combine_mnemonics(typed)
        indexes = sorted({shamir_mnemonic.Share.from_mnemonic(s).index for s in typed})
    except shamir_mnemonic.MnemonicError as exc:
        raise ValidationError({"shares": f"The words did not fit together: {exc}"}) from None
    recovered = PrivateKey(secret)
    if bytes(recovered.public_key) != bytes(recovery.public_key):
        raise ValidationError(
            {"shares": "These words belong to a different recovery key than this case's"}
        )
    try:
        case_key = crypto.unwrap_with_private_key(epochs.opened(wrap), bytes(recovered))
    except crypto.CryptoError:
        raise ValidationError(
            "This case's recovery copy can no longer be opened: its epoch key is gone"
        ) from None
    return case_key, indexes


def _record_recovery(
    case: Case, case_key: bytes, user: User, named: list[User], reason: str
) -> None:
    """A note on the case saying who opened it, with whose words and why; the week
    it was recovered; the lead guardian if it has none who can still open it; the
    audit event."""
    today = timezone.localdate()
    Message.objects.create(
        case=case,
        seq=next_seq(case),
        author=Author.SYSTEM,
        sent_on=today,
        is_internal=True,
        sealed_body=crypto.seal_text(
            case_key,
            f"Opened with the recovery key for {enrolment.display_name(user)}, with the words "
            f"of {', '.join(enrolment.display_name(h) for h in named)}. Reason: {reason.strip()}",
        ),
    )
    case.recovered_week = monday_of(today)
    if case.lead_guardian_id is None or case.lead_guardian_id not in {
        k.user_id for k in enrolment.trusted_guardian_keys()
    }:
        case.lead_guardian = user
    case.save(update_fields=["recovered_week", "lead_guardian"])
    audit.record(
        acting_user=user,
        action="speakup.recovered",
        obj=case,
        after={"holder_ids": [h.pk for h in named]},
    )


def holders_of(recovery: RecoveryKey) -> list[User]:
    """The holders in the order their word lists were made."""
    users = {u.pk: u for u in User.objects.filter(pk__in=recovery.holder_ids)}
    return [users[pk] for pk in recovery.holder_ids if pk in users]
