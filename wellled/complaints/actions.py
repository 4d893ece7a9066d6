"""Every write to complaints. Views, the API, commands and tests all call these.

Each action checks the acting user's capability over the case's service
(`acting_user=None` is the system: demo data, migrations, scheduled jobs),
checks the step against the workflow table, validates its dates against the
clocks, and writes one audit event whose before/after hold no personal data.
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone

from wellled.complaints import clocks, rollup, workflow
from wellled.complaints.models import (
    NEEDS_LEARNING,
    OPEN_STATUSES,
    ORAL_CHANNELS,
    Attachment,
    Channel,
    Complainant,
    Complaint,
    ComplaintIssue,
    ConsentStatus,
    Exclusion,
    ExtensionRequestedBy,
    HeldUpload,
    HowAgreed,
    Kind,
    LateResponseTask,
    Letter,
    LetterKind,
    LetterTemplate,
    Outcome,
    Patient,
    PHSODecision,
    PHSORecommendation,
    PHSOReferral,
    ReferenceCounter,
    ReferenceItem,
    ReferenceList,
    RepresentativeBasis,
    ResponseDateBasis,
    ResponseExtension,
    SignOffCapacity,
    Status,
)
from wellled.complaints.queries import held_cutoff, held_uploads
from wellled.complaints.reference import check_item
from wellled.complaints.validators import normalise_nhs_number
from wellled.core import audit
from wellled.core.types import Actor
from wellled.core.workdays import WorkingCalendar, long_date, trust_calendar
from wellled.organisation.access import Cap, can
from wellled.organisation.models import OrgUnit, UnitKind

if TYPE_CHECKING:
    from wellled.complaints.uploads import CheckedFile

Date = datetime.date


class _Unset:
    """A keyword left out, as opposed to one given as None (cleared)."""


UNSET = _Unset()

# Bases on which someone complains for a patient, so the patient must be recorded.
_FOR_A_PATIENT = frozenset(
    {
        RepresentativeBasis.DECEASED,
        RepresentativeBasis.CHILD,
        RepresentativeBasis.INCAPACITY,
        RepresentativeBasis.AUTHORISED,
    }
)

_SNAPSHOT_FIELDS = (
    "reference",
    "kind",
    "channel",
    "status",
    "received_on",
    "service_id",
    "team_id",
    "site_id",
    "patient_id",
    "complainant_id",
    "handler_id",
    "event_date",
    "aware_date",
    "exclusion",
    "resolved_on",
    "transferred_to",
    "transferred_on",
    "escalated_from_id",
    "acknowledgement_due",
    "acknowledged_on",
    "discussion_offered_on",
    "response_due",
    "response_date_basis",
    "response_date_agreed_on",
    "response_date_how_agreed",
    "response_date_notified_on",
    "backstop_due",
    "signed_off_by_id",
    "signed_off_as",
    "signed_off_on",
    "responded_on",
    "first_response_due",
    "first_responded_on",
    "closed_on",
    "reopened_on",
    "reopen_count",
    "referred_to_phso_on",
)


def snapshot(complaint: Complaint) -> dict[str, Any]:
    """The case for the audit trail: ids and dates, and only whether free text is there."""
    data: dict[str, Any] = {name: getattr(complaint, name) for name in _SNAPSHOT_FIELDS}
    data["has_late_acceptance_reason"] = bool(complaint.late_acceptance_reason)
    data["has_exclusion_reason"] = bool(complaint.exclusion_reason)
    data["has_reopen_reason"] = bool(complaint.reopen_reason)
    return data


def _issue_snapshot(issue: ComplaintIssue) -> dict[str, Any]:
    return {
        "complaint_id": issue.complaint_id,
        "subject_id": issue.subject_id,
        "clinical_subcategory_id": issue.clinical_subcategory_id,
        "service_area_id": issue.service_area_id,
        "profession_id": issue.profession_id,
        "hcat_domain_id": issue.hcat_domain_id,
        "hcat_category_id": issue.hcat_category_id,
        "hcat_severity": issue.hcat_severity,
        "hcat_stage_id": issue.hcat_stage_id,
        "harm_id": issue.harm_id,
        "outcome": issue.outcome,
        "has_learning_statement": bool(issue.learning_statement.strip()),
        "has_no_learning_reason": bool(issue.no_learning_reason.strip()),
    }


def _require(acting_user: Actor, capability: Cap, unit: OrgUnit) -> None:
    # None is the system itself (demo data, scheduled jobs); everyone else is checked.
    if acting_user is None:
        return
    if not can(acting_user, capability, unit):
        raise PermissionDenied("You do not have permission to do this for this service")


def _lock(complaint: Complaint) -> Complaint:
    """The case re-read under a row lock, so two people cannot step it at once."""
    return Complaint.objects.select_for_update().get(pk=complaint.pk)


def _save(
    complaint: Complaint, before: dict[str, Any], *, acting_user: Actor, action: str
) -> Complaint:
    complaint.save()
    rollup.refresh(complaint.pk)
    old, new = audit.diff(before, snapshot(complaint))
    audit.record(acting_user=acting_user, action=action, obj=complaint, before=old, after=new)
    return complaint


def _save_issue(
    issue: ComplaintIssue,
    before: dict[str, Any],
    *,
    acting_user: Actor,
    action: str,
    fields: list[str] | None = None,
) -> ComplaintIssue:
    issue.save(update_fields=fields)
    rollup.refresh(issue.complaint_id)
    old, new = audit.diff(before, _issue_snapshot(issue))
    audit.record(acting_user=acting_user, action=action, obj=issue, before=old, after=new)
    return issue


def _check_day(
    day: Date | None, field: str, *, not_before: Date | None, before_label: str, today: Date
) -> dict[str, str]:
    """Errors for a date that is missing, in the future or before `not_before`."""
    if day is None:
        return {field: "Enter the date"}
    if day > today:
        return {field: "The date cannot be in the future"}
    if not_before is not None and day < not_before:
        return {field: f"The date cannot be before {before_label} ({long_date(not_before)})"}
    return {}


def _raise(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError(errors)


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


@dataclass(frozen=True)
class ComplainantDetails:
    full_name: str
    email: str = ""
    phone: str = ""
    address: str = ""
    relationship: str = ""
    representative_basis: str = RepresentativeBasis.SELF
    consent_status: str = ConsentStatus.NOT_NEEDED
    consent_evidence: str = ""


@dataclass(frozen=True)
class PatientDetails:
    full_name: str
    nhs_number: str = ""
    date_of_birth: Date | None = None


def _consent_errors(basis: str, status: str, evidence: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    if basis not in RepresentativeBasis.values:
        errors["representative_basis"] = "Choose on what basis they are complaining"
    if status not in ConsentStatus.values:
        errors["consent_status"] = "Choose the consent status"
    elif basis == RepresentativeBasis.AUTHORISED and status == ConsentStatus.NOT_NEEDED:
        errors["consent_status"] = (
            "Someone acting at the patient's request needs the patient's consent: "
            "record whether it has been asked for, given or refused"
        )
    elif status == ConsentStatus.GIVEN and not evidence.strip():
        errors["consent_evidence"] = (
            "Say what shows consent was given, for example a signed form received on a date"
        )
    return errors


def _complainant_errors(details: ComplainantDetails) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not details.full_name.strip():
        errors["complainant_name"] = "Enter the complainant's name"
    if not (details.email.strip() or details.phone.strip() or details.address.strip()):
        errors["complainant_contact"] = (
            "Enter at least one way to reach the complainant: email, phone or address"
        )
    errors.update(
        _consent_errors(
            details.representative_basis, details.consent_status, details.consent_evidence
        )
    )
    return errors


def _patient_values(details: PatientDetails, today: Date) -> tuple[dict[str, Any], dict[str, str]]:
    errors: dict[str, str] = {}
    values: dict[str, Any] = {
        "full_name": details.full_name.strip(),
        "date_of_birth": details.date_of_birth,
    }
    if not values["full_name"]:
        errors["patient_name"] = "Enter the patient's name"
    try:
        values["nhs_number"] = normalise_nhs_number(details.nhs_number)
    except ValidationError as exc:
        errors["nhs_number"] = exc.messages[0]
    if details.date_of_birth is not None and details.date_of_birth > today:
        errors["date_of_birth"] = "The date of birth cannot be in the future"
    return values, errors


def _place_errors(service: OrgUnit, team: OrgUnit | None, site: OrgUnit | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    if service.kind != UnitKind.SERVICE:
        errors["service"] = f"{service} is not a service: choose the service complained about"
    elif not service.is_active:
        errors["service"] = f"{service} is closed: choose the service that now provides the care"
    if team is not None and (team.kind != UnitKind.TEAM or not team.is_within(service)):
        errors["team"] = f"{team} is not a team of {service}"
    if site is not None and site.kind != UnitKind.SITE:
        errors["site"] = f"{site} is not a site"
    return errors


def _handler_errors(handler: User | None, service: OrgUnit) -> dict[str, str]:
    if handler is not None and not can(handler, Cap.MANAGE_COMPLAINTS, service):
        return {"handler": f"{handler.get_full_name() or handler} cannot handle complaints here"}
    return {}


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

    The scope gate runs here: the 12-month time limit (a late complaint needs a
    recorded reason to be accepted), the regulation 8 exclusions (recorded and
    closed, with no statutory clock) and the oral next-working-day route.
    `complainant` and `patient` are new details, or people already on record.
    """
    _require(acting_user, Cap.MANAGE_COMPLAINTS, service)
    today = timezone.localdate()
    calendar = calendar or trust_calendar()
    summary = summary.strip()
    late_acceptance_reason = late_acceptance_reason.strip()
    exclusion_reason = exclusion_reason.strip()
    errors: dict[str, str] = {}
    if kind not in Kind.values:
        errors["kind"] = "Choose whether this is a complaint, a PALS concern or resolved orally"
    if channel not in Channel.values:
        errors["channel"] = "Choose how the complaint was received"
    if received_on > today:
        errors["received_on"] = "The date received cannot be in the future"
    if not summary:
        errors["summary"] = "Enter a summary of the complaint"
    errors.update(_place_errors(service, team, site))
    errors.update(_handler_errors(handler, service))
    if isinstance(complainant, ComplainantDetails):
        errors.update(_complainant_errors(complainant))
    if complainant.representative_basis in _FOR_A_PATIENT and patient is None:
        errors["patient_name"] = "Enter the patient's details: the complaint is made for them"
    patient_values: dict[str, Any] = {}
    if isinstance(patient, PatientDetails):
        patient_values, patient_errors = _patient_values(patient, today)
        errors.update(patient_errors)
    if event_date is not None and event_date > received_on:
        errors["event_date"] = "What happened cannot be after the complaint was received"
    if aware_date is not None and aware_date > received_on:
        errors["aware_date"] = "The complainant cannot have become aware after complaining"
    if event_date is not None and aware_date is not None and aware_date < event_date:
        errors["aware_date"] = "The complainant cannot have become aware before it happened"

    status = Status.RECEIVED
    closed_on: Date | None = None
    if exclusion:
        if kind != Kind.COMPLAINT:
            errors["exclusion"] = "Only a formal complaint can be excluded under regulation 8"
        elif exclusion not in Exclusion.values:
            errors["exclusion"] = "Choose which part of regulation 8 applies"
        elif exclusion == Exclusion.ORAL_RESOLVED:
            errors["exclusion"] = "Record an oral complaint resolved next working day as its kind"
        elif not exclusion_reason:
            errors["exclusion_reason"] = "Say why the complaint falls under this exclusion"
        status, closed_on = Status.CLOSED, today
    if kind == Kind.ORAL_RESOLVED:
        exclusion = Exclusion.ORAL_RESOLVED
        status = Status.CLOSED
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
        closed_on = resolved_on
    elif resolved_on is not None:
        errors["resolved_on"] = "Only an oral complaint resolved by the next working day has this"
    if (
        kind == Kind.COMPLAINT
        and clocks.is_out_of_time(received_on, event_date, aware_date)
        and not late_acceptance_reason
    ):
        limit = clocks.time_limit(event_date, aware_date)
        assert limit is not None
        errors["late_acceptance_reason"] = (
            f"This complaint was received after the 12-month time limit ({long_date(limit)}). "
            "To accept it, record why the complainant had good reason not to complain sooner "
            "and why it can still be investigated fairly"
        )
    _raise(errors)

    clocked = kind == Kind.COMPLAINT and not exclusion
    complaint = Complaint(
        reference=_next_reference(_prefix(kind), received_on.year),
        kind=kind,
        channel=channel,
        status=status,
        received_on=received_on,
        summary=summary,
        service=service,
        team=team,
        site=site,
        handler=handler,
        event_date=event_date,
        aware_date=aware_date,
        late_acceptance_reason=late_acceptance_reason,
        exclusion=exclusion,
        exclusion_reason=exclusion_reason,
        resolved_on=resolved_on,
        closed_on=closed_on,
        escalated_from=escalated_from,
        acknowledgement_due=clocks.acknowledgement_due(received_on, calendar) if clocked else None,
        backstop_due=clocks.six_months_after(received_on) if clocked else None,
        complainant=_complainant(complainant),
        patient=Patient.objects.create(**patient_values)
        if isinstance(patient, PatientDetails)
        else patient,
    )
    complaint.save()
    rollup.refresh(complaint.pk)
    audit.record(
        acting_user=acting_user,
        action="complaint.recorded",
        obj=complaint,
        after=snapshot(complaint),
    )
    return complaint


