"""The audit trail against an attacker who can rewrite the database but has no key.

Each test plays one line of the threat model in docs/audit-trail.md: Mallory has
SQL access to the database (the trigger switched off, as a table owner can) and
knows how the chain is hashed, but not the audit key, which is kept in a file on
the application servers, nor the checkpoint file beside it.
"""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from wellled.core import audit, audit_keys
from wellled.core.models import AuditEvent
from wellled.core.tests.audit_tampering import allow_tampering

pytestmark = pytest.mark.django_db


def _write(n: int) -> None:
    for i in range(n):
        with transaction.atomic():
            audit.record(acting_user=None, action="closure_day.added", object_id=str(i))


def _verify(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("verify_audit", *args, stdout=out)
    except CommandError as error:
        return error.returncode, out.getvalue() + str(error)
    return 0, out.getvalue()


def _rehash_from(seq: int) -> None:
    """Mallory re-links and re-hashes every event from `seq` on, as the code does."""
    previous = AuditEvent.objects.filter(seq__lt=seq).order_by("-seq").first()
    prev_hash = previous.hash if previous is not None else audit.GENESIS_HASH
    for event in AuditEvent.objects.filter(seq__gte=seq).order_by("seq"):
        event.prev_hash = prev_hash
        event.hash = audit.event_hash(event)
        event.save()
        prev_hash = event.hash


def _delete_and_renumber(seq: int) -> None:
    AuditEvent.objects.filter(seq=seq).delete()
    for event in AuditEvent.objects.filter(seq__gt=seq).order_by("seq"):
        event.seq -= 1
        event.save()


def test_every_event_is_signed_with_the_key_kept_outside_the_database() -> None:
    _write(3)
    key = audit_keys.load_key()
    assert key is not None
    # Made in the data directory on first use, outside production.
    assert audit_keys.key_path() == django_settings.WELLLED_AUDIT_KEY_FILE
    for event in AuditEvent.objects.all():
        assert event.mac == key.event_mac(event.hash)
    assert _verify()[0] == 0


@pytest.mark.parametrize("macs", ["kept", "blanked"])
def test_a_deleted_and_an_edited_event_rehashed_past_an_earlier_head_are_detected(
    macs: str,
) -> None:
    """Deleting one event, editing another and re-hashing all after: found."""
    _write(4)
    recorded_head = AuditEvent.objects.get(seq=4).hash
    _write(6)
    allow_tampering()
    _delete_and_renumber(6)
    AuditEvent.objects.filter(seq=8).update(object_id="someone else")
    _rehash_from(6)
    if macs == "blanked":
        AuditEvent.objects.filter(seq__gte=6).update(mac="")

    # The chain itself is consistent again: only the signatures give it away.
    assert not [p for p in audit.verify_chain() if "signed" not in p.problem]
    code, output = _verify("--expect-head", recorded_head)
    assert code == 1
    for seq in (6, 7, 8, 9):
        assert f"event #{seq} (closure_day.added, " in output
    assert "is not signed by the audit key" in output
    assert "4 problems" in output


def test_an_event_inserted_with_a_copied_signature_is_detected() -> None:
    _write(3)
    allow_tampering()
    real = AuditEvent.objects.get(seq=3)
    forged = AuditEvent(
        seq=4,
        occurred_at=real.occurred_at,
        action="closure_day.removed",
        object_id="42",
        prev_hash=real.hash,
        mac=real.mac,
    )
    forged.hash = audit.event_hash(forged)
    forged.save()
    code, output = _verify()
    assert code == 1
    assert "event #4 (closure_day.removed, " in output
    assert "is not signed by the audit key" in output


def _key_the_trail_now() -> None:
    """Events written before keying carry no signature; then the key is made."""
    audit_keys.key_path().unlink()
    AuditEvent.objects.update(mac="")
    call_command("audit_key", "create", stdout=io.StringIO())


def test_events_from_before_the_key_still_verify() -> None:
    _write(3)
    allow_tampering()
    _key_the_trail_now()
    key = audit_keys.load_key()
    assert key is not None
    assert (key.keyed_from, key.anchor_hash) == (4, AuditEvent.objects.get(seq=3).hash)
    _write(2)
    assert AuditEvent.objects.get(seq=3).mac == ""
    assert AuditEvent.objects.get(seq=4).mac == key.event_mac(AuditEvent.objects.get(seq=4).hash)
    code, output = _verify()
    assert code == 0, output
    assert "5 events, no problems" in output


def test_rewriting_events_from_before_the_key_is_detected_by_its_anchor() -> None:
    _write(3)
    allow_tampering()
    _key_the_trail_now()
    _write(2)
    AuditEvent.objects.filter(seq=2).update(object_id="someone else")
    # Mallory re-hashes the unsigned events only; the first signed one stays as it was.
    _rehash_from(2)
    AuditEvent.objects.filter(seq=4).update(prev_hash=AuditEvent.objects.get(seq=3).hash)
    code, output = _verify()
    assert code == 1
    assert "event #3 (closure_day.added, " in output
    assert "is not the event the audit key was anchored to" in output
    # And re-linking the signed event breaks its signature.
    assert "event #4 (closure_day.added, " in output


def test_deleting_the_newest_events_is_detected_by_a_signed_checkpoint() -> None:
    _write(5)
    call_command("audit_key", "checkpoint", stdout=io.StringIO())
    _write(2)
    allow_tampering()
    AuditEvent.objects.filter(seq__gte=5).delete()
    code, output = _verify()
    assert code == 1
    assert "event #5: is missing, though the checkpoint of " in output
    assert "the newest events have been deleted" in output


def test_events_newer_than_the_last_checkpoint_can_be_deleted_unseen() -> None:
    """The limit the threat model states: checkpoints come hourly."""
    _write(5)
    call_command("audit_key", "checkpoint", stdout=io.StringIO())
    _write(2)
    allow_tampering()
    AuditEvent.objects.filter(seq__gt=5).delete()
    assert _verify()[0] == 0


def test_a_rewritten_checkpoint_event_is_detected() -> None:
    _write(3)
    audit.write_checkpoint()
    allow_tampering()
    AuditEvent.objects.filter(seq=3).update(object_id="someone else")
    _rehash_from(3)
    code, output = _verify()
    assert code == 1
    assert "event #3: does not match the checkpoint of " in output


def test_a_forged_checkpoint_is_detected() -> None:
    _write(3)
    line = {"seq": 2, "hash": "a" * 64, "written_at": "2026-01-01T00:00:00+00:00", "mac": "b" * 64}
    audit_keys.checkpoint_path().write_text(json.dumps(line) + "\n")
    code, output = _verify()
    assert code == 1
    assert "is not signed by the audit key" in output


def test_signed_events_without_the_key_file_are_reported() -> None:
    _write(2)
    audit_keys.key_path().unlink()
    code, output = _verify()
    assert code == 1
    assert "signatures cannot be checked" in output


def test_the_key_file_is_never_replaced() -> None:
    _write(1)
    before = audit_keys.key_path().read_text()
    with pytest.raises(CommandError, match="already exists"):
        call_command("audit_key", "create", stdout=io.StringIO())
    assert audit_keys.key_path().read_text() == before


def test_without_autocreate_nothing_is_recorded_unsigned(settings: Any) -> None:
    """Production: no key, no write (and a system check refuses to start)."""
    settings.WELLLED_AUDIT_KEY_AUTOCREATE = False
    with pytest.raises(audit_keys.AuditKeyError, match="audit-key create"):
        _write(1)
    assert not AuditEvent.objects.exists()
