"""Test support: tamper with the audit table the way an attacker with SQL access would.

On PostgreSQL the table refuses UPDATE and DELETE (migration 0002), so an attacker
must first disable the trigger; so do these tests. DDL is transactional there, so
the test's rollback switches the trigger back on.
"""

from __future__ import annotations

from django.db import connection

TRIGGER = "core_auditevent_append_only"


def allow_tampering() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # ALTER TABLE refuses while the test's inserts have deferred foreign
            # key checks pending: run them now, then defer again as Django does.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE core_auditevent DISABLE TRIGGER {TRIGGER}")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def restore_guard() -> None:
    """Switch the trigger back on, for tests whose tampering is committed."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE core_auditevent ENABLE TRIGGER {TRIGGER}")