def _complainant(details: ComplainantDetails | Complainant) -> Complainant:
    if isinstance(details, Complainant):
        return details
    return Complainant.objects.create(
        full_name=details.full_name.strip(),
        email=details.email.strip(),
        phone=details.phone.strip(),
        address=details.address.strip(),
        relationship=details.relationship.strip(),
        representative_basis=details.representative_basis,
        consent_status=details.consent_status,
        consent_evidence=details.consent_evidence.strip(),
    )


@transaction.atomic
def assign_handler(*, acting_user: Actor, complaint: Complaint, handler: User | None) -> Complaint:
    complaint = _lock(complaint)
    _require(acting_user, Cap.MANAGE_COMPLAINTS, complaint.service)
    _raise(_handler_errors(handler, complaint.service))
    before = snapshot(complaint)
    complaint.handler = handler
    return _save(complaint, before, acting_user=acting_user, action="complaint.handler_assigned")


@transaction.atomic
def update_consent(
    *, acting_user: Actor, complaint: Complaint, consent_status: str, consent_evidence: str
) -> Complainant:
    complaint = _lock(complaint)
    _require(acting_user, Cap.MANAGE_COMPLAINTS, complaint.service)
    person = complaint.complainant
    _raise(_consent_errors(person.representative_basis, consent_status, consent_evidence))
    before = {
        "consent_status": person.consent_status,
        "has_evidence": bool(person.consent_evidence),
    }
    person.consent_status = consent_status
    person.consent_evidence = consent_evidence.strip()
    person.save(update_fields=["consent_status", "consent_evidence"])
    audit.record(
        acting_user=acting_user,
        action="complaint.consent_updated",
        obj=complaint,
        before=before,
        after={"consent_status": consent_status, "has_evidence": bool(person.consent_evidence)},
    )
    return person


_ISSUE_EDITABLE = frozenset(
    {
        Status.RECEIVED,
        Status.ACKNOWLEDGED,
        Status.INVESTIGATING,
        Status.DRAFT_RESPONSE,
        Status.REOPENED,
    }
)


def _coding_errors(
    *,
    subject: ReferenceItem | None,
    clinical_subcategory: ReferenceItem | None,
    service_area: ReferenceItem | None,
    profession: ReferenceItem | None,
    hcat_domain: ReferenceItem | None,
    hcat_category: ReferenceItem | None,
    hcat_severity: int | None,
    hcat_stage: ReferenceItem | None,
    harm: ReferenceItem | None,
) -> dict[str, str]:
    errors: dict[str, str] = {}
    errors.update(check_item(subject, ReferenceList.KO41A_SUBJECT, "subject", required=True))
    errors.update(
        check_item(service_area, ReferenceList.KO41A_SERVICE_AREA, "service_area", required=True)
    )
    errors.update(check_item(profession, ReferenceList.PROFESSION, "profession", required=True))
    errors.update(
        check_item(
            clinical_subcategory,
            ReferenceList.KO41A_CLINICAL_SUBCATEGORY,
            "clinical_subcategory",
            required=False,
        )
    )
    errors.update(check_item(hcat_domain, ReferenceList.HCAT_DOMAIN, "hcat_domain", required=False))
    errors.update(
        check_item(hcat_category, ReferenceList.HCAT_CATEGORY, "hcat_category", required=False)
    )
    errors.update(check_item(hcat_stage, ReferenceList.HCAT_STAGE, "hcat_stage", required=False))
    errors.update(check_item(harm, ReferenceList.HARM, "harm", required=False))
    if "subject" not in errors and subject is not None:
        # The subjects that take a sub-category are whichever have entries under them.
        takes_subcategory = ReferenceItem.objects.filter(
            list=ReferenceList.KO41A_CLINICAL_SUBCATEGORY, parent=subject, is_active=True
        ).exists()
        if takes_subcategory and clinical_subcategory is None:
            errors["clinical_subcategory"] = f"Choose the {subject.label.lower()} sub-category"
        elif clinical_subcategory is not None and clinical_subcategory.parent_id != subject.pk:
            errors["clinical_subcategory"] = f"{clinical_subcategory} does not refine {subject}"
    if (
        hcat_category is not None
        and hcat_domain is not None
        and hcat_category.parent_id != hcat_domain.pk
    ):
        errors["hcat_category"] = f"{hcat_category} is not in the {hcat_domain} domain"
    if hcat_severity is not None and not 0 <= hcat_severity <= 3:
        errors["hcat_severity"] = "HCAT severity runs from 0 (not present) to 3 (high)"
    if hcat_severity is not None and hcat_category is None:
        errors["hcat_category"] = "Choose the HCAT category that this severity rates"
    if hcat_category is not None and hcat_severity is None:
        errors["hcat_severity"] = f"Rate the severity of the {hcat_category.label.lower()} problem"
    return errors


