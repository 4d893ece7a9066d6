"""Draw a Making Data Count chart, and its icons, as SVG on the server.

The same drawing is used on the pages and in the board pack PDF, so it needs no
JavaScript and no stylesheet to be read: every colour, line and font is a
presentation attribute (the Content-Security-Policy forbids `style=`). Colour is
never the only signal: each kind of point has its own shape, the legend names
them, and the chart's `<desc>` and the data table say the same in words.

This module works out where everything goes (`chart_drawing` for a chart, `Icon`
for an icon); the templates in `templates/reports/svg/` write it as SVG, escaping
every piece of text. The words, colours and small helpers are in chartstyle.py
(and are re-exported here, where the pages and tests have always found them).

The description and the data table (`describe_chart`, `table_rows`) are in
chartstyle.py too.

The output is deterministic: the same ChartData gives the same bytes, which the
board pack archive relies on.
"""

from __future__ import annotations

import datetime
import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from wellled.reports.chartdata import ChartData
from wellled.reports.chartstyle import (
    ASSURANCE_LABELS,
    COMMON,
    COMMON_DARK,
    CONCERN,
    CONCERN_DARK,
    FONT,
    GRID,
    IMPROVEMENT,
    IMPROVEMENT_DARK,
    LINE,
    MARKERS,
    NEITHER,
    NEITHER_DARK,
    POINT_TYPES,
    TARGET,
    TEXT,
    VARIATION_LABELS,
    TableRow,
    assurance_label,
    clean_text,
    coord,
    describe_chart,
    finite,
    format_value,
    is_monthly,
    long_period_label,
    nice_ticks,
    point_type_label,
    segments,
    short_period_label,
    table_rows,
    text_width,
    variation_label,
)

__all__ = [
    "ASSURANCE_LABELS",
    "COMMON",
    "COMMON_DARK",
    "CONCERN",
    "CONCERN_DARK",
    "FONT",
    "GRID",
    "IMPROVEMENT",
    "IMPROVEMENT_DARK",
    "LINE",
    "NEITHER",
    "NEITHER_DARK",
    "POINT_TYPES",
    "TARGET",
    "TEXT",
    "VARIATION_LABELS",
    "TableRow",
    "annotation_list",
    "assurance_icon_svg",
    "assurance_label",
    "chart_drawing",
    "describe_chart",
    "format_value",
    "nice_ticks",
    "period_label",
    "point_type_label",
    "render_chart_svg",
    "table_rows",
    "variation_icon_svg",
    "variation_label",
]


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


def annotation_list(chart: ChartData) -> list[tuple[int, datetime.date, str]]:
    """The annotations as numbered on the chart."""
    known = set(chart.periods)
    numbered = [item for item in sorted(chart.annotations) if item[0] in known]
    return [(number, period, text) for number, (period, text) in enumerate(numbered, start=1)]


def period_label(chart: ChartData, period: datetime.date) -> str:
    """A period as the chart names it: "March 2025" for months, "3 Mar 2025" for weeks."""
    return long_period_label(period, is_monthly(chart.periods))


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
        y = coord(frame.y(value))
        x_from, x_to = coord(frame.x(index) - half), coord(frame.x(index) + half)
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
        size = 28 + text_width(word, 11) + 16
        if used + size > available:
            rows.append([])
            used = 0.0
        rows[-1].append((key, word))
        used += size
    return rows


# --- the drawing: geometry here, markup in templates/reports/svg/ ------------------------------
#
# The Python side decides where everything goes and what every piece of text says;
# the templates say how it is written as SVG, escaping every piece of text as they go.
# Coordinates are strings already formatted by `_n`, so the bytes never depend on
# how a template engine prints a float.


class _Drawn:
    """Geometry that a template draws.

    A template looks a name up as a key before it tries an attribute; answering as a
    key spares it an exception for each of the hundreds of lookups in a chart, which
    otherwise made drawing a chart several times slower.
    """

    def __getitem__(self, name: str) -> object:
        return getattr(self, name)


@dataclass
class Marker(_Drawn):
    """A point's shape where it sits: a circle, a square or a polygon."""

    shape: str  # "circle", "square", "triangle" or "diamond"
    fill: str
    stroke: str
    x: str = ""  # the circle's centre, or the square's top left corner
    y: str = ""
    points: str = ""  # the polygon's corners
    tag: str = ""  # the SVG element: "circle", "rect" or "polygon"


