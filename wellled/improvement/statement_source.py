"""A quality statement in a self-assessment round as a source of actions: a
statement scored low in a round gets an action with an owner and a date.

This lives here rather than in assurance because the improvement app already
builds on assurance (completion evidence goes into its library), and an app never
imports a module that feeds it.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.urls import reverse

from wellled.assurance import frameworks
from wellled.assurance.models import StatementAssessment
from wellled.core.types import AnyUser
from wellled.improvement import sources
from wellled.organisation.access import Cap, can
from wellled.organisation.models import Role

KIND = "assessment_statement"


def _ids(source_ids: Sequence[str]) -> list[int]:
    return [int(i) for i in source_ids if str(i).isdigit()]


def describe(source_ids: Sequence[str]) -> dict[str, sources.SourceInfo]:
    found: dict[str, sources.SourceInfo] = {}
    rows = StatementAssessment.objects.filter(pk__in=_ids(source_ids)).select_related("round")
    for row in rows:
        methodology = frameworks.get_framework(row.round.methodology_id)
        found[str(row.pk)] = sources.SourceInfo(
            label=f"{row.round.title}: {frameworks.statement_label(methodology, row.statement_id)}",
            href=reverse("assurance:score", args=[row.round_id, row.statement_id]),
            unit_id=row.round.scope_id,
            statement_ids=(row.statement_id,),
        )
    return found


def may_raise(user: AnyUser, source_id: str) -> bool:
    row = (
        StatementAssessment.objects.filter(pk__in=_ids([source_id]))
        .select_related("round__scope")
        .first()
    )
    if row is None:
        return False
    return row.owner_id == user.pk or can(user, Cap.MANAGE_ASSURANCE, row.round.scope)


def register() -> None:
    sources.register(
        sources.SourceType(
            kind=KIND,
            label="Self-assessment statement",
            describe=describe,
            may_raise=may_raise,
            evidence_required=True,
            sign_off_role=Role.EXECUTIVE,
        )
    )