def _checked_issue(
    acting_user: Actor, complaint: Complaint, verb: str, *, description: str, **coding: Any
) -> ReferenceItem | None:
    """Refuse an issue that may not be added or changed now, or is badly coded.

    Returns the HCAT domain to store: the category's own when only that was given.
    """
    _require(acting_user, Cap.MANAGE_COMPLAINTS, complaint.service)
    if complaint.status not in _ISSUE_EDITABLE:
        raise ValidationError(
            f"Issues cannot be {verb} while {complaint.reference} is "
            f"{complaint.get_status_display().lower()}"
        )
    errors = _coding_errors(**coding)
    if not description.strip():
        errors["description"] = "Describe the issue"
    _raise(errors)
    category, domain = coding["hcat_category"], coding["hcat_domain"]
    if category is not None and domain is None:
        return category.parent
    return domain


@transaction.atomic
def add_issue(
    *,
    acting_user: Actor,
    complaint: Complaint,
    description: str,
    subject: ReferenceItem | None,
    service_area: ReferenceItem | None,
    profession: ReferenceItem | None,
    clinical_subcategory: ReferenceItem | None = None,
    hcat_domain: ReferenceItem | None = None,
    hcat_category: ReferenceItem | None = None,
    hcat_severity: int | None = None,
    hcat_stage: ReferenceItem | None = None,
    harm: ReferenceItem | None = None,
) -> ComplaintIssue:
    complaint = _lock(complaint)
    hcat_domain = _checked_issue(
        acting_user,
        complaint,
        "added",
        description=description,
        subject=subject,
        clinical_subcategory=clinical_subcategory,
        service_area=service_area,
        profession=profession,
        hcat_domain=hcat_domain,
        hcat_category=hcat_category,
        hcat_severity=hcat_severity,
        hcat_stage=hcat_stage,
        harm=harm,
    )
    assert subject is not None and service_area is not None and profession is not None
    issue = ComplaintIssue.objects.create(
        complaint=complaint,
        description=description.strip(),
        subject=subject,
        clinical_subcategory=clinical_subcategory,
        service_area=service_area,
        profession=profession,
        hcat_domain=hcat_domain,
        hcat_category=hcat_category,
        hcat_severity=hcat_severity,
        hcat_stage=hcat_stage,
        harm=harm,
    )
    rollup.refresh(complaint.pk)
    audit.record(
        acting_user=acting_user,
        action="complaint.issue_added",
        obj=issue,
        after=_issue_snapshot(issue),
    )
    return issue


def _lock_issue(issue: ComplaintIssue) -> tuple[ComplaintIssue, Complaint]:
    complaint = Complaint.objects.select_for_update().get(pk=issue.complaint_id)
    return ComplaintIssue.objects.select_for_update().get(pk=issue.pk), complaint


@transaction.atomic
def record_issue_outcome(
    *, acting_user: Actor, issue: ComplaintIssue, outcome: str
) -> ComplaintIssue:
    issue, complaint = _lock_issue(issue)
    _require(acting_user, Cap.MANAGE_COMPLAINTS, complaint.service)
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": "Choose upheld, partially upheld or not upheld"})
    if complaint.status not in _ISSUE_EDITABLE:
        raise ValidationError(
            f"Outcomes cannot change while {complaint.reference} is "
            f"{complaint.get_status_display().lower()}: reopen it first"
        )
    before = _issue_snapshot(issue)
    issue.outcome = outcome
    return _save_issue(
        issue, before, acting_user=acting_user, action="complaint.issue_outcome", fields=["outcome"]
    )


@transaction.atomic
def record_learning(
    *,
    acting_user: Actor,
    issue: ComplaintIssue,
    learning_statement: str = "",
    no_learning_reason: str = "",
) -> ComplaintIssue:
    """The learning from an issue, or the recorded reason there is none (one, not both)."""
    issue, complaint = _lock_issue(issue)
    _require(acting_user, Cap.MANAGE_COMPLAINTS, complaint.service)
    learning_statement, no_learning_reason = learning_statement.strip(), no_learning_reason.strip()
    if complaint.status in (Status.CLOSED, Status.TRANSFERRED):
        raise ValidationError(f"{complaint.reference} is closed: reopen it to change its learning")
    if bool(learning_statement) == bool(no_learning_reason):
        raise ValidationError(
            {
                "learning_statement": "Enter what was learned, or why there is no learning: "
                "one of the two"
            }
        )
    before = _issue_snapshot(issue)
    issue.learning_statement = learning_statement
    issue.no_learning_reason = no_learning_reason
    return _save_issue(
        issue,
        before,
        acting_user=acting_user,
        action="complaint.learning",
        fields=["learning_statement", "no_learning_reason"],
    )


@transaction.atomic
def acknowledge(
    *,
    acting_user: Actor,
    complaint: Complaint,
    acknowledged_on: Date,
    discussion_offered_on: Date | None,
) -> Complaint:
    """Acknowledged, with the offer to discuss handling and timescale (regulation 13)."""
    complaint = _lock(complaint)
    _require(acting_user, Cap.MANAGE_COMPLAINTS, complaint.service)
    to = workflow.check(complaint, "acknowledge")
    today = timezone.localdate()
    errors = _check_day(
        acknowledged_on,
        "acknowledged_on",
        not_before=complaint.received_on,
        before_label="the day it was received",
        today=today,
    )
    if discussion_offered_on is None:
        errors["discussion_offered_on"] = (
            "Record when you offered to discuss how the complaint will be handled "
            "and when the response is likely (regulation 13)"
        )
    else:
        errors.update(
            _check_day(
                discussion_offered_on,
                "discussion_offered_on",
                not_before=complaint.received_on,
                before_label="the day it was received",
                today=today,
            )
        )
    _raise(errors)
    before = snapshot(complaint)
    complaint.status = to
    complaint.acknowledged_on = acknowledged_on
    complaint.discussion_offered_on = discussion_offered_on
    return _save(complaint, before, acting_user=acting_user, action="complaint.acknowledged")


_RESPONSE_DATE_STATUSES = frozenset(
    {Status.RECEIVED, Status.ACKNOWLEDGED, Status.INVESTIGATING, Status.REOPENED}
)


def _check_can_date_response(complaint: Complaint) -> None:
    if not complaint.under_regulations:
        raise ValidationError(
            f"A {complaint.get_kind_display().lower()} outside the Regulations has no response date"
        )
    if complaint.status not in _RESPONSE_DATE_STATUSES:
        raise ValidationError(
            f"The response date cannot be set while {complaint.reference} is "
            f"{complaint.get_status_display().lower()}"
        )
    if complaint.response_due is not None:
        raise ValidationError(
            f"{complaint.reference} already has a response date "
            f"({long_date(complaint.response_due)}): record an extension to change it"
        )


def _agreements(complaint: Complaint) -> list[clocks.Agreement]:
    found = [
        clocks.Agreement(agreed_on=e.agreed_on, new_date=e.new_date)
        for e in complaint.extensions.all()
    ]
    if (
        complaint.response_date_basis == ResponseDateBasis.AGREED
        and complaint.response_date_agreed_on is not None
        and complaint.response_due is not None
    ):
        found.append(
            clocks.Agreement(
                agreed_on=complaint.response_date_agreed_on, new_date=complaint.response_due
            )
        )
    return found


@transaction.atomic
def agree_response_date(
    *,
    acting_user: Actor,
    complaint: Complaint,
    response_due: Date,
    agreed_on: Date,
    how_agreed: str,
) -> Complaint:
    """The response date agreed with the complainant: the "agreed timescale"."""
    complaint = _lock(complaint)
    _require(acting_user, Cap.MANAGE_COMPLAINTS, complaint.service)
    _check_can_date_response(complaint)
    today = timezone.localdate()
    errors = _check_day(
        agreed_on,
        "agreed_on",
        not_before=complaint.received_on,
        before_label="the day it was received",
        today=today,
    )
    if how_agreed not in HowAgreed.values:
        errors["how_agreed"] = "Say how the complainant agreed the date"
    if response_due <= agreed_on:
        errors["response_due"] = "The response date must be after the day it was agreed"
    _raise(errors)
    before = snapshot(complaint)
    complaint.response_due = response_due
    complaint.response_date_basis = ResponseDateBasis.AGREED
    complaint.response_date_agreed_on = agreed_on
    complaint.response_date_how_agreed = how_agreed
    complaint.backstop_due = clocks.statutory_backstop(
        complaint.received_on, _agreements(complaint)
    )
    return _save(
        complaint, before, acting_user=acting_user, action="complaint.response_date_agreed"
    )


