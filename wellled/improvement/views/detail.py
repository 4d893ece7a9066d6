"""One action's page, and the page that raises an action on a source."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from wellled.core.adapters import crumbs, run_action
from wellled.core.types import AnyUser, AuthenticatedHttpRequest
from wellled.improvement import access, actions, sources
from wellled.improvement.forms import RaiseForm
from wellled.improvement.models import Action, Status
from wellled.improvement.queries import (
    get_action_for_user,
    get_source_to_raise_on,
    source_labels,
)
from wellled.improvement.register import role_label, sign_off_state, status_tag
from wellled.improvement.views._common import (
    executives_for,
    people_for,
    register_crumb,
)
from wellled.reports.queries import metrics_visible_to
from wellled.reports.sources import get_source


@dataclass(frozen=True)
class MeasureLink:
    label: str
    href: str  # its chart in the metric catalogue ("" if the reader cannot open one)


def measure_link(user: AnyUser, measure: str) -> MeasureLink | None:
    """ "Did it work?": the measure named on completion, by catalogue slug or by
    registered metric source key, linked to its SPC chart where the reader may see it."""
    if not measure:
        return None
    metric = metrics_visible_to(user).filter(Q(slug=measure) | Q(source_key=measure)).first()
    if metric is not None:
        return MeasureLink(metric.name, reverse("reports:metric", args=[metric.slug]))
    try:
        return MeasureLink(get_source(measure).title, "")
    except KeyError:
        return MeasureLink(measure, "")


def _permissions(user: Any, action: Action) -> dict[str, bool]:
    may_manage = access.may_manage(user, action)
    may_sign = access.may_sign_off(user, action)
    return {
        "can_update": action.is_open and access.may_update(user, action),
        "can_manage": may_manage,
        "can_replan": may_manage and action.is_open,
        "can_sign_off": may_sign and action.status == Status.DONE and action.needs_sign_off,
        "can_reopen": not action.is_open and (may_manage or may_sign),
    }


@login_required
@require_GET
def action_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    action = get_action_for_user(request.user, pk)
    today = timezone.localdate()
    source_type = sources.get(action.source_kind)
    return render(
        request,
        "improvement/detail.html",
        {
            "action": action,
            "tag": status_tag(action, today),
            "sign_off": sign_off_state(action),
            "sign_off_role": role_label(action.sign_off_role) if action.sign_off_role else "",
            "source": source_labels([action], request.user).get(
                (action.source_kind, action.source_id)
            ),
            "source_type": source_type.label if source_type else action.source_kind,
            "milestones": list(action.milestones.all()),
            "updates": list(action.updates.select_related("author")),
            "replans": list(action.replans.select_related("changed_by")),
            "evidence": list(action.evidence_links.select_related("item").order_by("pk")),
            "measure": measure_link(request.user, action.measure),
            "today": today,
            "breadcrumbs": crumbs(register_crumb(request.user)),
            **_permissions(request.user, action),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    source_id = request.GET.get("source_id", "")
    source_type, info, unit = get_source_to_raise_on(
        request.user, request.GET.get("source_kind", ""), source_id
    )
    form = RaiseForm(
        request.POST if request.method == "POST" else None,
        people=people_for(unit),
        executives=executives_for(unit),
        initial={"sign_off_role": source_type.sign_off_role},
    )

    def write(data: Mapping[str, Any]) -> Action:
        return actions.raise_action(
            acting_user=request.user,
            source_kind=source_type.kind,
            source_id=source_id,
            title=data["title"],
            description=data["description"],
            owner=data["owner"],
            executive=data["executive"],
            due_on=data["due_on"],
            milestones=form.milestone_plan(),
            sign_off_role=data["sign_off_role"],
        )

    if request.method == "POST":
        done = run_action(
            request,
            form,
            write,
            success="The action has been raised",
            then=lambda action: redirect("improvement:detail", pk=action.pk),
        )
        if done is not None:
            return done
    return render(
        request,
        "improvement/new.html",
        {
            "form": form,
            "source": info,
            "source_type": source_type,
            "unit": unit,
            "breadcrumbs": crumbs(register_crumb(request.user)),
        },
    )
