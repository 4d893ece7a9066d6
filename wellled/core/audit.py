"""The audit trail: append-only, hash-chained, written in the action's transaction.

Call `record(...)` from an action (inside its `transaction.atomic`) for every
write, and `record_view(...)` when someone opens a sensitive record.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils import timezone

from wellled.core import audit_keys
from wellled.core.audit_keys import AuditKey, AuditKeyError
from wellled.core.models import AuditEvent
from wellled.core.request_id import current_request_id
from wellled.core.types import Actor

GENESIS_HASH = "0" * 64
# Any fixed 64-bit number: the key of the PostgreSQL advisory lock that
# serialises appends to the chain.
_CHAIN_LOCK_KEY = 7_460_101_117_100_105


def _jsonable(value: Any) -> Any:
    """What a JSONField gives back after a round trip, so the hash stays stable.

    Decimals, dates and UUIDs become strings here, once, before hashing. NaN and
    infinity are refused: they are not JSON and PostgreSQL would reject them.
    """
    if value is None:
        return None
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, sort_keys=True, allow_nan=False))


def _canonical(value: Any) -> Any:
    # PostgreSQL's jsonb keeps numbers as exact decimals and prints a float such as
    # 1e20 back as the integer 100000000000000000000, which Python then reads as an
    # int. Hashing whole-valued floats as ints makes both spellings hash the same.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {key: _canonical(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_canonical(item) for item in value]
    return value


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
        "before": _canonical(before),
        "after": _canonical(after),
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
    # SQLite transactions here begin IMMEDIATE (see settings), which already
    # serialises writers. On PostgreSQL the advisory lock is held until the
    # outermost transaction ends, and the SELECT that follows it takes a fresh
    # snapshot under READ COMMITTED, so it sees the head the last writer committed.
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
    """Append one event. Must run inside the caller's transaction.

    Inside `bulk_append()` the event is held and written with the others when the
    block ends (its pk is None until then); its link in the chain is the same.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record must be called inside the action's transaction")
    if obj is not None:
        object_type, object_id, object_repr = object_label(obj)
    actor = acting_user if acting_user is not None and acting_user.is_authenticated else None
    pending = _pending()
    seq, prev_hash = pending.next_link() if pending is not None else _head_link()
    fields = {
        "seq": seq,
        "occurred_at": timezone.now(),
        "actor_id": actor.pk if actor is not None else None,
        "actor_label": actor.get_username() if actor is not None else "",
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "object_repr": object_repr[:200],
        "before": _jsonable(before),
        "after": _jsonable(after),
        "request_id": current_request_id(),
        "prev_hash": prev_hash,
    }
    event_hash_ = compute_hash(**fields)
    if pending is None:
        key = audit_keys.key_for_writing(next_seq=seq, prev_hash=prev_hash)
        return AuditEvent.objects.create(hash=event_hash_, mac=key.event_mac(event_hash_), **fields)
    return pending.hold(AuditEvent(hash=event_hash_, **fields))


def _head_link() -> tuple[int, str]:
    """The next event's (seq, prev_hash), read from the chain's head under its lock."""
    _lock_chain()
    last = AuditEvent.objects.order_by("-seq").only("seq", "hash").first()
    if last is None:
        return 1, GENESIS_HASH
    return last.seq + 1, last.hash


@dataclass
class _PendingEvents:
    """Events recorded inside `bulk_append()`, not yet written.

    The head of the chain is read once, under the chain's lock, and then carried
    in memory: each held event links to the one held before it, exactly as it
    would have linked to it in the database.
    """

    events: list[AuditEvent] = field(default_factory=list)
    head: tuple[int, str] | None = None
    key: AuditKey | None = None

    def next_link(self) -> tuple[int, str]:
        if self.head is None:
            return _head_link()
        return self.head[0] + 1, self.head[1]

    def hold(self, event: AuditEvent) -> AuditEvent:
        if self.key is None:
            # As for a single append: the key is made on first use, anchored to the
            # head this first event follows, and the same key signs every later one.
            self.key = audit_keys.key_for_writing(next_seq=event.seq, prev_hash=event.prev_hash)
        event.mac = self.key.event_mac(event.hash)
        self.head = (event.seq, event.hash)
        self.events.append(event)
        return event


_local = threading.local()


def _pending() -> _PendingEvents | None:
    return getattr(_local, "pending", None)