@transaction.atomic
def set_response_date(
    *,
    acting_user: Actor,
    complaint: Complaint,
    response_due: Date,
    notified_on: Date | None,
    notified: bool,
) -> Complaint:
    """No date could be agreed: the trust sets one and tells the complainant in writing."""
    complaint = _lock(complaint)
    _require(acting_user, Cap.MANAGE_COMPLAINTS, complaint.service)
    _check_can_date_response(complaint)
    today = timezone.localdate()
    errors: dict[str, str] = {}
    if not notified or notified_on is None:
        errors["notified"] = (
            "Tell the complainant the response date in writing, then record the day you did"
        )
    else:
        errors.update(
            _check_day(
                notified_on,
                "notified_on",
                not_before=complaint.received_on,
                before_label="the day it was received",
                today=today,
            )
        )
    limit = clocks.six_months_after(complaint.received_on)
    if response_due <= complaint.received_on:
        errors["response_due"] = "The response date must be after the day it was received"
    elif response_due > limit:
        errors["response_due"] = (
            f"Without the complainant's agreement the response is due by {long_date(limit)}, "
            "6 months after it was received"
        )
    _raise(errors)
    before = snapshot(complaint)
    complaint.response_due = response_due
    complaint.response_date_basis = ResponseDateBasis.SET_BY_TRUST
    complaint.response_date_notified_on = notified_on
    return _save(complaint, before, acting_user=acting_user, action="complaint.response_date_set")


@transaction.atomic
def extend_response_date(
    *,
    acting_user: Actor,
    complaint: Complaint,
    new_date: Date,
    complainant_agreed: bool,
    how_agreed: str,
    agreed_on: Date | None,
    requested_by: str,
    reason: str,
) -> ResponseExtension:
    """Move the response date later, with the complainant's recorded agreement.

    Refused without that agreement, and refused when the agreement came after
    the date it would replace (recording it late is fine: the agreement's date
    is what counts).
    """
    complaint = _lock(complaint)
    _require(acting_user, Cap.MANAGE_COMPLAINTS, complaint.service)
    if complaint.response_due is None:
        raise ValidationError("Agree or set a response date before extending it")
    if complaint.status not in OPEN_STATUSES:
        raise ValidationError(
            f"The response date cannot change while {complaint.reference} is "
            f"{complaint.get_status_display().lower()}"
        )
    errors: dict[str, str] = {}
    if not complainant_agreed:
        errors["complainant_agreed"] = (
            "An extension needs the complainant's agreement. Without it, keep the date "
            "or send a letter explaining the delay"
        )
    if how_agreed not in HowAgreed.values:
        errors["how_agreed"] = "Say how the complainant agreed the new date"
    if requested_by not in ExtensionRequestedBy.values:
        errors["requested_by"] = "Say who asked for more time"
    if not reason.strip():
        errors["reason"] = "Say why more time is needed"
    if agreed_on is None:
        errors["agreed_on"] = "Enter the date the complainant agreed"
    elif agreed_on < complaint.received_on:
        errors["agreed_on"] = "The agreement cannot be before the complaint was received"
    else:
        problem = clocks.extension_allowed(
            current_due=complaint.response_due,
            new_date=new_date,
            agreed_on=agreed_on,
            today=timezone.localdate(),
        )
        if problem:
            field = "new_date" if "later" in problem else "agreed_on"
            errors[field] = problem
    _raise(errors)
    assert agreed_on is not None
    before = snapshot(complaint)
    extension = ResponseExtension.objects.create(
        complaint=complaint,
        previous_date=complaint.response_due,
        new_date=new_date,
        requested_by=requested_by,
        how_agreed=how_agreed,
        agreed_on=agreed_on,
        reason=reason.strip(),
        recorded_by=acting_user if isinstance(acting_user, User) else None,
    )
    complaint.response_due = new_date
    complaint.backstop_due = clocks.statutory_backstop(
        complaint.received_on, _agreements(complaint)
    )
    _save(complaint, before, acting_user=acting_user, action="complaint.response_date_extended")
    return extension


def _step(
    complaint: Complaint, step: str, *, acting_user: Actor, capability: Cap = Cap.MANAGE_COMPLAINTS
) -> tuple[Complaint, str, dict[str, Any]]:
    complaint = _lock(complaint)
    _require(acting_user, capability, complaint.service)
    to = workflow.check(complaint, step)
    return complaint, to, snapshot(complaint)


@transaction.atomic
def start_investigation(*, acting_user: Actor, complaint: Complaint) -> Complaint:
    complaint, to, before = _step(complaint, "start_investigation", acting_user=acting_user)
    complaint.status = to
    return _save(complaint, before, acting_user=acting_user, action="complaint.investigating")


@transaction.atomic
def submit_draft(*, acting_user: Actor, complaint: Complaint) -> Complaint:
    """The draft response goes for sign-off: every issue must have its outcome by now."""
    complaint, to, before = _step(complaint, "submit_draft", acting_user=acting_user)
    issues = list(complaint.issues.all())
    if not issues:
        raise ValidationError("Record at least one issue before submitting the draft response")
    undecided = [str(n) for n, issue in enumerate(issues, start=1) if not issue.outcome]
    if undecided:
        raise ValidationError(
            f"Record the outcome of issue {', '.join(undecided)} before submitting the draft"
        )
    complaint.status = to
    return _save(complaint, before, acting_user=acting_user, action="complaint.draft_submitted")


@transaction.atomic
def return_draft(*, acting_user: Actor, complaint: Complaint) -> Complaint:
    """The signatory sends the draft back for more work."""
    complaint, to, before = _step(
        complaint, "return_draft", acting_user=acting_user, capability=Cap.SIGN_OFF_COMPLAINTS
    )
    complaint.status = to
    return _save(complaint, before, acting_user=acting_user, action="complaint.draft_returned")


@transaction.atomic
def sign_off(
    *,
    acting_user: Actor,
    complaint: Complaint,
    capacity: str,
    signed_off_on: Date | None = None,
) -> Complaint:
    """The responsible person (regulation 4), or their delegate, signs the response."""
    complaint, to, before = _step(
        complaint, "sign_off", acting_user=acting_user, capability=Cap.SIGN_OFF_COMPLAINTS
    )
    if not isinstance(acting_user, User):
        raise PermissionDenied("A response is signed off by a person")
    today = timezone.localdate()
    signed_off_on = signed_off_on or today
    errors = _check_day(
        signed_off_on,
        "signed_off_on",
        not_before=complaint.received_on,
        before_label="the day it was received",
        today=today,
    )
    if capacity not in SignOffCapacity.values:
        errors["capacity"] = "Say whether you sign as the responsible person or their delegate"
    _raise(errors)
    complaint.status = to
    complaint.signed_off_by = acting_user
    complaint.signed_off_as = capacity
    complaint.signed_off_on = signed_off_on
    return _save(complaint, before, acting_user=acting_user, action="complaint.signed_off")


@transaction.atomic
def record_response(*, acting_user: Actor, complaint: Complaint, responded_on: Date) -> Complaint:
    """The signed-off response has been sent."""
    complaint, to, before = _step(complaint, "record_response", acting_user=acting_user)
    errors = _check_day(
        responded_on,
        "responded_on",
        not_before=complaint.signed_off_on or complaint.received_on,
        before_label="the day it was signed off"
        if complaint.signed_off_on
        else "the day it was received",
        today=timezone.localdate(),
    )
    if responded_on < complaint.received_on:
        errors["responded_on"] = (
            f"A response cannot be dated before the complaint was received "
            f"({long_date(complaint.received_on)})"
        )
    person = complaint.complainant
    if (
        person.representative_basis == RepresentativeBasis.AUTHORISED
        and person.consent_status != ConsentStatus.GIVEN
    ):
        errors["consent_status"] = (
            "The patient has not consented to this representative: the response "
            "cannot share the patient's information until they do"
        )
    _raise(errors)
    letter = _final_letter_ready(complaint)
    complaint.status = to
    complaint.responded_on = responded_on
    letter.sent_on = responded_on
    letter.save(update_fields=["sent_on", "updated_at"])
    if complaint.first_responded_on is None:
        complaint.first_responded_on = responded_on
        complaint.first_response_due = complaint.response_due
    return _save(complaint, before, acting_user=acting_user, action="complaint.responded")


