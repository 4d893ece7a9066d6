"""The inspection pack: every current document tagged to a quality statement, as one ZIP."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from wellled.assurance import frameworks
from wellled.assurance.access import may_export
from wellled.core.actions import start_job
from wellled.core.models import Job

PACK_JOB_KIND = "assurance.inspection_pack"


@transaction.atomic
def start_inspection_pack(*, acting_user: User, statement_id: str) -> Job:
    """Queue the inspection pack (a ZIP: PDF index and documents) for one quality statement."""
    if not may_export(acting_user):
        raise PermissionDenied("You may not export evidence")
    methodology = frameworks.evidence_framework_methodology()
    item = frameworks.statement(methodology, statement_id)
    if item is None:
        raise ValidationError({"statement": f"Unknown quality statement {statement_id!r}"})
    return start_job(
        acting_user=acting_user,
        kind=PACK_JOB_KIND,
        title=f"Inspection pack: {item.label} {item.name}",
        payload={"statement_id": statement_id, "methodology_id": methodology.id},
    )
