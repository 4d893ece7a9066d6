"""The row-by-row `wellled spc` reader and writer the command used to have, kept as the
reference for its output: test_cli_equivalence.py checks that the column-at-a-time
command writes the same bytes, and the same messages, for the same input.

This is the csv.DictReader / csv.writer implementation as it was, unchanged but for
this docstring and the lines that made it runnable on its own.
"""

from __future__ import annotations

import argparse
import csv
import io
import itertools
import math
import os
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TextIO

import numpy as np
from dateutil.relativedelta import relativedelta

from wellled.engines.spc.profiles import PROFILES, UnknownProfileError, get_profile
from wellled.engines.spc.xmr import DIRECTIONS, XmrResult, xmr

EXIT_OK = 0
EXIT_BAD_INPUT = 2
MAX_REPORTED_ERRORS = 20
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")

OUTPUT_COLUMNS = (
    "group",
    "date",
    "value",
    "mean",
    "lpl",
    "upl",
    "lower_two_sigma",
    "upper_two_sigma",
    "moving_range",
    "segment",
    "rules",
    "point_type",
    "variation",
    "assurance",
    "profile",
    "warnings",
)


class InputError(Exception):
    """Input the command cannot use; the message names the line or option."""


@dataclass
class Table:
    groups: list[str]
    dates: list[date]
    values: list[float]
    raw_values: list[str]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "input", metavar="INPUT.csv", help="CSV file with a header row; - for stdin"
    )
    parser.add_argument("--value", required=True, metavar="COL", help="column holding the values")
    parser.add_argument(
        "--date",
        required=True,
        metavar="COL",
        help="column holding the dates (YYYY-MM-DD or DD/MM/YYYY)",
    )
    parser.add_argument("--group", metavar="COL", help="column naming each series (one chart each)")
    parser.add_argument(
        "--profile",
        default="mdc_excel_v5",
        metavar="NAME",
        help=f"rule set: {', '.join(PROFILES)} (default mdc_excel_v5)",
    )
    parser.add_argument(
        "--improvement",
        default="increase",
        metavar="DIRECTION",
        help="increase, decrease or neither (default increase)",
    )
    parser.add_argument("--target", metavar="X", help="target value, for the assurance icon")
    parser.add_argument(
        "--rebase",
        nargs="+",
        action="extend",
        default=[],
        metavar="DATE",
        help="recalculate the limits from the first point on or after each date",
    )
    parser.add_argument(
        "--baseline",
        metavar="N",
        help="calculate the limits from the first N points of each series and carry them forward",
    )
    parser.add_argument(
        "--conflict",
        choices=("improvement", "concern", "precedence"),
        help="override the profile's rule for a point that is both improvement and concern",
    )
    parser.add_argument(
        "--allow-gaps",
        action="store_true",
        help="chart a monthly or weekly series even when a period in it has no row",
    )
    parser.add_argument("--output", metavar="OUT.csv", help="write here instead of stdout")


def build_parser(prog: str = "wellled spc") -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Making Data Count XmR charts for a CSV file.",
    )
    add_arguments(parser)
    return parser


def main(
    argv: Sequence[str] | None = None,
    *,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
    stdin: TextIO | None = None,
    prog: str = "wellled spc",
) -> int:
    out = stdout if stdout is not None else sys.stdout
    err = stderr if stderr is not None else sys.stderr
    parser = build_parser(prog)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code) if isinstance(exc.code, int) else EXIT_BAD_INPUT
    try:
        return run(args, stdout=out, stderr=err, stdin=stdin)
    except InputError as exc:
        err.write(f"{prog}: error: {exc}\n")
        return EXIT_BAD_INPUT


def run(
    args: argparse.Namespace,
    *,
    stdout: TextIO,
    stderr: TextIO,
    stdin: TextIO | None = None,
) -> int:
    try:
        profile = get_profile(args.profile)
    except UnknownProfileError as exc:
        raise InputError(str(exc)) from None
    if args.conflict:
        profile = profile.replace(conflict=args.conflict)
    if args.improvement not in DIRECTIONS:
        raise InputError(
            f"--improvement must be one of {', '.join(DIRECTIONS)}, not {args.improvement!r}"
        )
    target = _number_option("--target", args.target)
    baseline = _count_option("--baseline", args.baseline)
    rebase_dates = [_date_option("--rebase", text) for text in args.rebase]

    table = read_table(
        args.input, args.value, args.date, args.group, stdin=stdin, allow_gaps=args.allow_gaps
    )
    order, lengths, labels = _series_layout(table)
    values = np.asarray(table.values, dtype=np.float64)[order]
    dates = [table.dates[i] for i in order]
    rebase, notes = _rebase_mask(dates, lengths, labels, rebase_dates)

    try:
        result = xmr(
            values,
            lengths=lengths,
            rebase=rebase,
            baseline=baseline,
            improvement=args.improvement,
            target=target,
            profile=profile,
        )
    except ValueError as exc:
        raise InputError(str(exc)) from None

    text = _render(table, order, lengths, labels, result)
    for note in notes:
        stderr.write(f"note: {note}\n")
    for i, label in enumerate(labels):
        for message in result.series_warnings(i):
            stderr.write(f"warning: {_describe(label)}: {message}\n")
    if args.output:
        _write_atomically(Path(args.output), text)
    else:
        stdout.write(text)
    return EXIT_OK


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
    try:
        if path == "-":
            handle = stdin if stdin is not None else sys.stdin
            return _parse(handle, value_col, date_col, group_col, allow_gaps=allow_gaps)
        with open(path, newline="", encoding="utf-8-sig") as handle:
            return _parse(handle, value_col, date_col, group_col, allow_gaps=allow_gaps)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory, not a CSV file") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: is not UTF-8 text") from None
    except csv.Error as exc:
        raise InputError(f"{path}: not a readable CSV file ({exc})") from None


