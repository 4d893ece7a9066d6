"""`wellled spc`: XmR charts for a CSV file, with no database and no web server.

    wellled spc INPUT.csv --value COL --date COL [--group COL] [--profile NAME]
        [--improvement increase|decrease|neither] [--target X] [--rebase DATE ...]
        [--baseline N] [--shift N] [--trend N] [--output OUT.csv]

Writes one row per input row, in input order. Bad input (a value that is not a
number, a date that cannot be read, a date twice in one group) is reported with
its line number, exit status 2, and nothing is written. Also runnable without
Django as `python -m wellled.engines.spc.cli`.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import TextIO

import numpy as np

from wellled.engines.spc.profiles import PROFILES, UnknownProfileError, get_profile
from wellled.engines.spc.render import OUTPUT_COLUMNS, render
from wellled.engines.spc.table import (
    DATE_FORMATS,
    MAX_REPORTED_ERRORS,
    InputError,
    Table,
    describe,
    parse_date,
    parse_value,
    read_table,
)
from wellled.engines.spc.xmr import DIRECTIONS, xmr

# Importable from here as before: the management command and scripts use these names.
__all__ = [
    "DATE_FORMATS",
    "EXIT_BAD_INPUT",
    "EXIT_OK",
    "MAX_REPORTED_ERRORS",
    "OUTPUT_COLUMNS",
    "InputError",
    "Table",
    "add_arguments",
    "build_parser",
    "main",
    "read_table",
    "run",
]

EXIT_OK = 0
EXIT_BAD_INPUT = 2


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
    _add_run_lengths(parser)
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


def _add_run_lengths(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--shift",
        metavar="N",
        help="points in a row on one side of the mean that make a shift "
        "(at least 2; default: the profile's, 6 or 7)",
    )
    parser.add_argument(
        "--trend",
        metavar="N",
        help="points in a row each higher (or each lower) that make a trend "
        "(at least 2; default: the profile's, 6 or 7)",
    )


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
    # A trust's own convention (some count 7 points for either rule, some 8).
    runs = {
        "shift_points": _run_option("--shift", args.shift),
        "trend_points": _run_option("--trend", args.trend),
    }
    profile = profile.replace(**{k: v for k, v in runs.items() if v is not None})
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
    rebase, notes = _rebase_mask(table, rebase_dates)

    try:
        result = xmr(
            table.values[table.order],
            lengths=table.lengths,
            rebase=rebase,
            baseline=baseline,
            improvement=args.improvement,
            target=target,
            profile=profile,
        )
    except ValueError as exc:
        raise InputError(str(exc)) from None

    text = render(table, result)  # pieces of text, joined as they are written
    for note in notes:
        stderr.write(f"note: {note}\n")
    for i, label in enumerate(table.labels):
        for message in result.series_warnings(i):
            stderr.write(f"warning: {describe(label)}: {message}\n")
    if args.output:
        _write_atomically(Path(args.output), text)
    else:
        for piece in text:
            stdout.write(piece)
    return EXIT_OK


# --- options ----------------------------------------------------------------------------------


def _number_option(name: str, text: str | None) -> float | None:
    if text is None:
        return None
    value = parse_value(text.strip())
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


def _run_option(name: str, text: str | None) -> int | None:
    """A run length: a run of one point is no run, so the rules need at least 2."""
    count = _count_option(name, text)
    if count is not None and count < 2:
        raise InputError(f"{name} must be at least 2 points")
    return count


def _date_option(name: str, text: str) -> date:
    when = parse_date(text.strip())
    if when is None:
        raise InputError(f"{name} {text!r} is not a date (use YYYY-MM-DD or DD/MM/YYYY)")
    return when


# --- layout -----------------------------------------------------------------------------------


def _rebase_mask(table: Table, rebase_dates: list[date]) -> tuple[np.ndarray, list[str]]:
    """The first point on or after each --rebase date in each series, and notes on them."""
    mask = np.zeros(len(table.order), dtype=bool)
    notes: list[str] = []
    if not rebase_dates:
        return mask, notes
    ordinals = table.ordinals[table.order]
    start = 0
    for label, length in zip(table.labels, table.lengths, strict=True):
        series_ordinals = ordinals[start : start + length]
        for when in rebase_dates:
            k = int(np.searchsorted(series_ordinals, when.toordinal(), side="left"))
            if k in (0, length):
                where = "after the last point" if k == length else "at or before the first point"
                notes.append(
                    f"--rebase {when.isoformat()} is {where} of {describe(label)}; ignored"
                )
                continue
            if series_ordinals[k] != when.toordinal():
                notes.append(
                    f"--rebase {when.isoformat()} starts a new segment at "
                    f"{table.dates[table.order[start + k]]} in {describe(label)} "
                    "(the first point on or after it)"
                )
            mask[start + k] = True
        start += length
    return mask, notes


# --- writing ----------------------------------------------------------------------------------


def _write_atomically(path: Path, text: Iterable[str]) -> None:
    directory = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.writelines(text)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise InputError(f"cannot write {path}: {exc.strerror}") from None


if __name__ == "__main__":
    sys.exit(main(prog="python -m wellled.engines.spc.cli"))
