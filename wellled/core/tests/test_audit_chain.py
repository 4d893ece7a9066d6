from __future__ import annotations

import pytest
from django.db import transaction

from wellled.core import audit
from wellled.core.models import AuditEvent


def _write(n: int) -> None:
    for i in range(n):
        with transaction.atomic():
            audit.record(acting_user=None, action="test.event", object_id=str(i), after={"i": i})


@pytest.mark.django_db
def test_an_intact_chain_verifies() -> None:
    _write(5)
    assert list(audit.verify_chain()) == []
    assert AuditEvent.objects.count() == 5


@pytest.mark.django_db
def test_an_edited_event_is_named() -> None:
    _write(5)
    AuditEvent.objects.filter(seq=3).update(after={"i": 99})
    problems = list(audit.verify_chain())
    assert [p.seq for p in problems] == [3]
    assert "edited" in problems[0].problem


@pytest.mark.django_db
def test_a_deleted_event_is_named() -> None:
    _write(5)
    AuditEvent.objects.filter(seq=2).delete()
    problems = list(audit.verify_chain())
    assert problems and problems[0].seq == 3
    assert "#2" in problems[0].problem


@pytest.mark.django_db(transaction=True)
def test_record_refuses_to_run_outside_a_transaction() -> None:
    with pytest.raises(RuntimeError):
        audit.record(acting_user=None, action="test.event")
