"""Reading the `wellled spc` input: a CSV file into checked columns, a column at a time.

A million-row file is read in well under a second because no step runs Python code
once per row except where Python's own C loops do (`str.split`, `map(float, ...)`):
dates in the two accepted layouts are parsed with numpy from their characters, other
spellings once per distinct value; duplicates and missing periods are found on sorted
arrays. The messages, and the line numbers in them, are the ones a row-by-row reader
gives: `csv.DictReader` is the reference, and the equivalence tests compare against it.
"""

from __future__ import annotations

import csv
import io
import sys
from dataclasses import dataclass
from datetime import date, datetime
from typing import TextIO

import numpy as np
from numpy.typing import NDArray

MAX_REPORTED_ERRORS = 20
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")
# date(1970, 1, 1).toordinal(): numpy counts days from 1970, Python's ordinals from year 1.
EPOCH_ORDINAL = 719_163

IntArray = NDArray[np.int64]
# Where the year's four digits, the month's two and the day's two are, in each layout.
ISO_DIGITS = [0, 1, 2, 3, 5, 6, 8, 9]
DMY_DIGITS = [6, 7, 8, 9, 3, 4, 0, 1]
FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


class InputError(Exception):
    """Input the command cannot use; the message names the line or option."""


@dataclass
class Table:
    """The input's data rows in file order, and the order the engine needs them in.

    `order` lists the rows by series (first appearance) then date; `lengths` is each
    series' number of rows in that order, `labels` its name ("" without --group).
    """

    groups: list[str]
    dates: list[str]
    ordinals: IntArray
    values: FloatArray
    raw_values: list[str]
    series: IntArray
    labels: list[str]
    order: IntArray
    lengths: list[int]


@dataclass
class _Cells:
    header: list[str]
    columns: dict[str, list[str]]
    rows: int
    # Physical line of each data row; None when every row is the line after the last.
    lines: list[int] | None
    error: csv.Error | None = None

    def line(self, i: int) -> int:
        return self.lines[i] if self.lines is not None else i + 2


def describe(label: str) -> str:
    return f"group {label!r}" if label else "the series"


def parse_value(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if np.isfinite(value) else None


def parse_date(text: str) -> date | None:
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()  # noqa: DTZ007 - calendar dates, no time
        except ValueError:
            continue
    return None


# --- reading ----------------------------------------------------------------------------------


def read_table(
    path: str,
    value_col: str,
    date_col: str,
    group_col: str | None,
    *,
    stdin: TextIO | None = None,
    allow_gaps: bool = False,
) -> Table:
    wanted = [c for c in (value_col, date_col, group_col) if c is not None]
    try:
        if path == "-":
            text = (stdin if stdin is not None else sys.stdin).read()
            # A text stream has already turned \r\n into \n; split on \n alone, as it does.
            cells = _cells(text, wanted, newline="\n")
        else:
            with open(path, newline="", encoding="utf-8-sig") as handle:
                text = handle.read()
            cells = _cells(text, wanted, newline="")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory, not a CSV file") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: is not UTF-8 text") from None
    except csv.Error as exc:
        raise InputError(f"{path}: not a readable CSV file ({exc})") from None
    missing = [c for c in wanted if c not in cells.header]
    if missing:
        found = ", ".join(repr(c) for c in cells.header) or "none"
        raise InputError(
            f"no column named {', '.join(repr(c) for c in missing)}; the columns are: {found}"
        )
    table, errors = _check(cells, value_col, date_col, group_col)
    if cells.error is not None and len(errors) < MAX_REPORTED_ERRORS:
        # A row-by-row reader stops at the 20th problem, before it reaches unreadable CSV.
        raise InputError(f"{path}: not a readable CSV file ({cells.error})")
    if not errors and not allow_gaps:
        errors = gaps(table, cells)[:MAX_REPORTED_ERRORS]
    if errors:
        more = (
            " (stopped after the first 20 problems)" if len(errors) >= MAX_REPORTED_ERRORS else ""
        )
        raise InputError("the input has problems" + more + ":\n  " + "\n  ".join(errors))
    if not table.raw_values:
        raise InputError("the input has a header row but no data rows")
    return table


