"""Pages of the surveys app: the trust's results by year, one year, and the import."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from wellled.core.actions import start_job
from wellled.core.adapters import Crumb, crumbs, run_action
from wellled.core.models import Job
from wellled.core.types import AuthenticatedHttpRequest
from wellled.core.uploads import size_label
from wellled.organisation.access import Cap, can, require
from wellled.surveys import forms, importer
from wellled.surveys.measures import MEASURES
from wellled.surveys.queries import (
    get_survey_year_for_user,
    survey_years_visible_to,
    trust_ods_code,
    trust_series,
    year_rows,
)
from wellled.surveys.question_maps import question_maps


def _survey_crumbs() -> list[Crumb]:
    return crumbs(("Staff survey", reverse("surveys:index")))


@login_required
@require_GET
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(request.user, Cap.VIEW_SURVEYS)
    code = trust_ods_code()
    years = list(survey_years_visible_to(request.user))
    series = trust_series(code, list(MEASURES))
    rows = [
        {"measure": measure, "values": [series.get(y.year, {}).get(key) for y in years]}
        for key, measure in MEASURES.items()
        if any(key in values for values in series.values())
    ]
    return render(
        request,
        "surveys/index.html",
        {
            "code": code,
            "years": years,
            "rows": rows,
            "can_import": can(request.user, Cap.IMPORT_SURVEYS),
        },
    )


@login_required
@require_GET
def year_detail(request: AuthenticatedHttpRequest, year: int) -> HttpResponse:
    survey_year = get_survey_year_for_user(request.user, year)
    code = trust_ods_code()
    return render(
        request,
        "surveys/year.html",
        {
            "survey_year": survey_year,
            "code": code,
            "rows": year_rows(survey_year, code),
            "question_map": question_maps().get(survey_year.question_map_version),
            "breadcrumbs": _survey_crumbs(),
        },
    )


def _start_import(request: AuthenticatedHttpRequest, data: Mapping[str, Any]) -> Job:
    raw, kind, name = data["file"]
    year = data["year"]
    return start_job(
        acting_user=request.user,
        kind=importer.JOB_KIND,
        title=f"Import NHS Staff Survey {year} results",
        payload={
            "data": importer.encode_payload(raw),
            "kind": kind,
            "year": year,
            "version": data["question_map"],
            "source_name": name,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_results(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(request.user, Cap.IMPORT_SURVEYS)
    form = forms.ImportForm(
        request.POST if request.method == "POST" else None, request.FILES or None
    )
    if request.method == "POST":
        done = run_action(
            request,
            form,
            lambda data: _start_import(request, data),
            then=lambda job: redirect("core:job", job_id=job.id),
        )
        if done:
            return done
    return render(
        request,
        "surveys/import.html",
        {
            "form": form,
            "maps": list(question_maps().values()),
            "limit": size_label(settings.MAX_UPLOAD_BYTES),
            "breadcrumbs": _survey_crumbs(),
        },
    )
