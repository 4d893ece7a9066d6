"""A quality statement in a self-assessment round as a source of actions: a
statement scored low in a round gets an action with an owner and a date.

This lives here rather than in assurance because the improvement app already
builds on assurance (completion evidence goes into its library), and an app never
imports a module that feeds it.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.urls import reverse
from django.utils import timezone

from wellled.assurance import frameworks
from wellled.assurance.models import StatementAssessment
from wellled.assurance.panels import PanelRow, StatementPanel
from wellled.core.types import AnyUser
from wellled.improvement import sources
from wellled.improvement.queries import action_href, actions_for_sources
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
            # The statement's page in its round is for readers of assurance.
            opens_for=lambda user: can(user, Cap.VIEW_ASSURANCE),
        )
    )


def actions_panel(user: AnyUser, assessment: StatementAssessment) -> StatementPanel | None:
    """The statement's page in its round: the actions raised on it, and "raise an
    action" for whoever may. Each action is linked only where the reader may open it."""
    raised = list(actions_for_sources(KIND, [assessment.pk]))
    may = user.is_authenticated and may_raise(user, str(assessment.pk))
    if not raised and not may:
        return None
    today = timezone.localdate()
    rows = [
        PanelRow(
            label=action.title,
            value=f"{action.get_status_display()}, due {action.due_on:%-d %b %Y}",
            href=action_href(user, action),
            overdue=action.is_overdue(today),
        )
        for action in raised
    ]
    return StatementPanel(
        title="Actions on this statement",
        module="Improvement actions",
        rows=rows,
        empty_text="No action has been raised on this statement yet.",
        link_label="Raise an action on this statement" if may else "",
        link_href=reverse("improvement:new") + f"?source_kind={KIND}&source_id={assessment.pk}"
        if may
        else "",
    )
