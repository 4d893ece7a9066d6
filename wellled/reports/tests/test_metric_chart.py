"""A metric's chart: the engine run with the metric's settings, many metrics at once."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from unittest import mock

import numpy as np
import pytest

from wellled.core.testing import Trust
from wellled.engines.spc import xmr
from wellled.reports import actions, charting, sources
from wellled.reports.charting import chart_for_metric, charts_for_metrics
from wellled.reports.tests.support import START, load_values, make_metric, months

pytestmark = pytest.mark.django_db

# MDC's worked example (docs/engines/spc.md).
VALUES = [16, 24, 22, 19, 19, 18, 24, 25, 18, 17, 16, 25, 15, 23, 19,
          35, 32, 35, 31, 27, 33, 28, 38, 35, 30, 28, 29, 27, 24, 23]  # fmt: skip


def test_the_chart_is_the_engines_under_the_metrics_settings(trust: Trust) -> None:
    metric = make_metric(trust, improvement="increase", target=30.0, unit="count")
    load_values(metric, [float(v) for v in VALUES])
    chart = chart_for_metric(metric)
    expected = xmr(VALUES, improvement="increase", target=30)
    assert chart.periods == months(START, 30)
    assert chart.values == [float(v) for v in VALUES]
    assert chart.mean == pytest.approx(expected.mean.tolist())
    assert chart.upl == pytest.approx(expected.upl.tolist())
    assert chart.point_types == expected.point_type_labels().tolist()
    assert chart.variation == "common_cause"
    assert chart.assurance == "hit_or_miss"
    assert chart.target == 30.0
    assert chart.description.startswith("Staff sickness absence, 30 monthly values from Jan 2023")
    assert "hits and misses the target" in chart.description


def test_the_metrics_profile_is_used(trust: Trust) -> None:
    metric = make_metric(trust, improvement="increase", profile="nhsr_0_2_2")
    load_values(metric, [float(v) for v in VALUES])
    chart = chart_for_metric(metric)
    expected = xmr(VALUES, improvement="increase", profile="nhsr_0_2_2")
    assert chart.point_types == expected.point_type_labels().tolist()
    assert chart.mean == pytest.approx(expected.mean.tolist())


def test_a_rebase_counts_only_once_approved(trust: Trust) -> None:
    metric = make_metric(trust, improvement="increase")
    load_values(metric, [float(v) for v in VALUES])
    rebase = actions.request_rebase(
        acting_user=trust.people["governance_lead"],
        metric=metric,
        period=months(START, 16)[-1],
        reason="New triage process",
    )
    assert len(set(chart_for_metric(metric).mean)) == 1
    actions.approve_rebase(acting_user=trust.people["executive"], rebase=rebase)
    chart = chart_for_metric(metric)
    mask = np.zeros(30, dtype=bool)
    mask[15] = True
    expected = xmr(VALUES, improvement="increase", rebase=mask)
    assert chart.mean == pytest.approx(expected.mean.tolist())
    assert chart.mean[0] == pytest.approx(20.0) and chart.mean[15] == pytest.approx(
        30.3333, abs=1e-3
    )
    assert chart.rebases == [months(START, 16)[-1]]
    assert chart.variation == expected.variation_labels()[0]


def test_too_few_points_show_the_chart_without_limits(trust: Trust) -> None:
    metric = make_metric(trust)
    load_values(metric, [5.0, 6.0, 5.5, 4.0, 6.5, 5.2, 4.9, 5.0, 5.8, 6.1, 5.5, 5.0])
    chart = chart_for_metric(metric)
    assert chart.values[0] == 5.0
    assert chart.lpl == [None] * 12 and chart.upl == [None] * 12
    assert chart.mean[0] == pytest.approx(
        np.mean([v for v in chart.values if v is not None])
    )  # MDC still shows the mean
    assert chart.variation == "" and chart.assurance == ""
    assert any("fewer than the 13 needed" in w for w in chart.warnings)
    assert "too few points" in chart.description


def test_a_metric_with_no_values_has_an_empty_chart(trust: Trust) -> None:
    chart = chart_for_metric(make_metric(trust))
    assert chart.periods == [] and chart.variation == ""
    assert chart.warnings == ["There are no values yet"]
    assert chart.description.endswith("there are no values yet.")


def test_the_target_applies_only_within_its_dates(trust: Trust) -> None:
    metric = make_metric(
        trust,
        improvement="increase",
        target=30.0,
        target_from=datetime.date(2030, 1, 1),
    )
    load_values(metric, [float(v) for v in VALUES])
    chart = chart_for_metric(metric)
    assert chart.target is None and chart.assurance == ""


def test_up_to_cuts_the_series(trust: Trust) -> None:
    metric = make_metric(trust)
    load_values(metric, [float(v) for v in VALUES])
    chart = chart_for_metric(metric, up_to=datetime.date(2023, 12, 1))
    assert chart.periods[-1] == datetime.date(2023, 12, 1) and len(chart.periods) == 12


def test_annotations_are_on_the_chart(trust: Trust) -> None:
    metric = make_metric(trust)
    load_values(metric, [float(v) for v in VALUES])
    actions.add_annotation(
        acting_user=trust.people["governance_lead"],
        metric=metric,
        period=datetime.date(2023, 3, 1),
        text="Ward closed for refurbishment",
    )
    assert chart_for_metric(metric).annotations == [
        (datetime.date(2023, 3, 1), "Ward closed for refurbishment")
    ]


def test_many_metrics_take_one_engine_call_per_profile(trust: Trust) -> None:
    metrics = []
    for i in range(6):
        metric = make_metric(
            trust,
            name=f"Metric {i}",
            improvement=["increase", "decrease", "neither"][i % 3],
            profile="mdc_sql_v2" if i == 5 else "mdc_excel_v5",
        )
        load_values(metric, [float(v + i) for v in VALUES])
        metrics.append(metric)
    real = charting.xmr
    with mock.patch.object(charting, "xmr", side_effect=real) as engine:
        charts = charts_for_metrics(metrics)
    assert engine.call_count == 2
    for metric, chart in zip(metrics, charts, strict=True):
        alone = chart_for_metric(metric)
        assert chart == alone


@pytest.fixture
def registered_source() -> Iterator[tuple[sources.MetricSource, list[tuple[object, ...]]]]:
    calls: list[tuple[object, ...]] = []

    def compute(start: datetime.date, end: datetime.date, unit: object) -> list[sources.Period]:
        calls.append((start, end, unit))
        out: list[sources.Period] = []
        period = start
        i = 0
        while period <= end:
            out.append((period, None if i == 3 else float(VALUES[i % 30]) + (5 if unit else 0)))
            period = charting.next_period(period, "monthly")
            i += 1
        return out

    source = sources.MetricSource(
        key="tests.responded_on_time",
        title="Responded on time",
        definition="Responses on time / responses due",
        unit="%",
        improvement="increase",
        frequency="monthly",
        domain="responsive",
        compute=compute,
    )
    sources.register_source(source)
    try:
        yield source, calls
    finally:
        sources._SOURCES.pop(source.key)


def test_registered_metrics_compute_on_demand(trust: Trust, registered_source) -> None:
    source, calls = registered_source
    metric = make_metric(
        trust,
        name="Responded on time",
        source_kind="registered",
        source_key=source.key,
        improvement="increase",
    )
    chart = chart_for_metric(metric, up_to=datetime.date(2026, 6, 15))
    start, end, unit = calls[-1]
    assert (start, end, unit) == (datetime.date(2023, 7, 1), datetime.date(2026, 6, 1), None)
    assert len(chart.periods) == 36
    # The empty period is a gap, left out of the calculation.
    assert chart.values[3] is None and chart.point_types[3] == "" and chart.mean[3] is None
    assert any("1 of 36 periods have no value" in w for w in chart.warnings)
    present = [v for v in chart.values if v is not None]
    assert chart.mean[0] == pytest.approx(xmr(present, improvement="increase").mean[0])
    narrowed = chart_for_metric(metric, up_to=datetime.date(2026, 6, 15), unit=trust.service)
    assert calls[-1][2] == trust.service
    assert narrowed.values[0] == (chart.values[0] or 0) + 5
    ours = make_metric(
        trust,
        name="Responded on time: ours",
        source_kind="registered",
        source_key=source.key,
        improvement="increase",
        service=trust.service,
    )
    chart_for_metric(ours)
    assert calls[-1][2] == trust.service


def test_a_registered_metric_must_match_its_sources_frequency(
    trust: Trust, registered_source
) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        make_metric(
            trust, source_kind="registered", source_key=registered_source[0].key, frequency="weekly"
        )
    assert "frequency" in caught.value.message_dict


def test_a_failing_source_leaves_an_empty_chart_with_a_warning(trust: Trust) -> None:
    def broken(start: datetime.date, end: datetime.date, unit: object) -> list[sources.Period]:
        raise RuntimeError("database went away")

    source = sources.MetricSource(
        key="tests.broken",
        title="Broken",
        definition="d",
        unit="count",
        improvement="increase",
        frequency="monthly",
        domain="safe",
        compute=broken,
    )
    sources.register_source(source)
    try:
        metric = make_metric(trust, name="Broken", source_key=source.key, source_kind="registered")
        other = make_metric(trust, name="Fine")
        load_values(other, [1.0, 2.0])
        broken_chart, fine_chart = charts_for_metrics([metric, other])
    finally:
        sources._SOURCES.pop(source.key)
    assert broken_chart.values == [] and broken_chart.warnings == [
        "The figures could not be computed just now"
    ]
    assert fine_chart.values == [1.0, 2.0]
