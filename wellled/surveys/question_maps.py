"""Versioned question maps: which column of a survey year's results feeds which measure.

Each JSON file in wellled/surveys/question_maps/ is one version. It names the
survey years it covers, where its question numbers come from, the columns that
hold the organisation's ODS code, the year and the name, and one entry per
question:

    {"code": "q20a", "measure": "secure_raising_clinical_concerns"}

The value is read from the column `<code>_rate` and the number who answered from
`<code>_base` (the published organisational results' layout), unless the entry
names `value_column` / `base_column`. A new survey year whose numbering moved
gets a new file; old files are never edited once results were imported with them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from wellled.surveys.measures import MEASURES, Measure

MAPS_DIR = Path(__file__).resolve().parent / "question_maps"


@dataclass(frozen=True)
class MappedQuestion:
    code: str
    measure: Measure
    value_column: str
    base_column: str


@dataclass(frozen=True)
class QuestionMap:
    version: str
    title: str
    survey_years: tuple[int, ...]
    source: str
    organisation_column: str
    year_column: str
    name_column: str
    questions: tuple[MappedQuestion, ...]

    def covers(self, year: int) -> bool:
        return year in self.survey_years

    @property
    def years_label(self) -> str:
        years = sorted(self.survey_years)
        if len(years) > 1 and years == list(range(years[0], years[-1] + 1)):
            return f"{years[0]} to {years[-1]}"
        return ", ".join(str(y) for y in years)


class QuestionMapError(ValueError):
    """A question map file is malformed: a programming error, caught by the tests."""


def _parse(path: Path) -> QuestionMap:
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("version") != path.stem:
        raise QuestionMapError(f"{path.name}: 'version' must be {path.stem!r}")
    questions = []
    seen_codes: set[str] = set()
    seen_measures: set[str] = set()
    for entry in data["questions"]:
        code = str(entry["code"])
        key = str(entry["measure"])
        if key not in MEASURES:
            raise QuestionMapError(f"{path.name}: {code} maps to unknown measure {key!r}")
        if code in seen_codes or key in seen_measures:
            raise QuestionMapError(f"{path.name}: {code} / {key} is mapped twice")
        seen_codes.add(code)
        seen_measures.add(key)
        questions.append(
            MappedQuestion(
                code=code,
                measure=MEASURES[key],
                value_column=str(entry.get("value_column", f"{code}_rate")),
                base_column=str(entry.get("base_column", f"{code}_base")),
            )
        )
    return QuestionMap(
        version=str(data["version"]),
        title=str(data["title"]),
        survey_years=tuple(int(y) for y in data["survey_years"]),
        source=str(data["source"]),
        organisation_column=str(data["organisation_column"]),
        year_column=str(data["year_column"]),
        name_column=str(data.get("name_column", "")),
        questions=tuple(questions),
    )


@cache
def question_maps() -> dict[str, QuestionMap]:
    """Every version, keyed by its name, oldest survey years first."""
    maps = [_parse(path) for path in sorted(MAPS_DIR.glob("*.json"))]
    maps.sort(key=lambda m: min(m.survey_years))
    return {m.version: m for m in maps}


def get_question_map(version: str) -> QuestionMap | None:
    return question_maps().get(version)


def map_for_year(year: int) -> QuestionMap | None:
    """The newest version that covers the survey year, if any does."""
    fitting = [m for m in question_maps().values() if m.covers(year)]
    return fitting[-1] if fitting else None
