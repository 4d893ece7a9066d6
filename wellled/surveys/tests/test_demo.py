"""The demo: five years of plausible results for the demo trust, through the importer."""

from __future__ import annotations

import pytest

from wellled.organisation.demo import TRUST_ODS, build_demo, plan_demo
from wellled.surveys.demo import YEARS, load_demo
from wellled.surveys.models import SurveyResult, SurveyYear


@pytest.mark.django_db
def test_demo_loads_five_years_for_the_demo_trust() -> None:
    result = build_demo(plan_demo(staff_count=30))
    line = load_demo(result, seed=7)
    assert "5 survey years" in line
    assert list(SurveyYear.objects.values_list("year", flat=True)) == list(YEARS)
    own = SurveyResult.objects.filter(organisation_code=TRUST_ODS)
    assert set(own.values_list("survey_year__year", flat=True)) == set(YEARS)
    for result_row in own:
        top = 10 if result_row.measure_key == "raising_concerns_score" else 100
        assert 0 <= result_row.value <= top
    first = {
        (r.survey_year.year, r.organisation_code, r.measure_key): r.value
        for r in SurveyResult.objects.select_related("survey_year")
    }
    assert SurveyYear.objects.get(year=2024).imported_by == result.users["governance"]
    # Deterministic: the same seed gives the same figures.
    SurveyYear.objects.all().delete()
    load_demo(result, seed=7)
    again = {
        (r.survey_year.year, r.organisation_code, r.measure_key): r.value
        for r in SurveyResult.objects.select_related("survey_year")
    }
    assert again == first
