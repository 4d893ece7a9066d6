"""One way to read and check an imported table, all or nothing.

Every import in wellled works the same way, so that a person who corrects one file
knows how the others behave:

1. The upload page checks the file as a whole (`decode_csv`: its size, name,
   encoding, header and that it has rows). A `FileProblem` says what is wrong and
   what to do, and nothing is started.
2. A background job reads it again (`read_csv`, `check_header`, `data_rows`),
   checks EVERY row first, collecting a `RowError` for each problem in a
   `RowErrors`, and reports its progress through the job's callback (`Steps`).
3. Only if no row has a problem does it write, in the job's transaction; a failed
   check ends with `failed_outcome`, which lists every problem and writes nothing.

Rows are numbered as a spreadsheet shows them: the header is row 1.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass

import filetype

from wellled.core import jobs
from wellled.core.uploads import size_label

HEADER_ROW = 1
FIRST_DATA_ROW = 2

NOT_CSV_NAME = "The file must be a CSV file (its name ends in .csv)"
EMPTY = "The file is empty"
NOT_CSV = (
    "The file is not a CSV file. If it is a spreadsheet, save it as "
    "'CSV UTF-8 (comma delimited)' and upload that"
)
NOT_UTF8 = (
    "The file must be saved as UTF-8. In Excel, choose 'Save as' and 'CSV UTF-8 (comma delimited)'"
)

__all__ = [
    "FileProblem",
    "RowError",
    "RowErrors",
    "Steps",
    "check_header",
    "check_size",
    "data_rows",
    "decode_csv",
    "decode_text",
    "failed_outcome",
    "is_blank",
    "no_progress",
    "plural",
    "read_csv",
    "size_label",
]


class FileProblem(Exception):
    """The file as a whole cannot be read; the message says why and what to do."""


@dataclass(frozen=True)
class RowError:
    """One problem on one row (and, where it is about one, its column)."""

    row: int
    message: str
    column: str = ""

    def __str__(self) -> str:
        return f"Row {self.row}: {self.message}"

    def as_dict(self) -> dict[str, object]:
        """The form a job's result keeps, for the job page's table of problems."""
        found: dict[str, object] = {"row": self.row, "message": self.message}
        if self.column:
            found["column"] = self.column
        return found


class RowErrors:
    """Every problem found while checking, so that all of them are reported at once."""

    def __init__(self) -> None:
        self.items: list[RowError] = []

    def add(self, row: int, message: str, column: str = "") -> None:
        self.items.append(RowError(row, message, column))

    def mark(self) -> int:
        """Where the list stands now: `since(mark)` then says whether a row added any."""
        return len(self.items)

    def since(self, mark: int) -> bool:
        return len(self.items) > mark

    def sorted(self) -> list[RowError]:
        # Stable, so several problems on one row keep the order they were found in.
        return sorted(self.items, key=lambda error: error.row)

    def __bool__(self) -> bool:
        return bool(self.items)

    def __len__(self) -> int:
        return len(self.items)


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


# --- The file as a whole ------------------------------------------------------------


def check_size(raw: bytes, limit: int) -> None:
    if len(raw) > limit:
        raise FileProblem(f"The file must be smaller than {size_label(limit)}")


def decode_text(raw: bytes) -> str:
    """The file's text; utf-8-sig drops the byte order mark that Excel puts at the start."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileProblem(NOT_UTF8) from None


def decode_csv(
    raw: bytes, filename: str, *, max_bytes: int | None = None, sniff: bool = False
) -> str:
    """The text of an uploaded CSV file, or FileProblem naming what is wrong with it.

    `sniff` also refuses a file whose bytes have the signature of another type (a
    workbook or a picture renamed .csv), not only one with NUL bytes.
    """
    if max_bytes is not None:
        check_size(raw, max_bytes)
    if not filename.lower().endswith(".csv"):
        raise FileProblem(NOT_CSV_NAME)
    if not raw.strip():
        raise FileProblem(EMPTY)
    if b"\x00" in raw or (sniff and filetype.guess(raw) is not None):
        raise FileProblem(NOT_CSV)
    return decode_text(raw)


def read_csv(text: str) -> list[list[str]]:
    """Every row of the file as a list of cells."""
    try:
        return list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as exc:
        raise FileProblem(f"The file is not a readable CSV file ({exc})") from None


def is_blank(cells: Sequence[str]) -> bool:
    return not any(cell.strip() for cell in cells)


def check_header(
    rows: Sequence[Sequence[str]],
    columns: Mapping[str, str] | Sequence[str],
    required: Sequence[str],
) -> list[str]:
    """The header's column names (lower case), or FileProblem listing every problem
    with it: required columns missing, columns wellled does not know, repeats."""
    names = list(columns)
    if not rows or is_blank(rows[0]):
        raise FileProblem("The first row must name the columns: " + ", ".join(names))
    header = [cell.strip().lower() for cell in rows[0]]
    problems = []
    missing = [name for name in required if name not in header]
    if missing:
        problems.append("the header has no " + _quoted(missing))
    unknown = [name for name in header if name and name not in names]
    if unknown:
        problems.append(
            f"the header has unknown columns {_quoted(unknown)} (the columns are "
            + ", ".join(names)
            + ")"
        )
    repeated = sorted({name for name in header if name and header.count(name) > 1})
    if repeated:
        problems.append("the header repeats " + _quoted(repeated))
    if problems:
        raise FileProblem(f"Row {HEADER_ROW}: " + "; ".join(problems))
    return header


def _quoted(names: Sequence[str]) -> str:
    return ", ".join(f"'{name}'" for name in names)


def data_rows(rows: Sequence[Sequence[str]], what: str) -> Iterator[tuple[int, list[str]]]:
    """(row number, cells) for every row under the header that is not blank (as
    spreadsheets leave at the end); FileProblem if there are none."""
    numbered = [
        (number, list(cells))
        for number, cells in enumerate(rows[1:], start=FIRST_DATA_ROW)
        if not is_blank(cells)
    ]
    if not numbered:
        raise FileProblem(f"The file has a header but no rows of {what} under it")
    return iter(numbered)


# --- Progress and the job's outcome ----------------------------------------------------


def no_progress(percent: int, message: str) -> None:
    return None


@dataclass
class Steps:
    """Progress through `total` items, reported as `start`..`start + span` percent
    every `every` items: `Steps(progress, total, start=5, span=45, every=500)`."""

    progress: jobs.Progress
    total: int
    start: int = 5
    span: int = 45
    every: int = 500

    def at(self, done: int, message: Callable[[int, int], str]) -> None:
        """After `done` items: `message(done, total)` every `every` items."""
        if done % self.every == 0:
            self._report(done, message(done, self.total))

    def checked(self, row_number: int) -> None:
        """After checking the row numbered `row_number` (the header is row 1)."""
        if row_number % self.every == 0:
            done = row_number - 1
            self._report(done, f"Checked {done} of {self.total} rows")

    def _report(self, done: int, message: str) -> None:
        self.progress(self.start + self.span * done // max(1, self.total), message)


def failed_outcome(
    errors: Sequence[RowError], back: str, *, listed: int | None = None
) -> jobs.Outcome:
    """The job's end when any row is wrong: nothing written, every problem listed
    (the first `listed` of them), and a way back to upload the corrected file."""
    shown = errors if listed is None else errors[:listed]
    return jobs.Outcome(
        succeeded=False,
        message=(
            f"Nothing was imported: {plural(len(errors), 'problem')} found. "
            "Correct the file and upload it again."
        ),
        result={"errors": [error.as_dict() for error in shown]},
        result_url=back,
    )
