"""The words, colours and small helpers of the SPC chart drawing (charts.py), and
the chart in words: its description and its data table.

Colours are the MDC ones (NHS-R `ptd_spc_colours()`, MDC Single Chart Tool v5):
improvement blue, concern orange, neither purple, common cause grey. Markers
get a darker outline of their own colour so that they stand out from a white
background.
"""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from wellled.reports.chartdata import ChartData

# --- colours and words ------------------------------------------------------------------------

IMPROVEMENT = "#00B0F0"
IMPROVEMENT_DARK = "#005EB8"
CONCERN = "#E46C0A"
CONCERN_DARK = "#8A3F00"
NEITHER = "#490092"
NEITHER_DARK = "#2B0057"
COMMON = "#A6A6A6"
COMMON_DARK = "#4C6272"
TARGET = "#DE1B1B"
TEXT = "#212B32"
LINE = "#4C6272"
GRID = "#D8DDE0"
FONT = "Arial, Helvetica, sans-serif"

POINT_TYPES: dict[str, str] = {
    "common_cause": "Common cause",
    "special_cause_improvement": "Special cause: improvement",
    "special_cause_concern": "Special cause: concern",
    "special_cause_neither": "Special cause: neither improvement nor concern",
}

VARIATION_LABELS: dict[str, str] = {
    "common_cause": "Common cause variation",
    "improvement_high": "Special cause variation: improvement, high values",
    "improvement_low": "Special cause variation: improvement, low values",
    "concern_high": "Special cause variation: concern, high values",
    "concern_low": "Special cause variation: concern, low values",
    "neither_high": "Special cause variation: neither improvement nor concern, high values",
    "neither_low": "Special cause variation: neither improvement nor concern, low values",
}

ASSURANCE_LABELS: dict[str, str] = {
    "pass": "Consistently passing the target",
    "fail": "Consistently failing the target",
    "hit_or_miss": "Hit or miss: the target lies within the process limits",
}

# Fill, outline, legend word and shape of each point type.
MARKERS: dict[str, tuple[str, str, str, str]] = {
    "common_cause": (COMMON, COMMON_DARK, "Common cause", "circle"),
    "special_cause_improvement": (IMPROVEMENT, IMPROVEMENT_DARK, "Improvement", "square"),
    "special_cause_concern": (CONCERN, CONCERN_DARK, "Concern", "triangle"),
    "special_cause_neither": (NEITHER, NEITHER_DARK, "Neither", "diamond"),
}


def point_type_label(code: str) -> str:
    """A point type in words ("" for a missing value)."""
    return POINT_TYPES.get(code, "")


def variation_label(code: str) -> str:
    return VARIATION_LABELS.get(code, "No variation icon: too few points for process limits")


def assurance_label(code: str) -> str:
    return ASSURANCE_LABELS.get(code, "No assurance icon: no target, or no process limits")


def format_value(value: float | None, unit: str = "") -> str:
    """A value as a person reads it: at most 2 decimals, with a % where it is one."""
    if value is None or not math.isfinite(value):
        return ""
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    return f"{text}%" if unit.strip() == "%" else text


# --- small helpers ----------------------------------------------------------------------------


def coord(value: float) -> str:
    """A coordinate: one decimal, no trailing zeros, never "-0"."""
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


# Every control character but tab and newline.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f]")


def clean_text(text: str) -> str:
    """Text for the drawing: XML 1.0 has no place for most control characters, so they
    go. (The templates escape what is left, quotes included.)"""
    return _CONTROL.sub("", str(text))


def finite(value: float | None) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def long_period_label(period: datetime.date, monthly: bool) -> str:
    return period.strftime("%b %Y") if monthly else f"{period.day} {period:%b %Y}"


def short_period_label(period: datetime.date, monthly: bool) -> str:
    return period.strftime("%b %y") if monthly else f"{period.day} {period:%b %y}"


def is_monthly(periods: Sequence[datetime.date]) -> bool:
    return (
        bool(periods)
        and all(period.day == 1 for period in periods)
        and (len(periods) < 2 or (periods[1] - periods[0]).days >= 28)
    )


