"""The epoch key store: the secret outside the database that makes shredding hold
against database backups (docs/decisions/0008-speakup-epoch-keys.md).

Every stored wrap of a case key (`CaseKey.wrapped`) is sealed again under the
current epoch key. The keys are files in WELLLED_SPEAKUP_EPOCH_KEY_DIR, one per
epoch (`epoch-<id>.key`, base64). A rotation (`rotation.rotate_epoch`) re-seals every
live wrap under a new key and destroys the key of the epoch before the previous
one, so at most two keys exist: the current and the previous. A shredded case has
no wrap to re-seal: once the keys it was sealed under are destroyed, no database
backup opens it.

This module only reads and writes the files and the `Epoch` rows; the rotation
itself is an action.
"""

from __future__ import annotations

import base64
import binascii
import os
import secrets
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from wellled.speakup import crypto
from wellled.speakup.models import CaseKey, Epoch, SecretCheck

PEPPER_CHECK = "speakup-pepper"


class EpochKeyMissing(crypto.CryptoError):
    """The key file of an epoch is not in the key store (destroyed, or never restored)."""


def key_dir() -> Path:
    return Path(str(settings.WELLLED_SPEAKUP_EPOCH_KEY_DIR))


def key_path(epoch_id: str) -> Path:
    if not epoch_id.isalnum():
        raise EpochKeyMissing(f"not an epoch id: {epoch_id!r}")
    return key_dir() / f"epoch-{epoch_id}.key"


def _fsync_dir(path: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_key(epoch_id: str, key: bytes) -> None:
    """Write the key file atomically and durably: a temporary file, fsynced, renamed
    into place, then the directory fsynced; only then may anything be sealed under it."""
    directory = key_dir()
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    final = key_path(epoch_id)
    temporary = directory / f".epoch-{epoch_id}.key.tmp"
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, base64.b64encode(key) + b"\n")
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(temporary, final)
    _fsync_dir(directory)


def read_key(epoch_id: str) -> bytes:
    try:
        text = key_path(epoch_id).read_bytes()
    except FileNotFoundError:
        raise EpochKeyMissing(f"the key of epoch {epoch_id} is not in the key store") from None
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise crypto.CryptoError(f"the key file of epoch {epoch_id} is damaged") from None
    if len(key) != crypto.KEY_SIZE:
        raise crypto.CryptoError(f"the key file of epoch {epoch_id} is damaged")
    return key


def destroy_key(epoch_id: str) -> bool:
    """Delete the key file; True if there was one."""
    try:
        key_path(epoch_id).unlink()
    except FileNotFoundError:
        return False
    _fsync_dir(key_dir())
    return True


def stored_epoch_ids() -> set[str]:
    """Epoch ids with a key file (finished ones only, not temporary files)."""
    directory = key_dir()
    if not directory.is_dir():
        return set()
    return {
        path.name[len("epoch-") : -len(".key")]
        for path in directory.glob("epoch-*.key")
        if path.is_file()
    }


def key_opens_check(epoch: Epoch) -> bool:
    """Whether the key file is this epoch's key (and not, say, another install's)."""
    try:
        return crypto.open_under_epoch(read_key(epoch.id), epoch.check_value) == crypto.EPOCH_CHECK
    except crypto.CryptoError:
        return False


def current() -> Epoch | None:
    return Epoch.objects.filter(retired_at__isnull=True).first()


def new_epoch() -> tuple[Epoch, bytes]:
    """A new key, durably in the key store before its row is written."""
    key = crypto.new_epoch_key()
    epoch_id = secrets.token_hex(8)
    write_key(epoch_id, key)
    epoch = Epoch.objects.create(
        id=epoch_id,
        created_at=timezone.now(),
        check_value=crypto.seal_under_epoch(key, crypto.EPOCH_CHECK),
    )
    return epoch, key


def record_pepper_check() -> None:
    """Store the pepper check the first time a secret-dependent value is written."""
    SecretCheck.objects.get_or_create(name=PEPPER_CHECK, defaults={"value": crypto.pepper_check()})


def current_for_writing() -> tuple[str, bytes]:
    """The epoch id and key new wraps are sealed under; the first epoch is created
    on first use."""
    epoch = current()
    if epoch is None:
        with transaction.atomic():
            epoch, key = new_epoch()
            record_pepper_check()
        return epoch.id, key
    return epoch.id, read_key(epoch.id)


def seal_wrap(wrap: bytes) -> dict[str, object]:
    """The CaseKey fields for a wrap: `wrapped` sealed under the current epoch."""
    epoch_id, key = current_for_writing()
    return {"wrapped": crypto.seal_under_epoch(key, wrap), "epoch": epoch_id}


class KeyRing:
    """Epoch keys read once each, for opening many wraps in one call."""

    def __init__(self) -> None:
        self._keys: dict[str, bytes] = {}

    def open(self, epoch_id: str, stored: bytes | memoryview) -> bytes:
        """The wrap inside a stored value; CryptoError if its epoch key is gone.
        A wrap stored before epochs existed (no epoch) is returned as it is."""
        if not epoch_id:
            return bytes(stored)
        if epoch_id not in self._keys:
            self._keys[epoch_id] = read_key(epoch_id)
        return crypto.open_under_epoch(self._keys[epoch_id], stored)


def open_wrap(epoch_id: str, stored: bytes | memoryview) -> bytes:
    return KeyRing().open(epoch_id, stored)


def opened(row: CaseKey) -> bytes:
    """The wrap inside a stored CaseKey: every read of `wrapped` goes through here.
    CryptoError if its epoch key has been destroyed."""
    return open_wrap(row.epoch, row.wrapped)
