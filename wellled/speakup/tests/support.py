"""Helpers shared by the speak-up tests."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.test import Client, override_settings

from wellled.organisation.access import forget_grants
from wellled.organisation.models import OrgUnit, Role, RoleAssignment
from wellled.speakup import actions, enrolment, keysession
from wellled.speakup.models import GuardianKey

PASSPHRASE = "correct horse battery staple"


def give_key(user: User, passphrase: str = PASSPHRASE) -> bytes:
    """Set up the guardian's key (fast parameters), have it approved, and return
    their private key."""
    if not GuardianKey.objects.filter(user=user).exists():
        actions.set_up_guardian_key(acting_user=user, passphrase=passphrase, confirm=passphrase)
    private = actions.unlock_guardian_key(acting_user=user, passphrase=passphrase)
    enrol(user)
    return private


def fast_key_for(user: User, passphrase: str = PASSPHRASE) -> GuardianKey:
    """A key made with the cheapest parameters whatever the settings, and approved
    (for the URL matrix, which runs outside this package's conftest)."""
    with override_settings(WELLLED_SPEAKUP_ARGON2_OPSLIMIT=1, WELLLED_SPEAKUP_ARGON2_MEMLIMIT=8192):
        give_key(user, passphrase)
    return GuardianKey.objects.get(user=user)


def enrol(user: User) -> None:
    """Approve the user's key through the real actions: by an approved guardian
    (unlocked with PASSPHRASE) if there is one, else as the first guardian by an
    executive lead for speaking up and a board member made for the purpose."""
    key = GuardianKey.objects.get(user=user)
    if enrolment.is_trusted(key):
        return
    grant = RoleAssignment.objects.filter(user=user, role=Role.FTSU_GUARDIAN).first()
    assert grant is not None, "give the user the guardian role first"
    trusted = enrolment.trusted_guardian_keys()
    if trusted:
        approver = trusted[0].user
        enrolment.approve_guardian(
            acting_user=approver,
            grant=grant,
            private_key=actions.unlock_guardian_key(acting_user=approver, passphrase=PASSPHRASE),
            fingerprint_checked=True,
        )
        return
    root = OrgUnit.objects.filter(parent__isnull=True).first()
    assert root is not None
    for username, role in (
        ("ftsu.executive.lead", Role.FTSU_EXECUTIVE_LEAD),
        ("ftsu.board.member", Role.BOARD_MEMBER),
    ):
        approver, _ = User.objects.get_or_create(username=username)
        RoleAssignment.objects.get_or_create(user=approver, role=role, unit=root)
        forget_grants(approver)
        enrolment.approve_first_guardian(acting_user=approver, grant=grant)


def unlocked_client(client: Client, user: User, passphrase: str = PASSPHRASE) -> Client:
    """Log the client in as the guardian and unlock their key through the page."""
    give_key(user, passphrase)
    client.force_login(user)
    response = client.post("/speak-up/guardian/unlock/", {"passphrase": passphrase})
    assert response.status_code == 302, response.content[:500]
    assert keysession.COOKIE_NAME in client.cookies
    return client


def anonymous_concern(
    narrative: str = "The night shift on ward 7 is left with one nurse.", **kw: object
) -> actions.Submitted:
    return actions.submit_anonymous_concern(concern=actions.NewConcern(narrative=narrative, **kw))  # type: ignore[arg-type]
