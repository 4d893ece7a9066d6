"""The demo trust's Integrated Performance Report: about 25 metrics over 36 months.

Every metric is written through the actions. The series are made from the seed
with patterns a board meets in practice: stable processes, a step change after a
new pathway (with a recalculation asked for by the governance lead and approved
by an executive), slow drifts, a winter spike, targets met, missed and at random.
One metric is real: NHS England's A&E four-hour performance for one acute trust,
from `data/ae_attendances_rqm.csv` (see `data/SOURCE.md`). Measures that modules
register (`sources.py`) are added as computed metrics.
"""

from __future__ import annotations

import csv
import datetime
import math
import random
from dataclasses import dataclass
from pathlib import Path

from dateutil.relativedelta import relativedelta
from django.contrib.auth.models import User
from django.db import transaction

from wellled.organisation.demo import DemoResult
from wellled.organisation.models import OrgUnit, UnitKind
from wellled.reports import actions, sources
from wellled.reports.charting import chart_for_metric
from wellled.reports.importing import RawRow
from wellled.reports.models import Metric, SourceKind
from wellled.reports.periods import next_period, periods_back
from wellled.reports.queries import last_month

DATA_DIR = Path(__file__).resolve().parent / "data"
MONTHS = 36


@dataclass(frozen=True)
class Spec:
    name: str
    domain: str
    unit: str
    improvement: str
    level: float
    noise: float
    owner: str
    definition: str
    target: float | None = None
    # "stable", "step" (change by `change` at `at`), "drift" (by `change` over the series),
    # "spike" (winter months up by `change`).
    pattern: str = "stable"
    change: float = 0.0
    at: int = 0
    service: bool = False  # about one service rather than the whole trust
    decimals: int = 1
    low: float = 0.0
    high: float | None = None
    note: str = ""  # an annotation at the step