@dataclass
class Point(Marker):
    """A value's marker, shaped and coloured by its point type, titled in words."""

    code: str = ""
    label: str = ""


def _place(shape: str, x: float, y: float) -> dict[str, str]:
    """Where a marker of this shape centred on (x, y) is drawn, as its SVG element."""
    if shape == "square":
        return {"tag": "rect", "x": coord(x - 4.5), "y": coord(y - 4.5)}
    if shape == "triangle":
        corners = [(x, y - 6), (x + 5.5, y + 4), (x - 5.5, y + 4)]
    elif shape == "diamond":
        corners = [(x, y - 6), (x + 6, y), (x, y + 6), (x - 6, y)]
    else:
        return {"tag": "circle", "x": coord(x), "y": coord(y)}
    return {"tag": "polygon", "points": " ".join(f"{coord(a)},{coord(b)}" for a, b in corners)}


@dataclass
class Line(_Drawn):
    x1: str
    x2: str
    y1: str
    y2: str


def _line(x1: float, x2: float, y1: float, y2: float) -> Line:
    return Line(coord(x1), coord(x2), coord(y1), coord(y2))


@dataclass
class Text(_Drawn):
    x: str
    y: str
    text: str


@dataclass
class Tick(_Drawn):
    """A grid line or tick mark with its label."""

    line: Line
    label: Text


@dataclass
class Recalculation(_Drawn):
    line: Line
    title: str


@dataclass
class LimitPath(_Drawn):
    name: str  # "lpl", "upl" or "mean"
    d: str
    dashed: bool


@dataclass
class Flag(_Drawn):
    """An annotation: a dotted line down the period and a numbered ring above it."""

    number: int
    title: str
    line: Line
    ring_y: str
    number_y: str


@dataclass
class LegendKey(_Drawn):
    """One entry of the legend: its symbol, then its word."""

    symbol: str  # "marker", "ring", "recalculation" or "line"
    label: Text
    marker: Marker | None = None
    line: Line | None = None
    colour: str = ""
    dashes: str = ""
    ring_x: str = ""
    ring_y: str = ""


@dataclass
class ChartDrawing(_Drawn):
    """Everything `reports/svg/chart.svg` draws, in place."""

    width: int
    height: int
    title_id: str
    desc_id: str
    title: str
    description: str
    y_ticks: list[Tick]
    y_title: Text
    x_axis: Line
    x_ticks: list[Tick]
    x_title: Text
    empty: Text | None
    recalculations: list[Recalculation]
    limit_paths: list[LimitPath]
    target: Line | None
    data_path: str
    points: list[Point]
    has_annotations: bool
    flags: list[Flag]
    legend: list[LegendKey]


@dataclass(frozen=True)
class _Series:
    """The chart's columns, one entry a period, with anything not finite as None."""

    values: list[float | None]
    mean: list[float | None]
    lpl: list[float | None]
    upl: list[float | None]
    types: list[str]
    target: float | None
    monthly: bool

    @property
    def present(self) -> list[float]:
        return [v for v in self.values if v is not None]


def _series(chart: ChartData) -> _Series:
    n = len(chart.periods)

    def column(items: Sequence[float | None]) -> list[float | None]:
        return [finite(items[i]) if i < len(items) else None for i in range(n)]

    return _Series(
        values=column(chart.values),
        mean=column(chart.mean),
        lpl=column(chart.lpl),
        upl=column(chart.upl),
        types=[chart.point_types[i] if i < len(chart.point_types) else "" for i in range(n)],
        target=finite(chart.target),
        monthly=is_monthly(chart.periods),
    )


def _legend_items(chart: ChartData, series: _Series) -> list[tuple[str, str]]:
    """The legend: lines first, then the kinds of point that appear."""
    items: list[tuple[str, str]] = []
    if any(v is not None for v in series.mean):
        items.append(("mean", "Mean"))
    if any(v is not None for v in series.lpl + series.upl):
        items.append(("limits", "Process limits"))
    if series.target is not None:
        items.append(("target", "Target"))
    for code in POINT_TYPES:
        if code in series.types:
            items.append((code, MARKERS[code][2]))
    if len(segments(chart)) > 1:
        items.append(("rebase", "Limits recalculated"))
    if chart.annotations:
        items.append(("annotation", "Annotation"))
    return items


