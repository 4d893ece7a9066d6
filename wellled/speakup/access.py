"""Who may do what in speak-up: the one place its permission rules live.

Actions and queries both import these; neither imports the other for them.
A guardian holds the capability to read cases; on a case they act on only if
its key is wrapped for them (they were sent it).
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied

from wellled.core.types import Actor
from wellled.organisation.access import Cap, can
from wellled.speakup import crypto, enrolment
from wellled.speakup.models import Case, CaseKey, GuardianKey, KeyHolder


def is_guardian(user: Actor) -> bool:
    """Holds the capability to read cases (operators never do)."""
    return user is not None and user.is_authenticated and can(user, Cap.READ_SPEAKUP_CASES)


def require_guardian_or_nominee(acting_user: Actor) -> User:
    """A guardian, or a nominee setting up or unlocking the key to be approved."""
    if enrolment.is_nominee(acting_user):
        assert isinstance(acting_user, User)
        return acting_user
    return require_guardian(acting_user)


def require_guardian(acting_user: Actor) -> User:
    if not is_guardian(acting_user):
        raise PermissionDenied
    assert isinstance(acting_user, User)
    return acting_user


def require_case_holder(acting_user: Actor, case: Case) -> User:
    """A guardian the case was sent to (its key is wrapped for them)."""
    user = require_guardian(acting_user)
    if not CaseKey.objects.filter(case=case, holder=KeyHolder.GUARDIAN, guardian=user).exists():
        raise PermissionDenied
    return user


def require_trusted_guardian(acting_user: Actor, private_key: bytes) -> User:
    """An approved guardian whose own key is the one unlocked."""
    if acting_user is None or not isinstance(acting_user, User):
        raise PermissionDenied
    key = GuardianKey.objects.filter(user=acting_user).first()
    if key is None or not enrolment.is_trusted(key):
        raise PermissionDenied("Only an approved guardian can do this")
    if crypto.public_key_of(private_key) != bytes(key.public_key):
        raise PermissionDenied("Unlock your own speak-up key first")
    return acting_user
