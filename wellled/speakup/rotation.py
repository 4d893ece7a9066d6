"""Rotating the epoch key: the writes behind docs/decisions/0008-speakup-epoch-keys.md.

Every stored wrap of a case key is sealed under the current epoch key (epochs.py).
A rotation makes a new key, re-seals every wrap under it, and afterwards destroys
every key but the new and the previous one, so that a case destroyed before the
previous epoch began cannot be opened from any database backup.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from wellled.core import audit
from wellled.core.types import Actor
from wellled.speakup import crypto, epochs
from wellled.speakup.models import CaseKey, Epoch

logger = logging.getLogger(__name__)

DEFAULT_EPOCH_DAYS = 30
_RESEAL_BATCH = 500


def epoch_days() -> int:
    return int(getattr(settings, "WELLLED_SPEAKUP_EPOCH_DAYS", DEFAULT_EPOCH_DAYS))


@dataclass
class Rotation:
    epoch: Epoch
    previous: str
    resealed: int
    unreadable: int


@transaction.atomic
def rotate_epoch(*, acting_user: Actor) -> Rotation:
    """Start a new epoch: a new key, durably in the key store first; every stored
    wrap re-sealed under it (the wraps only: no case content, and no guardian or
    code is needed because only the outer layer changes); then, once that has
    committed, every older key destroyed except the previous epoch's. The previous
    key is kept one more epoch so that a database backup taken before this rotation
    still opens. Interrupted at any point, the old keys are still there and the
    rotation can simply be run again."""
    if acting_user is not None and not acting_user.is_superuser:
        raise PermissionDenied
    # Serialises rotations (PostgreSQL); SQLite has one writer at a time anyway.
    list(Epoch.objects.select_for_update().filter(destroyed_at__isnull=True))
    previous = epochs.current()
    epoch, key = epochs.new_epoch()
    Epoch.objects.filter(retired_at__isnull=True).exclude(pk=epoch.pk).update(
        retired_at=epoch.created_at
    )
    resealed, unreadable = _reseal_wraps(epoch, key)
    epochs.record_pepper_check()
    if unreadable:
        logger.error(
            "speakup epoch rotation: %s wraps have no epoch key and stay unreadable", unreadable
        )
    audit.record(
        acting_user=acting_user,
        action="speakup.epoch_rotated",
        obj=epoch,
        after={
            "previous": previous.pk if previous else "",
            "resealed": resealed,
            "unreadable": unreadable,
        },
    )
    keep = {epoch.pk} | ({previous.pk} if previous else set())
    transaction.on_commit(lambda: _destroy_old_epoch_keys(acting_user=acting_user, keep=keep))
    return Rotation(
        epoch=epoch,
        previous=previous.pk if previous else "",
        resealed=resealed,
        unreadable=unreadable,
    )


def _reseal_wraps(epoch: Epoch, key: bytes) -> tuple[int, int]:
    """Re-seal every wrap not yet under the new epoch; how many were re-sealed, and
    how many could not be opened."""
    ring = epochs.KeyRing()
    resealed = unreadable = 0
    # Primary keys first: SQLite gives no isolation between a cursor and writes to
    # the table it reads.
    pks = list(CaseKey.objects.exclude(epoch=epoch.pk).values_list("pk", flat=True))
    for start in range(0, len(pks), _RESEAL_BATCH):
        rows = list(
            CaseKey.objects.select_for_update().filter(pk__in=pks[start : start + _RESEAL_BATCH])
        )
        changed = []
        for row in rows:
            try:
                inner = ring.open(row.epoch, row.wrapped)
            except crypto.CryptoError:
                # Its key is gone already (a restore older than the key store):
                # lost whatever we do; the start-up check reports it.
                unreadable += 1
                continue
            row.wrapped = crypto.seal_under_epoch(key, inner)
            row.epoch = epoch.pk
            changed.append(row)
        CaseKey.objects.bulk_update(changed, ["wrapped", "epoch"])
        resealed += len(changed)
    return resealed, unreadable


def _destroy_old_epoch_keys(*, acting_user: Actor, keep: set[str]) -> None:
    """After a rotation has committed: destroy every key in the store but the kept
    ones. A key a wrap still uses (written by a request that started before the
    rotation) stays until the next rotation re-seals that wrap."""
    with transaction.atomic():
        in_use = set(CaseKey.objects.values_list("epoch", flat=True).distinct())
        destroyed = sorted(
            epoch_id
            for epoch_id in epochs.stored_epoch_ids() - keep - in_use
            if epochs.destroy_key(epoch_id)
        )
        if not destroyed:
            return
        Epoch.objects.filter(pk__in=destroyed).update(destroyed_at=timezone.now())
        audit.record(
            acting_user=acting_user,
            action="speakup.epoch_keys_destroyed",
            after={"epochs": destroyed},
        )


def rotate_epoch_if_due(*, now: datetime.datetime | None = None) -> Rotation | None:
    """Rotate when the current epoch is WELLLED_SPEAKUP_EPOCH_DAYS old, or when wraps
    stored before epochs existed are waiting for their first seal (a daily task)."""
    current = epochs.current()
    moment = now or timezone.now()
    if current is None:
        due = CaseKey.objects.filter(epoch="").exists()
    else:
        due = moment - current.created_at >= datetime.timedelta(days=epoch_days())
        due = due or CaseKey.objects.filter(epoch="").exists()
    return rotate_epoch(acting_user=None) if due else None