def _frame(
    chart: ChartData, series: _Series, bottom: float, width: int
) -> tuple[_Frame, list[float], int]:
    """The plot area, its y ticks and the decimals the tick labels need."""
    present = series.present
    extent = present + [v for v in series.mean + series.lpl + series.upl if v is not None]
    if series.target is not None and present:
        extent.append(series.target)
    if extent:
        # A little room so that no point sits on the frame.
        pad = (max(extent) - min(extent)) * 0.04
        ticks, decimals = nice_ticks(min(extent) - pad, max(extent) + pad)
    else:
        ticks, decimals = [0.0, 1.0], 0
    top = 28.0 if chart.annotations else 14.0
    count = max(1, len(chart.periods))
    frame = _Frame(64.0, float(width - 16), top, bottom, ticks[0], ticks[-1], count)
    return frame, ticks, decimals


def _y_ticks(frame: _Frame, ticks: list[float], decimals: int) -> list[Tick]:
    return [
        Tick(
            line=_line(frame.left, frame.right, frame.y(tick), frame.y(tick)),
            label=Text(coord(frame.left - 6), coord(frame.y(tick) + 4), f"{tick:,.{decimals}f}"),
        )
        for tick in ticks
    ]


def _x_ticks(chart: ChartData, frame: _Frame, monthly: bool) -> list[Tick]:
    """Period labels along the x axis, thinned so that they never overlap."""
    if not chart.periods:
        return []
    label_width = text_width(short_period_label(chart.periods[0], monthly), 11) + 8
    step = max(1, math.ceil(label_width / frame.band))
    return [
        Tick(
            line=_line(frame.x(i), frame.x(i), frame.bottom, frame.bottom + 4),
            label=Text(
                coord(frame.x(i)),
                coord(frame.bottom + 17),
                clean_text(short_period_label(chart.periods[i], monthly)),
            ),
        )
        for i in range(0, len(chart.periods), step)
    ]


def _recalculations(chart: ChartData, frame: _Frame, monthly: bool) -> list[Recalculation]:
    """A dashed vertical line where each new segment starts."""
    out = []
    for start, _end in segments(chart)[1:]:
        x = frame.x(start) - frame.band / 2
        label = clean_text(long_period_label(chart.periods[start], monthly))
        out.append(Recalculation(_line(x, x, frame.top, frame.bottom), label))
    return out


def _limit_paths(chart: ChartData, series: _Series, frame: _Frame) -> list[LimitPath]:
    """Mean and process limits, drawn per segment so that recalculations show as steps."""
    out = []
    for start, end in segments(chart):
        for name, line, dashed in (
            ("lpl", series.lpl, True),
            ("upl", series.upl, True),
            ("mean", series.mean, False),
        ):
            path = _step_path(frame, line, start, end)
            if path:
                out.append(LimitPath(name, path, dashed))
    return out


def _data_path(series: _Series, frame: _Frame) -> str:
    """The data line, broken where a value is missing ("" when there is no line to draw)."""
    parts: list[str] = []
    pen_down = False
    for index, value in enumerate(series.values):
        if value is None:
            pen_down = False
            continue
        parts.append(f"{'L' if pen_down else 'M'}{coord(frame.x(index))} {coord(frame.y(value))}")
        pen_down = True
    return " ".join(parts) if any(part.startswith("L") for part in parts) else ""


def _points(chart: ChartData, series: _Series, frame: _Frame) -> list[Point]:
    """One marker per value, shaped and coloured by its point type."""
    out = []
    for index, value in enumerate(series.values):
        if value is None:
            continue
        code = series.types[index] if series.types[index] in MARKERS else "common_cause"
        fill, stroke, _word, shape = MARKERS[code]
        label = (
            f"{long_period_label(chart.periods[index], series.monthly)}: "
            f"{format_value(value, chart.unit)} ({POINT_TYPES[code].lower()})"
        )
        place = _place(shape, frame.x(index), frame.y(value))
        out.append(Point(shape, fill, stroke, code=code, label=clean_text(label), **place))
    return out


