"""Helpers for the reports tests: metrics and series made through the actions."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.models import User

from wellled.core.testing import Trust
from wellled.reports import actions
from wellled.reports.importing import RawRow
from wellled.reports.models import Metric
from wellled.reports.periods import next_period

START = datetime.date(2023, 1, 1)


def months(start: datetime.date, count: int) -> list[datetime.date]:
    out = [start]
    while len(out) < count:
        out.append(next_period(out[-1], "monthly"))
    return out


def make_metric(trust: Trust, *, owner: User | None = None, **overrides: Any) -> Metric:
    fields: dict[str, Any] = {
        "name": "Staff sickness absence",
        "definition": "Days lost to sickness / days available, per month",
        "owner": owner or trust.people["governance_lead"],
        "unit": "%",
        "improvement": "decrease",
        "frequency": "monthly",
        "domain": "people",
    }
    fields.update(overrides)
    return actions.create_metric(acting_user=None, **fields)


def load_values(metric: Metric, values: list[float], start: datetime.date = START) -> None:
    periods = (
        months(start, len(values))
        if metric.frequency == "monthly"
        else [start + datetime.timedelta(days=7 * i) for i in range(len(values))]
    )
    rows = [
        RawRow(number=i + 1, metric=None, period=p.isoformat(), value=v)
        for i, (p, v) in enumerate(zip(periods, values, strict=True))
    ]
    actions.import_metric_values(acting_user=None, rows=rows, metric=metric)


def sample_metric(trust: Trust) -> Metric:
    """The URL matrix's sample: a metric with a pending rebase, owned by the governance lead."""
    existing = Metric.objects.filter(slug="sample-metric").first()
    if existing is not None:
        return existing
    metric = make_metric(trust, name="Sample metric")
    load_values(metric, [5.0, 6.0, 5.5, 4.8, 5.2, 6.1, 5.9, 5.0, 4.7, 5.3, 5.6, 5.1, 5.4, 5.0])
    actions.request_rebase(
        acting_user=trust.people["governance_lead"],
        metric=metric,
        period=datetime.date(2023, 7, 1),
        reason="New rota",
    )
    return metric
