"""The audit key and the signed checkpoints: what the database alone cannot forge.

The hash chain shows an edit, but whoever can write the table can also re-hash
every event after the one they changed. So each event also carries an HMAC of its
hash under a key kept outside the database (WELLLED_AUDIT_KEY_FILE), and the
chain's head is written out on a schedule as a signed checkpoint
(WELLLED_AUDIT_CHECKPOINT_FILE). The threat model is in docs/audit-trail.md.

The key file records, beside the key, the first event it signs (`keyed_from`) and
the hash of the event before that (`anchor_hash`): events written before the trail
was keyed carry no HMAC, and the anchor is what keeps them from being rewritten.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings

KEY_FILE_VERSION = 1


class AuditKeyError(Exception):
    """The audit key file is missing where it must exist, or cannot be read."""


@dataclass(frozen=True)
class AuditKey:
    secret: bytes
    keyed_from: int
    anchor_hash: str

    def event_mac(self, event_hash: str) -> str:
        return hmac.new(self.secret, f"event:{event_hash}".encode(), hashlib.sha256).hexdigest()

    def checkpoint_mac(self, seq: int, event_hash: str, written_at: str) -> str:
        message = f"checkpoint:{seq}:{event_hash}:{written_at}".encode()
        return hmac.new(self.secret, message, hashlib.sha256).hexdigest()


def key_path() -> Path:
    return Path(str(settings.WELLLED_AUDIT_KEY_FILE))


def checkpoint_path() -> Path:
    return Path(str(settings.WELLLED_AUDIT_CHECKPOINT_FILE))


_cache: dict[tuple[str, int], AuditKey] = {}


def load_key() -> AuditKey | None:
    """The audit key, or None if its file does not exist. Raises if it is unreadable."""
    path = key_path()
    try:
        stamp = (str(path), path.stat().st_mtime_ns)
    except FileNotFoundError:
        return None
    if stamp in _cache:
        return _cache[stamp]
    try:
        data = json.loads(path.read_text())
        key = AuditKey(
            secret=bytes.fromhex(data["key"]),
            keyed_from=int(data["keyed_from"]),
            anchor_hash=str(data["anchor_hash"]),
        )
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise AuditKeyError(f"The audit key file {path} cannot be read: {error}") from None
    if len(key.secret) < 32 or key.keyed_from < 1 or len(key.anchor_hash) != 64:
        raise AuditKeyError(f"The audit key file {path} is not a valid audit key")
    _cache.clear()
    _cache[stamp] = key
    return key


def create_key(*, keyed_from: int, anchor_hash: str) -> AuditKey:
    """Write a new key file that signs events from `keyed_from` on.

    Refuses to replace an existing file: a new key would orphan every event the
    old one signed.
    """
    path = key_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    body = {
        "version": KEY_FILE_VERSION,
        "key": secrets.token_hex(32),
        "keyed_from": keyed_from,
        "anchor_hash": anchor_hash,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise AuditKeyError(f"The audit key file {path} already exists") from None
    with os.fdopen(descriptor, "w") as handle:
        json.dump(body, handle, indent=2)
        handle.write("\n")
    key = load_key()
    assert key is not None
    return key


def key_for_writing(*, next_seq: int, prev_hash: str) -> AuditKey:
    """The key to sign the next event with, made on first use outside production.

    Called under the chain's lock, so `next_seq` and `prev_hash` are the head the
    new key anchors to. In production the key must have been provisioned
    (`wellled audit-key create`); a system check refuses to start without it.
    """
    key = load_key()
    if key is not None:
        return key
    if not settings.WELLLED_AUDIT_KEY_AUTOCREATE:
        raise AuditKeyError(
            f"The audit key file {key_path()} does not exist: create it with "
            "`wellled audit-key create` (docs/audit-trail.md)"
        )
    try:
        return create_key(keyed_from=next_seq, anchor_hash=prev_hash)
    except AuditKeyError:
        # Another process made it first.
        key = load_key()
        if key is None:
            raise
        return key


@dataclass(frozen=True)
class Checkpoint:
    line: int
    seq: int
    hash: str
    written_at: str
    mac: str


def append_checkpoint(*, key: AuditKey, seq: int, event_hash: str) -> Checkpoint:
    """Append a signed record of the chain's head to the checkpoint file."""
    written_at = datetime.now(UTC).isoformat(timespec="seconds")
    mac = key.checkpoint_mac(seq, event_hash, written_at)
    path = checkpoint_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps({"seq": seq, "hash": event_hash, "written_at": written_at, "mac": mac})
    with path.open("a") as handle:
        handle.write(line + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    return Checkpoint(0, seq, event_hash, written_at, mac)


def read_checkpoints() -> list[Checkpoint | int]:
    """Every checkpoint in the file, in order; an unreadable line is its line number."""
    try:
        lines = checkpoint_path().read_text().splitlines()
    except FileNotFoundError:
        return []
    found: list[Checkpoint | int] = []
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        try:
            data = json.loads(text)
            found.append(
                Checkpoint(
                    number,
                    int(data["seq"]),
                    str(data["hash"]),
                    str(data["written_at"]),
                    data["mac"],
                )
            )
        except (ValueError, KeyError, TypeError):
            found.append(number)
    return found