@transaction.atomic
def close(*, acting_user: Actor, complaint: Complaint, closed_on: Date | None = None) -> Complaint:
    """Close the case: refused while an upheld issue has no learning recorded."""
    complaint, to, before = _step(complaint, "close", acting_user=acting_user)
    today = timezone.localdate()
    closed_on = closed_on or today
    errors = _check_day(
        closed_on,
        "closed_on",
        not_before=complaint.responded_on or complaint.received_on,
        before_label="the response" if complaint.responded_on else "the day it was received",
        today=today,
    )
    _raise(errors)
    problems = closure_problems(complaint)
    if problems:
        raise ValidationError(problems)
    complaint.status = to
    complaint.closed_on = closed_on
    return _save(complaint, before, acting_user=acting_user, action="complaint.closed")


@transaction.atomic
def reopen(
    *, acting_user: Actor, complaint: Complaint, reason: str, reopened_on: Date | None = None
) -> Complaint:
    """Reopen after a response. The first response is kept for the measures; a new
    response date must be agreed, and the response signed off again."""
    complaint, to, before = _step(complaint, "reopen", acting_user=acting_user)
    today = timezone.localdate()
    reopened_on = reopened_on or today
    errors = _check_day(
        reopened_on,
        "reopened_on",
        not_before=complaint.responded_on or complaint.received_on,
        before_label="the response",
        today=today,
    )
    if not reason.strip():
        errors["reason"] = "Say why the complaint is being reopened"
    _raise(errors)
    complaint.status = to
    complaint.reopened_on = reopened_on
    complaint.reopen_count += 1
    complaint.reopen_reason = reason.strip()
    complaint.closed_on = None
    complaint.responded_on = None
    complaint.response_due = None
    complaint.response_date_basis = ""
    complaint.response_date_agreed_on = None
    complaint.response_date_how_agreed = ""
    complaint.response_date_notified_on = None
    complaint.signed_off_by = None
    complaint.signed_off_as = ""
    complaint.signed_off_on = None
    return _save(complaint, before, acting_user=acting_user, action="complaint.reopened")


@transaction.atomic
def refer_to_phso(
    *, acting_user: Actor, complaint: Complaint, referred_on: Date, phso_reference: str = ""
) -> Complaint:
    """The complainant has taken the complaint to the Ombudsman (the trust was told)."""
    complaint, to, before = _step(complaint, "refer_to_phso", acting_user=acting_user)
    errors = _check_day(
        referred_on,
        "referred_on",
        not_before=complaint.responded_on or complaint.received_on,
        before_label="the response",
        today=timezone.localdate(),
    )
    _raise(errors)
    complaint.status = to
    complaint.referred_to_phso_on = referred_on
    complaint.closed_on = None
    _save(complaint, before, acting_user=acting_user, action="complaint.referred_to_phso")
    referral = PHSOReferral.objects.create(
        complaint=complaint, referred_on=referred_on, phso_reference=phso_reference.strip()[:60]
    )
    audit.record(
        acting_user=acting_user,
        action="complaint.phso_referral_recorded",
        obj=referral,
        after={"complaint_id": complaint.pk, "referred_on": referred_on},
    )
    return complaint


@transaction.atomic
def transfer(
    *,
    acting_user: Actor,
    complaint: Complaint,
    transferred_to: str,
    transferred_on: Date | None = None,
) -> Complaint:
    """Sent on to the body that should handle it (regulation 6(5)), with consent."""
    complaint, to, before = _step(complaint, "transfer", acting_user=acting_user)
    today = timezone.localdate()
    transferred_on = transferred_on or today
    errors = _check_day(
        transferred_on,
        "transferred_on",
        not_before=complaint.received_on,
        before_label="the day it was received",
        today=today,
    )
    if not transferred_to.strip():
        errors["transferred_to"] = "Enter the organisation it was transferred to"
    _raise(errors)
    complaint.status = to
    complaint.transferred_to = transferred_to.strip()[:200]
    complaint.transferred_on = transferred_on
    return _save(complaint, before, acting_user=acting_user, action="complaint.transferred")


@transaction.atomic
def escalate_pals_concern(
    *,
    acting_user: Actor,
    concern: Complaint,
    escalated_on: Date | None = None,
    late_acceptance_reason: str = "",
    calendar: WorkingCalendar | None = None,
) -> Complaint:
    """A PALS concern becomes a formal complaint.

    The complaint is a new case (its own C- reference) received on the day of
    escalation, since that is when the formal complaint was made and its clocks
    start; it links back to the concern (`escalated_from`), shares its people and
    copies its issues (without outcomes). The concern is closed as escalated and
    keeps its own history.
    """
    concern, to, before = _step(concern, "escalate", acting_user=acting_user)
    escalated_on = escalated_on or timezone.localdate()
    errors = _check_day(
        escalated_on,
        "escalated_on",
        not_before=concern.received_on,
        before_label="the concern was raised",
        today=timezone.localdate(),
    )
    _raise(errors)
    complaint = record_complaint(
        acting_user=acting_user,
        kind=Kind.COMPLAINT,
        channel=concern.channel,
        received_on=escalated_on,
        service=concern.service,
        team=concern.team,
        site=concern.site,
        summary=concern.summary,
        handler=concern.handler,
        event_date=concern.event_date,
        aware_date=concern.aware_date,
        late_acceptance_reason=late_acceptance_reason,
        escalated_from=concern,
        calendar=calendar,
        # The same people, not copies of them.
        complainant=concern.complainant,
        patient=concern.patient,
    )
    for issue in concern.issues.all():
        ComplaintIssue.objects.create(
            complaint=complaint,
            description=issue.description,
            subject_id=issue.subject_id,
            clinical_subcategory_id=issue.clinical_subcategory_id,
            service_area_id=issue.service_area_id,
            profession_id=issue.profession_id,
            hcat_domain_id=issue.hcat_domain_id,
            hcat_category_id=issue.hcat_category_id,
            hcat_severity=issue.hcat_severity,
            hcat_stage_id=issue.hcat_stage_id,
            harm_id=issue.harm_id,
        )
    rollup.refresh(complaint.pk)
    concern.status = to
    concern.closed_on = escalated_on
    _save(concern, before, acting_user=acting_user, action="complaint.pals_escalated")
    return complaint


# Closure ------------------------------------------------------------------------


def _learning_loop_gaps(complaint: Complaint) -> list[str] | None:
    """What the learning module says is still missing (None when it is not installed)."""
    try:
        from wellled.learning.queries import closure_gaps
    except ImportError:
        return None
    return [str(gap) for gap in closure_gaps(complaint)]


def closure_problems(complaint: Complaint) -> list[str]:
    """Why the case cannot close yet: learning, and the Ombudsman's recommendations."""
    problems = _learning_loop_gaps(complaint)
    if problems is None:
        problems = []
        missing = [
            str(n)
            for n, issue in enumerate(complaint.issues.all(), start=1)
            if issue.outcome in NEEDS_LEARNING and issue.lacks_learning
        ]
        if missing:
            problems.append(
                f"Issue {', '.join(missing)} {'is' if len(missing) == 1 else 'are'} upheld or "
                "partially upheld but has no learning: record what was learned, or why there "
                "is nothing to learn, before closing"
            )
    if complaint.status == Status.REFERRED_TO_PHSO:
        referrals = list(complaint.phso_referrals.prefetch_related("recommendations"))
        if any(r.decision == PHSODecision.PENDING for r in referrals):
            problems.append("Record the Ombudsman's decision before closing")
        open_recs = [
            rec for r in referrals for rec in r.recommendations.all() if rec.completed_on is None
        ]
        if open_recs:
            problems.append(
                f"{len(open_recs)} of the Ombudsman's recommendations "
                f"{'is' if len(open_recs) == 1 else 'are'} not yet completed"
            )
    return problems


# Letters -------------------------------------------------------------------------


def _final_letter_ready(complaint: Complaint) -> Letter:
    """The final response to send, or why it cannot be sent (regulation 14 content)."""
    from wellled.complaints.letters import has_ombudsman_paragraph

    letter = complaint.letters.filter(kind=LetterKind.FINAL, sent_on__isnull=True).last()
    if letter is None:
        raise ValidationError(
            {"letter": "Draft the final response letter before recording it as sent"}
        )
    problems = []
    if not letter.checklist_complete:
        problems.append(
            "Confirm every item of the final response checklist: how the complaint was "
            "considered, the conclusions, the action taken or proposed, and the right to "
            "go to the Ombudsman"
        )
    if not has_ombudsman_paragraph(letter.body):
        problems.append(
            "The final response must tell the complainant of their right to go to the "
            "Parliamentary and Health Service Ombudsman (include the Ombudsman paragraph "
            "with www.ombudsman.org.uk)"
        )
    if problems:
        raise ValidationError({"letter": problems})
    return letter


