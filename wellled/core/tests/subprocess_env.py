"""Test support: run real wellled processes (worker, server) against the test database.

SQLite's test database lives in memory, so it is copied to a file the other
process can open; PostgreSQL's is a real database that tests using
`transaction=True` commit to, so the other process connects to it directly.
"""

from __future__ import annotations

import os
import socket
import sqlite3
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection


def database_url_for_subprocess(tmp_path: Path) -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        target = tmp_path / "wellled.sqlite3"
        connection.ensure_connection()
        with sqlite3.connect(target) as copy:
            connection.connection.backup(copy)
            # A deployed database is in WAL mode from `wellled migrate` on. The copy of an
            # in-memory one is not, and processes that start at once would race to convert
            # it: the loser is refused "database is locked" without waiting.
            copy.execute("PRAGMA journal_mode=WAL")
        return f"sqlite:///{target}"
    if connection.vendor == "postgresql":
        user = quote(settings["USER"] or "")
        password = f":{quote(settings['PASSWORD'])}" if settings["PASSWORD"] else ""
        host = settings["HOST"] or "localhost"
        port = f":{settings['PORT']}" if settings["PORT"] else ""
        return f"postgres://{user}{password}@{host}{port}/{settings['NAME']}"
    raise NotImplementedError(connection.vendor)


def subprocess_env(tmp_path: Path) -> dict[str, str]:
    """The environment of a wellled process with its own var dir and the embedded queue."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("CELERY_BROKER_URL", "REDIS_URL", "DATABASE_URL", "WELLLED_VAR_DIR")
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "wellled.settings",
            "WELLLED_VAR_DIR": str(tmp_path / "var"),
            "DATABASE_URL": database_url_for_subprocess(tmp_path),
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "WELLLED_REQUIRE_2FA": "false",
            "PYTHONUNBUFFERED": "1",
            # One deployment: the processes share the test's audit key.
            "WELLLED_AUDIT_KEY_FILE": str(settings.WELLLED_AUDIT_KEY_FILE),
            "WELLLED_AUDIT_CHECKPOINT_FILE": str(settings.WELLLED_AUDIT_CHECKPOINT_FILE),
        }
    )
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
