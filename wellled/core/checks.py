"""Start-up checks that refuse a production configuration with an embedded default.

The defaults (console email, the database cache and a file queue, SQLite, the
secret key standing in for the speak-up pepper) let `make run` work with nothing
but Python. In production (WELLLED_PRODUCTION) each would fail quietly: mail
never sent, rate limits not counted atomically, queued work local to one server,
one file for the whole trust's data, one secret doing two jobs. These checks run with `wellled
check` and every command that starts the service (`serve`, `migrate`), and stop
it with the reason and the variable to set (docs/configuration.md).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error

CONFIG_DOC = "See docs/configuration.md."

_UNSENT_EMAIL = {
    "django.core.mail.backends.console.EmailBackend": "console",
    "django.core.mail.backends.locmem.EmailBackend": "locmem",
    "django.core.mail.backends.dummy.EmailBackend": "dummy",
    "django.core.mail.backends.filebased.EmailBackend": "filebased",
}
_REDIS_CACHE = "django.core.cache.backends.redis.RedisCache"
_LOCAL_BROKERS = ("filesystem://", "memory://")


def _email() -> list[CheckMessage]:
    name = _UNSENT_EMAIL.get(str(settings.EMAIL_BACKEND))
    if name is None:
        return []
    return [
        Error(
            f"EMAIL_BACKEND is {name!r}: deadline reminders, password resets and "
            "notifications would never reach anyone.",
            hint="Set EMAIL_BACKEND=notify (with NOTIFY_API_KEY) or smtp (with EMAIL_HOST). "
            + CONFIG_DOC,
            id="wellled.E001",
        )
    ]


def _redis() -> list[CheckMessage]:
    problems: list[CheckMessage] = []
    backend = str(settings.CACHES.get("default", {}).get("BACKEND", "none"))
    if backend != _REDIS_CACHE:
        problems.append(
            Error(
                f"The cache is {backend.rsplit('.', 1)[-1]}, not Redis (REDIS_URL is not "
                "set): counters kept in it (rate limits) are not counted atomically "
                "across processes, and everything cached adds load to the database.",
                hint="Set REDIS_URL. " + CONFIG_DOC,
                id="wellled.E002",
            )
        )
    broker = str(settings.CELERY_BROKER_URL)
    if broker.startswith(_LOCAL_BROKERS):
        problems.append(
            Error(
                f"The job queue is {broker.split(':')[0]!r}, local to this server: "
                "reminders and exports queued here would wait for a worker on the same "
                "machine, and a second server would never see them.",
                hint="Set REDIS_URL (or CELERY_BROKER_URL). " + CONFIG_DOC,
                id="wellled.E003",
            )
        )
    return problems


def _pepper() -> list[CheckMessage]:
    if settings.WELLLED_SPEAKUP_PEPPER:
        return []
    return [
        Error(
            "WELLLED_SPEAKUP_PEPPER is not set, so SECRET_KEY stands in for it: one "
            "leaked secret would then expose the speak-up code lookups too, and rotating "
            "SECRET_KEY would refuse every reporter's code.",
            hint="Set WELLLED_SPEAKUP_PEPPER (or WELLLED_SPEAKUP_PEPPER_FILE) to its own "
            "random secret, kept in your secret store (docs/backup-and-restore.md).",
            id="wellled.E004",
        )
    ]


def _database() -> list[CheckMessage]:
    engine = str(settings.DATABASES.get("default", {}).get("ENGINE", ""))
    if not engine.endswith("sqlite3"):
        return []
    return [
        Error(
            "The database is SQLite, a single file on one server: no second app server "
            "or worker can share it, and it is not what wellled is tested and backed up "
            "with in production.",
            hint="Set DATABASE_URL to PostgreSQL (postgres://...). " + CONFIG_DOC,
            id="wellled.E005",
        )
    ]


def production_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """In production, none of the embedded defaults may remain."""
    if not getattr(settings, "PRODUCTION", False):
        return []
    return [*_email(), *_redis(), *_pepper(), *_database()]
