"""Helpers shared by the speak-up tests."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.test import Client

from wellled.speakup import actions, crypto, keysession
from wellled.speakup.models import GuardianKey

PASSPHRASE = "correct horse battery staple"


def give_key(user: User, passphrase: str = PASSPHRASE) -> bytes:
    """Set up the guardian's key (fast parameters) and return their private key."""
    if not GuardianKey.objects.filter(user=user).exists():
        actions.set_up_guardian_key(acting_user=user, passphrase=passphrase, confirm=passphrase)
    return actions.unlock_guardian_key(acting_user=user, passphrase=passphrase)


def fast_key_for(user: User, passphrase: str = PASSPHRASE) -> GuardianKey:
    """A key row made directly with the cheapest parameters, whatever the settings
    (for the URL matrix, which runs outside this package's conftest)."""
    material = _material(passphrase)
    return GuardianKey.objects.create(
        user=user,
        public_key=material.public_key,
        sealed_private_key=material.sealed_private_key,
        salt=material.salt,
        opslimit=material.opslimit,
        memlimit=material.memlimit,
    )


def _material(passphrase: str) -> crypto.GuardianKeyMaterial:
    from nacl.public import PrivateKey

    private = PrivateKey.generate()
    salt = crypto.new_salt()
    kek = crypto.derive_key(passphrase, salt, opslimit=1, memlimit=8192)
    return crypto.GuardianKeyMaterial(
        public_key=bytes(private.public_key),
        sealed_private_key=crypto.seal(kek, bytes(private)),
        salt=salt,
        opslimit=1,
        memlimit=8192,
    )


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