def _parse(
    handle: TextIO,
    value_col: str,
    date_col: str,
    group_col: str | None,
    *,
    allow_gaps: bool = False,
) -> Table:
    reader = csv.DictReader(handle)
    columns = reader.fieldnames or []
    missing = [c for c in (value_col, date_col, group_col) if c is not None and c not in columns]
    if missing:
        found = ", ".join(repr(c) for c in columns) or "none"
        raise InputError(
            f"no column named {', '.join(repr(c) for c in missing)}; the columns are: {found}"
        )
    table = Table(groups=[], dates=[], values=[], raw_values=[])
    errors: list[str] = []
    seen: dict[tuple[str, date], int] = {}
    for row in reader:
        line = reader.line_num
        group = (row.get(group_col) or "").strip() if group_col else ""
        raw_value = (row.get(value_col) or "").strip()
        raw_date = (row.get(date_col) or "").strip()
        value = _parse_value(raw_value)
        when = _parse_date(raw_date)
        if value is None:
            shown = f"{raw_value!r} is not a number" if raw_value else "is empty"
            errors.append(f"line {line}: value in column {value_col!r} {shown}")
        if when is None:
            shown = f"{raw_date!r} is not a date" if raw_date else "is empty"
            errors.append(
                f"line {line}: date in column {date_col!r} {shown} (use YYYY-MM-DD or DD/MM/YYYY)"
            )
        elif (group, when) in seen:
            errors.append(
                f"line {line}: date {when.isoformat()} appears twice in "
                f"{_describe(group)} (also on line {seen[(group, when)]})"
            )
        else:
            seen[(group, when)] = line
        if len(errors) >= MAX_REPORTED_ERRORS:
            break
        if value is not None and when is not None:
            table.groups.append(group)
            table.dates.append(when)
            table.values.append(value)
            table.raw_values.append(raw_value)
    if not errors and not allow_gaps:
        errors = _gaps(seen)[:MAX_REPORTED_ERRORS]
    if errors:
        more = (
            " (stopped after the first 20 problems)" if len(errors) >= MAX_REPORTED_ERRORS else ""
        )
        raise InputError("the input has problems" + more + ":\n  " + "\n  ".join(errors))
    if not table.values:
        raise InputError("the input has a header row but no data rows")
    return table


