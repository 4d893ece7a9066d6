"""A guardian's unlocked private key, held for their session only.

The private key is sealed under a random 32-byte key before it goes into the
session (whatever the session backend: database, cache or signed cookie), and
that random key is sent to the guardian's browser in its own cookie
(`wl_speakup_key`: HttpOnly, SameSite=Strict, path /speak-up/, secure wherever
the session cookie is, no expiry so it dies with the browser). The server never
writes the two halves to the same place: a copy of the session store alone, or of
the cookie alone, opens nothing. Logging out flushes the session half; locking
deletes both. The key also goes when the session ends (20 idle minutes).
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from wellled.speakup import crypto
from wellled.speakup.models import GuardianKey

COOKIE_NAME = "wl_speakup_key"
SESSION_NAME = "speakup_unlocked"
COOKIE_PATH = "/speak-up/"


def store(request: HttpRequest, response: HttpResponse, private_key: bytes) -> None:
    cookie_value, session_value = crypto.split_for_session(private_key)
    request.session[SESSION_NAME] = {"user": request.user.pk, "blob": session_value}
    response.set_cookie(
        COOKIE_NAME,
        cookie_value,
        path=COOKIE_PATH,
        httponly=True,
        samesite="Strict",
        secure=bool(getattr(settings, "SESSION_COOKIE_SECURE", False)),
    )


def private_key(request: HttpRequest) -> bytes | None:
    """The unlocked private key of the logged-in guardian, or None."""
    held = request.session.get(SESSION_NAME) if hasattr(request, "session") else None
    cookie = request.COOKIES.get(COOKIE_NAME, "")
    if not held or not cookie or held.get("user") != request.user.pk:
        return None
    try:
        key = crypto.join_from_session(cookie, str(held.get("blob", "")))
    except crypto.CryptoError:
        return None
    stored = (
        GuardianKey.objects.filter(user_id=request.user.pk)
        .values_list("public_key", flat=True)
        .first()
    )
    if stored is None or bytes(stored) != crypto.public_key_of(key):
        return None
    return key


def forget(request: HttpRequest, response: HttpResponse) -> None:
    request.session.pop(SESSION_NAME, None)
    response.delete_cookie(COOKIE_NAME, path=COOKIE_PATH, samesite="Strict")
