"""Who may open each complaints URL: merged into tests/test_url_permissions.py."""

from __future__ import annotations

import datetime
from typing import Any

from tests.url_access_groups import COMPLAINTS_STAFF, COMPLAINTS_VIEWERS, PUBLIC, Access, Samples
from wellled.core.testing import Trust

ACCESS: Access = {
    "complaints:list": COMPLAINTS_VIEWERS,
    "complaints:new": COMPLAINTS_STAFF,
    "complaints:detail": COMPLAINTS_VIEWERS,  # a case about the service lead's service
    "complaints:step": COMPLAINTS_STAFF,
    "complaints:public_form": PUBLIC,
    "complaints:public_sent": PUBLIC,
    "complaints:letter_templates": frozenset({"complaints_manager", "operator"}),
    "complaints:letter_template_edit": frozenset({"complaints_manager", "operator"}),
    "complaints:letterhead": frozenset({"complaints_manager", "operator"}),
    # The triage queue: those who handle cases take them from it.
    "complaints:triage": COMPLAINTS_STAFF,
    # Who handles new cases is a complaints setting, as the letter templates are.
    "complaints:assignment_rules": frozenset({"complaints_manager", "operator"}),
    "complaints:assignment_rule_delete": frozenset({"complaints_manager", "operator"}),
    # Each saves their own filters of the caseload they see.
    "complaints:saved_filter_save": COMPLAINTS_VIEWERS,
    "complaints:saved_filter_delete": COMPLAINTS_VIEWERS,
    "complaints:case_details_edit": COMPLAINTS_STAFF,
    "complaints:complainant_edit": COMPLAINTS_STAFF,
    "complaints:patient_edit": COMPLAINTS_STAFF,
    "complaints:issue_edit": COMPLAINTS_STAFF,
    "complaints:attachment": COMPLAINTS_VIEWERS,
    "complaints:letter": COMPLAINTS_STAFF,
    "complaints:letter_download": COMPLAINTS_STAFF,
    # API: lists are filtered (an empty list is a refusal); details refuse.
    "complaint-list": COMPLAINTS_VIEWERS,
    "complaint-detail": COMPLAINTS_VIEWERS,  # a case about the service lead's service
    "complaint-acknowledge": COMPLAINTS_STAFF,
    "complaint-agree-response-date": COMPLAINTS_STAFF,
    "complaint-set-response-date": COMPLAINTS_STAFF,
    "complaint-extend-response-date": COMPLAINTS_STAFF,
    "complaint-start-investigation": COMPLAINTS_STAFF,
    "complaint-submit-draft": COMPLAINTS_STAFF,
    # Sign-off: executives see a case only while it is a draft; the sample is not one.
    "complaint-sign-off": frozenset({"complaints_manager"}),
    "complaint-record-response": COMPLAINTS_STAFF,
    "complaint-close": COMPLAINTS_STAFF,
    "complaint-reopen": COMPLAINTS_STAFF,
    "complaint-return-draft": frozenset({"complaints_manager"}),
    "complaint-change-handler": COMPLAINTS_STAFF,
    "complaint-consent": COMPLAINTS_STAFF,
    # Reading people, issues, referrals, tasks and documents: as the case page.
    "complaint-complainant": COMPLAINTS_VIEWERS,
    "complaint-patient": COMPLAINTS_VIEWERS,
    "complaint-issues": COMPLAINTS_VIEWERS,
    "complaint-issue": COMPLAINTS_VIEWERS,
    "complaint-issue-outcome": COMPLAINTS_STAFF,
    "complaint-issue-learning": COMPLAINTS_STAFF,
    "complaint-exclude": COMPLAINTS_STAFF,
    "complaint-transfer": COMPLAINTS_STAFF,
    "complaint-escalate": COMPLAINTS_STAFF,
    "complaint-refer-to-phso": COMPLAINTS_STAFF,
    "complaint-phso-referrals": COMPLAINTS_VIEWERS,
    "complaint-phso-decision": COMPLAINTS_STAFF,
    "complaint-phso-recommendations": COMPLAINTS_STAFF,
    "complaint-phso-recommendation-complete": COMPLAINTS_STAFF,
    "complaint-late-response-tasks": COMPLAINTS_VIEWERS,
    "complaint-late-letter-sent": COMPLAINTS_STAFF,
    # Letters name the complainant: complaints staff only, as the letter pages.
    "complaint-letters": COMPLAINTS_STAFF,
    "complaint-letter": COMPLAINTS_STAFF,
    "complaint-letter-sent": COMPLAINTS_STAFF,
    "complaint-letter-download": COMPLAINTS_STAFF,
    "complaint-attachments": COMPLAINTS_VIEWERS,
    "complaint-attachment-download": COMPLAINTS_VIEWERS,
    # Read by whoever may open the case (GET); adding one is the complaints team's.
    "complaint-notes": COMPLAINTS_VIEWERS,
    "complaint-contacts": COMPLAINTS_VIEWERS,
}


