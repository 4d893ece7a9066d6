"""The demo trust's NHS Staff Survey results: five survey years, 2020 to 2024.

The figures are made up from the seed, around the national levels the National
Guardian's Office and NHS Employers publish (secure raising clinical concerns
about 72 to 75%, confident a concern would be addressed about 56 to 60%, raising
concerns sub-score about 6.5). The demo trust (RZZ) starts a little below them
and improves from 2022, when its speaking-up work begins. Eight comparator
organisations with illustrative codes (ZZA to ZZH) give each year a median.

The results are written as a file in the published layout and imported through
the real importer and question maps, exactly as a governance lead would.
"""

from __future__ import annotations

import csv
import io
import random

from wellled.organisation.demo import TRUST_ODS, DemoResult
from wellled.surveys.importer import import_survey_file
from wellled.surveys.question_maps import map_for_year

YEARS = (2020, 2021, 2022, 2023, 2024)
COMPARATORS = tuple(f"ZZ{letter}" for letter in "ABCDEFGH")
# Rough national levels per measure (a % or a score out of 10).
NATIONAL: dict[str, float] = {
    "secure_raising_clinical_concerns": 73.0,
    "confident_clinical_concern_addressed": 58.0,
    "safe_to_speak_up": 61.0,
    "confident_concern_addressed": 49.0,
    "raising_concerns_score": 6.5,
    "discrimination_from_colleagues": 7.5,
    "discrimination_from_public": 6.0,
    "harassment_from_managers": 10.5,
    "harassment_from_colleagues": 18.5,
    "burnout": 32.0,
    "work_related_stress": 44.0,
    "enough_staff": 27.0,
}


def _value(key: str, base: float, rng: random.Random, scale: float) -> float:
    spread = 0.15 if key == "raising_concerns_score" else 2.5
    value = base + rng.gauss(0, spread) * scale
    top = 10.0 if key == "raising_concerns_score" else 100.0
    return round(max(0.0, min(top, value)), 2 if top == 10.0 else 1)


def _file_for(year: int, rng: random.Random) -> str:
    qmap = map_for_year(year)
    assert qmap is not None
    out = io.StringIO()
    columns = [qmap.organisation_column, qmap.year_column, qmap.name_column]
    for question in qmap.questions:
        columns += [question.value_column, question.base_column]
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    improvement = {2020: -2.5, 2021: -3.0, 2022: -1.5, 2023: 0.5, 2024: 2.0}[year]
    for code in (TRUST_ODS, *COMPARATORS):
        respondents = rng.randint(900, 2600) if code == TRUST_ODS else rng.randint(600, 5000)
        row: list[object] = [
            code,
            year,
            "Demo Community NHS Trust" if code == TRUST_ODS else f"Comparator trust {code[-1]}",
        ]
        for question in qmap.questions:
            key = question.measure.key
            base = NATIONAL[key]
            if code == TRUST_ODS:
                shift = improvement if question.measure.improvement == "increase" else -improvement
                if key == "raising_concerns_score":
                    shift /= 10
                base += shift
            row += [
                _value(key, base, rng, 1.0),
                respondents - rng.randint(0, respondents // 20),
            ]
        writer.writerow(row)
    return out.getvalue()


def load_demo(result: DemoResult, *, seed: int) -> str:
    rng = random.Random(f"surveys-{seed}")
    acting_user = result.users.get("governance")
    stored = 0
    for year in YEARS:
        qmap = map_for_year(year)
        assert qmap is not None
        outcome = import_survey_file(
            acting_user=acting_user,
            raw=_file_for(year, rng).encode("utf-8"),
            kind="csv",
            year=year,
            version=qmap.version,
            source_name=f"demo-staff-survey-{year}.csv",
        )
        if outcome.errors:
            raise RuntimeError(f"demo staff survey {year}: {outcome.errors[0].message}")
        stored += outcome.results
    return (
        f"Staff survey: {stored} results for {len(YEARS)} survey years "
        f"({YEARS[0]} to {YEARS[-1]}), the demo trust and {len(COMPARATORS)} comparators"
    )
