"""Start-up checks that the server's secrets belong to this database.

A restore with the wrong SECRET_KEY or WELLLED_SPEAKUP_PEPPER, or without the epoch
key store, would otherwise look healthy and then refuse every receipt code, or open
no case, one person at a time. These checks run with `wellled check`, `wellled
serve` and every other command, and stop them with the reason.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning
from django.db import DatabaseError, transaction
from django.db.models import Count

RESTORE_DOC = "See 'Restoring' in docs/backup-and-restore.md."


def check_speakup_secrets(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    from wellled.speakup import crypto, epochs
    from wellled.speakup.models import CaseKey, Epoch, SecretCheck

    try:
        with transaction.atomic():
            stored_pepper = (
                SecretCheck.objects.filter(name=epochs.PEPPER_CHECK)
                .values_list("value", flat=True)
                .first()
            )
            live = {row.pk: row for row in Epoch.objects.filter(destroyed_at__isnull=True)}
            wraps_by_epoch = {
                row["epoch"]: row["n"]
                for row in CaseKey.objects.values("epoch").annotate(n=Count("pk")).order_by()
            }
            current = epochs.current()
    except DatabaseError:
        # No database yet, or not migrated: `migrate` must still be able to run.
        return []

    problems: list[CheckMessage] = []
    if stored_pepper is not None and stored_pepper != crypto.pepper_check():
        problems.append(
            Error(
                "WELLLED_SPEAKUP_PEPPER (or SECRET_KEY, when no pepper is set) is not the "
                "secret this database was written with: every speak-up receipt code "
                "would be refused.",
                hint="Configure the secret that belongs with this database. " + RESTORE_DOC,
                id="speakup.E001",
            )
        )
    needed = {epoch_id for epoch_id in wraps_by_epoch if epoch_id}
    if current is not None:
        needed.add(current.pk)
    stored = epochs.stored_epoch_ids()
    directory = epochs.key_dir()
    for epoch_id in sorted(needed):
        count = wraps_by_epoch.get(epoch_id, 0)
        if epoch_id not in stored:
            problems.append(
                Error(
                    f"The speak-up epoch key {epoch_id} is not in {directory}: "
                    f"{count} stored case keys are sealed under it and cannot be opened.",
                    hint="Restore the epoch key store that goes with this database "
                    "(WELLLED_SPEAKUP_EPOCH_KEY_DIR). " + RESTORE_DOC,
                    id="speakup.E002",
                )
            )
        elif epoch_id in live and not epochs.key_opens_check(live[epoch_id]):
            problems.append(
                Error(
                    f"The file for speak-up epoch key {epoch_id} in {directory} is not "
                    "the key this database was written with.",
                    hint="It may come from another installation. " + RESTORE_DOC,
                    id="speakup.E003",
                )
            )
    if wraps_by_epoch.get("", 0):
        problems.append(
            Warning(
                f"{wraps_by_epoch['']} stored case keys are not sealed under an epoch key "
                "yet, so destroying their cases would not hold against database backups.",
                hint="Run `wellled speakup_rotate_epoch`.",
                id="speakup.W001",
            )
        )
    return problems


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
            id="speakup.E004",
        )
    ]
