"""The people on a case: the complainant (and their consent) and the patient, kept apart,
and the case's handler."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from wellled.complaints.actions._common import (
    Date,
    handler_errors,
    lock_case,
    raise_errors,
    require_capability,
    save_case,
    snapshot,
)
from wellled.complaints.models import (
    Complainant,
    Complaint,
    ConsentStatus,
    Patient,
    RepresentativeBasis,
)
from wellled.complaints.validators import normalise_nhs_number
from wellled.core import audit
from wellled.core.types import Actor
from wellled.organisation.access import Cap

# Bases on which someone complains for a patient, so the patient must be recorded.
FOR_A_PATIENT = frozenset(
    {
        RepresentativeBasis.DECEASED,
        RepresentativeBasis.CHILD,
        RepresentativeBasis.INCAPACITY,
        RepresentativeBasis.AUTHORISED,
    }
)


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
    # "Ms", "Dr"...: optional; letters greet "Dear Ms Rivera" when it is given.
    title: str = ""


@dataclass(frozen=True)
class PatientDetails:
    full_name: str
    nhs_number: str = ""
    date_of_birth: Date | None = None


def consent_errors(basis: str, status: str, evidence: str) -> dict[str, str]:
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


def complainant_errors(details: ComplainantDetails) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not details.full_name.strip():
        errors["complainant_name"] = "Enter the complainant's name"
    if len(details.title.strip()) > 20:
        errors["title"] = "Enter a title of 20 characters or fewer"
    if not (details.email.strip() or details.phone.strip() or details.address.strip()):
        errors["complainant_contact"] = (
            "Enter at least one way to reach the complainant: email, phone or address"
        )
    errors.update(
        consent_errors(
            details.representative_basis, details.consent_status, details.consent_evidence
        )
    )
    return errors


def checked_patient_values(
    details: PatientDetails, today: Date
) -> tuple[dict[str, Any], dict[str, str]]:
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


def complainant_record(details: ComplainantDetails | Complainant) -> Complainant:
    if isinstance(details, Complainant):
        return details
    return Complainant.objects.create(
        full_name=details.full_name.strip(),
        title=details.title.strip(),
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
    complaint = lock_case(complaint)
    require_capability(acting_user, Cap.MANAGE_COMPLAINTS, complaint.service)
    raise_errors(handler_errors(handler, complaint.service))
    before = snapshot(complaint)
    complaint.handler = handler
    return save_case(
        complaint, before, acting_user=acting_user, action="complaint.handler_assigned"
    )


@transaction.atomic
def update_consent(
    *, acting_user: Actor, complaint: Complaint, consent_status: str, consent_evidence: str
) -> Complainant:
    complaint = lock_case(complaint)
    require_capability(acting_user, Cap.MANAGE_COMPLAINTS, complaint.service)
    person = complaint.complainant
    raise_errors(consent_errors(person.representative_basis, consent_status, consent_evidence))
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


@transaction.atomic
def update_complainant(
    *, acting_user: Actor, complaint: Complaint, details: ComplainantDetails
) -> Complainant:
    """Correct the complainant's details on this case."""
    complaint = lock_case(complaint)
    require_capability(acting_user, Cap.MANAGE_COMPLAINTS, complaint.service)
    raise_errors(complainant_errors(details))
    person = complaint.complainant
    fields = (
        "full_name",
        "title",
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
    complaint = lock_case(complaint)
    require_capability(acting_user, Cap.MANAGE_COMPLAINTS, complaint.service)
    values, errors = checked_patient_values(details, timezone.localdate())
    raise_errors(errors)
    patient = complaint.patient
    created = patient is None
    changed: list[str] = []
    if patient is None:
        patient = Patient.objects.create(**values)
        before_snapshot = snapshot(complaint)
        complaint.patient = patient
        save_case(complaint, before_snapshot, acting_user=acting_user, action="complaint.updated")
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
