"""Import one survey year's published results from a CSV or Excel file, all or nothing.

The page checks the upload's size and real type and starts a background job; the
job reads the file through the chosen question map version, checks every row,
and writes nothing unless every row is right. Rows are numbered as a spreadsheet
shows them: the header is row 1.

The file is in the layout of the published organisational results: one row per
organisation and year, an ODS code column, a Year column, and for each question
a `<code>_rate` column (the % of respondents) and a `<code>_base` column (how
many answered). A file may hold several years: only the chosen year's rows are
read. Empty, "NA", "*" and "-" cells are published gaps (too few answers, or the
question was not asked), not errors.
"""

from __future__ import annotations

import base64
import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import filetype
from django.contrib.auth.models import User
from django.db import transaction
from django.urls import reverse

from wellled.core import jobs
from wellled.core.models import Job
from wellled.surveys import actions
from wellled.surveys.question_maps import QuestionMap, get_question_map, question_maps

JOB_KIND = "surveys.import_results"
# An ODS code, or several joined by "/" where organisations answered as one (CCGs in 2021).
ODS_CODE = re.compile(r"^[A-Z0-9]{3,6}(/[A-Z0-9]{3,6}){0,8}$")
GAPS = frozenset({"", "NA", "N/A", "*", "-"})
Progress = Callable[[int, str], None]


class FileProblem(Exception):
    """The file as a whole cannot be read; the message says why and what to do."""


@dataclass(frozen=True)
class RowError:
    row: int
    message: str

    def as_dict(self) -> dict[str, object]:
        return {"row": self.row, "message": self.message}


@dataclass
class ImportOutcome:
    errors: list[RowError] = field(default_factory=list)
    organisations: int = 0
    results: int = 0
    other_years: int = 0
    missing_questions: list[str] = field(default_factory=list)


def detect_kind(raw: bytes) -> str:
    """'csv' or 'xlsx' from the file's bytes, whatever its name says; FileProblem otherwise."""
    if not raw.strip():
        raise FileProblem("The file is empty")
    guess = filetype.guess(raw)
    if guess is not None and guess.extension == "xlsx":
        return "xlsx"
    if guess is not None or b"\x00" in raw:
        raise FileProblem(
            "The file must be a CSV file or an Excel workbook (.xlsx). Older .xls "
            "workbooks must be saved as .xlsx or as 'CSV UTF-8' first"
        )
    return "csv"


