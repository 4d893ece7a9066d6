"""Pages for improvement actions (the trust-wide register and one action)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from wellled.core.types import AuthenticatedHttpRequest
from wellled.improvement.queries import get_action_for_user
from wellled.organisation.access import Cap, require


@login_required
@require_GET
def action_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(request.user, Cap.VIEW_ACTIONS)
    return render(request, "improvement/list.html", {})


@login_required
@require_GET
def action_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    action = get_action_for_user(request.user, pk)
    return render(request, "improvement/detail.html", {"action": action})