def _flags(chart: ChartData, frame: _Frame, monthly: bool) -> list[Flag]:
    """Annotations: a numbered flag above the period, the text in its title."""
    index_of = {period: i for i, period in enumerate(chart.periods)}
    out = []
    for number, (period, text) in enumerate(sorted(chart.annotations), start=1):
        if period not in index_of:
            continue
        x = frame.x(index_of[period])
        out.append(
            Flag(
                number=number,
                title=f"{clean_text(long_period_label(period, monthly))}: {clean_text(text)}",
                line=_line(x, x, frame.top, frame.bottom),
                ring_y=coord(frame.top - 8),
                number_y=coord(frame.top - 4),
            )
        )
    return out


_LEGEND_LINES: dict[str, tuple[str, str]] = {
    "mean": (LINE, ""),
    "limits": (LINE, "6 4"),
    "target": (TARGET, "10 3 2 3"),
}


def _legend_key(key: str, word: str, x: float, y: float) -> LegendKey:
    label = Text(coord(x + 28), coord(y), clean_text(word))
    if key in MARKERS:
        fill, stroke, _word, shape = MARKERS[key]
        marker = Marker(shape, fill, stroke, **_place(shape, x + 10, y - 4))
        return LegendKey("marker", label, marker=marker)
    if key == "annotation":
        return LegendKey("ring", label, ring_x=coord(x + 10), ring_y=coord(y - 4))
    if key == "rebase":
        return LegendKey("recalculation", label, line=_line(x + 10, x + 10, y - 11, y + 3))
    colour, dashes = _LEGEND_LINES[key]
    return LegendKey(
        "line", label, line=_line(x, x + 22, y - 4, y - 4), colour=colour, dashes=dashes
    )


def _legend(rows: list[list[tuple[str, str]]], left: float, top: float) -> list[LegendKey]:
    keys = []
    for row_index, row in enumerate(rows):
        y = top + row_index * 18
        x = left
        for key, word in row:
            keys.append(_legend_key(key, word, x, y))
            x += 28 + text_width(word, 11) + 16
    return keys


def _empty_message(chart: ChartData, series: _Series, frame: _Frame) -> Text | None:
    if series.present:
        return None
    message = "No data to show" if not chart.periods else "No values recorded for these periods"
    return Text(
        coord((frame.left + frame.right) / 2), coord((frame.top + frame.bottom) / 2), message
    )


def chart_drawing(
    chart: ChartData, *, width: int = 720, height: int = 300, id_prefix: str = "chart"
) -> ChartDrawing:
    """Where every line, point and word of the chart goes."""
    prefix = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in id_prefix) or "chart"
    series = _series(chart)
    rows = _legend_rows(_legend_items(chart, series), width - 72)
    frame_bottom = height - 44 - 18 * len(rows)
    frame, ticks, decimals = _frame(chart, series, float(frame_bottom), width)
    middle = coord((frame.top + frame.bottom) / 2)
    x_title = "Month" if series.monthly else "Period"
    return ChartDrawing(
        width=width,
        height=height,
        title_id=f"{prefix}-title",
        desc_id=f"{prefix}-desc",
        title=clean_text(chart.title),
        description=clean_text(chart.description or describe_chart(chart)),
        y_ticks=_y_ticks(frame, ticks, decimals),
        y_title=Text("14", middle, clean_text(_axis_title(chart.unit))),
        x_axis=_line(frame.left, frame.right, frame.bottom, frame.bottom),
        x_ticks=_x_ticks(chart, frame, series.monthly),
        x_title=Text(coord((frame.left + frame.right) / 2), coord(frame.bottom + 34), x_title),
        empty=_empty_message(chart, series, frame),
        recalculations=_recalculations(chart, frame, series.monthly),
        limit_paths=_limit_paths(chart, series, frame),
        target=(
            _line(frame.left, frame.right, frame.y(series.target), frame.y(series.target))
            if series.target is not None and series.present
            else None
        ),
        data_path=_data_path(series, frame),
        points=_points(chart, series, frame),
        has_annotations=bool(chart.annotations),
        flags=_flags(chart, frame, series.monthly),
        legend=_legend(rows, frame.left, float(frame_bottom + 52)),
    )