def _cells(text: str, wanted: list[str], *, newline: str) -> _Cells:
    fast = _split_simple(text, wanted)
    return fast if fast is not None else _split_csv(text, wanted, newline=newline)


def _split_simple(text: str, wanted: list[str]) -> _Cells | None:
    """The common file, split with `str.split`: no quotes, no \\r, no blank or ragged lines.

    For such text the csv module's result is exactly the split at commas and newlines,
    and each data row is the line after the one before. Anything else returns None.
    """
    if not text or any(c in text for c in ('"', "\r", "\x00")):
        return None
    body = text[:-1] if text.endswith("\n") else text
    if not body or body.startswith("\n") or body.endswith("\n") or "\n\n" in body:
        return None
    header = body.split("\n", 1)[0].split(",")
    width = len(header)
    raw = np.frombuffer(body.encode("utf-8"), dtype=np.uint8)
    line_ends = np.append(np.flatnonzero(raw == 10), raw.size)
    commas_before = np.searchsorted(np.flatnonzero(raw == 44), line_ends)
    if (np.diff(commas_before, prepend=0) != width - 1).any():
        return None
    if int(np.diff(line_ends, prepend=-1).max()) > csv.field_size_limit():
        return None
    flat = body.replace("\n", ",").split(",")
    rows = len(line_ends) - 1
    columns = {}
    for name in wanted:
        # Like csv.DictReader, a name used twice in the header means its last column.
        j = width - 1 - header[::-1].index(name) if name in header else None
        if j is not None:
            columns[name] = flat[width + j :: width]
    return _Cells(header=header, columns=columns, rows=rows, lines=None)


def _split_csv(text: str, wanted: list[str], *, newline: str) -> _Cells:
    """Any other CSV, read by the csv module with csv.DictReader's rules for odd rows."""
    reader = csv.reader(io.StringIO(text, newline=newline))
    header = next(reader, None) or []
    indexed = [name for name in wanted if name in header]
    columns: dict[str, list[str]] = {name: [] for name in indexed}
    lines: list[int] = []
    error: csv.Error | None = None
    try:
        for row in reader:
            if not row:  # DictReader skips blank lines
                continue
            lines.append(reader.line_num)
            fields = _as_dict(header, row)
            for name in indexed:
                cell = fields.get(name)
                columns[name].append(cell if isinstance(cell, str) else "")
    except csv.Error as exc:
        error = exc
    return _Cells(header=header, columns=columns, rows=len(lines), lines=lines, error=error)


def _as_dict(header: list[str], row: list[str]) -> dict[str | None, object]:
    # csv.DictReader's rule: short rows fill their missing names with None (which wins
    # over an earlier column of the same name), long rows put the rest under None.
    fields: dict[str | None, object] = dict(zip(header, row, strict=False))
    if len(row) < len(header):
        for name in header[len(row) :]:
            fields[name] = None
    elif len(row) > len(header):
        fields[None] = row[len(header) :]
    return fields


# --- checking ---------------------------------------------------------------------------------


def _check(
    cells: _Cells, value_col: str, date_col: str, group_col: str | None
) -> tuple[Table, list[str]]:
    """The table, and the per-row problems in file order (stopping where a reader would)."""
    n = cells.rows
    raw_values = list(map(str.strip, cells.columns[value_col]))
    raw_dates = list(map(str.strip, cells.columns[date_col]))
    groups = list(map(str.strip, cells.columns[group_col])) if group_col else [""] * n
    values, value_ok = parse_values(raw_values)
    ordinals, dates, date_ok = parse_dates(raw_dates)
    # Series are numbered in order of first appearance (dicts keep insertion order).
    labels_index = {label: k for k, label in enumerate(dict.fromkeys(groups))}
    if len(labels_index) == 1:
        series = np.zeros(n, dtype=np.int64)
    else:
        series = np.fromiter(map(labels_index.__getitem__, groups), dtype=np.int64, count=n)
    order, first_of = _sorted_with_duplicates(series, ordinals, date_ok)
    table = Table(
        groups=groups,
        dates=dates,
        ordinals=ordinals,
        values=values,
        raw_values=raw_values,
        series=series,
        labels=list(labels_index),
        order=order,
        lengths=np.bincount(series, minlength=len(labels_index)).tolist(),
    )
    bad = ~value_ok | ~date_ok | (first_of >= 0)
    errors: list[str] = []
    for i in np.flatnonzero(bad).tolist():
        errors += _row_problems(table, cells, i, value_col, date_col, int(first_of[i]))
        if len(errors) >= MAX_REPORTED_ERRORS:
            break
    return table, errors


