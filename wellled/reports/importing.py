"""Imported series: checking rows from a CSV file or the API, all or nothing.

Both routes hand `check_rows` a list of `RawRow`s (the row number the person
sees, the metric named on the row if any, the period and the value as given).
It returns every problem, each naming its row, or the values to write; the
action `actions.import_metric_values` writes nothing unless every row is right.

A row for a period that already has a value replaces it (a correction). After
the import each metric's series must have no gaps: MDC charts need a value for
every week or month.

CSV rows are numbered as a spreadsheet shows them (the header is row 1); API
rows from 1.
"""

from __future__ import annotations

import csv
import datetime
import io
import itertools
import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from wellled.reports.models import Metric, MetricValue, SourceKind
from wellled.reports.periods import is_period_start, next_period, noun, period_start

# Column name -> what goes in it, shown on the upload page.
COLUMNS: dict[str, str] = {
    "metric": "The metric's short name (slug), as in the catalogue; "
    "leave the column out to import into the metric chosen on the page",
    "period": "The first day of the month, or the Monday of the week, as YYYY-MM-DD or DD/MM/YYYY",
    "value": "The figure for that period, a number such as 42 or 87.5",
}
REQUIRED_COLUMNS = ("period", "value")
MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_LISTED = 200


class FileProblem(Exception):
    """The file as a whole cannot be read; the message says why."""


@dataclass(frozen=True)
class RawRow:
    number: int
    metric: str | None  # slug named on the row; None: the metric chosen for the import
    period: str
    value: object


@dataclass(frozen=True)
class RowError:
    row: int
    message: str

    def __str__(self) -> str:
        return f"Row {self.row}: {self.message}"


@dataclass
class Checked:
    errors: list[RowError] = field(default_factory=list)
    # metric -> {period: value}
    values: dict[Metric, dict[datetime.date, float]] = field(default_factory=dict)

    @property
    def row_count(self) -> int:
        return sum(len(v) for v in self.values.values())


def parse_date(text: str) -> datetime.date | None:
    text = text.strip()
    try:
        return datetime.date.fromisoformat(text) if "-" in text else _uk_date(text)
    except ValueError:
        return None


def _uk_date(text: str) -> datetime.date:
    day, month, year = (int(part) for part in text.split("/"))
    if year < 1000:
        raise ValueError(text)
    return datetime.date(year, month, day)


def parse_value(raw: object) -> float | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | float):
        number = float(raw)
    elif isinstance(raw, str):
        text = raw.strip().replace(",", "")
        if not text:
            return None
        try:
            number = float(text)
        except ValueError:
            return None
    else:
        return None
    return number if math.isfinite(number) else None


