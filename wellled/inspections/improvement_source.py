"""An inspection finding (must-do, should-do, notice, condition) as a source of
improvement actions, signed off by an executive as inspection actions always were."""

from __future__ import annotations

from collections.abc import Sequence

from django.urls import reverse

from wellled.core.types import AnyUser
from wellled.improvement import sources
from wellled.inspections import access
from wellled.inspections.models import Finding
from wellled.organisation.access import Cap, can
from wellled.organisation.models import Role

KIND = "inspection_finding"


def _ids(source_ids: Sequence[str]) -> list[int]:
    return [int(i) for i in source_ids if str(i).isdigit()]


def describe(source_ids: Sequence[str]) -> dict[str, sources.SourceInfo]:
    findings = (
        Finding.objects.filter(pk__in=_ids(source_ids))
        .select_related("inspection")
        .prefetch_related("statements")
    )
    return {
        str(finding.pk): sources.SourceInfo(
            label=(
                f"{finding.inspection.title}: {finding.get_kind_display()}"
                + (f" {finding.reference}" if finding.reference else "")
            ),
            href=reverse("inspections:detail", args=[finding.inspection_id]),
            unit_id=finding.inspection.scope_id,
            statement_ids=tuple(s.statement_id for s in finding.statements.all()),
        )
        for finding in findings
    }


def may_raise(user: AnyUser, source_id: str) -> bool:
    finding = (
        Finding.objects.filter(pk__in=_ids([source_id])).select_related("inspection__scope").first()
    )
    return finding is not None and access.may_manage(user, finding.inspection)


def register() -> None:
    sources.register(
        sources.SourceType(
            kind=KIND,
            label="Inspection finding",
            describe=describe,
            may_raise=may_raise,
            evidence_required=True,
            sign_off_role=Role.EXECUTIVE,
            opens_for=lambda user: can(user, Cap.VIEW_INSPECTIONS),
            # Whoever reads an inspection reads its actions; governance leads who
            # manage inspections update them, as they always have.
            viewers=Cap.VIEW_INSPECTIONS,
            managers=Cap.MANAGE_INSPECTIONS,
        )
    )
