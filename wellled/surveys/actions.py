"""Writes of the surveys app. Every write is one function here."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from wellled.core import audit
from wellled.core.types import Actor
from wellled.surveys.models import SurveyResult, SurveyYear
from wellled.surveys.question_maps import QuestionMap

FIRST_YEAR = 2003  # the first national NHS Staff Survey


@dataclass(frozen=True)
class ResultValue:
    question_code: str
    measure_key: str
    value: Decimal
    base: int | None


@transaction.atomic
def replace_survey_results(
    *,
    acting_user: Actor,
    year: int,
    question_map: QuestionMap,
    results: dict[str, tuple[str, list[ResultValue]]],
    source_name: str = "",
    measure_keys: frozenset[str] | None = None,
) -> int:
    """Store one survey year's results (ODS code -> (name, values)); returns how many.

    Results already held for the year and the measures read (`measure_keys`, by
    default those in `results`) are replaced.
    If the year was read with another question map version before, every result of
    the year is replaced, since the same code may have meant another question.
    """
    _check_results(year, question_map, results)
    survey_year, before = _year_to_fill(
        year=year,
        question_map=question_map,
        results=results,
        source_name=source_name,
        measure_keys=measure_keys,
        user=acting_user if acting_user is not None and acting_user.is_authenticated else None,
    )
    rows = [
        SurveyResult(
            survey_year=survey_year,
            organisation_code=code,
            organisation_name=name,
            question_code=value.question_code,
            measure_key=value.measure_key,
            value=value.value,
            base=value.base,
        )
        for code, (name, values) in results.items()
        for value in values
    ]
    SurveyResult.objects.bulk_create(rows, batch_size=1000)
    audit.record(
        acting_user=acting_user,
        action="surveys.results_imported",
        obj=survey_year,
        before=before,
        after={
            "question_map": question_map.version,
            "organisations": len(results),
            "results": len(rows),
            "source": source_name,
        },
    )
    return len(rows)


def _check_results(
    year: int, question_map: QuestionMap, results: dict[str, tuple[str, list[ResultValue]]]
) -> None:
    if year < FIRST_YEAR or year > timezone.localdate().year:
        raise ValidationError({"year": f"Enter a survey year from {FIRST_YEAR} to this year"})
    if not question_map.covers(year):
        raise ValidationError(
            {
                "question_map": f"Question map {question_map.version} is for survey years "
                f"{question_map.years_label}, not {year}"
            }
        )
    if not results:
        raise ValidationError("There are no results to store")
    mapped = {q.measure.key: q.code for q in question_map.questions}
    for values in (v for _, v in results.values()):
        for value in values:
            if mapped.get(value.measure_key) != value.question_code:
                raise ValidationError(
                    f"{value.question_code} is not mapped to {value.measure_key} "
                    f"in question map {question_map.version}"
                )


def _year_to_fill(
    *,
    year: int,
    question_map: QuestionMap,
    results: dict[str, tuple[str, list[ResultValue]]],
    source_name: str,
    measure_keys: frozenset[str] | None,
    user: User | None,
) -> tuple[SurveyYear, dict[str, object] | None]:
    """The year's row, with the results to be replaced deleted; and what it held before."""
    survey_year = SurveyYear.objects.select_for_update().filter(year=year).first()
    now = timezone.now()
    if survey_year is None:
        created = SurveyYear.objects.create(
            year=year,
            question_map_version=question_map.version,
            source_name=source_name,
            imported_at=now,
            imported_by=user,
        )
        return created, None
    before: dict[str, object] = {
        "question_map": survey_year.question_map_version,
        "results": survey_year.results.count(),
    }
    held = survey_year.results.all()
    # Under another map version the same code may have meant another question: replace all.
    if survey_year.question_map_version == question_map.version:
        keys = measure_keys
        if keys is None:
            keys = frozenset(v.measure_key for _, values in results.values() for v in values)
        held = held.filter(measure_key__in=keys)
    held.delete()
    survey_year.question_map_version = question_map.version
    survey_year.source_name = source_name
    survey_year.imported_at = now
    survey_year.imported_by = user
    survey_year.save()
    return survey_year, before
