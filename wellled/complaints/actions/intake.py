"""Staff intake of a complaint, PALS concern or oral complaint, and correcting a case's details."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from wellled.complaints import clocks, rollup, triage
from wellled.complaints.actions._common import (
    Date,
    handler_errors,
    place_errors,
    raise_errors,
    require_capability,
    snapshot,
    summary_errors,
)
from wellled.complaints.actions.people import (
    FOR_A_PATIENT,
    ComplainantDetails,
    PatientDetails,
    checked_patient_values,
    complainant_errors,
    complainant_record,
)
from wellled.complaints.actions.time_limit import settle_pending
from wellled.complaints.models import (
    ORAL_CHANNELS,
    AssignmentRule,
    Channel,
    Complainant,
    Complaint,
    Exclusion,
    Kind,
    Patient,
    ReferenceCounter,
    Status,
)
from wellled.core import audit
from wellled.core.types import Actor
from wellled.core.workdays import WorkingCalendar, long_date, statutory_calendar
from wellled.organisation.access import Cap, can
from wellled.organisation.models import OrgUnit


def _next_reference(prefix: str, year: int) -> str:
    """C-2026-00042: the next number for the prefix and year, safe under concurrency.

    The counter row is locked until the transaction ends, so a second intake
    waits for the first to commit; get_or_create survives two intakes racing to
    open a new year (Django retries the read after the losing insert).
    """
    counter, _ = ReferenceCounter.objects.get_or_create(prefix=prefix, year=year)
    counter = ReferenceCounter.objects.select_for_update().get(pk=counter.pk)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{prefix}-{year}-{counter.last:05d}"


def _prefix(kind: str) -> str:
    return "P" if kind == Kind.PALS else "C"


def event_date_errors(
    received_on: Date, event_date: Date | None, aware_date: Date | None
) -> dict[str, str]:
    """What happened, and when the complainant learned of it, both before complaining."""
    errors: dict[str, str] = {}
    if event_date is not None and event_date > received_on:
        errors["event_date"] = "What happened cannot be after the complaint was received"
    if aware_date is not None and aware_date > received_on:
        errors["aware_date"] = "The complainant cannot have become aware after complaining"
    if event_date is not None and aware_date is not None and aware_date < event_date:
        errors["aware_date"] = "The complainant cannot have become aware before it happened"
    return errors


def _case_errors(
    *,
    kind: str,
    channel: str,
    received_on: Date,
    summary: str,
    service: OrgUnit,
    team: OrgUnit | None,
    site: OrgUnit | None,
    handler: User | None,
    today: Date,
) -> dict[str, str]:
    """The case's own fields: what it is, how and when it came, where and who handles it."""
    errors: dict[str, str] = {}
    if kind not in Kind.values:
        errors["kind"] = "Choose whether this is a complaint, a PALS concern or resolved orally"
    if channel not in Channel.values:
        errors["channel"] = "Choose how the complaint was received"
    if received_on > today:
        errors["received_on"] = "The date received cannot be in the future"
    errors.update(summary_errors(summary))
    errors.update(place_errors(service, team, site))
    errors.update(handler_errors(handler, service))
    return errors


def _people_errors(
    complainant: ComplainantDetails | Complainant,
    patient: PatientDetails | Patient | None,
    today: Date,
) -> tuple[dict[str, Any], dict[str, str]]:
    """The new patient's values (if new details were given), and what is wrong with the people."""
    errors: dict[str, str] = {}
    if isinstance(complainant, ComplainantDetails):
        errors.update(complainant_errors(complainant))
    if complainant.representative_basis in FOR_A_PATIENT and patient is None:
        errors["patient_name"] = "Enter the patient's details: the complaint is made for them"
    patient_values: dict[str, Any] = {}
    if isinstance(patient, PatientDetails):
        patient_values, patient_errors = checked_patient_values(patient, today)
        errors.update(patient_errors)
    return patient_values, errors