def complaint(trust: Trust) -> dict[str, Any]:
    from wellled.complaints import actions as complaint_actions

    case = complaint_actions.record_complaint(
        acting_user=None,
        channel="letter",
        received_on=datetime.date(2026, 3, 2),
        service=trust.service,
        summary="Waited three weeks for a call back.",
        complainant=complaint_actions.ComplainantDetails(
            full_name="Alex Rivera", email="alex@example.org"
        ),
    )
    return {"pk": case.pk}


def _issue(trust: Trust) -> dict[str, Any]:
    from wellled.complaints import actions as complaint_actions
    from wellled.complaints.models import Complaint
    from wellled.complaints.tests.support import ref

    sample = complaint(trust)
    found = complaint_actions.add_issue(
        acting_user=None,
        complaint=Complaint.objects.get(pk=sample["pk"]),
        description="No call back",
        subject=ref("ko41a_subject", "communications"),
        service_area=ref("ko41a_service_area", "mental_health"),
        profession=ref("profession", "nursing"),
    )
    return {**sample, "issue_pk": found.pk}


def _attachment(trust: Trust) -> dict[str, Any]:
    from wellled.complaints import actions as complaint_actions
    from wellled.complaints.models import Complaint

    sample = complaint(trust)
    document = complaint_actions.add_attachment(
        acting_user=None,
        complaint=Complaint.objects.get(pk=sample["pk"]),
        filename="photo.png",
        data=b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,
    )
    return {**sample, "attachment_pk": document.pk}


def _letter(trust: Trust) -> dict[str, Any]:
    from wellled.complaints import actions as complaint_actions
    from wellled.complaints.models import Complaint

    sample = complaint(trust)
    letter = complaint_actions.draft_letter(
        acting_user=None,
        complaint=Complaint.objects.get(pk=sample["pk"]),
        kind="acknowledgement",
    )
    return {**sample, "letter_pk": letter.pk}


def _with_patient(trust: Trust) -> dict[str, Any]:
    from wellled.complaints import actions as complaint_actions

    case = complaint_actions.record_complaint(
        acting_user=None,
        channel="letter",
        received_on=datetime.date(2026, 3, 2),
        service=trust.service,
        summary="Waited three weeks for a call back.",
        complainant=complaint_actions.ComplainantDetails(
            full_name="Alex Rivera", email="alex@example.org"
        ),
        patient=complaint_actions.PatientDetails(full_name="Sam Rivera"),
    )
    return {"pk": case.pk}


def _referred(trust: Trust) -> dict[str, Any]:
    """A responded case taken to the Ombudsman, with one recommendation."""
    from wellled.complaints import actions as complaint_actions
    from wellled.complaints.tests.support import record, to_responded

    case = to_responded(trust, record(trust))
    case = complaint_actions.refer_to_phso(
        acting_user=None, complaint=case, referred_on=datetime.date(2026, 5, 1)
    )
    referral = case.phso_referrals.get()
    recommendation = complaint_actions.add_phso_recommendation(
        acting_user=None,
        referral=referral,
        description="Apologise",
        due_on=datetime.date(2026, 8, 1),
    )
    return {"pk": case.pk, "referral_pk": referral.pk, "recommendation_pk": recommendation.pk}


