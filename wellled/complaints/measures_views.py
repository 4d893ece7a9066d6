"""Pages for the complaints measures (board and governance read them) and exports.

The measures page shows aggregates only: no name, summary or reference ever
reaches it. Case-level exports (the CQC summary and the caseload) need the
complaints viewing capability and are scoped like the caseload.
"""

from __future__ import annotations

import datetime
import math
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from wellled.complaints import exports as ex
from wellled.complaints import ko41a
from wellled.complaints import measures as ms
from wellled.complaints.models import OPEN_STATUSES, Status
from wellled.core import audit
from wellled.core.nhsforms import NHSForm
from wellled.core.types import AnyUser, AuthenticatedHttpRequest
from wellled.organisation.access import Cap, can, require, scope_paths
from wellled.organisation.models import OrgUnit, UnitKind
from wellled.organisation.queries import units_within_scope
from wellled.reports.chartdata import ChartData

Date = datetime.date
MONTH_CHOICES = [("6", "6 months"), ("12", "12 months"), ("24", "24 months"), ("36", "36 months")]


def _units_in_scope(user: AnyUser, capability: Cap) -> QuerySet[OrgUnit]:
    units = units_within_scope(user, capability)
    return units.filter(kind__in=[UnitKind.SERVICE, UnitKind.SITE]).order_by("kind", "name")


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: OrgUnit) -> str:
        return f"{obj.name} ({obj.get_kind_display().lower()})"


class MeasuresFilterForm(NHSForm):
    breakdown = forms.ChoiceField(
        label="Break the figures down by", choices=list(ms.BREAKDOWNS.items()), required=False
    )
    months = forms.ChoiceField(label="Period", choices=MONTH_CHOICES, required=False)
    unit = UnitChoiceField(
        label="Only this service or site",
        queryset=OrgUnit.objects.none(),
        required=False,
        empty_label="All in your area",
    )
    measure = forms.ChoiceField(
        label="Measure",
        choices=[("", "All measures"), *((k, m.title) for k, m in ms.MEASURES.items())],
        required=False,
    )

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, forms.ModelChoiceField)
        unit_field.queryset = units


def _nan_to_none(values: Any) -> list[float | None]:
    return [None if v is None or math.isnan(v) else float(v) for v in values]


def timeliness_chart(series: list[tuple[Date, float | None]]) -> ChartData | None:
    """An XmR chart of the monthly share answered by the date due.

    Months with no response due have no value and are left out (an XmR chart
    takes no gaps); the chart says so.
    """
    from wellled.engines.spc import xmr

    points = [(month, value) for month, value in series if value is not None]
    measure = ms.MEASURES[ms.TIMELINESS]
    if not points:
        return None
    result = xmr([v for _, v in points], improvement=measure.improvement)
    one = result.series(0)
    warnings = list(one["warnings"])
    if len(points) < len(series):
        warnings.append(
            f"{len(series) - len(points)} month(s) had no response due and are not plotted"
        )
    variation = one["variation"]
    latest = points[-1]
    description = (
        f"{measure.title}, monthly from {points[0][0]:%B %Y} to {latest[0]:%B %Y}: "
        f"{latest[1]:.1f}% in the latest month"
    )
    if variation:
        description += f"; variation: {variation.replace('_', ' ')}"
    return ChartData(
        title=measure.title,
        unit=measure.unit,
        improvement=measure.improvement,
        periods=[month for month, _ in points],
        values=[v for _, v in points],
        mean=_nan_to_none(one["mean"]),
        lpl=_nan_to_none(one["lpl"]),
        upl=_nan_to_none(one["upl"]),
        point_types=list(one["point_type"]),
        variation=variation,
        assurance=one["assurance"],
        warnings=warnings,
        description=description + ".",
    )


def _format(measure: ms.Measure, cell: ms.Cell) -> str:
    if cell.value is None:
        return "\u2013"
    if measure.unit == "%":
        return f"{cell.value:.1f}% ({cell.numerator} of {cell.denominator})"
    if measure.unit == "days":
        return f"{cell.value:g}"
    return f"{int(cell.value)}"


