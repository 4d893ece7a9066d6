"""The complaints measures the board reads: aggregates only, computed in the database.

Seven measures, each by month and, on request, by service, site or KO41a subject:

* acknowledged within 3 working days: acknowledgements due in the month (the
  stored `acknowledgement_due`, 3 working days after receipt), the share made on
  or before that day. A case still unacknowledged counts only once its day passed.
* answered by the date due: first responses due in the month, the share sent on
  or before the date due. The date due is the one agreed with the complainant,
  else the one the trust set and told them of, else the last day of the six months
  beginning on receipt (regulation 14(2)), so every formal complaint is counted,
  with or without an agreed date. Unanswered cases count once their date passed.
* overdue open cases: as at the month's last day (today for this month), the open
  cases whose acknowledgement or response was overdue that day (response: the
  date due as above).
* median days to respond: calendar days from receipt to the first response, for
  first responses sent in the month.
* reopened cases: cases whose latest reopening fell in the month.
* Ombudsman (PHSO) referrals: referrals recorded in the month.
* themes: complaints received in the month raising each KO41a subject; a
  complaint counts once against every subject it raises.

Every measure counts formal complaints under the Regulations (not PALS concerns,
oral complaints resolved next working day or regulation 8 exclusions) and leaves
out cases transferred to another body. A breakdown by subject counts a complaint
once against each subject its issues raise, so subject rows add up to more than
the total. Nothing here returns a name, a summary or a reference: board and
governance roles read these figures.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from django.db.models import (
    Q,
    QuerySet,
    Sum,
)
from django.utils import timezone

from wellled.complaints import rollup
from wellled.complaints.measure_counts import (
    _COMPUTE,
    Cell,
    _acknowledged_on_time,
    _as_date,
    _overdue_open,
    _responded_by_agreed_date,
    _share,
    month_end,
    month_start,
    months_between,
    regulated_cases,
)
from wellled.complaints.measure_counts import (
    _response_due as _response_due,
)
from wellled.complaints.measure_counts import (
    _within as _within,
)
from wellled.complaints.measure_counts import (
    add_month as add_month,
)
from wellled.complaints.measure_counts import (
    overdue_on as overdue_on,
)
from wellled.complaints.models import Complaint, MeasureCell, ReferenceItem
from wellled.organisation.access import covers_everything
from wellled.organisation.models import OrgUnit
from wellled.reports.sources import MetricSource, register_source

Date = datetime.date
Breakdown = Literal["none", "service", "site", "subject"]
BREAKDOWNS: dict[str, str] = {
    "none": "Whole trust (or your area)",
    "service": "Service",
    "site": "Site",
    "subject": "KO41a subject",
}


@dataclass(frozen=True)
class Measure:
    key: str
    title: str
    definition: str
    unit: str  # "%", "count", "days"
    improvement: Literal["increase", "decrease", "neither"]


MEASURES: dict[str, Measure] = {
    m.key: m
    for m in (
        Measure(
            "acknowledged_on_time",
            "Complaints acknowledged within 3 working days",
            "Acknowledgements due in the month made on or before the due day, as a share of "
            "acknowledgements due in the month (made, or whose day has passed)",
            "%",
            "increase",
        ),
        Measure(
            "responded_by_agreed_date",
            "Complaints answered by the date due",
            "First responses due in the month sent on or before the date due, as a share of "
            "first responses due in the month (sent, or whose date has passed). The date due "
            "is the one agreed with the complainant, else the one the trust set and told "
            "them of, else the last day of the six months beginning on receipt",
            "%",
            "increase",
        ),
        Measure(
            "overdue_open",
            "Open complaints overdue",
            "Open complaints whose acknowledgement or response was overdue on the last day "
            "of the month (today for the current month)",
            "count",
            "decrease",
        ),
        Measure(
            "median_days_to_respond",
            "Median days to respond",
            "The median of calendar days from receipt to the first response, for first "
            "responses sent in the month",
            "days",
            "decrease",
        ),
        Measure(
            "reopened",
            "Complaints reopened",
            "Complaints whose latest reopening was in the month",
            "count",
            "decrease",
        ),
        Measure(
            "phso_referrals",
            "Referrals to the Ombudsman",
            "Complaints the trust was told in the month had been referred to the "
            "Parliamentary and Health Service Ombudsman",
            "count",
            "neither",
        ),
        Measure(
            "themes",
            "Themes: complaints by KO41a subject",
            "Complaints received in the month raising each KO41a subject (a complaint "
            "counts once against every subject it raises)",
            "count",
            "neither",
        ),
    )
}

# The measure the board's SPC chart shows.
TIMELINESS = "responded_by_agreed_date"


@dataclass
class Row:
    key: Any
    label: str
    cells: list[Cell]


@dataclass
class MeasureTable:
    measure: Measure
    breakdown: str
    months: list[Date]
    rows: list[Row] = field(default_factory=list)


# From the roll-up (rollup.py) ------------------------------------------------

_CELL_GROUP: dict[str, str | None] = {
    "none": None,
    "service": "service_id",
    "site": "site_id",
    "subject": "subject_id",
}


def _cells_within(paths: Iterable[str]) -> Q:
    """Cells whose service, team or site lies within the paths (as `_within` for cases)."""
    ids = OrgUnit.objects.within(*paths).values("pk")
    return Q(service_id__in=ids) | Q(team_id__in=ids) | Q(site_id__in=ids)


def _group_key(breakdown: str, value: int | None) -> Any:
    """A roll-up cell's group as the cases' queries name it (None for no site or subject)."""
    if breakdown == "site" and value == 0:
        return None
    if breakdown == "subject" and value == rollup.NO_SUBJECT:
        return None
    return value


def _cell_query(
    measure: str,
    first: Date,
    last: Date,
    breakdown: str,
    paths: tuple[str, ...] | None,
    unit: OrgUnit | None,
    *,
    by_subject: bool = False,
) -> QuerySet[MeasureCell]:
    """The roll-up's cells of one measure for the months, scope and breakdown."""
    cells = MeasureCell.objects.filter(measure=measure, month__range=(first, last))
    if by_subject:
        cells = cells.filter(subject_id__gt=0)
    elif breakdown == "subject":
        cells = cells.exclude(subject_id=rollup.ALL_SUBJECTS)
    else:
        cells = cells.filter(subject_id=rollup.ALL_SUBJECTS)
    if paths is not None and not covers_everything(paths):
        cells = cells.filter(_cells_within(paths))
    if unit is not None:
        cells = cells.filter(_cells_within([unit.path]))
    return cells.order_by()


