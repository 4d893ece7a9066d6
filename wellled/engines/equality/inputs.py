"""Reading a year's inputs from rows (a CSV file's), checked row by row, all or nothing.

Two layouts, both plain dicts per row as `csv.DictReader` gives them:

* an ESR extract at 31 March, one row per person: `id` (pseudonymised), `band`,
  `clinical` (Y/N), `ethnic_category` (NHS code), `disability` (Yes/No/Not declared).
  Other columns are ignored; a column that holds names is refused, so none is stored.
* counts, one row per figure: `measure`, `group`, `count` (see `MEASURES`).

Every problem is reported with its row number (the header is row 1, as a spreadsheet
shows it) and nothing is returned unless there are none. The equality app stores what
these return; the engine reads no file and touches no database.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .catalogue import INDICATORS, LATEST
from .groups import (
    BME,
    DISABLED,
    NON_DISABLED,
    UNKNOWN,
    WHITE,
    UnknownCodeError,
    disability_group,
    ethnic_group,
    normalise_band,
)
from .report import EventCounts, YearInputs

SURVEY_NUMBERS = {
    standard: {n for (s, n, v), i in INDICATORS.items() if s == standard and v == version
               and i.kind == "survey"}
    for standard, version in LATEST.items()
}  # fmt: skip
NAME_COLUMNS = {"name", "forename", "surname", "first name", "last name", "full name"}
GROUPS = {"WRES": (WHITE, BME, UNKNOWN), "WDES": (NON_DISABLED, DISABLED, UNKNOWN)}
# measure -> (input, "totals" or "events"); an event count may not exceed its total.
MEASURES = {
    "shortlisted": ("recruitment", "totals"),
    "appointed": ("recruitment", "events"),
    "staff": ("formal_process", "totals"),
    "entered_formal_process": ("formal_process", "events"),
    "training_staff": ("training", "totals"),
    "accessed_training": ("training", "events"),
    "board_voting": ("board", "voting"),
    "board_executive": ("board", "executive"),
    "board_whole": ("board", "whole board"),
}
EVENT_TOTALS = {
    "appointed": "shortlisted",
    "entered_formal_process": "staff",
    "accessed_training": "training_staff",
}
_SURVEY = re.compile(r"^survey_(?P<number>[0-9]+[a-z]?(?:-[iv]+)?)_(?P<part>responses|positive)$")


Figure = tuple[str, str]  # (measure, group)


@dataclass(frozen=True)
class RowError:
    row: int
    message: str

    def __str__(self) -> str:
        return f"Row {self.row}: {self.message}"


class InputError(ValueError):
    """The rows had problems; `errors` lists every one, with its row number."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__("; ".join(str(e) for e in errors[:5]))
        self.errors = errors


@dataclass(frozen=True)
class Person:
    band: str
    clinical: bool
    ethnic_group: str
    disability_group: str


def _clinical(value: str) -> bool:
    text = value.strip().lower()
    if text in ("y", "yes", "clinical", "true", "1"):
        return True
    if text in ("n", "no", "non-clinical", "false", "0"):
        return False
    raise UnknownCodeError(f"clinical must be Y or N, not {value!r}")


def _refuse_names(columns: Iterable[str]) -> None:
    named = sorted(c for c in columns if c.strip().lower() in NAME_COLUMNS)
    if named:
        raise InputError([RowError(1, f"remove the column {named[0]!r}: no names are stored")])


def read_esr_extract(rows: Iterable[Mapping[str, str]]) -> list[Person]:
    """People at 31 March from an ESR extract; raises InputError listing every bad row."""
    people: list[Person] = []
    errors: list[RowError] = []
    seen: set[str] = set()
    for number, row in enumerate(rows, start=2):
        if number == 2:
            _refuse_names(row.keys())
        ident = (row.get("id") or "").strip()
        if not ident:
            errors.append(RowError(number, "id is empty"))
        elif ident in seen:
            errors.append(RowError(number, f"id {ident!r} appears twice"))
        seen.add(ident)
        try:
            people.append(
                Person(
                    band=normalise_band(row.get("band") or ""),
                    clinical=_clinical(row.get("clinical") or ""),
                    ethnic_group=ethnic_group(row.get("ethnic_category")),
                    disability_group=disability_group(row.get("disability")),
                )
            )
        except UnknownCodeError as error:
            errors.append(RowError(number, str(error)))
    if errors:
        raise InputError(errors)
    return people


def _count(value: str) -> int:
    text = (value or "").strip()
    if not text.isdigit():
        raise ValueError(f"count must be a whole number of people, not {value!r}")
    return int(text)


