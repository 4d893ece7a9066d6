"""Key wraps get random UUID keys, so their order says nothing about when a concern
arrived; and the per-day tally of reporters' actions.

Existing wraps keep working: each row gets a fresh random id, and nothing refers
to a wrap by its id. PostgreSQL cannot cast an integer to a uuid, so the column is
rewritten in place there; SQLite copies the table and the ids are then replaced.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import migrations, models

TABLE = "speakup_casekey"


def _uuid_field() -> models.UUIDField:
    return models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)


def random_ids(apps: Any, schema_editor: Any) -> None:
    connection = schema_editor.connection
    table = schema_editor.quote_name(TABLE)
    if connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {table} ALTER COLUMN id DROP IDENTITY IF EXISTS")
        schema_editor.execute(f"ALTER TABLE {table} ALTER COLUMN id DROP DEFAULT")
        schema_editor.execute(
            f"ALTER TABLE {table} ALTER COLUMN id TYPE uuid USING gen_random_uuid()"
        )
        return
    model = apps.get_model("speakup", "CaseKey")
    old = model._meta.get_field("id")
    new = _uuid_field()
    new.set_attributes_from_name("id")
    new.model = model
    schema_editor.alter_field(model, old, new)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM {table}")  # noqa: S608 - a fixed table name
        for (old_id,) in cursor.fetchall():
            # SQLite keeps a UUIDField as 32 hex digits.
            cursor.execute(
                f"UPDATE {table} SET id = %s WHERE id = %s",  # noqa: S608
                [uuid.uuid4().hex, old_id],
            )


class Migration(migrations.Migration):
    dependencies = [
        ("speakup", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(model_name="casekey", name="id", field=_uuid_field()),
            ],
            database_operations=[migrations.RunPython(random_ids, elidable=False)],
        ),
        migrations.CreateModel(
            name="ReporterTally",
            fields=[
                ("id", _uuid_field()),
                ("day", models.DateField()),
                ("action", models.CharField(max_length=60)),
                ("route", models.CharField(blank=True, default="", max_length=12)),
                ("count", models.PositiveIntegerField(default=0)),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("day", "action", "route"), name="speakup_one_tally_per_day"
                    )
                ],
            },
        ),
    ]
