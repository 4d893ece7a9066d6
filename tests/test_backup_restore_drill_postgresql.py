"""The backup and restore drill of docs/backup-and-restore.md on PostgreSQL.

The installation backed up is the test's own database: a trust, an anonymous
speak-up concern, an uploaded file and a signed checkpoint of the audit trail,
committed (`transaction=True`) so that another process sees them. It is backed up
with the guide's commands (`pg_dump -Fc`, the media and key store as archives, the
audit key and checkpoint files, the head `wellled verify-audit` prints), restored
with `pg_restore --no-owner` into a NEW database and new folders, and the real
`wellled migrate`, `check` and `verify-audit --expect-head` run against the copy.
With another pepper the check refuses (speakup.E001), as the guide warns.

The roles step (scripts/postgres-grants.sql) is tested on its own in
wellled/core/tests/test_audit_db_roles.py: roles are cluster-wide, so this test
does not make them.
"""

from __future__ import annotations

import re
import secrets
import shutil
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection

from wellled.core import audit
from wellled.core.testing import Trust
from wellled.core.tests.subprocess_env import database_url_for_subprocess, subprocess_env
from wellled.speakup import actions as speakup_actions
from wellled.speakup.models import Case

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump and pg_restore"),
    pytest.mark.skipif(
        not (shutil.which("pg_dump") and shutil.which("pg_restore")),
        reason="needs the PostgreSQL client programs",
    ),
]


def _run(command: list[str], env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"{command[0]} failed:\n{output}"
    return output


def _wellled(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    command = [str(Path(sys.executable).with_name("wellled")), *args]
    return subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def _ok(result: subprocess.CompletedProcess[str]) -> str:
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    return output


@pytest.fixture
def new_database() -> Iterator[str]:
    """An empty database beside the test's, dropped afterwards; its URL."""
    live = database_url_for_subprocess(Path("/nonexistent"))
    name = f"{connection.settings_dict['NAME']}_restored_{secrets.token_hex(4)}"
    maintenance = live.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(maintenance, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield live.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(maintenance, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _installation(env: dict[str, str], root: Path, database_url: str) -> dict[str, str]:
    """A wellled process's settings for an installation under root, with the test's secrets."""
    return {
        **env,
        "DATABASE_URL": database_url,
        "SECRET_KEY": settings.SECRET_KEY,
        "WELLLED_SPEAKUP_PEPPER": settings.WELLLED_SPEAKUP_PEPPER,
        "WELLLED_VAR_DIR": str(root / "var"),
        "MEDIA_ROOT": str(root / "media"),
        "WELLLED_SPEAKUP_EPOCH_KEY_DIR": str(root / "epoch-keys"),
        "WELLLED_AUDIT_KEY_FILE": str(root / "audit" / "audit-key.json"),
        "WELLLED_AUDIT_CHECKPOINT_FILE": str(root / "audit" / "audit-checkpoints.jsonl"),
    }


def _back_up(live: dict[str, str], into: Path) -> str:
    """The guide's backup steps; returns the audit head recorded with the dump."""
    into.mkdir()
    _run(["pg_dump", "-Fc", f"--file={into / 'wellled.dump'}", live["DATABASE_URL"]])
    head = re.search(r"\b[0-9a-f]{64}\b", _ok(_wellled(live, "verify-audit")))
    assert head, "verify-audit prints the head hash"
    for name in ("MEDIA_ROOT", "WELLLED_SPEAKUP_EPOCH_KEY_DIR"):
        with tarfile.open(into / f"{name}.tar.gz", "w:gz") as archive:
            archive.add(live[name], arcname=".")
    for name in ("WELLLED_AUDIT_KEY_FILE", "WELLLED_AUDIT_CHECKPOINT_FILE"):
        shutil.copyfile(live[name], into / Path(live[name]).name)
    return head.group(0)


def _restore(backup: Path, restored: dict[str, str]) -> None:
    """Steps 2 to 4: the key store, the database, the media and the audit files."""
    for name in ("WELLLED_SPEAKUP_EPOCH_KEY_DIR", "MEDIA_ROOT"):
        with tarfile.open(backup / f"{name}.tar.gz") as archive:
            archive.extractall(restored[name], filter="data")
    _run(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            f"--dbname={restored['DATABASE_URL']}",
            str(backup / "wellled.dump"),
        ]
    )
    for name in ("WELLLED_AUDIT_KEY_FILE", "WELLLED_AUDIT_CHECKPOINT_FILE"):
        Path(restored[name]).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(backup / Path(restored[name]).name, restored[name])


def test_a_postgresql_backup_restores_into_a_new_database_and_passes_the_checks(
    trust: Trust, tmp_path: Path, new_database: str, settings: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path / "live" / "media"
    speakup_actions.submit_anonymous_concern(
        concern=speakup_actions.NewConcern(narrative="The drugs register is signed by one nurse.")
    )
    default_storage.save("drill/evidence.txt", ContentFile(b"kept with the database"))
    assert audit.write_checkpoint() is not None
    env = subprocess_env(tmp_path)
    live = {
        **_installation(env, tmp_path / "live", env["DATABASE_URL"]),
        # The live installation's own files are where the test process wrote them.
        "WELLLED_SPEAKUP_EPOCH_KEY_DIR": str(settings.WELLLED_SPEAKUP_EPOCH_KEY_DIR),
        "WELLLED_AUDIT_KEY_FILE": str(settings.WELLLED_AUDIT_KEY_FILE),
        "WELLLED_AUDIT_CHECKPOINT_FILE": str(settings.WELLLED_AUDIT_CHECKPOINT_FILE),
    }
    head = _back_up(live, tmp_path / "backup")

    restored = _installation(env, tmp_path / "restored", new_database)
    _restore(tmp_path / "backup", restored)

    assert restored["DATABASE_URL"] != live["DATABASE_URL"]
    _ok(_wellled(restored, "migrate", "--no-input"))
    _ok(_wellled(restored, "check", "--fail-level", "ERROR"))
    verified = _ok(_wellled(restored, "verify-audit", "--expect-head", head))
    assert head in verified
    assert "intact" in verified
    kept = Path(restored["MEDIA_ROOT"]) / "drill" / "evidence.txt"
    assert kept.read_bytes() == b"kept with the database"
    with psycopg.connect(new_database) as copy:
        cases = copy.execute("SELECT count(*) FROM speakup_case").fetchone()
    assert cases == (Case.objects.count(),)
    assert cases != (0,)

    # The settings that must match: another pepper is refused before anything starts.
    wrong = {**restored, "WELLLED_SPEAKUP_PEPPER": secrets.token_urlsafe(32)}
    refused = _wellled(wrong, "check", "--fail-level", "ERROR")
    assert refused.returncode != 0
    assert "speakup.E001" in refused.stdout + refused.stderr