SPECS: tuple[Spec, ...] = (
    Spec(
        "Complaints acknowledged within 3 working days",
        "responsive",
        "%",
        "increase",
        91,
        2.5,
        "complaints.manager",
        "Complaints acknowledged within 3 working days of "
        "receipt ÷ complaints received, by month of receipt.",
        target=95,
        pattern="step",
        change=5,
        at=22,
        high=100,
        note="New complaints system: letters sent on the day",
    ),
    Spec(
        "Complaints answered by the agreed date",
        "responsive",
        "%",
        "increase",
        72,
        5,
        "complaints.manager",
        "Responses sent on or before the date agreed with the "
        "complainant ÷ responses due in the month.",
        target=80,
        pattern="drift",
        change=8,
        high=100,
    ),
    Spec(
        "Complaints received",
        "caring",
        "count",
        "neither",
        38,
        6,
        "complaints.manager",
        "Formal complaints received in the month (KO41a).",
        decimals=0,
    ),
    Spec(
        "Compliments received",
        "caring",
        "count",
        "increase",
        120,
        14,
        "involvement",
        "Compliments logged by teams in the month.",
        decimals=0,
    ),
    Spec(
        "Friends and Family Test: good or very good",
        "caring",
        "%",
        "increase",
        93,
        0.8,
        "involvement",
        "FFT responses rating the service good or very good ÷ all FFT responses.",
        target=90,
        high=100,
    ),
    Spec(
        "Patient safety incidents reported",
        "safe",
        "count",
        "neither",
        410,
        30,
        "governance",
        "Patient safety incidents reported on the incident system in the "
        "month (a high reporting rate is a sign of a safety culture).",
        pattern="drift",
        change=60,
        decimals=0,
    ),
    Spec(
        "Incidents causing moderate or greater harm",
        "safe",
        "count",
        "decrease",
        14,
        2.5,
        "executive",
        "Patient safety incidents graded moderate, severe or death after "
        "review, by month of the incident.",
        pattern="step",
        change=7,
        at=29,
        decimals=0,
        note="Electronic patient record migration",
    ),
    Spec(
        "Restrictive interventions",
        "safe",
        "count",
        "decrease",
        62,
        5,
        "executive",
        "Physical, chemical and mechanical restraint and seclusion episodes on inpatient wards.",
        pattern="step",
        change=-14,
        at=24,
        decimals=0,
        service=True,
        note="Safewards rolled out",
    ),
    Spec(
        "Falls per 1,000 occupied bed days",
        "safe",
        "per 1,000 bed days",
        "decrease",
        5.2,
        0.8,
        "executive",
        "Inpatient falls per 1,000 occupied bed days (falls ÷ occupied bed days, times 1,000).",
        target=6,
        decimals=2,
    ),
    Spec(
        "Pressure ulcers acquired in our care",
        "safe",
        "count",
        "decrease",
        9,
        2.5,
        "executive",
        "Category 2 and above pressure ulcers that developed in the trust's care.",
        decimals=0,
    ),
    Spec(
        "Safe staffing fill rate (registered nurses)",
        "safe",
        "%",
        "increase",
        96,
        2.2,
        "executive",
        "Registered nurse hours worked ÷ hours planned, day and night shifts.",
        target=95,
        pattern="spike",
        change=-4,
        high=110,
    ),
    Spec(
        "Referral to treatment within 18 weeks",
        "responsive",
        "%",
        "increase",
        84,
        2,
        "service.lead",
        "Patients on the waiting list waiting under 18 weeks ÷ all patients waiting at month end.",
        target=92,
        pattern="drift",
        change=-10,
        service=True,
        high=100,
    ),
    Spec(
        "Crisis referrals seen within 4 hours",
        "responsive",
        "%",
        "increase",
        78,
        2.5,
        "service.lead",
        "Urgent crisis referrals seen face to face within 4 hours ÷ urgent crisis referrals.",
        target=75,
        pattern="step",
        change=9,
        at=20,
        service=True,
        high=100,
        note="Crisis line extended to 24 hours",
    ),
    Spec(
        "Follow-up within 72 hours of discharge",
        "effective",
        "%",
        "increase",
        86,
        1.5,
        "executive",
        "Adults discharged from inpatient care followed up within 72 hours ÷ "
        "discharges (NHS Oversight Framework).",
        target=80,
        high=100,
    ),
    Spec(
        "Clinical audits completed on time",
        "effective",
        "%",
        "increase",
        71,
        6,
        "governance",
        "Clinical audits on the annual plan completed by their due date ÷ audits due.",
        target=85,
        pattern="drift",
        change=10,
        high=100,
    ),
    Spec(
        "NICE guidance assessed within 90 days",
        "effective",
        "%",
        "increase",
        88,
        5,
        "governance",
        "NICE guidance assessed for relevance within 90 days of publication ÷ guidance published.",
        target=90,
        high=100,
    ),
    Spec(
        "Staff sickness absence",
        "people",
        "%",
        "decrease",
        5.1,
        0.35,
        "edi",
        "Days lost to sickness ÷ days available.",
        target=4.5,
        pattern="spike",
        change=0.8,
        decimals=2,
    ),
    Spec(
        "Staff turnover (12-month rolling)",
        "people",
        "%",
        "decrease",
        13.5,
        0.4,
        "edi",
        "Leavers in the last 12 months ÷ average headcount.",
        target=12,
        pattern="drift",
        change=-2.2,
        decimals=2,
    ),
    Spec(
        "Vacancy rate",
        "people",
        "%",
        "decrease",
        9.5,
        0.8,
        "edi",
        "Vacant funded posts ÷ funded establishment.",
        target=8,
        pattern="step",
        change=-2.5,
        at=18,
        decimals=2,
        note="International recruitment cohort starts",
    ),
    Spec(
        "Mandatory training compliance",
        "people",
        "%",
        "increase",
        89,
        1.5,
        "governance",
        "Staff up to date with every mandatory course ÷ staff in post.",
        target=90,
        high=100,
    ),
    Spec(
        "Appraisals completed",
        "people",
        "%",
        "increase",
        78,
        4,
        "edi",
        "Staff with an appraisal in the last 12 months ÷ eligible staff.",
        target=85,
        high=100,
    ),
    Spec(
        "Speaking up: concerns raised with the guardian",
        "well-led",
        "count",
        "neither",
        11,
        2,
        "guardian",
        "Concerns raised with the Freedom to Speak Up guardians in the month.",
        pattern="step",
        change=8,
        at=26,
        decimals=0,
        note="Second guardian appointed; speak-up month campaign",
    ),
    Spec(
        "Actions from serious incident reviews closed on time",
        "well-led",
        "%",
        "increase",
        64,
        7,
        "governance",
        "Actions closed by their due date ÷ actions due.",
        target=90,
        high=100,
    ),
    Spec(
        "Agency spend as a share of pay bill",
        "finance",
        "%",
        "decrease",
        6.2,
        0.5,
        "executive",
        "Agency staff costs ÷ total pay costs.",
        target=3.7,
        pattern="drift",
        change=-1.5,
        decimals=2,
    ),
)

# Made-up series that a module's own measure replaces when it is registered: the demo
# then shows the real computed figures instead of a second, invented, copy.
REPLACED_BY: dict[str, str] = {
    "Complaints acknowledged within 3 working days": "complaints.acknowledged_on_time",
    "Complaints answered by the agreed date": "complaints.responded_by_agreed_date",
    "Complaints received": "complaints.received",
    "Speaking up: concerns raised with the guardian": "speakup.concerns_raised",
}

