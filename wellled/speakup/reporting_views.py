"""Pages of speak-up reporting: the guardians' national return and the board view."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString
from django.views.decorators.http import require_GET

from wellled.core.nhsforms import NHSForm
from wellled.core.types import AuthenticatedHttpRequest
from wellled.organisation.access import Cap, can, require
from wellled.reports.chartdata import ChartData
from wellled.reports.charts import render_chart_svg
from wellled.speakup import reporting
from wellled.speakup.reporting import FieldSet, Quarter
from wellled.surveys.measures import MEASURES, RAISING_CONCERNS
from wellled.surveys.queries import trust_ods_code, trust_series

BOARD_QUARTERS = 8


class ReturnForm(NHSForm):
    quarter = forms.ChoiceField(label="Quarter")
    field_set = forms.ChoiceField(
        label="Field set",
        required=False,
        help_text=(
            "The version of the return's fields. Leave it to use the one in force for the quarter"
        ),
    )

    def __init__(self, *args: Any, today: datetime.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Every quarter a field set covers, newest first.
        first = min(s.valid_from for s in reporting.field_sets().values())
        quarters = [Quarter.containing(today)]
        while quarters[-1].previous().start >= first:
            quarters.append(quarters[-1].previous())
        quarter_field = self.fields["quarter"]
        assert isinstance(quarter_field, forms.ChoiceField)
        quarter_field.choices = [(q.slug, f"{q.label} ({q.months_label})") for q in quarters]
        set_field = self.fields["field_set"]
        assert isinstance(set_field, forms.ChoiceField)
        set_field.choices = [
            ("", "The field set in force for the quarter"),
            *[
                (v, f"{v}: {s.owner}, from {s.valid_from:%-d %B %Y}")
                for v, s in reporting.field_sets().items()
            ],
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        slug = cleaned.get("quarter")
        if slug:
            quarter = Quarter.parse(slug)
            cleaned["quarter"] = quarter
            version = cleaned.get("field_set")
            if version:
                cleaned["field_set"] = reporting.field_sets()[version]
            else:
                try:
                    cleaned["field_set"] = reporting.field_set_for(quarter)
                except LookupError as problem:
                    raise ValidationError({"quarter": str(problem)}) from None
        return cleaned


def _default_quarter(today: datetime.date) -> Quarter:
    # The return is made after a quarter ends: offer the last complete one.
    return Quarter.containing(today).previous()


def _return_inputs(
    request: AuthenticatedHttpRequest,
) -> tuple[ReturnForm, Quarter | None, FieldSet | None]:
    require(request.user, Cap.READ_SPEAKUP_CASES)
    today = timezone.localdate()
    data = request.GET if "quarter" in request.GET else None
    if data is None:
        quarter = _default_quarter(today)
        form = ReturnForm({"quarter": quarter.slug}, today=today)
    else:
        form = ReturnForm(data, today=today)
    if form.is_valid():
        return form, form.cleaned_data["quarter"], form.cleaned_data["field_set"]
    return form, None, None


@login_required
@require_GET
def national_return(request: AuthenticatedHttpRequest) -> HttpResponse:
    form, quarter, field_set = _return_inputs(request)
    rows = reporting.national_return(quarter, field_set=field_set) if quarter and field_set else []
    query = (
        request.GET.urlencode()
        if "quarter" in request.GET
        else f"quarter={quarter.slug}"
        if quarter
        else ""
    )
    grouped: list[dict[str, Any]] = []
    for row in rows:
        if grouped and grouped[-1]["key"] == row.key and row.category:
            grouped[-1]["categories"].append(row)
            grouped[-1]["count"] += row.count
        else:
            grouped.append(
                {
                    "key": row.key,
                    "label": row.label,
                    "categories": [row] if row.category else [],
                    "count": row.count,
                }
            )
    return render(
        request,
        "speakup/reporting/return.html",
        {
            "form": form,
            "quarter": quarter,
            "field_set": field_set,
            "caveats": reporting.caveats(field_set) if field_set else [],
            "fields": grouped,
            "query": query,
            "can_see_board": can(request.user, Cap.VIEW_SPEAKUP_MEASURES),
        },
    )


def _export(request: AuthenticatedHttpRequest, kind: str) -> HttpResponse:
    form, quarter, field_set = _return_inputs(request)
    if quarter is None or field_set is None:
        return render(
            request,
            "speakup/reporting/return.html",
            {"form": form, "quarter": None, "fields": [], "query": ""},
            status=400,
        )
    rows = reporting.national_return(quarter, field_set=field_set)
    name = f"speak-up-return-{quarter.slug}-{field_set.version}"
    if kind == "csv":
        response = HttpResponse(
            reporting.return_csv(quarter, field_set, rows), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    response = HttpResponse(
        reporting.return_xlsx(quarter, field_set, rows),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


@login_required
@require_GET
def national_return_csv(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _export(request, "csv")


@login_required
@require_GET
def national_return_xlsx(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _export(request, "xlsx")


def _confidence_years() -> tuple[dict[int, dict[str, float | None]], list[tuple[str, str]]]:
    series = trust_series(trust_ods_code(), RAISING_CONCERNS)
    shown = [key for key in RAISING_CONCERNS if any(key in v for v in series.values())]
    years = {
        year: {key: (float(values[key]) if key in values else None) for key in shown}
        for year, values in series.items()
    }
    return years, [(key, MEASURES[key].title) for key in shown]


def _chart(
    title: str, unit: str, improvement: str, points: list[tuple[int, float | None]], prefix: str
) -> SafeString | None:
    """A line of yearly values drawn by the reports module (with two values or more)."""
    if sum(1 for _, value in points if value is not None) < 2:
        return None
    chart = ChartData(
        title=title,
        unit=unit,
        improvement=improvement,
        periods=[datetime.date(year, 1, 1) for year, _ in points],
        values=[value for _, value in points],
        mean=[None] * len(points),
        lpl=[None] * len(points),
        upl=[None] * len(points),
        point_types=["common_cause" if value is not None else "" for _, value in points],
        variation="",
        assurance="",
    )
    return render_chart_svg(chart, width=640, height=260, id_prefix=prefix)


@login_required
@require_GET
def board(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(request.user, Cap.VIEW_SPEAKUP_MEASURES)
    can_see_surveys = can(request.user, Cap.VIEW_SURVEYS)
    # Computed for everyone alike, so the suppression is the same whoever looks.
    years, measure_titles = _confidence_years()
    today = timezone.localdate()
    quarters = reporting.recent_quarters(BOARD_QUARTERS, today)
    report = reporting.board_report(quarters, today=today, confidence_years=years)
    charts: list[SafeString] = []
    if can_see_surveys and report.confidence and measure_titles:
        key, title = measure_titles[0]
        for measure_key, measure_title in measure_titles:
            if measure_key == "safe_to_speak_up":
                key, title = measure_key, measure_title
        confidence_chart = _chart(
            f"Staff survey: {title} (%)",
            "%",
            "increase",
            [(row.survey_year, row.measures.get(key)) for row in report.confidence],
            "speakup-confidence",
        )
        volume_chart = _chart(
            "Concerns raised in the financial year starting in the survey year",
            "count",
            "neither",
            [
                (
                    row.survey_year,
                    None
                    if row.concerns is None or row.concerns.value is None
                    else float(row.concerns.value),
                )
                for row in report.confidence
            ],
            "speakup-volumes",
        )
        charts = [c for c in (confidence_chart, volume_chart) if c is not None]
    return render(
        request,
        "speakup/reporting/board.html",
        {
            "report": report,
            "measure_titles": measure_titles,
            "charts": charts,
            "can_see_surveys": can_see_surveys,
            "current": Quarter.containing(timezone.localdate()),
            "return_url": reverse("speakup_reports:return")
            if can(request.user, Cap.READ_SPEAKUP_CASES)
            else "",
        },
    )