@dataclass(frozen=True)
class _Scope:
    """Where the scope gate leaves a new case: open, or closed at once with its exclusion."""

    status: str
    closed_on: Date | None
    exclusion: str


def _exclusion_scope(
    kind: str, exclusion: str, exclusion_reason: str, today: Date, errors: dict[str, str]
) -> _Scope:
    """Regulation 8: an excluded complaint is recorded and closed the day it is recorded."""
    if not exclusion:
        return _Scope(Status.RECEIVED, None, exclusion)
    if kind != Kind.COMPLAINT:
        errors["exclusion"] = "Only a formal complaint can be excluded under regulation 8"
    elif exclusion not in Exclusion.values:
        errors["exclusion"] = "Choose which part of regulation 8 applies"
    elif exclusion == Exclusion.ORAL_RESOLVED:
        errors["exclusion"] = "Record an oral complaint resolved next working day as its kind"
    elif not exclusion_reason:
        errors["exclusion_reason"] = "Say why the complaint falls under this exclusion"
    return _Scope(Status.CLOSED, today, exclusion)


def _oral_scope(
    scope: _Scope,
    *,
    kind: str,
    channel: str,
    received_on: Date,
    resolved_on: Date | None,
    today: Date,
    calendar: WorkingCalendar,
    errors: dict[str, str],
) -> _Scope:
    """An oral complaint resolved by the next working day is closed as resolved."""
    if kind != Kind.ORAL_RESOLVED:
        if resolved_on is not None:
            errors["resolved_on"] = (
                "Only an oral complaint resolved by the next working day has this"
            )
        return scope
    if channel not in ORAL_CHANNELS:
        errors["channel"] = "Only a complaint made by phone or in person is oral"
    if resolved_on is None:
        errors["resolved_on"] = "Enter the date the complaint was resolved"
    elif "received_on" not in errors:
        deadline = clocks.oral_resolution_deadline(received_on, calendar)
        if resolved_on < received_on:
            errors["resolved_on"] = "It cannot be resolved before it was received"
        elif resolved_on > deadline:
            errors["resolved_on"] = (
                f"It was resolved after {long_date(deadline)}, the next working day: "
                "record it as a formal complaint"
            )
        elif resolved_on > today:
            errors["resolved_on"] = "The date resolved cannot be in the future"
    return _Scope(Status.CLOSED, resolved_on, Exclusion.ORAL_RESOLVED)


