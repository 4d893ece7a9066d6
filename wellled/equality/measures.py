"""WRES indicators and WDES metrics as metric sources (reports/sources.py), so the catalogue
and the IPR can show them beside the trust's other measures.

The standards are annual (the year to 31 March) and the catalogue counts in weeks or
months, so each indicator is a monthly source with one value a year, in March, the month
of the snapshot; every other month is empty and the chart shows a gap. The value is the
report's headline figure: a likelihood indicator's ratio, or a survey indicator's
percentage for BME or Disabled staff (empty where fewer than 11 answered). The figures
are the whole trust's: a unit below the trust has none. Aggregates only.
"""

from __future__ import annotations

import datetime
from typing import Literal

from dateutil.relativedelta import relativedelta

from wellled.engines.equality import INDICATORS, LATEST, Indicator
from wellled.equality.queries import history
from wellled.organisation.models import OrgUnit
from wellled.reports.sources import Compute, MetricSource, Period, register_source

IMPROVEMENT: dict[str, Literal["increase", "decrease", "neither"]] = {
    "lower": "decrease",
    "higher": "increase",
    # A ratio is better nearer 1 from either side: no single direction for the chart.
    "closer_to_one": "neither",
    "closer_to_zero": "neither",
}
PROTECTED = {"WRES": "BME staff", "WDES": "Disabled staff"}


def key(indicator: Indicator) -> str:
    return f"equality.{indicator.standard.lower()}_{indicator.number.replace('-', '_')}"


def _months(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    first, last = start.replace(day=1), end.replace(day=1)
    found = []
    while first <= last:
        found.append(first)
        first += relativedelta(months=1)
    return found


def compute_for(indicator: Indicator) -> Compute:
    def compute(start: datetime.date, end: datetime.date, unit: OrgUnit | None) -> list[Period]:
        months = _months(start, end)
        if unit is not None and unit.parent_id is not None:
            return [(month, None) for month in months]
        values: dict[int, float | None] = {}
        for year, rows in history(indicator.standard).items():
            row = next((r for r in rows if r.indicator.number == indicator.number), None)
            values[year] = row.value if row is not None else None
        return [(m, values.get(m.year) if m.month == 3 else None) for m in months]

    return compute


def source_for(indicator: Indicator) -> MetricSource:
    survey = indicator.kind == "survey"
    figure = (
        f"the percentage for {PROTECTED[indicator.standard]} (empty under 11 responses)"
        if survey
        else "the relative likelihood (1 is equal; the official ratios put adverse above 1)"
    )
    return MetricSource(
        key=key(indicator),
        title=f"{indicator.label}: {indicator.title}"
        + (f" ({PROTECTED[indicator.standard]})" if survey else ""),
        definition=f"{indicator.title}. One value a year, in March (the 31 March snapshot "
        f"of the reporting year): {figure}. Computed from the counts imported on the "
        "workforce equality pages.",
        unit="%" if survey else "ratio",
        improvement=IMPROVEMENT[indicator.better],
        frequency="monthly",
        domain="equality",
        compute=compute_for(indicator),
    )


def charted() -> list[Indicator]:
    """The indicators with one headline number a year: likelihoods and survey questions."""
    return [
        indicator
        for (standard, _, version), indicator in INDICATORS.items()
        if version == LATEST[standard] and indicator.kind in ("likelihood", "survey")
    ]


# Built once, so registering again (each test's app registry) finds the same sources.
SOURCES = tuple(source_for(indicator) for indicator in charted())


def register() -> None:
    for source in SOURCES:
        register_source(source)
