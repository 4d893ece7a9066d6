"""Pages of the equality app: the years held, one year's report, and the import."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from wellled.core.adapters import Crumb, crumbs, run_action
from wellled.core.types import AuthenticatedHttpRequest
from wellled.equality import actions, forms, outcomes
from wellled.equality.access import may_import
from wellled.equality.improvement_source import KIND
from wellled.equality.models import EqualityYear
from wellled.equality.queries import (
    get_year_for_user,
    history,
    inputs_by_year,
    report_lines,
    years_visible_to,
)
from wellled.organisation.access import Cap, require


def _crumbs() -> list[Crumb]:
    return crumbs(("Workforce equality", reverse("equality:index")))


@login_required
@require_GET
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(request.user, Cap.VIEW_EQUALITY)
    return render(
        request,
        "equality/index.html",
        {"years": list(years_visible_to(request.user)), "can_import": may_import(request.user)},
    )


@login_required
@require_GET
def report(request: AuthenticatedHttpRequest, standard: str, year: int) -> HttpResponse:
    equality_year = get_year_for_user(request.user, standard.upper(), year)
    inputs = inputs_by_year(equality_year.standard)
    judged = outcomes.outcomes(request.user, equality_year.standard, equality_year.year, inputs)
    rows_by_year = history(equality_year.standard, inputs)
    return render(
        request,
        "equality/report.html",
        {
            "equality_year": equality_year,
            "lines": report_lines(request.user, equality_year, rows_by_year),
            "outcomes": judged,
            "outcome_summary": outcomes.summary(judged),
            "can_raise": may_import(request.user),
            "action_kind": KIND,
            "breadcrumbs": _crumbs(),
        },
    )


def _import(request: AuthenticatedHttpRequest, data: Mapping[str, Any]) -> EqualityYear:
    rows, name = data["file"]
    return actions.import_year(
        acting_user=request.user,
        standard=data["standard"],
        year=data["year"],
        rows=rows,
        source_name=name,
        replace=data["replace"],
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_year(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(request.user, Cap.IMPORT_EQUALITY)
    form = forms.ImportForm(
        request.POST if request.method == "POST" else None, request.FILES or None
    )
    if request.method == "POST":
        done = run_action(
            request,
            form,
            lambda data: _import(request, data),
            success=lambda y: f"{y.standard} {y.year} imported",
            then=lambda y: redirect("equality:report", standard=y.standard, year=y.year),
        )
        if done:
            return done
    return render(request, "equality/import.html", {"form": form, "breadcrumbs": _crumbs()})