def _rolled(
    measure: str,
    first: Date,
    last: Date,
    breakdown: str,
    paths: tuple[str, ...] | None,
    unit: OrgUnit | None,
    *,
    by_subject: bool = False,
) -> dict[Any, tuple[int, int]]:
    """{(group, month): (numerator, denominator)} summed from the roll-up's cells.

    `by_subject` (the themes) keys each group by subject as well: (group, subject),
    or the subject alone with no other breakdown.
    """
    cells = _cell_query(measure, first, last, breakdown, paths, unit, by_subject=by_subject)
    group = _CELL_GROUP[breakdown]
    values = ["month"] + ([group] if group else [])
    if by_subject and "subject_id" not in values:
        values.append("subject_id")
    rows = cells.values(*values).annotate(n=Sum("numerator"), d=Sum("denominator"))
    found: dict[Any, tuple[int, int]] = {}
    for row in rows:
        g = _group_key(breakdown, row[group]) if group else None
        if by_subject:
            key = (g, row["subject_id"]) if group and breakdown != "subject" else row["subject_id"]
        else:
            key = g
        found[(key, _as_date(row["month"]))] = (int(row["n"] or 0), int(row["d"] or 0))
    return found


def _rolled_median(
    first: Date,
    last: Date,
    breakdown: str,
    paths: tuple[str, ...] | None,
    unit: OrgUnit | None,
) -> dict[tuple[Any, Date], Cell]:
    """The median days to respond from the roll-up's histogram of days: exact, as
    PERCENTILE_CONT(0.5) (the middle value, or the mean of the middle two)."""
    group = _CELL_GROUP[breakdown]
    values = ["month", "days"] + ([group] if group else [])
    rows = (
        _cell_query("days", first, last, breakdown, paths, unit)
        .values(*values)
        .annotate(n=Sum("numerator"))
    )
    histograms: dict[tuple[Any, Date], dict[int, int]] = {}
    for row in rows:
        if row["n"]:
            g = _group_key(breakdown, row[group]) if group else None
            histograms.setdefault((g, _as_date(row["month"])), {})[row["days"]] = int(row["n"])
    found: dict[tuple[Any, Date], Cell] = {}
    for key, histogram in histograms.items():
        total = sum(histogram.values())
        middle = ((total - 1) // 2, total // 2)  # positions, counted from 0
        picked: list[int] = []
        seen = 0
        for days in sorted(histogram):
            seen += histogram[days]
            picked.extend(days for position in middle if seen > position >= seen - histogram[days])
        found[key] = Cell(round(sum(picked) / 2, 1), None, total)
    return found


def _combined(
    rolled: dict[Any, tuple[int, int]],
    live: dict[tuple[Any, Date], Cell] | None = None,
    *,
    share: bool,
) -> dict[tuple[Any, Date], Cell]:
    """The roll-up's counts plus those counted live from the cases, as cells."""
    totals = {key: list(counts) for key, counts in rolled.items()}
    for key, cell in (live or {}).items():
        found = totals.setdefault(key, [0, 0])
        found[0] += cell.numerator or 0
        found[1] += cell.denominator or 0
    if share:
        return {key: _share(n, d) for key, (n, d) in totals.items()}
    return {key: Cell(float(n), n) for key, (n, _d) in totals.items()}


def _from_rollup(
    key: str,
    cases: QuerySet[Complaint],
    months: list[Date],
    today: Date,
    breakdown: str,
    paths: tuple[str, ...] | None,
    unit: OrgUnit | None,
) -> dict[tuple[Any, Date], Cell]:
    first, last = months[0], month_end(months[-1])

    def rolled(measure: str, *, by_subject: bool = False) -> dict[Any, tuple[int, int]]:
        return _rolled(measure, first, last, breakdown, paths, unit, by_subject=by_subject)

    if key == "acknowledged_on_time":
        live = _acknowledged_on_time(cases.filter(rollup.LIVE_ACK), first, last, today, breakdown)
        return _combined(rolled("ack"), live, share=True)
    if key == "responded_by_agreed_date":
        unanswered = cases.filter(rollup.LIVE_RESPONSE)
        live = _responded_by_agreed_date(unanswered, first, last, today, breakdown)
        return _combined(rolled("resp"), live, share=True)
    if key == "overdue_open":
        live = _overdue_open(cases.filter(rollup.LIVE_OVERDUE), months, today, breakdown)
        return _combined(rolled("overdue"), live, share=False)
    if key == "reopened":
        return _combined(rolled("reopened"), share=False)
    if key == "phso_referrals":
        return _combined(rolled("phso"), share=False)
    if key == "themes":
        return _combined(rolled("received", by_subject=True), share=False)
    if key == "median_days_to_respond":
        return _rolled_median(first, last, breakdown, paths, unit)
    raise KeyError(f"{key!r} is not rolled up")


def compute_cells(
    key: str,
    *,
    start: Date,
    end: Date,
    breakdown: str = "none",
    paths: tuple[str, ...] | None = None,
    unit: OrgUnit | None = None,
    today: Date | None = None,
    from_cases: bool = False,
) -> tuple[list[Date], dict[tuple[Any, Date], Cell]]:
    """The months and {(group key, month): Cell} for one measure.

    From the roll-up, plus what is still moving counted from the cases; with
    `from_cases`, wholly from the cases (what `rollup.check` compares against).
    """
    if key not in MEASURES:
        raise KeyError(f"no complaints measure {key!r}")
    if breakdown not in BREAKDOWNS:
        raise ValueError(f"unknown breakdown {breakdown!r}")
    today = today or timezone.localdate()
    months = months_between(start, end)
    if not months:
        return [], {}
    cases = regulated_cases(paths=paths, unit=unit)
    if not from_cases:
        return months, _from_rollup(key, cases, months, today, breakdown, paths, unit)
    if key == "overdue_open":
        return months, _overdue_open(cases, months, today, breakdown)
    return months, _COMPUTE[key](cases, months[0], month_end(months[-1]), today, breakdown)


def _labels(breakdown: str, keys: set[Any]) -> dict[Any, str]:
    ids = {k for k in keys if k is not None}
    if breakdown in ("service", "site"):
        found = dict(OrgUnit.objects.filter(pk__in=ids).values_list("pk", "name"))
        missing = "No site recorded" if breakdown == "site" else "No service"
        return {k: found.get(k, missing) if k is not None else missing for k in keys}
    if breakdown == "subject":
        found = dict(ReferenceItem.objects.filter(pk__in=ids).values_list("pk", "label"))
        return {k: found.get(k, "No subject") for k in keys}
    return {None: "All complaints"}


def measure_table(
    key: str,
    *,
    start: Date,
    end: Date,
    breakdown: str = "none",
    paths: tuple[str, ...] | None = None,
    unit: OrgUnit | None = None,
    today: Date | None = None,
    from_cases: bool = False,
) -> MeasureTable:
    """A measure as a table: one row per group, one cell per month."""
    measure = MEASURES[key]
    months, cells = compute_cells(
        key,
        start=start,
        end=end,
        breakdown=breakdown,
        paths=paths,
        unit=unit,
        today=today,
        from_cases=from_cases,
    )
    table = MeasureTable(measure=measure, breakdown=breakdown, months=months)
    row_keys = {k for k, _ in cells}
    if key == "themes":
        subject_ids = {k[1] if isinstance(k, tuple) else k for k in row_keys}
        subjects = _labels("subject", subject_ids)
        groups = _labels(breakdown, {k[0] for k in row_keys if isinstance(k, tuple)})

        def label(k: Any) -> str:
            if isinstance(k, tuple):
                return f"{groups[k[0]]}: {subjects[k[1]]}"
            return subjects[k]
    else:
        if breakdown == "none":
            row_keys = {None}
        names = _labels(breakdown, row_keys)

        def label(k: Any) -> str:
            return names[k]

    empty = Cell(0.0, 0) if measure.unit == "count" else Cell(None)
    for k in sorted(row_keys, key=lambda k: label(k).lower()):
        table.rows.append(Row(k, label(k), [cells.get((k, m), empty) for m in months]))
    return table


def monthly_series(
    key: str,
    start: Date,
    end: Date,
    unit: OrgUnit | None = None,
    *,
    paths: tuple[str, ...] | None = None,
    today: Date | None = None,
) -> list[tuple[Date, float | None]]:
    """The trust-wide (or unit) monthly values: what the SPC chart and IPR plot."""
    if key == "themes":
        raise ValueError("themes has one series per subject, not one monthly value")
    months, cells = compute_cells(key, start=start, end=end, unit=unit, paths=paths, today=today)
    empty = 0.0 if MEASURES[key].unit == "count" else None
    return [(m, cells[(None, m)].value if (None, m) in cells else empty) for m in months]


# Metric sources for the SPC / IPR module -----------------------------------


def acknowledged_on_time(
    start: Date, end: Date, unit: OrgUnit | None
) -> list[tuple[Date, float | None]]:
    return monthly_series("acknowledged_on_time", start, end, unit)


def responded_by_agreed_date(
    start: Date, end: Date, unit: OrgUnit | None
) -> list[tuple[Date, float | None]]:
    return monthly_series("responded_by_agreed_date", start, end, unit)


def overdue_open(start: Date, end: Date, unit: OrgUnit | None) -> list[tuple[Date, float | None]]:
    return monthly_series("overdue_open", start, end, unit)


def median_days_to_respond(
    start: Date, end: Date, unit: OrgUnit | None
) -> list[tuple[Date, float | None]]:
    return monthly_series("median_days_to_respond", start, end, unit)


def reopened(start: Date, end: Date, unit: OrgUnit | None) -> list[tuple[Date, float | None]]:
    return monthly_series("reopened", start, end, unit)


def phso_referrals(start: Date, end: Date, unit: OrgUnit | None) -> list[tuple[Date, float | None]]:
    return monthly_series("phso_referrals", start, end, unit)


def complaints_received(
    start: Date, end: Date, unit: OrgUnit | None
) -> list[tuple[Date, float | None]]:
    """Formal complaints received per month (the themes' total, each complaint once)."""
    found = _rolled("received", month_start(start), month_end(end), "none", None, unit)
    return [(m, float(found.get((None, m), (0, 0))[0])) for m in months_between(start, end)]


_SOURCE_FUNCTIONS = {
    "acknowledged_on_time": acknowledged_on_time,
    "responded_by_agreed_date": responded_by_agreed_date,
    "overdue_open": overdue_open,
    "median_days_to_respond": median_days_to_respond,
    "reopened": reopened,
    "phso_referrals": phso_referrals,
}


def register_metric_sources() -> None:
    """Register each monthly measure with the reports app (called from ready())."""
    for key, function in _SOURCE_FUNCTIONS.items():
        measure = MEASURES[key]
        register_source(
            MetricSource(
                key=f"complaints.{key}",
                title=measure.title,
                definition=measure.definition,
                unit=measure.unit,
                improvement=measure.improvement,
                frequency="monthly",
                domain="well-led",
                compute=function,
            )
        )
    register_source(
        MetricSource(
            key="complaints.received",
            title="Complaints received",
            definition="Formal complaints under the Regulations received in the month",
            unit="count",
            improvement="neither",
            frequency="monthly",
            domain="well-led",
            compute=complaints_received,
        )
    )