def _gaps(seen: dict[tuple[str, date], int]) -> list[str]:
    """Missing periods in each monthly or weekly series, named by the lines around them.

    A series whose dates are all the 1st of a month is monthly; one whose dates are
    all a whole number of weeks apart is weekly. Other series (daily, irregular) are
    charted as they are: there is no cadence to miss a period of.
    """
    by_group: dict[str, list[tuple[date, int]]] = {}
    for (group, when), line in seen.items():
        by_group.setdefault(group, []).append((when, line))
    problems: list[str] = []
    for group, rows in by_group.items():
        rows.sort()
        dates = [when for when, _ in rows]
        if len(dates) < 2:
            continue
        if all(when.day == 1 for when in dates):
            step = "month"
            index = [_months_apart(dates[0], when) for when in dates]
        elif all((later - earlier).days % 7 == 0 for earlier, later in itertools.pairwise(dates)):
            step = "week"
            index = [when.toordinal() // 7 for when in dates]
        else:
            continue
        pairs = zip(itertools.pairwise(rows), itertools.pairwise(index), strict=True)
        for ((earlier, line_before), (later, line_after)), (a, b) in pairs:
            missing = b - a - 1
            if missing > 0:
                plural = f"{missing} {step}s" if missing > 1 else f"a {step}"
                problems.append(
                    f"line {line_after}: {_describe(group)} has no value for {plural} between "
                    f"{earlier.isoformat()} (line {line_before}) and {later.isoformat()}: add the "
                    "missing rows, or pass --allow-gaps to chart it as it is"
                )
    return sorted(problems, key=lambda text: int(text.split(":")[0].split()[1]))


def _months_apart(first: date, later: date) -> int:
    apart = relativedelta(later, first)
    return apart.years * 12 + apart.months


def _parse_value(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _parse_date(text: str) -> date | None:
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()  # noqa: DTZ007 - calendar dates, no time
        except ValueError:
            continue
    return None


def _number_option(name: str, text: str | None) -> float | None:
    if text is None:
        return None
    value = _parse_value(text.strip())
    if value is None:
        raise InputError(f"{name} {text!r} is not a number")
    return value


def _count_option(name: str, text: str | None) -> int | None:
    if text is None:
        return None
    try:
        count = int(text)
    except ValueError:
        raise InputError(f"{name} {text!r} is not a whole number") from None
    if count < 1:
        raise InputError(f"{name} must be at least 1")
    return count


def _date_option(name: str, text: str) -> date:
    when = _parse_date(text.strip())
    if when is None:
        raise InputError(f"{name} {text!r} is not a date (use YYYY-MM-DD or DD/MM/YYYY)")
    return when


# --- layout -----------------------------------------------------------------------------------


def _series_layout(table: Table) -> tuple[np.ndarray, list[int], list[str]]:
    """Rows ordered by series (first appearance) then date, with each series' length."""
    labels: list[str] = []
    index: dict[str, int] = {}
    series = np.empty(len(table.groups), dtype=np.int64)
    for i, group in enumerate(table.groups):
        if group not in index:
            index[group] = len(labels)
            labels.append(group)
        series[i] = index[group]
    ordinal = np.asarray([d.toordinal() for d in table.dates], dtype=np.int64)
    order = np.lexsort((ordinal, series))
    lengths = np.bincount(series, minlength=len(labels)).tolist()
    return order, lengths, labels


def _rebase_mask(
    dates: list[date], lengths: list[int], labels: list[str], rebase_dates: list[date]
) -> tuple[np.ndarray, list[str]]:
    mask = np.zeros(len(dates), dtype=bool)
    notes: list[str] = []
    start = 0
    for label, length in zip(labels, lengths, strict=True):
        series_dates = dates[start : start + length]
        for when in rebase_dates:
            k = next((j for j, d in enumerate(series_dates) if d >= when), None)
            if k is None or k == 0:
                where = "after the last point" if k is None else "at or before the first point"
                notes.append(
                    f"--rebase {when.isoformat()} is {where} of {_describe(label)}; ignored"
                )
                continue
            if series_dates[k] != when:
                notes.append(
                    f"--rebase {when.isoformat()} starts a new segment at "
                    f"{series_dates[k].isoformat()} in {_describe(label)} "
                    "(the first point on or after it)"
                )
            mask[start + k] = True
        start += length
    return mask, notes


def _describe(label: str) -> str:
    return f"group {label!r}" if label else "the series"


# --- writing ----------------------------------------------------------------------------------

RULE_NAMES = (
    ("outside_limits", "outside_limits_high", "outside_limits_low"),
    ("shift", "shift_high", "shift_low"),
    ("trend", "trend_increasing", "trend_decreasing"),
    ("two_sigma", "two_sigma_high", "two_sigma_low"),
)


def _render(
    table: Table, order: np.ndarray, lengths: list[int], labels: list[str], result: XmrResult
) -> str:
    n = len(order)
    row_of = np.empty(n, dtype=np.int64)
    row_of[order] = np.arange(n)
    series_of = np.repeat(np.arange(len(lengths)), lengths)
    point_types = result.point_type_labels()
    variation = result.variation_labels()
    assurance = result.assurance_labels()
    warnings = ["; ".join(result.series_warnings(i)) for i in range(len(labels))]
    columns = {
        "mean": result.mean,
        "lpl": result.lpl,
        "upl": result.upl,
        "lower_two_sigma": result.lower_two_sigma,
        "upper_two_sigma": result.upper_two_sigma,
        "moving_range": result.moving_range,
    }
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(OUTPUT_COLUMNS)
    for i in range(n):
        k = int(row_of[i])
        s = int(series_of[k])
        rules = []
        for column, high, low in RULE_NAMES:
            flag = int(getattr(result, column)[k])
            if flag in (1, 2):
                rules.append(high)
            if flag in (-1, 2):
                rules.append(low)
        writer.writerow(
            (
                table.groups[i],
                table.dates[i].isoformat(),
                table.raw_values[i],
                *(_number(columns[c][k]) for c in ("mean", "lpl", "upl")),
                *(_number(columns[c][k]) for c in ("lower_two_sigma", "upper_two_sigma")),
                _number(columns["moving_range"][k]),
                int(result.segment[k]) + 1,
                ";".join(rules),
                point_types[k],
                variation[s],
                assurance[s],
                result.profile.name,
                warnings[s],
            )
        )
    return buffer.getvalue()


def _number(value: float) -> str:
    # 15 significant digits: the data's precision without binary noise (8.76, not 8.7599…).
    return "" if not math.isfinite(value) else format(float(value), ".15g")


def _write_atomically(path: Path, text: str) -> None:
    directory = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise InputError(f"cannot write {path}: {exc.strerror}") from None