def encode_payload(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_rows(raw: bytes, kind: str) -> list[list[str]]:
    """Every row of the file's first sheet as text cells."""
    if kind == "xlsx":
        from openpyxl import load_workbook

        try:
            book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
        except Exception:  # openpyxl raises many kinds for a damaged workbook
            raise FileProblem("The Excel workbook could not be opened: it may be damaged") from None
        sheet = book.worksheets[0]
        rows = [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        book.close()
        return rows
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileProblem(
            "The file must be saved as UTF-8. In Excel, choose 'Save as' and "
            "'CSV UTF-8 (comma delimited)'"
        ) from None
    try:
        return list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as exc:
        raise FileProblem(f"The file is not a readable CSV file ({exc})") from None


def _number(raw: str) -> Decimal | None:
    try:
        value = Decimal(raw.replace(",", "").removesuffix("%"))
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


@dataclass
class _Checked:
    code: str
    name: str
    values: list[actions.ResultValue]


def _header(rows: list[list[str]], qmap: QuestionMap) -> tuple[dict[str, int], list[str]]:
    """Column name -> index, and the mapped questions absent from the file."""
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise FileProblem("Row 1 must name the columns, starting with " + qmap.organisation_column)
    header = [cell.strip() for cell in rows[0]]
    index: dict[str, int] = {}
    repeated = []
    for position, name in enumerate(header):
        if not name:
            continue
        if name in index:
            repeated.append(name)
        index.setdefault(name, position)
    if repeated:
        raise FileProblem("Row 1 repeats the columns " + ", ".join(f"'{n}'" for n in repeated))
    if qmap.organisation_column not in index:
        raise FileProblem(f"Row 1 has no '{qmap.organisation_column}' column")
    present = [q for q in qmap.questions if q.value_column in index]
    if not present:
        wanted = ", ".join(f"'{q.value_column}'" for q in qmap.questions[:6])
        raise FileProblem(
            f"Row 1 has none of the columns question map {qmap.version} reads, such as {wanted}"
        )
    missing = [q.code for q in qmap.questions if q.value_column not in index]
    return index, missing


def check_file(
    raw: bytes, kind: str, *, year: int, version: str, progress: Progress
) -> tuple[ImportOutcome, list[_Checked], QuestionMap | None]:
    qmap = get_question_map(version)
    if qmap is None:
        known = ", ".join(question_maps())
        message = f"There is no question map version '{version}'. The versions are {known}"
        return ImportOutcome(errors=[RowError(1, message)]), [], None
    if not qmap.covers(year):
        message = f"Question map {qmap.version} is for survey years {qmap.years_label}, not {year}"
        return ImportOutcome(errors=[RowError(1, message)]), [], None
    try:
        rows = read_rows(raw, kind)
        index, missing = _header(rows, qmap)
    except FileProblem as problem:
        return ImportOutcome(errors=[RowError(1, str(problem))]), [], None
    outcome = ImportOutcome(missing_questions=missing)
    present = [q for q in qmap.questions if q.value_column in index]
    year_at = index.get(qmap.year_column)
    name_at = index.get(qmap.name_column) if qmap.name_column else None
    seen: dict[str, int] = {}
    checked: list[_Checked] = []
    total = max(1, len(rows) - 1)

    def cell(cells: list[str], position: int | None) -> str:
        if position is None or position >= len(cells):
            return ""
        return cells[position].strip()

    for number, cells in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        if year_at is not None:
            raw_year = cell(cells, year_at)
            if not raw_year.isdigit():
                shown = f"'{raw_year}'" if raw_year else "nothing"
                outcome.errors.append(
                    RowError(number, f"'{qmap.year_column}' must be a year like 2023, not {shown}")
                )
                continue
            if int(raw_year) != year:
                outcome.other_years += 1
                continue
        start = len(outcome.errors)
        code = cell(cells, index[qmap.organisation_column]).upper()
        if not code:
            outcome.errors.append(RowError(number, f"Enter the '{qmap.organisation_column}'"))
        elif not ODS_CODE.match(code):
            outcome.errors.append(
                RowError(
                    number,
                    f"'{code}' is not an ODS code: use 3 to 6 letters and digits"
                    " (several joined by / for a joint return)",
                )
            )
        elif code in seen:
            outcome.errors.append(
                RowError(number, f"{code} is already on row {seen[code]} for {year}")
            )
        else:
            seen[code] = number
        values: list[actions.ResultValue] = []
        for question in present:
            raw_value = cell(cells, index[question.value_column])
            raw_base = cell(cells, index.get(question.base_column))
            if raw_value.upper() in GAPS:
                continue
            value = _number(raw_value)
            maximum = question.measure.maximum
            if value is None or not Decimal(0) <= value <= maximum:
                outcome.errors.append(
                    RowError(
                        number,
                        f"'{question.value_column}' must be a number from 0 to {maximum}, "
                        f"not '{raw_value}'",
                    )
                )
                continue
            base: int | None = None
            if raw_base.upper() not in GAPS:
                base_number = _number(raw_base)
                if base_number is None or base_number < 0 or base_number != int(base_number):
                    outcome.errors.append(
                        RowError(
                            number,
                            f"'{question.base_column}' must be a whole number of respondents, "
                            f"not '{raw_base}'",
                        )
                    )
                    continue
                base = int(base_number)
            values.append(
                actions.ResultValue(
                    question_code=question.code,
                    measure_key=question.measure.key,
                    value=value.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP),
                    base=base,
                )
            )
        if len(outcome.errors) == start:
            checked.append(_Checked(code=code, name=cell(cells, name_at)[:200], values=values))
        if number % 200 == 0:
            progress(5 + 45 * (number - 1) // total, f"Checked {number - 1} of {total} rows")
    if not outcome.errors and not checked:
        outcome.errors.append(
            RowError(1, f"The file has no rows for survey year {year}")
            if outcome.other_years
            else RowError(1, "The file has a header but no rows of results under it")
        )
    return outcome, checked, qmap


def _no_progress(percent: int, message: str) -> None:
    return None


@transaction.atomic
def import_survey_file(
    *,
    acting_user: User | None,
    raw: bytes,
    kind: str,
    year: int,
    version: str,
    source_name: str = "",
    progress: Progress = _no_progress,
) -> ImportOutcome:
    """Check every row, then replace the year's results for the questions in the file."""
    progress(5, "Reading the file")
    outcome, checked, qmap = check_file(raw, kind, year=year, version=version, progress=progress)
    if outcome.errors or qmap is None:
        outcome.errors.sort(key=lambda e: e.row)
        return outcome
    progress(50, f"All {len(checked)} organisations' rows are correct: saving them")
    written = actions.replace_survey_results(
        acting_user=acting_user,
        year=year,
        question_map=qmap,
        source_name=source_name,
        measure_keys=frozenset(
            q.measure.key for q in qmap.questions if q.code not in outcome.missing_questions
        ),
        results={row.code: (row.name, row.values) for row in checked},
    )
    outcome.organisations = len(checked)
    outcome.results = written
    return outcome


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


@jobs.handler(JOB_KIND)
def run_import(job: Job, progress: Progress) -> jobs.Outcome:
    payload = job.payload
    raw = base64.b64decode(str(payload.get("data", "")))
    year = int(str(payload.get("year", "0")))
    outcome = import_survey_file(
        acting_user=job.started_by,
        raw=raw,
        kind=str(payload.get("kind", "csv")),
        year=year,
        version=str(payload.get("version", "")),
        source_name=str(payload.get("source_name", ""))[:200],
        progress=progress,
    )
    if outcome.errors:
        return jobs.Outcome(
            succeeded=False,
            message=(
                f"Nothing was imported: {_plural(len(outcome.errors), 'problem')} found. "
                "Correct the file and upload it again."
            ),
            result={"errors": [error.as_dict() for error in outcome.errors]},
            result_url=reverse("surveys:import"),
        )
    skipped = ""
    if outcome.other_years:
        skipped = f" {_plural(outcome.other_years, 'row')} for other years were left out."
    return jobs.Outcome(
        succeeded=True,
        message=(
            f"Imported {_plural(outcome.results, 'result')} for "
            f"{_plural(outcome.organisations, 'organisation')} in survey year {year}.{skipped}"
        ),
        result={
            "organisations": outcome.organisations,
            "results": outcome.results,
            "other_years": outcome.other_years,
            "questions_not_in_file": outcome.missing_questions,
        },
        result_url=reverse("surveys:year", kwargs={"year": year}),
    )