@dataclass(frozen=True)
class _NewCase:
    """The fields of a new case as given (text stripped), before the scope gate."""

    kind: str
    channel: str
    received_on: Date
    summary: str
    service: OrgUnit
    team: OrgUnit | None
    site: OrgUnit | None
    handler: User | None
    event_date: Date | None
    aware_date: Date | None
    late_acceptance_reason: str
    exclusion_reason: str
    resolved_on: Date | None
    escalated_from: Complaint | None

    def values(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def _gate(
    case: _NewCase,
    complainant: ComplainantDetails | Complainant,
    patient: PatientDetails | Patient | None,
    exclusion: str,
    calendar: WorkingCalendar,
) -> tuple[_Scope, dict[str, Any]]:
    """Every check of a new case, raising them all at once; else where the scope gate
    leaves it, and the new patient's values."""
    today = timezone.localdate()
    errors = _case_errors(
        kind=case.kind,
        channel=case.channel,
        received_on=case.received_on,
        summary=case.summary,
        service=case.service,
        team=case.team,
        site=case.site,
        handler=case.handler,
        today=today,
    )
    patient_values, people_errors = _people_errors(complainant, patient, today)
    errors.update(people_errors)
    errors.update(event_date_errors(case.received_on, case.event_date, case.aware_date))
    scope = _exclusion_scope(case.kind, exclusion, case.exclusion_reason, today, errors)
    scope = _oral_scope(
        scope,
        kind=case.kind,
        channel=case.channel,
        received_on=case.received_on,
        resolved_on=case.resolved_on,
        today=today,
        calendar=calendar,
        errors=errors,
    )
    raise_errors(errors)
    return scope, patient_values


def _create_case(
    case: _NewCase,
    scope: _Scope,
    complainant: ComplainantDetails | Complainant,
    patient: PatientDetails | Patient | None,
    patient_values: dict[str, Any],
    calendar: WorkingCalendar,
) -> Complaint:
    # Only a formal complaint within the Regulations runs the statutory clocks.
    clocked = case.kind == Kind.COMPLAINT and not scope.exclusion
    complaint = Complaint(
        **case.values(),
        reference=_next_reference(_prefix(case.kind), case.received_on.year),
        status=scope.status,
        exclusion=scope.exclusion,
        closed_on=scope.closed_on,
        acknowledgement_due=clocks.acknowledgement_due(case.received_on, calendar)
        if clocked
        else None,
        backstop_due=clocks.six_months_after(case.received_on) if clocked else None,
        complainant=complainant_record(complainant),
        patient=Patient.objects.create(**patient_values)
        if isinstance(patient, PatientDetails)
        else patient,
    )
    # A late complaint waits for the decision on the time limit (actions.time_limit).
    settle_pending(complaint)
    complaint.save()
    rollup.refresh(complaint.pk)
    return complaint


@transaction.atomic
def record_complaint(
    *,
    acting_user: Actor,
    channel: str,
    received_on: Date,
    service: OrgUnit,
    summary: str,
    complainant: ComplainantDetails | Complainant,
    kind: str = Kind.COMPLAINT,
    patient: PatientDetails | Patient | None = None,
    team: OrgUnit | None = None,
    site: OrgUnit | None = None,
    handler: User | None = None,
    event_date: Date | None = None,
    aware_date: Date | None = None,
    late_acceptance_reason: str = "",
    exclusion: str = "",
    exclusion_reason: str = "",
    resolved_on: Date | None = None,
    escalated_from: Complaint | None = None,
    calendar: WorkingCalendar | None = None,
) -> Complaint:
    """Staff intake of a complaint, a PALS concern or an oral complaint resolved at once.

    Scope gate: the 12-month limit (a late case waits for `decide_time_limit`),
    regulation 8 exclusions (closed, no clock), the oral next-working-day route.
    """
    require_capability(acting_user, Cap.MANAGE_COMPLAINTS, service)
    # The Regulations' working days: a trust closure day never moves the
    # acknowledgement or the next-working-day window (reg 13, reg 8(1)(c)).
    calendar = calendar or statutory_calendar()
    rule = None if handler is not None else _assignment_rule(service)
    case = _NewCase(
        kind=kind,
        channel=channel,
        received_on=received_on,
        summary=summary.strip(),
        service=service,
        team=team,
        site=site,
        handler=rule.handler if rule is not None else handler,
        event_date=event_date,
        aware_date=aware_date,
        late_acceptance_reason=late_acceptance_reason.strip(),
        exclusion_reason=exclusion_reason.strip(),
        resolved_on=resolved_on,
        escalated_from=escalated_from,
    )
    scope, patient_values = _gate(case, complainant, patient, exclusion, calendar)
    complaint = _create_case(case, scope, complainant, patient, patient_values, calendar)
    after = snapshot(complaint)
    if rule is not None:
        after["assigned_by_rule"] = rule.pk
    audit.record(acting_user=acting_user, action="complaint.recorded", obj=complaint, after=after)
    if complaint.handler_id is None and complaint.is_open:
        reference, path = complaint.reference, service.path
        transaction.on_commit(lambda: triage.notify_unassigned(reference, path))
    return complaint


def _assignment_rule(service: OrgUnit) -> AssignmentRule | None:
    """The service's rule, if its handler may still handle complaints there.

    A rule whose handler has left or lost the role is passed over rather than
    refusing the case: the case waits in the triage queue, and the managers are told.
    """
    rule = AssignmentRule.objects.filter(service=service).select_related("handler").first()
    if rule is None or not rule.handler.is_active:
        return None
    if not can(rule.handler, Cap.MANAGE_COMPLAINTS, service):
        return None
    return rule
