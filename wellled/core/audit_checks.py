"""System checks for the audit trail's defences (docs/audit-trail.md).

Kept apart from the other checks: each concerns only the audit key and the
database role the application runs as.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning
from django.db import DatabaseError, connection

from wellled.core import audit_keys
from wellled.core.models import AuditEvent

DOC = "See docs/audit-trail.md."


def check_audit_key(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Production refuses to start without the audit key, or with an unreadable one."""
    path = audit_keys.key_path()
    try:
        key = audit_keys.load_key()
    except audit_keys.AuditKeyError as error:
        return [
            Error(str(error), hint="Restore the key file from its backup. " + DOC, id="core.E102")
        ]
    if key is None and not settings.WELLLED_AUDIT_KEY_AUTOCREATE:
        return [
            Error(
                f"The audit key file {path} does not exist (WELLLED_AUDIT_KEY_FILE): "
                "without it no change can be recorded in the audit trail.",
                hint="Create it once with `wellled audit-key create`, keep it off the "
                "database server, and back it up. " + DOC,
                id="core.E101",
            )
        ]
    return []


# What the application's role must not be able to do to the audit table.
_FORBIDDEN = ("UPDATE", "DELETE", "TRUNCATE")


def check_audit_table_role(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """On PostgreSQL, the role the application connects as cannot rewrite the trail."""
    if connection.vendor != "postgresql":
        return []
    table = AuditEvent._meta.db_table
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT r.rolsuper, pg_get_userbyid(c.relowner) = current_user, "
                "has_table_privilege(c.oid, 'UPDATE'), has_table_privilege(c.oid, 'DELETE'), "
                "has_table_privilege(c.oid, 'TRUNCATE') FROM pg_class c, pg_roles r "
                "WHERE c.oid = %s::regclass AND r.rolname = current_user",
                [table],
            )
            row = cursor.fetchone()
    except DatabaseError:
        # No database yet (before `migrate`): nothing to check.
        return []
    if row is None:
        return []
    superuser, owner, *privileges = row
    powers = [p for p, held in zip(_FORBIDDEN, privileges, strict=True) if held]
    if superuser:
        powers.insert(0, "is a superuser")
    if owner:
        powers.insert(0, "owns the table, so it can disable its append-only trigger")
    if not powers:
        return []
    return [
        Warning(
            f"The database role wellled connects as can rewrite the audit trail "
            f"({table}): {'; '.join(powers)}.",
            hint="Run the application as a role that can only INSERT and SELECT there "
            "(scripts/postgres-roles.sql). " + DOC,
            id="core.W101",
        )
    ]
