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
import io
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import filetype
from django.contrib.auth.models import User
from django.db import transaction
from django.urls import reverse

from wellled.core import jobs
from wellled.core.csv_import import (
    FileProblem,
    RowError,
    RowErrors,
    Steps,
    decode_text,
    failed_outcome,
    is_blank,
    no_progress,
    plural,
    read_csv,
)
from wellled.core.jobs import Progress
from wellled.core.models import Job
from wellled.surveys import actions
from wellled.surveys.question_maps import (
    MappedQuestion,
    QuestionMap,
    get_question_map,
    question_maps,
)

JOB_KIND = "surveys.import_results"
# An ODS code, or several joined by "/" where organisations answered as one (CCGs in 2021).
ODS_CODE = re.compile(r"^[A-Z0-9]{3,6}(/[A-Z0-9]{3,6}){0,8}$")
GAPS = frozenset({"", "NA", "N/A", "*", "-"})


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
    return read_csv(decode_text(raw))


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
    present = [q for q in qmap.questions if q.located(index) is not None]
    if not present:
        wanted = ", ".join(f"'{q.value_column}'" for q in qmap.questions[:6])
        raise FileProblem(
            f"Row 1 has none of the columns question map {qmap.version} reads, such as {wanted}"
        )
    missing = [q.code for q in qmap.questions if q.located(index) is None]
    return index, missing


def _question_map(year: int, version: str) -> QuestionMap:
    qmap = get_question_map(version)
    if qmap is None:
        known = ", ".join(question_maps())
        raise FileProblem(f"There is no question map version '{version}'. The versions are {known}")
    if not qmap.covers(year):
        raise FileProblem(
            f"Question map {qmap.version} is for survey years {qmap.years_label}, not {year}"
        )
    return qmap


class _Checker:
    """Checks every row of the chosen year against the question map, collecting
    every problem; rows for other years are counted and left out."""

    def __init__(self, qmap: QuestionMap, index: dict[str, int], year: int) -> None:
        self.qmap = qmap
        self.index = index
        self.year = year
        # Each question with the columns this file holds it in: the map decides.
        self.present = [
            located for q in qmap.questions if (located := q.located(index)) is not None
        ]
        self.year_at = index.get(qmap.year_column)
        self.name_at = index.get(qmap.name_column) if qmap.name_column else None
        self.errors = RowErrors()
        self.other_years = 0
        self.seen: dict[str, int] = {}
        self.checked: list[_Checked] = []

    @staticmethod
    def cell(cells: list[str], position: int | None) -> str:
        if position is None or position >= len(cells):
            return ""
        return cells[position].strip()

    def row(self, number: int, cells: list[str]) -> bool:
        """Check a row; False if it is not for the year (or its year is unreadable)."""
        if not self._in_year(number, cells):
            return False
        start = self.errors.mark()
        code = self._code(number, self.cell(cells, self.index[self.qmap.organisation_column]))
        values = [
            value
            for question in self.present
            if (value := self._value(number, cells, question)) is not None
        ]
        if not self.errors.since(start):
            name = self.cell(cells, self.name_at)[:200]
            self.checked.append(_Checked(code=code, name=name, values=values))
        return True

    def _in_year(self, number: int, cells: list[str]) -> bool:
        if self.year_at is None:
            return True
        raw_year = self.cell(cells, self.year_at)
        if not raw_year.isdigit():
            shown = f"'{raw_year}'" if raw_year else "nothing"
            self.errors.add(
                number, f"'{self.qmap.year_column}' must be a year like 2023, not {shown}"
            )
            return False
        if int(raw_year) != self.year:
            self.other_years += 1
            return False
        return True

    def _code(self, number: int, raw: str) -> str:
        code = raw.upper()
        if not code:
            self.errors.add(number, f"Enter the '{self.qmap.organisation_column}'")
        elif not ODS_CODE.match(code):
            self.errors.add(
                number,
                f"'{code}' is not an ODS code: use 3 to 6 letters and digits"
                " (several joined by / for a joint return)",
            )
        elif code in self.seen:
            self.errors.add(number, f"{code} is already on row {self.seen[code]} for {self.year}")
        else:
            self.seen[code] = number
        return code

    def _value(
        self, number: int, cells: list[str], question: MappedQuestion
    ) -> actions.ResultValue | None:
        """The question's result on the row; None for a published gap or a problem."""
        raw_value = self.cell(cells, self.index[question.value_column])
        if raw_value.upper() in GAPS:
            return None
        value = _number(raw_value)
        maximum = question.measure.maximum
        if value is None or not Decimal(0) <= value <= maximum:
            self.errors.add(
                number,
                f"'{question.value_column}' must be a number from 0 to {maximum}, "
                f"not '{raw_value}'",
            )
            return None
        raw_base = self.cell(cells, self.index.get(question.base_column))
        base: int | None = None
        if raw_base.upper() not in GAPS:
            base_number = _number(raw_base)
            if base_number is None or base_number < 0 or base_number != int(base_number):
                self.errors.add(
                    number,
                    f"'{question.base_column}' must be a whole number of respondents, "
                    f"not '{raw_base}'",
                )
                return None
            base = int(base_number)
        return actions.ResultValue(
            question_code=question.code,
            measure_key=question.measure.key,
            value=value.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP),
            base=base,
        )

    def nothing_found(self) -> RowError | None:
        """The problem with a file whose every row was fine but none was for the year."""
        if self.errors or self.checked:
            return None
        if self.other_years:
            return RowError(1, f"The file has no rows for survey year {self.year}")
        return RowError(1, f"The file has a header but no rows of {_WHAT} under it")


_WHAT = "results"


def check_file(
    raw: bytes, kind: str, *, year: int, version: str, progress: Progress
) -> tuple[ImportOutcome, list[_Checked], QuestionMap | None]:
    try:
        qmap = _question_map(year, version)
        rows = read_rows(raw, kind)
        index, missing = _header(rows, qmap)
    except FileProblem as problem:
        return ImportOutcome(errors=[RowError(1, str(problem))]), [], None
    checker = _Checker(qmap, index, year)
    steps = Steps(progress, total=max(1, len(rows) - 1), every=200)
    for number, cells in enumerate(rows[1:], start=2):
        # Progress counts the rows for the year; rows for other years go by unreported.
        if not is_blank(cells) and checker.row(number, cells):
            steps.checked(number)
    errors = checker.errors.sorted()
    if (empty := checker.nothing_found()) is not None:
        errors.append(empty)
    outcome = ImportOutcome(
        errors=errors, other_years=checker.other_years, missing_questions=missing
    )
    return outcome, checker.checked, qmap


@transaction.atomic
def import_survey_file(
    *,
    acting_user: User | None,
    raw: bytes,
    kind: str,
    year: int,
    version: str,
    source_name: str = "",
    progress: Progress = no_progress,
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
        return failed_outcome(outcome.errors, reverse("surveys:import"))
    skipped = ""
    if outcome.other_years:
        skipped = f" {plural(outcome.other_years, 'row')} for other years were left out."
    return jobs.Outcome(
        succeeded=True,
        message=(
            f"Imported {plural(outcome.results, 'result')} for "
            f"{plural(outcome.organisations, 'organisation')} in survey year {year}.{skipped}"
        ),
        result={
            "organisations": outcome.organisations,
            "results": outcome.results,
            "other_years": outcome.other_years,
            "questions_not_in_file": outcome.missing_questions,
        },
        result_url=reverse("surveys:year", kwargs={"year": year}),
    )