# Measures computed from the modules that the board follows closely: their owner and
# the trust's own target. No national target exists for either; these are the demo
# trust's, set by its board after the 2025 inspection (the must-do on complaints
# answered on time, and the promise to close its actions on time).
REGISTERED_OWNERS: dict[str, tuple[str, float | None]] = {
    "complaints.responded_by_agreed_date": ("complaints.manager", 80.0),
    "improvement.closed_on_time": ("governance", 80.0),
    # The demo payment policy's target (wellled/involvement/demo.py).
    "involvement.payment_days": ("involvement", 10.0),
}

_SO_WHAT = {
    "improvement": "The change is real, not noise: the process now performs differently.",
    "concern": "The change is real, not noise: something in the process has changed for "
    "the worse and needs understanding.",
    "common": "Month-to-month movement is within the process's normal variation: reacting "
    "to single months would be tampering.",
    "neither": "The change is real; it is neither better nor worse in itself but needs explaining.",
}
_WHAT_NEXT = {
    "improvement": "Keep the changes that worked and write them into the standard operating "
    "procedure; review at the quality committee.",
    "concern": "The owner is reviewing causes with the teams and will bring an improvement "
    "plan to next month's committee.",
    "common": "If the level is not good enough, the process itself must change: a quality "
    "improvement project is being scoped.",
    "neither": "The team will explain the change at the next performance review.",
}


def _series(spec: Spec, rng: random.Random, count: int) -> list[float]:
    values = []
    for i in range(count):
        level = spec.level
        if spec.pattern == "step" and i >= spec.at:
            level += spec.change
        elif spec.pattern == "drift":
            level += spec.change * i / (count - 1)
        value = level + rng.gauss(0, spec.noise)
        if spec.pattern == "spike":
            value += spec.change * max(0.0, math.cos((i % 12 - 1) / 12 * 2 * math.pi)) ** 3
        value = max(spec.low, value)
        if spec.high is not None:
            value = min(spec.high, value)
        values.append(round(value, spec.decimals))
    return values


def _rows(periods: list[datetime.date], values: list[float]) -> list[RawRow]:
    return [
        RawRow(number=i + 1, metric=None, period=p.isoformat(), value=v)
        for i, (p, v) in enumerate(zip(periods, values, strict=True))
    ]


