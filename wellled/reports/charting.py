"""A metric's SPC chart: its series, through the engine, into a ChartData.

`charts_for_metrics(metrics, ...)` builds the charts of many metrics with one
engine call per SPC profile (usually one call for a whole report), reading every
imported series, approved rebase and annotation in one query each.
`chart_for_metric(metric, ...)` is the same for one metric.

Which periods a chart shows:
- imported metrics: every stored value for a period starting on or before `up_to`;
- registered metrics: the source's figures for the last 36 months (or 104 weeks)
  up to the period containing `up_to`, or up to the last complete period when no
  `up_to` is given. A period the source leaves empty (None) is shown as a gap and
  left out of the calculation.

`unit` narrows registered metrics to an organisation unit (the source decides
how); a registered metric about one service is always computed for its service;
imported series are what they are and ignore it.
"""

from __future__ import annotations

import dataclasses
import datetime
import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from django.utils import timezone

from wellled.engines.spc import Profile, get_profile, xmr
from wellled.organisation.models import OrgUnit
from wellled.reports import charts, sources
from wellled.reports.chartdata import ChartData
from wellled.reports.models import Annotation, Frequency, Metric, MetricValue, Rebase
from wellled.reports.periods import next_period, period_label, period_start, periods_back

logger = logging.getLogger(__name__)

HISTORY = {Frequency.MONTHLY.value: 36, Frequency.WEEKLY.value: 104}

# One vocabulary with the drawing (charts.py), plus the words for "no icon".
VARIATION_LABELS: dict[str, str] = {
    **charts.VARIATION_LABELS,
    "": "Not enough points for limits",
}
ASSURANCE_LABELS: dict[str, str] = {
    **charts.ASSURANCE_LABELS,
    "": "No assurance (no target or no limits)",
}
# The assurance icons as the end of a sentence ("against a target of 30, it ...").
_ASSURANCE_VERBS: dict[str, str] = {
    "pass": "consistently meets the target",
    "fail": "consistently misses the target",
    "hit_or_miss": "hits and misses the target at random",
}
POINT_TYPE_LABELS: dict[str, str] = {**charts.POINT_TYPES, "": "No value"}


@dataclass
class _Series:
    metric: Metric
    periods: list[datetime.date]
    values: list[float | None]
    warnings: list[str] = field(default_factory=list)


def _registered_series(
    metric: Metric, up_to: datetime.date | None, unit: OrgUnit | None
) -> _Series:
    freq = metric.frequency
    if up_to is None:
        today = timezone.localdate()
        end = period_start(today, freq)
        # The current period is still running: charts end at the last complete one.
        end = periods_back(end, freq, 2)
    else:
        end = period_start(up_to, freq)
    start = periods_back(end, freq, HISTORY[freq])
    try:
        source = sources.get_source(metric.source_key)
    except KeyError:
        return _Series(
            metric, [], [], [f"the source '{metric.source_key}' is not available in this system"]
        )
    # A metric about one service is always computed for that service.
    where = metric.service if metric.service is not None else unit
    try:
        pairs = source.compute(start, end, where)
    except Exception:
        # One module's failure must not take the whole report down with it.
        logger.exception("Metric source %s failed", metric.source_key)
        return _Series(metric, [], [], ["the figures could not be computed just now"])
    return _Series(metric, [p for p, _ in pairs], [v for _, v in pairs])


def _series(
    metrics: Sequence[Metric], up_to: datetime.date | None, unit: OrgUnit | None
) -> list[_Series]:
    imported = [m.pk for m in metrics if not m.is_registered]
    stored: dict[int, list[tuple[datetime.date, float]]] = defaultdict(list)
    if imported:
        rows = MetricValue.objects.filter(metric_id__in=imported)
        if up_to is not None:
            rows = rows.filter(period__lte=up_to)
        for metric_id, period, value in rows.order_by("metric_id", "period").values_list(
            "metric_id", "period", "value"
        ):
            stored[metric_id].append((period, value))
    out = []
    for metric in metrics:
        if metric.is_registered:
            out.append(_registered_series(metric, up_to, unit))
        else:
            pairs = stored.get(metric.pk, [])
            out.append(_Series(metric, [p for p, _ in pairs], [v for _, v in pairs]))
    return out