@contextmanager
def bulk_append(batch_size: int = 1000) -> Iterator[None]:
    """Hold every event recorded in the block and write them in bulk at its end.

    For loads of many writes at once (`wellled demo`). The chain is the one that
    single appends would have made: same seq, prev_hash, hash and signature for
    each event (tests/test_audit_bulk.py). Must be entered inside a transaction
    that encloses the writes, so the events commit with them; the chain's lock is
    taken at the first event and held to the end of that transaction. Events held
    are not in the database until the block ends; a nested block joins the outer.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.bulk_append must be used inside the load's transaction")
    if _pending() is not None:
        yield
        return
    pending = _PendingEvents()
    _local.pending = pending
    try:
        yield
    finally:
        _local.pending = None
    AuditEvent.objects.bulk_create(pending.events, batch_size=batch_size)


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
    action: str = ""
    occurred_at: datetime | None = None

    def __str__(self) -> str:
        if self.seq == 0:
            return self.problem[:1].upper() + self.problem[1:]
        if self.occurred_at is None:
            return f"event #{self.seq}: {self.problem}"
        when = self.occurred_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        return f"event #{self.seq} ({self.action}, {when}): {self.problem}"


def _problem(event: AuditEvent, problem: str) -> ChainProblem:
    return ChainProblem(event.seq, event.pk, problem, event.action, event.occurred_at)


def _load_key_for_checking() -> tuple[AuditKey | None, list[ChainProblem]]:
    try:
        key = audit_keys.load_key()
    except AuditKeyError as error:
        return None, [ChainProblem(0, None, str(error))]
    if key is None and AuditEvent.objects.exclude(mac="").exists():
        missing = (
            f"the audit key file {audit_keys.key_path()} does not exist, so the events' "
            "signatures cannot be checked"
        )
        return None, [ChainProblem(0, None, missing)]
    return key, []


def _signature_problems(event: AuditEvent, key: AuditKey | None) -> Iterator[ChainProblem]:
    if key is None:
        return
    if event.seq == key.keyed_from - 1 and event.hash != key.anchor_hash:
        yield _problem(
            event,
            "is not the event the audit key was anchored to: events written before the "
            "trail was keyed have been rewritten",
        )
    if event.seq >= key.keyed_from and not hmac.compare_digest(
        event.mac, key.event_mac(event.hash)
    ):
        yield _problem(
            event,
            "is not signed by the audit key: it was written or rewritten by someone "
            "without the key (directly in the database)",
        )


def verify_chain(
    batch_size: int = 2000, on_progress: Callable[[int], None] | None = None
) -> Iterator[ChainProblem]:
    """Walk the whole chain in order and yield every break in it.

    Besides the links, checks each event's signature under the audit key and,
    at the end, the signed checkpoints of the chain's head (audit_keys): deleting
    the newest events is shown by the last checkpoint taken before they went.
    `on_progress` is called with the number of events checked after each batch.
    """
    key, problems = _load_key_for_checking()
    yield from problems
    expected_prev = GENESIS_HASH
    expected_seq = 1
    queryset = AuditEvent.objects.order_by("seq")
    for checked, event in enumerate(queryset.iterator(chunk_size=batch_size), start=1):
        gap = event.seq != expected_seq
        if gap:
            missing = (
                f"event #{expected_seq} has"
                if event.seq == expected_seq + 1
                else f"events #{expected_seq} to #{event.seq - 1} have"
            )
            yield _problem(event, f"{missing} been deleted from before it")
        if event.prev_hash != expected_prev and not gap:
            # After a gap the link is broken by the deletion already reported.
            yield _problem(
                event,
                "does not follow the event before it (an earlier event was edited "
                "and its hash rewritten, or events were deleted and renumbered)",
            )
        if event_hash(event) != event.hash:
            yield _problem(event, "has been edited since it was written")
        yield from _signature_problems(event, key)
        expected_prev = event.hash
        expected_seq = event.seq + 1
        if on_progress is not None and checked % batch_size == 0:
            on_progress(checked)
    yield from checkpoint_problems(key)


def checkpoint_problems(key: AuditKey | None, batch_size: int = 500) -> Iterator[ChainProblem]:
    """Every signed checkpoint the chain no longer matches."""
    entries = audit_keys.read_checkpoints()
    where = audit_keys.checkpoint_path()
    readable = [entry for entry in entries if not isinstance(entry, int)]
    for entry in entries:
        if isinstance(entry, int):
            yield ChainProblem(0, None, f"line {entry} of {where} is not a checkpoint")
    for start in range(0, len(readable), batch_size):
        batch = readable[start : start + batch_size]
        found = dict(
            AuditEvent.objects.filter(seq__in=[c.seq for c in batch]).values_list("seq", "hash")
        )
        for checkpoint in batch:
            yield from _one_checkpoint(checkpoint, found.get(checkpoint.seq), key, where)


def _one_checkpoint(
    checkpoint: audit_keys.Checkpoint, current: str | None, key: AuditKey | None, where: Any
) -> Iterator[ChainProblem]:
    signed = key is not None and hmac.compare_digest(
        str(checkpoint.mac),
        key.checkpoint_mac(checkpoint.seq, checkpoint.hash, checkpoint.written_at),
    )
    taken = f"the checkpoint of {checkpoint.written_at} (line {checkpoint.line} of {where})"
    if not signed:
        yield ChainProblem(checkpoint.seq, None, f"{taken} is not signed by the audit key")
    elif current is None:
        yield ChainProblem(
            checkpoint.seq,
            None,
            f"is missing, though {taken} recorded it: the newest events have been deleted",
        )
    elif current != checkpoint.hash:
        yield ChainProblem(
            checkpoint.seq, None, f"does not match {taken}: it has been rewritten since"
        )


def write_checkpoint() -> audit_keys.Checkpoint | None:
    """Sign the chain's head into the checkpoint file (None while the trail is empty)."""
    head = chain_head()
    if head is None:
        return None
    key = audit_keys.key_for_writing(next_seq=head.seq + 1, prev_hash=head.hash)
    return audit_keys.append_checkpoint(key=key, seq=head.seq, event_hash=head.hash)


def chain_head() -> AuditEvent | None:
    return AuditEvent.objects.order_by("-seq").first()