def _ae_rows() -> list[RawRow]:
    """Type 1 four-hour performance from the A&E file, one row per month."""
    rows = []
    with (DATA_DIR / "ae_attendances_rqm.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["type"] != "1":
                continue
            attendances, breaches = int(row["attendances"]), int(row["breaches"])
            rows.append((row["period"], round(100 * (1 - breaches / attendances), 2)))
    rows.sort()
    return [RawRow(number=i + 1, metric=None, period=p, value=v) for i, (p, v) in enumerate(rows)]


def _kind(variation: str) -> str:
    if variation.startswith("improvement"):
        return "improvement"
    if variation.startswith("concern"):
        return "concern"
    if variation.startswith("neither"):
        return "neither"
    return "common"


def _against_target(metric: Metric, assurance: str) -> str:
    """What the target says of this metric, in the owner's words for the board."""
    if metric.target is None:
        return f"{metric.name} has no target yet: the owner will propose one to the board."
    target = f"{metric.target:g}{metric.unit if metric.unit == '%' else ' ' + metric.unit}"
    return {
        "pass": f"Against its target of {target} it consistently meets it: assured.",
        "fail": f"Against its target of {target} it will keep missing it unless the "
        "process changes.",
        "hit_or_miss": f"Against its target of {target} it hits and misses at random: not assured.",
    }.get(assurance, f"Its target is {target}; there are not yet enough points to say more.")


def _narrate(metric: Metric, author: User, month: datetime.date) -> None:
    chart = chart_for_metric(metric, up_to=month)
    if not chart.periods or all(v is None for v in chart.values):
        return
    kind = _kind(chart.variation)
    owner = author.get_full_name() or author.get_username()
    review = month + relativedelta(months=2)
    actions.write_narrative(
        acting_user=author,
        metric=metric,
        month=month,
        what=chart.description,
        so_what=f"{_SO_WHAT[kind]} {_against_target(metric, chart.assurance)}",
        what_next=f"{_WHAT_NEXT[kind]} {owner} reports back on {metric.name.lower()} "
        f"with the {review:%B %Y} figures.",
    )


@transaction.atomic
def load_demo(result: DemoResult, *, seed: int) -> str:
    rng = random.Random(f"reports-{seed}")  # which narratives are left undone
    users = result.users
    governance = users["governance"]
    executive = users["executive"]
    services = list(
        OrgUnit.objects.filter(path__startswith=result.trust.path, kind=UnitKind.SERVICE)
        .active()
        .order_by("name")
    )
    end = last_month()
    start = periods_back(end, "monthly", MONTHS)
    periods = [start]
    while len(periods) < MONTHS:
        periods.append(next_period(periods[-1], "monthly"))

    registered_keys = {source.key for source in sources.all_sources()}
    metrics: list[Metric] = []
    by_name: dict[str, Metric] = {}
    written = 0
    for index, spec in enumerate(SPECS):
        if REPLACED_BY.get(spec.name) in registered_keys:
            continue
        service = services[index % len(services)] if spec.service and services else None
        name = f"{spec.name}: {service.name}" if service else spec.name
        metric = actions.create_metric(
            acting_user=governance,
            name=name,
            definition=spec.definition,
            owner=users.get(spec.owner, governance),
            unit=spec.unit,
            improvement=spec.improvement,
            frequency="monthly",
            domain=spec.domain,
            target=spec.target,
            target_from=periods[12] if spec.target is not None and index % 5 == 0 else None,
            service=service,
        )
        values = _series(spec, random.Random(f"reports-{seed}-{spec.name}"), MONTHS)
        actions.import_metric_values(
            acting_user=governance, rows=_rows(periods, values), metric=metric
        )
        written += len(values)
        metrics.append(metric)
        by_name[spec.name] = metric
        if spec.note:
            actions.add_annotation(
                acting_user=governance, metric=metric, period=periods[spec.at], text=spec.note
            )

    # A recalculation at a real change in the process, asked for and approved.
    crisis = next(spec for spec in SPECS if spec.name.startswith("Crisis referrals"))
    rebase = actions.request_rebase(
        acting_user=governance,
        metric=by_name[crisis.name],
        period=periods[crisis.at],
        reason="The crisis line now answers 24 hours a day and the home treatment team "
        "takes referrals directly: the process changed this month.",
    )
    actions.approve_rebase(acting_user=executive, rebase=rebase)
    # One awaiting the executive's approval, for "my work".
    restrictive = next(spec for spec in SPECS if spec.name.startswith("Restrictive"))
    actions.request_rebase(
        acting_user=governance,
        metric=by_name[restrictive.name],
        period=periods[restrictive.at],
        reason="Safewards model rolled out on every ward this month.",
    )
    actions.add_annotation(
        acting_user=governance,
        metric=by_name["Safe staffing fill rate (registered nurses)"],
        period=periods[MONTHS - 11],
        text="Winter pressures: wards opened escalation beds",
    )

    # The real chart: NHS England A&E data for one acute trust.
    ae = actions.create_metric(
        acting_user=governance,
        name="A&E four-hour performance (type 1): Chelsea and Westminster (NHS England data)",
        slug="ae-four-hour-performance-rqm",
        definition="Attendances at the major (type 1) A&E departments of Chelsea and "
        "Westminster Hospital NHS Foundation Trust (RQM) seen within four hours ÷ all "
        "type 1 attendances, April 2016 to March 2019. Published by NHS England (A&E "
        "Attendances and Emergency Admissions, Open Government Licence v3.0) and shown "
        "here as a reference chart of real data.",
        owner=executive,
        unit="%",
        improvement="increase",
        frequency="monthly",
        domain="responsive",
        target=95,
    )
    ae_rows = _ae_rows()
    actions.import_metric_values(acting_user=governance, rows=ae_rows, metric=ae)
    written += len(ae_rows)
    metrics.append(ae)

    registered = 0
    for source in sources.all_sources():
        if Metric.objects.filter(source_kind=SourceKind.REGISTERED, source_key=source.key).exists():
            continue
        owner_name, target = REGISTERED_OWNERS.get(source.key, ("governance", None))
        computed = actions.create_metric(
            acting_user=governance,
            name=source.title,
            definition=source.definition,
            owner=users.get(owner_name, governance),
            unit=source.unit,
            improvement=source.improvement,
            frequency=source.frequency,
            domain=source.domain,
            source_kind=SourceKind.REGISTERED,
            source_key=source.key,
            target=target,
        )
        registered += 1
        if source.key in REGISTERED_OWNERS:
            metrics.append(computed)

    # Last month's narratives from most owners; a few left for "my work".
    narrated = 0
    for metric in metrics:
        if metric is ae or rng.random() < 0.2:
            continue
        _narrate(metric, metric.owner, end)
        narrated += 1
    actions.write_narrative(
        acting_user=executive,
        metric=ae,
        month=end,
        what=chart_for_metric(ae).description,
        so_what="A published series shown for reference: the winter of 2016/17 is special "
        "cause concern, and the recovery from early 2018 is special cause improvement, yet "
        "the 95% standard stays inside the limits, so it will be hit and missed at random.",
        what_next="No action: this chart is here to show how the board reads real data.",
    )
    narrated += 1
    return (
        f"Reports: {len(metrics) + registered} metrics ({registered} computed by modules), "
        f"{written} monthly values, {narrated} narratives"
    )
