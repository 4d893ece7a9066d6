"""Live evidence for CQC's well-led statement on workforce equality, diversity and inclusion.

A statement panel (assurance/panels.py) on the well-led page: for WRES and WDES, the latest
year held and, for each indicator with a headline figure, that figure with its flags, read
from the stored counts when the page is drawn, so it is never stale. CQC's statement W4
(single assessment framework, /work/shared/reference/cqc-framework.md): "We value
diversity in our workforce. We work towards an inclusive and fair culture by improving
equality and equity for people who work for us." WRES and WDES are NHS England's mandated
collections for it, whose requirement is year-on-year improvement, not a pass mark
(reference workforce-equality.md). Aggregates only, to those who may read the pages.
"""

from __future__ import annotations

from django.urls import reverse

from wellled.assurance.panels import PanelRow, StatementPanel
from wellled.core.types import AnyUser
from wellled.engines.equality import ReportRow
from wellled.equality.access import may_view
from wellled.equality.improvement_source import STATEMENTS
from wellled.equality.queries import history

CHANGES = {
    "improved": "improved since last year",
    "worsened": "worse than last year",
    "no_significant_change": "no significant change since last year",
}


def _value(row: ReportRow) -> str:
    flags, parts = row.flags, []
    if row.likelihood is not None and row.likelihood.ratio is not None:
        lk = row.likelihood
        parts.append(f"{lk.ratio:.2f} (95% interval {lk.ci_low:.2f} to {lk.ci_high:.2f})")
    elif row.value is not None:
        parts.append(f"{row.value:.1f}%")
    if flags.outside_band:
        parts.append("outside the 0.80 to 1.25 band")
    if flags.significant:
        parts.append("significant")
    if flags.change in CHANGES:
        parts.append(CHANGES[flags.change])
    return ", ".join(parts)


def _rows(standard: str) -> list[PanelRow]:
    held = history(standard)
    if not held:
        return []
    year = max(held)
    href = reverse("equality:report", args=[standard, year])
    return [
        PanelRow(
            label=f"{row.indicator.label} ({year})",
            value=_value(row),
            href=href,
        )
        for row in held[year]
        if row.value is not None
    ]


def statement_panel(user: AnyUser, framework_id: str, statement_id: str) -> StatementPanel | None:
    """WRES and WDES, latest year each, on the workforce equality statement."""
    if statement_id not in STATEMENTS or not may_view(user):
        return None
    rows = _rows("WRES") + _rows("WDES")
    return StatementPanel(
        title="Workforce Race and Disability Equality Standards, latest year",
        module="Workforce equality",
        rows=rows,
        empty_text="No WRES or WDES year has been imported.",
        link_label="See every year",
        link_href=reverse("equality:index"),
    )
