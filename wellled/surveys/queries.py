"""Reads of the surveys app: published aggregates, so one capability decides."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet
from django.http import Http404

from wellled.core.types import AnyUser
from wellled.organisation.access import Cap, can, require
from wellled.organisation.models import OrgUnit, UnitKind
from wellled.surveys.measures import MEASURES, Measure
from wellled.surveys.models import SurveyResult, SurveyYear


def trust_ods_code() -> str:
    """The ODS code of the trust wellled serves ("" before the trust is set up)."""
    trust = OrgUnit.objects.filter(kind=UnitKind.TRUST, parent=None).order_by("pk").first()
    return (trust.ods_code or "").upper() if trust is not None else ""


def results_visible_to(user: AnyUser) -> QuerySet[SurveyResult]:
    if not can(user, Cap.VIEW_SURVEYS):
        return SurveyResult.objects.none()
    return SurveyResult.objects.select_related("survey_year")


def survey_years_visible_to(user: AnyUser) -> QuerySet[SurveyYear]:
    if not can(user, Cap.VIEW_SURVEYS):
        return SurveyYear.objects.none()
    return SurveyYear.objects.all()


def get_survey_year_for_user(user: AnyUser, year: int) -> SurveyYear:
    require(user, Cap.VIEW_SURVEYS)
    found = SurveyYear.objects.filter(year=year).first()
    if found is None:
        raise Http404("No results for that survey year")
    return found


@dataclass
class MeasureRow:
    measure: Measure
    value: Decimal | None
    base: int | None
    question_code: str
    median: Decimal | None  # of every organisation imported for the year
    organisations: int
    previous: Decimal | None  # the trust's value the year before

    @property
    def change(self) -> Decimal | None:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous


def year_rows(survey_year: SurveyYear, code: str) -> list[MeasureRow]:
    """The trust's result for each measure in the year, beside the median of all imported."""
    results = list(survey_year.results.all())
    previous = {
        r.measure_key: r.value
        for r in SurveyResult.objects.filter(
            survey_year__year=survey_year.year - 1, organisation_code=code
        )
    }
    by_measure: dict[str, list[SurveyResult]] = {}
    for result in results:
        by_measure.setdefault(result.measure_key, []).append(result)
    rows = []
    for key, measure in MEASURES.items():
        found = by_measure.get(key)
        if not found:
            continue
        own = next((r for r in found if r.organisation_code == code), None)
        rows.append(
            MeasureRow(
                measure=measure,
                value=own.value if own else None,
                base=own.base if own else None,
                question_code=found[0].question_code,
                median=Decimal(statistics.median(r.value for r in found)).quantize(Decimal("0.1")),
                organisations=len(found),
                previous=previous.get(key),
            )
        )
    return rows


def trust_series(code: str, keys: list[str]) -> dict[int, dict[str, Decimal]]:
    """survey year -> measure key -> the trust's value, for the given measures."""
    series: dict[int, dict[str, Decimal]] = {}
    for year, key, value in SurveyResult.objects.filter(
        organisation_code=code, measure_key__in=keys
    ).values_list("survey_year__year", "measure_key", "value"):
        series.setdefault(year, {})[key] = value
    return dict(sorted(series.items()))