def nice_ticks(low: float, high: float, count: int = 5) -> tuple[list[float], int]:
    """Round tick values covering [low, high] and the decimals they need."""
    if not (math.isfinite(low) and math.isfinite(high)):
        return [0.0, 1.0], 0
    if high < low:
        low, high = high, low
    if high == low:
        pad = abs(high) * 0.1 or 1.0
        low, high = low - pad, high + pad
    raw = (high - low) / max(1, count)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = magnitude * 10
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude * (1 + 1e-9):
            step = factor * magnitude
            break
    decimals = max(0, -math.floor(math.log10(step) + 1e-9))
    if not math.isclose(step, round(step, decimals), rel_tol=1e-9):
        decimals += 1
    first = math.floor(low / step + 1e-9)
    last = math.ceil(high / step - 1e-9)
    ticks = [round(i * step, decimals + 2) for i in range(first, last + 1)]
    return ticks, decimals


def text_width(text: str, size: float) -> float:
    return len(text) * size * 0.56


def segments(chart: ChartData) -> list[tuple[int, int]]:
    """Index ranges [start, end) of the chart's segments, split at each recalculation."""
    n = len(chart.periods)
    starts = {0}
    rebases = set(chart.rebases)
    for index, period in enumerate(chart.periods):
        if index and period in rebases:
            starts.add(index)
    ordered = sorted(start for start in starts if start < n)
    return [
        (start, ordered[i + 1] if i + 1 < len(ordered) else n) for i, start in enumerate(ordered)
    ]


# --- the chart in words ------------------------------------------------------------------------


def describe_chart(chart: ChartData) -> str:
    """What the chart shows, in a few sentences, for its `<desc>`."""
    values = [finite(v) for v in chart.values]
    present = [(p, v) for p, v in zip(chart.periods, values, strict=False) if v is not None]
    if not present:
        return "There are no values to show."
    monthly = is_monthly(chart.periods)
    first, last = present[0], present[-1]
    parts = [
        f"{len(present)} {'value' if len(present) == 1 else 'values'} from "
        f"{long_period_label(first[0], monthly)} to {long_period_label(last[0], monthly)}.",
        f"The latest, {long_period_label(last[0], monthly)}, "
        f"is {format_value(last[1], chart.unit)}.",
    ]
    index = chart.periods.index(last[0])
    mean = finite(chart.mean[index]) if index < len(chart.mean) else None
    lpl = finite(chart.lpl[index]) if index < len(chart.lpl) else None
    upl = finite(chart.upl[index]) if index < len(chart.upl) else None
    if mean is not None:
        parts.append(f"The mean is {format_value(mean, chart.unit)}.")
    if lpl is not None and upl is not None:
        parts.append(
            f"The process limits are {format_value(lpl, chart.unit)} to "
            f"{format_value(upl, chart.unit)}."
        )
    else:
        parts.append("There are too few points for process limits.")
    if chart.target is not None:
        parts.append(f"The target is {format_value(chart.target, chart.unit)}.")
    special = sum(1 for code in chart.point_types if code.startswith("special_cause"))
    if special:
        parts.append(f"{special} {'point shows' if special == 1 else 'points show'} special cause.")
    if chart.variation:
        parts.append(variation_label(chart.variation) + ".")
    if chart.assurance:
        parts.append(assurance_label(chart.assurance) + ".")
    if len(chart.rebases):
        parts.append(
            "The limits are recalculated from "
            + ", ".join(long_period_label(p, monthly) for p in sorted(chart.rebases))
            + "."
        )
    return " ".join(parts)


# --- the data table ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TableRow:
    period: datetime.date
    period_label: str
    value: str
    mean: str
    lpl: str
    upl: str
    point_type: str
    rebased: bool


def table_rows(chart: ChartData) -> list[TableRow]:
    """The chart's figures, one row a period, as the data table shows them."""
    monthly = is_monthly(chart.periods)
    starts = {start for start, _end in segments(chart)[1:]}

    def cell(items: Sequence[float | None], index: int) -> str:
        return format_value(finite(items[index]) if index < len(items) else None, chart.unit)

    return [
        TableRow(
            period=period,
            period_label=long_period_label(period, monthly),
            value=cell(chart.values, index),
            mean=cell(chart.mean, index),
            lpl=cell(chart.lpl, index),
            upl=cell(chart.upl, index),
            point_type=point_type_label(
                chart.point_types[index] if index < len(chart.point_types) else ""
            ),
            rebased=index in starts,
        )
        for index, period in enumerate(chart.periods)
    ]
