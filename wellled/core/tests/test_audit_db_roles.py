"""PostgreSQL: the application's role cannot rewrite the audit trail.

The roles are made in the test database by the scripts the deployment guide
gives (scripts/postgres-roles.sql, then scripts/postgres-grants.sql), under names
of the test's own; role creation is transactional, so the test's rollback removes
them. Each attempt runs in a savepoint, so one refusal does not end the test.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.core import checks
from django.db import DatabaseError, connection, transaction

from wellled.core import audit
from wellled.core.audit_checks import check_audit_table_role
from wellled.core.models import AuditEvent

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL roles"),
]

SCRIPTS = Path(settings.BASE_DIR) / "scripts"


def _statements(script: str, names: dict[str, str]) -> list[str]:
    text = (SCRIPTS / script).read_text()
    for name, replacement in names.items():
        text = text.replace(name, replacement)
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("--")]
    return [part.strip() for part in "\n".join(lines).split(";") if part.strip()]


@pytest.fixture
def app_role() -> Iterator[str]:
    suffix = secrets.token_hex(4)
    names = {"wellled_owner": f"wellled_owner_{suffix}", "wellled_app": f"wellled_app_{suffix}"}
    with connection.cursor() as cursor:
        # ALTER TABLE and role DDL refuse while deferred foreign key checks are pending.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for script in ("postgres-roles.sql", "postgres-grants.sql"):
            for statement in _statements(script, names):
                cursor.execute(statement)
        cursor.execute(f"SET ROLE {names['wellled_app']}")
    try:
        yield names["wellled_app"]
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")


def _refused(sql: str) -> str:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    except DatabaseError as error:
        return str(error)
    return ""


def test_the_app_role_can_add_and_read_events(app_role: str) -> None:
    with transaction.atomic():
        event = audit.record(acting_user=None, action="closure_day.added", object_id="1")
    assert AuditEvent.objects.get(pk=event.pk).hash == event.hash


@pytest.mark.parametrize(
    ("attempt", "refusal"),
    [
        ("UPDATE core_auditevent SET object_id = 'x'", "permission denied"),
        ("DELETE FROM core_auditevent", "permission denied"),
        ("TRUNCATE core_auditevent", "permission denied"),
        ("ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_append_only", "owner"),
        ("ALTER TABLE core_auditevent DISABLE TRIGGER ALL", "owner"),
        ("DROP TRIGGER core_auditevent_append_only ON core_auditevent", "owner"),
        ("ALTER TABLE core_auditevent OWNER TO CURRENT_USER", "owner"),
        ("DROP TABLE core_auditevent", "owner"),
        ("CREATE TABLE core_auditevent_copy (id int)", "permission denied"),
    ],
)
def test_the_app_role_cannot_rewrite_the_trail(app_role: str, attempt: str, refusal: str) -> None:
    with transaction.atomic():
        audit.record(acting_user=None, action="closure_day.added", object_id="1")
    assert refusal in _refused(attempt)
    assert AuditEvent.objects.filter(object_id="1").count() == 1


def test_check_deploy_is_quiet_for_the_app_role(app_role: str) -> None:
    assert check_audit_table_role() == []


def test_check_deploy_warns_when_the_app_can_rewrite_the_trail() -> None:
    """The test runs as a superuser that owns the table: everything is possible."""
    (warning,) = check_audit_table_role()
    assert warning.id == "core.W101"
    assert warning.level == checks.WARNING
    assert "owns the table" in warning.msg and "superuser" in warning.msg