def _letter_snapshot(letter: Letter) -> dict[str, Any]:
    return {
        "complaint_id": letter.complaint_id,
        "kind": letter.kind,
        "confirms_how_considered": letter.confirms_how_considered,
        "confirms_conclusions": letter.confirms_conclusions,
        "confirms_actions": letter.confirms_actions,
        "confirms_ombudsman_rights": letter.confirms_ombudsman_rights,
        "sent_on": letter.sent_on,
        "body_length": len(letter.body),
    }


@transaction.atomic
def save_letter_template(
    *, acting_user: Actor, kind: str, subject: str, body: str
) -> LetterTemplate:
    """The trust's wording for a kind of letter (complaints managers)."""
    from wellled.complaints.letters import template_errors

    if acting_user is not None and not can(acting_user, Cap.MANAGE_COMPLAINT_REFERENCE_DATA):
        raise PermissionDenied("Only complaints managers edit letter templates")
    errors: dict[str, list[str]] = {}
    if kind not in LetterKind.values:
        errors["kind"] = ["Choose the kind of letter"]
    if not subject.strip():
        errors["subject"] = ["Enter the subject line"]
    elif template_errors(subject):
        errors["subject"] = template_errors(subject)
    if not body.strip():
        errors["body"] = ["Enter the letter's text"]
    elif template_errors(body):
        errors["body"] = template_errors(body)
    if errors:
        raise ValidationError(errors)
    template = LetterTemplate.objects.select_for_update().filter(kind=kind).first()
    before = {"subject": template.subject, "body": template.body} if template else {}
    if template is None:
        template = LetterTemplate(kind=kind)
    template.subject = subject.strip()[:200]
    template.body = body.strip()
    template.updated_by = acting_user if isinstance(acting_user, User) else None
    template.save()
    old, new = audit.diff(before, {"subject": template.subject, "body": template.body})
    audit.record(
        acting_user=acting_user,
        action="complaint.letter_template_saved",
        obj=template,
        before=old,
        after=new,
    )
    return template


@transaction.atomic
def draft_letter(*, acting_user: Actor, complaint: Complaint, kind: str) -> Letter:
    """A letter for the case, from the trust's template, to edit before it is sent."""
    from wellled.complaints.letters import render_text, template_for, variables_for

    complaint = _lock(complaint)
    _require(acting_user, Cap.MANAGE_COMPLAINTS, complaint.service)
    if kind not in LetterKind.values:
        raise ValidationError({"kind": "Choose the kind of letter"})
    if kind == LetterKind.FINAL and complaint.kind != Kind.COMPLAINT:
        raise ValidationError({"kind": "Only a formal complaint has a final response letter"})
    template = template_for(kind)
    values = variables_for(complaint)
    letter = Letter.objects.create(
        complaint=complaint,
        kind=kind,
        subject=render_text(template.subject, values)[:200],
        body=render_text(template.body, values),
        created_by=acting_user if isinstance(acting_user, User) else None,
    )
    audit.record(
        acting_user=acting_user,
        action="complaint.letter_drafted",
        obj=letter,
        after=_letter_snapshot(letter),
    )
    return letter


@transaction.atomic
def edit_letter(
    *,
    acting_user: Actor,
    letter: Letter,
    subject: str,
    body: str,
    confirms_how_considered: bool = False,
    confirms_conclusions: bool = False,
    confirms_actions: bool = False,
    confirms_ombudsman_rights: bool = False,
) -> Letter:
    from wellled.complaints.letters import has_ombudsman_paragraph

    letter = Letter.objects.select_for_update().select_related("complaint").get(pk=letter.pk)
    _require(acting_user, Cap.MANAGE_COMPLAINTS, letter.complaint.service)
    if letter.sent_on is not None:
        raise ValidationError("This letter has been sent: draft a new one to say more")
    errors: dict[str, str] = {}
    if not subject.strip():
        errors["subject"] = "Enter the subject line"
    if not body.strip():
        errors["body"] = "Enter the letter's text"
    elif (
        letter.kind == LetterKind.FINAL
        and confirms_ombudsman_rights
        and not has_ombudsman_paragraph(body)
    ):
        errors["confirms_ombudsman_rights"] = (
            "The letter does not contain the Ombudsman rights paragraph "
            "(Parliamentary and Health Service Ombudsman, www.ombudsman.org.uk)"
        )
    _raise(errors)
    before = _letter_snapshot(letter)
    letter.subject = subject.strip()[:200]
    letter.body = body.strip()
    if letter.kind == LetterKind.FINAL:
        letter.confirms_how_considered = confirms_how_considered
        letter.confirms_conclusions = confirms_conclusions
        letter.confirms_actions = confirms_actions
        letter.confirms_ombudsman_rights = confirms_ombudsman_rights
    letter.save()
    old, new = audit.diff(before, _letter_snapshot(letter))
    audit.record(
        acting_user=acting_user, action="complaint.letter_edited", obj=letter, before=old, after=new
    )
    return letter


@transaction.atomic
def mark_letter_sent(*, acting_user: Actor, letter: Letter, sent_on: Date) -> Letter:
    """An acknowledgement, holding or late letter was sent. A final response is sent
    by recording the response, which checks its content first."""
    letter = Letter.objects.select_for_update().select_related("complaint").get(pk=letter.pk)
    complaint = letter.complaint
    _require(acting_user, Cap.MANAGE_COMPLAINTS, complaint.service)
    if letter.kind == LetterKind.FINAL:
        raise ValidationError(
            "Send the final response by recording the response as sent, after sign-off"
        )
    if letter.sent_on is not None:
        raise ValidationError("This letter is already recorded as sent")
    _raise(
        _check_day(
            sent_on,
            "sent_on",
            not_before=complaint.received_on,
            before_label="the day it was received",
            today=timezone.localdate(),
        )
    )
    before = _letter_snapshot(letter)
    letter.sent_on = sent_on
    letter.save(update_fields=["sent_on", "updated_at"])
    old, new = audit.diff(before, _letter_snapshot(letter))
    audit.record(
        acting_user=acting_user, action="complaint.letter_sent", obj=letter, before=old, after=new
    )
    if letter.kind == LetterKind.LATE:
        for task in complaint.late_response_tasks.filter(letter_sent_on__isnull=True):
            _close_late_task(
                task,
                sent_on=sent_on,
                reason=f"Explained in the late response letter sent on {long_date(sent_on)}",
                acting_user=acting_user,
            )
    return letter


# Late responses (regulation 14) ----------------------------------------------------


def _close_late_task(
    task: LateResponseTask, *, sent_on: Date, reason: str, acting_user: Actor
) -> LateResponseTask:
    task.letter_sent_on = sent_on
    task.reason_for_delay = reason
    task.save(update_fields=["letter_sent_on", "reason_for_delay"])
    audit.record(
        acting_user=acting_user,
        action="complaint.late_letter_sent",
        obj=task,
        after={"complaint_id": task.complaint_id, "letter_sent_on": sent_on},
    )
    return task


@transaction.atomic
def open_late_response_tasks(
    *, acting_user: Actor = None, today: Date | None = None
) -> list[LateResponseTask]:
    """Open a "late response letter" task for every open case whose response date
    has passed without a response. Each missed date opens one task, once."""
    today = today or timezone.localdate()
    late = Complaint.objects.filter(
        kind=Kind.COMPLAINT,
        exclusion="",
        status__in=OPEN_STATUSES,
        responded_on__isnull=True,
        response_due__lt=today,
    ).exclude(late_response_tasks__missed_due=models.F("response_due"))
    opened = []
    for complaint in late.only("pk", "response_due"):
        assert complaint.response_due is not None
        task, created = LateResponseTask.objects.get_or_create(
            complaint=complaint, missed_due=complaint.response_due, defaults={"opened_on": today}
        )
        if created:
            audit.record(
                acting_user=acting_user,
                action="complaint.late_response_task_opened",
                obj=task,
                after={"complaint_id": complaint.pk, "missed_due": task.missed_due},
            )
            opened.append(task)
    return opened


@transaction.atomic
def record_late_letter_sent(
    *, acting_user: Actor, task: LateResponseTask, sent_on: Date, reason_for_delay: str
) -> LateResponseTask:
    task = LateResponseTask.objects.select_for_update().select_related("complaint").get(pk=task.pk)
    _require(acting_user, Cap.MANAGE_COMPLAINTS, task.complaint.service)
    if task.letter_sent_on is not None:
        raise ValidationError("The late response letter is already recorded as sent")
    errors = _check_day(
        sent_on,
        "sent_on",
        not_before=task.missed_due,
        before_label="the missed response date",
        today=timezone.localdate(),
    )
    if not reason_for_delay.strip():
        errors["reason_for_delay"] = "Say why the response is late: the letter must explain it"
    _raise(errors)
    return _close_late_task(
        task, sent_on=sent_on, reason=reason_for_delay.strip(), acting_user=acting_user
    )


