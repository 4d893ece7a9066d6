"""/healthz: can this instance reach its database, cache and job broker?

Public on purpose, for load balancers and container probes: it needs no login and
says nothing secret (no URLs, hosts or error text, only which check failed, the
kind of error and how long each check took). 200 when all pass, 503 otherwise.
"""

from __future__ import annotations

import logging
import secrets
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

BROKER_TIMEOUT_SECONDS = 2


class CheckFailed(Exception):
    """A check ran but the answer was wrong (as opposed to an error reaching it)."""


def check_database() -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        if cursor.fetchone() != (1,):
            raise CheckFailed("SELECT 1 did not return 1")
    return {}


def check_cache() -> dict[str, Any]:
    key = f"wellled:healthz:{secrets.token_hex(8)}"
    value = secrets.token_hex(8)
    cache.set(key, value, timeout=30)
    try:
        if cache.get(key) != value:
            raise CheckFailed("a value written to the cache did not come back")
    finally:
        cache.delete(key)
    return {}


def _check_folder(folder: Path) -> None:
    if not folder.is_dir():
        raise CheckFailed("the queue folder does not exist")
    # os.access can be wrong (root, ACLs, read-only mounts): write a file instead.
    with tempfile.NamedTemporaryFile(dir=folder, prefix=".healthz-", delete=True):
        pass


def check_broker() -> dict[str, Any]:
    broker_url: str = settings.CELERY_BROKER_URL
    transport = broker_url.split("://", 1)[0] or "unknown"
    if transport == "filesystem":
        options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
        folders = {
            Path(str(options.get(name, "")))
            for name in ("data_folder_in", "data_folder_out")
            if options.get(name)
        }
        if not folders:
            raise CheckFailed("the filesystem broker has no queue folder configured")
        for folder in folders:
            _check_folder(folder)
        return {"transport": transport}

    from wellled.celery import app

    # The URL from settings rather than app.conf, which Celery reads once and caches.
    with app.connection_for_write(url=broker_url) as conn:
        conn.ensure_connection(
            max_retries=1, interval_start=0, interval_step=0, timeout=BROKER_TIMEOUT_SECONDS
        )
    return {"transport": transport}


CHECKS: dict[str, Callable[[], dict[str, Any]]] = {
    "database": check_database,
    "cache": check_cache,
    "broker": check_broker,
}


def run_check(name: str, check: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        result: dict[str, Any] = {"status": "ok", **check()}
    except Exception as exc:
        # Only the exception's type goes in the response and the log: messages can
        # carry hosts, user names or URLs.
        result = {"status": "fail", "error": type(exc).__name__}
        if isinstance(exc, CheckFailed):
            result["reason"] = str(exc)
        logger.warning("healthz: %s check failed (%s)", name, type(exc).__name__)
    result["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return result


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {name: run_check(name, check) for name, check in CHECKS.items()}
    ok = all(result["status"] == "ok" for result in checks.values())
    return JsonResponse(
        {"status": "ok" if ok else "fail", "checks": checks},
        status=200 if ok else 503,
    )
