"""Wrong passwords slow the next try down; they never lock an account for long.

Two counts are kept together, in the shared `throttle` cache: one per account
name and one per source (the address the request came from). After
`free` wrong passwords in a row, each further one makes the next try wait twice
as long as the last, from `WELLLED_LOGIN_DELAY_SECONDS` up to a cap: the account's
owner can always try again within minutes, however many guesses were made
against the account, while one source guessing many accounts (spraying a single
password) is slowed by its own count. A try during the wait is refused with 429
and `Retry-After`, without checking the password and without sleeping.

Neither the address nor the account name is kept: each count's cache key is a
keyed hash (the source's changes every day, as `core.throttle`'s buckets do), and
the counts are forgotten `WELLLED_LOGIN_FAILURE_MEMORY_SECONDS` after the last
wrong password. A right password clears the account's count, not the source's.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest
from django.utils import timezone

from wellled.core.throttle import throttle_cache

# Set on the request when a try was refused for now: the seconds still to wait.
WAIT_ATTRIBUTE = "wellled_login_wait"


@dataclass(frozen=True)
class Count:
    """One kind of count: wrong passwords allowed free, then doubling waits."""

    name: str
    free_setting: str
    free_default: int
    cap_setting: str
    cap_default: int

    def free(self) -> int:
        return int(getattr(settings, self.free_setting, self.free_default))

    def cap(self) -> int:
        return int(getattr(settings, self.cap_setting, self.cap_default))

    def wait_after(self, failures: int) -> int:
        """Seconds to wait after this many wrong passwords in a row (0: none)."""
        over = failures - self.free()
        if over <= 0:
            return 0
        base = int(getattr(settings, "WELLLED_LOGIN_DELAY_SECONDS", 30))
        return int(min(self.cap(), base * 2 ** min(over - 1, 30)))


ACCOUNT = Count(
    "account", "WELLLED_LOGIN_ACCOUNT_FREE_FAILURES", 4, "WELLLED_LOGIN_ACCOUNT_MAX_DELAY", 900
)
SOURCE = Count(
    # Kept short: many staff may share one address (a trust's network, a proxy).
    "source",
    "WELLLED_LOGIN_SOURCE_FREE_FAILURES",
    30,
    "WELLLED_LOGIN_SOURCE_MAX_DELAY",
    300,
)


def _keyed(*parts: str) -> str:
    key = hashlib.sha256(b"wellled.login-delay:" + settings.SECRET_KEY.encode()).digest()
    return hmac.new(key, "\x00".join(parts).encode(), hashlib.sha256).hexdigest()[:40]


def _address(request: HttpRequest) -> str:
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
    # The same proxy setting as speak-up's throttling: the deployment's one fact.
    if getattr(settings, "WELLLED_SPEAKUP_TRUST_X_FORWARDED_FOR", False) and forwarded:
        # The last hop was added by our own proxy; earlier ones the client can forge.
        return forwarded.split(",")[-1].strip()
    return str(request.META.get("REMOTE_ADDR", ""))


def _keys(request: HttpRequest, username: str) -> dict[Count, str]:
    day = timezone.localdate().isoformat()
    return {
        ACCOUNT: "login-delay:a:" + _keyed("account", username.strip().casefold()),
        SOURCE: "login-delay:s:" + _keyed("source", day, _address(request)),
    }


def wait_seconds(request: HttpRequest, username: str) -> int:
    """How long this try must still wait (0: it may go ahead)."""
    cache = throttle_cache()
    now = time.time()
    waits = [float(cache.get(key + ":until", 0)) - now for key in _keys(request, username).values()]
    return max(0, math.ceil(max(waits)))


def record_failure(request: HttpRequest, username: str) -> None:
    """Count a wrong password for the account and the source, and set their waits."""
    cache = throttle_cache()
    memory = int(getattr(settings, "WELLLED_LOGIN_FAILURE_MEMORY_SECONDS", 24 * 3600))
    now = time.time()
    for count, key in _keys(request, username).items():
        failures = int(cache.get(key, 0)) + 1
        cache.set(key, failures, memory)
        wait = count.wait_after(failures)
        if wait:
            cache.set(key + ":until", now + wait, wait + 1)


def record_success(request: HttpRequest, username: str) -> None:
    key = _keys(request, username)[ACCOUNT]
    throttle_cache().delete_many([key, key + ":until"])


class DelayedModelBackend(ModelBackend):
    """Django's password check, refused without checking while a wait runs, and
    counting each wrong password for the account and the source."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if request is None or username is None or password is None:
            return super().authenticate(request, username, password, **kwargs)
        wait = wait_seconds(request, username)
        if wait:
            setattr(request, WAIT_ATTRIBUTE, wait)
            return None
        user = super().authenticate(request, username, password, **kwargs)
        if user is None:
            record_failure(request, username)
            wait = wait_seconds(request, username)
            if wait:
                setattr(request, WAIT_ATTRIBUTE, wait)
        else:
            record_success(request, username)
        return user
