"""Every write of the reports app: the catalogue, series, annotations, rebases,
narratives and board packs (requesting one, and the job's progress on it).

Who may do what is in access.py.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Sequence
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from wellled.core import audit
from wellled.core.actions import start_job
from wellled.core.models import Job
from wellled.core.types import Actor
from wellled.engines.spc import UnknownProfileError, get_profile
from wellled.organisation.access import Cap
from wellled.organisation.models import OrgUnit, UnitKind
from wellled.reports import sources
from wellled.reports.access import (
    can_approve_rebases,
    can_manage,
    can_request_board_packs,
    can_write_narrative,
    require_system_or,
)
from wellled.reports.importing import Checked, RawRow, check_rows
from wellled.reports.models import (
    Annotation,
    BoardPack,
    Domain,
    Frequency,
    Improvement,
    Metric,
    MetricValue,
    Narrative,
    Rebase,
    SourceKind,
)
from wellled.reports.periods import is_period_start, noun, period_start

IMPORT_JOB_KIND = "reports.import_values"
BOARD_PACK_JOB_KIND = "reports.board_pack"

METRIC_FIELDS = (
    "name",
    "slug",
    "definition",
    "owner",
    "unit",
    "improvement",
    "target",
    "target_from",
    "target_to",
    "frequency",
    "profile",
    "domain",
    "service",
    "source_kind",
    "source_key",
    "baseline_points",
    "is_active",
)


def _snapshot(metric: Metric) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name in METRIC_FIELDS:
        value = getattr(metric, name + "_id" if name in ("owner", "service") else name)
        data[name] = value.isoformat() if isinstance(value, datetime.date) else value
    return data


def _check_words(metric: Metric) -> dict[str, str]:
    """The text and the choices every metric needs."""
    errors: dict[str, str] = {}
    if not metric.name.strip():
        errors["name"] = "Enter the metric's name"
    if not metric.definition.strip():
        errors["definition"] = "Enter how the metric is defined (numerator, denominator, source)"
    if not metric.unit.strip():
        errors["unit"] = 'Enter the unit, such as "%", "count" or "days"'
    if metric.improvement not in Improvement.values:
        errors["improvement"] = "Choose whether higher or lower is better, or neither"
    if metric.frequency not in Frequency.values:
        errors["frequency"] = "Choose weekly or monthly"
    if metric.domain not in Domain.values:
        errors["domain"] = "Choose the report section (domain)"
    return errors


def _check_profile(metric: Metric) -> dict[str, str]:
    """The SPC profile exists, and a baseline is long enough for it."""
    try:
        profile = get_profile(metric.profile)
    except UnknownProfileError as exc:
        return {"profile": str(exc)[0].upper() + str(exc)[1:]}
    if metric.baseline_points and metric.baseline_points < profile.baseline_min_points:
        return {
            "baseline_points": f"Under the {profile.name} profile a baseline needs at least "
            f"{profile.baseline_min_points} points (or leave it empty)"
        }
    return {}


def _check_target(metric: Metric) -> dict[str, str]:
    errors: dict[str, str] = {}
    if metric.target is not None and metric.improvement == Improvement.NEITHER:
        errors["target"] = (
            "A metric where neither direction is better cannot have a target: "
            "choose higher or lower is better, or remove the target"
        )
    if (
        metric.target_from is not None
        and metric.target_to is not None
        and metric.target_to < metric.target_from
    ):
        errors["target_to"] = "The target's end date must be on or after its start date"
    if metric.target is None and (metric.target_from or metric.target_to):
        errors["target"] = "Enter the target, or remove its dates"
    return errors


def _check_source(metric: Metric) -> dict[str, str]:
    """A computed metric names a source of the same frequency; an imported one none."""
    if metric.source_kind == SourceKind.IMPORTED:
        metric.source_key = ""
        return {}
    if metric.source_kind != SourceKind.REGISTERED:
        return {"source_kind": "Choose whether wellled computes the values or they are imported"}
    try:
        source = sources.get_source(metric.source_key)
    except KeyError:
        return {"source_key": f"No module provides a measure called '{metric.source_key}'"}
    if source.frequency != metric.frequency:
        return {
            "frequency": f"{source.title} is measured {source.frequency}: "
            f"the metric must be {source.frequency} too"
        }
    return {}


def _check_metric(metric: Metric) -> None:
    """Every rule a metric must keep, all refusals at once (by field)."""
    errors = _check_words(metric)
    errors.update(_check_profile(metric))
    errors.update(_check_target(metric))
    if metric.baseline_points is not None and metric.baseline_points < 2:
        errors["baseline_points"] = "A baseline needs at least 2 points (or leave it empty)"
    if metric.service is not None and metric.service.kind not in (
        UnitKind.SERVICE,
        UnitKind.CARE_GROUP,
        UnitKind.TEAM,
        UnitKind.SITE,
    ):
        errors["service"] = "Choose a service, care group, site or team, or the whole trust"
    errors.update(_check_source(metric))
    if not metric.slug:
        errors.setdefault("name", "The name must contain letters or digits")
    elif Metric.objects.filter(slug=metric.slug).exclude(pk=metric.pk).exists():
        errors["slug"] = f"Another metric already has the short name '{metric.slug}'"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_metric(
    *,
    acting_user: Actor,
    name: str,
    definition: str,
    owner: User,
    unit: str,
    improvement: str,
    frequency: str,
    domain: str,
    source_kind: str = SourceKind.IMPORTED,
    source_key: str = "",
    profile: str = "mdc_excel_v5",
    target: float | None = None,
    target_from: datetime.date | None = None,
    target_to: datetime.date | None = None,
    service: OrgUnit | None = None,
    baseline_points: int | None = None,
    slug: str = "",
) -> Metric:
    require_system_or(acting_user, Cap.MANAGE_METRICS, service)
    metric = Metric(
        name=" ".join(name.split()),
        slug=slugify(slug or name)[:100],
        definition=definition.strip(),
        owner=owner,
        unit=unit.strip(),
        improvement=improvement,
        frequency=frequency,
        domain=domain,
        source_kind=source_kind,
        source_key=source_key.strip(),
        profile=profile,
        target=target,
        target_from=target_from,
        target_to=target_to,
        service=service,
        baseline_points=baseline_points,
    )
    _check_metric(metric)
    metric.save()
    audit.record(
        acting_user=acting_user,
        action="reports.metric_created",
        obj=metric,
        after=_snapshot(metric),
    )
    return metric


@transaction.atomic
def update_metric(*, acting_user: Actor, metric: Metric, **changes: Any) -> Metric:
    """Change any of METRIC_FIELDS except the source, which a metric keeps for life."""
    unknown = set(changes) - set(METRIC_FIELDS)
    if unknown:
        raise TypeError(f"update_metric() cannot change {', '.join(sorted(unknown))}")
    metric = Metric.objects.select_for_update().get(pk=metric.pk)
    require_system_or(acting_user, Cap.MANAGE_METRICS, metric.service)
    before = _snapshot(metric)
    if "source_kind" in changes and changes["source_kind"] != metric.source_kind:
        raise ValidationError(
            {"source_kind": "A metric's source cannot change: add a new metric instead"}
        )
    for name, value in changes.items():
        if isinstance(value, str) and name not in ("definition",):
            value = " ".join(value.split()) if name == "name" else value.strip()
        setattr(metric, name, value)
    if "slug" in changes:
        metric.slug = slugify(metric.slug)[:100]
    if "service" in changes and acting_user is not None:
        require_system_or(acting_user, Cap.MANAGE_METRICS, metric.service)
    _check_metric(metric)
    metric.save()
    after = _snapshot(metric)
    audit.record(
        acting_user=acting_user,
        action="reports.metric_updated",
        obj=metric,
        before={k: v for k, v in before.items() if after[k] != v},
        after={k: v for k, v in after.items() if before[k] != v},
    )
    return metric


@transaction.atomic
def import_metric_values(
    *, acting_user: Actor, rows: Sequence[RawRow], metric: Metric | None = None
) -> Checked:
    """Check every row, then write them all, or nothing with every problem listed.

    Raises ValidationError({"rows": ["Row 3: ...", ...]}). A period that already
    has a value gets the new one.
    """
    require_system_or(acting_user, Cap.MANAGE_METRICS)
    if not rows:
        raise ValidationError({"rows": "There are no rows to import"})
    checked = check_rows(list(rows), metric=metric)
    if acting_user is not None:
        for target in checked.values:
            if not can_manage(acting_user, target):
                raise PermissionDenied
    if checked.errors:
        raise ValidationError({"rows": [str(e) for e in checked.errors]})
    for target, values in checked.values.items():
        existing = {
            v.period: v for v in MetricValue.objects.filter(metric=target, period__in=list(values))
        }
        changed = []
        new = []
        for period, value in values.items():
            row = existing.get(period)
            if row is None:
                new.append(MetricValue(metric=target, period=period, value=value))
            elif row.value != value:
                row.value = value
                changed.append(row)
        MetricValue.objects.bulk_create(new)
        MetricValue.objects.bulk_update(changed, ["value"])
        periods = sorted(values)
        audit.record(
            acting_user=acting_user,
            action="reports.values_imported",
            obj=target,
            after={
                "added": len(new),
                "changed": len(changed),
                "first": periods[0].isoformat(),
                "last": periods[-1].isoformat(),
            },
        )
    return checked


@transaction.atomic
def start_values_import(*, acting_user: User, text: str, metric: Metric | None = None) -> Job:
    """Queue a CSV import as a background job (the page has checked the file's header)."""
    if not can_manage(acting_user, metric):
        raise PermissionDenied
    title = f"Import values for {metric.name}" if metric else "Import metric values"
    return start_job(
        acting_user=acting_user,
        kind=IMPORT_JOB_KIND,
        title=title,
        payload={"text": text, "metric_id": metric.pk if metric else None},
    )


def _check_period(metric: Metric, period: datetime.date, field: str) -> None:
    if not is_period_start(period, metric.frequency):
        start = period_start(period, metric.frequency)
        raise ValidationError(
            {
                field: f"{metric.name} is {metric.get_frequency_display().lower()}: "
                f"choose the start of a {noun(metric.frequency)}, such as {start:%-d %B %Y}"
            }
        )


@transaction.atomic
def add_annotation(
    *, acting_user: User, metric: Metric, period: datetime.date, text: str
) -> Annotation:
    if not can_manage(acting_user, metric):
        raise PermissionDenied
    text = " ".join(text.split())
    if not text:
        raise ValidationError({"text": "Enter what happened"})
    if len(text) > 300:
        raise ValidationError({"text": "Keep the note to 300 characters or fewer"})
    _check_period(metric, period, "period")
    note = Annotation.objects.create(metric=metric, period=period, text=text, author=acting_user)
    audit.record(
        acting_user=acting_user,
        action="reports.annotation_added",
        obj=metric,
        after={"period": period.isoformat(), "text": text},
    )
    return note


@transaction.atomic
def request_rebase(
    *, acting_user: User, metric: Metric, period: datetime.date, reason: str
) -> Rebase:
    """Ask for the limits to be recalculated from a period. It counts once approved."""
    if not can_manage(acting_user, metric):
        raise PermissionDenied
    reason = reason.strip()
    if not reason:
        raise ValidationError(
            {
                "reason": "Enter the reason for recalculating the limits, "
                "such as the change to the process that happened then"
            }
        )
    _check_period(metric, period, "period")
    if Rebase.objects.filter(metric=metric, period=period).exists():
        raise ValidationError({"period": f"A recalculation from {period:%-d %B %Y} already exists"})
    rebase = Rebase.objects.create(
        metric=metric, period=period, reason=reason, requested_by=acting_user
    )
    audit.record(
        acting_user=acting_user,
        action="reports.rebase_requested",
        obj=metric,
        after={"period": period.isoformat(), "reason": reason},
    )
    return rebase


@transaction.atomic
def approve_rebase(*, acting_user: User, rebase: Rebase) -> Rebase:
    rebase = Rebase.objects.select_for_update().select_related("metric").get(pk=rebase.pk)
    if not can_approve_rebases(acting_user, rebase.metric):
        raise PermissionDenied
    if rebase.requested_by_id == acting_user.pk:
        raise ValidationError("You asked for this recalculation: someone else must approve it")
    if rebase.is_approved:
        raise ValidationError("This recalculation is already approved")
    rebase.approver = acting_user
    rebase.approved_at = timezone.now()
    rebase.save(update_fields=["approver", "approved_at"])
    audit.record(
        acting_user=acting_user,
        action="reports.rebase_approved",
        obj=rebase.metric,
        after={"period": rebase.period.isoformat()},
    )
    return rebase


@transaction.atomic
def write_narrative(
    *,
    acting_user: User,
    metric: Metric,
    month: datetime.date,
    what: str,
    so_what: str,
    what_next: str,
) -> Narrative:
    """Write (or rewrite) the month's what / so what / what next."""
    if not can_write_narrative(acting_user, metric):
        raise PermissionDenied
    errors = {}
    for name, text, message in (
        ("what", what, "Say what the chart shows"),
        ("so_what", so_what, "Say what it means for patients, staff or the trust"),
        ("what_next", what_next, "Say what is being done next, by whom"),
    ):
        if not text.strip():
            errors[name] = message
    if month.day != 1:
        errors["month"] = "Choose a month"
    if errors:
        raise ValidationError(errors)
    narrative = Narrative.objects.filter(metric=metric, month=month).first()
    before = None
    if narrative is None:
        narrative = Narrative(metric=metric, month=month)
    else:
        before = {"what": narrative.what, "so_what": narrative.so_what}
    narrative.what = what.strip()
    narrative.so_what = so_what.strip()
    narrative.what_next = what_next.strip()
    narrative.author = acting_user
    narrative.save()
    audit.record(
        acting_user=acting_user,
        action="reports.narrative_written",
        obj=metric,
        before=before,
        after={"month": month.isoformat()},
    )
    return narrative


@transaction.atomic
def request_board_pack(*, acting_user: User, month: datetime.date) -> BoardPack:
    """Queue the board pack of a month; the job `reports.board_pack` produces it."""
    if not can_request_board_packs(acting_user):
        raise PermissionDenied
    if month.day != 1:
        raise ValidationError({"month": "Choose a month"})
    if month > timezone.localdate().replace(day=1):
        raise ValidationError({"month": "Choose this month or an earlier one"})
    pack = BoardPack.objects.create(month=month, requested_by=acting_user)
    job = start_job(
        acting_user=acting_user,
        kind=BOARD_PACK_JOB_KIND,
        title=f"Board pack for {month:%B %Y}",
        payload={"board_pack_id": pack.pk},
    )
    pack.job = job
    pack.save(update_fields=["job"])
    audit.record(
        acting_user=acting_user,
        action="reports.board_pack_requested",
        obj=pack,
        after={"month": month.isoformat()},
    )
    return pack


# --- the board pack job's progress ---------------------------------------------------------------
# The job (boardpack.produce_board_pack) calls these as it goes. The request was
# checked when the pack was asked for, so they check nothing more; `acting_user` is
# the person who asked for the pack, in whose name the pack is issued or fails.


@transaction.atomic
def mark_board_pack_running(*, acting_user: Actor, pack: BoardPack) -> None:
    """The job has started drawing the pack (no audit event: issued or failed follows)."""
    BoardPack.objects.filter(pk=pack.pk).update(status=BoardPack.Status.RUNNING)


@transaction.atomic
def issue_board_pack(*, acting_user: Actor, pack: BoardPack, pdf: bytes, metrics: int) -> str:
    """Store the pack's PDF as issued, with its SHA-256 (returned). It is never redrawn."""
    digest = hashlib.sha256(pdf).hexdigest()
    pack.pdf = pdf
    pack.sha256 = digest
    pack.status = BoardPack.Status.ISSUED
    pack.issued_at = timezone.now()
    pack.save(update_fields=["pdf", "sha256", "status", "issued_at"])
    audit.record(
        acting_user=acting_user,
        action="reports.board_pack_issued",
        obj=pack,
        after={
            "month": pack.month.isoformat(),
            "sha256": digest,
            "metrics": metrics,
            "bytes": len(pdf),
        },
    )
    return digest


@transaction.atomic
def mark_board_pack_failed(*, acting_user: Actor, pack: BoardPack) -> None:
    BoardPack.objects.filter(pk=pack.pk).update(status=BoardPack.Status.FAILED)
    audit.record(
        acting_user=acting_user,
        action="reports.board_pack_failed",
        obj=pack,
        after={"month": pack.month.isoformat()},
    )
