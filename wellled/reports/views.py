"""Pages of the metric catalogue and the Integrated Performance Report (IPR)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from wellled.core.adapters import crumbs, run_action
from wellled.core.models import Job
from wellled.core.types import AuthenticatedHttpRequest
from wellled.organisation.access import Cap, can, require
from wellled.organisation.models import OrgUnit
from wellled.reports import access, actions, forms, queries, sources
from wellled.reports.chartdata import ChartData
from wellled.reports.charting import (
    ASSURANCE_LABELS,
    POINT_TYPE_LABELS,
    VARIATION_LABELS,
    chart_for_metric,
    charts_for_metrics,
)
from wellled.reports.importing import COLUMNS, FileProblem, decode_upload
from wellled.reports.models import Domain, Metric, SourceKind, domain_rank
from wellled.reports.queries import (
    get_metric_for_user,
    get_rebase_for_user,
    last_month,
    metrics_visible_to,
)

# The IPR matrix: rows are variation icons, columns assurance icons, in MDC order.
VARIATION_ORDER = [
    "concern_high",
    "concern_low",
    "neither_high",
    "neither_low",
    "common_cause",
    "improvement_high",
    "improvement_low",
    "",
]
ASSURANCE_ORDER = ["fail", "hit_or_miss", "pass", ""]


def _catalogue_crumb() -> tuple[str, str]:
    return ("Metrics", reverse("reports:catalogue"))


def _metric_crumb(metric: Metric) -> tuple[str, str]:
    return (metric.name, reverse("reports:metric", args=[metric.slug]))


def _to_metric(metric: Metric) -> HttpResponse:
    return redirect("reports:metric", metric.slug)


@login_required
@require_GET
def catalogue(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not can(request.user, Cap.VIEW_METRICS) and not metrics_visible_to(request.user).exists():
        raise PermissionDenied
    metrics = metrics_visible_to(request.user).select_related("owner", "service")
    domains = dict(Domain.choices)
    grouped: dict[str, list[Metric]] = defaultdict(list)
    for metric in metrics.order_by("domain", "name"):
        grouped[str(domains.get(metric.domain, metric.domain))].append(metric)
    return render(
        request,
        "reports/catalogue.html",
        {
            "grouped": sorted(grouped.items()),
            "can_manage": access.can_manage(request.user),
        },
    )


def _unit_from(request: AuthenticatedHttpRequest) -> OrgUnit | None:
    raw = request.GET.get("service", "")
    if not raw.isdigit():
        return None
    return queries.reportable_units_for(request.user).filter(pk=int(raw)).first()


@login_required
@require_GET
def metric_detail(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    metric = get_metric_for_user(request.user, slug)
    unit = _unit_from(request) if metric.is_registered else None
    chart = chart_for_metric(metric, unit=unit)
    rebases = list(queries.rebases_of(metric))
    can_approve = access.can_approve_rebases(request.user, metric)
    return render(
        request,
        "reports/metric_detail.html",
        {
            "metric": metric,
            "chart": chart,
            "unit": unit,
            "narrative": queries.latest_narrative(metric),
            "annotations": list(queries.annotations_of(metric)),
            "rebases": [
                {
                    "rebase": r,
                    "can_approve": can_approve
                    and not r.is_approved
                    and r.requested_by_id != request.user.pk,
                }
                for r in rebases
            ],
            "can_manage": access.can_manage(request.user, metric),
            "can_write_narrative": access.can_write_narrative(request.user, metric),
            "variation_label": VARIATION_LABELS[chart.variation],
            "assurance_label": ASSURANCE_LABELS[chart.assurance],
            "point_type_labels": POINT_TYPE_LABELS,
            "source": _source_text(metric),
            "breadcrumbs": crumbs(_catalogue_crumb()),
        },
    )


def _source_text(metric: Metric) -> str:
    if metric.source_kind == SourceKind.IMPORTED:
        return "Imported series (CSV upload or API)"
    try:
        return f"Computed by wellled: {sources.get_source(metric.source_key).title}"
    except KeyError:
        return f"Computed by wellled ({metric.source_key}, not available in this system)"


def _initial(metric: Metric) -> dict[str, Any]:
    return {
        "name": metric.name,
        "definition": metric.definition,
        "owner": metric.owner_id,
        "unit": metric.unit,
        "improvement": metric.improvement,
        "frequency": metric.frequency,
        "domain": metric.domain,
        "service": metric.service_id or "",
        "target": metric.target,
        "target_from": metric.target_from,
        "target_to": metric.target_to,
        "profile": metric.profile,
        "baseline_points": metric.baseline_points,
        "is_active": metric.is_active,
    }


@login_required
@require_http_methods(["GET", "POST"])
def metric_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not access.can_manage(request.user):
        raise PermissionDenied
    form = forms.MetricForm(request.POST or None, initial={"profile": "mdc_excel_v5"})
    if request.method == "POST":
        done = run_action(
            request,
            form,
            lambda _data: actions.create_metric(acting_user=request.user, **form.action_kwargs()),
            success=lambda metric: f"Added {metric.name} to the catalogue",
            then=_to_metric,
        )
        if done:
            return done
    return render(
        request,
        "reports/metric_form.html",
        {
            "form": form,
            "title": "Add a metric",
            "breadcrumbs": crumbs(_catalogue_crumb()),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def metric_edit(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    metric = get_metric_for_user(request.user, slug, manage=True)
    form = forms.MetricForm(request.POST or None, initial=_initial(metric), editing=metric)
    if request.method == "POST":
        done = run_action(
            request,
            form,
            lambda _data: actions.update_metric(
                acting_user=request.user, metric=metric, **form.action_kwargs()
            ),
            success=lambda saved: f"Saved {saved.name}",
            then=_to_metric,
        )
        if done:
            return done
    return render(
        request,
        "reports/metric_form.html",
        {
            "form": form,
            "metric": metric,
            "title": f"Change {metric.name}",
            "breadcrumbs": crumbs(_catalogue_crumb(), _metric_crumb(metric)),
        },
    )


def _upload(request: AuthenticatedHttpRequest, metric: Metric | None) -> HttpResponse:
    imported = metrics_visible_to(request.user).filter(
        source_kind=SourceKind.IMPORTED, is_active=True
    )
    initial = {"metric": metric.slug} if metric else {}
    form = forms.UploadForm(
        request.POST or None, request.FILES or None, metrics=imported, initial=initial
    )
    if request.method == "POST":
        done = run_action(
            request,
            form,
            lambda data: _start_import(request, data, metric, imported),
            then=lambda job: redirect("core:job", job.id),
        )
        if done:
            return done
    trail = [_catalogue_crumb()] + ([_metric_crumb(metric)] if metric else [])
    return render(
        request,
        "reports/upload.html",
        {
            "form": form,
            "metric": metric,
            "columns": COLUMNS,
            "breadcrumbs": crumbs(*trail),
        },
    )


def _start_import(
    request: AuthenticatedHttpRequest,
    data: Mapping[str, Any],
    metric: Metric | None,
    imported: QuerySet[Metric],
) -> Job:
    """Queue the upload's rows for the metric chosen on the form (or the page's own)."""
    chosen = metric
    if data["metric"]:
        chosen = imported.filter(slug=data["metric"]).first()
    upload = data["file"]
    try:
        text = decode_upload(upload.read(), upload.name or "")
    except FileProblem as problem:
        # The file itself is wrong: say so beside the file field.
        raise ValidationError({"file": str(problem)}) from problem
    return actions.start_values_import(acting_user=request.user, text=text, metric=chosen)


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not access.can_manage(request.user):
        raise PermissionDenied
    return _upload(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def metric_upload(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    metric = get_metric_for_user(request.user, slug, manage=True)
    if metric.is_registered:
        messages.info(request, f"{metric.name} is computed by wellled: it has nothing to upload")
        return redirect("reports:metric", metric.slug)
    return _upload(request, metric)


@login_required
@require_GET
def upload_template(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not access.can_manage(request.user):
        raise PermissionDenied
    response = HttpResponse(
        "metric,period,value\r\nexample-metric,2026-01-01,42\r\nexample-metric,2026-02-01,45.5\r\n",
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="metric-values.csv"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def annotation_new(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    metric = get_metric_for_user(request.user, slug, manage=True)
    form = forms.AnnotationForm(request.POST or None)
    if request.method == "POST":
        done = run_action(
            request,
            form,
            lambda data: actions.add_annotation(acting_user=request.user, metric=metric, **data),
            success="Added the note to the chart",
            then=lambda _note: _to_metric(metric),
        )
        if done:
            return done
    return render(
        request,
        "reports/simple_form.html",
        {
            "form": form,
            "metric": metric,
            "title": f"Add a note to {metric.name}",
            "intro": "A note marks what happened in a period, such as a new pathway or "
            "a change in how the data is collected. It is numbered on the chart.",
            "button": "Add the note",
            "breadcrumbs": crumbs(_catalogue_crumb(), _metric_crumb(metric)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def rebase_new(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    metric = get_metric_for_user(request.user, slug, manage=True)
    form = forms.RebaseForm(request.POST or None)
    if request.method == "POST":
        done = run_action(
            request,
            form,
            lambda data: actions.request_rebase(acting_user=request.user, metric=metric, **data),
            success="Asked for the recalculation: it counts once an executive approves it",
            then=lambda _rebase: _to_metric(metric),
        )
        if done:
            return done
    return render(
        request,
        "reports/simple_form.html",
        {
            "form": form,
            "metric": metric,
            "title": f"Recalculate the limits of {metric.name}",
            "intro": "Recalculate the limits only when the process itself changed, not to "
            "hide a signal. The new limits count on the chart once an executive approves them.",
            "button": "Ask for the recalculation",
            "breadcrumbs": crumbs(_catalogue_crumb(), _metric_crumb(metric)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def rebase_approve(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    rebase = get_rebase_for_user(request.user, slug, pk)
    metric = rebase.metric
    if not access.can_approve_rebases(request.user, metric):
        raise PermissionDenied
    error = ""
    if request.method == "POST":
        try:
            actions.approve_rebase(acting_user=request.user, rebase=rebase)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, f"Approved recalculating {metric.name}")
            return redirect("reports:metric", metric.slug)
    elif rebase.is_approved:
        error = "This recalculation is already approved"
    elif rebase.requested_by_id == request.user.pk:
        error = "You asked for this recalculation: someone else must approve it"
    return render(
        request,
        "reports/rebase_approve.html",
        {
            "rebase": rebase,
            "metric": metric,
            "error": error,
            "breadcrumbs": crumbs(_catalogue_crumb(), _metric_crumb(metric)),
        },
    )


def _month_from(raw: str | None) -> datetime.date | None:
    if not raw:
        return None
    year, _, month = raw.partition("-")
    if not (year.isdigit() and month.isdigit() and len(year) == 4):
        return None
    try:
        return datetime.date(int(year), int(month), 1)
    except ValueError:
        return None


@login_required
@require_http_methods(["GET", "POST"])
def narrative(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    metric = get_metric_for_user(request.user, slug)
    if not access.can_write_narrative(request.user, metric):
        raise PermissionDenied
    month = _month_from(request.GET.get("month")) or last_month()
    existing = queries.narrative_for_month(metric, month)
    initial = (
        {"what": existing.what, "so_what": existing.so_what, "what_next": existing.what_next}
        if existing
        else {}
    )
    form = forms.NarrativeForm(request.POST or None, initial=initial)
    if request.method == "POST":
        done = run_action(
            request,
            form,
            lambda data: actions.write_narrative(
                acting_user=request.user, metric=metric, month=month, **data
            ),
            success=f"Saved the {month:%B %Y} narrative",
            then=lambda _narrative: _to_metric(metric),
        )
        if done:
            return done
    chart = chart_for_metric(metric, up_to=month)
    return render(
        request,
        "reports/narrative.html",
        {
            "form": form,
            "metric": metric,
            "month": month,
            "chart": chart,
            "breadcrumbs": crumbs(_catalogue_crumb(), _metric_crumb(metric)),
        },
    )


def _ipr_metrics(
    request: AuthenticatedHttpRequest, form: forms.IprFilterForm, units: QuerySet[OrgUnit]
) -> tuple[list[Metric], OrgUnit | None]:
    """The active metrics the filter asks for, and the service it narrows them to."""
    metrics = metrics_visible_to(request.user).filter(is_active=True).select_related("service")
    unit: OrgUnit | None = None
    if form.is_bound and form.is_valid():
        if form.cleaned_data["domain"]:
            metrics = metrics.filter(domain=form.cleaned_data["domain"])
        if form.cleaned_data["service"]:
            unit = units.filter(pk=form.cleaned_data["service"]).first()
    if unit is not None:
        # A service's own metrics, and the trust-wide computed ones narrowed to it.
        metrics = metrics.filter(service__path__startswith=unit.path) | metrics.filter(
            service__isnull=True, source_kind=SourceKind.REGISTERED
        )
    return list(metrics.order_by("domain", "name")), unit


def _ipr_entries(
    metrics: list[Metric], charts: list[ChartData], unit: OrgUnit | None
) -> list[dict[str, Any]]:
    """One entry per metric: its chart, latest narrative, link and latest value."""
    narratives = queries.latest_narratives(metrics)
    query = f"?service={unit.pk}" if unit else ""
    return [
        {
            "metric": metric,
            "chart": chart,
            "narrative": narratives.get(metric.pk),
            "href": reverse("reports:metric", args=[metric.slug]) + query,
            "anchor": f"metric-{metric.slug}",
            "latest": next((v for v in reversed(chart.values) if v is not None), None),
            "latest_period": chart.periods[-1] if chart.periods else None,
        }
        for metric, chart in zip(metrics, charts, strict=True)
    ]


def _ipr_matrix(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The summary matrix: a row per variation icon that has metrics, a column per
    assurance icon."""
    matrix = []
    for variation in VARIATION_ORDER:
        cells = [
            [
                e
                for e in entries
                if e["chart"].variation == variation and e["chart"].assurance == assurance
            ]
            for assurance in ASSURANCE_ORDER
        ]
        if any(cells):
            matrix.append(
                {"variation": variation, "label": VARIATION_LABELS[variation], "cells": cells}
            )
    return matrix