def _fmt(value: float, unit: str) -> str:
    text = f"{value:,.1f}".removesuffix(".0") if abs(value) < 1000 else f"{value:,.0f}"
    if unit == "%":
        return f"{text}%"
    return f"{text} {unit}" if unit and unit != "count" else text


def describe(chart: ChartData, frequency: str) -> str:
    """One sentence for screen readers and the board: what the chart says."""
    present = [(p, v) for p, v in zip(chart.periods, chart.values, strict=True) if v is not None]
    if not present:
        return f"{chart.title}: there are no values yet."
    first, last = present[0][0], present[-1]
    parts = [
        f"{chart.title}, {len(present)} {'weekly' if frequency == 'weekly' else 'monthly'} "
        f"values from {period_label(first, frequency)} to {period_label(last[0], frequency)}: "
        f"the latest is {_fmt(last[1], chart.unit)}"
    ]
    if not chart.variation:
        parts.append("there are too few points to calculate process limits")
    else:
        parts.append(VARIATION_LABELS[chart.variation].lower())
        means = [m for m in chart.mean if m is not None]
        if means:
            parts.append(f"the mean is {_fmt(means[-1], chart.unit)}")
    if chart.target is not None:
        target = _fmt(chart.target, chart.unit)
        if chart.assurance:
            parts.append(f"against a target of {target}, it {_ASSURANCE_VERBS[chart.assurance]}")
        else:
            parts.append(f"the target is {target}")
    return "; ".join(parts) + "."


def charts_for_metrics(
    metrics: Sequence[Metric],
    *,
    up_to: datetime.date | None = None,
    unit: OrgUnit | None = None,
) -> list[ChartData]:
    """The charts of many metrics, in the order given."""
    metrics = list(metrics)
    if not metrics:
        return []
    series = _series(metrics, up_to, unit)
    ids = [m.pk for m in metrics]
    rebases: dict[int, list[datetime.date]] = defaultdict(list)
    approved = Rebase.objects.filter(metric_id__in=ids, approved_at__isnull=False)
    for metric_id, period in approved.order_by("period").values_list("metric_id", "period"):
        rebases[metric_id].append(period)
    notes: dict[int, list[tuple[datetime.date, str]]] = defaultdict(list)
    for metric_id, period, text in (
        Annotation.objects.filter(metric_id__in=ids)
        .order_by("period", "created_at")
        .values_list("metric_id", "period", "text")
    ):
        notes[metric_id].append((period, text))

    # Points with a value, laid end to end by profile: one engine call per profile.
    by_profile: dict[str, list[int]] = defaultdict(list)
    for index, s in enumerate(series):
        if any(v is not None for v in s.values):
            by_profile[s.metric.profile].append(index)
    results: dict[int, dict[str, object]] = {}
    for profile_name, indexes in by_profile.items():
        results.update(_compute(profile_name, [series[i] for i in indexes], indexes, rebases))

    charts = []
    for index, s in enumerate(series):
        charts.append(_chart(s, results.get(index), rebases[s.metric.pk], notes[s.metric.pk]))
    return charts


@dataclass
class _Batch:
    """The engine's input for a group of series laid end to end (one profile)."""

    values: list[float] = field(default_factory=list)
    lengths: list[int] = field(default_factory=list)
    rebase: list[bool] = field(default_factory=list)
    baselines: list[int] = field(default_factory=list)
    improvements: list[str] = field(default_factory=list)
    targets: list[float] = field(default_factory=list)


def _baseline(s: _Series, profile: Profile) -> int:
    """The metric's baseline, or 0 (with a warning) when the profile needs a longer one."""
    base = s.metric.baseline_points or 0
    if base and base < profile.baseline_min_points:
        s.warnings.append(
            f"the baseline of {base} points is ignored: profile {profile.name} needs "
            f"at least {profile.baseline_min_points}"
        )
        return 0
    return base


def _batch(
    profile: Profile, group: list[_Series], rebases: dict[int, list[datetime.date]]
) -> _Batch:
    batch = _Batch()
    for s in group:
        present = [(p, v) for p, v in zip(s.periods, s.values, strict=True) if v is not None]
        batch.values.extend(v for _, v in present)
        batch.lengths.append(len(present))
        # A recalculation counts from the first point with a value on or after its period.
        starts = set()
        for when in rebases[s.metric.pk]:
            later = [p for p, _ in present[1:] if p >= when]
            if later:
                starts.add(later[0])
        batch.rebase.extend(p in starts for p, _ in present)
        batch.baselines.append(_baseline(s, profile))
        batch.improvements.append(s.metric.improvement)
        last = present[-1][0]
        target = s.metric.target if s.metric.target_applies(last) else None
        batch.targets.append(np.nan if target is None else float(target))
    return batch