# The colours and font, by name, for the templates.
_PALETTE: dict[str, str] = {
    "FONT": FONT,
    "TEXT": TEXT,
    "LINE": LINE,
    "GRID": GRID,
    "TARGET": TARGET,
    "COMMON": COMMON,
    "COMMON_DARK": COMMON_DARK,
}


def render_chart_svg(
    chart: ChartData, *, width: int = 720, height: int = 300, id_prefix: str = "chart"
) -> SafeString:
    """The chart as an accessible `<svg>` element (safe to put in a template as is)."""
    drawing = chart_drawing(chart, width=width, height=height, id_prefix=id_prefix)
    return render_to_string("reports/svg/chart.svg", {"drawing": drawing, **_PALETTE})


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


@dataclass
class Dot(_Drawn):
    x: str
    y: str
    fill: str
    stroke: str


@dataclass
class Icon(_Drawn):
    """Everything `reports/svg/icon.svg` draws."""

    family: str  # "variation" or "assurance"
    code: str
    label: str
    size: int
    colour: str
    dark: str
    letter: str = ""  # H or L (variation), P or F (assurance)
    letter_y: int = 0
    run: str = ""  # the variation icon's line through its dots
    dots: list[Dot] = field(default_factory=list)
    target_y: int = 0  # the assurance icon's target line


_ICON_XS = [8.0, 12.8, 17.6, 22.4, 27.2, 32.0]


def _variation_icon(code: str, size: int) -> Icon:
    colour, dark = _ICON_COLOURS[code]
    if code == "common_cause":
        ys = [20.0, 16.0, 23.0, 18.0, 22.0, 19.0]
        fills = [COMMON] * 6
        letter, letter_y = "", 0
    else:
        high = code.endswith("_high")
        ys = [26.0, 22.0, 25.0, 21.0, 19.0, 16.0] if high else [16.0, 20.0, 17.0, 21.0, 24.0, 27.0]
        fills = [COMMON, COMMON, COMMON, colour, colour, colour]
        letter, letter_y = ("H", 34) if high else ("L", 12)
    dots = [
        Dot(coord(x), coord(y), fill, dark if fill != COMMON else COMMON_DARK)
        for x, y, fill in zip(_ICON_XS, ys, fills, strict=True)
    ]
    return Icon(
        family="variation",
        code=code,
        label=VARIATION_LABELS[code],
        size=size,
        colour=colour,
        dark=dark,
        letter=letter,
        letter_y=letter_y,
        run=" ".join(f"{dot.x},{dot.y}" for dot in dots),
        dots=dots,
    )


def _assurance_icon(code: str, size: int) -> Icon:
    colour, dark = _ICON_COLOURS[code]
    # Pass and fail carry a letter and the target above or below; hit or miss has the
    # target weaving through the process limits (drawn by the template).
    return Icon(
        family="assurance",
        code=code,
        label=ASSURANCE_LABELS[code],
        size=size,
        colour=colour,
        dark=dark,
        letter={"pass": "P", "fail": "F"}.get(code, ""),
        target_y=31 if code == "pass" else 9,
    )


# An icon depends only on its code and size, and a page or a pack shows the same few
# many times: each is drawn once per process.
@functools.cache
def _icon_svg(family: str, code: str, size: int) -> SafeString:
    icon = _variation_icon(code, size) if family == "variation" else _assurance_icon(code, size)
    return render_to_string("reports/svg/icon.svg", {"icon": icon, **_PALETTE})


def variation_icon_svg(code: str, *, size: int = 40) -> SafeString:
    """The MDC variation icon for a chart ("" gives nothing: too few points)."""
    if not code:
        return SafeString("")
    if code not in VARIATION_LABELS:
        raise ValueError(f"Unknown variation icon {code!r}")
    return _icon_svg("variation", code, size)


def assurance_icon_svg(code: str, *, size: int = 40) -> SafeString:
    """The MDC assurance icon for a chart ("" gives nothing: no target or no limits)."""
    if not code:
        return SafeString("")
    if code not in ASSURANCE_LABELS:
        raise ValueError(f"Unknown assurance icon {code!r}")
    return _icon_svg("assurance", code, size)
