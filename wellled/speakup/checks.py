"""Start-up checks for speak-up: production needs throttles every process shares."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error

# Counters in these are per process (memory), absent (dummy) or not incremented
# atomically (database, files): django-ratelimit's own list of unsuitable caches.
UNSHARED_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache": "keeps counters in each process",
    "django.core.cache.backends.dummy.DummyCache": "keeps no counters at all",
    "django.core.cache.backends.db.DatabaseCache": "cannot count atomically",
    "django.core.cache.backends.filebased.FileBasedCache": "cannot count atomically",
}


def throttle_cache_is_shared(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """In production, the anonymous routes' limits must hold across every process."""
    if not getattr(settings, "PRODUCTION", False):
        return []
    alias = getattr(settings, "RATELIMIT_USE_CACHE", "default")
    backend = str(settings.CACHES.get(alias, {}).get("BACKEND", ""))
    reason = UNSHARED_CACHES.get(backend) if backend else "is not configured"
    if reason is None:
        return []
    return [
        Error(
            f"The rate-limit cache {alias!r} ({backend or 'none'}) {reason}, so the limits "
            "on speak-up codes and submissions would multiply with the number of processes.",
            hint="Set REDIS_URL: the throttle cache is then Redis, shared by every process.",
            id="speakup.E001",
        )
    ]