# The Ombudsman ---------------------------------------------------------------------


def _lock_referral(referral: PHSOReferral) -> PHSOReferral:
    return PHSOReferral.objects.select_for_update().select_related("complaint").get(pk=referral.pk)


@transaction.atomic
def record_phso_decision(
    *,
    acting_user: Actor,
    referral: PHSOReferral,
    decision: str,
    decision_on: Date,
    decision_summary: str = "",
) -> PHSOReferral:
    referral = _lock_referral(referral)
    _require(acting_user, Cap.MANAGE_COMPLAINTS, referral.complaint.service)
    errors = _check_day(
        decision_on,
        "decision_on",
        not_before=referral.referred_on,
        before_label="the referral",
        today=timezone.localdate(),
    )
    if decision not in PHSODecision.values or decision == PHSODecision.PENDING:
        errors["decision"] = "Choose the Ombudsman's decision"
    _raise(errors)
    before = {"decision": referral.decision, "decision_on": referral.decision_on}
    referral.decision = decision
    referral.decision_on = decision_on
    referral.decision_summary = decision_summary.strip()
    referral.save(update_fields=["decision", "decision_on", "decision_summary"])
    audit.record(
        acting_user=acting_user,
        action="complaint.phso_decision",
        obj=referral,
        before=before,
        after={"decision": decision, "decision_on": decision_on},
    )
    return referral


@transaction.atomic
def add_phso_recommendation(
    *, acting_user: Actor, referral: PHSOReferral, description: str, due_on: Date | None
) -> PHSORecommendation:
    referral = _lock_referral(referral)
    _require(acting_user, Cap.MANAGE_COMPLAINTS, referral.complaint.service)
    errors: dict[str, str] = {}
    if not description.strip():
        errors["description"] = "Describe what the Ombudsman recommended"
    if due_on is None:
        errors["due_on"] = "Enter the date the Ombudsman expects it done by"
    elif due_on < referral.referred_on:
        errors["due_on"] = "The due date cannot be before the referral"
    _raise(errors)
    assert due_on is not None
    recommendation = PHSORecommendation.objects.create(
        referral=referral, description=description.strip(), due_on=due_on
    )
    audit.record(
        acting_user=acting_user,
        action="complaint.phso_recommendation_added",
        obj=recommendation,
        after={"referral_id": referral.pk, "due_on": due_on},
    )
    return recommendation


@transaction.atomic
def complete_phso_recommendation(
    *,
    acting_user: Actor,
    recommendation: PHSORecommendation,
    completed_on: Date,
    evidence: str,
) -> PHSORecommendation:
    recommendation = (
        PHSORecommendation.objects.select_for_update()
        .select_related("referral__complaint")
        .get(pk=recommendation.pk)
    )
    _require(acting_user, Cap.MANAGE_COMPLAINTS, recommendation.referral.complaint.service)
    if recommendation.completed_on is not None:
        raise ValidationError("This recommendation is already recorded as completed")
    errors = _check_day(
        completed_on,
        "completed_on",
        not_before=recommendation.referral.referred_on,
        before_label="the referral",
        today=timezone.localdate(),
    )
    if not evidence.strip():
        errors["evidence"] = "Say what shows the recommendation was carried out"
    _raise(errors)
    recommendation.completed_on = completed_on
    recommendation.evidence = evidence.strip()
    recommendation.save(update_fields=["completed_on", "evidence"])
    audit.record(
        acting_user=acting_user,
        action="complaint.phso_recommendation_completed",
        obj=recommendation,
        after={"completed_on": completed_on, "has_evidence": True},
    )
    return recommendation


# Scope and details ---------------------------------------------------------------


@transaction.atomic
def exclude(
    *, acting_user: Actor, complaint: Complaint, exclusion: str, exclusion_reason: str
) -> Complaint:
    """Regulation 8: the complaint need not be handled under the Regulations. It is
    recorded and closed, kept for learning, and its statutory clocks stop."""
    complaint, to, before = _step(complaint, "exclude", acting_user=acting_user)
    errors: dict[str, str] = {}
    if exclusion not in Exclusion.values:
        errors["exclusion"] = "Choose which part of regulation 8 applies"
    elif exclusion == Exclusion.ORAL_RESOLVED:
        errors["exclusion"] = (
            "An oral complaint resolved by the next working day is recorded as such at intake"
        )
    if not exclusion_reason.strip():
        errors["exclusion_reason"] = "Say why the complaint falls under this exclusion"
    _raise(errors)
    complaint.status = to
    complaint.exclusion = exclusion
    complaint.exclusion_reason = exclusion_reason.strip()
    complaint.closed_on = timezone.localdate()
    return _save(complaint, before, acting_user=acting_user, action="complaint.excluded")


@transaction.atomic
def update_case_details(
    *,
    acting_user: Actor,
    complaint: Complaint,
    summary: str | None = None,
    team: OrgUnit | _Unset | None = UNSET,
    site: OrgUnit | _Unset | None = UNSET,
    event_date: Date | _Unset | None = UNSET,
    aware_date: Date | _Unset | None = UNSET,
    late_acceptance_reason: str | None = None,
) -> Complaint:
    """Correct the summary, team, site or dates of the case. The received date is
    not editable: every clock runs from it. Pass UNSET to leave a field as it is."""
    complaint = _lock(complaint)
    _require(acting_user, Cap.MANAGE_COMPLAINTS, complaint.service)
    before = snapshot(complaint)
    errors: dict[str, str] = {}
    if summary is not None:
        if not summary.strip():
            errors["summary"] = "Enter a summary of the complaint"
        complaint.summary = summary.strip()
    if not isinstance(team, _Unset):
        complaint.team = team
    if not isinstance(site, _Unset):
        complaint.site = site
    if not isinstance(event_date, _Unset):
        complaint.event_date = event_date
    if not isinstance(aware_date, _Unset):
        complaint.aware_date = aware_date
    if late_acceptance_reason is not None:
        complaint.late_acceptance_reason = late_acceptance_reason.strip()
    errors.update(_place_errors(complaint.service, complaint.team, complaint.site))
    errors.pop("service", None)
    if complaint.event_date is not None and complaint.event_date > complaint.received_on:
        errors["event_date"] = "What happened cannot be after the complaint was received"
    if complaint.aware_date is not None and complaint.aware_date > complaint.received_on:
        errors["aware_date"] = "The complainant cannot have become aware after complaining"
    if (
        complaint.event_date is not None
        and complaint.aware_date is not None
        and complaint.aware_date < complaint.event_date
    ):
        errors["aware_date"] = "The complainant cannot have become aware before it happened"
    if (
        complaint.kind == Kind.COMPLAINT
        and clocks.is_out_of_time(complaint.received_on, complaint.event_date, complaint.aware_date)
        and not complaint.late_acceptance_reason
    ):
        errors["late_acceptance_reason"] = (
            "This complaint was received after the 12-month time limit: record why the "
            "complainant had good reason not to complain sooner and why it can still be "
            "investigated fairly"
        )
    _raise(errors)
    complaint = _save(complaint, before, acting_user=acting_user, action="complaint.updated")
    if summary is not None:
        audit.record(
            acting_user=acting_user,
            action="complaint.summary_edited",
            obj=complaint,
            after={"has_summary": True},
        )
    return complaint


@transaction.atomic
def update_complainant(
    *, acting_user: Actor, complaint: Complaint, details: ComplainantDetails
) -> Complainant:
    """Correct the complainant's details on this case."""
    complaint = _lock(complaint)
    _require(acting_user, Cap.MANAGE_COMPLAINTS, complaint.service)
    _raise(_complainant_errors(details))
    person = complaint.complainant
    fields = (
        "full_name",
        "email",
        "phone",
        "address",
        "relationship",
        "representative_basis",
        "consent_status",
        "consent_evidence",
    )
    before = {name: getattr(person, name) for name in fields}
    for name in fields:
        value = getattr(details, name)
        setattr(person, name, value.strip() if isinstance(value, str) else value)
    person.save(update_fields=list(fields))
    changed = sorted(name for name in fields if before[name] != getattr(person, name))
    audit.record(
        acting_user=acting_user,
        action="complaint.complainant_updated",
        obj=complaint,
        # Which fields changed, never their values: they are personal data.
        after={
            "changed": changed,
            "representative_basis": person.representative_basis,
            "consent_status": person.consent_status,
        },
    )
    return person


