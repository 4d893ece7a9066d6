"""Rate limits on public and anonymous routes, counted by django-ratelimit.

Counters live in the cache named by RATELIMIT_USE_CACHE ("throttle": Redis in
production, shared by every process). django-ratelimit counts in fixed windows and
keys its cache entries with a hash of the group, the window and the client key the
bucket computes, so no address is kept in the clear: each app's key function
decides what identifies a client (a daily keyed hash, never the raw address).

A bucket is asked two questions: has this client already used its allowance
(`refused`), and count one more (`count`). `spend` does both at once for limits
on every request.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.http import HttpRequest
from django.utils import timezone
from django_ratelimit.core import get_usage

KeyFunction = Callable[[str, HttpRequest], str]


@dataclass(frozen=True)
class Refusal:
    """A request refused for now, and how many seconds until it may be tried again."""

    retry_after: int

    @property
    def minutes(self) -> str:
        minutes = max(1, math.ceil(self.retry_after / 60))
        return f"{minutes} minute" + ("" if minutes == 1 else "s")


def daily_address_key(salt: str) -> KeyFunction:
    """Who a public form counts: the sender's address under a keyed hash whose key
    changes every day, so neither the address nor a link between days is stored."""

    def key(group: str, request: HttpRequest) -> str:
        day = timezone.localdate().isoformat()
        secret = hashlib.sha256(f"{settings.SECRET_KEY}:{salt}:{day}".encode()).digest()
        address = str(request.META.get("REMOTE_ADDR", ""))
        digest = hmac.new(secret, address.encode(), hashlib.sha256).hexdigest()
        return f"{day}:{digest[:32]}"

    return key


def setting_rate(name: str, default: int, period: str = "h") -> Callable[[], str]:
    """A rate read from a setting when it is used (so tests can change it)."""

    def rate() -> str:
        return f"{int(getattr(settings, name, default))}/{period}"

    return rate


@dataclass(frozen=True)
class Bucket:
    group: str
    rate: Callable[[], str]
    key: KeyFunction

    def _usage(self, request: HttpRequest, *, increment: bool) -> dict[str, Any]:
        usage: dict[str, Any] | None = get_usage(
            request, group=self.group, key=self.key, rate=self.rate(), increment=increment
        )
        # None: RATELIMIT_ENABLE is off.
        return usage or {"count": 0, "limit": 1, "should_limit": False, "time_left": 0}

    def refused(self, request: HttpRequest) -> Refusal | None:
        """Refused if this client has used its whole allowance (counts nothing)."""
        return _refusal(self._usage(request, increment=False), at_limit=True)

    def count(self, request: HttpRequest) -> None:
        self._usage(request, increment=True)

    def spend(self, request: HttpRequest) -> Refusal | None:
        """Count this request, and refuse it once the allowance is exceeded."""
        return _refusal(self._usage(request, increment=True), at_limit=False)


def _refusal(usage: dict[str, Any], *, at_limit: bool) -> Refusal | None:
    if usage["time_left"] < 0:
        # The cache could not be reached: refuse rather than count nothing.
        return Refusal(retry_after=60)
    over = usage["count"] >= usage["limit"] if at_limit else usage["should_limit"]
    return Refusal(retry_after=max(1, int(usage["time_left"]))) if over else None


def throttle_cache() -> BaseCache:
    return caches[getattr(settings, "RATELIMIT_USE_CACHE", "default")]


def reset_buckets() -> None:
    """For tests: forget every count."""
    throttle_cache().clear()
