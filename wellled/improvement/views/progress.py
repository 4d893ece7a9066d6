"""The owner's pages: progress, milestones, evidence and completion (an owner, or a
manager of the action's part of the trust)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.views.decorators.http import require_http_methods

from wellled.core.adapters import posted
from wellled.core.types import AuthenticatedHttpRequest
from wellled.improvement import access, actions, sources
from wellled.improvement.forms import (
    CompleteForm,
    EvidenceForm,
    MilestoneDoneForm,
    MilestoneForm,
    ProgressForm,
)
from wellled.improvement.models import Action
from wellled.improvement.queries import get_action_for_user, get_milestone_for_user
from wellled.improvement.views._common import FormPage, form_page, measure_choices, refuse_unless


def _action_to_update(request: AuthenticatedHttpRequest, pk: int) -> Action:
    action = get_action_for_user(request.user, pk)
    refuse_unless(access.may_update(request.user, action))
    return action


@login_required
@require_http_methods(["GET", "POST"])
def action_progress(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    action = _action_to_update(request, pk)
    form = ProgressForm(posted(request), initial={"status": action.status})
    return form_page(
        request,
        action,
        form,
        lambda data: actions.record_progress(acting_user=request.user, action=action, **data),
        FormPage("Record progress", "Record the update", "The progress update has been recorded"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def milestone_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    action = _action_to_update(request, pk)
    return form_page(
        request,
        action,
        MilestoneForm(posted(request)),
        lambda data: actions.add_milestone(acting_user=request.user, action=action, **data),
        FormPage("Add a milestone", "Add the milestone", "The milestone has been added"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def milestone_done(request: AuthenticatedHttpRequest, pk: int, milestone_pk: int) -> HttpResponse:
    milestone = get_milestone_for_user(request.user, pk, milestone_pk)
    action = milestone.action
    refuse_unless(access.may_update(request.user, action))
    return form_page(
        request,
        action,
        MilestoneDoneForm(posted(request)),
        lambda data: actions.complete_milestone(
            acting_user=request.user, milestone=milestone, **data
        ),
        FormPage(
            f"Mark “{milestone.title}” as done",
            "Mark it done",
            f"The milestone “{milestone.title}” is done",
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def evidence_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    action = _action_to_update(request, pk)
    source = sources.describe([(action.source_kind, action.source_id)]).get(
        (action.source_kind, action.source_id)
    )
    form = EvidenceForm(
        posted(request),
        request.FILES if request.method == "POST" else None,
        measures=measure_choices(),
        initial={"statements": list(source.statement_ids) if source else []},
    )

    def write(data: Mapping[str, Any]) -> object:
        return actions.add_evidence(
            acting_user=request.user,
            action=action,
            kind=data["kind"],
            title=data["title"],
            description=data["description"],
            url=data["url"],
            upload=data["file"],
            measure_key=data["measure_key"],
            statement_ids=data["statements"],
            evidence_date=data["evidence_date"],
        )

    return form_page(
        request,
        action,
        form,
        write,
        FormPage(
            "Add evidence",
            "Add the evidence",
            "The evidence has been filed in the evidence library",
            intro="Evidence is filed in the assurance evidence library, tagged to the "
            "quality statements it supports, so it serves CQC without a second upload.",
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_complete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    action = _action_to_update(request, pk)
    form = CompleteForm(
        posted(request), measures=measure_choices(), initial={"measure": action.measure}
    )
    return form_page(
        request,
        action,
        form,
        lambda data: actions.complete_action(acting_user=request.user, action=action, **data),
        FormPage(
            "Complete the action",
            "Mark it done",
            "The action is done",
            intro="Add its evidence first: the action cannot be marked done without it.",
        ),
    )
