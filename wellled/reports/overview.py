"""The performance part of the home page for board members and executives: the IPR's
summary matrix as counts, and the measures that changed status this month.

"Changed status" compares each chart up to last month with the same chart a month
earlier: a new variation icon (special cause appears or ends) or a new assurance
icon (now consistently meeting or missing the target). It reads the same charts as
the IPR, so the two always agree.
"""

from __future__ import annotations

from dateutil.relativedelta import relativedelta
from django.urls import reverse

from wellled.core.navigation import OverviewPanel, OverviewRow, OverviewTable
from wellled.core.types import AnyUser
from wellled.reports import access
from wellled.reports.chartdata import ChartData
from wellled.reports.charting import ASSURANCE_LABELS, VARIATION_LABELS, charts_for_metrics
from wellled.reports.models import Metric
from wellled.reports.queries import last_month, metrics_visible_to

# How many changed measures the panel names; the IPR has the rest. Few, so the
# month's story stays on one screen.
SHOWN_CHANGES = 3

# The summary matrix at a glance: the IPR's rows and columns, merged and named
# shortly so it fits a third of the screen. Rows with no measure are left out.
MATRIX_ROWS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Concern", ("concern_high", "concern_low")),
    ("Neither", ("neither_high", "neither_low")),
    ("No change", ("common_cause",)),
    ("Improving", ("improvement_high", "improvement_low")),
    ("Too few points", ("",)),
)
MATRIX_COLUMNS: tuple[tuple[str, str], ...] = (
    ("Failing", "fail"),
    ("Hit or miss", "hit_or_miss"),
    ("Passing", "pass"),
    ("No target", ""),
)


def summary_matrix(charts: list[ChartData], href: str) -> OverviewTable:
    """How many measures sit in each variation and assurance pairing (Making Data
    Count's summary matrix, counted rather than named)."""
    rows = []
    for label, variations in MATRIX_ROWS:
        counts = [
            sum(1 for c in charts if c.variation in variations and c.assurance == assurance)
            for _, assurance in MATRIX_COLUMNS
        ]
        if any(counts):
            rows.append((label, tuple(str(n) for n in counts)))
    return OverviewTable(
        caption=f"{len(charts)} measure{'s' if len(charts) != 1 else ''} "
        "by variation (rows) and assurance (columns)",
        columns=tuple(name for name, _ in MATRIX_COLUMNS),
        rows=tuple(rows),
        href=href,
    )


def _change_row(metric: Metric, old: ChartData, new: ChartData) -> OverviewRow:
    if old.variation != new.variation:
        what = f"now {VARIATION_LABELS.get(new.variation, new.variation).lower()}"
    else:
        what = f"now {ASSURANCE_LABELS.get(new.assurance, new.assurance).lower()}"
    return OverviewRow(
        metric.name,
        what.replace("special cause variation: ", ""),
        reverse("reports:metric", args=[metric.slug]),
        alert=new.variation.startswith("concern") or new.assurance == "fail",
    )


def performance_overview(user: AnyUser) -> OverviewPanel | None:
    """For readers of the whole trust's metrics (those who read the board pack)."""
    if not access.can_read_board_packs(user):
        return None
    metrics = list(metrics_visible_to(user).filter(is_active=True).order_by("name"))
    if not metrics:
        return None
    month = last_month()
    now = charts_for_metrics(metrics, up_to=month)
    before = charts_for_metrics(metrics, up_to=month - relativedelta(months=1))
    ipr = reverse("reports:ipr")
    changed = [
        _change_row(metric, old, new)
        for metric, old, new in zip(metrics, before, now, strict=True)
        if (old.variation, old.assurance) != (new.variation, new.assurance)
    ]
    rows = [OverviewRow(f"Changed status in {month:%B}", str(len(changed)), ipr)]
    rows.extend(changed[:SHOWN_CHANGES])
    if len(changed) > SHOWN_CHANGES:
        rows.append(OverviewRow(f"{len(changed) - SHOWN_CHANGES} more changed", "", ipr))
    return OverviewPanel(
        title="How we are performing",
        rows=tuple(rows),
        link_label=f"The integrated performance report, to {month:%B %Y}",
        link_href=ipr,
        order=15,
        table=summary_matrix(now, ipr),
    )
