"""One likelihood indicator's trend across years, drawn with each year's 95% interval.

Pure geometry for `equality/trend.svg`: the template draws what this returns, autoescaped,
so no markup is built here. Ratios are drawn on a log scale, on which 0.5 and 2 sit the
same distance from parity (1) and the 0.80-1.25 band is symmetric, as it is meant to be.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from wellled.engines.equality import BAND, ReportRow

WIDTH, HEIGHT = 360, 160
LEFT, RIGHT, TOP, BOTTOM = 44, 24, 12, 28
INSET = 20  # keeps the first interval's caps clear of the axis labels
TICKS = (0.25, 0.5, 0.8, 1.0, 1.25, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0)


@dataclass(frozen=True)
class TrendPoint:
    x: float
    y: float
    low_y: float
    high_y: float
    title: str

    @property
    def cap_left(self) -> float:
        return round(self.x - 5, 1)

    @property
    def cap_right(self) -> float:
        return round(self.x + 5, 1)  # the point's tooltip and accessible text


@dataclass(frozen=True)
class TrendDrawing:
    element_id: str
    title: str
    description: str
    points: list[TrendPoint]
    line: str  # SVG path joining the points
    parity_y: float
    band_top: float
    band_height: float
    y_ticks: list[tuple[float, str]]
    x_labels: list[tuple[float, str]]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right_edge: int = WIDTH - RIGHT
    band_width: int = WIDTH - RIGHT - LEFT
    tick_x: int = LEFT - 6
    year_y: int = HEIGHT - 8


def _ratio_range(rows: list[tuple[int, ReportRow]]) -> tuple[float, float]:
    values = [BAND[0], BAND[1]]
    for _, row in rows:
        lk = row.likelihood
        if lk is not None and lk.ci_low is not None and lk.ci_high is not None:
            values += [lk.ci_low, lk.ci_high]
    return math.log(min(values) / 1.1), math.log(max(values) * 1.1)


def _text(year: int, row: ReportRow) -> str:
    lk = row.likelihood
    assert lk is not None and lk.ratio is not None and lk.ci_low is not None
    return f"{year}: {lk.ratio:.2f} (95% interval {lk.ci_low:.2f} to {lk.ci_high:.2f})"


def likelihood_trend(
    element_id: str, label: str, rows: list[tuple[int, ReportRow]]
) -> TrendDrawing | None:
    """The drawing, or None when fewer than two years have a ratio (no trend to draw)."""
    rows = [(y, r) for y, r in rows if r.likelihood is not None and not r.likelihood.insufficient]
    if len(rows) < 2:
        return None
    low, high = _ratio_range(rows)
    plot_h, plot_w = HEIGHT - TOP - BOTTOM, WIDTH - LEFT - RIGHT - INSET

    def y_of(value: float) -> float:
        return round(TOP + plot_h * (high - math.log(value)) / (high - low), 1)

    step = plot_w / (len(rows) - 1)
    points = []
    for i, (year, row) in enumerate(rows):
        lk = row.likelihood
        assert lk is not None and lk.ratio and lk.ci_low and lk.ci_high
        points.append(
            TrendPoint(
                round(LEFT + INSET + i * step, 1),
                y_of(lk.ratio),
                y_of(lk.ci_low),
                y_of(lk.ci_high),
                _text(year, row),
            )
        )
    band_top = y_of(BAND[1])
    return TrendDrawing(
        element_id=element_id,
        title=f"{label}: the ratio each year with its 95% interval",
        description="; ".join(p.title for p in points)
        + ". The shaded band is 0.80 to 1.25; the line across is parity (1).",
        points=points,
        line="M" + " L".join(f"{p.x} {p.y}" for p in points),
        parity_y=y_of(1.0),
        band_top=band_top,
        band_height=round(y_of(BAND[0]) - band_top, 1),
        y_ticks=[(y_of(t), f"{t:g}") for t in TICKS if low <= math.log(t) <= high],
        x_labels=[(p.x, str(year)) for p, (year, _) in zip(points, rows, strict=True)],
    )
