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

import datetime
import itertools
import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings

# FileProblem and RowError are named here too, for the page and the import job.
from wellled.core.csv_import import (
    FileProblem as FileProblem,
)
from wellled.core.csv_import import (
    RowError as RowError,
)
from wellled.core.csv_import import (
    RowErrors,
    check_header,
    data_rows,
    decode_csv,
    read_csv,
)
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
MAX_LISTED = 200


@dataclass(frozen=True)
class RawRow:
    number: int
    metric: str | None  # slug named on the row; None: the metric chosen for the import
    period: str
    value: object


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
    # The configured limit, as every upload is received (core.uploads).
    text = decode_csv(raw, filename, max_bytes=int(settings.MAX_UPLOAD_BYTES), sniff=True)
    rows_from_csv(text)
    return text


def rows_from_csv(text: str) -> list[RawRow]:
    """The file's rows, or FileProblem if its header is wrong."""
    rows = read_csv(text)
    header = check_header(rows, COLUMNS, REQUIRED_COLUMNS)
    out: list[RawRow] = []
    for number, cells in data_rows(rows, "values"):
        values = dict(zip(header, cells, strict=False))
        out.append(
            RawRow(
                number=number,
                metric=values["metric"].strip() if "metric" in values else None,
                period=values.get("period", ""),
                value=values.get("value", ""),
            )
        )
    return out


def check_rows(rows: list[RawRow], *, metric: Metric | None) -> Checked:
    """Check every row against the catalogue and the stored series."""
    checker = _Checker(rows, metric)
    for row in rows:
        checker.check(row)
    for target, new in checker.rows_by_metric.items():
        _check_gaps(target, new, checker.errors.add)
    return Checked(errors=checker.errors.sorted(), values=checker.values)


class _Checker:
    def __init__(self, rows: list[RawRow], metric: Metric | None) -> None:
        self.metric = metric
        slugs = {row.metric for row in rows if row.metric}
        self.by_slug = {m.slug: m for m in Metric.objects.filter(slug__in=slugs)}
        self.errors = RowErrors()
        self.seen: dict[tuple[int, datetime.date], int] = {}
        self.values: dict[Metric, dict[datetime.date, float]] = {}
        # metric -> {period: row number}
        self.rows_by_metric: dict[Metric, dict[datetime.date, int]] = defaultdict(dict)

    def check(self, row: RawRow) -> None:
        target = self._target(row)
        if target is None:
            return
        start = self.errors.mark()
        period = self._period(row, target)
        value = parse_value(row.value)
        if value is None:
            shown = str(row.value).strip() if row.value is not None else ""
            self.errors.add(
                row.number, f"'{shown}' is not a number" if shown else "Enter a value (a number)"
            )
        if self.errors.since(start) or period is None or value is None:
            return
        key = (target.pk, period)
        if key in self.seen:
            self.errors.add(
                row.number,
                f"{period.isoformat()} for {target.name} is also on row {self.seen[key]}",
            )
            return
        self.seen[key] = row.number
        self.values.setdefault(target, {})[period] = value
        self.rows_by_metric[target][period] = row.number

    def _target(self, row: RawRow) -> Metric | None:
        """The metric the row is for, if it names one that takes imported values."""
        target = self.metric
        if row.metric:
            target = self.by_slug.get(row.metric)
            if target is None:
                self.errors.add(
                    row.number, f"There is no metric called '{row.metric}' in the catalogue"
                )
                return None
        if target is None:
            self.errors.add(row.number, "Name the metric in the 'metric' column")
            return None
        if target.source_kind != SourceKind.IMPORTED:
            self.errors.add(
                row.number,
                f"{target.name} is computed by wellled from its records: "
                "its values cannot be imported",
            )
            return None
        return target

    def _period(self, row: RawRow, target: Metric) -> datetime.date | None:
        period = parse_date(str(row.period))
        if period is None:
            shown = str(row.period).strip()
            self.errors.add(
                row.number,
                f"'{shown}' is not a date: use YYYY-MM-DD or DD/MM/YYYY"
                if shown
                else "Enter the period's date",
            )
        elif not is_period_start(period, target.frequency):
            start = period_start(period, target.frequency)
            self.errors.add(
                row.number,
                f"{period.isoformat()} is not the start of a {noun(target.frequency)}: "
                f"{target.name} is {target.get_frequency_display().lower()}, "
                f"so use {start.isoformat()}",
            )
            return None
        return period


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