def _row_problems(
    table: Table, cells: _Cells, i: int, value_col: str, date_col: str, first: int
) -> list[str]:
    line = cells.line(i)
    problems = []
    raw_value, raw_date = table.raw_values[i], table.dates[i]
    if not np.isfinite(table.values[i]):
        shown = f"{raw_value!r} is not a number" if raw_value else "is empty"
        problems.append(f"line {line}: value in column {value_col!r} {shown}")
    if table.ordinals[i] < 0:
        shown = f"{raw_date!r} is not a date" if raw_date else "is empty"
        problems.append(
            f"line {line}: date in column {date_col!r} {shown} (use YYYY-MM-DD or DD/MM/YYYY)"
        )
    elif first >= 0:
        problems.append(
            f"line {line}: date {raw_date} appears twice in "
            f"{describe(table.groups[i])} (also on line {cells.line(first)})"
        )
    return problems


def parse_values(raw: list[str]) -> tuple[FloatArray, BoolArray]:
    """Each cell as a float (NaN where it is not a finite number), and which ones are."""
    try:
        values = np.array(list(map(float, raw)), dtype=np.float64)
    except ValueError:
        # Some cell is not a number: find which, deciding each distinct text once.
        known = {text: parse_value(text) for text in dict.fromkeys(raw)}
        values = np.array([known[text] for text in raw], dtype=np.float64)
    ok = np.isfinite(values)
    values[~ok] = np.nan
    return values, ok


def parse_dates(raw: list[str]) -> tuple[IntArray, list[str], BoolArray]:
    """Each cell's date as a proleptic ordinal (-1 if not a date) and as YYYY-MM-DD.

    Where a cell is not a date its "YYYY-MM-DD" is the cell as it was, for the message.
    """
    n = len(raw)
    ordinals = np.full(n, -1, dtype=np.int64)
    dates = list(raw)
    iso, dmy, days = _parse_fixed_width(raw)
    ordinals[iso | dmy] = days[iso | dmy] + EPOCH_ORDINAL
    for i in np.flatnonzero(dmy).tolist():
        text = raw[i]
        dates[i] = f"{text[6:10]}-{text[3:5]}-{text[0:2]}"
    rest = np.flatnonzero(~(iso | dmy)).tolist()
    if rest:
        # Other spellings strptime accepts (2023-1-5, 5/1/2023): each distinct one once.
        known = {text: parse_date(text) for text in dict.fromkeys(raw[i] for i in rest)}
        for i in rest:
            when = known[raw[i]]
            if when is not None:
                ordinals[i] = when.toordinal()
                dates[i] = when.isoformat()
    return ordinals, dates, ordinals >= 0


def _parse_fixed_width(raw: list[str]) -> tuple[BoolArray, BoolArray, IntArray]:
    """Valid YYYY-MM-DD and DD/MM/YYYY cells of ASCII digits, and their days since 1970.

    numpy reads the ten characters of every cell at once; a cell in neither layout, or
    naming a day that does not exist, is left to strptime.
    """
    n = len(raw)
    if n == 0:
        empty = np.zeros(0, dtype=bool)
        return empty, empty, np.zeros(0, dtype=np.int64)
    # Python's lengths, not numpy's: numpy drops trailing NUL characters.
    ten = np.fromiter(map(len, raw), dtype=np.int64, count=n) == 10
    # Longer cells are cut to ten characters here, but `ten` already rules them out.
    chars = np.array(raw, dtype="<U10").view(np.uint32).reshape(n, 10)
    digits = chars.astype(np.int32) - 48
    digit = (digits >= 0) & (digits <= 9)
    iso = ten & (chars[:, 4] == 45) & (chars[:, 7] == 45) & digit[:, ISO_DIGITS].all(1)
    dmy = ten & (chars[:, 2] == 47) & (chars[:, 5] == 47) & digit[:, DMY_DIGITS].all(1)
    year, month, day = _year_month_day(digits, ISO_DIGITS)
    if dmy.any():
        dmy_year, dmy_month, dmy_day = _year_month_day(digits, DMY_DIGITS)
        year, month, day = (
            np.where(dmy, dmy_year, year),
            np.where(dmy, dmy_month, month),
            np.where(dmy, dmy_day, day),
        )
    ok = (iso | dmy) & (year >= 1) & (month >= 1) & (month <= 12) & (day >= 1) & (day <= 31)
    year, month, day = np.where(ok, year, 1970), np.where(ok, month, 1), np.where(ok, day, 1)
    months = (year - 1970) * 12 + month - 1
    days = months.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64) + day - 1
    # 31 February rolls into March: a day past the month's end is not a date.
    ok &= days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64) == months
    return iso & ok, dmy & ok, days


