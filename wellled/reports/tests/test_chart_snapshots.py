"""The chart drawing, byte for byte: representative charts and every icon against
stored SVG files in `snapshots/`.

The files were written by the drawing code before it moved to templates, so any
change in the bytes shows here. When a change to the drawing is intended, rewrite
them with `UPDATE_SNAPSHOTS=1 pytest wellled/reports/tests/test_chart_snapshots.py`
and review the difference.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from wellled.reports import charts
from wellled.reports.chartdata import ChartData

SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"


def _months(n: int, start: datetime.date = datetime.date(2023, 1, 1)) -> list[datetime.date]:
    return [
        datetime.date(start.year + (start.month - 1 + i) // 12, (start.month - 1 + i) % 12 + 1, 1)
        for i in range(n)
    ]


def _weeks(n: int) -> list[datetime.date]:
    return [datetime.date(2025, 1, 6) + datetime.timedelta(weeks=i) for i in range(n)]


def _special_cause() -> str:
    """Every kind of point, a gap in the data, a target and both icons."""
    values: list[float | None] = [50.0, 52.5, 49.0, 51.0, 53.0, None, 48.0, 47.5, 61.0, 55.0]
    values += [56.0, 57.0, 58.0, 59.0, 30.0, 50.5, 51.5, 52.0, 44.0, 50.0]
    types = ["common_cause" if v is not None else "" for v in values]
    types[8] = "special_cause_concern"
    types[10:14] = ["special_cause_improvement"] * 4
    types[14] = "special_cause_neither"
    n = len(values)
    chart = ChartData(
        title="Complaints answered in time",
        unit="%",
        improvement="increase",
        periods=_months(n),
        values=values,
        mean=[51.2] * n,
        lpl=[40.15] * n,
        upl=[62.25] * n,
        point_types=types,
        variation="improvement_high",
        assurance="hit_or_miss",
        target=55.0,
    )
    return charts.render_chart_svg(chart, id_prefix="metric-7")


def _recalculated_with_notes() -> str:
    """Two recalculations (steps in the lines), notes (one outside the chart), no target."""
    n = 18
    periods = _months(n, datetime.date(2024, 4, 1))
    values: list[float | None] = [
        12.0 + (i % 4) - (6 if i >= 8 else 0) + (3 if i >= 14 else 0) for i in range(n)
    ]
    mean: list[float | None] = [13.5, 13.5, 13.5, 13.5, 13.5, 13.5, 13.5, 13.5]
    mean += [7.5] * 6 + [10.5] * 4
    steps = [m for m in mean if m is not None]
    return charts.render_chart_svg(
        ChartData(
            title='Falls per 1,000 bed days <ward "A" & B>',
            unit="falls per 1,000 bed days",
            improvement="decrease",
            periods=periods,
            values=values,
            mean=mean,
            lpl=[m - 3.2 for m in steps[:8]] + [None] * 6 + [m - 2.8 for m in steps[14:]],
            upl=[m + 3.2 for m in steps],
            point_types=["common_cause"] * n,
            variation="improvement_low",
            assurance="",
            annotations=[
                (periods[8], "New falls <team> & 'sensor' mats"),
                (periods[2], "Ward 4 closed"),
                (datetime.date(2030, 1, 1), "Not on the chart"),
            ],
            rebases=[periods[8], periods[14]],
            description="Falls fell after the new team started.",
        ),
        width=640,
        height=260,
        id_prefix='falls" onload="x',
    )


def _weekly_with_target() -> str:
    """Weekly periods (labelled by day), a unit in days and a target below the data."""
    values: list[float | None] = [3.0, 4.5, 2.0, 5.0, 4.0, 3.5, 2.5, 4.0]
    n = len(values)
    return charts.render_chart_svg(
        ChartData(
            title="Days to acknowledge",
            unit="days",
            improvement="decrease",
            periods=_weeks(n),
            values=values,
            mean=[3.5625] * n,
            lpl=[0.1] * n,
            upl=[7.0] * n,
            point_types=["common_cause"] * 7 + ["special_cause_improvement"],
            variation="common_cause",
            assurance="fail",
            target=1.5,
        ),
        id_prefix="weekly",
    )


def _too_few_points() -> str:
    """Two points with no limits: no mean, no limits in the legend."""
    return charts.render_chart_svg(
        ChartData(
            title="New measure",
            unit="count",
            improvement="neither",
            periods=_months(2),
            values=[1200.0, 1350.5],
            mean=[None, None],
            lpl=[None, None],
            upl=[None, None],
            point_types=["common_cause", "common_cause"],
            variation="",
            assurance="",
        ),
    )


def _one_point() -> str:
    return charts.render_chart_svg(
        ChartData(
            "One value",
            "%",
            "increase",
            _months(1),
            [42.0],
            [None],
            [None],
            [None],
            ["common_cause"],
            "",
            "",
        ),
    )


def _no_periods() -> str:
    return charts.render_chart_svg(
        ChartData("Nothing yet", "", "increase", [], [], [], [], [], [], "", "")
    )


def _no_values() -> str:
    n = 3
    return charts.render_chart_svg(
        ChartData(
            "All missing",
            "%",
            "increase",
            _months(n),
            [None] * n,
            [None] * n,
            [None] * n,
            [None] * n,
            [""] * n,
            "",
            "",
            target=90.0,
        ),
        id_prefix="",
    )


def _icons() -> str:
    lines = [str(charts.variation_icon_svg(code)) for code in charts.VARIATION_LABELS]
    lines += [str(charts.variation_icon_svg(code, size=24)) for code in charts.VARIATION_LABELS]
    lines += [str(charts.assurance_icon_svg(code)) for code in charts.ASSURANCE_LABELS]
    lines += [str(charts.assurance_icon_svg(code, size=28)) for code in charts.ASSURANCE_LABELS]
    return "\n".join(lines) + "\n"


CASES: dict[str, Callable[[], str]] = {
    "special_cause": _special_cause,
    "recalculated_with_notes": _recalculated_with_notes,
    "weekly_with_target": _weekly_with_target,
    "too_few_points": _too_few_points,
    "one_point": _one_point,
    "no_periods": _no_periods,
    "no_values": _no_values,
    "icons": _icons,
}


@pytest.mark.parametrize("name", list(CASES))
def test_the_drawing_matches_its_snapshot(name: str) -> None:
    drawn = str(CASES[name]())
    stored = SNAPSHOTS / f"{name}.svg"
    if os.environ.get("UPDATE_SNAPSHOTS"):
        stored.write_text(drawn, encoding="utf-8")
    assert drawn == stored.read_text(encoding="utf-8")
