"""The backup and restore drill of docs/backup-and-restore.md, run end to end.

An installation with a trust, an anonymous speak-up concern and an uploaded file is
backed up as the guide says (the database, `MEDIA_ROOT`, the epoch key store, the
audit trail's key and checkpoint files where the release has them, and the audit
head recorded beside them), then restored into a new database and new
folders with the same secrets: `wellled check` and `wellled verify-audit
--expect-head` pass, and the file is back. Restored with a different pepper, the
check refuses to go on (speakup.E001), as the guide warns.

It runs the real `wellled` commands on SQLite files, so it does not use the test
database; the PostgreSQL steps (`pg_dump`/`pg_restore`) are the same sequence.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import sqlite3
import subprocess
import sys
import tarfile
from pathlib import Path

SEED = """
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from wellled.core.testing import build_trust
from wellled.speakup import actions
build_trust()
actions.submit_anonymous_concern(
    concern=actions.NewConcern(narrative="The drugs register is signed by one nurse.")
)
default_storage.save("drill/evidence.txt", ContentFile(b"kept with the database"))
"""


def _wellled(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    command = [str(Path(sys.executable).with_name("wellled")), *args]
    return subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=300, check=False
    )


def _installation(root: Path, *, secret: str, pepper: str) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(root),
        "DJANGO_SETTINGS_MODULE": "wellled.settings",
        "SECRET_KEY": secret,
        "WELLLED_SPEAKUP_PEPPER": pepper,
        "DATABASE_URL": f"sqlite:///{root / 'db.sqlite3'}",
        "WELLLED_VAR_DIR": str(root / "var"),
        "MEDIA_ROOT": str(root / "media"),
        "WELLLED_SPEAKUP_EPOCH_KEY_DIR": str(root / "epoch-keys"),
        "WELLLED_REQUIRE_2FA": "false",
        # The audit trail's key and checkpoints, where the release keeps them.
        "WELLLED_AUDIT_KEY_FILE": str(root / "audit" / "audit-key.json"),
        "WELLLED_AUDIT_CHECKPOINT_FILE": str(root / "audit" / "audit-checkpoints.jsonl"),
    }


AUDIT_FILES = ("WELLLED_AUDIT_KEY_FILE", "WELLLED_AUDIT_CHECKPOINT_FILE")


def _ok(result: subprocess.CompletedProcess[str]) -> str:
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    return output


def _back_up(live: dict[str, str], into: Path) -> str:
    """The guide's backup steps for SQLite; returns the audit head recorded with it."""
    into.mkdir()
    source = sqlite3.connect(live["DATABASE_URL"].removeprefix("sqlite:///"))
    with sqlite3.connect(into / "wellled.sqlite3") as copy:
        source.backup(copy)  # what `sqlite3 db.sqlite3 ".backup FILE"` does
    source.close()
    head = re.search(r"\b[0-9a-f]{64}\b", _ok(_wellled(live, "verify-audit")))
    assert head, "verify-audit prints the head hash"
    for name, folder in (("media", "MEDIA_ROOT"), ("epoch-keys", "WELLLED_SPEAKUP_EPOCH_KEY_DIR")):
        with tarfile.open(into / f"{name}.tar.gz", "w:gz") as archive:
            archive.add(live[folder], arcname=".")
    for setting in AUDIT_FILES:  # if the release has them
        if Path(live[setting]).exists():
            shutil.copyfile(live[setting], into / Path(live[setting]).name)
    return head.group(0)


def _restore(backup: Path, env: dict[str, str]) -> None:
    database = Path(env["DATABASE_URL"].removeprefix("sqlite:///"))
    database.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(backup / "wellled.sqlite3", database)
    for name, folder in (("media", "MEDIA_ROOT"), ("epoch-keys", "WELLLED_SPEAKUP_EPOCH_KEY_DIR")):
        with tarfile.open(backup / f"{name}.tar.gz") as archive:
            archive.extractall(env[folder], filter="data")
    for setting in AUDIT_FILES:
        kept = backup / Path(env[setting]).name
        if kept.exists():
            Path(env[setting]).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(kept, env[setting])


def test_a_backup_restores_into_a_new_database_and_passes_the_checks(tmp_path: Path) -> None:
    secret, pepper = secrets.token_urlsafe(48), secrets.token_urlsafe(32)
    live = _installation(tmp_path / "live", secret=secret, pepper=pepper)
    _ok(_wellled(live, "migrate", "--no-input"))
    _ok(_wellled(live, "shell", "-c", SEED))
    head = _back_up(live, tmp_path / "backup")

    restored = _installation(tmp_path / "restored", secret=secret, pepper=pepper)
    _restore(tmp_path / "backup", restored)

    assert restored["DATABASE_URL"] != live["DATABASE_URL"]
    _ok(_wellled(restored, "migrate", "--no-input"))
    _ok(_wellled(restored, "check", "--fail-level", "ERROR"))
    verified = _ok(_wellled(restored, "verify-audit", "--expect-head", head))
    assert head in verified
    kept = Path(restored["MEDIA_ROOT"]) / "drill" / "evidence.txt"
    assert kept.read_bytes() == b"kept with the database"

    # The settings that must match: another pepper is refused before anything starts.
    wrong = {**restored, "WELLLED_SPEAKUP_PEPPER": secrets.token_urlsafe(32)}
    refused = _wellled(wrong, "check", "--fail-level", "ERROR")
    assert refused.returncode != 0
    assert "speakup.E001" in refused.stdout + refused.stderr