def _year_month_day(digits: NDArray[np.int32], places: list[int]) -> list[IntArray]:
    y1, y2, y3, y4, m1, m2, d1, d2 = (digits[:, j].astype(np.int64) for j in places)
    return [((y1 * 10 + y2) * 10 + y3) * 10 + y4, m1 * 10 + m2, d1 * 10 + d2]


def _sorted_with_duplicates(
    series: IntArray, ordinals: IntArray, date_ok: BoolArray
) -> tuple[IntArray, IntArray]:
    """Rows by series then date (file order among equals), and for each row that repeats
    an earlier row's series and date, that earlier row (-1 for every other row)."""
    n = len(series)
    order = np.lexsort((ordinals, series))  # stable: equal keys stay in file order
    first_of = np.full(n, -1, dtype=np.int64)
    valid = order[date_ok[order]]
    if valid.size > 1:
        repeat = (series[valid][1:] == series[valid][:-1]) & (
            ordinals[valid][1:] == ordinals[valid][:-1]
        )
        run_start = np.maximum.accumulate(
            np.where(np.append(False, repeat), 0, np.arange(valid.size))
        )
        dup = np.flatnonzero(np.append(False, repeat))
        first_of[valid[dup]] = valid[run_start[dup]]
    return order, first_of


def gaps(table: Table, cells: _Cells) -> list[str]:
    """Missing periods in each monthly or weekly series, named by the lines around them.

    A series whose dates are all the 1st of a month is monthly; one whose dates are
    all a whole number of weeks apart is weekly. Other series (daily, irregular) are
    charted as they are: there is no cadence to miss a period of.
    """
    order = table.order
    if order.size < 2:
        return []
    series = table.series[order]
    ordinals = table.ordinals[order]
    n_series = len(table.labels)
    days = (ordinals - EPOCH_ORDINAL).astype("datetime64[D]")
    months = days.astype("datetime64[M]")
    first_of_month = days == months.astype("datetime64[D]")
    same = series[1:] == series[:-1]
    off_week = same & ((ordinals[1:] - ordinals[:-1]) % 7 != 0)
    counts = np.bincount(series, minlength=n_series)
    monthly = (counts >= 2) & (np.bincount(series[~first_of_month], minlength=n_series) == 0)
    weekly = (counts >= 2) & ~monthly & (np.bincount(series[1:][off_week], minlength=n_series) == 0)
    index = np.where(monthly[series], months.astype(np.int64), ordinals // 7)
    missing = index[1:] - index[:-1] - 1
    cadenced = (monthly | weekly)[series[1:]]
    problems: list[tuple[int, str]] = []
    for k in np.flatnonzero(same & cadenced & (missing > 0)).tolist():
        before, after = int(order[k]), int(order[k + 1])
        step = "month" if monthly[series[k]] else "week"
        count = int(missing[k])
        plural = f"{count} {step}s" if count > 1 else f"a {step}"
        line_after = cells.line(after)
        problems.append(
            (
                line_after,
                f"line {line_after}: {describe(table.groups[after])} has no value for {plural} "
                f"between {table.dates[before]} (line {cells.line(before)}) and "
                f"{table.dates[after]}: add the missing rows, or pass --allow-gaps to chart it "
                "as it is",
            )
        )
    return [text for _, text in sorted(problems, key=lambda p: p[0])]
