from __future__ import annotations

import datetime
import subprocess
import sys
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.db import DatabaseError, connection, transaction

from wellled.core import audit
from wellled.core.models import AuditEvent
from wellled.core.testing import make_user
from wellled.core.tests.audit_tampering import allow_tampering
from wellled.core.tests.subprocess_env import subprocess_env

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the append-only trigger exists on PostgreSQL only"
)


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
    allow_tampering()
    AuditEvent.objects.filter(seq=3).update(after={"i": 99})
    problems = list(audit.verify_chain())
    assert [p.seq for p in problems] == [3]
    assert "edited" in problems[0].problem
    assert str(problems[0]).startswith("event #3 (test.event, ")


@pytest.mark.django_db
def test_a_deleted_event_is_named() -> None:
    _write(5)
    allow_tampering()
    AuditEvent.objects.filter(seq=2).delete()
    problems = list(audit.verify_chain())
    assert problems and problems[0].seq == 3
    assert "#2" in problems[0].problem
    # One deletion, one problem: the broken link after a gap is not reported twice.
    assert len(problems) == 1


@pytest.mark.django_db
def test_deleting_the_first_events_is_named() -> None:
    _write(4)
    allow_tampering()
    AuditEvent.objects.filter(seq__in=[1, 2]).delete()
    problems = list(audit.verify_chain())
    assert [(p.seq, p.problem) for p in problems] == [
        (3, "events #1 to #2 have been deleted from before it")
    ]


@pytest.mark.django_db
def test_a_changed_actor_is_named() -> None:
    alice, mallory = make_user("alice"), make_user("mallory")
    for _ in range(3):
        with transaction.atomic():
            audit.record(acting_user=alice, action="test.event")
    allow_tampering()
    AuditEvent.objects.filter(seq=2).update(actor=mallory)
    assert [p.seq for p in audit.verify_chain()] == [2]


@pytest.mark.django_db
def test_a_rewritten_hash_breaks_the_next_link() -> None:
    _write(3)
    allow_tampering()
    event = AuditEvent.objects.get(seq=2)
    event.after = {"i": 99}
    event.hash = audit.event_hash(event)
    event.save()
    problems = list(audit.verify_chain())
    assert [p.seq for p in problems] == [2, 3]
    # Without the audit key the new hash cannot be signed.
    assert "is not signed by the audit key" in problems[0].problem
    assert "does not follow" in problems[1].problem


AWKWARD_VALUES: list[object] = [
    "Zoë O'Brien-Ñúñez 李小龍 🙂",
    'line\nbreak\ttab "quotes" \\ backslash </script>',
    Decimal("1234.50"),
    Decimal("-0.000001"),
    datetime.datetime(2026, 3, 29, 1, 30, 15, 123456, tzinfo=datetime.UTC),
    datetime.date(2026, 2, 28),
    uuid.UUID("12345678-1234-5678-1234-567812345678"),
    0.1,
    1.0,
    1e20,
    1.5e-7,
    123456789012345678.0,
    2**63 - 1,
    -(2**53) - 1,
    True,
    None,
    [],
    {},
    [1, [2, [3, {"deep": ["é", None, 2.5]}]], ("a", "tuple")],
    {"z": 1, "a": {"ü": [Decimal("2.00"), {"b": 1e-3}]}, "10": "numeric key"},
]


@pytest.mark.django_db
@pytest.mark.parametrize("value", AWKWARD_VALUES, ids=lambda value: type(value).__name__)
def test_awkward_values_keep_the_chain_intact(value: object) -> None:
    user = User.objects.create_user("zoë.obrien-李", "zoe@example.nhs.uk", "x" * 16)
    with transaction.atomic():
        audit.record(
            acting_user=user,
            action="test.awkward",
            object_repr="Zoë's record 🙂",
            before={"value": None},
            after={"value": value, "list": [value, value]},
        )
    # Reread from the database, as the verifier does: this is the round trip
    # (jsonb on PostgreSQL, text on SQLite) that must not change the hash.
    assert list(audit.verify_chain()) == []


@pytest.mark.django_db
def test_values_that_are_not_json_are_refused() -> None:
    with pytest.raises(ValueError), transaction.atomic():
        audit.record(acting_user=None, action="test.nan", after={"value": float("nan")})
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_record_refuses_to_run_outside_a_transaction() -> None:
    with pytest.raises(RuntimeError):
        audit.record(acting_user=None, action="test.event")


@postgresql_only
@pytest.mark.django_db
def test_postgresql_refuses_to_update_an_event() -> None:
    _write(2)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(seq=1).update(after={"i": 99})
    assert AuditEvent.objects.get(seq=1).after == {"i": 0}


@postgresql_only
@pytest.mark.django_db
def test_postgresql_refuses_to_delete_an_event() -> None:
    _write(2)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(seq=1).delete()
    assert AuditEvent.objects.count() == 2


WRITER = """
import sys
from django.db import transaction
from wellled.core import audit
writer = sys.argv[1]
for i in range(int(sys.argv[2])):
    with transaction.atomic():
        audit.record(acting_user=None, action="test.concurrent", object_id=f"{writer}-{i}",
                     after={"writer": writer, "i": i, "name": "Zoë"})
"""


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_fork_the_chain(tmp_path: Path) -> None:
    """Separate processes appending at once, as web workers and job workers do."""
    _write(1)
    env = subprocess_env(tmp_path)
    script = tmp_path / "writer.py"
    script.write_text(
        "import django, os, sys\n"
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'wellled.settings')\n"
        "django.setup()\n" + WRITER
    )
    writers = [
        subprocess.Popen([sys.executable, str(script), name, "25"], env=env)  # noqa: S603
        for name in ("a", "b", "c")
    ]
    assert [writer.wait(timeout=60) for writer in writers] == [0, 0, 0]
    check = subprocess.run(
        [sys.executable, "-m", "wellled.cli", "verify-audit"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert "76 events, no problems" in check.stdout
