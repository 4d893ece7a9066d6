"""Start-up checks that the server's secrets belong to this database.

A restore with the wrong SECRET_KEY or WELLLED_SPEAKUP_PEPPER, or without the epoch
key store, would otherwise look healthy and then refuse every receipt code, or open
no case, one person at a time. These checks run with `wellled check`, `wellled
serve` and every other command, and stop them with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning
from django.db import DatabaseError, transaction
from django.db.models import Count

from wellled.speakup import crypto, epochs
from wellled.speakup.models import CaseKey, Epoch, SecretCheck

RESTORE_DOC = "See 'Restoring' in docs/backup-and-restore.md."


@dataclass
class _Stored:
    """What the database says the secrets must be."""

    pepper: str | None
    live: dict[str, Epoch]
    wraps_by_epoch: dict[str, int]
    current: Epoch | None


def _read_stored() -> _Stored | None:
    """None when there is no database yet, or it is not migrated: `migrate` must
    still be able to run."""
    try:
        with transaction.atomic():
            return _Stored(
                pepper=SecretCheck.objects.filter(name=epochs.PEPPER_CHECK)
                .values_list("value", flat=True)
                .first(),
                live={row.pk: row for row in Epoch.objects.filter(destroyed_at__isnull=True)},
                wraps_by_epoch={
                    row["epoch"]: row["n"]
                    for row in CaseKey.objects.values("epoch").annotate(n=Count("pk")).order_by()
                },
                current=epochs.current(),
            )
    except DatabaseError:
        return None


def check_speakup_secrets(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    stored = _read_stored()
    if stored is None:
        return []
    problems: list[CheckMessage] = []
    if stored.pepper is not None and stored.pepper != crypto.pepper_check():
        problems.append(
            Error(
                "WELLLED_SPEAKUP_PEPPER (or SECRET_KEY, when no pepper is set) is not the "
                "secret this database was written with: every speak-up receipt code "
                "would be refused.",
                hint="Configure the secret that belongs with this database. " + RESTORE_DOC,
                id="speakup.E001",
            )
        )
    problems += _epoch_key_problems(stored)
    if stored.wraps_by_epoch.get("", 0):
        problems.append(
            Warning(
                f"{stored.wraps_by_epoch['']} stored case keys are not sealed under an epoch "
                "key yet, so destroying their cases would not hold against database backups.",
                hint="Run `wellled speakup_rotate_epoch`.",
                id="speakup.W001",
            )
        )
    return problems


def _epoch_key_problems(stored: _Stored) -> list[CheckMessage]:
    """Every epoch key a wrap (or the current epoch) needs: present, and the right one."""
    needed = {epoch_id for epoch_id in stored.wraps_by_epoch if epoch_id}
    if stored.current is not None:
        needed.add(stored.current.pk)
    in_store = epochs.stored_epoch_ids()
    directory = epochs.key_dir()
    problems: list[CheckMessage] = []
    for epoch_id in sorted(needed):
        count = stored.wraps_by_epoch.get(epoch_id, 0)
        if epoch_id not in in_store:
            problems.append(
                Error(
                    f"The speak-up epoch key {epoch_id} is not in {directory}: "
                    f"{count} stored case keys are sealed under it and cannot be opened.",
                    hint="Restore the epoch key store that goes with this database "
                    "(WELLLED_SPEAKUP_EPOCH_KEY_DIR). " + RESTORE_DOC,
                    id="speakup.E002",
                )
            )
        elif epoch_id in stored.live and not epochs.key_opens_check(stored.live[epoch_id]):
            problems.append(
                Error(
                    f"The file for speak-up epoch key {epoch_id} in {directory} is not "
                    "the key this database was written with.",
                    hint="It may come from another installation. " + RESTORE_DOC,
                    id="speakup.E003",
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


def check_suppression_threshold(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """The board's suppression threshold must be a whole number of at least 1.

    A typo here (a string, zero, a negative number) would otherwise reach the board
    page as a crash, or worse, as a threshold that hides nothing. A value below the
    default is allowed (a trust may have its own disclosure rules) but warned of,
    because counts from it up to 5 would then be shown to the board.
    """
    from wellled.speakup.reporting.periods import DEFAULT_SUPPRESS_BELOW

    value = getattr(settings, "WELLLED_SPEAKUP_SUPPRESS_BELOW", DEFAULT_SUPPRESS_BELOW)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        return [
            Error(
                f"WELLLED_SPEAKUP_SUPPRESS_BELOW is {value!r}: it must be a whole number of "
                "at least 1 (counts from 1 to it minus one are hidden from the board).",
                hint=f"Leave it unset for the default, {DEFAULT_SUPPRESS_BELOW} (counts of "
                f"1 to {DEFAULT_SUPPRESS_BELOW - 1} hidden). See docs/configuration.md.",
                id="speakup.E005",
            )
        ]
    if value < DEFAULT_SUPPRESS_BELOW:
        return [
            Warning(
                f"WELLLED_SPEAKUP_SUPPRESS_BELOW is {value}: speak-up counts from {value} to "
                f"{DEFAULT_SUPPRESS_BELOW - 1} are shown to the board, where small numbers "
                "can point at the person who spoke up.",
                hint="Confirm this is the trust's agreed disclosure rule, or leave it unset.",
                id="speakup.W002",
            )
        ]
    return []
