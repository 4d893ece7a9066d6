"""Is the roll-up true? Every rolled-up measure compared with the same measure
counted from the cases (`wellled complaints_rollup`, and nightly on the beat schedule).

It reads the measures both ways, so it lives beside them rather than in `rollup`,
which the measures themselves read.
"""

from __future__ import annotations

import datetime

from django.db.models import Min
from django.utils import timezone

from wellled.complaints import measures
from wellled.complaints.models import Complaint

Date = datetime.date


def check(*, today: Date | None = None) -> list[str]:
    """Every rolled-up measure, by every breakdown, for every month since the first
    case, compared with the same counted from the cases. Returns the differences
    (measure, breakdown, month and the two figures: no names or references)."""
    today = today or timezone.localdate()
    earliest = Complaint.objects.aggregate(first=Min("received_on"))["first"]
    if earliest is None:
        return []
    problems: list[str] = []
    for key in measures.MEASURES:
        for breakdown in measures.BREAKDOWNS:
            found = {}
            for from_cases in (False, True):
                _months, cells = measures.compute_cells(
                    key,
                    start=earliest,
                    end=max(today, earliest),
                    breakdown=breakdown,
                    today=today,
                    from_cases=from_cases,
                )
                found[from_cases] = {
                    k: (cell.value, cell.numerator or 0, cell.denominator or 0)
                    for k, cell in cells.items()
                    if (cell.numerator or cell.denominator)
                }
            rolled, counted = found[False], found[True]
            for k in sorted(set(rolled) | set(counted), key=repr):
                if rolled.get(k) != counted.get(k):
                    group, month = k
                    problems.append(
                        f"{key} by {breakdown}, {group!r} {month:%Y-%m}: roll-up "
                        f"{rolled.get(k)}, cases {counted.get(k)}"
                    )
    return problems