def _late_task(trust: Trust) -> dict[str, Any]:
    from wellled.complaints import actions as complaint_actions
    from wellled.complaints.models import Complaint

    sample = complaint(trust)
    complaint_actions.agree_response_date(
        acting_user=None,
        complaint=Complaint.objects.get(pk=sample["pk"]),
        response_due=datetime.date(2026, 4, 15),
        agreed_on=datetime.date(2026, 3, 3),
        how_agreed="phone",
    )
    task = next(
        t
        for t in complaint_actions.open_late_response_tasks(today=datetime.date(2026, 4, 20))
        if t.complaint_id == sample["pk"]
    )
    return {**sample, "task_pk": task.pk}


def _sent(trust: Trust) -> dict[str, Any]:
    from django.core import signing

    from wellled.complaints.public import SENT_SALT

    return {"token": signing.dumps("C-2026-00001", salt=SENT_SALT)}


def _assignment_rule(trust: Trust) -> dict[str, Any]:
    from wellled.complaints import actions as complaint_actions

    rule = complaint_actions.set_assignment_rule(
        acting_user=None, service=trust.service, handler=trust.people["complaints_handler"]
    )
    return {"pk": rule.pk}


def _saved_filter(trust: Trust) -> dict[str, Any]:
    """The complaints manager's saved filter: the walk's other personas may not delete it."""
    from wellled.complaints import actions as complaint_actions

    saved = complaint_actions.save_caseload_filter(
        acting_user=trust.people["complaints_manager"], name="Closed", query="status=closed"
    )
    return {"pk": saved.pk}


SAMPLES: Samples = {
    "complaints:public_sent": _sent,
    "complaints:assignment_rule_delete": _assignment_rule,
    "complaints:saved_filter_delete": _saved_filter,
    "complaints:letter_template_edit": lambda t: {"kind": "final"},
    "complaints:case_details_edit": complaint,
    "complaints:complainant_edit": complaint,
    "complaints:patient_edit": complaint,
    "complaints:issue_edit": _issue,
    "complaints:attachment": _attachment,
    "complaints:letter": _letter,
    "complaints:letter_download": lambda t: {**_letter(t), "fmt": "pdf"},
    "complaints:detail": complaint,
    "complaints:step": lambda t: {**complaint(t), "step": "acknowledge"},
    "complaint-detail": complaint,
    "complaint-acknowledge": complaint,
    "complaint-agree-response-date": complaint,
    "complaint-set-response-date": complaint,
    "complaint-extend-response-date": complaint,
    "complaint-start-investigation": complaint,
    "complaint-submit-draft": complaint,
    "complaint-sign-off": complaint,
    "complaint-record-response": complaint,
    "complaint-close": complaint,
    "complaint-reopen": complaint,
    "complaint-return-draft": complaint,
    "complaint-change-handler": complaint,
    "complaint-consent": complaint,
    "complaint-complainant": complaint,
    "complaint-patient": _with_patient,
    "complaint-issues": complaint,
    "complaint-issue": _issue,
    "complaint-issue-outcome": _issue,
    "complaint-issue-learning": _issue,
    "complaint-exclude": complaint,
    "complaint-transfer": complaint,
    "complaint-escalate": complaint,
    "complaint-refer-to-phso": complaint,
    "complaint-phso-referrals": complaint,
    "complaint-phso-decision": lambda t: {
        k: v for k, v in _referred(t).items() if k != "recommendation_pk"
    },
    "complaint-phso-recommendations": lambda t: {
        k: v for k, v in _referred(t).items() if k != "recommendation_pk"
    },
    "complaint-phso-recommendation-complete": lambda t: {
        k: v for k, v in _referred(t).items() if k != "referral_pk"
    },
    "complaint-late-response-tasks": complaint,
    "complaint-late-letter-sent": _late_task,
    "complaint-letters": complaint,
    "complaint-letter": _letter,
    "complaint-letter-sent": _letter,
    "complaint-letter-download": lambda t: {**_letter(t), "fmt": "docx"},
    "complaint-attachments": complaint,
    "complaint-attachment-download": _attachment,
    "complaint-notes": complaint,
    "complaint-contacts": complaint,
}

# The measures and exports pages keep their own matrix; it is merged here.
from wellled.complaints.tests.url_access_measures import (  # noqa: E402
    ACCESS as _M_ACCESS,
)
from wellled.complaints.tests.url_access_measures import (  # noqa: E402
    SAMPLES as _M_SAMPLES,
)

ACCESS.update(_M_ACCESS)
SAMPLES.update(_M_SAMPLES)
