"""The demo trust's performance report."""

from __future__ import annotations

import dataclasses
import random

import pytest

from wellled.organisation.demo import build_demo, plan_demo
from wellled.reports import demo, sources
from wellled.reports.charting import charts_for_metrics
from wellled.reports.models import Metric, MetricValue, Narrative, Rebase


@pytest.mark.django_db
def test_the_demo_loads_about_25_metrics_with_real_ae_data(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sources, "_SOURCES", {})
    result = build_demo(plan_demo(staff_count=30))
    line = demo.load_demo(result, seed=7)
    assert line.startswith("Reports: ")
    metrics = list(Metric.objects.all())
    assert len(metrics) == len(demo.SPECS) + 1
    ae = Metric.objects.get(name__startswith="A&E four-hour performance")
    values = list(MetricValue.objects.filter(metric=ae).order_by("period"))
    assert len(values) == 36
    assert values[0].period.isoformat() == "2016-04-01"
    # Chelsea and Westminster, type 1, April 2016: 15154 attendances, 1199 breaches.
    assert values[0].value == pytest.approx(100 * (1 - 1199 / 15154), abs=0.01)
    approved = Rebase.objects.filter(approved_at__isnull=False).get()
    assert approved.reason and approved.approver != approved.requested_by
    assert Rebase.objects.filter(approved_at__isnull=True).count() == 1
    assert Narrative.objects.count() >= 15
    # Each narrative speaks to its own metric, not a shared paragraph.
    texts = list(Narrative.objects.values_list("so_what", "what_next"))
    assert len(set(texts)) == len(texts)
    charts = charts_for_metrics(metrics)
    variations = {chart.variation for chart in charts}
    assurances = {chart.assurance for chart in charts}
    # Realistic patterns: signals of both kinds, targets met, missed and at random.
    assert "common_cause" in variations
    assert variations & {"improvement_high", "improvement_low"}
    assert assurances >= {"pass", "fail", "hit_or_miss"}


@pytest.mark.django_db
def test_the_demo_series_come_from_the_seed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sources, "_SOURCES", {})
    result = build_demo(plan_demo(staff_count=30))
    demo.load_demo(result, seed=3)
    first = Metric.objects.get(name=demo.SPECS[0].name)
    stored = list(
        MetricValue.objects.filter(metric=first).order_by("period").values_list("value", flat=True)
    )
    name = demo.SPECS[0].name
    assert stored == demo._series(demo.SPECS[0], random.Random(f"reports-3-{name}"), 36)
    assert stored != demo._series(demo.SPECS[0], random.Random(f"reports-4-{name}"), 36)


@pytest.mark.django_db
def test_registered_measures_join_and_replace_made_up_copies(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    received = sources.MetricSource(
        key="complaints.received",
        title="Complaints received",
        definition="Formal complaints received in the month",
        unit="count",
        improvement="neither",
        frequency="monthly",
        domain="well-led",
        compute=lambda start, end, unit: [],
    )
    other = dataclasses.replace(received, key="tests.other", title="Something computed")
    monkeypatch.setattr(sources, "_SOURCES", {s.key: s for s in (received, other)})
    result = build_demo(plan_demo(staff_count=30))
    demo.load_demo(result, seed=1)
    computed = Metric.objects.filter(source_kind="registered")
    assert sorted(computed.values_list("source_key", flat=True)) == [
        "complaints.received",
        "tests.other",
    ]
    assert Metric.objects.filter(name="Complaints received").get().source_kind == "registered"
    assert Metric.objects.count() == len(demo.SPECS) - 1 + 1 + 2
