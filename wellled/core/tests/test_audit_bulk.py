"""A bulk append (`audit.bulk_append`, used by `wellled demo`) writes the chain
that single appends would have written, event for event."""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction

from wellled.core import audit
from wellled.core.models import AuditEvent
from wellled.core.testing import make_user

pytestmark = pytest.mark.django_db

CHAIN_FIELDS = (
    "seq",
    "occurred_at",
    "actor_id",
    "actor_label",
    "action",
    "object_id",
    "before",
    "after",
    "prev_hash",
    "hash",
    "mac",
)


class _Rollback(Exception):
    pass


class _Clock:
    """Each reading one second after the last, from a start that can be wound back."""

    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)

    def __init__(self) -> None:
        self.ticks = 0

    def __call__(self) -> datetime.datetime:
        self.ticks += 1
        return self.start + datetime.timedelta(seconds=self.ticks)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[_Clock]:
    """Fixed times, so a second run of the same writes can be compared whole."""
    fixed = _Clock()
    monkeypatch.setattr(audit.timezone, "now", fixed)
    yield fixed


def _record_some(actor: Any) -> None:
    for i in range(7):
        audit.record(
            acting_user=actor if i % 2 else None,
            action="test.bulk",
            object_id=str(i),
            before={"i": i - 1} if i else None,
            after={"i": i, "when": datetime.date(2026, 1, i + 1), "ratio": 0.5},
        )


def _chain_after(seq: int) -> list[tuple[Any, ...]]:
    return list(AuditEvent.objects.filter(seq__gt=seq).order_by("seq").values_list(*CHAIN_FIELDS))


def _verify_audit() -> str:
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


def test_a_bulk_append_writes_the_chain_single_appends_would(clock: _Clock) -> None:
    """Ana, loading the demo, gets the same events, links and signatures."""
    ana = make_user("ana")
    with transaction.atomic():
        audit.record(acting_user=ana, action="test.before", object_id="head")
    one_by_one: list[tuple[Any, ...]] = []
    with pytest.raises(_Rollback), transaction.atomic():
        _record_some(ana)
        one_by_one = _chain_after(1)
        raise _Rollback
    assert AuditEvent.objects.count() == 1
    assert len(one_by_one) == 7

    clock.ticks = 1  # the same times again, from the same head
    with transaction.atomic(), audit.bulk_append(batch_size=3):
        _record_some(ana)
        # Held, not yet written: nothing reads a half-written chain.
        assert AuditEvent.objects.count() == 1
    assert _chain_after(1) == one_by_one
    assert list(audit.verify_chain()) == []
    assert "The audit trail is intact: 8 events" in _verify_audit()


def test_single_appends_after_a_bulk_append_continue_its_chain() -> None:
    with transaction.atomic(), audit.bulk_append():
        for i in range(3):
            audit.record(acting_user=None, action="test.bulk", object_id=str(i))
    with transaction.atomic():
        audit.record(acting_user=None, action="test.single", object_id="after")
    assert list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True)) == [1, 2, 3, 4]
    assert list(audit.verify_chain()) == []


def test_a_failed_bulk_load_writes_nothing() -> None:
    with pytest.raises(_Rollback), transaction.atomic(), audit.bulk_append():
        audit.record(acting_user=None, action="test.bulk", object_id="1")
        raise _Rollback
    assert not AuditEvent.objects.exists()
    with transaction.atomic():
        audit.record(acting_user=None, action="test.single", object_id="1")
    assert AuditEvent.objects.get().seq == 1
    assert list(audit.verify_chain()) == []


@pytest.mark.django_db(transaction=True)
def test_a_bulk_append_outside_a_transaction_is_refused() -> None:
    with pytest.raises(RuntimeError, match="inside the load's transaction"), audit.bulk_append():
        pass  # pragma: no cover - refused on entry
