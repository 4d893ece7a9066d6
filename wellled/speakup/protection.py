"""What keeps anonymous routes anonymous, and slows down code guessing.

* `anonymous_route` (a view decorator) and `AnonymousRouteMiddleware` (for the
  top of MIDDLEWARE, so nothing earlier can log the address): compute a keyed,
  daily-rotated tag of the client address for the rate-limit buckets, then remove
  the address, user agent, forwarding headers, referrer and cookies from the
  request, so no later code, log record or error report can see them. The view
  runs as the anonymous public (no session user), sets no cookie and no CSRF
  cookie (there is no ambient authority to forge: every reporter request carries
  its code), and answers with no-store, no-referrer and noindex headers.
* Rate limits live only in memory (or Redis, if configured), in buckets keyed by
  that tag; they expire within the hour and the tag's key changes every day, so
  nothing that outlives the day can be tied back to an address.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import time
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import BaseCache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from wellled.core.middleware import set_request_id
from wellled.speakup import crypto

TAG_ATTRIBUTE = "speakup_client_tag"
ANONYMOUS_PREFIXES = ("/speak-up/anonymous/", "/api/v1/speak-up/anonymous/")

# Request headers that could identify the sender. REMOTE_ADDR is replaced rather
# than removed, because some libraries expect it to exist.
_IDENTIFYING_META = (
    "HTTP_USER_AGENT",
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_REAL_IP",
    "HTTP_FORWARDED",
    "HTTP_CLIENT_IP",
    "HTTP_TRUE_CLIENT_IP",
    "HTTP_CF_CONNECTING_IP",
    "HTTP_X_CLUSTER_CLIENT_IP",
    "HTTP_REFERER",
    "HTTP_COOKIE",
    "HTTP_X_REQUEST_ID",
    "HTTP_SEC_CH_UA",
    "HTTP_SEC_CH_UA_PLATFORM",
    "HTTP_SEC_CH_UA_MOBILE",
    "REMOTE_HOST",
)
_PLACEHOLDER_ADDRESS = "0.0.0.0"  # noqa: S104 - a placeholder, not a bind address

_fallback_cache = LocMemCache("wellled-speakup-throttle", {"OPTIONS": {"MAX_ENTRIES": 100_000}})


def _cache() -> BaseCache:
    """A dedicated cache if configured, Redis if that is the default, else memory."""
    if "speakup" in settings.CACHES:
        return caches["speakup"]
    if "redis" in str(settings.CACHES.get("default", {}).get("BACKEND", "")).lower():
        return caches["default"]
    return _fallback_cache


def _address_of(request: HttpRequest) -> str:
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
    if getattr(settings, "WELLLED_SPEAKUP_TRUST_X_FORWARDED_FOR", False) and forwarded:
        return forwarded.split(",")[-1].strip()
    return str(request.META.get("REMOTE_ADDR", ""))


def scrub(request: HttpRequest) -> str:
    """Tag the request for rate limiting, then remove what could identify the sender."""
    tag = getattr(request, TAG_ATTRIBUTE, None)
    if tag is None:
        tag = crypto.daily_tag(_address_of(request), timezone.localdate().isoformat())
        setattr(request, TAG_ATTRIBUTE, tag)
    for name in _IDENTIFYING_META:
        request.META.pop(name, None)
    request.META["REMOTE_ADDR"] = _PLACEHOLDER_ADDRESS
    request.COOKIES = {}
    return str(tag)


class AnonymousRouteMiddleware:
    """Put first in MIDDLEWARE: scrubs anonymous routes before anything else runs."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(ANONYMOUS_PREFIXES):
            scrub(request)
        return self.get_response(request)


def harden(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store, max-age=0"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    for name in list(response.cookies):
        del response.cookies[name]
    return response


V = TypeVar("V", bound=Callable[..., Any])


def anonymous_route(view: V) -> V:
    @csrf_exempt
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        scrub(request)
        # A fresh request id: one sent by the browser or a proxy could join logs up.
        set_request_id(uuid.uuid4().hex)
        request.user = AnonymousUser()
        return harden(view(request, *args, **kwargs))

    return wrapper  # type: ignore[return-value]


def client_tag(request: HttpRequest) -> str:
    return str(getattr(request, TAG_ATTRIBUTE, "") or scrub(request))


# --- Buckets ---


def _setting(name: str, default: float) -> float:
    return float(getattr(settings, name, default))


def _window() -> int:
    """Seconds a bucket lives: an hour, never past midnight (the tag rotates then)."""
    now = timezone.localtime()
    midnight = (now + datetime.timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return max(60, min(3600, int((midnight - now).total_seconds())))


def _bump(key: str) -> int:
    cache = _cache()
    if cache.add(key, 1, timeout=_window()):
        return 1
    try:
        return int(cache.incr(key))
    except ValueError:
        cache.set(key, 1, timeout=_window())
        return 1


def _key(kind: str, tag: str) -> str:
    return "speakup:" + hashlib.sha256(f"{kind}:{tag}".encode()).hexdigest()[:40]


def code_attempts_left(tag: str) -> bool:
    limit = int(_setting("WELLLED_SPEAKUP_CODE_ATTEMPTS_PER_HOUR", 10))
    return int(_cache().get(_key("fail", tag), 0)) < limit


def record_code_failure(tag: str) -> None:
    """Count a wrong code against this client and site-wide, then slow the answer:
    GlobaLeaks-style, nothing for the first few, then growing to a cap."""
    mine = _bump(_key("fail", tag))
    everyone = _bump(_key("fail", "*"))
    failures = max(mine, everyone // 20)
    base = _setting("WELLLED_SPEAKUP_FAILURE_DELAY_SECONDS", 1.0)
    if failures > 3 and base > 0:
        time.sleep(
            min(base * (failures - 3) ** 2, _setting("WELLLED_SPEAKUP_MAX_DELAY_SECONDS", 10))
        )


def submissions_left(tag: str) -> bool:
    limit = int(_setting("WELLLED_SPEAKUP_SUBMISSIONS_PER_HOUR", 10))
    return int(_cache().get(_key("submit", tag), 0)) < limit


def record_submission(tag: str) -> None:
    _bump(_key("submit", tag))


def reset_buckets() -> None:
    """For tests."""
    _fallback_cache.clear()
    if "speakup" in settings.CACHES:
        caches["speakup"].clear()
