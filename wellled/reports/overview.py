"""The performance part of the home page for board members and executives: how many
measures are a concern or miss their target, and which changed status this month.

"Changed status" compares each chart up to last month with the same chart a month
earlier: a new variation icon (special cause appears or ends) or a new assurance
icon (now consistently meeting or missing the target). It reads the same charts as
the IPR, so the two always agree.
"""

from __future__ import annotations

from dateutil.relativedelta import relativedelta
from django.urls import reverse

from wellled.core.navigation import OverviewPanel, OverviewRow
from wellled.core.types import AnyUser
from wellled.reports import access
from wellled.reports.charting import ASSURANCE_LABELS, VARIATION_LABELS, charts_for_metrics
from wellled.reports.queries import last_month, metrics_visible_to

# How many changed measures the panel names; the IPR has the rest.
SHOWN_CHANGES = 5


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
    concern = sum(1 for chart in now if chart.variation.startswith("concern"))
    failing = sum(1 for chart in now if chart.assurance == "fail")
    rows = [
        OverviewRow("Measures in the performance report", str(len(metrics)), ipr),
        OverviewRow("Special cause for concern", str(concern), ipr, alert=concern > 0),
        OverviewRow("Consistently missing the target", str(failing), ipr, alert=failing > 0),
    ]
    changed = [
        (metric, old, new)
        for metric, old, new in zip(metrics, before, now, strict=True)
        if (old.variation, old.assurance) != (new.variation, new.assurance)
    ]
    for metric, old, new in changed[:SHOWN_CHANGES]:
        if old.variation != new.variation:
            what = f"now {VARIATION_LABELS.get(new.variation, new.variation).lower()}"
        else:
            what = f"now {ASSURANCE_LABELS.get(new.assurance, new.assurance).lower()}"
        rows.append(
            OverviewRow(
                f"Changed in {month:%B}: {metric.name}",
                what,
                reverse("reports:metric", args=[metric.slug]),
                alert=new.variation.startswith("concern") or new.assurance == "fail",
            )
        )
    if len(changed) > SHOWN_CHANGES:
        rows.append(OverviewRow(f"{len(changed) - SHOWN_CHANGES} more changed", "", ipr))
    return OverviewPanel(
        title="How we are performing",
        rows=tuple(rows),
        link_label=f"The integrated performance report, to {month:%B %Y}",
        link_href=ipr,
        order=15,
    )
