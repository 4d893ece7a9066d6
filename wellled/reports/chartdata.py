"""What a chart shows: the hand-over between a metric's figures and its drawing.

`wellled.reports.charting.chart_for_metric(...)` builds a ChartData from a metric
in the catalogue; anything else with a series (a module's own page, an analyst)
can build one from the SPC engine's output. `wellled.reports.charts` draws it as
SVG, the same drawing on pages and in the board pack PDF.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ChartData:
    title: str
    unit: str  # "%", "count", "days" ...
    improvement: str  # "increase", "decrease" or "neither"
    periods: list[datetime.date]
    values: list[float | None]
    # One entry per period; None where the chart has no limits (too few points).
    mean: list[float | None]
    lpl: list[float | None]
    upl: list[float | None]
    # "common_cause", "special_cause_improvement", "special_cause_concern" or
    # "special_cause_neither", one per period ("" for a missing value).
    point_types: list[str]
    # "common_cause", "improvement_high", "improvement_low", "concern_high",
    # "concern_low", "neither_high", "neither_low", or "" with too few points.
    variation: str
    # "pass", "fail", "hit_or_miss", or "" with no target or no limits.
    assurance: str
    target: float | None = None
    annotations: list[tuple[datetime.date, str]] = field(default_factory=list)
    rebases: list[datetime.date] = field(default_factory=list)  # first period of each new segment
    warnings: list[str] = field(default_factory=list)
    description: str = ""  # one sentence for screen readers: what the chart says
