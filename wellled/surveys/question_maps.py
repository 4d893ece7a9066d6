"""Versioned question maps: which column of a survey year's results feeds which measure.

Each JSON file in wellled/surveys/question_maps/ is one version. It names the
survey years it covers, where its question numbers come from, the columns that
hold the organisation's ODS code, the year and the name, and one entry per
question:

    {"code": "q20a", "measure": "secure_raising_clinical_concerns"}

The value is read from the column `<code>_rate` and the number who answered from
`<code>_base` (the published organisational results' layout), unless the entry
names `value_column` / `base_column`, or `columns`: a list of
`{"value": ..., "base": ...}` pairs, tried in order, for a question whose results
different files put under different names. The map, not the file, says which
question a column holds: a result is stored under the entry's `code`.

From the 2025 survey on, the discrimination items must be keyed by their question
number (`q16b`), not by the name of a column that holds them
(`Discrimination_internal`): a column's name says nothing about which question of
which year's questionnaire it was, and numbering moves between years (issue #14,
item 8). `_parse` refuses a map that breaks this.

A new survey year whose numbering moved gets a new file; old files are never
edited once results were imported with them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from wellled.surveys.measures import MEASURES, Measure

MAPS_DIR = Path(__file__).resolve().parent / "question_maps"

# Measures read by question number in every map covering this survey year or later.
BY_QUESTION_FROM = 2025
BY_QUESTION_MEASURES = frozenset({"discrimination_from_colleagues", "discrimination_from_public"})
QUESTION_NUMBER = re.compile(r"^q\d{1,2}[a-z]?$")


@dataclass(frozen=True)
class MappedQuestion:
    code: str
    measure: Measure
    value_column: str
    base_column: str
    # Other (value, base) column pairs that may hold this question's results, tried
    # after the first; the result is stored under `code` whichever is found.
    alternatives: tuple[tuple[str, str], ...] = ()
    # The question's wording as the map's source gives it (empty if not given).
    wording: str = ""

    @property
    def column_pairs(self) -> tuple[tuple[str, str], ...]:
        return ((self.value_column, self.base_column), *self.alternatives)

    def located(self, header: dict[str, int] | set[str]) -> MappedQuestion | None:
        """This question with the columns the file holds it in; None if it has none."""
        for value_column, base_column in self.column_pairs:
            if value_column in header:
                return replace(
                    self, value_column=value_column, base_column=base_column, alternatives=()
                )
        return None


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
        questions.append(_question(path, code, key, entry))
    years = tuple(int(y) for y in data["survey_years"])
    if max(years) >= BY_QUESTION_FROM:
        for question in questions:
            if question.measure.key in BY_QUESTION_MEASURES and not QUESTION_NUMBER.match(
                question.code
            ):
                raise QuestionMapError(
                    f"{path.name}: {question.measure.key} must be keyed by its question "
                    f"number (like q16b), not {question.code!r}"
                )
    return QuestionMap(
        version=str(data["version"]),
        title=str(data["title"]),
        survey_years=years,
        source=str(data["source"]),
        organisation_column=str(data["organisation_column"]),
        year_column=str(data["year_column"]),
        name_column=str(data.get("name_column", "")),
        questions=tuple(questions),
    )


def _question(path: Path, code: str, key: str, entry: dict[str, object]) -> MappedQuestion:
    pairs = [
        (str(pair["value"]), str(pair["base"]))
        for pair in entry.get("columns", [])  # type: ignore[attr-defined]
    ]
    if not pairs:
        pairs = [
            (
                str(entry.get("value_column", f"{code}_rate")),
                str(entry.get("base_column", f"{code}_base")),
            )
        ]
    return MappedQuestion(
        code=code,
        measure=MEASURES[key],
        value_column=pairs[0][0],
        base_column=pairs[0][1],
        alternatives=tuple(pairs[1:]),
        wording=str(entry.get("wording", "")),
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