@transaction.atomic
def update_patient(*, acting_user: Actor, complaint: Complaint, details: PatientDetails) -> Patient:
    """Record or correct the patient. The NHS number is checked (modulus 11)."""
    complaint = _lock(complaint)
    _require(acting_user, Cap.MANAGE_COMPLAINTS, complaint.service)
    values, errors = _patient_values(details, timezone.localdate())
    _raise(errors)
    patient = complaint.patient
    created = patient is None
    changed: list[str] = []
    if patient is None:
        patient = Patient.objects.create(**values)
        before_snapshot = snapshot(complaint)
        complaint.patient = patient
        _save(complaint, before_snapshot, acting_user=acting_user, action="complaint.updated")
        changed = sorted(values)
    else:
        changed = sorted(k for k, v in values.items() if getattr(patient, k) != v)
        for key, value in values.items():
            setattr(patient, key, value)
        patient.save(update_fields=list(values))
    audit.record(
        acting_user=acting_user,
        action="complaint.patient_updated",
        obj=complaint,
        after={"created": created, "changed": changed},
    )
    return patient


@transaction.atomic
def update_issue(
    *,
    acting_user: Actor,
    issue: ComplaintIssue,
    description: str,
    subject: ReferenceItem | None,
    service_area: ReferenceItem | None,
    profession: ReferenceItem | None,
    clinical_subcategory: ReferenceItem | None = None,
    hcat_domain: ReferenceItem | None = None,
    hcat_category: ReferenceItem | None = None,
    hcat_severity: int | None = None,
    hcat_stage: ReferenceItem | None = None,
    harm: ReferenceItem | None = None,
) -> ComplaintIssue:
    issue, complaint = _lock_issue(issue)
    hcat_domain = _checked_issue(
        acting_user,
        complaint,
        "changed",
        description=description,
        subject=subject,
        clinical_subcategory=clinical_subcategory,
        service_area=service_area,
        profession=profession,
        hcat_domain=hcat_domain,
        hcat_category=hcat_category,
        hcat_severity=hcat_severity,
        hcat_stage=hcat_stage,
        harm=harm,
    )
    before = _issue_snapshot(issue)
    issue.description = description.strip()
    issue.subject = subject  # type: ignore[assignment]
    issue.clinical_subcategory = clinical_subcategory
    issue.service_area = service_area  # type: ignore[assignment]
    issue.profession = profession  # type: ignore[assignment]
    issue.hcat_domain = hcat_domain
    issue.hcat_category = hcat_category
    issue.hcat_severity = hcat_severity
    issue.hcat_stage = hcat_stage
    issue.harm = harm
    return _save_issue(issue, before, acting_user=acting_user, action="complaint.issue_edited")


# Attachments and the public form ----------------------------------------------------


@transaction.atomic
def add_attachment(
    *,
    acting_user: Actor,
    complaint: Complaint,
    filename: str,
    data: bytes,
    from_public_form: bool = False,
) -> Attachment:
    """Keep a document with the case: size and real type are checked from its bytes."""
    from wellled.complaints.uploads import check_file

    _require(acting_user, Cap.MANAGE_COMPLAINTS, complaint.service)
    try:
        checked = check_file(filename, data)
    except ValueError as error:
        raise ValidationError({"attachment": str(error)}) from error
    return _attach_checked(
        acting_user=acting_user,
        complaint=complaint,
        checked=checked,
        from_public_form=from_public_form,
    )


def _attach_checked(
    *, acting_user: Actor, complaint: Complaint, checked: CheckedFile, from_public_form: bool
) -> Attachment:
    """Keep a file that `uploads.check_file` has just passed (so it is scanned once)."""
    attachment = Attachment.objects.create(
        complaint=complaint,
        filename=checked.filename,
        content_type=checked.content_type,
        size=len(checked.data),
        data=checked.data,
        from_public_form=from_public_form,
        uploaded_by=acting_user if isinstance(acting_user, User) else None,
    )
    audit.record(
        acting_user=acting_user,
        action="complaint.attachment_added",
        obj=attachment,
        after={
            "complaint_id": complaint.pk,
            "content_type": checked.content_type,
            "size": len(checked.data),
        },
    )
    return attachment


@dataclass(frozen=True)
class UploadedDocument:
    filename: str
    data: bytes


HELD_EXPIRED = (
    "A document you attached earlier has been deleted because it was kept for 2 hours. "
    "If you still want to send it, please choose it again"
)


@transaction.atomic
def hold_public_documents(*, documents: Sequence[CheckedFile]) -> list[HeldUpload]:
    """Keep checked documents from a public form that came back with a problem.

    Each gets a random token for the form to carry back; nothing about the sender
    is stored. They are re-checked when they become attachments.
    """
    held = [
        HeldUpload.objects.create(
            token=secrets.token_urlsafe(32),
            filename=document.filename,
            content_type=document.content_type,
            size=len(document.data),
            data=document.data,
        )
        for document in documents
    ]
    if held:
        audit.record(
            acting_user=None,
            action="complaint.public_documents_held",
            after={"count": len(held), "bytes": sum(h.size for h in held)},
        )
    return held


def _delete_held(rows: models.QuerySet[HeldUpload], *, acting_user: Actor, action: str) -> int:
    deleted, _ = rows.delete()
    if deleted:
        audit.record(acting_user=acting_user, action=action, after={"count": deleted})
    return deleted


@transaction.atomic
def discard_held_documents(*, tokens: Sequence[str]) -> int:
    """Delete held documents the person removed from their form; returns how many."""
    rows = HeldUpload.objects.filter(token__in=list(tokens))
    return _delete_held(rows, acting_user=None, action="complaint.held_documents_removed")


@transaction.atomic
def prune_held_uploads(*, acting_user: Actor = None, now: datetime.datetime | None = None) -> int:
    """Delete held documents older than the public form's MAX_AGE; returns how many."""
    rows = HeldUpload.objects.filter(created_at__lt=held_cutoff(now))
    return _delete_held(rows, acting_user=acting_user, action="complaint.held_documents_pruned")


def _send_confirmation(email: str, reference: str) -> None:
    from django.conf import settings
    from django.core.mail import send_mail

    send_mail(
        subject=f"Your complaint reference is {reference}",
        message=(
            "Thank you for telling us about your experience.\n\n"
            f"Your complaint reference is {reference}. Please quote it if you contact us.\n\n"
            "We will acknowledge your complaint within 3 working days and offer to talk "
            "with you about how we will look into it and when you can expect our response."
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[email],
        fail_silently=True,
    )


@transaction.atomic
def submit_public_complaint(
    *,
    service: OrgUnit,
    summary: str,
    complainant: ComplainantDetails,
    patient: PatientDetails | None = None,
    event_date: Date | None = None,
    aware_date: Date | None = None,
    documents: list[UploadedDocument] | tuple[UploadedDocument, ...] = (),
    held_tokens: Sequence[str] = (),
) -> Complaint:
    """A complaint made by a member of the public on the online form.

    Recorded as received online today, with no handler until one is assigned. The
    12-month limit is not applied here: a late complaint is accepted or not by the
    complaints team, who record the reason. A confirmation email with the
    reference is sent once the case is saved, if an address was given.

    `held_tokens` name documents kept from an earlier try of the same form
    (`hold_public_documents`): they are attached first, then deleted.
    """
    from wellled.complaints.uploads import MAX_FILES, check_file

    errors: dict[str, list[str]] = {}
    wanted = list(dict.fromkeys(held_tokens))
    held = held_uploads(wanted, for_update=True)
    if len(held) < len(wanted):
        errors["documents"] = [HELD_EXPIRED]
    if len(held) + len(documents) > MAX_FILES:
        errors.setdefault("documents", []).append(f"Attach no more than {MAX_FILES} documents")
    checked = []
    for upload in [UploadedDocument(row.filename, bytes(row.data)) for row in held] + list(
        documents
    ):
        try:
            checked.append(check_file(upload.filename, upload.data))
        except ValueError as error:
            errors.setdefault("documents", []).append(str(error))
    if errors:
        raise ValidationError(errors)
    received_on = timezone.localdate()
    # The time limit is judged by staff: give them a placeholder reason if it applies.
    late_reason = ""
    if clocks.is_out_of_time(received_on, event_date, aware_date):
        late_reason = "Made online after the 12-month limit: the complaints team to decide"
    complaint = record_complaint(
        acting_user=None,
        channel=Channel.ONLINE,
        received_on=received_on,
        service=service,
        summary=summary,
        complainant=complainant,
        patient=patient,
        event_date=event_date,
        aware_date=aware_date,
        late_acceptance_reason=late_reason,
    )
    for document in checked:
        _attach_checked(
            acting_user=None, complaint=complaint, checked=document, from_public_form=True
        )
    HeldUpload.objects.filter(pk__in=[row.pk for row in held]).delete()
    email = complaint.complainant.email
    if email:
        reference = complaint.reference
        transaction.on_commit(lambda: _send_confirmation(email, reference))
    return complaint
