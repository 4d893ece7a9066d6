"""The steps the case page offers: each one's title, form, capability, action and
when it is offered. `cases.complaint_step` runs them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from wellled.complaints import actions, casework_forms, forms, workflow
from wellled.complaints.actions.time_limit import may_decide
from wellled.complaints.models import (
    NEEDS_LEARNING,
    OPEN_STATUSES,
    Complaint,
    LetterKind,
    PHSODecision,
    PHSORecommendation,
    Status,
)
from wellled.core.types import AuthenticatedHttpRequest
from wellled.organisation.access import Cap


@dataclass(frozen=True)
class StepPage:
    title: str
    button: str
    form_class: type[forms.StepForm]
    capability: Cap
    run: Callable[[AuthenticatedHttpRequest, Complaint, dict[str, Any]], object]
    offered: Callable[[Complaint], bool]


def _workflow(name: str) -> Callable[[Complaint], bool]:
    return lambda complaint: workflow.can_take(complaint, name)


def _may_date_response(complaint: Complaint) -> bool:
    return (
        complaint.under_regulations
        and complaint.response_due is None
        and complaint.status
        in {Status.RECEIVED, Status.ACKNOWLEDGED, Status.INVESTIGATING, Status.REOPENED}
    )


# Where actions.add_issue and record_issue_outcome accept changes.
ISSUES_EDITABLE = frozenset(
    {
        Status.RECEIVED,
        Status.ACKNOWLEDGED,
        Status.INVESTIGATING,
        Status.DRAFT_RESPONSE,
        Status.REOPENED,
    }
)


def _may_edit_issues(complaint: Complaint) -> bool:
    return complaint.status in ISSUES_EDITABLE


def _has_open_issues(complaint: Complaint) -> bool:
    return _may_edit_issues(complaint) and complaint.issues.exists()


def _may_extend(complaint: Complaint) -> bool:
    return (
        complaint.under_regulations
        and complaint.response_due is not None
        and complaint.status in OPEN_STATUSES
    )


def _may_record_learning(complaint: Complaint) -> bool:
    return (
        complaint.status not in (Status.CLOSED, Status.TRANSFERRED)
        and complaint.issues.filter(outcome__in=NEEDS_LEARNING).exists()
    )


STEPS: dict[str, StepPage] = {
    "time_limit": StepPage(
        "Decide on the 12-month time limit (regulation 12)",
        "Record the decision",
        forms.TimeLimitForm,
        Cap.MANAGE_COMPLAINTS,
        lambda r, c, d: actions.decide_time_limit(acting_user=r.user, complaint=c, **d),
        may_decide,
    ),
    "acknowledge": StepPage(
        "Acknowledge",
        "Record the acknowledgement",
        forms.AcknowledgeForm,
        Cap.MANAGE_COMPLAINTS,
        lambda r, c, d: actions.acknowledge(acting_user=r.user, complaint=c, **d),
        _workflow("acknowledge"),
    ),
    "agree_response_date": StepPage(
        "Agree the response date",
        "Record the agreed date",
        forms.AgreeResponseDateForm,
        Cap.MANAGE_COMPLAINTS,
        lambda r, c, d: actions.agree_response_date(acting_user=r.user, complaint=c, **d),
        _may_date_response,
    ),
    "add_issue": StepPage(
        "Add an issue",
        "Add the issue",
        forms.IssueForm,
        Cap.MANAGE_COMPLAINTS,
        lambda r, c, d: actions.add_issue(acting_user=r.user, complaint=c, **d),
        _may_edit_issues,
    ),
    "issue_outcome": StepPage(
        "Record an issue's outcome",
        "Record the outcome",
        forms.IssueOutcomeForm,
        Cap.MANAGE_COMPLAINTS,
        lambda r, c, d: actions.record_issue_outcome(acting_user=r.user, **d),
        _has_open_issues,
    ),
    "start_investigation": StepPage(
        "Start the investigation",
        "Start the investigation",
        forms.EmptyStepForm,
        Cap.MANAGE_COMPLAINTS,
        lambda r, c, d: actions.start_investigation(acting_user=r.user, complaint=c),
        _workflow("start_investigation"),
    ),
    "submit_draft": StepPage(
        "Submit the draft response",
        "Submit for sign-off",
        forms.EmptyStepForm,
        Cap.MANAGE_COMPLAINTS,
        lambda r, c, d: actions.submit_draft(acting_user=r.user, complaint=c),
        _workflow("submit_draft"),
    ),
    "sign_off": StepPage(
        "Sign off the response",
        "Sign off",
        forms.SignOffForm,
        Cap.SIGN_OFF_COMPLAINTS,
        lambda r, c, d: actions.sign_off(acting_user=r.user, complaint=c, **d),
        _workflow("sign_off"),
    ),
    "return_draft": StepPage(
        "Return the draft for more work",
        "Return the draft",
        forms.EmptyStepForm,
        Cap.SIGN_OFF_COMPLAINTS,
        lambda r, c, d: actions.return_draft(acting_user=r.user, complaint=c),
        _workflow("return_draft"),
    ),
    "record_response": StepPage(
        "Record the response as sent",
        "Record the response",
        forms.RecordResponseForm,
        Cap.MANAGE_COMPLAINTS,
        lambda r, c, d: actions.record_response(acting_user=r.user, complaint=c, **d),
        _workflow("record_response"),
    ),
    "close": StepPage(
        "Close the case",
        "Close the case",
        forms.CloseForm,
        Cap.MANAGE_COMPLAINTS,
        lambda r, c, d: actions.close(acting_user=r.user, complaint=c, **d),
        _workflow("close"),
    ),
    "reopen": StepPage(
        "Reopen the complaint",
        "Reopen",
        forms.ReopenForm,
        Cap.MANAGE_COMPLAINTS,
        lambda r, c, d: actions.reopen(acting_user=r.user, complaint=c, **d),
        _workflow("reopen"),
    ),
    "transfer": StepPage(
        "Transfer to another body",
        "Record the transfer",
        forms.TransferForm,
        Cap.MANAGE_COMPLAINTS,
        lambda r, c, d: actions.transfer(acting_user=r.user, complaint=c, **d),
        _workflow("transfer"),
    ),
    "set_response_date": StepPage(
        "Set the response date (no date could be agreed)",
        "Record the date set",
        forms.SetResponseDateForm,
        Cap.MANAGE_COMPLAINTS,
        lambda r, c, d: actions.set_response_date(
            acting_user=r.user,
            complaint=c,
            response_due=d["response_due"],
            notified=d["notified"],
            notified_on=d.get("notified_on"),
        ),
        _may_date_response,
    ),
    "extend": StepPage(
        "Extend the response date",
        "Record the extension",
        forms.ExtensionForm,
        Cap.MANAGE_COMPLAINTS,
        lambda r, c, d: actions.extend_response_date(
            acting_user=r.user,
            complaint=c,
            new_date=d["new_date"],
            complainant_agreed=d["complainant_agreed"],
            how_agreed=d["how_agreed"],
            agreed_on=d.get("agreed_on"),
            requested_by=d["requested_by"],
            reason=d["reason"],
        ),
        _may_extend,
    ),
    "late_letter": StepPage(
        "Record the late response letter as sent",
        "Record the letter",
        forms.LateLetterForm,
        Cap.MANAGE_COMPLAINTS,
        lambda r, c, d: actions.record_late_letter_sent(acting_user=r.user, **d),
        lambda c: c.late_response_tasks.filter(letter_sent_on__isnull=True).exists(),
    ),
    "change_handler": StepPage(
        "Change the handler",
        "Change the handler",
        forms.HandlerForm,
        Cap.MANAGE_COMPLAINTS,
        lambda r, c, d: actions.assign_handler(
            acting_user=r.user, complaint=c, handler=d.get("handler")
        ),
        lambda c: c.is_open,
    ),
    "learning": StepPage(
        "Record the learning from an issue",
        "Record the learning",
        forms.LearningForm,
        Cap.MANAGE_COMPLAINTS,
        lambda r, c, d: actions.record_learning(acting_user=r.user, **d),
        _may_record_learning,
    ),
    "note": StepPage(
        "Add an investigation note",
        "Add the note",
        casework_forms.CaseNoteForm,
        Cap.MANAGE_COMPLAINTS,
        lambda r, c, d: actions.add_case_note(acting_user=r.user, complaint=c, **d),
        lambda c: True,
    ),
    "contact": StepPage(
        "Log a contact",
        "Log the contact",
        casework_forms.ContactForm,
        Cap.MANAGE_COMPLAINTS,
        lambda r, c, d: actions.record_contact(acting_user=r.user, complaint=c, **d),
        lambda c: True,
    ),
    "consent": StepPage(
        "Update consent",
        "Record consent",
        forms.ConsentForm,
        Cap.MANAGE_COMPLAINTS,
        lambda r, c, d: actions.update_consent(acting_user=r.user, complaint=c, **d),
        lambda c: c.is_open,
    ),
    "draft_letter": StepPage(
        "Draft a letter",
        "Draft the letter",
        forms.DraftLetterForm,
        Cap.MANAGE_COMPLAINTS,
        lambda r, c, d: actions.draft_letter(acting_user=r.user, complaint=c, **d),
        lambda c: c.status != Status.TRANSFERRED,
    ),
    "add_attachment": StepPage(
        "Attach a document",
        "Attach",
        forms.AttachmentForm,
        Cap.MANAGE_COMPLAINTS,
        lambda r, c, d: actions.add_attachment(
            acting_user=r.user,
            complaint=c,
            filename=d["attachment"].name,
            data=d["attachment"].read(),
        ),
        lambda c: True,
    ),
    "refer_to_phso": StepPage(
        "Record a referral to the Ombudsman",
        "Record the referral",
        forms.PHSOReferralForm,
        Cap.MANAGE_COMPLAINTS,
        lambda r, c, d: actions.refer_to_phso(acting_user=r.user, complaint=c, **d),
        _workflow("refer_to_phso"),
    ),
    "phso_decision": StepPage(
        "Record the Ombudsman's decision",
        "Record the decision",
        forms.PHSODecisionForm,
        Cap.MANAGE_COMPLAINTS,
        lambda r, c, d: actions.record_phso_decision(acting_user=r.user, **d),
        lambda c: c.phso_referrals.filter(decision=PHSODecision.PENDING).exists(),
    ),
    "phso_recommendation": StepPage(
        "Add an Ombudsman recommendation",
        "Add the recommendation",
        forms.PHSORecommendationForm,
        Cap.MANAGE_COMPLAINTS,
        lambda r, c, d: actions.add_phso_recommendation(acting_user=r.user, **d),
        lambda c: c.status == Status.REFERRED_TO_PHSO,
    ),
    "phso_complete": StepPage(
        "Record a recommendation as completed",
        "Record completion",
        forms.PHSOCompleteForm,
        Cap.MANAGE_COMPLAINTS,
        lambda r, c, d: actions.complete_phso_recommendation(acting_user=r.user, **d),
        lambda c: PHSORecommendation.objects.filter(
            referral__complaint=c, completed_on__isnull=True
        ).exists(),
    ),
    "exclude": StepPage(
        "Record that regulation 8 excludes it",
        "Record the exclusion",
        forms.ExcludeForm,
        Cap.MANAGE_COMPLAINTS,
        lambda r, c, d: actions.exclude(acting_user=r.user, complaint=c, **d),
        _workflow("exclude"),
    ),
    "escalate": StepPage(
        "Escalate to a formal complaint",
        "Escalate",
        forms.EscalateForm,
        Cap.MANAGE_COMPLAINTS,
        lambda r, c, d: actions.escalate_pals_concern(acting_user=r.user, concern=c, **d),
        _workflow("escalate"),
    ),
}


# What the page says once a step is done: a plain sentence, not the step's name.
DONE: dict[str, str] = {
    "acknowledge": "The acknowledgement is recorded",
    "agree_response_date": "The agreed response date is recorded",
    "add_issue": "The issue is added",
    "issue_outcome": "The issue's outcome is recorded",
    "start_investigation": "The investigation has started",
    "submit_draft": "The draft response is sent for sign-off",
    "sign_off": "The response is signed off and locked: it can now be sent",
    "return_draft": "The draft response is returned for more work",
    "record_response": "The response is recorded as sent",
    "close": "The case is closed",
    "reopen": "The complaint is reopened",
    "transfer": "The transfer is recorded",
    "set_response_date": "The response date the trust set is recorded",
    "extend": "The new response date is recorded",
    "late_letter": "The late response letter is recorded as sent",
    "change_handler": "The handler is changed",
    "learning": "The learning is recorded",
    "consent": "The consent is recorded",
    "note": "The note is added to the timeline",
    "contact": "The contact is logged on the timeline",
    "draft_letter": "The letter is drafted",
    "add_attachment": "The document is attached",
    "refer_to_phso": "The referral to the Ombudsman is recorded",
    "phso_decision": "The Ombudsman's decision is recorded",
    "phso_recommendation": "The Ombudsman's recommendation is added",
    "phso_complete": "The recommendation is recorded as completed",
    "exclude": "The case is recorded as excluded by regulation 8 and closed",
    "escalate": "The concern is escalated to a formal complaint",
}


def _investigation_step(complaint: Complaint) -> list[str]:
    """What moves an investigation on: issues, their outcomes, learning, the letter."""
    issues = list(complaint.issues.all())
    if not issues:
        return ["add_issue"]
    if any(not issue.outcome for issue in issues):
        return ["issue_outcome"]
    if any(issue.lacks_learning for issue in issues):
        return ["learning"]
    if not complaint.letters.filter(kind=LetterKind.FINAL).exists():
        return ["draft_letter"]
    return ["submit_draft"]


def _candidates(complaint: Complaint) -> list[str]:
    status = complaint.status
    if status == Status.RECEIVED:
        return ["time_limit", "acknowledge", "escalate", "close"]
    if status == Status.ACKNOWLEDGED:
        return ["agree_response_date", "start_investigation"]
    if status == Status.REOPENED:
        return ["start_investigation"]
    if status == Status.INVESTIGATING:
        return _investigation_step(complaint)
    if status == Status.DRAFT_RESPONSE:
        return ["sign_off"]
    if status == Status.SIGNED_OFF:
        return ["record_response"]
    if status in (Status.RESPONDED, Status.REFERRED_TO_PHSO):
        return ["learning", "phso_decision", "phso_complete", "close"]
    return []


def primary_step(complaint: Complaint, offered: set[str]) -> str | None:
    """The one step the case page leads with: the first of what moves the case on from
    its status that this reader is offered (None when nothing is left to do, or
    nothing the reader may do). Learning leads after the response only while an
    upheld issue still lacks it, since closing is refused until then."""
    after_response = complaint.status in (Status.RESPONDED, Status.REFERRED_TO_PHSO)
    for name in _candidates(complaint):
        if name == "learning" and after_response and not _lacks_learning(complaint):
            continue
        if name in offered:
            return name
    return None


def _lacks_learning(complaint: Complaint) -> bool:
    return any(issue.lacks_learning for issue in complaint.issues.all())