@login_required
@require_GET
def measures(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(request.user, Cap.VIEW_COMPLAINT_MEASURES)
    paths = scope_paths(request.user, Cap.VIEW_COMPLAINT_MEASURES)
    form = MeasuresFilterForm(
        request.GET or None, units=_units_in_scope(request.user, Cap.VIEW_COMPLAINT_MEASURES)
    )
    breakdown, months, unit, only = "none", 12, None, ""
    if form.is_bound and form.is_valid():
        breakdown = form.cleaned_data["breakdown"] or "none"
        months = int(form.cleaned_data["months"] or 12)
        unit = form.cleaned_data["unit"]
        only = form.cleaned_data["measure"]
    today = timezone.localdate()
    end = ms.month_start(today)
    start = ms.add_month(end, -(months - 1))
    tables = []
    for key in ms.MEASURES:
        if only and key != only:
            continue
        table = ms.measure_table(
            key, start=start, end=end, breakdown=breakdown, paths=paths, unit=unit, today=today
        )
        tables.append(
            {
                "table": table,
                "rows": [
                    {"label": row.label, "cells": [_format(table.measure, c) for c in row.cells]}
                    for row in table.rows
                ],
            }
        )
    series = ms.monthly_series(ms.TIMELINESS, start, end, unit, paths=paths, today=today)
    chart = timeliness_chart(series)
    return render(
        request,
        "complaints/measures/measures.html",
        {
            "form": form,
            "tables": tables,
            "breakdown_label": ms.BREAKDOWNS[breakdown],
            "unit": unit,
            "chart": chart,
        },
    )


# Exports ---------------------------------------------------------------------

FORMATS = [("csv", "CSV (comma-separated values)"), ("xlsx", "Excel workbook (XLSX)")]


def _year_choices() -> list[tuple[str, str]]:
    current = ex.current_financial_year()
    return [(str(y), ex.year_label(y)) for y in range(current, current - 6, -1)]


class YearExportForm(NHSForm):
    year = forms.TypedChoiceField(
        label="Financial year (1 April to 31 March)",
        coerce=int,
        choices=_year_choices,
        required=False,
        empty_value=None,
    )
    by_site = forms.BooleanField(label="Split by site", required=False)
    format = forms.ChoiceField(label="File format", choices=FORMATS, required=False)


class KO41aExportForm(YearExportForm):
    layout = forms.ChoiceField(
        label="Layout",
        choices=[
            ("grid", "The collection's layout: one row per organisation and site"),
            ("long", "One row per item"),
        ],
        required=False,
    )
    # The collection's layout is always by site; the choice matters for the long form.
    by_site = forms.BooleanField(label="One row per item: split by site", required=False)
    field_order = ["year", "layout", "by_site", "format"]


class PeriodExportForm(NHSForm):
    months = forms.TypedChoiceField(
        label="Complaints received in the last",
        coerce=int,
        choices=MONTH_CHOICES,
        initial="12",
        required=False,
        empty_value=None,
    )
    format = forms.ChoiceField(label="File format", choices=FORMATS, required=False)


class CaseloadExportForm(NHSForm):
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Any open status")]
        + [(value, label) for value, label in Status.choices if value in OPEN_STATUSES],
    )
    overdue = forms.BooleanField(label="Overdue only", required=False)
    format = forms.ChoiceField(label="File format", choices=FORMATS, required=False)


# kind -> (title, capability, form class)
EXPORTS: dict[str, tuple[str, Cap, type[NHSForm]]] = {
    "ko41a": ("KO41a annual return", Cap.VIEW_COMPLAINT_MEASURES, KO41aExportForm),
    "reg18": ("Regulation 18 annual report figures", Cap.VIEW_COMPLAINT_MEASURES, YearExportForm),
    "cqc": ("CQC complaints summary (28-day request)", Cap.VIEW_COMPLAINTS, PeriodExportForm),
    "caseload": ("Caseload list", Cap.VIEW_COMPLAINTS, CaseloadExportForm),
}


@login_required
@require_GET
def exports(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(request.user, Cap.VIEW_COMPLAINT_MEASURES)
    offered = [
        {"kind": kind, "title": title, "form": form_class(prefix=kind)}
        for kind, (title, capability, form_class) in EXPORTS.items()
        if can(request.user, capability)
    ]
    return render(
        request,
        "complaints/measures/exports.html",
        # The CQC requests page is the complaints team's: linked only for them.
        {"offered": offered, "can_record_requests": can(request.user, Cap.MANAGE_COMPLAINTS)},
    )


def _sheet_for(request: AuthenticatedHttpRequest, kind: str, data: dict[str, Any]) -> ex.Sheet:
    if kind in ("ko41a", "reg18"):
        paths = scope_paths(request.user, Cap.VIEW_COMPLAINT_MEASURES)
        if kind == "ko41a" and data.get("layout") == "long":
            return ex.ko41a_return(start_year=data["year"], by_site=data["by_site"], paths=paths)
        if kind == "ko41a":
            return ko41a.ko41a_grid(start_year=data["year"], paths=paths)
        return ex.reg18_figures(start_year=data["year"], paths=paths)
    if kind == "cqc":
        today = timezone.localdate()
        start = ms.add_month(ms.month_start(today), -(data["months"] - 1))
        return ex.cqc_summary(user=request.user, start=start, end=today)
    return ex.caseload(user=request.user, status=data["status"], overdue=data["overdue"])


@login_required
@require_GET
def export_download(request: AuthenticatedHttpRequest, kind: str) -> HttpResponse:
    if kind not in EXPORTS:
        raise Http404("No such export")
    _title, capability, form_class = EXPORTS[kind]
    require(request.user, capability)
    form = form_class(request.GET, prefix=kind)
    if not form.is_valid():
        return render(
            request,
            "complaints/measures/exports.html",
            {
                "offered": [
                    {"kind": k, "title": t, "form": form if k == kind else f(prefix=k)}
                    for k, (t, cap, f) in EXPORTS.items()
                    if can(request.user, cap)
                ],
                "form": form,
            },
            status=400,
        )
    data = dict(form.cleaned_data)
    data["format"] = data.get("format") or "csv"
    if "year" in data and data["year"] is None:
        data["year"] = ex.current_financial_year()
    if "months" in data and data["months"] is None:
        data["months"] = 12
    sheet = _sheet_for(request, kind, data)
    if capability == Cap.VIEW_COMPLAINTS:
        # A list of cases leaves the system: who took it, and how many, is on the trail.
        with transaction.atomic():
            audit.record(
                acting_user=request.user,
                action="complaints.exported",
                object_type="complaints.export",
                object_id=kind,
                object_repr=sheet.title,
                after={"rows": len(sheet.rows), "format": data["format"]},
            )
    stamp = timezone.localdate().isoformat()
    if data["format"] == "xlsx":
        response = HttpResponse(
            ex.to_xlsx(sheet),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        extension = "xlsx"
    else:
        response = HttpResponse(ex.to_csv(sheet), content_type="text/csv; charset=utf-8")
        extension = "csv"
    response["Content-Disposition"] = (
        f'attachment; filename="complaints-{kind}-{stamp}.{extension}"'
    )
    response["Cache-Control"] = "no-store"
    return response