def decode_upload(raw: bytes, filename: str) -> str:
    """The file's text, or FileProblem naming what is wrong with it."""
    if len(raw) > MAX_UPLOAD_BYTES:
        raise FileProblem("The file must be smaller than 2 MB")
    if not filename.lower().endswith(".csv"):
        raise FileProblem("The file must be a CSV file (its name ends in .csv)")
    if not raw.strip():
        raise FileProblem("The file is empty")
    import filetype

    if b"\x00" in raw or filetype.guess(raw) is not None:
        raise FileProblem(
            "The file is not a CSV file. If it is a spreadsheet, save it as "
            "'CSV UTF-8 (comma delimited)' and upload that"
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileProblem(
            "The file must be saved as UTF-8. In Excel, choose 'Save as' and "
            "'CSV UTF-8 (comma delimited)'"
        ) from None
    rows_from_csv(text)
    return text


def rows_from_csv(text: str) -> list[RawRow]:
    """The file's rows, or FileProblem if its header is wrong."""
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as exc:
        raise FileProblem(f"The file is not a readable CSV file ({exc})") from None
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise FileProblem("The first row must name the columns: " + ", ".join(COLUMNS))
    header = [cell.strip().lower() for cell in rows[0]]
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    unknown = [name for name in header if name and name not in COLUMNS]
    repeated = sorted({name for name in header if name and header.count(name) > 1})
    problems = []
    if missing:
        problems.append("the header has no " + ", ".join(f"'{name}'" for name in missing))
    if unknown:
        problems.append(
            "the header has unknown columns "
            + ", ".join(f"'{name}'" for name in unknown)
            + " (the columns are "
            + ", ".join(COLUMNS)
            + ")"
        )
    if repeated:
        problems.append("the header repeats " + ", ".join(f"'{name}'" for name in repeated))
    if problems:
        raise FileProblem("Row 1: " + "; ".join(problems))
    out: list[RawRow] = []
    for number, cells in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        values = dict(zip(header, cells, strict=False))
        out.append(
            RawRow(
                number=number,
                metric=values["metric"].strip() if "metric" in values else None,
                period=values.get("period", ""),
                value=values.get("value", ""),
            )
        )
    if not out:
        raise FileProblem("The file has a header but no rows of values under it")
    return out


def check_rows(rows: list[RawRow], *, metric: Metric | None) -> Checked:
    """Check every row against the catalogue and the stored series."""
    result = Checked()
    slugs = {row.metric for row in rows if row.metric}
    by_slug = {m.slug: m for m in Metric.objects.filter(slug__in=slugs)}
    seen: dict[tuple[int, datetime.date], int] = {}
    # metric -> {period: row number}
    rows_by_metric: dict[Metric, dict[datetime.date, int]] = defaultdict(dict)

    def error(row: int, message: str) -> None:
        result.errors.append(RowError(row, message))

    for row in rows:
        target = metric
        if row.metric:
            target = by_slug.get(row.metric)
            if target is None:
                error(row.number, f"There is no metric called '{row.metric}' in the catalogue")
                continue
        if target is None:
            error(row.number, "Name the metric in the 'metric' column")
            continue
        if target.source_kind != SourceKind.IMPORTED:
            error(
                row.number,
                f"{target.name} is computed by wellled from its records: "
                "its values cannot be imported",
            )
            continue
        ok = True
        period = parse_date(str(row.period))
        if period is None:
            shown = str(row.period).strip()
            error(
                row.number,
                f"'{shown}' is not a date: use YYYY-MM-DD or DD/MM/YYYY"
                if shown
                else "Enter the period's date",
            )
            ok = False
        elif not is_period_start(period, target.frequency):
            start = period_start(period, target.frequency)
            error(
                row.number,
                f"{period.isoformat()} is not the start of a {noun(target.frequency)}: "
                f"{target.name} is {target.get_frequency_display().lower()}, "
                f"so use {start.isoformat()}",
            )
            ok = False
        value = parse_value(row.value)
        if value is None:
            shown = str(row.value).strip() if row.value is not None else ""
            error(
                row.number,
                f"'{shown}' is not a number" if shown else "Enter a value (a number)",
            )
            ok = False
        if period is not None and ok:
            key = (target.pk, period)
            if key in seen:
                error(
                    row.number,
                    f"{period.isoformat()} for {target.name} is also on row {seen[key]}",
                )
                continue
            seen[key] = row.number
        if ok and period is not None and value is not None:
            result.values.setdefault(target, {})[period] = value
            rows_by_metric[target][period] = row.number

    for target, new in rows_by_metric.items():
        _check_gaps(target, new, error)
    result.errors.sort(key=lambda e: e.row)
    return result


def _check_gaps(
    metric: Metric, new: dict[datetime.date, int], error: Callable[[int, str], None]
) -> None:
    """Every period between the first and the last must have a value after the import."""
    stored = set(MetricValue.objects.filter(metric=metric).values_list("period", flat=True))
    periods = sorted(stored | set(new))
    for earlier, later in itertools.pairwise(periods):
        expected = next_period(earlier, metric.frequency)
        if expected == later:
            continue
        where = new.get(later) or new.get(earlier)
        if where is None:
            continue
        missing = [expected]
        while next_period(missing[-1], metric.frequency) < later:
            missing.append(next_period(missing[-1], metric.frequency))
        word = noun(metric.frequency)
        what = (
            f"no value for the {word} starting {expected.isoformat()}"
            if len(missing) == 1
            else f"no values for the {len(missing)} {word}s from {expected.isoformat()} "
            f"to {missing[-1].isoformat()}"
        )
        error(
            where,
            f"{metric.name} has {what}, between {earlier.isoformat()} and "
            f"{later.isoformat()}: a series must have no gaps",
        )