def _compute(
    profile_name: str,
    group: list[_Series],
    indexes: list[int],
    rebases: dict[int, list[datetime.date]],
) -> dict[int, dict[str, object]]:
    profile = get_profile(profile_name)
    batch = _batch(profile, group, rebases)
    result = xmr(
        np.asarray(batch.values, dtype=np.float64),
        lengths=batch.lengths,
        rebase=np.asarray(batch.rebase, dtype=bool),
        baseline=batch.baselines,
        improvement=batch.improvements,
        target=batch.targets,
        profile=profile,
    )
    point_types = result.point_type_labels()
    variation = result.variation_labels()
    assurance = result.assurance_labels()
    out: dict[int, dict[str, object]] = {}
    for i, index in enumerate(indexes):
        sl = result.series_slice(i)
        out[index] = {
            "mean": result.mean[sl].tolist(),
            "lpl": result.lpl[sl].tolist(),
            "upl": result.upl[sl].tolist(),
            "point_type": point_types[sl].tolist(),
            "variation": str(variation[i]),
            "assurance": str(assurance[i]),
            "target": None if np.isnan(batch.targets[i]) else batch.targets[i],
            "warnings": result.series_warnings(i),
        }
    return out


def _none(value: float) -> float | None:
    return None if value != value else float(value)  # NaN -> None


def _chart(
    s: _Series,
    computed: dict[str, object] | None,
    rebases: list[datetime.date],
    notes: list[tuple[datetime.date, str]],
) -> ChartData:
    metric = s.metric
    n = len(s.periods)
    mean: list[float | None] = [None] * n
    lpl: list[float | None] = [None] * n
    upl: list[float | None] = [None] * n
    kinds = [""] * n
    variation = assurance = ""
    target: float | None = None
    warnings = list(s.warnings)
    if computed is not None:
        at = [i for i, v in enumerate(s.values) if v is not None]
        for key, column in (("mean", mean), ("lpl", lpl), ("upl", upl)):
            numbers = computed[key]
            assert isinstance(numbers, list)
            for j, i in enumerate(at):
                column[i] = _none(numbers[j])
        labels = computed["point_type"]
        assert isinstance(labels, list)
        for j, i in enumerate(at):
            kinds[i] = labels[j]
        variation = str(computed["variation"])
        assurance = str(computed["assurance"])
        found = computed["target"]
        target = float(found) if isinstance(found, float | int) else None
        engine_warnings = computed["warnings"]
        assert isinstance(engine_warnings, list)
        warnings.extend(str(w) for w in engine_warnings)
        if len(at) < n:
            warnings.append(
                f"{n - len(at)} of {n} periods have no value and are left out of the calculation"
            )
    elif n == 0 and not warnings:
        warnings.append("there are no values yet")
    if target is None and s.periods and metric.target_applies(s.periods[-1]):
        target = metric.target
    shown_rebases = [r for r in rebases if s.periods and s.periods[0] < r <= s.periods[-1]]
    chart = ChartData(
        title=metric.name,
        unit=metric.unit,
        improvement=metric.improvement,
        periods=list(s.periods),
        values=list(s.values),
        mean=mean,
        lpl=lpl,
        upl=upl,
        point_types=kinds,
        variation=variation,
        assurance=assurance,
        target=target,
        annotations=[(p, t) for p, t in notes if not s.periods or p <= s.periods[-1]],
        rebases=shown_rebases,
        warnings=[w[0].upper() + w[1:] for w in warnings if w],
    )
    return dataclasses.replace(chart, description=describe(chart, metric.frequency))


def chart_for_metric(
    metric: Metric, *, up_to: datetime.date | None = None, unit: OrgUnit | None = None
) -> ChartData:
    return charts_for_metrics([metric], up_to=up_to, unit=unit)[0]


def expected_next_period(metric: Metric, chart: ChartData) -> datetime.date | None:
    """The period the next imported value is for (None before the first)."""
    if not chart.periods:
        return None
    return next_period(chart.periods[-1], metric.frequency)
