"""The issues of a case: their KO41a and HCAT coding, outcomes and learning."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from wellled.complaints import rollup
from wellled.complaints.actions._common import (
    issue_snapshot,
    lock_case,
    lock_issue,
    raise_errors,
    require_capability,
    save_issue,
)
from wellled.complaints.models import (
    Complaint,
    ComplaintIssue,
    Outcome,
    ReferenceItem,
    ReferenceList,
    Status,
)
from wellled.complaints.reference import check_item
from wellled.core import audit
from wellled.core.types import Actor
from wellled.organisation.access import Cap

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
    require_capability(acting_user, Cap.MANAGE_COMPLAINTS, complaint.service)
    if complaint.status not in _ISSUE_EDITABLE:
        raise ValidationError(
            f"Issues cannot be {verb} while {complaint.reference} is "
            f"{complaint.get_status_display().lower()}"
        )
    errors = _coding_errors(**coding)
    if not description.strip():
        errors["description"] = "Describe the issue"
    raise_errors(errors)
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
    complaint = lock_case(complaint)
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
        after=issue_snapshot(issue),
    )
    return issue


@transaction.atomic
def record_issue_outcome(
    *, acting_user: Actor, issue: ComplaintIssue, outcome: str
) -> ComplaintIssue:
    issue, complaint = lock_issue(issue)
    require_capability(acting_user, Cap.MANAGE_COMPLAINTS, complaint.service)
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": "Choose upheld, partially upheld or not upheld"})
    if complaint.status not in _ISSUE_EDITABLE:
        raise ValidationError(
            f"Outcomes cannot change while {complaint.reference} is "
            f"{complaint.get_status_display().lower()}: reopen it first"
        )
    before = issue_snapshot(issue)
    issue.outcome = outcome
    return save_issue(
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
    issue, complaint = lock_issue(issue)
    require_capability(acting_user, Cap.MANAGE_COMPLAINTS, complaint.service)
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
    before = issue_snapshot(issue)
    issue.learning_statement = learning_statement
    issue.no_learning_reason = no_learning_reason
    return save_issue(
        issue,
        before,
        acting_user=acting_user,
        action="complaint.learning",
        fields=["learning_statement", "no_learning_reason"],
    )


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
    issue, complaint = lock_issue(issue)
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
    before = issue_snapshot(issue)
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
    return save_issue(issue, before, acting_user=acting_user, action="complaint.issue_edited")
