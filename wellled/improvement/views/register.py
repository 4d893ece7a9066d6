"""The trust-wide register of improvement actions, and its export to Excel."""

from __future__ import annotations

import datetime
from dataclasses import replace
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from wellled.core.spreadsheets import xlsx_response
from wellled.core.types import AuthenticatedHttpRequest
from wellled.improvement import register
from wellled.improvement.forms import RegisterFilterForm
from wellled.improvement.models import Action
from wellled.improvement.queries import (
    actions_visible_to,
    care_groups,
    filtered,
    register_order,
    with_people,
)
from wellled.organisation.access import Cap, require
from wellled.organisation.models import OrgUnit

PAGE_SIZE = 25


def _people(ids: QuerySet[Any]) -> QuerySet[User]:
    return User.objects.filter(pk__in=ids).order_by("first_name", "last_name", "username")


def _chosen(
    request: AuthenticatedHttpRequest, today: datetime.date
) -> tuple[RegisterFilterForm, QuerySet[Action], list[OrgUnit]]:
    """The filter form and the actions it leaves, of those the person may see."""
    visible = actions_visible_to(request.user)
    groups = care_groups()
    form = RegisterFilterForm(
        request.GET or None,
        groups=groups,
        owners=_people(visible.values("owner_id")),
        executives=_people(visible.values("executive_id")),
    )
    return form, filtered(visible, form.filters(), today), groups


def _page_links(paginator: Paginator[Action], number: int) -> list[dict[str, Any]]:
    return [
        {"number": n, "current": n == number, "ellipsis": n == Paginator.ELLIPSIS}
        for n in paginator.get_elided_page_range(number, on_each_side=2, on_ends=1)
    ]


@login_required
@require_GET
def action_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(request.user, Cap.VIEW_ACTIONS)
    today = timezone.localdate()
    form, actions, groups = _chosen(request, today)
    # The counts and summaries cover every state (the other filters still apply),
    # so that choosing "overdue" does not zero the count of actions at risk.
    every_state = filtered(
        actions_visible_to(request.user), replace(form.filters(), state=""), today
    )
    paginator = Paginator(with_people(register_order(actions, today)), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    kept = urlencode([(k, v) for k, v in request.GET.items() if k != "page" and v])
    # The counts link to the register in that state, keeping the other filters.
    others = urlencode([(k, v) for k, v in request.GET.items() if k not in ("page", "state") and v])
    return render(
        request,
        "improvement/list.html",
        {
            "form": form,
            "page": page,
            "rows": register.rows_for(page, groups, today, request.user),
            "page_links": _page_links(paginator, page.number),
            "query": kept,
            "state_query": f"?{others}&state=" if others else "?state=",
            "counts": register.counts(every_state, today),
            "summaries": [
                ("By executive", "Executive", register.by_executive(every_state, today)),
                ("By source", "Raised by", register.by_source(every_state, today)),
                (
                    "By care group",
                    "Care group",
                    register.by_care_group(every_state, groups, today),
                ),
            ],
        },
    )


@login_required
@require_GET
def action_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The filtered register as a spreadsheet: the same rows, every page."""
    require(request.user, Cap.VIEW_ACTIONS)
    today = timezone.localdate()
    _, actions, groups = _chosen(request, today)
    rows = register.rows_for(
        with_people(register_order(actions, today)), groups, today, request.user
    )
    return xlsx_response(
        f"improvement-actions-{today.isoformat()}",
        "Improvement actions",
        register.EXPORT_HEADERS,
        register.export_rows(rows, today),
    )
