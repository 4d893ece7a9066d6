"""What the complaints actions share: audit snapshots, the capability check, row locks,
saving with the roll-up and audit event, and date checks."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError

from wellled.complaints import rollup, workflow
from wellled.complaints.models import (
    Complaint,
    ComplaintIssue,
)
from wellled.core import audit
from wellled.core.types import Actor
from wellled.core.workdays import long_date
from wellled.organisation.access import Cap, can
from wellled.organisation.models import OrgUnit, UnitKind

Date = datetime.date


class _Unset:
    """A keyword left out, as opposed to one given as None (cleared)."""


UNSET = _Unset()


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
    "time_limit_decision",
    "late_good_reason",
    "late_still_investigable",
    "time_limit_decided_by_id",
    "time_limit_decided_on",
)


def snapshot(complaint: Complaint) -> dict[str, Any]:
    """The case for the audit trail: ids and dates, and only whether free text is there."""
    data: dict[str, Any] = {name: getattr(complaint, name) for name in _SNAPSHOT_FIELDS}
    data["has_late_acceptance_reason"] = bool(complaint.late_acceptance_reason)
    data["has_exclusion_reason"] = bool(complaint.exclusion_reason)
    data["has_reopen_reason"] = bool(complaint.reopen_reason)
    return data


def issue_snapshot(issue: ComplaintIssue) -> dict[str, Any]:
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


def require_capability(acting_user: Actor, capability: Cap, unit: OrgUnit) -> None:
    # None is the system itself (demo data, scheduled jobs); everyone else is checked.
    if acting_user is None:
        return
    if not can(acting_user, capability, unit):
        raise PermissionDenied("You do not have permission to do this for this service")


def lock_case(complaint: Complaint) -> Complaint:
    """The case re-read under a row lock, so two people cannot step it at once."""
    return Complaint.objects.select_for_update().get(pk=complaint.pk)


def save_case(
    complaint: Complaint, before: dict[str, Any], *, acting_user: Actor, action: str
) -> Complaint:
    complaint.save()
    rollup.refresh(complaint.pk)
    old, new = audit.diff(before, snapshot(complaint))
    audit.record(acting_user=acting_user, action=action, obj=complaint, before=old, after=new)
    return complaint


def save_issue(
    issue: ComplaintIssue,
    before: dict[str, Any],
    *,
    acting_user: Actor,
    action: str,
    fields: list[str] | None = None,
) -> ComplaintIssue:
    issue.save(update_fields=fields)
    rollup.refresh(issue.complaint_id)
    old, new = audit.diff(before, issue_snapshot(issue))
    audit.record(acting_user=acting_user, action=action, obj=issue, before=old, after=new)
    return issue


def day_errors(
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


def raise_errors(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError(errors)


def place_errors(service: OrgUnit, team: OrgUnit | None, site: OrgUnit | None) -> dict[str, str]:
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


def handler_errors(handler: User | None, service: OrgUnit) -> dict[str, str]:
    if handler is not None and not can(handler, Cap.MANAGE_COMPLAINTS, service):
        return {"handler": f"{handler.get_full_name() or handler} cannot handle complaints here"}
    return {}


def lock_issue(issue: ComplaintIssue) -> tuple[ComplaintIssue, Complaint]:
    complaint = Complaint.objects.select_for_update().get(pk=issue.complaint_id)
    return ComplaintIssue.objects.select_for_update().get(pk=issue.pk), complaint


def begin_step(
    complaint: Complaint, step: str, *, acting_user: Actor, capability: Cap = Cap.MANAGE_COMPLAINTS
) -> tuple[Complaint, str, dict[str, Any]]:
    complaint = lock_case(complaint)
    require_capability(acting_user, capability, complaint.service)
    to = workflow.check(complaint, step)
    return complaint, to, snapshot(complaint)


# The longest summary a case keeps (docs/complaints.md, "Length limits"): about six
# pages of text. A longer account belongs in an attached document, which the
# summary can point to; the limit keeps the caseload's search and the exports fast.
SUMMARY_MAX_LENGTH = 20_000


def summary_errors(summary: str) -> dict[str, str]:
    """The summary's field-level error, naming the limit ({} when it is fine)."""
    if not summary.strip():
        return {"summary": "Enter a summary of the complaint"}
    if len(summary) > SUMMARY_MAX_LENGTH:
        return {
            "summary": f"The summary must be {SUMMARY_MAX_LENGTH:,} characters or fewer "
            f"(it has {len(summary):,}): attach a longer account as a document"
        }
    return {}