def _ipr_sections(entries: list[dict[str, Any]]) -> list[tuple[str, list[dict[str, Any]]]]:
    """The sections in CQC's order (safe, effective, caring, responsive, well-led),
    then the board's other headings: the same order as the board pack."""
    domains = dict(Domain.choices)
    sections: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for entry in entries:
        sections[entry["metric"].domain].append(entry)
    return [
        (str(domains.get(domain, domain)), sections[domain])
        for domain in sorted(sections, key=domain_rank)
    ]


@login_required
@require_GET
def ipr(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(request.user, Cap.VIEW_METRICS)
    units = queries.reportable_units_for(request.user)
    form = forms.IprFilterForm(request.GET or None, units=units)
    metrics, unit = _ipr_metrics(request, form, units)
    entries = _ipr_entries(metrics, charts_for_metrics(metrics, unit=unit), unit)
    return render(
        request,
        "reports/ipr.html",
        {
            "form": form,
            "unit": unit,
            "entries": entries,
            "matrix": _ipr_matrix(entries),
            "assurance_columns": [(a, ASSURANCE_LABELS[a]) for a in ASSURANCE_ORDER],
            "sections": _ipr_sections(entries),
            "month": last_month(),
            "can_read_packs": access.can_read_board_packs(request.user),
        },
    )
