"""The audit trail: append-only, hash-chained, written in the action's transaction.

Call `record(...)` from an action (inside its `transaction.atomic`) for every
write, and `record_view(...)` when someone opens a sensitive record.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils import timezone

from wellled.core.middleware import current_request_id
from wellled.core.models import AuditEvent
from wellled.core.types import Actor

GENESIS_HASH = "0" * 64
# Any fixed 64-bit number: the key of the PostgreSQL advisory lock that
# serialises appends to the chain.
_CHAIN_LOCK_KEY = 7_460_101_117_100_105


def _jsonable(value: Any) -> Any:
    """What a JSONField gives back after a round trip, so the hash stays stable."""
    if value is None:
        return None
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, sort_keys=True))


def compute_hash(
    *,
    seq: int,
    occurred_at: datetime,
    actor_id: int | None,
    actor_label: str,
    action: str,
    object_type: str,
    object_id: str,
    object_repr: str,
    before: Any,
    after: Any,
    request_id: str,
    prev_hash: str,
) -> str:
    body = {
        "seq": seq,
        "occurred_at": occurred_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor_id": actor_id,
        "actor_label": actor_label,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "object_repr": object_repr,
        "before": before,
        "after": after,
        "request_id": request_id,
        "prev_hash": prev_hash,
    }
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()


def event_hash(event: AuditEvent) -> str:
    return compute_hash(
        seq=event.seq,
        occurred_at=event.occurred_at,
        actor_id=event.actor_id,
        actor_label=event.actor_label,
        action=event.action,
        object_type=event.object_type,
        object_id=event.object_id,
        object_repr=event.object_repr,
        before=event.before,
        after=event.after,
        request_id=event.request_id,
        prev_hash=event.prev_hash,
    )


def _lock_chain() -> None:
    # SQLite transactions here begin IMMEDIATE, which already serialises writers.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])


def object_label(obj: models.Model | None) -> tuple[str, str, str]:
    if obj is None:
        return "", "", ""
    meta = obj._meta
    return f"{meta.app_label}.{meta.model_name}", str(obj.pk), str(obj)[:200]


def record(
    *,
    acting_user: Actor,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event. Must run inside the caller's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record must be called inside the action's transaction")
    if obj is not None:
        object_type, object_id, object_repr = object_label(obj)
    actor = acting_user if acting_user is not None and acting_user.is_authenticated else None
    actor_id = actor.pk if actor is not None else None
    actor_label = actor.get_username() if actor is not None else ""
    _lock_chain()
    last = AuditEvent.objects.order_by("-seq").only("seq", "hash").first()
    seq = last.seq + 1 if last else 1
    prev_hash = last.hash if last else GENESIS_HASH
    occurred_at = timezone.now()
    fields = {
        "seq": seq,
        "occurred_at": occurred_at,
        "actor_id": actor_id,
        "actor_label": actor_label,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "object_repr": object_repr[:200],
        "before": _jsonable(before),
        "after": _jsonable(after),
        "request_id": current_request_id(),
        "prev_hash": prev_hash,
    }
    return AuditEvent.objects.create(hash=compute_hash(**fields), **fields)


def record_view(*, acting_user: Actor, obj: models.Model, reason: str = "") -> AuditEvent:
    """Record that someone opened a sensitive record."""
    with transaction.atomic():
        return record(
            acting_user=acting_user,
            action="record.viewed",
            obj=obj,
            after={"reason": reason} if reason else None,
        )


def diff(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the fields that changed, as (old values, new values)."""
    changed = [key for key in after if before.get(key) != after.get(key)]
    return {k: before.get(k) for k in changed}, {k: after.get(k) for k in changed}


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    event_id: int | None
    problem: str

    def __str__(self) -> str:
        return f"event #{self.seq}: {self.problem}"


def verify_chain(batch_size: int = 2000) -> Iterator[ChainProblem]:
    """Walk the whole chain in order and yield every break in it."""
    expected_prev = GENESIS_HASH
    expected_seq = 1
    queryset = AuditEvent.objects.order_by("seq")
    for event in queryset.iterator(chunk_size=batch_size):
        if event.seq != expected_seq:
            missing = (
                f"#{expected_seq}"
                if event.seq == expected_seq + 1
                else f"#{expected_seq} to #{event.seq - 1}"
            )
            yield ChainProblem(event.seq, event.pk, f"events {missing} have been deleted")
        if event.prev_hash != expected_prev:
            yield ChainProblem(
                event.seq,
                event.pk,
                "does not follow the event before it (an earlier event was edited or deleted)",
            )
        if event_hash(event) != event.hash:
            yield ChainProblem(event.seq, event.pk, "has been edited since it was written")
        expected_prev = event.hash
        expected_seq = event.seq + 1


def chain_head() -> AuditEvent | None:
    return AuditEvent.objects.order_by("-seq").first()
