"""Draw a Making Data Count chart, and its icons, as SVG on the server.

The same drawing is used on the pages and in the board pack PDF, so it needs no
JavaScript and no stylesheet to be read: every colour, line and font is a
presentation attribute (the Content-Security-Policy forbids `style=`). Colour is
never the only signal: each kind of point has its own shape, the legend names
them, and the chart's `<desc>` and the data table say the same in words.

Colours are the MDC ones (NHS-R `ptd_spc_colours()`, MDC Single Chart Tool v5):
improvement blue, concern orange, neither purple, common cause grey. Markers
get a darker outline of their own colour so that they stand out from a white
background.

The output is deterministic: the same ChartData gives the same bytes, which the
board pack archive relies on.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

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
_MARKERS: dict[str, tuple[str, str, str, str]] = {
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


def _n(value: float) -> str:
    """A coordinate: one decimal, no trailing zeros, never "-0"."""
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _e(text: str) -> str:
    # escape() also turns quotes into entities, so text is safe in attributes too.
    # XML 1.0 has no place for most control characters: drop them.
    cleaned = "".join(ch for ch in str(text) if ch in "\t\n" or ord(ch) >= 32)
    return str(escape(cleaned))


def _finite(value: float | None) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _period_label(period: datetime.date, monthly: bool) -> str:
    return period.strftime("%b %Y") if monthly else f"{period.day} {period:%b %Y}"


def _short_period_label(period: datetime.date, monthly: bool) -> str:
    return period.strftime("%b %y") if monthly else f"{period.day} {period:%b %y}"


def _is_monthly(periods: Sequence[datetime.date]) -> bool:
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


def _text_width(text: str, size: float) -> float:
    return len(text) * size * 0.56


def _segments(chart: ChartData) -> list[tuple[int, int]]:
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


def _marker(shape: str, x: float, y: float, fill: str, stroke: str, extra: str = "") -> str:
    common = f'fill="{fill}" stroke="{stroke}" stroke-width="1.2"{extra}'
    if shape == "square":
        return f'<rect x="{_n(x - 4.5)}" y="{_n(y - 4.5)}" width="9" height="9" {common}'
    if shape == "triangle":
        points = f"{_n(x)},{_n(y - 6)} {_n(x + 5.5)},{_n(y + 4)} {_n(x - 5.5)},{_n(y + 4)}"
        return f'<polygon points="{points}" {common}'
    if shape == "diamond":
        points = f"{_n(x)},{_n(y - 6)} {_n(x + 6)},{_n(y)} {_n(x)},{_n(y + 6)} {_n(x - 6)},{_n(y)}"
        return f'<polygon points="{points}" {common}'
    return f'<circle cx="{_n(x)}" cy="{_n(y)}" r="3.5" {common}'


# --- the chart --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Frame:
    left: float
    right: float
    top: float
    bottom: float
    low: float
    high: float
    count: int

    def x(self, index: int) -> float:
        band = (self.right - self.left) / max(1, self.count)
        return self.left + band * (index + 0.5)

    @property
    def band(self) -> float:
        return (self.right - self.left) / max(1, self.count)

    def y(self, value: float) -> float:
        span = self.high - self.low or 1.0
        return self.bottom - (value - self.low) / span * (self.bottom - self.top)


def describe_chart(chart: ChartData) -> str:
    """What the chart shows, in a few sentences, for its `<desc>`."""
    values = [_finite(v) for v in chart.values]
    present = [(p, v) for p, v in zip(chart.periods, values, strict=False) if v is not None]
    if not present:
        return "There are no values to show."
    monthly = _is_monthly(chart.periods)
    first, last = present[0], present[-1]
    parts = [
        f"{len(present)} {'value' if len(present) == 1 else 'values'} from "
        f"{_period_label(first[0], monthly)} to {_period_label(last[0], monthly)}.",
        f"The latest, {_period_label(last[0], monthly)}, is {format_value(last[1], chart.unit)}.",
    ]
    index = chart.periods.index(last[0])
    mean = _finite(chart.mean[index]) if index < len(chart.mean) else None
    lpl = _finite(chart.lpl[index]) if index < len(chart.lpl) else None
    upl = _finite(chart.upl[index]) if index < len(chart.upl) else None
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
            + ", ".join(_period_label(p, monthly) for p in sorted(chart.rebases))
            + "."
        )
    return " ".join(parts)


def render_chart_svg(
    chart: ChartData, *, width: int = 720, height: int = 300, id_prefix: str = "chart"
) -> SafeString:
    """The chart as an accessible `<svg>` element (safe to put in a template as is)."""
    prefix = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in id_prefix) or "chart"
    title_id, desc_id = f"{prefix}-title", f"{prefix}-desc"
    n = len(chart.periods)
    values = [_finite(chart.values[i]) if i < len(chart.values) else None for i in range(n)]

    def series(items: Sequence[float | None]) -> list[float | None]:
        return [_finite(items[i]) if i < len(items) else None for i in range(n)]

    mean, lpl, upl = series(chart.mean), series(chart.lpl), series(chart.upl)
    target = _finite(chart.target)
    monthly = _is_monthly(chart.periods)
    types = [chart.point_types[i] if i < len(chart.point_types) else "" for i in range(n)]

    out: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="spc-chart" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-labelledby="{title_id} {desc_id}" focusable="false" '
        f'font-family="{FONT}" font-size="12" fill="{TEXT}">',
        f'<title id="{title_id}">{_e(chart.title)}</title>',
        f'<desc id="{desc_id}">{_e(chart.description or describe_chart(chart))}</desc>',
    ]

    # The legend: lines first, then the kinds of point that appear.
    legend: list[tuple[str, str]] = []
    if any(v is not None for v in mean):
        legend.append(("mean", "Mean"))
    if any(v is not None for v in lpl + upl):
        legend.append(("limits", "Process limits"))
    if target is not None:
        legend.append(("target", "Target"))
    for code in POINT_TYPES:
        if code in types:
            legend.append((code, _MARKERS[code][2]))
    if len(_segments(chart)) > 1:
        legend.append(("rebase", "Limits recalculated"))
    if chart.annotations:
        legend.append(("annotation", "Annotation"))
    rows = _legend_rows(legend, width - 72)

    present = [v for v in values if v is not None]
    extent = present + [v for v in mean + lpl + upl if v is not None]
    if target is not None and present:
        extent.append(target)
    frame_bottom = height - 44 - 18 * len(rows)
    left, right, top = 64.0, float(width - 16), 28.0 if chart.annotations else 14.0
    if extent:
        # A little room so that no point sits on the frame.
        pad = (max(extent) - min(extent)) * 0.04
        ticks, decimals = nice_ticks(min(extent) - pad, max(extent) + pad)
    else:
        ticks, decimals = [0.0, 1.0], 0
    frame = _Frame(left, right, top, float(frame_bottom), ticks[0], ticks[-1], max(1, n))

    # Grid and y axis.
    out.append('<g class="spc-axis spc-axis--y">')
    for tick in ticks:
        y = frame.y(tick)
        out.append(
            f'<line x1="{_n(left)}" x2="{_n(right)}" y1="{_n(y)}" y2="{_n(y)}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        label = f"{tick:,.{decimals}f}"
        out.append(f'<text x="{_n(left - 6)}" y="{_n(y + 4)}" text-anchor="end">{_e(label)}</text>')
    axis_title = _axis_title(chart.unit)
    middle = (frame.top + frame.bottom) / 2
    out.append(
        f'<text class="spc-axis-title" x="14" y="{_n(middle)}" text-anchor="middle" '
        f'transform="rotate(-90 14 {_n(middle)})">{_e(axis_title)}</text>'
    )
    out.append("</g>")

    # X axis with period labels, thinned so that they never overlap.
    out.append('<g class="spc-axis spc-axis--x">')
    out.append(
        f'<line x1="{_n(left)}" x2="{_n(right)}" y1="{_n(frame.bottom)}" '
        f'y2="{_n(frame.bottom)}" stroke="{LINE}" stroke-width="1"/>'
    )
    if n:
        label_width = _text_width(_short_period_label(chart.periods[0], monthly), 11) + 8
        step = max(1, math.ceil(label_width / frame.band))
        for index in range(0, n, step):
            x = frame.x(index)
            out.append(
                f'<line x1="{_n(x)}" x2="{_n(x)}" y1="{_n(frame.bottom)}" '
                f'y2="{_n(frame.bottom + 4)}" stroke="{LINE}" stroke-width="1"/>'
            )
            out.append(
                f'<text x="{_n(x)}" y="{_n(frame.bottom + 17)}" text-anchor="middle" '
                f'font-size="11">{_e(_short_period_label(chart.periods[index], monthly))}</text>'
            )
    out.append(
        f'<text class="spc-axis-title" x="{_n((left + right) / 2)}" '
        f'y="{_n(frame.bottom + 34)}" text-anchor="middle">'
        f"{'Month' if monthly else 'Period'}</text>"
    )
    out.append("</g>")

    if not present:
        message = "No data to show" if not n else "No values recorded for these periods"
        out.append(
            f'<text class="spc-empty" x="{_n((left + right) / 2)}" '
            f'y="{_n((frame.top + frame.bottom) / 2)}" text-anchor="middle" '
            f'font-size="14">{message}</text>'
        )

    segments = _segments(chart)
    # Recalculations: a dashed vertical line where each new segment starts.
    if len(segments) > 1:
        out.append('<g class="spc-rebases">')
        for start, _end in segments[1:]:
            x = frame.x(start) - frame.band / 2
            out.append(
                f'<line class="spc-rebase" x1="{_n(x)}" x2="{_n(x)}" y1="{_n(frame.top)}" '
                f'y2="{_n(frame.bottom)}" stroke="{TEXT}" stroke-width="1" '
                f'stroke-dasharray="2 3"><title>Limits recalculated from '
                f"{_e(_period_label(chart.periods[start], monthly))}</title></line>"
            )
        out.append("</g>")

    # Mean, process limits and target, drawn per segment so recalculations show as steps.
    out.append('<g class="spc-lines">')
    for start, end in segments:
        for name, line, colour, dash, width_ in (
            ("lpl", lpl, LINE, ' stroke-dasharray="6 4"', "1.5"),
            ("upl", upl, LINE, ' stroke-dasharray="6 4"', "1.5"),
            ("mean", mean, LINE, "", "1.5"),
        ):
            path = _step_path(frame, line, start, end)
            if path:
                out.append(
                    f'<path class="spc-{name}" d="{path}" fill="none" stroke="{colour}" '
                    f'stroke-width="{width_}"{dash}/>'
                )
    if target is not None and present:
        y = frame.y(target)
        out.append(
            f'<line class="spc-target" x1="{_n(left)}" x2="{_n(right)}" y1="{_n(y)}" '
            f'y2="{_n(y)}" stroke="{TARGET}" stroke-width="1.5" stroke-dasharray="10 3 2 3"/>'
        )
    out.append("</g>")

    # The data line, broken where a value is missing.
    path_parts: list[str] = []
    pen_down = False
    for index, value in enumerate(values):
        if value is None:
            pen_down = False
            continue
        path_parts.append(f"{'L' if pen_down else 'M'}{_n(frame.x(index))} {_n(frame.y(value))}")
        pen_down = True
    if sum(1 for part in path_parts if part.startswith("L")):
        out.append(
            f'<path class="spc-data" d="{" ".join(path_parts)}" fill="none" stroke="{LINE}" '
            f'stroke-width="1.5"/>'
        )

    # One marker per value, shaped and coloured by its point type.
    out.append('<g class="spc-points">')
    for index, value in enumerate(values):
        if value is None:
            continue
        code = types[index] if types[index] in _MARKERS else "common_cause"
        fill, stroke, _word, shape = _MARKERS[code]
        label = (
            f"{_period_label(chart.periods[index], monthly)}: {format_value(value, chart.unit)}"
            f" ({POINT_TYPES[code].lower()})"
        )
        out.append(
            _marker(
                shape,
                frame.x(index),
                frame.y(value),
                fill,
                stroke,
                f' class="spc-point spc-point--{code}" data-type="{code}"',
            )
            + f"><title>{_e(label)}</title></"
            + {"square": "rect", "circle": "circle"}.get(shape, "polygon")
            + ">"
        )
    out.append("</g>")

    # Annotations: a numbered flag above the period, the text in its title.
    if chart.annotations:
        out.append('<g class="spc-annotations">')
        index_of = {period: i for i, period in enumerate(chart.periods)}
        for number, (period, text) in enumerate(sorted(chart.annotations), start=1):
            if period not in index_of:
                continue
            x = frame.x(index_of[period])
            out.append(
                f'<g class="spc-annotation"><title>{_e(_period_label(period, monthly))}: '
                f"{_e(text)}</title>"
                f'<line x1="{_n(x)}" x2="{_n(x)}" y1="{_n(frame.top)}" y2="{_n(frame.bottom)}" '
                f'stroke="{LINE}" stroke-width="1" stroke-dasharray="1 3"/>'
                f'<circle cx="{_n(x)}" cy="{_n(frame.top - 8)}" r="8" fill="#FFFFFF" '
                f'stroke="{TEXT}" stroke-width="1"/>'
                f'<text x="{_n(x)}" y="{_n(frame.top - 4)}" text-anchor="middle" '
                f'font-size="10">{number}</text></g>'
            )
        out.append("</g>")

    out.append(_legend_svg(rows, left, float(frame_bottom + 52)))
    out.append("</svg>")
    return mark_safe("".join(out))  # noqa: S308 - every piece of text above is escaped


def annotation_list(chart: ChartData) -> list[tuple[int, datetime.date, str]]:
    """The annotations as numbered on the chart."""
    known = set(chart.periods)
    numbered = [item for item in sorted(chart.annotations) if item[0] in known]
    return [(number, period, text) for number, (period, text) in enumerate(numbered, start=1)]


def period_label(chart: ChartData, period: datetime.date) -> str:
    """A period as the chart names it: "March 2025" for months, "3 Mar 2025" for weeks."""
    return _period_label(period, _is_monthly(chart.periods))


def _axis_title(unit: str) -> str:
    unit = unit.strip()
    if unit == "%":
        return "Per cent"
    return unit[:1].upper() + unit[1:] if unit else "Value"


def _step_path(frame: _Frame, line: Sequence[float | None], start: int, end: int) -> str:
    """A horizontal step per point over [start, end); equal neighbours are merged."""
    parts: list[str] = []
    half = frame.band / 2
    previous: float | None = None
    for index in range(start, end):
        value = line[index]
        if value is None:
            previous = None
            continue
        y = _n(frame.y(value))
        x_from, x_to = _n(frame.x(index) - half), _n(frame.x(index) + half)
        if previous is None:
            parts.append(f"M{x_from} {y} H{x_to}")
        elif value == previous:
            parts[-1] = parts[-1].rsplit(" H", 1)[0] + f" H{x_to}"
        else:
            parts[-1] += f" V{y} H{x_to}"
        previous = value
    return " ".join(parts)


def _legend_rows(items: list[tuple[str, str]], available: float) -> list[list[tuple[str, str]]]:
    rows: list[list[tuple[str, str]]] = []
    used = available + 1
    for key, word in items:
        size = 28 + _text_width(word, 11) + 16
        if used + size > available:
            rows.append([])
            used = 0.0
        rows[-1].append((key, word))
        used += size
    return rows


def _legend_svg(rows: list[list[tuple[str, str]]], left: float, top: float) -> str:
    out = ['<g class="spc-legend" font-size="11">']
    for row_index, row in enumerate(rows):
        y = top + row_index * 18
        x = left
        for key, word in row:
            if key in _MARKERS:
                fill, stroke, _word, shape = _MARKERS[key]
                out.append(_marker(shape, x + 10, y - 4, fill, stroke) + "/>")
            elif key == "annotation":
                out.append(
                    f'<circle cx="{_n(x + 10)}" cy="{_n(y - 4)}" r="6" fill="#FFFFFF" '
                    f'stroke="{TEXT}" stroke-width="1"/>'
                )
            elif key == "rebase":
                out.append(
                    f'<line x1="{_n(x + 10)}" x2="{_n(x + 10)}" y1="{_n(y - 11)}" '
                    f'y2="{_n(y + 3)}" stroke="{TEXT}" stroke-width="1" stroke-dasharray="2 3"/>'
                )
            else:
                colour, dash = {
                    "mean": (LINE, ""),
                    "limits": (LINE, ' stroke-dasharray="6 4"'),
                    "target": (TARGET, ' stroke-dasharray="10 3 2 3"'),
                }[key]
                out.append(
                    f'<line x1="{_n(x)}" x2="{_n(x + 22)}" y1="{_n(y - 4)}" y2="{_n(y - 4)}" '
                    f'stroke="{colour}" stroke-width="1.5"{dash}/>'
                )
            out.append(f'<text x="{_n(x + 28)}" y="{_n(y)}">{_e(word)}</text>')
            x += 28 + _text_width(word, 11) + 16
    out.append("</g>")
    return "".join(out)


# --- icons ------------------------------------------------------------------------------------

# The MDC icon families: a ring in the icon's colour, a little run of points inside,
# and H or L for where the signal is. Assurance icons carry P, F or a wavy target.
_ICON_COLOURS: dict[str, tuple[str, str]] = {
    "common_cause": (COMMON, COMMON_DARK),
    "improvement_high": (IMPROVEMENT, IMPROVEMENT_DARK),
    "improvement_low": (IMPROVEMENT, IMPROVEMENT_DARK),
    "concern_high": (CONCERN, CONCERN_DARK),
    "concern_low": (CONCERN, CONCERN_DARK),
    "neither_high": (NEITHER, NEITHER_DARK),
    "neither_low": (NEITHER, NEITHER_DARK),
    "pass": (IMPROVEMENT, IMPROVEMENT_DARK),
    "fail": (CONCERN, CONCERN_DARK),
    "hit_or_miss": (COMMON, COMMON_DARK),
}


def _icon_open(code: str, label: str, size: int) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="spc-icon spc-icon--{code}" '
        f'viewBox="0 0 40 40" width="{size}" height="{size}" role="img" '
        f'aria-label="{_e(label)}" focusable="false" font-family="{FONT}">'
        f"<title>{_e(label)}</title>"
    )


def _dots(points: Iterable[tuple[float, float]], fills: Sequence[str], dark: str) -> str:
    coords = list(points)
    line = " ".join(f"{_n(x)},{_n(y)}" for x, y in coords)
    out = [f'<polyline points="{line}" fill="none" stroke="{COMMON_DARK}" stroke-width="1"/>']
    for (x, y), fill in zip(coords, fills, strict=True):
        stroke = dark if fill != COMMON else COMMON_DARK
        out.append(
            f'<circle cx="{_n(x)}" cy="{_n(y)}" r="2" fill="{fill}" stroke="{stroke}" '
            f'stroke-width="0.6"/>'
        )
    return "".join(out)


def variation_icon_svg(code: str, *, size: int = 40) -> SafeString:
    """The MDC variation icon for a chart ("" gives nothing: too few points)."""
    if not code:
        return mark_safe("")
    if code not in VARIATION_LABELS:
        raise ValueError(f"Unknown variation icon {code!r}")
    colour, dark = _ICON_COLOURS[code]
    out = [
        _icon_open(code, VARIATION_LABELS[code], size),
        f'<circle cx="20" cy="20" r="18" fill="#FFFFFF" stroke="{colour}" stroke-width="3"/>',
    ]
    xs = [8.0, 12.8, 17.6, 22.4, 27.2, 32.0]
    if code == "common_cause":
        ys = [20.0, 16.0, 23.0, 18.0, 22.0, 19.0]
        fills = [COMMON] * 6
    else:
        high = code.endswith("_high")
        ys = [26.0, 22.0, 25.0, 21.0, 19.0, 16.0] if high else [16.0, 20.0, 17.0, 21.0, 24.0, 27.0]
        fills = [COMMON, COMMON, COMMON, colour, colour, colour]
        letter_y = 34 if high else 12
        out.append(
            f'<text x="20" y="{letter_y}" text-anchor="middle" font-size="9" font-weight="bold" '
            f'fill="{dark}">{"H" if high else "L"}</text>'
        )
    out.append(_dots(zip(xs, ys, strict=True), fills, dark))
    out.append("</svg>")
    return mark_safe("".join(out))  # noqa: S308 - built from fixed text and escaped labels


def assurance_icon_svg(code: str, *, size: int = 40) -> SafeString:
    """The MDC assurance icon for a chart ("" gives nothing: no target or no limits)."""
    if not code:
        return mark_safe("")
    if code not in ASSURANCE_LABELS:
        raise ValueError(f"Unknown assurance icon {code!r}")
    colour, dark = _ICON_COLOURS[code]
    out = [
        _icon_open(code, ASSURANCE_LABELS[code], size),
        f'<circle cx="20" cy="20" r="18" fill="#FFFFFF" stroke="{colour}" stroke-width="3"/>',
    ]
    if code == "hit_or_miss":
        # The target weaves through the process limits.
        out.append(
            f'<line x1="8" x2="32" y1="13" y2="13" stroke="{COMMON_DARK}" stroke-width="1" '
            f'stroke-dasharray="2 2"/>'
            f'<line x1="8" x2="32" y1="27" y2="27" stroke="{COMMON_DARK}" stroke-width="1" '
            f'stroke-dasharray="2 2"/>'
            f'<path d="M8 20 Q14 8 20 20 T32 20" fill="none" stroke="{TARGET}" stroke-width="1.6"/>'
        )
    else:
        letter = "P" if code == "pass" else "F"
        out.append(
            f'<text x="20" y="25" text-anchor="middle" font-size="16" font-weight="bold" '
            f'fill="{dark}">{letter}</text>'
            f'<line x1="9" x2="31" y1="{31 if code == "pass" else 9}" '
            f'y2="{31 if code == "pass" else 9}" stroke="{TARGET}" stroke-width="1.6"/>'
        )
    out.append("</svg>")
    return mark_safe("".join(out))  # noqa: S308 - built from fixed text and escaped labels


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
    monthly = _is_monthly(chart.periods)
    starts = {start for start, _end in _segments(chart)[1:]}

    def cell(items: Sequence[float | None], index: int) -> str:
        return format_value(_finite(items[index]) if index < len(items) else None, chart.unit)

    return [
        TableRow(
            period=period,
            period_label=_period_label(period, monthly),
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