def _parse_row(row: Mapping[str, str], standard: str) -> tuple[str, str, int]:
    measure = (row.get("measure") or "").strip().lower()
    survey = _SURVEY.match(measure)
    if measure not in MEASURES and not survey:
        raise ValueError(f"unknown measure {measure!r}")
    if survey and SURVEY_NUMBERS[standard].isdisjoint({survey["number"]}):
        # Another standard's or another year's layout: say which numbers this one has.
        known = ", ".join(sorted(SURVEY_NUMBERS[standard]))
        raise ValueError(f"{standard} has no survey indicator {survey['number']} ({known})")
    group = (row.get("group") or "").strip().lower().replace("-", "_").replace(" ", "_")
    if group not in GROUPS[standard]:
        raise ValueError(f"group must be one of {', '.join(GROUPS[standard])}, not {group!r}")
    return measure, group, _count(row.get("count") or "")


def _read_rows(
    rows: Iterable[Mapping[str, str]], standard: str
) -> tuple[dict[tuple[str, str], tuple[int, int]], list[RowError]]:
    """(measure, group) -> (count, row number), and the errors found row by row."""
    found: dict[tuple[str, str], tuple[int, int]] = {}
    errors: list[RowError] = []
    for number, row in enumerate(rows, start=2):
        try:
            measure, group, count = _parse_row(row, standard)
        except ValueError as error:
            errors.append(RowError(number, str(error)))
            continue
        if (measure, group) in found:
            errors.append(RowError(number, f"{measure} for {group} is given twice"))
        found[(measure, group)] = (count, number)
    return found, errors


def _check_pairs(found: dict[tuple[str, str], tuple[int, int]]) -> list[RowError]:
    """An event count may not exceed its total (appointed <= shortlisted, ...)."""
    totals_of = dict(EVENT_TOTALS)
    for number in _survey_numbers(found):
        totals_of[f"survey_{number}_positive"] = f"survey_{number}_responses"
    errors = []
    for (measure, group), (count, row) in found.items():
        if measure not in totals_of:
            continue
        total = found.get((totals_of[measure], group), (0, 0))[0]
        if count > total:
            message = f"{count} {measure} for {group} is more than the {total} {totals_of[measure]}"
            errors.append(RowError(row, message))
    return errors


def _survey_numbers(found: Mapping[tuple[str, str], object]) -> set[str]:
    return {m["number"] for (measure, _) in found if (m := _SURVEY.match(measure))}


def read_count_rows(rows: Iterable[Mapping[str, str]], *, standard: str) -> dict[Figure, int]:
    """(measure, group) -> count from count rows; raises InputError listing every bad row."""
    if standard not in GROUPS:
        raise ValueError(f"standard must be WRES or WDES, not {standard!r}")
    found, errors = _read_rows(rows, standard)
    errors += _check_pairs(found)
    if errors:
        raise InputError(sorted(errors, key=lambda e: e.row))
    return {key: count for key, (count, _) in found.items()}


def read_counts(
    rows: Iterable[Mapping[str, str]], *, standard: str, year: int, staff: Iterable[Person] = ()
) -> YearInputs:
    """A year's inputs for one standard from count rows (and the ESR extract's people)."""
    figures = read_count_rows(rows, standard=standard)
    return year_inputs(figures, standard=standard, year=year, staff=staff)


def year_inputs(
    figures: Mapping[Figure, int], *, standard: str, year: int, staff: Iterable[Person] = ()
) -> YearInputs:
    """The `YearInputs` for `year_report` from checked figures (as stored by the app)."""
    by_input: dict[str, dict[str, dict[str, int]]] = {}
    survey: dict[str, dict[str, list[int]]] = {}
    for (measure, group), count in figures.items():
        if match := _SURVEY.match(measure):
            part = 0 if match["part"] == "positive" else 1
            survey.setdefault(match["number"], {}).setdefault(group, [0, 0])[part] = count
            continue
        source, kind = MEASURES[measure]
        by_input.setdefault(source, {}).setdefault(kind, {})[group] = count
    attribute = "ethnic_group" if standard == "WRES" else "disability_group"

    def events(source: str) -> EventCounts | None:
        parts = by_input.get(source)
        if parts is None:
            return None
        return EventCounts(totals=parts.get("totals", {}), events=parts.get("events", {}))

    return YearInputs(
        year=year,
        staff=tuple((p.band, p.clinical, getattr(p, attribute)) for p in staff),
        recruitment=events("recruitment"),
        formal_process=events("formal_process"),
        training=events("training"),
        board=by_input.get("board", {}),
        survey={
            number: {group: (pair[0], pair[1]) for group, pair in groups.items()}
            for number, groups in survey.items()
        },
    )
